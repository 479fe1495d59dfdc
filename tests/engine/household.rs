//! The household: a couple's years by hand, SSA's examples through the engine, the rules
//! between household fields, reproducibility and monotonicity on common random numbers.

use serde_json::{Value, json};

use crate::support::{deterministic_market, numbers, plan_with, pool, run, try_plan};

const RELATIVE: f64 = 1e-9;

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= RELATIVE * expected.abs().max(1.0)
}

/// You are 66 (born 1960, full retirement age 67), claim $2,000 a month at 67 and live
/// until 70. Your partner is 64 (born 1962), claims $800 at 64 (36 months early: 80 %,
/// $640) and lives until 70, two years longer than you. Your pension pays $10,000 a year
/// and half of it to the survivor. The couple spends $60,000; the survivor 60 % of it.
fn couple() -> Value {
    json!({
        "current_age": 66, "end_age": 70, "birth_year": 1960,
        "social_security": {"monthly_benefit": 2000, "claiming_age": 67},
        "partner": {
            "current_age": 64, "end_age": 70, "birth_year": 1962,
            "social_security": {"monthly_benefit": 800, "claiming_age": 64}
        },
        "portfolio": {"balance": 500_000},
        "spending": {"annual": 60_000, "survivor_share": 0.6},
        "income": [{"name": "Pension", "annual": 10_000, "owner": "primary",
                    "survivor_share": 0.5, "inflation_adjusted": false}],
        "fees": {"expense_ratio": 0},
        "market": deterministic_market(0.05, 0.05, 0.0),
        "simulation": {"scenarios": 10, "seed": 1}
    })
}

#[test]
fn a_zero_volatility_couple_matches_the_table_computed_by_hand() {
    // Arrange: the table, year by year (your age 66 to 71, your partner's 64 to 69).
    // Social Security: your $24,000 a year from 67; your partner's own $7,680 from 64, and
    // from 65 (when you have both claimed: 24 months early, 25/36 % a month off) the spousal
    // benefit of (½·2,000 − 800)·(1 − 24·25/3600) = $166.67 a month, $2,000 a year. After
    // your death at 70 your partner, at 68 and past their survivor full retirement age,
    // takes your $2,000 a month instead of their $640.
    let social_security = [7_680.0, 33_680.0, 33_680.0, 33_680.0, 24_000.0, 24_000.0];
    let pension = [10_000.0, 10_000.0, 10_000.0, 10_000.0, 5_000.0, 5_000.0];
    let spending = [60_000.0, 60_000.0, 60_000.0, 60_000.0, 36_000.0, 36_000.0];
    let mut balance = 500_000.0;
    let mut expected = Vec::new();
    for t in 0..6 {
        balance = (balance + social_security[t] + pension[t] - spending[t]) * 1.05;
        expected.push(balance);
    }

    // Act
    let outcome = run(&plan_with(couple()));

    // Assert
    assert_eq!(outcome.ages, vec![66, 67, 68, 69, 70, 71]);
    let household = outcome.household.as_ref().expect("a household result");
    assert_eq!(household.partner_ages, Some(vec![64, 65, 66, 67, 68, 69]));
    for t in 0..6 {
        assert!(
            close(household.social_security_yearly[t], social_security[t]),
            "Social Security in year {t}: {} vs {}",
            household.social_security_yearly[t],
            social_security[t]
        );
        assert!(close(outcome.spending_percentiles.p50[t], spending[t]));
        assert!(close(household.planned_spending[t], spending[t]));
        assert!(
            close(outcome.balance_percentiles.p50[t], expected[t]),
            "balance in year {t}: {} vs {}",
            outcome.balance_percentiles.p50[t],
            expected[t]
        );
        assert_eq!(
            outcome.balance_percentiles.p5[t],
            outcome.balance_percentiles.p95[t]
        );
    }
    assert_eq!(outcome.success_probability, 1.0);
    let partner = &household.social_security[1];
    assert!(close(partner.monthly_benefit, 640.0));
    assert!(close(
        partner.monthly_spousal,
        200.0 * (1.0 - 24.0 * 25.0 / 3600.0)
    ));
    assert_eq!(
        partner.monthly_as_survivor.map(|m| m.round()),
        Some(2_000.0)
    );
}

