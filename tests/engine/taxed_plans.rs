//! Plans with accounts: a zero-volatility path against a year-by-year computation by hand
//! (the IRS-form oracle of `tax.rs` and bisection, not the engine's solver), reproducibility
//! on 1 and 2 threads, monotonicity on common random numbers, and the 422s of bad input.

use glidepath::engine::tax::Filing;
use serde_json::{Value, json};

use crate::support::{
    deterministic_market, numbers, plan_with, pool, run, same_at_every_level, try_plan,
};
use crate::tax::{Filer, form_1040};

/// A couple with all three accounts, RMDs from the second year, a fixed conversion in the
/// first two, and the partner's death after five years.
fn couple(patch: Value) -> Value {
    let mut plan = json!({
        "current_age": 72, "end_age": 80, "birth_year": 1954,
        "portfolio": {"balance": null},
        "partner": {"current_age": 70, "end_age": 75, "birth_year": 1956},
        "social_security": {"monthly_benefit": 2_000, "claiming_age": 70},
        "accounts": {
            "taxable": {"balance": 200_000, "basis": 120_000},
            "traditional": {"balance": 500_000},
            "roth": {"balance": 100_000}
        },
        "spending": {"annual": 80_000, "survivor_share": 0.7},
        "tax": {"conversion": "fixed", "conversion_amount": 20_000,
                "conversion_start_age": 72, "conversion_end_age": 74, "state_rate": 0.05},
        "market": deterministic_market(0.05, 0.05, 0.0),
        "fees": {"expense_ratio": 0.0},
        "simulation": {"scenarios": 10, "seed": 1}
    });
    crate::support::merge(&mut plan, &patch);
    plan
}

/// The year by hand: what the engine must reproduce, to the cent.
#[derive(Debug)]
struct Year {
    tax: f64,
    rmd: f64,
    accounts: [f64; 3],
}

fn by_hand(social_security: &[f64]) -> Vec<Year> {
    // The Uniform Lifetime Table from 73 (born 1954: distributions start at 73).
    let period = |age: u32| match age {
        73 => 26.5,
        74 => 25.5,
        75 => 24.6,
        76 => 23.7,
        77 => 22.9,
        78 => 22.0,
        79 => 21.1,
        _ => f64::INFINITY,
    };
    let (mut taxable, mut basis, mut traditional, mut roth) =
        (200_000.0, 120_000.0, 500_000.0, 100_000.0);
    let mut out = Vec::new();
    for t in 0..8u32 {
        let age = 72 + t;
        let both = t < 5;
        let filer = Filer {
            filing: if both { Filing::Joint } else { Filing::Single },
            seniors: if both { 2.0 } else { 1.0 },
            year: 2026 + t,
        };
        let rmd = traditional / period(age);
        traditional -= rmd;
        let conversion = if age < 74 {
            20_000.0_f64.min(traditional)
        } else {
            0.0
        };
        traditional -= conversion;
        roth += conversion;
        let ss = social_security[t as usize];
        let spending = if both { 80_000.0 } else { 56_000.0 };
        let gain_share = 1.0 - basis / taxable;
        // Taxable first, then traditional, then Roth.
        let parts = |w: f64| {
            let from_taxable = w.min(taxable);
            let from_traditional = (w - from_taxable).min(traditional);
            (
                from_taxable,
                from_traditional,
                w - from_taxable - from_traditional,
            )
        };
        let tax = |w: f64| {
            let (from_taxable, from_traditional, _) = parts(w);
            let ordinary = rmd + conversion + from_traditional;
            let gains = from_taxable * gain_share;
            form_1040(&filer, ordinary, ss, gains) + 0.05 * (ordinary + gains)
        };
        let cash = ss + rmd;
        let (mut lo, mut hi) = (0.0, taxable + traditional + roth);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if mid - tax(mid) + cash < spending {
                lo = mid
            } else {
                hi = mid
            }
        }
        let w = if cash - tax(0.0) >= spending { 0.0 } else { hi };
        let paid = tax(w);
        let surplus = (w + cash - paid - spending).max(0.0);
        let (from_taxable, from_traditional, from_roth) = parts(w);
        basis = basis * (1.0 - from_taxable / taxable) + surplus;
        taxable = (taxable - from_taxable + surplus) * 1.05;
        traditional = (traditional - from_traditional) * 1.05;
        roth = (roth - from_roth) * 1.05;
        out.push(Year {
            tax: paid,
            rmd,
            accounts: [taxable, traditional, roth],
        });
    }
    out
}

