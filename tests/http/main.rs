//! Every test of the service over HTTP, in one binary: an app on a random port, real
//! SQLite, PostgreSQL and Redis, the JSON API, the pages, the PDF, errors, probes, metrics,
//! rate limits, and the pinned JSON contract (`contract`). `support` holds what they share.
//!
//! Tests that need a process of their own stay apart: the binary (`tests/binary.rs`),
//! Sentry's process-wide client (`tests/sentry.rs`) and Chromium (`tests/browser.rs`).

#[path = "../common/mod.rs"]
mod common;
mod support;

mod analysis;
mod api;
mod comparisons;
mod contract;
mod errors;
mod household;
mod metrics;
mod plan_fields;
mod probes;
mod report;
mod security;
mod taxes;
mod web;
