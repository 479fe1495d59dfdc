//! The strategies FI Calc offers beyond v1's four, each against years worked out by hand in a
//! market without randomness, and the CAPE-based rule against Shiller's data. The formulas and
//! their sources are in `docs/methodology.md`.

use glidepath::engine::Outcome;
use glidepath::engine::history::us_annual;
use serde_json::{Value, json};

use crate::support::{assert_close, deterministic_market, plan_with, run, try_plan};

const HAND_TOLERANCE: f64 = 1e-9;

/// Four years from 65 (to 69), all in stocks, no fees or tax, 10 identical paths.
fn four_years(balance: f64, spending: Value, stocks_return: f64, inflation: f64) -> Outcome {
    run(&plan_with(json!({
        "current_age": 65, "end_age": 69,
        "portfolio": {"balance": balance},
        "allocation": {"stocks": 1.0, "bonds": 0.0},
        "spending": spending,
        "fees": {"expense_ratio": 0.0},
        "market": deterministic_market(stocks_return, 0.0, inflation),
        "simulation": {"scenarios": 10}
    })))
}

fn assert_years(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (year, (g, w)) in got.iter().zip(want).enumerate() {
        assert_close(*g, *w, HAND_TOLERANCE, &format!("{what}, year {year}"));
    }
}

#[test]
fn one_over_n_spends_a_share_of_one_over_the_years_left() {
    // 10 % returns: 100,000 / 4 = 25,000 leaves 75,000 → 82,500; / 3 = 27,500 leaves
    // 55,000 → 60,500; / 2 = 30,250 leaves 30,250 → 33,275; the last year spends it all.
    let o = four_years(
        100_000.0,
        json!({"strategy": "one_over_n", "annual": 25_000}),
        0.10,
        0.0,
    );
    assert_years(
        &o.spending_percentiles.p50,
        &[25_000.0, 27_500.0, 30_250.0, 33_275.0],
        "spending",
    );
    assert_years(
        &o.balance_percentiles.p50,
        &[82_500.0, 60_500.0, 33_275.0, 0.0],
        "balance",
    );
    assert_eq!(o.success_probability, 1.0);
}

#[test]
fn endowment_blends_last_years_spending_with_the_target_rate() {
    // 5 % target, 70 % smoothing, no growth. Year 1: 50,000 (5 % of 1,000,000).
    // Year 2: 0.7 · 50,000 + 0.3 · 5 % · 950,000 = 49,250.
    // Year 3: 0.7 · 49,250 + 0.3 · 5 % · 900,750 = 47,986.25.
    // Year 4: 0.7 · 47,986.25 + 0.3 · 5 % · 852,763.75 = 46,381.83125.
    let spending = json!({"strategy": "endowment", "annual": 50_000, "percent": 0.05});
    let want = [50_000.0, 49_250.0, 47_986.25, 46_381.831_25];
    let o = four_years(1_000_000.0, spending.clone(), 0.0, 0.0);
    assert_years(&o.spending_percentiles.p50, &want, "spending");
    assert_close(
        o.balance_percentiles.p50[3],
        806_381.918_75,
        HAND_TOLERANCE,
        "balance",
    );
    // The rule is real: 10 % returns with 10 % inflation spend the same real amounts.
    let o = four_years(1_000_000.0, spending, 0.10, 0.10);
    assert_years(&o.spending_percentiles.p50, &want, "real spending");
}

#[test]
fn ninety_five_percent_rule_never_cuts_the_withdrawal_more_than_five_percent() {
    // 4 % of the balance, stocks lose 20 % a year. Year 1: 40,000 leaves 960,000 → 768,000.
    // Year 2: 4 % is 30,720 < 95 % of 40,000 = 38,000 → 584,000. Year 3: 36,100 → 438,320.
    // Year 4: 34,295.
    let o = four_years(
        1_000_000.0,
        json!({"strategy": "ninety_five_percent", "annual": 40_000, "floor": 0}),
        -0.20,
        0.0,
    );
    assert_years(
        &o.spending_percentiles.p50,
        &[40_000.0, 38_000.0, 36_100.0, 34_295.0],
        "spending",
    );
    assert_close(
        o.balance_percentiles.p50[1],
        584_000.0,
        HAND_TOLERANCE,
        "balance",
    );
    // Clyatt's rule is in dollars, not real dollars: with 10 % inflation and no returns,
    // year 2 takes 4 % of 960,000 = 38,400 dollars (more than 95 % of 40,000), which buys
    // 38,400 / 1.1 in today's dollars.
    let o = four_years(
        1_000_000.0,
        json!({"strategy": "ninety_five_percent", "annual": 40_000, "floor": 0}),
        0.0,
        0.10,
    );
    assert_close(
        o.spending_percentiles.p50[1],
        38_400.0 / 1.1,
        HAND_TOLERANCE,
        "nominal rule",
    );
}

