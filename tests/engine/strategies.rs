//! Each withdrawal strategy against years worked out by hand, in a market without randomness.

use glidepath::engine::Outcome;
use serde_json::{Value, json};

use crate::support::{assert_close, deterministic_market, plan_with, run};

/// Hand-worked figures are written to the cent or better.
const HAND_TOLERANCE: f64 = 1e-9;

/// Four years from age 65, all in stocks, no fees or tax, 10 paths (all identical).
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
        json!({"strategy": "vpw", "annual": 25_000, "expected_real_return": 0.05}),
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
        json!({"strategy": "vpw", "annual": 25_000, "expected_real_return": 0.0}),
        0.0,
        0.0,
    );
    assert_years(&o.spending_percentiles.p50, &[25_000.0; 4], "zero return");
}

#[test]
fn guardrails_skip_raises_after_losses_and_cut_above_the_upper_guard() {
    // Stocks lose 10 % a year, inflation 5 %. From 1,000,000 spending 50,000 (rate 5 %):
    // year 0: 50,000, leaving 950,000 → 855,000.
    // year 1: raising to 52,500 would mean 6.1 % after a loss: no raise. 50,000 / 855,000 =
    //         5.85 % is under the 6 % guard: 50,000, leaving 805,000 → 724,500.
    // year 2: no raise; 50,000 / 724,500 = 6.9 % > 6 %: cut 10 % to 45,000 → 611,550.
    // year 3: no raise; 45,000 / 611,550 = 7.4 % > 6 %: cut to 40,500.
    let o = four_years(
        1_000_000.0,
        json!({"strategy": "guardrails", "annual": 50_000, "floor": 36_000}),
        -0.10,
        0.05,
    );
    let nominal = [50_000.0, 50_000.0, 45_000.0, 40_500.0];
    let prices = [1.0, 1.05, 1.1025, 1.157_625];
    let real: Vec<f64> = nominal.iter().zip(prices).map(|(w, p)| w / p).collect();
    assert_years(&o.spending_percentiles.p50, &real, "spending");
    assert_close(
        o.balance_percentiles.p50[2],
        611_550.0 / 1.157_625,
        HAND_TOLERANCE,
        "balance",
    );
    // 40,500 / 1.157625 = 34,985 real is under the 36,000 floor: the plan fails at 68.
    assert_eq!(o.depletion.median_age, Some(68.0));
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
