//! Each withdrawal strategy against years worked out by hand, in a market without randomness.

use glidepath::engine::Outcome;
use serde_json::{Value, json};

use crate::support::{assert_close, deterministic_market, merge, plan_with, run};

/// Hand-worked figures are written to the cent or better.
const HAND_TOLERANCE: f64 = 1e-9;

/// `years` from age 65, all in stocks, no fees or tax, 10 paths (all identical), with
/// `extra` merged in.
fn from_65(
    years: u32,
    balance: f64,
    spending: Value,
    (stocks_return, inflation): (f64, f64),
    extra: Value,
) -> Outcome {
    let mut plan = json!({
        "current_age": 65, "end_age": 65 + years,
        "portfolio": {"balance": balance},
        "allocation": {"stocks": 1.0, "bonds": 0.0},
        "spending": spending,
        "fees": {"expense_ratio": 0.0},
        "market": deterministic_market(stocks_return, 0.0, inflation),
        "simulation": {"scenarios": 10}
    });
    merge(&mut plan, &extra);
    run(&plan_with(plan))
}

/// Four years from 65: every year is within 15 of the end.
fn four_years(balance: f64, spending: Value, stocks_return: f64, inflation: f64) -> Outcome {
    from_65(4, balance, spending, (stocks_return, inflation), json!({}))
}

fn assert_years(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (year, (g, w)) in got.iter().zip(want).enumerate() {
        assert_close(*g, *w, HAND_TOLERANCE, &format!("{what}, year {year}"));
    }
}

#[test]
fn constant_dollar_spends_the_same_real_amount_until_the_money_runs_out() {
    // 10 % returns and 10 % inflation: a real return of zero. Withdrawals of 30,000, 33,000
    // and 36,300 leave 77,000, 48,400 and 13,310 nominal: 70,000, 40,000 and 10,000 real.
    // Year four needs 30,000 real and finds 10,000: the path fails at 68.
    let o = four_years(100_000.0, json!({"annual": 30_000}), 0.10, 0.10);
    assert_years(
        &o.balance_percentiles.p50,
        &[70_000.0, 40_000.0, 10_000.0, 0.0],
        "balance",
    );
    assert_years(
        &o.spending_percentiles.p50,
        &[30_000.0, 30_000.0, 30_000.0, 10_000.0],
        "spending",
    );
    assert_eq!(o.success_probability, 0.0);
    assert_eq!(o.depletion.median_age, Some(68.0));
    assert_eq!(o.depletion.histogram.len(), 1);
    assert_eq!(
        (o.depletion.histogram[0].age, o.depletion.histogram[0].count),
        (68, 10)
    );
    assert_eq!(o.shortfall_years_mean, 1.0);
}

#[test]
fn constant_percent_follows_the_balance_between_floor_and_ceiling() {
    let spend = |balance: f64| {
        four_years(
            balance,
            json!({"strategy": "constant_percent", "annual": 10_000, "percent": 0.1,
                   "floor": 5_000, "ceiling": 12_000}),
            0.0,
            0.0,
        )
    };
    // Inside the band: 10 % of 100,000, then of 90,000, 81,000, 72,900.
    let o = spend(100_000.0);
    assert_years(
        &o.spending_percentiles.p50,
        &[10_000.0, 9_000.0, 8_100.0, 7_290.0],
        "free",
    );
    assert_years(
        &o.balance_percentiles.p50,
        &[90_000.0, 81_000.0, 72_900.0, 65_610.0],
        "free",
    );
    // The ceiling holds 20,000 and 18,800 down to 12,000.
    let o = spend(200_000.0);
    assert_years(
        &o.spending_percentiles.p50[..2],
        &[12_000.0, 12_000.0],
        "ceiling",
    );
    // The floor lifts 4,000 and 3,500 to 5,000.
    let o = spend(40_000.0);
    assert_years(
        &o.spending_percentiles.p50,
        &[5_000.0, 5_000.0, 5_000.0, 5_000.0],
        "floor",
    );
    assert_eq!(o.success_probability, 1.0);
    // 6,000 funds the 5,000 floor once; the second year finds 1,000: the path fails at 66.
    let o = spend(6_000.0);
    assert_eq!(o.depletion.median_age, Some(66.0));
}

#[test]
fn vpw_spends_level_amounts_when_returns_match_its_assumption() {
    // With 5 % returns and 5 % assumed, the annuity-due payment over 4 years is
    // 100,000 · 0.05 / (1.05 · (1 − 1.05⁻⁴)) = 26,858.27 every year, and nothing is left.
    let o = four_years(
        100_000.0,
        json!({"strategy": "vpw", "annual": 25_000, "expected_real_return": 0.05, "horizon_age": 69}),
        0.05,
        0.0,
    );
    let payment = 100_000.0 * 0.05 / (1.05 * (1.0 - 1.05_f64.powi(-4)));
    assert_close(payment, 26_858.27, 1e-6, "hand value");
    assert_years(&o.spending_percentiles.p50, &[payment; 4], "spending");
    assert_close(
        o.balance_percentiles.p50[3],
        0.0,
        HAND_TOLERANCE,
        "empty at the end",
    );
    assert_eq!(o.success_probability, 1.0);
    // At 0 % assumed it spends 1/4, 1/3, 1/2 and all of what is left: 25,000 each year.
    let o = four_years(
        100_000.0,
        json!({"strategy": "vpw", "annual": 25_000, "expected_real_return": 0.0, "horizon_age": 69}),
        0.0,
        0.0,
    );
    assert_years(&o.spending_percentiles.p50, &[25_000.0; 4], "zero return");
}

