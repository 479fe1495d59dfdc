//! Engine benchmarks (BENCHMARKS.md records the numbers and the machine).
//!
//! The benchmark plan: 60/40, `constant_dollar` $40,000 from $1,000,000 for 30 years (or 100),
//! lognormal returns with stochastic inflation, no income. In the same run: the floor (the
//! same number of normal draws with the engine's generator, batches and threads), percentiles
//! alone, and 100,000 × 30 on one and on two threads for the speedup. `history`: the
//! historical and bootstrap models beside the lognormal one. `household`: a couple, with fixed
//! and with drawn lifetimes, beside the plan of one. `taxes`: the same money in three accounts
//! beside one pot.
//!
//! `cargo bench --bench engine`

use std::hint::black_box;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use glidepath::engine::batch::normals_floor;
use glidepath::engine::percentile::{PROBABILITIES, percentiles_into};
use glidepath::engine::plan::{Limits, parse_plan_json};
use glidepath::engine::{self, Plan, PlanDefaults, RunOptions, SimdLevel};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Shocks the benchmark plan draws per path-year: stocks, bonds, inflation (no cash).
const SHOCKS: usize = 3;

fn plan(scenarios: u32, years: u32) -> Plan {
    let json = format!(
        r#"{{"current_age": 20, "retirement_age": 20, "end_age": {},
            "portfolio": {{"balance": 1000000}},
            "allocation": {{"stocks": 0.6, "bonds": 0.4}},
            "spending": {{"strategy": "constant_dollar", "annual": 40000}},
            "simulation": {{"scenarios": {scenarios}, "seed": 42}}}}"#,
        20 + years
    );
    parse_plan_json(&json)
        .expect("benchmark plan parses")
        .normalize(
            &PlanDefaults::default(),
            Limits {
                max_scenarios: 100_000,
                this_year: Some(2026),
            },
        )
        .expect("benchmark plan is valid")
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
}

fn engine_vs_floor(c: &mut Criterion) {
    let level = SimdLevel::detect();
    let mut group = c.benchmark_group("engine");
    for (scenarios, years) in [(1_000, 30), (10_000, 30), (10_000, 100), (100_000, 30)] {
        let id = format!("{scenarios}x{years}");
        let p = plan(scenarios, years);
        group.bench_function(BenchmarkId::new("simulate", &id), |b| {
            b.iter(|| engine::simulate(black_box(&p), &RunOptions::default()).expect("runs"))
        });
        group.bench_function(BenchmarkId::new("floor_normals", &id), |b| {
            b.iter(|| normals_floor(level, scenarios as usize, years as usize, SHOCKS, 42))
        });
    }
    group.finish();
}

fn simd_levels(c: &mut Criterion) {
    let p = plan(10_000, 30);
    let mut group = c.benchmark_group("simd_level_10000x30");
    for level in SimdLevel::ALL.into_iter().filter(|l| l.is_supported()) {
        let options = RunOptions {
            simd: Some(level),
            ..RunOptions::default()
        };
        group.bench_function(level.name(), |b| {
            b.iter(|| engine::simulate(&p, &options).expect("runs"))
        });
    }
    group.finish();
}

fn thread_scaling(c: &mut Criterion) {
    let p = plan(100_000, 30);
    let mut group = c.benchmark_group("threads_100000x30");
    group.sample_size(20);
    for threads in [1, 2] {
        let pool = pool(threads);
        group.bench_function(format!("{threads}_threads"), |b| {
            b.iter(|| pool.install(|| engine::simulate(&p, &RunOptions::default()).expect("runs")))
        });
    }
    group.finish();
}

fn percentiles_alone(c: &mut Criterion) {
    use rayon::prelude::*;
    let (n, years) = (10_000, 30);
    let mut rng = StdRng::seed_from_u64(1);
    // Lognormal-looking balances with some depleted (zero) paths, like the engine's rows.
    let rows: Vec<f64> = (0..n * years)
        .map(|_| {
            if rng.random::<f64>() < 0.1 {
                0.0
            } else {
                (rng.random::<f64>() * 3.0).exp() * 1e5
            }
        })
        .collect();
    c.bench_function("percentiles_10000x30", |b| {
        b.iter_batched_ref(
            || rows.clone(),
            |data| {
                data.par_chunks_mut(n)
                    .map(|row| {
                        let mut out = [0.0; 7];
                        percentiles_into(row, &PROBABILITIES, &mut out);
                        out[3]
                    })
                    .sum::<f64>()
            },
            BatchSize::LargeInput,
        )
    });
}

