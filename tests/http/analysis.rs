//! Plan analysis: safe spending, goal seeking, sensitivity and insights, checked against
//! separately run simulations of the changed plans; and `POST /api/v1/analysis`.

use crate::support as common;

use glidepath::analysis::{Analysis, Analyzer, DEFAULT_TARGETS};
use glidepath::engine::plan::{Limits, parse_plan_json};
use glidepath::engine::{self, PlanDefaults, PlanInput, RunOptions};
use serde_json::{Value, json};

const LIMITS: Limits = Limits {
    max_scenarios: 10_000,
    this_year: Some(2026),
};

fn input(plan: &Value) -> PlanInput {
    parse_plan_json(&plan.to_string()).unwrap()
}

/// Success of `plan` with `patch` merged in, run on its own.
fn success(patch: Value) -> f64 {
    let mut plan = common::plans::saver();
    merge(&mut plan, &patch);
    let plan = input(&plan)
        .normalize(&PlanDefaults::default(), LIMITS)
        .unwrap();
    engine::simulate(&plan, &RunOptions::default())
        .unwrap()
        .success_probability
}

fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                merge(b.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (b, p) => *b = p.clone(),
    }
}

fn analyze(targets: &[f64]) -> Analysis {
    let defaults = PlanDefaults::default();
    Analyzer::new(
        input(&common::plans::saver()),
        &defaults,
        LIMITS,
        RunOptions::default(),
    )
    .unwrap()
    .run(targets)
    .unwrap()
}

#[test]
fn safe_spending_reaches_its_target_and_100_dollars_more_does_not() {
    let analysis = analyze(&DEFAULT_TARGETS);
    assert_eq!(analysis.safe_spending.len(), 2);
    for safe in &analysis.safe_spending {
        let at = success(json!({"spending": {"annual": safe.spending}}));
        assert!(at >= safe.target, "{safe:?}: {at}");
        assert_eq!(at, safe.success_probability);
        let more = success(json!({"spending": {"annual": safe.spending + 100.0}}));
        assert!(more < safe.target, "{safe:?}: $100 more still gives {more}");
        assert_eq!(safe.withdrawal_rate, safe.spending / 800_000.0);
    }
    // Monotone: a higher target allows less spending.
    assert!(analysis.safe_spending[1].spending <= analysis.safe_spending[0].spending);
}

#[test]
fn goal_seeking_reaches_the_target_and_less_would_not() {
    let analysis = analyze(&[0.9]);
    assert!(analysis.success_probability < 0.9);
    let goal = &analysis.goal_seek[0];
    let savings = goal.extra_savings.unwrap();
    assert!(success(json!({"portfolio": {"balance": 800_000.0 + savings}})) >= 0.9);
    assert!(success(json!({"portfolio": {"balance": 800_000.0 + savings - 100.0}})) < 0.9);
    let contribution = goal.extra_contribution.unwrap();
    assert!(success(json!({"portfolio": {"annual_contribution": 15_000.0 + contribution}})) >= 0.9);
    assert!(
        success(json!({"portfolio": {"annual_contribution": 15_000.0 + contribution - 100.0}}))
            < 0.9
    );
    let age = goal.retirement_age.unwrap();
    assert!(success(json!({"retirement_age": age})) >= 0.9);
    assert!(success(json!({"retirement_age": age - 1})) < 0.9);
}

#[test]
fn sensitivity_is_monotone_and_each_row_is_its_own_simulation() {
    let analysis = analyze(&DEFAULT_TARGETS);
    let spending: Vec<f64> = analysis
        .sensitivity
        .iter()
        .filter(|row| row.parameter == "spending.annual")
        .map(|row| row.success_probability)
        .collect();
    assert_eq!(spending.len(), 4);
    assert!(spending.windows(2).all(|w| w[0] >= w[1]), "{spending:?}");
    assert!(
        spending[1] >= analysis.success_probability && analysis.success_probability >= spending[2]
    );
    for row in &analysis.sensitivity {
        let patch = match row.parameter.as_str() {
            "spending.annual" => json!({"spending": {"annual": row.value}}),
            "allocation.stocks" => {
                json!({"allocation": {"stocks": row.value, "bonds": ((1.0 - row.value) * 1e6).round() / 1e6}})
            }
            "retirement_age" => json!({"retirement_age": row.value as u32}),
            "fees.expense_ratio" => json!({"fees": {"expense_ratio": row.value}}),
            other => panic!("unexpected row {other}"),
        };
        assert_eq!(success(patch), row.success_probability, "{row:?}");
    }
    let fees = analysis
        .sensitivity
        .iter()
        .find(|row| row.parameter == "fees.expense_ratio")
        .unwrap();
    assert!(fees.delta <= 0.0, "more fees never help: {fees:?}");
}

