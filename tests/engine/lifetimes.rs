//! Drawn lifetimes: the draws reproduce the SSA table's life expectancy, the odds are the
//! chance of dying before the money runs out, the rules between fields, reproducibility and
//! monotonicity on common random numbers.

use glidepath::engine::PlanDefaults;
use glidepath::engine::life_table::{LifeTables, Sex};
use glidepath::engine::plan::{Limits, parse_plan_json};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{deterministic_market, merge, numbers, plan_with, pool, run, try_plan};

/// Regenerate with `scripts/build-life-tables.py` and update this only with data/README.md.
const LIFE_TABLES_SHA256: &str = "39661d4f3ced81d202d510983b50ecab64a0c98ca406975c48c4f5ddcbd4a0f6";

#[test]
fn the_committed_life_tables_are_the_documented_ones() {
    let csv = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/ssa_life_tables.csv"
    ))
    .unwrap();
    assert_eq!(hex::encode(Sha256::digest(&csv)), LIFE_TABLES_SHA256);
}

/// Normalizes `patch` over the benchmark plan as if it were `year`.
fn plan_in(year: u32, patch: Value) -> glidepath::engine::Plan {
    let mut base = json!({
        "current_age": 65, "end_age": 95,
        "portfolio": {"balance": 1_000_000},
        "spending": {"annual": 40_000},
        "simulation": {"scenarios": 2_000, "seed": 42}
    });
    merge(&mut base, &patch);
    parse_plan_json(&base.to_string())
        .expect("parses")
        .normalize(
            &PlanDefaults::default(),
            Limits {
                max_scenarios: 100_000,
                this_year: Some(year),
            },
        )
        .unwrap_or_else(|e| panic!("invalid test plan: {e:?}"))
}

/// SSA's period life expectancy at 65 is `e(65) = T(65)/l(65)`, with deaths at mid-year:
/// `0.5 + Σ S(k)`. A plan that starts in 2095, the tables' last year, meets 2095's rates
/// every year, so its cohort is the period table, and the mean number of years lived
/// through (counting the year of death) less one half is `e(65)`.
#[test]
fn drawn_lifetimes_reproduce_the_tables_life_expectancy_at_65_by_sex() {
    let tables = LifeTables::ssa();
    for sex in [Sex::Female, Sex::Male] {
        let plan = plan_in(
            2095,
            json!({
                "sex": sex.as_str(), "longevity": {"model": "drawn"},
                "spending": {"annual": 0},
                "simulation": {"scenarios": 100_000, "seed": 7}
            }),
        );
        let outcome = run(&plan);
        let lifetimes = outcome
            .household
            .and_then(|h| h.lifetimes)
            .expect("drawn lifetimes");
        let expected = tables.period_expectancy(sex, 2095, 65);
        let drawn = lifetimes.plan_years.mean - 0.5;
        // The spread of a remaining lifetime at 65 is about 9 years; the table rounds to 0.01.
        let standard_error = 9.0 / (100_000f64).sqrt();
        assert!(
            (drawn - expected).abs() < 4.0 * standard_error + 0.005,
            "{sex:?}: drawn {drawn:.3} vs the table's {expected}"
        );
        // The curve's own mean agrees too.
        let curve = lifetimes.your_death_age.mean - 65.0 - 0.5;
        assert!(
            (curve - expected).abs() < 0.01,
            "{sex:?}: {curve} vs {expected}"
        );
    }
}

/// With markets that never vary, the money runs out in one known year; a future succeeds
/// exactly when you have died before it, so the odds are `1 − S(t)` of the life table.
#[test]
fn the_odds_are_the_chance_of_dying_before_the_money_runs_out() {
    let plan = plan_with(json!({
        "current_age": 65, "birth_year": 1961, "sex": "female",
        "longevity": {"model": "drawn"},
        "portfolio": {"balance": 500_000},
        "spending": {"annual": 40_000},
        "fees": {"expense_ratio": 0},
        "market": deterministic_market(0.0, 0.0, 0.0),
        "simulation": {"scenarios": 20_000, "seed": 11}
    }));
    let outcome = run(&plan);
    // $500,000 at $40,000 a year without growth funds 12 years and runs out in the 13th
    // (t = 12): the future survives if you died at the turn of year 12 or before.
    let ran_out = outcome.ran_out.as_ref().expect("ran out");
    assert_eq!(ran_out.histogram.first().map(|b| b.age), Some(77));
    let survival = LifeTables::ssa().survival(Sex::Female, 1961, 65, 0, 55);
    let expected = 1.0 - survival[12];
    let n = 20_000.0;
    let standard_error = (expected * (1.0 - expected) / n).sqrt();
    assert!(
        (outcome.success_probability - expected).abs() < 4.0 * standard_error,
        "{} vs {expected}",
        outcome.success_probability
    );
    let lifetimes = outcome
        .household
        .and_then(|h| h.lifetimes)
        .expect("lifetimes");
    assert_eq!(
        lifetimes.outlive_money.probability,
        1.0 - outcome.success_probability
    );
    // Nobody is left to record past the last death on any path.
    assert!(lifetimes.alive_share.last().is_some_and(|&s| s > 0.0));
}

