//! The model against closed forms, sampled moments, reproducibility and monotonicity.

use std::time::Instant;

use glidepath::engine::market::{Lognormal, MarketYear, ReturnModel, YearSource, lognormal_params};
use glidepath::engine::{self, BATCH, EngineError, RunOptions, SimdLevel};
use serde_json::json;

use crate::support::{
    assert_close, deterministic_market, numbers, plan_with, pool, run, same_at_every_level,
};

/// `docs/methodology.md`: a zero-volatility path equals the closed form within 1e-9, relative.
const CLOSED_FORM_TOLERANCE: f64 = 1e-9;

#[test]
fn zero_volatility_gives_the_closed_form_balance_path() {
    // Saving until 62, then spending with tax, a nominal pension, an inflation-adjusted
    // pension, an inheritance, fees and a glide path: every cash flow of the model.
    let plan = plan_with(json!({
        "current_age": 55, "retirement_age": 62, "end_age": 90,
        "portfolio": {"balance": 800_000, "annual_contribution": 25_000},
        "allocation": {"stocks": 0.7, "bonds": 0.25, "cash": 0.05, "glide_path": {"end_stocks": 0.35}},
        "spending": {"annual": 60_000},
        "income": [
            {"annual": 20_000, "start_age": 67, "inflation_adjusted": true},
            {"annual": 9_000, "start_age": 62, "end_age": 80, "inflation_adjusted": false}
        ],
        "events": [{"age": 70, "amount": 100_000}, {"age": 64, "amount": -20_000, "inflation_adjusted": false}],
        "fees": {"expense_ratio": 0.004},
        "tax": {"effective_rate": 0.15},
        "market": deterministic_market(0.07, 0.03, 0.02),
        "simulation": {"scenarios": 100}
    }));
    let outcome = run(&plan);

    // The same model, written out year by year.
    let (g_stocks, g_bonds, g_cash, inflation) = (1.07, 1.03, 1.0, 1.02);
    let years = 35;
    let (mut balance, mut price) = (800_000.0_f64, 1.0_f64);
    for t in 0..years {
        let age = 55 + t;
        let mut inflow = 0.0;
        if age < 62 {
            inflow += 25_000.0 * price;
        }
        if age >= 67 {
            inflow += 20_000.0 * price;
        }
        if (62..80).contains(&age) {
            inflow += 9_000.0;
        }
        if age == 70 {
            inflow += 100_000.0 * price;
        }
        if age == 64 {
            inflow -= 20_000.0;
        }
        let withdrawal = if age >= 62 {
            60_000.0 * price / 0.85
        } else {
            0.0
        };
        let stocks = 0.7 + (0.35 - 0.7) * f64::from(t) / f64::from(years - 1);
        let growth = stocks * g_stocks + (1.0 - stocks - 0.05) * g_bonds + 0.05 * g_cash;
        balance = (balance + inflow - withdrawal) * growth * (1.0 - 0.004);
        price *= inflation;
        let real = balance / price;
        let bands = &outcome.balance_percentiles;
        for band in [&bands.p5, &bands.p50, &bands.p95] {
            assert_close(
                band[t as usize],
                real,
                CLOSED_FORM_TOLERANCE,
                &format!("age {age}"),
            );
        }
        let spending = if age >= 62 { 60_000.0 } else { 0.0 };
        assert_close(
            outcome.spending_percentiles.p50[t as usize],
            spending,
            CLOSED_FORM_TOLERANCE,
            "spending",
        );
    }
    assert!(
        balance > 0.0,
        "the closed-form plan must last for this test to mean anything"
    );
    assert_eq!(outcome.success_probability, 1.0);
    assert_close(
        outcome.terminal_wealth.mean,
        balance / price,
        CLOSED_FORM_TOLERANCE,
        "terminal",
    );
}

/// Draws `years × BATCH` samples of each asset from the lognormal model.
fn sample(market: serde_json::Value, years: usize) -> Vec<MarketYear> {
    let plan = plan_with(json!({"market": market}));
    let model = Lognormal::new(&plan.market, true);
    let mut source = model.source(7, 0);
    (0..years)
        .map(|t| {
            let mut year = MarketYear::default();
            source.fill_year(t, &mut year);
            year
        })
        .collect()
}

struct Moments {
    mean: f64,
    sd: f64,
    fourth: f64,
}

