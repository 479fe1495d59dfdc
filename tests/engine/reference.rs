//! A plain scalar implementation of the model, written from `docs/methodology.md` with its
//! own random numbers (std `ln`/`cos` Box-Muller over `rand`'s ChaCha `StdRng`). The
//! vectorized engine must agree with it within Monte Carlo error.

use glidepath::engine::Plan;
use glidepath::engine::plan::Strategy;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::json;

use crate::support::{plan_with, run};

/// How far apart two independent estimates may be, in combined standard errors.
const SIGMAS: f64 = 4.0;

struct Reference {
    success: f64,
    /// Real balance in year 10 of every path.
    year10: Vec<f64>,
}

fn normal(rng: &mut StdRng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn lognormal(mean: f64, vol: f64, z: f64) -> f64 {
    let sigma2 = (1.0 + vol * vol / ((1.0 + mean) * (1.0 + mean))).ln();
    let mu = (1.0 + mean).ln() - sigma2 / 2.0;
    (mu + sigma2.sqrt() * z).exp()
}

fn simulate_reference(plan: &Plan, paths: usize) -> Reference {
    let m = &plan.market;
    let c = m.correlations;
    // Cholesky of the 3×3 correlation matrix, written out.
    let l11 = (1.0 - c.stocks_bonds * c.stocks_bonds).sqrt();
    let l21 = (c.bonds_inflation - c.stocks_inflation * c.stocks_bonds) / l11;
    let l22 = (1.0 - c.stocks_inflation.powi(2) - l21 * l21).sqrt();
    let tax_keep = 1.0 - plan.tax.effective_rate;
    let years = plan.years();
    let mut rng = StdRng::seed_from_u64(2024);
    let mut successes = 0;
    let mut year10 = Vec::with_capacity(paths);
    for _ in 0..paths {
        let (mut balance, mut price) = (plan.portfolio.balance, 1.0);
        let (mut last_withdrawal, mut initial_rate, mut last_growth, mut last_inflation) =
            (0.0, 0.0, 1.0, 1.0_f64);
        // The smoothed strategies' last withdrawal: real, or nominal for the 95 % rule; and
        // last year's real gain on what stayed invested.
        let (mut last_real, mut last_nominal, mut last_gain) = (0.0, 0.0, 0.0_f64);
        let mut failed = false;
        for t in 0..years {
            let age = plan.current_age + t as u32;
            let retired = age >= plan.retirement_age;
            if !retired {
                balance += plan.portfolio.annual_contribution * price;
            }
            let mut income_now = 0.0;
            for income in &plan.income {
                if age >= income.start_age && income.end_age.is_none_or(|e| age < e) {
                    income_now += if income.inflation_adjusted {
                        income.annual * price
                    } else {
                        income.annual
                    };
                }
            }
            balance += income_now;
            for event in plan.events.iter().filter(|e| e.age == age) {
                balance += if event.inflation_adjusted {
                    event.amount * price
                } else {
                    event.amount
                };
            }
            let first = age == plan.retirement_age;
            let real_balance = balance.max(0.0) / price;
            let amortized = |r: f64, horizon: u32| {
                let n = f64::from(horizon - age);
                if n == 1.0 {
                    1.0
                } else if r == 0.0 {
                    1.0 / n
                } else {
                    r / ((1.0 + r) * (1.0 - (1.0 + r).powf(-n)))
                }
            };
            // A real gross withdrawal as (nominal withdrawal, below its floor).
            let real = |w: f64, floor: f64| (w * price, w * tax_keep < floor);
            let (withdrawal, below_floor) = if !retired {
                (0.0, false)
            } else {
                match plan.spending.strategy {
                    Strategy::OneOverN { floor, horizon_age } => {
                        // In dollars, so the last year's share of 1 takes exactly the balance.
                        let w = amortized(0.0, horizon_age) * balance.max(0.0);
                        (w, w * tax_keep / price < floor)
                    }
                    Strategy::Endowment {
                        percent,
                        smoothing,
                        floor,
                    } => {
                        let target = percent * real_balance;
                        last_real = if first {
                            target
                        } else {
                            smoothing * last_real + (1.0 - smoothing) * target
                        };
                        real(last_real, floor)
                    }
                    Strategy::NinetyFivePercent { percent, floor } => {
                        let target = percent * balance.max(0.0);
                        last_nominal = if first {
                            target
                        } else {
                            target.max(0.95 * last_nominal)
                        };
                        real(last_nominal / price, floor)
                    }
                    Strategy::VanguardDynamic {
                        percent,
                        max_increase,
                        max_decrease,
                        floor,
                    } => {
                        let target = percent * real_balance;
                        last_real = if first {
                            target
                        } else {
                            target.clamp(
                                last_real * (1.0 - max_decrease),
                                last_real * (1.0 + max_increase),
                            )
                        };
                        real(last_real, floor)
                    }
                    Strategy::SensibleWithdrawals {
                        percent,
                        extras_rate,
                        floor,
                    } => {
                        let extras = if first {
                            0.0
                        } else {
                            extras_rate * last_gain.max(0.0)
                        };
                        real(percent * real_balance + extras, floor)
                    }
                    Strategy::AutopilotIi {
                        expected_real_return,
                        horizon_age,
                        smoothing,
                        floor,
                    } => {
                        let payment = amortized(expected_real_return, horizon_age) * real_balance;
                        last_real = if first {
                            payment
                        } else {
                            smoothing * last_real + (1.0 - smoothing) * payment
                        };
                        real(last_real, floor)
                    }
                    Strategy::Cape { .. } => {
                        unreachable!("the CAPE rule needs the historical model")
                    }
                    Strategy::ConstantDollar => (plan.spending.annual * price / tax_keep, false),
                    Strategy::ConstantPercent {
                        percent,
                        floor,
                        ceiling,
                    } => {
                        let real = (percent * balance / price * tax_keep)
                            .max(floor)
                            .min(ceiling.unwrap_or(f64::MAX));
                        (real * price / tax_keep, false)
                    }
                    Strategy::Vpw {
                        expected_real_return: r,
                        floor,
                        horizon_age,
                    } => {
                        let n = f64::from(horizon_age.unwrap_or(plan.end_age) - age);
                        let share = if n == 1.0 {
                            1.0
                        } else if r == 0.0 {
                            1.0 / n
                        } else {
                            r / ((1.0 + r) * (1.0 - (1.0 + r).powf(-n)))
                        };
                        let w = share * balance.max(0.0);
                        (w, w * tax_keep / price < floor)
                    }
                    Strategy::Guardrails {
                        upper_guard,
                        lower_guard,
                        adjustment,
                        floor,
                    } => {
                        // Guyton-Klinger (2006): the portfolio's own rate, net of income.
                        let portfolio = (balance - income_now).max(f64::MIN_POSITIVE);
                        let rate = |w: f64| (w - income_now).max(0.0) / portfolio;
                        let w = if age == plan.retirement_age.max(plan.current_age) {
                            initial_rate = rate(plan.spending.annual * price / tax_keep);
                            plan.spending.annual * price / tax_keep
                        } else {
                            let mut w = last_withdrawal * last_inflation.min(1.06);
                            if last_growth < 1.0 && rate(w) > initial_rate {
                                w = last_withdrawal;
                            }
                            let preserve = plan.end_age - age > 15;
                            if preserve
                                && initial_rate > 0.0
                                && rate(w) > initial_rate * (1.0 + upper_guard)
                            {
                                w *= 1.0 - adjustment;
                            } else if rate(w) < initial_rate * (1.0 - lower_guard) {
                                w *= 1.0 + adjustment;
                            }
                            w
                        };
                        last_withdrawal = w;
                        (w, w * tax_keep / price < floor)
                    }
                }
            };
            if withdrawal > balance || below_floor {
                failed = true;
            }
            balance = (balance - withdrawal.min(balance.max(0.0))).max(0.0);
            let (z1, z2, z3, z4) = (
                normal(&mut rng),
                normal(&mut rng),
                normal(&mut rng),
                normal(&mut rng),
            );
            let stocks = lognormal(m.stocks.mean, m.stocks.volatility, z1);
            let bonds = lognormal(
                m.bonds.mean,
                m.bonds.volatility,
                c.stocks_bonds * z1 + l11 * z2,
            );
            let cash = lognormal(m.cash.mean, m.cash.volatility, z4);
            let shock = c.stocks_inflation * z1 + l21 * z2 + l22 * z3;
            let inflation = 1.0 + (m.inflation.mean + m.inflation.volatility * shock).max(-0.5);
            let a = &plan.allocation;
            let growth = a.stocks * stocks + a.bonds * bonds + a.cash * cash;
            let invested = balance / price;
            balance *= growth * (1.0 - plan.fees.expense_ratio);
            price *= inflation;
            last_gain = balance / price - invested;
            (last_growth, last_inflation) = (growth, inflation);
            if t == 9 {
                year10.push(balance / price);
            }
        }
        successes += usize::from(!failed);
    }
    Reference {
        success: successes as f64 / paths as f64,
        year10,
    }
}

fn quantile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn assert_agrees(plan: Plan, name: &str) {
    let n = plan.simulation.scenarios as usize;
    let engine = run(&plan);
    let reference = simulate_reference(&plan, n);
    let (p, q) = (engine.success_probability, reference.success);
    let se = ((p * (1.0 - p) + q * (1.0 - q)) / n as f64)
        .sqrt()
        .max(1.0 / n as f64);
    assert!(
        (p - q).abs() <= SIGMAS * se,
        "{name}: success {p} (engine) vs {q} (reference), se {se}"
    );

    // The median's standard error is √(p(1−p)/n)/f(median); the density comes from the
    // reference's own 45th–55th percentile spread.
    let mut sorted = reference.year10;
    sorted.sort_by(f64::total_cmp);
    let median = quantile(&sorted, 0.5);
    let density = 0.1 / (quantile(&sorted, 0.55) - quantile(&sorted, 0.45));
    let se_median = (0.25 / n as f64).sqrt() / density;
    let engine_median = engine.balance_percentiles.p50[9];
    assert!(
        (engine_median - median).abs() <= SIGMAS * se_median * 2.0_f64.sqrt(),
        "{name}: year-10 median {engine_median} (engine) vs {median} (reference), se {se_median}"
    );
}

#[test]
fn agrees_with_the_scalar_reference_on_the_benchmark_plan() {
    assert_agrees(
        plan_with(json!({"spending": {"annual": 48_000}, "simulation": {"scenarios": 10_000}})),
        "60/40 constant dollar",
    );
}

#[test]
fn agrees_with_the_scalar_reference_on_guardrails_with_income() {
    assert_agrees(
        plan_with(json!({
            "spending": {"strategy": "guardrails", "annual": 60_000, "floor": 40_000},
            "income": [{"annual": 18_000, "start_age": 67}, {"annual": 6_000, "start_age": 65, "inflation_adjusted": false}],
            "tax": {"effective_rate": 0.1},
            "simulation": {"scenarios": 10_000}
        })),
        "guardrails with income",
    );
}

#[test]
fn agrees_with_the_scalar_reference_on_saving_then_constant_percent() {
    assert_agrees(
        plan_with(json!({
            "current_age": 50, "retirement_age": 60, "end_age": 90,
            "portfolio": {"balance": 400_000, "annual_contribution": 20_000},
            "allocation": {"stocks": 0.5, "bonds": 0.3, "cash": 0.2},
            "spending": {"strategy": "constant_percent", "annual": 40_000, "percent": 0.05, "floor": 30_000},
            "events": [{"age": 55, "amount": -50_000}],
            "fees": {"expense_ratio": 0.005},
            "simulation": {"scenarios": 10_000}
        })),
        "saving then constant percent",
    );
}

#[test]
fn agrees_with_the_scalar_reference_on_vpw() {
    assert_agrees(
        plan_with(json!({
            "spending": {"strategy": "vpw", "annual": 50_000, "floor": 35_000},
            "simulation": {"scenarios": 10_000}
        })),
        "vpw",
    );
}

#[test]
fn agrees_with_the_scalar_reference_on_each_smoothed_strategy() {
    for spending in [
        json!({"strategy": "one_over_n", "annual": 40_000, "floor": 20_000}),
        json!({"strategy": "endowment", "annual": 40_000, "percent": 0.05, "floor": 30_000}),
        json!({"strategy": "ninety_five_percent", "annual": 40_000, "floor": 30_000}),
        json!({"strategy": "vanguard_dynamic", "annual": 40_000, "percent": 0.045, "floor": 30_000}),
        json!({"strategy": "sensible_withdrawals", "annual": 40_000, "percent": 0.03, "floor": 30_000}),
        json!({"strategy": "autopilot_ii", "annual": 40_000, "floor": 30_000}),
    ] {
        let name = spending["strategy"].as_str().unwrap().to_owned();
        assert_agrees(
            plan_with(json!({
                "current_age": 60, "retirement_age": 62,
                "portfolio": {"annual_contribution": 10_000},
                "spending": spending,
                "tax": {"effective_rate": 0.1},
                "simulation": {"scenarios": 10_000}
            })),
            &name,
        );
    }
}
