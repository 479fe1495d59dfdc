//! `glidepath simulate --plan plan.json [--scenarios N] [--seed S]`: the engine from the
//! command line. The result JSON (the normalized plan and the outcome) goes to stdout; an
//! invalid plan prints its field errors to stderr and exits 2.

use std::io::Read;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use crate::config::Settings;
use crate::engine::plan::{FieldError, Limits, parse_plan_json};
use crate::engine::{self, Outcome, Plan, RunOptions};

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Plan JSON file, or `-` for standard input.
    #[arg(long)]
    pub plan: String,
    /// Overrides `simulation.scenarios` (still capped by `simulation.max_scenarios`).
    #[arg(long)]
    pub scenarios: Option<u32>,
    /// Overrides `simulation.seed`.
    #[arg(long)]
    pub seed: Option<u64>,
}

#[derive(Serialize)]
struct CliResult<'a> {
    plan: &'a Plan,
    #[serde(flatten)]
    outcome: &'a Outcome,
}

const EXIT_INVALID_PLAN: u8 = 2;

pub fn run(settings: &Settings, args: &SimulateArgs) -> ExitCode {
    let text = match read_plan(&args.plan) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("glidepath simulate: cannot read {}: {err}", args.plan);
            return ExitCode::FAILURE;
        }
    };
    let plan = match normalize(settings, args, &text) {
        Ok(plan) => plan,
        Err(errors) => {
            eprintln!("glidepath simulate: the plan is invalid:");
            for error in errors {
                eprintln!("  {}: {}", error.path, error.message);
            }
            return ExitCode::from(EXIT_INVALID_PLAN);
        }
    };
    let deadline = std::time::Instant::now()
        + std::time::Duration::from_millis(settings.simulation.timeout_ms);
    let options = RunOptions {
        deadline: Some(deadline),
        simd: None,
    };
    match engine::simulate(&plan, &options) {
        Ok(outcome) => {
            let result = CliResult {
                plan: &plan,
                outcome: &outcome,
            };
            let json = serde_json::to_string_pretty(&result).expect("results always serialize");
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("glidepath simulate: {err}");
            ExitCode::FAILURE
        }
    }
}

pub(super) fn read_plan(path: &str) -> std::io::Result<String> {
    if path == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(path)
    }
}

fn normalize(
    settings: &Settings,
    args: &SimulateArgs,
    text: &str,
) -> Result<Plan, Vec<FieldError>> {
    let mut input = parse_plan_json(text).map_err(|e| vec![e])?;
    if let Some(scenarios) = args.scenarios {
        input.simulation.scenarios = Some(scenarios);
    }
    if let Some(seed) = args.seed {
        input.simulation.seed = Some(seed);
    }
    let limits = Limits::now(settings.simulation.max_scenarios);
    input.normalize(&settings.plan_defaults, limits)
}
