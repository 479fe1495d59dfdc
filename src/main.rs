use std::process::ExitCode;

use clap::Parser;

/// mimalloc: a shorter latency tail under concurrent load than glibc malloc
/// (BENCHMARKS.md), for about 12 MB more resident memory at idle.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    glidepath::cli::run(glidepath::cli::Cli::parse())
}
