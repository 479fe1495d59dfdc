//! `engine_version` must change whenever numbers can change: cache keys and stored results
//! rely on it. This pins engine 1.2.0's answer for one plan.

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
    assert_eq!(ENGINE_VERSION, "1.2.0");
    assert_eq!(outcome.success_probability, 0.9936);
    let pins = [
        (
            outcome.balance_percentiles.p50[29],
            607_149.493_740_881_3,
            "final median balance",
        ),
        (
            outcome.spending_percentiles.p10[15],
            47_518.858_781_349_925,
            "spending p10 at 80",
        ),
        (
            outcome.terminal_wealth.mean,
            762_369.364_264_427_8,
            "mean terminal wealth",
        ),
    ];
    for (got, pinned, what) in pins {
        assert_close(got, pinned, PIN_TOLERANCE, what);
    }
}