#[test]
fn insights_quote_numbers_of_separately_run_simulations() {
    let analysis = analyze(&DEFAULT_TARGETS);
    assert!(!analysis.insights.is_empty());
    let goal = &analysis.goal_seek[0];
    for insight in &analysis.insights {
        assert_eq!(insight.from, analysis.success_probability);
        let expected = match insight.kind.as_str() {
            "spending" => {
                success(json!({"spending": {"annual": analysis.safe_spending[0].spending}}))
            }
            "savings" => {
                success(json!({"portfolio": {"balance": 800_000.0 + goal.extra_savings.unwrap()}}))
            }
            "contribution" => success(
                json!({"portfolio": {"annual_contribution": 15_000.0 + goal.extra_contribution.unwrap()}}),
            ),
            "retirement_age" => success(json!({"retirement_age": goal.retirement_age.unwrap()})),
            "fees" => success(json!({"fees": {"expense_ratio": 0.006}})),
            "allocation" => continue,
            other => panic!("unexpected insight {other}"),
        };
        assert_eq!(insight.to, expected, "{insight:?}");
        let percent = glidepath::format::percent(insight.to);
        assert!(insight.text.contains(&percent), "{}", insight.text);
    }
    // Largest effect first.
    let effects: Vec<f64> = analysis
        .insights
        .iter()
        .map(|i| (i.to - i.from).abs())
        .collect();
    assert!(effects.windows(2).all(|w| w[0] >= w[1]), "{effects:?}");
}

#[tokio::test]
async fn the_api_analyzes_caches_and_refuses_bad_targets() {
    let app = common::started_app().await;
    let post = |body: Value| {
        let app = &app;
        async move { app.post_json("/api/v1/analysis", &body).await }
    };
    let body = json!({"plan": common::plans::saver(), "targets": [0.9]});
    let first = post(body.clone()).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["x-cache"], "miss");
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["safe_spending"][0]["target"], 0.9);
    assert_eq!(first["success_probability"], success(json!({})));
    let again = post(body).await;
    assert_eq!(again.headers()["x-cache"], "hit-l1");
    assert_eq!(again.json::<Value>().await.unwrap(), first);

    let bad = post(json!({"plan": common::plans::saver(), "targets": [0.3, 0.9, 1.2]})).await;
    assert_eq!(bad.status(), 422);
    let bad: Value = bad.json().await.unwrap();
    let paths: Vec<&str> = bad["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["targets[0]", "targets[2]"]);

    let both = post(json!({"plan": {"current_age": 60}, "targets": [0.2]})).await;
    assert_eq!(both.status(), 422);
    let both: Value = both.json().await.unwrap();
    let paths: Vec<&str> = both["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"targets[0]") && paths.contains(&"plan.end_age"),
        "{paths:?}"
    );
    assert!(paths.contains(&"plan.portfolio.balance"), "{paths:?}");
}

fn analyze_plan(plan: Value) -> Analysis {
    let defaults = PlanDefaults::default();
    Analyzer::new(input(&plan), &defaults, LIMITS, RunOptions::default())
        .unwrap()
        .run(&DEFAULT_TARGETS)
        .unwrap()
}

#[test]
fn a_retiree_is_offered_no_retirement_age_lever() {
    // Already retired at 65 and short of 90 %: the audit saw "Retiring at 74 instead of 65".
    let a = analyze_plan(json!({
        "current_age": 65, "end_age": 95,
        "portfolio": {"balance": 1_000_000},
        "spending": {"annual": 60_000},
        "simulation": {"scenarios": 500, "seed": 5}
    }));
    assert!(a.success_probability < 0.9, "{}", a.success_probability);
    assert!(!a.goal_seek.is_empty());
    for goal in &a.goal_seek {
        assert_eq!(goal.retirement_age, None);
        assert_eq!(goal.extra_contribution, None);
    }
    assert!(
        a.sensitivity
            .iter()
            .all(|s| s.parameter != "retirement_age")
    );
    assert!(
        a.insights
            .iter()
            .all(|i| i.kind != "retirement_age" && i.kind != "contribution"),
        "{:?}",
        a.insights
    );
}