/// Twenty years from 65, so the capital-preservation rule applies until 80.
fn twenty_years(balance: f64, spending: Value, stocks_return: f64, inflation: f64) -> Outcome {
    from_65(20, balance, spending, (stocks_return, inflation), json!({}))
}

#[test]
fn guardrails_skip_raises_after_losses_and_cut_above_the_upper_guard() {
    // Guyton-Klinger (2006), 20 years so the cut applies. Stocks lose 10 % a year, inflation
    // 5 %. From 1,000,000 spending 50,000 (rate 5 %):
    // year 0: 50,000, leaving 950,000 → 855,000.
    // year 1: raising to 52,500 would mean 6.1 % after a loss: no raise. 50,000 / 855,000 =
    //         5.85 % is under the 6 % guard: 50,000, leaving 805,000 → 724,500.
    // year 2: no raise; 50,000 / 724,500 = 6.9 % > 6 %: cut 10 % to 45,000 → 611,550.
    // year 3: no raise; 45,000 / 611,550 = 7.4 % > 6 %: cut to 40,500.
    let o = twenty_years(
        1_000_000.0,
        json!({"strategy": "guardrails", "annual": 50_000, "floor": 36_000}),
        -0.10,
        0.05,
    );
    let nominal = [50_000.0, 50_000.0, 45_000.0, 40_500.0];
    let prices = [1.0, 1.05, 1.1025, 1.157_625];
    let real: Vec<f64> = nominal.iter().zip(prices).map(|(w, p)| w / p).collect();
    assert_years(&o.spending_percentiles.p50[..4], &real, "spending");
    assert_close(
        o.balance_percentiles.p50[2],
        611_550.0 / 1.157_625,
        HAND_TOLERANCE,
        "balance",
    );
    // 40,500 / 1.157625 = 34,985 real is under the 36,000 floor: the plan fails at 68 on its
    // floor, with money left; it runs out only later (no cuts in the last 15 years).
    assert_eq!(o.depletion.median_age, Some(68.0));
    assert_eq!(o.floor_held.unwrap().probability, 0.0);
    assert!(o.balance_percentiles.p50[3] > 400_000.0);
    let ran_out = o.ran_out.unwrap().median_age.expect("runs out before 85");
    assert!(ran_out > 75.0, "{ran_out}");
}

#[test]
fn guardrails_stop_cutting_in_the_last_fifteen_years() {
    // The same falling market over four years: every year is within 15 years of the end, so
    // Guyton and Klinger apply no capital-preservation cut. Raises are still skipped after
    // losses (the rate exceeds the initial one), so spending stays at 50,000 nominal.
    let o = four_years(
        1_000_000.0,
        json!({"strategy": "guardrails", "annual": 50_000, "floor": 36_000}),
        -0.10,
        0.05,
    );
    let prices = [1.0, 1.05, 1.1025, 1.157_625];
    let real: Vec<f64> = prices.iter().map(|p| 50_000.0 / p).collect();
    assert_years(&o.spending_percentiles.p50, &real, "spending");
}

#[test]
fn guardrails_cap_each_inflation_raise_at_six_percent() {
    // Returns of 10 % and inflation of 10 %: no loss, and the rate 50,000 / 1,000,000 = 5 %
    // does not move enough to trip a guard. Each raise is capped at 6 %: 50,000, 53,000,
    // 56,180, 59,550.80 nominal.
    let o = four_years(
        1_000_000.0,
        json!({"strategy": "guardrails", "annual": 50_000, "floor": 0}),
        0.10,
        0.10,
    );
    let nominal = [50_000.0, 53_000.0, 56_180.0, 59_550.8];
    let prices = [1.0, 1.1, 1.21, 1.331];
    let real: Vec<f64> = nominal.iter().zip(prices).map(|(w, p)| w / p).collect();
    assert_years(&o.spending_percentiles.p50, &real, "spending");
}

