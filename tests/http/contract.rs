//! The JSON contract of a fixed-seed result, pinned by a snapshot: any change to a field's
//! name, place, type or value (numbers to six significant digits) fails with a diff. After a
//! deliberate change, review it with `cargo insta review` (or run with `INSTA_UPDATE=always`)
//! and say why in the commit; a change of numbers also needs a new `ENGINE_VERSION`.

use serde_json::{Value, json};

use crate::support::started_app;

/// Numbers to six significant digits, so the pin is about the contract, not the last bit.
fn rounded(value: Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().expect("a float");
            if x == 0.0 {
                return json!(0.0);
            }
            let scale = 10f64.powi(5 - x.abs().log10().floor() as i32);
            json!((x * scale).round() / scale)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(rounded).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, rounded(v))).collect())
        }
        other => other,
    }
}

#[tokio::test]
async fn a_fixed_seed_result_keeps_its_json_contract() {
    let app = started_app().await;
    let plan = json!({
        "name": "Contract",
        "current_age": 62, "retirement_age": 64, "end_age": 72,
        "portfolio": {"balance": 750_000, "annual_contribution": 10_000},
        "spending": {"strategy": "guardrails", "annual": 110_000},
        "income": [{"name": "Social Security", "annual": 20_000, "start_age": 67}],
        "events": [{"name": "Car", "age": 66, "amount": -25_000}],
        "simulation": {"scenarios": 200, "seed": 11}
    });
    let result = app.create(&plan, None).await;
    insta::assert_json_snapshot!(rounded(result), {
        ".id" => "[id]",
        ".created_at" => "[created_at]",
        ".elapsed_ms" => "[elapsed_ms]",
    });
    app.shutdown().await.unwrap();
}