#[test]
fn vanguard_dynamic_spending_keeps_each_real_change_within_its_ceiling_and_floor() {
    let run = |stocks_return: f64| {
        four_years(
            1_000_000.0,
            json!({"strategy": "vanguard_dynamic", "annual": 40_000, "floor": 0}),
            stocks_return,
            0.0,
        )
    };
    // +30 %: the 4 % target (49,920, then 62,712, then 79,232.4) is capped at +5 % a year.
    let up = run(0.30);
    assert_years(
        &up.spending_percentiles.p50,
        &[40_000.0, 42_000.0, 44_100.0, 46_305.0],
        "raises",
    );
    // −20 %: the target (30,720, 23,328, 17,445.6) is held to −2.5 % a year.
    let down = run(-0.20);
    assert_years(
        &down.spending_percentiles.p50,
        &[40_000.0, 39_000.0, 38_025.0, 37_074.375],
        "cuts",
    );
    // Inside the band the target itself: +4 % returns give 4 % of 998,400 = 39,936.
    let flat = run(0.04);
    assert_close(
        flat.spending_percentiles.p50[1],
        0.04 * 960_000.0 * 1.04,
        HAND_TOLERANCE,
        "within the band",
    );
}

#[test]
fn sensible_withdrawals_add_a_share_of_last_years_real_gain() {
    // 3 % base, 10 % of gains, 10 % returns. Year 1: 30,000 leaves 970,000 → 1,067,000 (a
    // gain of 97,000). Year 2: 3 % · 1,067,000 + 9,700 = 41,710, leaving 1,025,290 →
    // 1,127,819 (a gain of 102,529). Year 3: 33,834.57 + 10,252.9 = 44,087.47.
    let spending = json!({"strategy": "sensible_withdrawals", "annual": 30_000,
                          "percent": 0.03, "extras_rate": 0.1});
    let o = four_years(1_000_000.0, spending.clone(), 0.10, 0.0);
    assert_years(
        &o.spending_percentiles.p50[..3],
        &[30_000.0, 41_710.0, 44_087.47],
        "spending",
    );
    // The gain is real: with inflation equal to the return there is none, and only the
    // base is spent (3 % of 970,000 in today's dollars in year 2).
    let o = four_years(1_000_000.0, spending, 0.10, 0.10);
    assert_years(
        &o.spending_percentiles.p50[..2],
        &[30_000.0, 29_100.0],
        "no real gain",
    );
}

#[test]
fn autopilot_ii_blends_last_years_withdrawal_with_the_amortized_payment() {
    // 0 % assumed to 69, so the payment is 1/4, 1/3, 1/2 and all of the balance; 75 %
    // smoothing; 10 % returns. Year 1: 25,000 leaves 75,000 → 82,500. Year 2: 0.75 · 25,000
    // + 0.25 · 27,500 = 25,625, leaving 56,875 → 62,562.5. Year 3: 0.75 · 25,625 + 0.25 ·
    // 31,281.25 = 27,039.0625 → 39,075.78125. Year 4: 0.75 · 27,039.0625 + 0.25 ·
    // 39,075.78125 = 30,048.2421875, leaving 9,027.5390625 → 9,930.29296875.
    let o = four_years(
        100_000.0,
        json!({"strategy": "autopilot_ii", "annual": 25_000,
               "expected_real_return": 0.0, "horizon_age": 69}),
        0.10,
        0.0,
    );
    assert_years(
        &o.spending_percentiles.p50,
        &[25_000.0, 25_625.0, 27_039.062_5, 30_048.242_187_5],
        "spending",
    );
    assert_close(
        o.balance_percentiles.p50[3],
        9_930.292_968_75,
        HAND_TOLERANCE,
        "what smoothing leaves",
    );
}

