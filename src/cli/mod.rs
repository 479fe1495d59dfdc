//! The command line: `serve` (default), `migrate`, `config`, `healthcheck`, `simulate`,
//! `openapi` and `api-keys`.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

mod api_keys;
mod compare;
mod simulate;

use crate::app::startup::Application;
use crate::config::Settings;
use crate::storage::Database;
use crate::telemetry::traces::Traces;

#[derive(Debug, Parser)]
#[command(
    name = "glidepath",
    version,
    about = "Will my money last? Monte Carlo retirement planning."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web service (the default).
    Serve,
    /// Apply pending database migrations and exit (for an init container).
    Migrate,
    /// Print the effective settings, secrets redacted.
    Config,
    /// Exit 0 if /health on the configured port answers 200, else 1.
    Healthcheck,
    /// Simulate a plan (JSON file, `-` for stdin) and print the result JSON.
    Simulate(simulate::SimulateArgs),
    /// Compare 2 to 4 plans on the same random numbers and print each plan's result and
    /// each difference from plan A, with its paired 95% interval, as JSON.
    Compare(compare::CompareArgs),
    /// Print the OpenAPI document (`glidepath openapi > docs/openapi.json`).
    Openapi,
    /// Create, list and revoke API keys.
    #[command(subcommand, name = "api-keys")]
    ApiKeys(api_keys::ApiKeysCommand),
}

pub fn run(cli: Cli) -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("glidepath: {err}");
            return ExitCode::from(78); // EX_CONFIG
        }
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Migrate => migrate(settings),
        Command::Config => {
            print!("{}", settings.to_redacted_toml());
            ExitCode::SUCCESS
        }
        Command::Simulate(args) => simulate::run(&settings, &args),
        Command::Compare(args) => compare::run(&settings, &args),
        Command::ApiKeys(command) => api_keys::run(&settings, command),
        Command::Openapi => {
            print!("{}", crate::api::openapi::document());
            ExitCode::SUCCESS
        }
        Command::Healthcheck => {
            match crate::healthcheck::check(
                &settings.server.host,
                settings.server.port,
                Duration::from_secs(1),
            ) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("unhealthy: {err}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

fn serve(settings: Settings) -> ExitCode {
    let traces = match Traces::from_env(settings.environment.as_str()) {
        Ok(traces) => traces,
        Err(err) => {
            eprintln!("glidepath: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    crate::telemetry::logging::init(&settings.log, traces.as_ref().map(Traces::tracer));
    // Sentry first, before the runtime, so its hub is the parent of every thread's.
    let sentry_guard = crate::telemetry::sentry::init(&settings);
    let outcome = runtime().map_err(anyhow::Error::from).and_then(|rt| {
        rt.block_on(async {
            let app = Application::build(settings).await?;
            app.run_until_stopped().await?;
            Ok(())
        })
    });
    let code = match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "service stopped with an error");
            eprintln!("glidepath: {err:#}");
            ExitCode::FAILURE
        }
    };
    if let Some(guard) = sentry_guard {
        guard.flush(Some(Duration::from_secs(2)));
    }
    if let Some(traces) = traces {
        traces.shutdown();
    }
    code
}

fn migrate(settings: Settings) -> ExitCode {
    crate::telemetry::logging::init(&settings.log, None);
    let outcome = runtime().map_err(anyhow::Error::from).and_then(|rt| {
        rt.block_on(async {
            let db = Database::connect_lazy(&settings.database, &settings.breaker)?;
            db.migrate().await?;
            db.close().await;
            anyhow::Ok(())
        })
    });
    match outcome {
        Ok(()) => {
            tracing::info!("migrations applied");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("glidepath migrate: {err:#}");
            ExitCode::FAILURE
        }
    }
}
