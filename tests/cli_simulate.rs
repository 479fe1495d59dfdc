//! `glidepath simulate`: the engine from the command line, on the example plans.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_glidepath");

fn simulate(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .env_clear()
        .env("APP_ENV", "development")
        .arg("simulate")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.unwrap_or("").as_bytes())
        .expect("write stdin");
    drop(input);
    child.wait_with_output().expect("binary finishes")
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is the result JSON")
}

#[test]
fn every_example_plan_simulates_to_a_full_result() {
    for entry in std::fs::read_dir("examples/plans").expect("examples/plans exists") {
        let path = entry.expect("entry").path();
        let result = json(&simulate(&["--plan", path.to_str().expect("utf-8")], None));
        let p = result["success_probability"].as_f64().expect("success");
        assert!((0.0..=1.0).contains(&p), "{}", path.display());
        let years = result["years"].as_u64().expect("years") as usize;
        assert_eq!(
            result["balance_percentiles"]["p50"]
                .as_array()
                .expect("bands")
                .len(),
            years
        );
        assert!(result["plan"]["name"].as_str().is_some());
        assert_eq!(result["engine_version"], glidepath::engine::ENGINE_VERSION);
    }
}

#[test]
fn scenarios_and_seed_flags_override_the_plan_and_results_repeat() {
    let plan = "examples/plans/guardrails-retiree.json";
    let run = || {
        json(&simulate(
            &["--plan", plan, "--scenarios", "200", "--seed", "99"],
            None,
        ))
    };
    let (mut a, mut b) = (run(), run());
    assert_eq!(a["scenarios"], 200);
    assert_eq!(a["seed"], 99);
    a["elapsed_ms"] = Value::Null;
    b["elapsed_ms"] = Value::Null;
    assert_eq!(a, b);
}

#[test]
fn an_invalid_plan_lists_its_field_errors_on_stderr_and_exits_2() {
    let out = simulate(
        &["--plan", "-"],
        Some(
            r#"{"current_age": 70, "end_age": 60, "portfolio": {"balance": 5}, "spending": {"annual": 1}}"#,
        ),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("end_age: must be greater than current_age"),
        "{stderr}"
    );
    assert!(
        stderr.contains("portfolio.balance: must be between $1,000"),
        "{stderr}"
    );
}

#[test]
fn malformed_json_is_a_field_error_too() {
    let out = simulate(&["--plan", "-"], Some("{"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("body:"));
}

#[test]
fn the_history_examples_run_both_history_models() {
    let historical = json(&simulate(
        &["--plan", "examples/plans/historical-60-40.json"],
        None,
    ));
    assert_eq!(historical["plan"]["market"]["model"], "historical");
    assert_eq!(historical["scenarios"], 123);
    assert_eq!(historical["historical"]["worst"][0]["start_year"], 1966);
    let bootstrap = json(&simulate(
        &["--plan", "examples/plans/bootstrap-blocks.json"],
        None,
    ));
    assert_eq!(bootstrap["plan"]["market"]["block_years"], 5);
    assert_eq!(bootstrap["scenarios"], 1000);
}

/// `glidepath compare`: both plans on plan A's seed, plan A as `simulate` gives it, and a
/// plan that cannot be compared is refused by name with exit code 2.
#[test]
fn compare_runs_plans_on_plan_as_seed_and_refuses_other_end_ages() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let write = |name: &str, json: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, json).expect("written");
        path.to_str().expect("utf-8").to_string()
    };
    let a = write(
        "a.json",
        r#"{"current_age": 65, "end_age": 95, "portfolio": {"balance": 1000000},
            "spending": {"annual": 40000}, "simulation": {"scenarios": 500, "seed": 9}}"#,
    );
    let b = write(
        "b.json",
        r#"{"name": "Guardrails", "current_age": 65, "end_age": 95, "portfolio": {"balance": 1000000},
            "spending": {"annual": 40000, "strategy": "guardrails"}}"#,
    );
    let c = write(
        "c.json",
        r#"{"current_age": 65, "end_age": 100, "portfolio": {"balance": 1000000},
            "spending": {"annual": 40000}}"#,
    );
    let run = |args: &[&str]| {
        Command::new(BIN)
            .env_clear()
            .env("APP_ENV", "development")
            .arg("compare")
            .args(args)
            .output()
            .expect("binary runs")
    };
    let out = json(&run(&["--plan", &a, "--plan", &b]));
    assert_eq!(out["seed"], 9);
    let alone = json(&simulate(&["--plan", &a], None));
    assert_eq!(
        out["plans"][0]["result"]["success_probability"],
        alone["success_probability"]
    );
    assert_eq!(out["plans"][1]["name"], "Guardrails");
    assert_eq!(out["plans"][1]["plan"]["simulation"]["seed"], 9);
    let d = &out["differences"][0]["success"];
    let diff = out["plans"][1]["result"]["success_probability"]
        .as_f64()
        .unwrap()
        - out["plans"][0]["result"]["success_probability"]
            .as_f64()
            .unwrap();
    assert!((d["estimate"].as_f64().unwrap() - diff).abs() < 1e-12);

    let refused = run(&["--plan", &a, "--plan", &c]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("plans[1].end_age"), "{stderr}");
}