#[test]
fn guardrails_measure_the_portfolio_rate_net_of_income() {
    // Guyton-Klinger compare the portfolio's own withdrawal rate. 1,000,000, spending 60,000
    // with 40,000 of income from the start, stocks +10 %, no inflation, 20 years. The
    // portfolio pays 20,000: initial rate 2 %, prosperity guard 1.6 %.
    // year 0: 1,040,000 − 60,000 = 980,000 → 1,078,000.
    // year 1: 20,000 / 1,078,000 = 1.855 %: 60,000 → 1,163,800.
    // year 2: 20,000 / 1,163,800 = 1.718 %: 60,000 → 1,258,180.
    // year 3: 20,000 / 1,258,180 = 1.590 % < 1.6 %: raise 10 % to 66,000.
    // On total spending over the balance after income the rate would be 60,000 / 1,298,180
    // = 4.622 %, above its guard 0.8 × 60,000 / 1,040,000 = 4.615 %: no raise.
    let o = from_65(
        20,
        1_000_000.0,
        json!({"strategy": "guardrails", "annual": 60_000, "floor": 30_000}),
        (0.10, 0.0),
        json!({"income": [{"annual": 40_000, "start_age": 65}]}),
    );
    assert_years(
        &o.spending_percentiles.p50[..4],
        &[60_000.0, 60_000.0, 60_000.0, 66_000.0],
        "spending",
    );
    assert_close(
        o.balance_percentiles.p50[2],
        1_258_180.0,
        HAND_TOLERANCE,
        "balance",
    );
}

#[test]
fn vpw_never_fails_by_rounding_in_its_last_year() {
    // The audit's reproduction: one year at 94 with the default assumptions. The annuity
    // share r/((1+r)(1 − (1+r)⁻¹)) rounds to just above 1 at r = 0.03; the last share is
    // now exactly 1, so the withdrawal is the balance and the path succeeds.
    let o = run(&plan_with(json!({
        "current_age": 94, "end_age": 95,
        "spending": {"strategy": "vpw", "annual": 0, "expected_real_return": 0.03, "horizon_age": 95}
    })));
    assert_eq!(o.success_probability, 1.0);
    assert_eq!(o.money_lasts.unwrap().probability, 1.0);
    assert_close(
        o.balance_percentiles.p50[0],
        0.0,
        HAND_TOLERANCE,
        "spent down",
    );
}

#[test]
fn vpw_default_rate_and_horizon_reproduce_the_bogleheads_table() {
    // Bogleheads VPW table, 60/40: 5.0 % at 65, 5.1 % at 66, 21.5 % with five years left
    // (age 95) and 26.4 % with four (age 96). The default rate is 0.6 × 5 % + 0.4 × 1.9 %.
    for (age, table) in [(65, 0.050), (66, 0.051), (95, 0.215), (96, 0.264)] {
        let plan = plan_with(json!({
            "current_age": age, "end_age": (age + 1).max(97),
            "spending": {"strategy": "vpw", "annual": 40_000, "floor": 0},
            "fees": {"expense_ratio": 0.0},
            "market": deterministic_market(0.0, 0.0, 0.0),
            "simulation": {"scenarios": 10}
        }));
        match plan.spending.strategy {
            glidepath::engine::plan::Strategy::Vpw {
                expected_real_return,
                horizon_age,
                ..
            } => {
                assert_close(expected_real_return, 0.0376, 1e-12, "default rate");
                assert_eq!(horizon_age, Some(100));
            }
            other => panic!("{other:?}"),
        }
        let first = run(&plan).spending_percentiles.p50[0] / 1_000_000.0;
        assert!(
            (first - table).abs() < 0.0005,
            "age {age}: first-year share {first:.4}, table {table}"
        );
    }
}

#[test]
fn guardrails_raise_below_the_lower_guard() {
    // Stocks gain 30 %, no inflation. Year 1: 50,000 / 1,235,000 = 4.05 %, above the 4 %
    // guard. Year 2: 50,000 / 1,540,500 = 3.25 %: raise to 55,000. Year 3: 55,000 /
    // 1,931,150 = 2.85 %: raise to 60,500.
    let o = four_years(
        1_000_000.0,
        json!({"strategy": "guardrails", "annual": 50_000}),
        0.30,
        0.0,
    );
    assert_years(
        &o.spending_percentiles.p50,
        &[50_000.0, 50_000.0, 55_000.0, 60_500.0],
        "spending",
    );
    assert_close(
        o.balance_percentiles.p50[1],
        1_540_500.0,
        HAND_TOLERANCE,
        "balance",
    );
    assert_eq!(o.success_probability, 1.0);
}

#[test]
fn income_and_events_reduce_what_the_portfolio_pays() {
    // No returns, no inflation: 40,000 a year from 100,000 with 25,000 income from 66
    // and a 20,000 gift at 67. Balances: 60,000; 45,000; 50,000; 35,000.
    let o = run(&plan_with(json!({
        "current_age": 65, "end_age": 69,
        "portfolio": {"balance": 100_000},
        "allocation": {"stocks": 1.0, "bonds": 0.0},
        "spending": {"annual": 40_000},
        "income": [{"annual": 25_000, "start_age": 66}],
        "events": [{"age": 67, "amount": 20_000}],
        "fees": {"expense_ratio": 0.0},
        "market": deterministic_market(0.0, 0.0, 0.0),
        "simulation": {"scenarios": 10}
    })));
    assert_years(
        &o.balance_percentiles.p50,
        &[60_000.0, 45_000.0, 50_000.0, 35_000.0],
        "balance",
    );
    assert_eq!(o.success_probability, 1.0);
}