#[test]
fn rates_for_someone_saving_are_quoted_against_the_median_savings_at_retirement() {
    // 45 with $400k, saving $30k, retiring at 60 on $60k: "15 % of savings" misleads.
    let plan = json!({
        "current_age": 45, "retirement_age": 60, "end_age": 95,
        "portfolio": {"balance": 400_000, "annual_contribution": 30_000},
        "spending": {"annual": 60_000},
        "simulation": {"scenarios": 500, "seed": 6}
    });
    let a = analyze_plan(plan.clone());
    let normalized = input(&plan)
        .normalize(&PlanDefaults::default(), LIMITS)
        .unwrap();
    let outcome = engine::simulate(&normalized, &RunOptions::default()).unwrap();
    // The balance at the end of the year at 59 is the savings on reaching 60.
    let median_at_60 = outcome.balance_percentiles.p50[59 - 45];
    assert_eq!(a.savings_at_retirement, median_at_60);
    assert!(median_at_60 > 1_000_000.0, "{median_at_60}");
    for s in &a.safe_spending {
        assert!((s.retirement_withdrawal_rate - s.spending / median_at_60).abs() < 1e-12);
        assert!((s.withdrawal_rate - s.spending / 400_000.0).abs() < 1e-12);
    }
}

#[test]
fn a_mistyped_plan_gets_a_plain_warning_in_place_of_advice() {
    // $60 a year from $1M (someone meant $60k): the audit saw "spend $30,640 a year more
    // (51067 %)".
    let tiny = analyze_plan(json!({
        "current_age": 65, "end_age": 95,
        "portfolio": {"balance": 1_000_000},
        "spending": {"annual": 60},
        "simulation": {"scenarios": 200, "seed": 7}
    }));
    let warning = tiny.warning.expect("a warning");
    assert!(warning.contains("less than 1%"), "{warning}");
    assert!(tiny.insights.is_empty());
    // Spending more than the savings: used up in the first year.
    let huge = analyze_plan(json!({
        "current_age": 65, "end_age": 95,
        "portfolio": {"balance": 50_000},
        "spending": {"annual": 60_000},
        "simulation": {"scenarios": 200, "seed": 7}
    }));
    assert!(huge.warning.expect("a warning").contains("first year"));
    // A sensible plan has none.
    assert_eq!(analyze(&DEFAULT_TARGETS).warning, None);
}

#[test]
fn a_small_base_states_changes_in_dollars_and_no_advice_leaves_the_odds_as_they_were() {
    // $2,000 a year from $150,000 (1.3 %, plausible) with room to spend much more: the
    // change is many times the base, so it is said in dollars only.
    let a = analyze_plan(json!({
        "current_age": 65, "end_age": 95,
        "portfolio": {"balance": 150_000},
        "spending": {"annual": 2_000},
        "simulation": {"scenarios": 200, "seed": 8}
    }));
    let spend = a
        .insights
        .iter()
        .find(|i| i.kind == "spending")
        .expect("a spending insight");
    assert!(
        spend.text.starts_with("You could spend $") && !spend.text.contains(" %)"),
        "{}",
        spend.text
    );
    for i in &a.insights {
        if i.kind != "spending" {
            assert_ne!(
                format!("{:.0}", i.from * 100.0),
                format!("{:.0}", i.to * 100.0),
                "{}",
                i.text
            );
        }
    }
}

#[test]
fn strategies_that_follow_the_balance_get_no_safe_spending_advice() {
    // VPW spends a share of the balance; its `annual` only sets the default floor, so "you
    // could spend $324,766 more" would be advice about a number it never spends.
    let a = analyze_plan(json!({
        "current_age": 94, "end_age": 95,
        "portfolio": {"balance": 1_000_000},
        "spending": {"strategy": "vpw", "annual": 40_000},
        "simulation": {"scenarios": 200, "seed": 9}
    }));
    assert_eq!(a.success_probability, 1.0);
    assert!(a.safe_spending.is_empty());
    assert!(
        a.insights.iter().all(|i| i.kind != "spending"),
        "{:?}",
        a.insights
    );
    assert!(
        a.sensitivity
            .iter()
            .all(|s| s.parameter != "spending.annual")
    );
}