fn moments(xs: &[f64]) -> Moments {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let fourth = xs.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / n;
    Moments {
        mean,
        sd: var.sqrt(),
        fourth,
    }
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let (ma, mb) = (moments(a), moments(b));
    let n = a.len() as f64;
    let cov = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - ma.mean) * (y - mb.mean))
        .sum::<f64>()
        / (n - 1.0);
    cov / (ma.sd * mb.sd)
}

#[test]
fn sampled_returns_match_the_configured_means_volatilities_and_correlations() {
    let market = json!({
        "stocks": {"mean": 0.09, "volatility": 0.17}, "bonds": {"mean": 0.045, "volatility": 0.06},
        "cash": {"mean": 0.03, "volatility": 0.01}, "inflation": {"mean": 0.025, "volatility": 0.015},
        "correlations": {"stocks_bonds": 0.3, "stocks_inflation": -0.2, "bonds_inflation": -0.4}
    });
    let years = sample(market, 400);
    let column = |f: fn(&MarketYear) -> &[f64; BATCH]| -> Vec<f64> {
        years.iter().flat_map(|y| f(y).iter().copied()).collect()
    };
    let stocks = column(|y| &y.stocks);
    let bonds = column(|y| &y.bonds);
    let cash = column(|y| &y.cash);
    let inflation = column(|y| &y.inflation);
    let n = stocks.len() as f64;
    for (name, xs, mean, sd) in [
        ("stocks", &stocks, 1.09, 0.17),
        ("bonds", &bonds, 1.045, 0.06),
        ("cash", &cash, 1.03, 0.01),
        ("inflation", &inflation, 1.025, 0.015),
    ] {
        let m = moments(xs);
        let mean_se = sd / n.sqrt();
        // Var(s²) = (μ₄ − σ⁴)/n, so se(s) ≈ √((μ₄ − σ⁴)/n) / (2σ).
        let sd_se = ((m.fourth - sd.powi(4)) / n).sqrt() / (2.0 * sd);
        assert!(
            (m.mean - mean).abs() < 4.0 * mean_se,
            "{name} mean {} vs {mean}",
            m.mean
        );
        assert!(
            (m.sd - sd).abs() < 4.0 * sd_se,
            "{name} sd {} vs {sd}",
            m.sd
        );
    }
    // The shocks behind the returns carry the configured correlations.
    let shock = |xs: &[f64], asset: (f64, f64)| -> Vec<f64> {
        xs.iter().map(|g| (g / asset.0).ln() / asset.1).collect()
    };
    let zs = shock(
        &stocks,
        lognormal_params(glidepath::engine::plan::AssetAssumption {
            mean: 0.09,
            volatility: 0.17,
        }),
    );
    let zb = shock(
        &bonds,
        lognormal_params(glidepath::engine::plan::AssetAssumption {
            mean: 0.045,
            volatility: 0.06,
        }),
    );
    for (name, a, b, rho) in [
        ("stocks-bonds", &zs, &zb, 0.3),
        ("stocks-inflation", &zs, &inflation, -0.2),
        ("bonds-inflation", &zb, &inflation, -0.4),
    ] {
        let r = correlation(a, b);
        let se = (1.0 - rho * rho) / n.sqrt();
        assert!((r - rho).abs() < 4.0 * se, "{name}: {r} vs {rho}");
    }
    let r = correlation(&zs, &cash);
    assert!(r.abs() < 4.0 / n.sqrt(), "cash is independent: {r}");
}

#[test]
fn fat_tails_keep_unit_variance_and_add_kurtosis() {
    let market = json!({"stocks": {"mean": 0.0, "volatility": 0.1}, "fat_tails_df": 5});
    let years = sample(market, 400);
    let (g, sigma) = lognormal_params(glidepath::engine::plan::AssetAssumption {
        mean: 0.0,
        volatility: 0.1,
    });
    let z: Vec<f64> = years
        .iter()
        .flat_map(|y| y.stocks.iter().map(|s| (s / g).ln() / sigma))
        .collect();
    let m = moments(&z);
    let n = z.len() as f64;
    // Student-t with 5 degrees of freedom scaled to unit variance: kurtosis 9.
    let kurtosis = m.fourth / m.sd.powi(4);
    let var_se = ((9.0 - 1.0) / n).sqrt();
    assert!(
        (m.sd * m.sd - 1.0).abs() < 4.0 * var_se,
        "variance {}",
        m.sd * m.sd
    );
    assert!(kurtosis > 5.0, "kurtosis {kurtosis}");
}

