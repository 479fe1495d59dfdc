use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    glidepath::cli::run(glidepath::cli::Cli::parse())
}
