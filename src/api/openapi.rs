//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` attributes and
//! the request and response types, and `GET /api/v1/openapi.json`. A copy is committed as
//! `docs/openapi.json`; a test fails when the two drift apart (regenerate with
//! `glidepath openapi > docs/openapi.json`).

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use utoipa::OpenApi;

use super::{analysis, assumptions, comparisons, exports, mime_json, simulations};
use crate::engine::plan::fields::{FIELDS, Field};
use crate::http::get_resource;
use crate::http::openapi::{BearerKeys, PlanBounds, SharedResponses};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(get_resource("/api/v1/openapi.json", openapi_json));
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Glidepath API",
        description = "Monte Carlo retirement planning: will the money last? Money in results is in today's dollars. Errors share one body: `{\"error\": {\"code\", \"message\", \"fields\", \"request_id\"}}`.",
        license(name = "MIT"),
    ),
    paths(
        simulations::create_simulation,
        simulations::list_simulations,
        simulations::get_simulation,
        simulations::create_preview,
        exports::get_percentiles_csv,
        exports::get_report_pdf,
        analysis::create_analysis,
        comparisons::create_comparison,
        comparisons::get_comparison,
        comparisons::get_comparison_percentiles_csv,
        comparisons::get_comparison_differences_csv,
        comparisons::get_comparison_report_pdf,
        assumptions::assumptions,
        openapi_json,
    ),
    components(schemas(crate::http::errors::ErrorCode, crate::report::pdf::Paper)),
    modifiers(&BearerKeys, &SharedResponses),
    tags(
        (name = "simulations", description = "Run a plan and read stored results."),
        (name = "analysis", description = "What spending is safe and what to change."),
        (name = "comparisons", description = "Plans side by side, on the same random numbers."),
        (name = "meta", description = "About the API itself."),
    )
)]
struct ApiDoc;

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API.", content_type = "application/json", body = Object))
)]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type(mime_json())
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(document())
}

/// The document as served, pretty-printed; built once.
pub fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| document_with(FIELDS))
}

/// The document with the plan's bounds from another table of fields (tests change a bound).
pub fn document_with(fields: &[Field]) -> String {
    let mut doc = ApiDoc::openapi();
    utoipa::Modify::modify(&PlanBounds(fields), &mut doc);
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    let mut json = doc
        .to_pretty_json()
        .expect("the OpenAPI document serializes");
    json.push('\n');
    json
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

    /// Every operation but the document itself lists the guard's 401 and 429, and every
    /// route of one stored simulation its 404 and 503.
    #[test]
    fn shared_responses_are_listed_where_they_apply() {
        let doc: Value = serde_json::from_str(super::document()).expect("the document is JSON");
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let responses = &operation["responses"];
                let guarded = path != "/api/v1/openapi.json";
                for status in ["401", "429"] {
                    assert_eq!(
                        responses.get(status).is_some(),
                        guarded,
                        "{method} {path}: {status}"
                    );
                }
                for status in ["404", "503"] {
                    if path.contains("{id}") {
                        assert!(responses.get(status).is_some(), "{method} {path}: {status}");
                    }
                }
            }
        }
    }
}