#[test]
fn a_zero_volatility_couple_matches_the_year_by_year_hand_computation() {
    let plan = plan_with(couple(json!({})));
    let outcome = run(&plan);
    let taxes = outcome
        .taxes
        .as_ref()
        .expect("a plan with accounts reports its taxes");
    let social_security = &outcome.household.as_ref().unwrap().social_security_yearly;
    let hand = by_hand(social_security);
    for (t, year) in hand.iter().enumerate() {
        let at = |what: &str, got: f64, want: f64| {
            assert!(
                (got - want).abs() < 0.02,
                "year {t} {what}: engine {got}, by hand {want}"
            );
        };
        at("tax", taxes.tax_yearly.p50[t], year.tax);
        at("RMD", taxes.rmd_yearly.p50[t], year.rmd);
        at("taxable", taxes.accounts.taxable.p50[t], year.accounts[0]);
        at(
            "traditional",
            taxes.accounts.traditional.p50[t],
            year.accounts[1],
        );
        at("Roth", taxes.accounts.roth.p50[t], year.accounts[2]);
        at(
            "balance",
            outcome.balance_percentiles.p50[t],
            year.accounts.iter().sum(),
        );
    }
    // The facts the table rests on: no RMD at 72, one at 73; single from the sixth year.
    assert_eq!(hand[0].rmd, 0.0);
    assert!(hand[1].rmd > 0.0);
    assert_eq!(outcome.success_probability, 1.0);
    assert_eq!(outcome.spending_percentiles.p50[5], 56_000.0);
    let lifetime: f64 = hand.iter().map(|y| y.tax).sum();
    assert!((taxes.lifetime_tax.p50 - lifetime).abs() < 0.1);
}

#[test]
fn results_are_bit_identical_on_one_and_two_threads() {
    let plan = plan_with(json!({
        "current_age": 60, "end_age": 92, "retirement_age": 63, "birth_year": 1966,
        "portfolio": {"balance": null},
        "partner": {"current_age": 58, "birth_year": 1968},
        "social_security": {"monthly_benefit": 2_800},
        "accounts": {"taxable": {"balance": 400_000, "basis": 250_000, "annual_contribution": 10_000},
                     "traditional": {"balance": 900_000, "annual_contribution": 20_000},
                     "roth": {"balance": 150_000}},
        "spending": {"annual": 90_000},
        "tax": {"withdrawal_order": "fill_bracket", "conversion": "fill_bracket",
                "conversion_bracket_rate": 0.22, "state_rate": 0.05},
        "simulation": {"scenarios": 1_000, "seed": 9}
    }));
    let one = pool(1).install(|| numbers(run(&plan)));
    let two = pool(2).install(|| numbers(run(&plan)));
    assert_eq!(one, two);
    assert!(one.taxes.is_some());
}

#[test]
fn every_simd_level_gives_bit_identical_taxed_results() {
    // The taxed year's passes and solves are vector code of their own per level (the solve
    // takes 8 lanes at a time with AVX-512, 4 below): each lane must get the same bits.
    let plans = [
        json!({"tax": {"withdrawal_order": "taxable_first", "conversion": "fixed",
                       "conversion_amount": 15_000, "conversion_end_age": 66}}),
        json!({"tax": {"withdrawal_order": "proportional", "conversion": "fill_bracket",
                       "conversion_bracket_rate": 0.12, "state_rate": 0.05}}),
        json!({"tax": {"withdrawal_order": "fill_bracket", "fill_bracket_rate": 0.22},
               "longevity": {"model": "drawn"}, "sex": "female",
               "partner": {"sex": "male", "current_age": 62}}),
    ];
    for patch in plans {
        let mut plan = json!({
            "current_age": 63, "retirement_age": 65, "end_age": 95, "birth_year": 1963,
            "portfolio": {"balance": null},
            "partner": {"current_age": 61, "end_age": 93,
                        "social_security": {"monthly_benefit": 1_400, "claiming_age": 62}},
            "social_security": {"monthly_benefit": 2_500, "claiming_age": 68},
            "accounts": {"taxable": {"balance": 150_000, "basis": 110_000, "annual_contribution": 10_000},
                         "traditional": {"balance": 850_000, "annual_contribution": 23_000},
                         "roth": {"balance": 60_000}},
            "spending": {"annual": 70_000, "survivor_share": 0.7},
            "simulation": {"scenarios": 1_000, "seed": 12}
        });
        crate::support::merge(&mut plan, &patch);
        let outcome = same_at_every_level(&plan_with(plan));
        assert!(outcome.taxes.is_some());
    }
}