/// The history models beside the lognormal one, same plan, same run: a 30-year rolling
/// backtest over every start year, and bootstrap (independent years, and 5-year blocks)
/// against lognormal at 10,000 × 30.
fn history_models(c: &mut Criterion) {
    let with_market = |scenarios: u32, market: serde_json::Value| {
        let mut plan = plan(scenarios, 30);
        let mut value = serde_json::to_value(&plan.market).unwrap();
        if let (Some(target), Some(patch)) = (value.as_object_mut(), market.as_object()) {
            target.extend(patch.clone());
        }
        plan.market = serde_json::from_value(value).expect("valid market");
        plan
    };
    let options = RunOptions::default();
    let mut group = c.benchmark_group("history");
    let rolling = with_market(
        1000,
        serde_json::json!({"model": "historical", "wrap_around": false}),
    );
    group.bench_function("historical_rolling_30y", |b| {
        b.iter(|| engine::simulate(black_box(&rolling), &options).unwrap())
    });
    let lognormal = plan(10_000, 30);
    group.bench_function("lognormal_10000x30", |b| {
        b.iter(|| engine::simulate(black_box(&lognormal), &options).unwrap())
    });
    for block in [1, 5] {
        let bootstrap = with_market(
            10_000,
            serde_json::json!({"model": "bootstrap", "block_years": block}),
        );
        group.bench_function(format!("bootstrap_block{block}_10000x30"), |b| {
            b.iter(|| engine::simulate(black_box(&bootstrap), &options).unwrap())
        });
    }
    group.finish();
}

/// A household beside a plan of one, same run: the benchmark plan (10,000 × 30), a couple
/// with fixed lifetimes and Social Security for both (10,000 × 32), and the same couple with
/// lifetimes drawn from the life tables until the younger would be 120 (10,000 × 57).
fn household(c: &mut Criterion) {
    let couple = |longevity: &str| {
        let json = format!(
            r#"{{"current_age": 65, "end_age": 95, "birth_year": 1961, "sex": "male",
                "partner": {{"current_age": 63, "end_age": 97, "sex": "female",
                             "social_security": {{"monthly_benefit": 1400, "claiming_age": 62}}}},
                "social_security": {{"monthly_benefit": 2600, "claiming_age": 70}},
                "longevity": {{"model": "{longevity}"}},
                "portfolio": {{"balance": 1000000}},
                "allocation": {{"stocks": 0.6, "bonds": 0.4}},
                "spending": {{"annual": 60000, "survivor_share": 0.7}},
                "simulation": {{"scenarios": 10000, "seed": 42}}}}"#
        );
        parse_plan_json(&json)
            .expect("household plan parses")
            .normalize(
                &PlanDefaults::default(),
                Limits {
                    max_scenarios: 100_000,
                    this_year: Some(2026),
                },
            )
            .expect("household plan is valid")
    };
    let options = RunOptions::default();
    let mut group = c.benchmark_group("household");
    let single = plan(10_000, 30);
    group.bench_function("single_10000x30", |b| {
        b.iter(|| engine::simulate(black_box(&single), &options).unwrap())
    });
    let fixed = couple("fixed");
    group.bench_function("couple_fixed_10000x32", |b| {
        b.iter(|| engine::simulate(black_box(&fixed), &options).unwrap())
    });
    let drawn = couple("drawn");
    group.bench_function("couple_drawn_10000x57", |b| {
        b.iter(|| engine::simulate(black_box(&drawn), &options).unwrap())
    });
    group.finish();
}