/// SSA's examples, through the whole plan: a PIA of $1,000 with a full retirement age of 67.
#[test]
fn claiming_amounts_match_ssas_examples_to_the_dollar() {
    let claim = |age: u32, spouse_age: u32| {
        let outcome = run(&plan_with(json!({
            "current_age": 62, "end_age": 90, "birth_year": 1964,
            "social_security": {"monthly_benefit": 1000, "claiming_age": age},
            "partner": {"current_age": 62, "birth_year": 1964,
                        "social_security": {"monthly_benefit": 0, "claiming_age": spouse_age}},
            "simulation": {"scenarios": 10}
        })));
        let household = outcome.household.expect("a household result");
        (
            household.social_security[0].monthly_benefit.round(),
            household.social_security[1].monthly_spousal.round(),
        )
    };
    assert_eq!(claim(62, 62), (700.0, 325.0));
    assert_eq!(claim(67, 67).0, 1_000.0);
    assert_eq!(claim(70, 62).0, 1_240.0);
    // Deemed filing: a spouse claiming at 62 gets the spousal benefit only from the
    // worker's claim at 70, when the spouse is 70 too and no longer reduced.
    assert_eq!(claim(70, 62).1, 500.0);
}

#[test]
fn a_claim_pays_by_the_month_from_the_claiming_age() {
    let outcome = run(&plan_with(json!({
        "current_age": 62, "end_age": 70, "birth_year": 1964,
        "social_security": {"monthly_benefit": 1000, "claiming_age": 62, "claiming_month": 6},
        "simulation": {"scenarios": 10}
    })));
    let yearly = outcome
        .household
        .expect("a household")
        .social_security_yearly;
    // 54 months early: 36·5/9 % + 18·5/12 % = 27.5 % off; 6 months in the year of age 62.
    assert!(close(yearly[0], 6.0 * 725.0));
    assert!(close(yearly[1], 12.0 * 725.0));
}

#[test]
fn the_claiming_age_defaults_to_the_full_retirement_age() {
    let plan = plan_with(json!({
        "current_age": 68, "birth_year": 1958,
        "social_security": {"monthly_benefit": 1500}
    }));
    let claim = plan.social_security.expect("a claim");
    assert_eq!((claim.claiming_age, claim.claiming_month), (66, 8));
}

#[test]
fn spending_steps_change_planned_spending_from_their_age() {
    let outcome = run(&plan_with(json!({
        "spending": {"annual": 40_000, "steps": [
            {"age": 75, "change": -0.1}, {"age": 85, "change": -0.1}
        ]},
        "market": deterministic_market(0.05, 0.05, 0.02),
        "simulation": {"scenarios": 10}
    })));
    let spent = &outcome.spending_percentiles.p50;
    assert!(close(spent[9], 40_000.0));
    assert!(close(spent[10], 36_000.0));
    assert!(close(spent[20], 32_400.0));
    let planned = outcome.household.expect("a household").planned_spending;
    assert!(close(planned[20], 32_400.0));
}

#[test]
fn a_plan_of_one_has_no_household_result_and_the_same_json_as_before() {
    let plan = plan_with(json!({}));
    assert!(run(&plan).household.is_none());
    let json = serde_json::to_value(&plan).expect("plans serialize");
    for absent in ["birth_year", "social_security", "partner"] {
        assert!(json.get(absent).is_none(), "{absent} appears");
    }
    assert!(json["spending"].get("steps").is_none());
    assert!(json["spending"].get("survivor_share").is_none());
}

fn errors(patch: Value) -> Vec<String> {
    try_plan(patch)
        .expect_err("the plan must be refused")
        .into_iter()
        .map(|e| e.path)
        .collect()
}

