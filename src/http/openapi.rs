//! OpenAPI pieces every route shares: the bearer-key scheme, the 401 and 429 responses the
//! guard can give on any route, and the schemas of bodies that are not Rust types of their
//! own. `api::openapi` collects the routes into the document.

use serde::Serialize;
use utoipa::openapi::{OpenApi, RefOr, ResponseBuilder, path::Operation};
use utoipa::{PartialSchema, ToSchema};

use crate::engine::{Outcome, Plan};

/// `Authorization: Bearer gpk_…`: optional on most routes (anonymous callers are limited per
/// IP and their results are public by id), required for the history.
pub struct BearerKeys;

impl utoipa::Modify for BearerKeys {
    fn modify(&self, openapi: &mut OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The guard's answers, on every operation but those tagged `meta`: 401 for a bad API key
/// and 429 over the rate limit. An operation's own description of either is kept.
pub struct GuardResponses;

impl utoipa::Modify for GuardResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        let error_body = || {
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                .build()
        };
        let retry_after = || {
            utoipa::openapi::HeaderBuilder::new()
                .schema(String::schema())
                .description(Some("Seconds to wait."))
                .build()
        };
        let unauthorized = ResponseBuilder::new()
            .description("An unknown, revoked or malformed API key.")
            .content("application/json", error_body())
            .build();
        let limited = ResponseBuilder::new()
            .description("Over the rate limit; see `Retry-After` and `RateLimit-*`.")
            .content("application/json", error_body())
            .header("Retry-After", retry_after())
            .build();
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten().filter(|op| !is_meta(op)) {
                let responses = &mut operation.responses.responses;
                responses
                    .entry("401".into())
                    .or_insert_with(|| RefOr::T(unauthorized.clone()));
                responses
                    .entry("429".into())
                    .or_insert_with(|| RefOr::T(limited.clone()));
            }
        }
    }
}

fn is_meta(operation: &Operation) -> bool {
    operation
        .tags
        .as_ref()
        .is_some_and(|tags| tags.iter().any(|tag| tag == "meta"))
}

/// A PDF document (binary).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PdfDocument(pub Vec<u8>);

/// A simulation as the API returns it: the permalink id, the normalized plan and the outcome.
#[derive(Serialize, ToSchema)]
pub struct SimulationResult {
    /// 32 lowercase hex digits (128 random bits); the permalink is `/api/v1/simulations/{id}`.
    pub id: String,
    /// When this simulation was requested, UTC, RFC 3339.
    pub created_at: String,
    /// The plan as simulated, every default filled in.
    pub plan: Plan,
    #[serde(flatten)]
    pub outcome: Outcome,
}
