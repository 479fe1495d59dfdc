//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` attributes and
//! the request and response types. A copy is committed as `docs/openapi.json`; a test fails
//! when the two drift apart (regenerate with `glidepath openapi > docs/openapi.json`).

use std::sync::OnceLock;

use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::engine::{Outcome, Plan};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Glidepath API",
        description = "Monte Carlo retirement planning: will the money last? Money in results is in today's dollars. Errors share one body: `{\"error\": {\"code\", \"message\", \"fields\", \"request_id\"}}`.",
        license(name = "MIT"),
    ),
    paths(
        super::api::create_simulation,
        super::api::list_simulations,
        super::api::get_simulation,
        super::api::get_percentiles_csv,
        super::api::get_report_pdf,
        super::api::create_analysis,
        super::api::assumptions,
        super::api::openapi_json,
    ),
    components(schemas(super::errors::ErrorCode, crate::report::pdf::Paper)),
    modifiers(&BearerKeys),
    tags(
        (name = "simulations", description = "Run a plan and read stored results."),
        (name = "analysis", description = "What spending is safe and what to change."),
        (name = "meta", description = "About the API itself."),
    )
)]
struct ApiDoc;

/// `Authorization: Bearer gpk_…`: optional on most routes (anonymous callers are limited per
/// IP and their results are public by id), required for the history.
struct BearerKeys;

impl utoipa::Modify for BearerKeys {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
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

/// The document as served, pretty-printed; built once.
pub fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut doc = ApiDoc::openapi();
        doc.info.version = env!("CARGO_PKG_VERSION").to_string();
        let mut json = doc
            .to_pretty_json()
            .expect("the OpenAPI document serializes");
        json.push('\n');
        json
    })
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// Every `$ref` names a schema the document defines (a type used only through
    /// `value_type` must be listed in `components` by hand).
    #[test]
    fn every_reference_resolves() {
        fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
            match value {
                Value::Object(map) => {
                    for (key, v) in map {
                        match (key.as_str(), v) {
                            ("$ref", Value::String(r)) => out.push(r),
                            _ => refs(v, out),
                        }
                    }
                }
                Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let doc: Value = serde_json::from_str(super::document()).expect("the document is JSON");
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(found.len() > 20);
        for r in found {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("unexpected reference {r}"));
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "{r} does not resolve"
            );
        }
    }
}
