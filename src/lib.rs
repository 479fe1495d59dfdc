//! Glidepath: will my money last?
//!
//! A web service running Monte Carlo simulations of retirement plans. `docs/architecture.md`
//! maps the modules; `app` is where they meet.

pub mod analysis;
pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod engine;
pub mod format;
pub mod healthcheck;
pub mod http;
pub mod lifecycle;
pub mod rate_limit;
pub mod report;
pub mod resilience;
pub mod simulations;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod web;