#[test]
fn bad_household_input_names_each_field() {
    let partner = |p: Value| json!({"partner": p});
    assert_eq!(
        errors(partner(json!({"current_age": 17}))),
        ["partner.current_age"]
    );
    assert_eq!(
        errors(partner(json!({"current_age": 121}))),
        ["partner.current_age"]
    );
    assert_eq!(errors(partner(json!({}))), ["partner.current_age"]);
    let claim = |age: u32, month: u32| {
        errors(json!({"social_security": {
            "monthly_benefit": 1000, "claiming_age": age, "claiming_month": month
        }}))
    };
    assert_eq!(claim(61, 0), ["social_security.claiming_age"]);
    assert_eq!(claim(71, 0), ["social_security.claiming_age"]);
    assert_eq!(claim(70, 1), ["social_security.claiming_month"]);
    assert_eq!(
        errors(json!({"social_security": {"monthly_benefit": 5001}})),
        ["social_security.monthly_benefit"]
    );
    assert_eq!(
        errors(json!({"partner": {"current_age": 60}, "spending": {"survivor_share": 1.5}})),
        ["spending.survivor_share"]
    );
    assert_eq!(
        errors(json!({"spending": {"survivor_share": 0.7}})),
        ["spending.survivor_share"]
    );
    // Aged 65 in 2026: born in 1960 or 1961.
    assert_eq!(errors(json!({"birth_year": 1950})), ["birth_year"]);
    assert!(try_plan(json!({"birth_year": 1961})).is_ok());
    assert_eq!(
        errors(json!({"spending": {"steps": [{"age": 80, "change": -0.1},
                                              {"age": 75, "change": -0.1}]}})),
        ["spending.steps[1].age"]
    );
    assert_eq!(
        errors(json!({"income": [{"annual": 1000, "owner": "partner"}]})),
        ["income[0].owner"]
    );
    assert_eq!(
        errors(json!({"income": [{"annual": 1000, "survivor_share": 0.5}]})),
        ["income[0].survivor_share"]
    );
}

#[test]
fn a_household_plan_is_bit_identical_on_one_and_two_threads() {
    let mut patch = couple();
    patch["end_age"] = json!(95);
    patch["partner"]["end_age"] = json!(97);
    patch["market"] = json!({"fat_tails_df": 5});
    patch["spending"]["strategy"] = json!("guardrails");
    patch["simulation"] = json!({"scenarios": 1_000, "seed": 5});
    let plan = plan_with(patch);
    let one = pool(1).install(|| numbers(run(&plan)));
    let two = pool(2).install(|| numbers(run(&plan)));
    assert_eq!(one, two);
}

#[test]
fn a_higher_benefit_or_a_lower_survivor_share_never_lowers_the_odds() {
    let odds = |benefit: f64, survivor_share: f64| {
        run(&plan_with(json!({
            "current_age": 62, "end_age": 92, "birth_year": 1964,
            "social_security": {"monthly_benefit": benefit, "claiming_age": 67},
            "partner": {"current_age": 60, "end_age": 95, "birth_year": 1966},
            "spending": {"annual": 60_000, "survivor_share": survivor_share},
            "simulation": {"scenarios": 2_000, "seed": 3}
        })))
        .success_probability
    };
    let by_benefit: Vec<f64> = [0.0, 1_000.0, 2_000.0, 3_000.0]
        .iter()
        .map(|&b| odds(b, 0.7))
        .collect();
    assert!(
        by_benefit.windows(2).all(|w| w[1] >= w[0]),
        "{by_benefit:?}"
    );
    assert!(by_benefit[3] > by_benefit[0], "the benefit must matter");
    let by_share: Vec<f64> = [1.0, 0.8, 0.6, 0.4]
        .iter()
        .map(|&s| odds(1_500.0, s))
        .collect();
    assert!(by_share.windows(2).all(|w| w[1] >= w[0]), "{by_share:?}");
}