/// The odds of a plan with `patch` over a mostly pre-tax household, on fixed seeds.
fn odds(patch: Value) -> f64 {
    let mut plan = json!({
        "current_age": 65, "end_age": 95, "birth_year": 1961,
        "portfolio": {"balance": null},
        "accounts": {"taxable": {"balance": 100_000, "basis": 80_000},
                     "traditional": {"balance": 800_000}},
        "social_security": {"monthly_benefit": 2_200},
        "spending": {"annual": 75_000},
        "simulation": {"scenarios": 2_000, "seed": 5}
    });
    crate::support::merge(&mut plan, &patch);
    run(&plan_with(plan)).success_probability
}

#[test]
fn more_traditional_savings_never_lower_the_odds_and_a_higher_state_rate_never_raises_them() {
    let savings: Vec<f64> = [600_000, 800_000, 1_000_000]
        .iter()
        .map(|b| odds(json!({"accounts": {"traditional": {"balance": b}}})))
        .collect();
    assert!(savings.windows(2).all(|w| w[1] >= w[0]), "{savings:?}");
    assert!(savings[2] > savings[0], "{savings:?}");
    let states: Vec<f64> = [0.0, 0.05, 0.1]
        .iter()
        .map(|r| odds(json!({"tax": {"state_rate": r}})))
        .collect();
    assert!(states.windows(2).all(|w| w[1] <= w[0]), "{states:?}");
    assert!(states[2] < states[0], "{states:?}");
}

/// The paths of the errors of a plan with `patch` over `couple`.
fn errors(patch: Value) -> Vec<(String, String)> {
    try_plan(couple(patch))
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e.path, e.message))
        .collect()
}

#[test]
fn bad_accounts_and_rules_are_refused_naming_the_field() {
    let cases = [
        (
            json!({"accounts": {"taxable": {"basis": 250_000}}}),
            "accounts.taxable.basis",
        ),
        (
            json!({"accounts": {"roth": {"balance": -1}}}),
            "accounts.roth.balance",
        ),
        (
            json!({"accounts": {"traditional": {"balance": 0}}}),
            "tax.conversion",
        ),
        (
            json!({"tax": {"conversion": "fill_bracket", "conversion_amount": null,
                        "conversion_bracket_rate": 0.23}}),
            "tax.conversion_bracket_rate",
        ),
        (
            json!({"tax": {"withdrawal_order": "fill_bracket", "fill_bracket_rate": 0.37}}),
            "tax.fill_bracket_rate",
        ),
        (
            json!({"tax": {"withdrawal_order": "proportional", "fill_bracket_rate": 0.22}}),
            "tax.fill_bracket_rate",
        ),
        (
            json!({"tax": {"conversion_start_age": 74, "conversion_end_age": 73}}),
            "tax.conversion_end_age",
        ),
        (json!({"tax": {"state_rate": 0.2}}), "tax.state_rate"),
        (
            json!({"tax": {"effective_rate": 0.2}}),
            "tax.effective_rate",
        ),
        (
            json!({"portfolio": {"balance": 900_000}}),
            "portfolio.balance",
        ),
        (
            json!({"partner": {"annual_contribution": 5_000}}),
            "partner.annual_contribution",
        ),
    ];
    for (patch, path) in cases {
        let found = errors(patch.clone());
        assert!(found.iter().any(|(p, _)| p == path), "{patch}: {found:?}");
    }
    // Without accounts, the rules are refused too.
    let plain =
        try_plan(json!({"tax": {"state_rate": 0.05}, "income": [{"annual": 1, "taxable": false}]}))
            .unwrap_err();
    let paths: Vec<&str> = plain.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["income[0].taxable", "tax.state_rate"]);
}

#[test]
fn a_plan_without_accounts_has_no_taxes_section_and_the_same_json() {
    let plan = plan_with(json!({}));
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["tax"], json!({"effective_rate": 0.0}));
    assert!(json.get("accounts").is_none());
    assert!(run(&plan).taxes.is_none());
}

