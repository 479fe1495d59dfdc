//! `glidepath compare --plan a.json --plan b.json [--plan …]`: 2 to 4 plans on the same
//! random numbers, from the command line. The plans (each normalized with its result) and
//! each difference from plan A go to stdout as JSON, shaped as `POST /api/v1/comparisons`
//! answers but without an id; invalid or incomparable plans print their field errors
//! (`plans[k].…`) to stderr and exit 2.

use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use super::simulate::read_plan;
use crate::config::Settings;
use crate::engine::compare::{self, Difference};
use crate::engine::plan::{FieldError, Limits, PlanInput, parse_plan_json};
use crate::engine::{Outcome, Plan, RunOptions};
use crate::simulations::comparisons::normalize_all;

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// A plan JSON file, or `-` for standard input (once); plan A first, 2 to 4 in all.
    #[arg(long = "plan", required = true)]
    pub plans: Vec<String>,
}

#[derive(Serialize)]
struct Compared<'a> {
    name: &'a str,
    plan: &'a Plan,
    result: &'a Outcome,
}

#[derive(Serialize)]
struct CliComparison<'a> {
    seed: u64,
    scenarios: u32,
    plans: Vec<Compared<'a>>,
    differences: &'a [Difference],
}

const EXIT_INVALID_PLAN: u8 = 2;

pub fn run(settings: &Settings, args: &CompareArgs) -> ExitCode {
    let invalid = |errors: Vec<FieldError>| {
        eprintln!("glidepath compare: the plans cannot be compared:");
        for error in errors {
            eprintln!("  {}: {}", error.path, error.message);
        }
        ExitCode::from(EXIT_INVALID_PLAN)
    };
    if !(2..=compare::MAX_PLANS).contains(&args.plans.len()) {
        return invalid(vec![FieldError::new(
            "plans",
            format!(
                "a comparison has 2 to {} plans, not {}",
                compare::MAX_PLANS,
                args.plans.len()
            ),
        )]);
    }
    let mut inputs: Vec<PlanInput> = Vec::new();
    let mut errors = Vec::new();
    for (k, path) in args.plans.iter().enumerate() {
        let text = match read_plan(path) {
            Ok(text) => text,
            Err(err) => {
                eprintln!("glidepath compare: cannot read {path}: {err}");
                return ExitCode::FAILURE;
            }
        };
        match parse_plan_json(&text) {
            Ok(input) => inputs.push(input),
            Err(e) => errors.push(FieldError::new(format!("plans[{k}].{}", e.path), e.message)),
        }
    }
    if !errors.is_empty() {
        return invalid(errors);
    }
    let limits = Limits::now(settings.simulation.max_scenarios);
    let plans = match normalize_all(inputs, &settings.plan_defaults, limits) {
        Ok(plans) => plans,
        Err(errors) => return invalid(errors),
    };
    let deadline = std::time::Instant::now()
        + std::time::Duration::from_millis(settings.simulation.timeout_ms);
    let options = RunOptions {
        deadline: Some(deadline),
        simd: None,
    };
    match compare::compare(&plans, &options) {
        Ok(comparison) => {
            let first = &comparison.outcomes[0];
            let result = CliComparison {
                seed: first.seed,
                scenarios: first.scenarios,
                plans: plans
                    .iter()
                    .zip(&comparison.outcomes)
                    .map(|(plan, result)| Compared {
                        name: &plan.name,
                        plan,
                        result,
                    })
                    .collect(),
                differences: &comparison.differences,
            };
            let json = serde_json::to_string_pretty(&result).expect("results always serialize");
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("glidepath compare: {err}");
            ExitCode::FAILURE
        }
    }
}