#[test]
fn insights_for_a_strategy_with_a_floor_say_what_its_odds_are_of() {
    let a = analyze_plan(json!({
        "current_age": 65, "end_age": 95,
        "portfolio": {"balance": 1_200_000},
        "spending": {"strategy": "guardrails", "annual": 60_000},
        "simulation": {"scenarios": 500, "seed": 11}
    }));
    assert!(!a.insights.is_empty());
    for i in &a.insights {
        assert!(
            i.text
                .contains("the odds your spending stays at or above its floor"),
            "{}",
            i.text
        );
    }
}

/// "How would other strategies do?": every strategy on the plan's futures, each row the
/// strategy's own run at comparable initial spending (checked against a separate run),
/// the plan's own first.
#[test]
fn every_strategy_runs_on_the_plans_futures_at_comparable_initial_spending() {
    let plan = json!({
        "current_age": 65, "end_age": 95,
        "portfolio": {"balance": 1_000_000},
        "spending": {"strategy": "guardrails", "annual": 40_000},
        "simulation": {"scenarios": 800, "seed": 21}
    });
    let a = analyze_plan(plan.clone());
    let table = a.strategies.expect("the strategy table");
    assert_eq!(table.scenarios, 800);
    // Retired today: the plan's rate is spending over today's savings.
    assert!((table.initial_rate - 0.04).abs() < 1e-12);
    let names: Vec<&str> = table.rows.iter().map(|r| r.strategy.as_str()).collect();
    assert_eq!(
        names,
        [
            "guardrails",
            "constant_dollar",
            "constant_percent",
            "vpw",
            "one_over_n",
            "endowment",
            "ninety_five_percent",
            "vanguard_dynamic",
            "sensible_withdrawals",
            "autopilot_ii"
        ],
        "no CAPE rule without history"
    );
    assert!(table.rows[0].as_planned && table.rows.iter().skip(1).all(|r| !r.as_planned));
    assert_eq!(table.rows[0].success_probability, a.success_probability);
    // Each row is its strategy run alone on the same seed.
    let alone = |patch: Value| {
        let mut p = plan.clone();
        merge(&mut p, &patch);
        let plan = input(&p)
            .normalize(&PlanDefaults::default(), LIMITS)
            .unwrap();
        engine::simulate(&plan, &RunOptions::default()).unwrap()
    };
    let vanguard = alone(json!({"spending": {"strategy": "vanguard_dynamic", "percent": 0.04}}));
    let row = table
        .rows
        .iter()
        .find(|r| r.strategy == "vanguard_dynamic")
        .unwrap();
    assert_eq!(row.success_probability, vanguard.success_probability);
    assert_eq!(row.median_legacy, vanguard.terminal_wealth.p50);
    // Constant dollars never move while the money lasts: no swing, and its median
    // spending is the plan's.
    let dollars = table
        .rows
        .iter()
        .find(|r| r.strategy == "constant_dollar")
        .unwrap();
    assert!(
        (dollars.median_spending - 40_000.0).abs() < 1e-6,
        "{}",
        dollars.median_spending
    );
    let constant = alone(json!({"spending": {"strategy": "constant_dollar"}}));
    assert_eq!(dollars.success_probability, constant.success_probability);
    if constant.success_probability == 1.0 {
        assert_eq!(dollars.spending_volatility, 0.0);
    }
    // A share of savings moves with the markets; the endowment rule smooths it.
    let percent = table
        .rows
        .iter()
        .find(|r| r.strategy == "constant_percent")
        .unwrap();
    let endowment = table
        .rows
        .iter()
        .find(|r| r.strategy == "endowment")
        .unwrap();
    assert!(
        percent.spending_volatility > 0.05,
        "{}",
        percent.spending_volatility
    );
    assert!(endowment.spending_volatility < percent.spending_volatility);
    for r in &table.rows {
        assert!(r.low_spending <= r.median_spending, "{r:?}");
    }
}

/// On history the CAPE rule joins the table.
#[test]
fn a_historical_plan_is_shown_the_cape_rule_too() {
    let a = analyze_plan(json!({
        "current_age": 65, "end_age": 95,
        "portfolio": {"balance": 1_000_000},
        "spending": {"annual": 40_000},
        "market": {"model": "historical"}
    }));
    let table = a.strategies.expect("the strategy table");
    assert_eq!(table.scenarios, 123);
    let cape = table
        .rows
        .iter()
        .find(|r| r.strategy == "cape")
        .expect("the CAPE rule");
    assert!((0.0..=1.0).contains(&cape.success_probability));
    assert_eq!(table.rows.len(), 11);
}