#[test]
fn the_tax_choices_compare_on_common_random_numbers_and_name_the_best() {
    use glidepath::analysis::{Analyzer, CHOICE_SCENARIOS};
    use glidepath::engine::plan::parse_plan_json;
    use glidepath::engine::{PlanDefaults, RunOptions};
    let input = parse_plan_json(
        &json!({
            "current_age": 65, "end_age": 95, "birth_year": 1961,
            "accounts": {"taxable": {"balance": 100_000, "basis": 80_000},
                         "traditional": {"balance": 900_000}},
            "social_security": {"monthly_benefit": 2_200},
            "spending": {"annual": 70_000},
            "simulation": {"scenarios": 2_000, "seed": 5}
        })
        .to_string(),
    )
    .unwrap();
    let defaults = PlanDefaults::default();
    let analyzer = Analyzer::new(
        input,
        &defaults,
        crate::support::LIMITS,
        RunOptions::default(),
    )
    .unwrap();
    let t = analyzer
        .tax_choices()
        .unwrap()
        .expect("a plan with accounts compares");
    assert_eq!(t.scenarios, CHOICE_SCENARIOS);
    let names: Vec<&str> = t.choices.iter().map(|c| c.choice.as_str()).collect();
    assert_eq!(
        names,
        [
            "taxable_first",
            "proportional",
            "fill_bracket",
            "convert_12",
            "convert_22",
            "convert_24"
        ]
    );
    // The plan's own order is one of the choices: the same futures give the same numbers.
    assert_eq!(
        t.choices[0].success_probability,
        t.as_planned.success_probability
    );
    assert_eq!(
        t.choices[0].median_lifetime_tax,
        t.as_planned.median_lifetime_tax
    );
    // Converting to a higher bracket pays more tax early: the choices differ.
    assert_ne!(
        t.choices[3].median_lifetime_tax,
        t.choices[5].median_lifetime_tax
    );
    let best = t
        .choices
        .iter()
        .map(|c| c.success_probability)
        .fold(0.0, f64::max);
    assert_eq!(t.best.success_probability, best);
    assert!(
        t.summary().contains(&t.best.label) || t.summary().starts_with("Your plan does as well")
    );
}

/// A plan of one with accounts, RMDs and a conversion on a market that never varies.
fn one_with_accounts(longevity: Value) -> Value {
    json!({
        "current_age": 70, "end_age": 100, "birth_year": 1956, "sex": "female",
        "portfolio": {"balance": null},
        "social_security": {"monthly_benefit": 2_100, "claiming_age": 70},
        "accounts": {"taxable": {"balance": 150_000, "basis": 100_000},
                     "traditional": {"balance": 700_000},
                     "roth": {"balance": 50_000}},
        "spending": {"annual": 60_000},
        "tax": {"conversion": "fill_bracket", "conversion_bracket_rate": 0.12,
                "conversion_start_age": 70, "conversion_end_age": 73, "state_rate": 0.04},
        "longevity": longevity,
        "market": deterministic_market(0.05, 0.04, 0.02),
        "fees": {"expense_ratio": 0.0},
        "simulation": {"scenarios": 1_000, "seed": 3}
    })
}

#[test]
fn drawn_lifetimes_tax_each_living_year_as_fixed_ones_do() {
    // With markets that never vary, every future where you are alive in a year has had the
    // same years before it: its taxes, distributions and accounts are the fixed plan's, to
    // the bit, and the bands of the years lived are one line.
    let drawn = run(&plan_with(one_with_accounts(json!({"model": "drawn"}))));
    // Drawn lifetimes run to the tables' last age: the fixed plan lives that long.
    let mut fixed = one_with_accounts(json!({"model": "fixed"}));
    let years = drawn.taxes.as_ref().unwrap().tax_yearly.p50.len();
    assert_eq!(
        years,
        drawn.ages.len(),
        "the tax bands end with the last death"
    );
    fixed["end_age"] = json!(70 + years);
    let fixed = run(&plan_with(fixed));
    let (f, d) = (fixed.taxes.unwrap(), drawn.taxes.unwrap());
    let alive = drawn.household.unwrap().lifetimes.unwrap().alive_share;
    let mut compared = 0;
    for (t, &alive) in alive.iter().enumerate().take(f.tax_yearly.p50.len()) {
        if alive == 0.0 {
            continue;
        }
        for (what, fixed, drawn) in [
            ("tax", &f.tax_yearly, &d.tax_yearly),
            ("RMD", &f.rmd_yearly, &d.rmd_yearly),
            (
                "traditional",
                &f.accounts.traditional,
                &d.accounts.traditional,
            ),
            ("Roth", &f.accounts.roth, &d.accounts.roth),
        ] {
            assert_eq!(drawn.p50[t], fixed.p50[t], "{what} in year {t}");
            assert_eq!(drawn.p5[t], drawn.p95[t], "{what} in year {t}");
        }
        assert_eq!(d.effective_rate[t], f.effective_rate[t], "rate in year {t}");
        compared += 1;
    }
    assert!(compared > 20, "{compared} years compared");
    assert!(f.tax_yearly.p50[1] > 0.0 && f.rmd_yearly.p50[4] > 0.0);
    // Fewer years lived: less tax over a lifetime, never more.
    assert!(d.lifetime_tax.p50 < f.lifetime_tax.p50);
    assert!(d.lifetime_tax.p95 <= f.lifetime_tax.p50 + 0.01);
}

