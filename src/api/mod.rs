//! JSON API v1, one module per resource, each with its own `routes`: simulations (run, read,
//! history, preview), exports (CSV and PDF), analysis and assumptions, plus the OpenAPI document.
//!
//! Handlers parse and validate, then hand the plan to [`crate::simulations`], which owns
//! caching, admission control and storage. Each `#[utoipa::path]` is the documentation of
//! its route; `openapi` collects them, and adds the 401 and 429 every route can give.

pub mod analysis;
pub mod assumptions;
pub mod comparisons;
pub mod exports;
pub mod openapi;
pub mod simulations;

use actix_web::http::header::HeaderValue;

/// The collection of simulations; a simulation's permalink is `{SIMULATIONS}/{id}`.
pub const SIMULATIONS: &str = "/api/v1/simulations";
/// A plan's result without storing it (the form's live preview).
pub const PREVIEWS: &str = "/api/v1/previews";
/// `hit-l1`, `hit-l2` or `miss`: where a result or analysis came from.
const X_CACHE: &str = "x-cache";

fn mime_json() -> HeaderValue {
    HeaderValue::from_static("application/json")
}