fn reproducibility_plans() -> Vec<glidepath::engine::Plan> {
    vec![
        plan_with(json!({"simulation": {"scenarios": 3_000}})),
        plan_with(json!({
            "spending": {"strategy": "guardrails", "annual": 55_000},
            "allocation": {"stocks": 0.5, "bonds": 0.4, "cash": 0.1},
            "income": [{"annual": 20_000, "start_age": 70}],
            "market": {"fat_tails_df": 4},
            "simulation": {"scenarios": 1_000, "seed": 7}
        })),
    ]
}

#[test]
fn same_seed_gives_bit_identical_results_on_one_and_two_threads() {
    for plan in reproducibility_plans() {
        let one = pool(1).install(|| numbers(run(&plan)));
        let two = pool(2).install(|| numbers(run(&plan)));
        assert_eq!(one, two);
        assert_eq!(one, numbers(run(&plan)), "and run to run");
    }
}

#[test]
fn every_simd_level_gives_bit_identical_results() {
    for plan in reproducibility_plans() {
        same_at_every_level(&plan);
    }
}

#[test]
fn each_level_runs_exactly_when_the_cpu_supports_it() {
    let plan = plan_with(json!({"simulation": {"scenarios": 100}}));
    for level in SimdLevel::ALL {
        let options = RunOptions {
            simd: Some(level),
            ..RunOptions::default()
        };
        let result = engine::simulate(&plan, &options);
        if level.is_supported() {
            assert!(result.is_ok(), "{level:?}: {result:?}");
        } else {
            assert_eq!(result, Err(EngineError::UnsupportedSimd(level)));
        }
    }
}

#[test]
fn a_passed_deadline_returns_a_timeout() {
    let plan = plan_with(json!({}));
    let options = RunOptions {
        deadline: Some(Instant::now()),
        ..RunOptions::default()
    };
    assert_eq!(engine::simulate(&plan, &options), Err(EngineError::Timeout));
}

#[test]
fn more_spending_never_raises_success_and_more_savings_never_lowers_it() {
    let success = |spending: f64, balance: f64| {
        run(&plan_with(json!({
            "portfolio": {"balance": balance},
            "spending": {"annual": spending},
            "simulation": {"scenarios": 2_000, "seed": 11}
        })))
        .success_probability
    };
    let by_spending: Vec<f64> = [30_000.0, 40_000.0, 50_000.0, 60_000.0, 70_000.0]
        .iter()
        .map(|&s| success(s, 1_000_000.0))
        .collect();
    assert!(
        by_spending.windows(2).all(|w| w[1] <= w[0]),
        "{by_spending:?}"
    );
    assert!(
        by_spending[0] > by_spending[4],
        "spending must matter: {by_spending:?}"
    );
    let by_balance: Vec<f64> = [800_000.0, 1_000_000.0, 1_200_000.0, 1_500_000.0]
        .iter()
        .map(|&b| success(50_000.0, b))
        .collect();
    assert!(
        by_balance.windows(2).all(|w| w[1] >= w[0]),
        "{by_balance:?}"
    );
}

#[test]
fn success_statistics_agree_with_each_other() {
    let outcome = run(&plan_with(json!({"spending": {"annual": 55_000}})));
    let p = outcome.success_probability;
    let n = f64::from(outcome.scenarios);
    assert_close(
        outcome.success_standard_error,
        (p * (1.0 - p) / n).sqrt(),
        1e-12,
        "se",
    );
    let [lo, hi] = outcome.success_interval_95;
    assert!(lo < p && p < hi && hi - lo < 0.06, "{lo} {p} {hi}");
    assert_close(outcome.depletion.probability, 1.0 - p, 1e-12, "depletion");
    let failed: u32 = outcome.depletion.histogram.iter().map(|b| b.count).sum();
    assert_eq!(f64::from(failed), ((1.0 - p) * n).round());
    assert!(outcome.shortfall_years_mean > 0.0);
    assert_eq!(outcome.ages.len(), 30);
    assert_eq!(outcome.ages[0], 65);
}
