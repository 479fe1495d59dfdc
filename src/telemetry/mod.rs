//! Logs, metrics, traces and error reporting.

mod json_layer;
pub mod latency;
pub mod logging;
pub mod metrics;
pub mod refusals;
pub mod sentry;
pub mod traces;

pub use json_layer::JsonLayer;