#[test]
fn after_the_last_death_a_path_spends_nothing_and_is_left_out_of_the_bands() {
    let outcome = run(&plan_with(json!({
        "sex": "male", "birth_year": 1961, "longevity": {"model": "drawn"},
        "market": deterministic_market(0.05, 0.05, 0.0),
        "fees": {"expense_ratio": 0},
        "simulation": {"scenarios": 2_000, "seed": 5}
    })));
    // With markets that never vary every living path has the same balance: the bands are
    // one line where anyone is alive, and what is left at death grows with the years.
    let b = &outcome.balance_percentiles;
    for t in 0..outcome.ages.len() {
        assert_eq!(b.p5[t], b.p95[t], "year {t}");
        assert_eq!(outcome.spending_percentiles.p50[t], 40_000.0);
    }
    let legacy = outcome
        .household
        .and_then(|h| h.lifetimes)
        .expect("lifetimes")
        .legacy;
    assert!(legacy.p5 < legacy.p95);
    assert_eq!(outcome.terminal_wealth.p50, legacy.p50);
}

#[test]
fn a_drawn_couple_is_bit_identical_on_one_and_two_threads() {
    let plan = plan_with(json!({
        "current_age": 62, "birth_year": 1964, "sex": "male",
        "partner": {"current_age": 59, "sex": "female",
                    "social_security": {"monthly_benefit": 1400, "claiming_age": 62}},
        "social_security": {"monthly_benefit": 2600, "claiming_age": 70},
        "longevity": {"model": "drawn", "partner_health_adjustment": -3},
        "spending": {"strategy": "guardrails", "annual": 70_000, "survivor_share": 0.6},
        "income": [{"annual": 9_000, "owner": "primary", "survivor_share": 0.5}],
        "simulation": {"scenarios": 1_500, "seed": 13}
    }));
    let one = pool(1).install(|| numbers(run(&plan)));
    let two = pool(2).install(|| numbers(run(&plan)));
    assert_eq!(one, two);
    assert_eq!(one.ages.first(), Some(&62));
}

/// On common random numbers each path keeps its uniform: worse health moves every death
/// earlier or leaves it, so fewer years must be paid for and the odds never fall.
#[test]
fn worse_health_never_lowers_the_odds_and_a_higher_benefit_never_does() {
    let odds = |adjustment: i32, benefit: f64| {
        run(&plan_with(json!({
            "current_age": 62, "birth_year": 1964, "sex": "female",
            "partner": {"current_age": 64, "sex": "male"},
            "social_security": {"monthly_benefit": benefit, "claiming_age": 67},
            "longevity": {"model": "drawn", "health_adjustment": adjustment,
                          "partner_health_adjustment": adjustment},
            "portfolio": {"balance": 800_000},
            "spending": {"annual": 60_000},
            "simulation": {"scenarios": 2_000, "seed": 17}
        })))
        .success_probability
    };
    let by_health: Vec<f64> = [-5, 0, 5, 10].iter().map(|&a| odds(a, 1_500.0)).collect();
    assert!(by_health.windows(2).all(|w| w[1] >= w[0]), "{by_health:?}");
    assert!(
        by_health[3] > by_health[0],
        "health must matter: {by_health:?}"
    );
    let by_benefit: Vec<f64> = [0.0, 1_500.0, 3_000.0]
        .iter()
        .map(|&b| odds(0, b))
        .collect();
    assert!(
        by_benefit.windows(2).all(|w| w[1] >= w[0]),
        "{by_benefit:?}"
    );
}

fn refused(patch: Value) -> Vec<String> {
    try_plan(patch)
        .expect_err("refused")
        .into_iter()
        .map(|e| e.path)
        .collect()
}

#[test]
fn drawn_lifetimes_need_each_sex_a_random_market_and_whole_years_of_adjustment() {
    let drawn = json!({"model": "drawn"});
    assert_eq!(refused(json!({"longevity": drawn})), ["sex"]);
    assert_eq!(
        refused(json!({"sex": "male", "longevity": drawn, "partner": {"current_age": 60}})),
        ["partner.sex"]
    );
    assert_eq!(
        refused(json!({"sex": "male", "longevity": drawn, "market": {"model": "historical"}})),
        ["longevity.model"]
    );
    assert_eq!(
        refused(json!({"sex": "male", "longevity": {"model": "drawn", "health_adjustment": 2.5}})),
        ["longevity.health_adjustment"]
    );
    assert_eq!(
        refused(json!({"sex": "male", "longevity": {"model": "drawn", "health_adjustment": 11}})),
        ["longevity.health_adjustment"]
    );
    assert_eq!(
        refused(json!({"longevity": {"health_adjustment": 2}})),
        ["longevity.health_adjustment"]
    );
    // A fixed plan is untouched by the new fields: its JSON has none of them.
    let plan = serde_json::to_value(plan_with(json!({}))).expect("serializes");
    assert!(plan.get("longevity").is_none() && plan.get("sex").is_none());
}