/// Taxes as they are paid beside one pot, same run: a couple with Social Security, 10,000 ×
/// 30, the same $1,000,000 in one pot (effective rate 0) and in three accounts, with the
/// default withdrawal order, and with the fill-the-bracket order and conversions to the top
/// of the 22% bracket (three solves a year).
fn taxes(c: &mut Criterion) {
    let couple = |extra: &str| {
        let json = format!(
            r#"{{"current_age": 65, "end_age": 95, "birth_year": 1961,
                "partner": {{"current_age": 63, "end_age": 93,
                             "social_security": {{"monthly_benefit": 1400, "claiming_age": 62}}}},
                "social_security": {{"monthly_benefit": 2600, "claiming_age": 70}},
                "allocation": {{"stocks": 0.6, "bonds": 0.4}},
                "spending": {{"annual": 60000, "survivor_share": 0.7}},
                "simulation": {{"scenarios": 10000, "seed": 42}}, {extra}}}"#
        );
        parse_plan_json(&json)
            .expect("tax plan parses")
            .normalize(
                &PlanDefaults::default(),
                Limits {
                    max_scenarios: 100_000,
                    this_year: Some(2026),
                },
            )
            .expect("tax plan is valid")
    };
    let accounts = r#""accounts": {"taxable": {"balance": 300000, "basis": 200000},
        "traditional": {"balance": 600000}, "roth": {"balance": 100000}}"#;
    let options = RunOptions::default();
    let mut group = c.benchmark_group("taxes");
    for (name, plan) in [
        (
            "one_pot_10000x30",
            couple(r#""portfolio": {"balance": 1000000}"#),
        ),
        ("accounts_10000x30", couple(accounts)),
        (
            "fill_and_convert_10000x30",
            couple(&format!(
                r#"{accounts}, "tax": {{"withdrawal_order": "fill_bracket",
                    "conversion": "fill_bracket", "conversion_bracket_rate": 0.22}}"#
            )),
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| engine::simulate(black_box(&plan), &options).unwrap())
        });
    }
    group.finish();
}

/// "Which withdrawal order, and Roth conversions?": the three orders, conversions to three
/// brackets and the plan as it is, 1,000 paths each, 30 years.
fn tax_choices(c: &mut Criterion) {
    use glidepath::analysis::Analyzer;
    let input = parse_plan_json(
        r#"{"current_age": 65, "end_age": 95, "birth_year": 1961,
            "social_security": {"monthly_benefit": 2600, "claiming_age": 70},
            "accounts": {"taxable": {"balance": 300000, "basis": 200000},
                         "traditional": {"balance": 600000}, "roth": {"balance": 100000}},
            "spending": {"annual": 60000}, "simulation": {"scenarios": 1000, "seed": 42}}"#,
    )
    .expect("tax plan parses");
    let defaults = PlanDefaults::default();
    let limits = Limits {
        max_scenarios: 10_000,
        this_year: Some(2026),
    };
    let analyzer =
        Analyzer::new(input, &defaults, limits, RunOptions::default()).expect("tax plan is valid");
    c.bench_function("tax_choices_7x1000", |b| {
        b.iter(|| analyzer.tax_choices().unwrap().expect("choices"))
    });
}

/// The full analysis (two targets, goal seeking, sensitivity, insights) of a 1,000-scenario,
/// 30-year plan that misses its targets, so every part runs.
fn analysis(c: &mut Criterion) {
    use glidepath::analysis::{Analyzer, DEFAULT_TARGETS};
    let input = parse_plan_json(
        r#"{"current_age": 60, "retirement_age": 65, "end_age": 90,
            "portfolio": {"balance": 800000, "annual_contribution": 15000},
            "spending": {"annual": 55000}, "simulation": {"scenarios": 1000, "seed": 3}}"#,
    )
    .expect("analysis plan parses");
    let defaults = PlanDefaults::default();
    let limits = Limits {
        max_scenarios: 10_000,
        this_year: Some(2026),
    };
    let analyzer = Analyzer::new(input, &defaults, limits, RunOptions::default())
        .expect("analysis plan is valid");
    c.bench_function("analysis_1000x30", |b| {
        b.iter(|| analyzer.run(black_box(&DEFAULT_TARGETS)).unwrap())
    });
}

