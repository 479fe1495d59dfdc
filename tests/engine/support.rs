//! Building plans for the engine tests.

use glidepath::engine::plan::{FieldError, Limits, parse_plan_json};
use glidepath::engine::{self, Outcome, Plan, PlanDefaults, RunOptions, SimdLevel};
use serde_json::{Value, json};

/// Large enough for every test; the environment's cap is tested on its own.
pub const LIMITS: Limits = Limits {
    max_scenarios: 100_000,
    this_year: Some(2026),
};

/// Deep-merges `patch` into `base` (objects merge, anything else replaces).
pub fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                merge(b.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (b, p) => *b = p.clone(),
    }
}

/// The benchmark plan (60/40, $40,000 from $1,000,000, ages 65–95, seed 42) with `patch`.
pub fn plan_with(patch: Value) -> Plan {
    try_plan(patch).unwrap_or_else(|errors| panic!("invalid test plan: {errors:?}"))
}

pub fn try_plan(patch: Value) -> Result<Plan, Vec<FieldError>> {
    let mut base = json!({
        "current_age": 65, "end_age": 95,
        "portfolio": {"balance": 1_000_000},
        "allocation": {"stocks": 0.6, "bonds": 0.4},
        "spending": {"strategy": "constant_dollar", "annual": 40_000},
        "simulation": {"scenarios": 2_000, "seed": 42}
    });
    merge(&mut base, &patch);
    let input = parse_plan_json(&base.to_string()).map_err(|e| vec![e])?;
    input.normalize(&PlanDefaults::default(), LIMITS)
}

/// A market with no randomness: every path is the same, so results can be computed by hand.
pub fn deterministic_market(stocks: f64, bonds: f64, inflation: f64) -> Value {
    json!({
        "stocks": {"mean": stocks, "volatility": 0.0},
        "bonds": {"mean": bonds, "volatility": 0.0},
        "cash": {"mean": 0.0, "volatility": 0.0},
        "inflation": {"mean": inflation, "volatility": 0.0}
    })
}

pub fn run(plan: &Plan) -> Outcome {
    engine::simulate(plan, &RunOptions::default()).expect("simulation runs")
}

/// The outcome without its wall time, for bit-identity comparisons.
pub fn numbers(mut outcome: Outcome) -> Outcome {
    outcome.elapsed_ms = 0.0;
    outcome
}

pub fn assert_close(got: f64, want: f64, rel: f64, what: &str) {
    let scale = want.abs().max(1.0);
    assert!(
        (got - want).abs() <= rel * scale,
        "{what}: got {got}, want {want} (relative tolerance {rel:e})"
    );
}

/// Asserts that every SIMD level this CPU supports gives `plan` the same numbers, and
/// returns them.
pub fn same_at_every_level(plan: &Plan) -> Outcome {
    let levels: Vec<SimdLevel> = SimdLevel::ALL
        .into_iter()
        .filter(|l| l.is_supported())
        .collect();
    eprintln!("SIMD levels on this CPU: {levels:?}");
    let results: Vec<Outcome> = levels
        .iter()
        .map(|&level| {
            let options = RunOptions {
                simd: Some(level),
                ..RunOptions::default()
            };
            numbers(engine::simulate(plan, &options).expect("runs"))
        })
        .collect();
    for (level, result) in levels.iter().zip(&results) {
        assert_eq!(
            result, &results[0],
            "{level:?} differs from {:?}",
            levels[0]
        );
    }
    results.into_iter().next().expect("the baseline level")
}

/// A rayon pool of `threads` threads, to compare results across thread counts.
pub fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
}
