use std::process::ExitCode;

/// mimalloc: fewer allocator stalls under concurrent load than glibc malloc
/// (BENCHMARKS.md). The bare baseline uses it too, so comparisons stay fair.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

fn main() -> ExitCode {
    glidepath::cli::run(glidepath::cli::Cli::parse())
}