/// "When should we claim?": 81 pairs of claiming ages (and the three reference cells) at
/// 1,000 paths each, for a couple with fixed lifetimes (33 years) and with drawn ones.
fn claiming_grid(c: &mut Criterion) {
    use glidepath::analysis::Analyzer;
    let defaults = PlanDefaults::default();
    let limits = Limits {
        max_scenarios: 10_000,
        this_year: Some(2026),
    };
    let mut group = c.benchmark_group("claiming_grid_81x1000");
    for longevity in ["fixed", "drawn"] {
        let input = parse_plan_json(&format!(
            r#"{{"current_age": 62, "end_age": 95, "birth_year": 1964, "sex": "male",
                "social_security": {{"monthly_benefit": 2400, "claiming_age": 67}},
                "partner": {{"current_age": 60, "end_age": 97, "sex": "female",
                             "social_security": {{"monthly_benefit": 900, "claiming_age": 65}}}},
                "longevity": {{"model": "{longevity}"}},
                "portfolio": {{"balance": 700000}}, "spending": {{"annual": 62000}},
                "simulation": {{"scenarios": 1000, "seed": 21}}}}"#
        ))
        .expect("claiming plan parses");
        let analyzer = Analyzer::new(input, &defaults, limits, RunOptions::default())
            .expect("claiming plan is valid");
        group.bench_function(longevity, |b| {
            b.iter(|| analyzer.claiming_grid().unwrap().expect("a grid"))
        });
    }
    group.finish();
}

/// A 4-way comparison at 1,000 × 30 (constant dollars, guardrails, VPW and more spending,
/// on common random numbers, with the paired differences) beside one simulation of plan A
/// in the same run. Target: at most 4.5 × the one simulation.
fn comparison(c: &mut Criterion) {
    use glidepath::engine::compare::compare;
    let variant = |strategy: &str, annual: u32| {
        parse_plan_json(&format!(
            r#"{{"current_age": 20, "retirement_age": 20, "end_age": 50,
                "portfolio": {{"balance": 1000000}},
                "allocation": {{"stocks": 0.6, "bonds": 0.4}},
                "spending": {{"strategy": "{strategy}", "annual": {annual}}},
                "simulation": {{"scenarios": 1000, "seed": 42}}}}"#
        ))
        .expect("comparison plan parses")
        .normalize(
            &PlanDefaults::default(),
            Limits {
                max_scenarios: 100_000,
                this_year: Some(2026),
            },
        )
        .expect("comparison plan is valid")
    };
    let plans = [
        variant("constant_dollar", 40_000),
        variant("guardrails", 40_000),
        variant("vpw", 40_000),
        variant("constant_dollar", 46_000),
    ];
    let mut group = c.benchmark_group("comparison_1000x30");
    group.bench_function("one_simulation", |b| {
        b.iter(|| engine::simulate(black_box(&plans[0]), &RunOptions::default()).expect("runs"))
    });
    group.bench_function("four_way", |b| {
        b.iter(|| compare(black_box(&plans), &RunOptions::default()).expect("runs"))
    });
    // What the four plans cost run one after the other, without pairing: the share of the
    // comparison that is the plans themselves (guardrails and VPW cost more than plan A).
    group.bench_function("four_in_turn", |b| {
        b.iter(|| {
            for plan in &plans {
                engine::simulate(black_box(plan), &RunOptions::default()).expect("runs");
            }
        })
    });
    group.finish();
}

/// "How would other strategies do?" for a 1,000 × 30 plan: ten strategies on common random
/// numbers with their spending statistics. Target: at most 60 ms.
fn strategy_table(c: &mut Criterion) {
    use glidepath::analysis::Analyzer;
    let input = parse_plan_json(
        r#"{"current_age": 65, "end_age": 95, "portfolio": {"balance": 1000000},
            "spending": {"annual": 40000}, "simulation": {"scenarios": 1000, "seed": 3}}"#,
    )
    .expect("strategy plan parses");
    let defaults = PlanDefaults::default();
    let limits = Limits {
        max_scenarios: 10_000,
        this_year: Some(2026),
    };
    let analyzer = Analyzer::new(input, &defaults, limits, RunOptions::default())
        .expect("strategy plan is valid");
    c.bench_function("strategy_table_1000x30", |b| {
        b.iter(|| {
            analyzer
                .strategy_table(1_000_000.0)
                .unwrap()
                .expect("a table")
        })
    });
}

criterion_group!(
    benches,
    comparison,
    strategy_table,
    analysis,
    engine_vs_floor,
    simd_levels,
    thread_scaling,
    percentiles_alone,
    history_models,
    household,
    taxes,
    tax_choices,
    claiming_grid
);
criterion_main!(benches);
