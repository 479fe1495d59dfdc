//! `engine_version` must change whenever numbers can change: cache keys and stored results
//! rely on it. This pins engine 1.0.0's answer for one plan.

use glidepath::engine::ENGINE_VERSION;
use serde_json::json;

use crate::support::{assert_close, plan_with, run};

/// Loose enough for a last-digit difference in a platform's libm, tight enough for any real
/// change of the model or the random numbers.
const PIN_TOLERANCE: f64 = 1e-9;

#[test]
fn numbers_change_only_with_the_engine_version() {
    let outcome = run(&plan_with(json!({
        "spending": {"strategy": "guardrails", "annual": 52_000},
        "income": [{"annual": 20_000, "start_age": 67}],
        "market": {"fat_tails_df": 6},
        "simulation": {"scenarios": 5_000, "seed": 20_261_121}
    })));
    // If this fails after a change that moves numbers: bump ENGINE_VERSION, then update.
    assert_eq!(ENGINE_VERSION, "1.0.0");
    assert_eq!(outcome.success_probability, 0.967);
    let pins = [
        (
            outcome.balance_percentiles.p50[29],
            1_185_057.898_628_598,
            "final median balance",
        ),
        (
            outcome.spending_percentiles.p10[15],
            35_979.918_559_532_15,
            "spending p10 at 80",
        ),
        (
            outcome.terminal_wealth.mean,
            1_367_299.450_356_953_3,
            "mean terminal wealth",
        ),
    ];
    for (got, pinned, what) in pins {
        assert_close(got, pinned, PIN_TOLERANCE, what);
    }
}