#[test]
fn a_drawn_couple_with_accounts_files_by_who_is_alive_and_is_bit_identical_on_threads() {
    let couple = |longevity: Value| {
        plan_with(couple(json!({
            "sex": "male", "end_age": 100,
            "partner": {"sex": "female", "end_age": 98,
                        "social_security": {"monthly_benefit": 900, "claiming_age": 70}},
            "longevity": longevity,
            "simulation": {"scenarios": 1_000, "seed": 4}
        })))
    };
    let drawn = couple(json!({"model": "drawn"}));
    let one = pool(1).install(|| numbers(run(&drawn)));
    let two = pool(2).install(|| numbers(run(&drawn)));
    assert_eq!(one, two);
    // Nobody dies before the end of the first year: it is the fixed couple's, joint.
    let fixed = run(&couple(json!({"model": "fixed"})));
    let (d, f) = (one.taxes.as_ref().unwrap(), fixed.taxes.as_ref().unwrap());
    assert_eq!(d.tax_yearly.p5[0], f.tax_yearly.p50[0]);
    assert_eq!(d.tax_yearly.p95[0], f.tax_yearly.p50[0]);
    // Later years mix couples and survivors: the bands spread, and every number is one.
    let lifetimes = one.household.as_ref().unwrap().lifetimes.as_ref().unwrap();
    assert!(lifetimes.alive_share[10] < 1.0);
    assert!(d.tax_yearly.p5[10] < d.tax_yearly.p95[10]);
    for band in [&d.tax_yearly, &d.rmd_yearly, &d.accounts.traditional] {
        assert!(band.p50.iter().chain(&band.p95).all(|v| v.is_finite()));
    }
}

#[test]
fn a_conversions_tax_comes_from_the_taxable_account_under_every_order() {
    // Benefits pay the spending but not the tax a $40,000 conversion adds. The taxable
    // account (no gains in it) pays that tax under every order: the proportional and the
    // fill-the-bracket orders leave the Roth account as taxable first does.
    let year_one = |order: &str| {
        let plan = plan_with(json!({
            "current_age": 70, "end_age": 75, "birth_year": 1956,
            "portfolio": {"balance": null},
            "social_security": {"monthly_benefit": 3_000, "claiming_age": 70},
            "accounts": {"taxable": {"balance": 200_000, "basis": 200_000},
                         "traditional": {"balance": 500_000},
                         "roth": {"balance": 100_000}},
            "spending": {"annual": 34_000},
            "tax": {"withdrawal_order": order,
                    "fill_bracket_rate": (order == "fill_bracket").then_some(0.1),
                    "conversion": "fixed", "conversion_amount": 40_000,
                    "conversion_start_age": 70, "conversion_end_age": 71},
            "market": deterministic_market(0.05, 0.05, 0.0),
            "fees": {"expense_ratio": 0.0},
            "simulation": {"scenarios": 10, "seed": 1}
        }));
        let taxes = run(&plan).taxes.unwrap();
        let a = &taxes.accounts;
        (
            [a.taxable.p50[0], a.traditional.p50[0], a.roth.p50[0]],
            taxes.tax_yearly.p50[0],
        )
    };
    let (first, tax) = year_one("taxable_first");
    assert!(tax > 2_000.0, "the conversion is taxed: {tax}");
    // Neither the traditional account (less the conversion) nor the Roth account (with it)
    // gave anything: they grew alike.
    assert!(
        (first[2] / first[1] - 140.0 / 460.0).abs() < 1e-12,
        "{first:?}"
    );
    for order in ["proportional", "fill_bracket"] {
        let (accounts, other_tax) = year_one(order);
        for k in 0..3 {
            assert!(
                (accounts[k] - first[k]).abs() < 0.01,
                "{order}: account {k} {} vs {}",
                accounts[k],
                first[k]
            );
        }
        assert!(
            (other_tax - tax).abs() < 0.01,
            "{order}: {other_tax} vs {tax}"
        );
    }
}