#[test]
fn the_cape_rule_withdraws_its_rate_of_the_years_earnings_yield_from_shillers_data() {
    // Three years from 65, all stocks, no fees: each start year from 1881 (the first with a
    // CAPE) is one path. Its balance follows (B − (a + b/CAPE)·B) · stocks / inflation.
    let plan = plan_with(json!({
        "current_age": 65, "end_age": 68,
        "allocation": {"stocks": 1.0, "bonds": 0.0},
        "spending": {"strategy": "cape", "annual": 40_000},
        "fees": {"expense_ratio": 0.0},
        "market": {"model": "historical"}
    }));
    let o = run(&plan);
    let periods = &o.historical.as_ref().unwrap().periods;
    let data = us_annual();
    assert_eq!(periods[0].start_year, 1881);
    assert_eq!(
        periods.len(),
        (data.last_year() - 1881 + 1 - 3 + 1) as usize
    );
    for period in periods
        .iter()
        .filter(|p| [1881, 1929, 1982, 2000].contains(&p.start_year))
    {
        let mut balance = 1_000_000.0;
        for (t, &got) in period.balance.iter().enumerate() {
            let i = (period.start_year - data.first_year) as usize + t;
            // Defaults: a = 1.75 %, b = 0.5.
            let rate = 0.0175 + 0.5 * data.earnings_yield[i];
            balance = balance * (1.0 - rate) * data.stocks[i] / data.inflation[i];
            assert_close(
                got,
                balance,
                1e-12,
                &format!("{} year {t}", period.start_year),
            );
        }
    }
    // The rate itself in January 2000 (CAPE 43.77): 1.75 % + 0.5 / 43.77 = 2.89 %.
    let ey_2000 = data.earnings_yield[(2000 - data.first_year) as usize];
    assert_close(0.0175 + 0.5 * ey_2000, 0.028_923, 1e-4, "2000 rate");
}

#[test]
fn the_cape_rule_is_refused_where_there_is_no_cape() {
    let errors = |patch: Value| try_plan(patch).expect_err("refused");
    let lognormal = errors(json!({"spending": {"strategy": "cape", "annual": 40_000}}));
    assert!(
        lognormal
            .iter()
            .any(|e| e.path == "spending.strategy" && e.message.contains("historical")),
        "{lognormal:?}"
    );
    let bootstrap = errors(json!({"spending": {"strategy": "cape", "annual": 40_000},
                                  "market": {"model": "bootstrap"}}));
    assert!(bootstrap.iter().any(|e| e.path == "spending.strategy"));
    let wrapped = errors(json!({"spending": {"strategy": "cape", "annual": 40_000},
                                "market": {"model": "historical", "wrap_around": true}}));
    assert!(
        wrapped
            .iter()
            .any(|e| e.path == "market.wrap_around" && e.message.contains("1881")),
        "{wrapped:?}"
    );
}

#[test]
fn each_strategy_refuses_the_others_parameters_and_fills_its_own_defaults() {
    let errors = try_plan(
        json!({"spending": {"strategy": "endowment", "annual": 40_000,
                                              "max_increase": 0.05}}),
    )
    .expect_err("refused");
    assert_eq!(errors[0].path, "spending.max_increase");
    assert!(errors[0].message.contains("endowment"), "{errors:?}");
    use glidepath::engine::plan::Strategy;
    let strategy = |name: &str| {
        plan_with(json!({"spending": {"strategy": name, "annual": 40_000},
                         "market": {"model": "historical"}}))
        .spending
        .strategy
    };
    assert_eq!(
        strategy("endowment"),
        Strategy::Endowment {
            percent: 0.04,
            smoothing: 0.7,
            floor: 20_000.0
        }
    );
    assert_eq!(
        strategy("autopilot_ii"),
        Strategy::AutopilotIi {
            expected_real_return: 0.0376,
            horizon_age: 100,
            smoothing: 0.75,
            floor: 20_000.0
        }
    );
    assert_eq!(
        strategy("vanguard_dynamic"),
        Strategy::VanguardDynamic {
            percent: 0.04,
            max_increase: 0.05,
            max_decrease: 0.025,
            floor: 20_000.0
        }
    );
    assert_eq!(
        strategy("one_over_n"),
        Strategy::OneOverN {
            floor: 20_000.0,
            horizon_age: 95
        }
    );
    assert_eq!(
        strategy("cape"),
        Strategy::Cape {
            base_rate: 0.0175,
            cape_weight: 0.5,
            floor: 20_000.0
        }
    );
}

#[test]
fn a_smoothed_strategy_fails_on_its_floor_apart_from_running_out() {
    // Endowment at 5 % with stocks losing 20 % a year: spending falls below the 45,000
    // floor in year 3 (46,400, then 0.7 · 46,400 + 0.3 · 5 % · 570,880 = 41,043.2), yet
    // the balance never runs out.
    let o = four_years(
        1_000_000.0,
        json!({"strategy": "endowment", "annual": 50_000, "percent": 0.05, "floor": 45_000}),
        -0.20,
        0.0,
    );
    assert_eq!(o.success_probability, 0.0);
    assert_eq!(o.money_lasts.expect("reported apart").probability, 1.0);
    assert_eq!(o.floor_held.expect("a floor is reported").probability, 0.0);
    // The path fails in its first year below the floor: at 67.
    assert_eq!(o.depletion.median_age, Some(67.0));
}
