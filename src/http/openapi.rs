//! OpenAPI pieces every route shares: the bearer-key scheme, the 401 and 429 responses the
//! guard can give on any route, the plan fields' bounds from their table, and the schemas of
//! bodies that are not Rust types of their own. `api::openapi` collects the routes into the
//! document.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::openapi::schema::{ArrayItems, Schema};
use utoipa::openapi::{OpenApi, RefOr, ResponseBuilder, path::Operation};
use utoipa::{Number, PartialSchema, ToSchema};

use crate::engine::plan::fields::{Field, Kind};
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

/// Responses many routes share, added once: on every operation but those tagged `meta`, the
/// guard's 401 for a bad API key and 429 over the rate limit; on every operation with a
/// body, 413 and 415; on every route of one stored simulation (`{id}`), its 404 and the
/// database's 503. An operation's own description of any of them is kept.
pub struct SharedResponses;

impl utoipa::Modify for SharedResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        let error_body = || {
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                .build()
        };
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content("application/json", error_body())
        };
        let retry_after = utoipa::openapi::HeaderBuilder::new()
            .schema(String::schema())
            .description(Some("Seconds to wait."))
            .build();
        let guard = [
            (
                "401",
                error("An unknown, revoked or malformed API key.").build(),
            ),
            (
                "429",
                error("Over the rate limit; see `Retry-After` and `RateLimit-*`.")
                    .header("Retry-After", retry_after.clone())
                    .build(),
            ),
        ];
        let body = [
            ("413", error("The body is over 64 KiB.").build()),
            ("415", error("The body is not `application/json`.").build()),
        ];
        let stored = [
            ("404", error("No simulation has this id.").build()),
            (
                "503",
                error("The database is unavailable.")
                    .header("Retry-After", retry_after)
                    .build(),
            ),
        ];
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let shared = [
                    (!is_meta(operation), &guard),
                    (operation.request_body.is_some(), &body),
                    (path.contains("{id}"), &stored),
                ];
                let responses = &mut operation.responses.responses;
                let applying = shared.into_iter().filter(|(applies, _)| *applies);
                for (status, response) in applying.flat_map(|(_, list)| list.iter()) {
                    responses
                        .entry((*status).to_string())
                        .or_insert_with(|| RefOr::T(response.clone()));
                }
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

/// Each plan field's `minimum` and `maximum`, from a table of fields (the plan's own, or a
/// test's). A schema shared by several paths (`AssetInput`: stocks, bonds, cash and
/// inflation) gets the widest bounds of its uses: normalization holds each use to its own.
pub struct PlanBounds<'a>(pub &'a [Field]);

impl utoipa::Modify for PlanBounds<'_> {
    fn modify(&self, openapi: &mut OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let schemas = &mut components.schemas;
        let mut bounds: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
        let mut lengths: BTreeMap<(String, String), usize> = BTreeMap::new();
        for field in self.0 {
            let Some(at) = locate(schemas, field.path) else {
                panic!("{} is not in the PlanInput schema", field.path);
            };
            if let Kind::Text { max_chars } = field.kind {
                lengths.insert(at, max_chars);
            } else if let Some((lo, hi)) = field.bounds() {
                let entry = bounds.entry(at).or_insert((lo, hi));
                *entry = (entry.0.min(lo), entry.1.max(hi));
            }
        }
        for (at, (lo, hi)) in &bounds {
            if let Some(property) = property(schemas, at) {
                property.minimum = Some(number(*lo));
                property.maximum = Some(number(*hi));
            }
        }
        for (at, max_chars) in &lengths {
            if let Some(property) = property(schemas, at) {
                property.max_length = Some(*max_chars);
            }
        }
    }
}

/// The component and property that hold the plan field at `path` (`income[].annual` →
/// `IncomeInput`, `annual`).
fn locate(schemas: &BTreeMap<String, RefOr<Schema>>, path: &str) -> Option<(String, String)> {
    let mut component = "PlanInput".to_string();
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let name = part.trim_end_matches("[]");
        if parts.peek().is_none() {
            return Some((component, name.to_string()));
        }
        let RefOr::T(Schema::Object(object)) = schemas.get(&component)? else {
            return None;
        };
        component = referenced(object.properties.get(name)?)?;
    }
    None
}

/// The component a property refers to: directly, through an array's items, or through the
/// `oneOf` of an optional one.
fn referenced(schema: &RefOr<Schema>) -> Option<String> {
    match schema {
        RefOr::Ref(r) => r.ref_location.rsplit('/').next().map(str::to_string),
        RefOr::T(Schema::Array(array)) => match &array.items {
            ArrayItems::RefOrSchema(items) => referenced(items),
            _ => None,
        },
        RefOr::T(Schema::OneOf(one_of)) => one_of.items.iter().find_map(referenced),
        RefOr::T(_) => None,
    }
}

fn property<'s>(
    schemas: &'s mut BTreeMap<String, RefOr<Schema>>,
    (component, name): &(String, String),
) -> Option<&'s mut utoipa::openapi::schema::Object> {
    match schemas.get_mut(component)? {
        RefOr::T(Schema::Object(object)) => match object.properties.get_mut(name)? {
            RefOr::T(Schema::Object(property)) => Some(property),
            _ => None,
        },
        _ => None,
    }
}

/// Whole numbers as integers (`1`, not `1.0`).
fn number(value: f64) -> Number {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        Number::Int(value as isize)
    } else {
        Number::Float(value)
    }
}

/// A PDF document (binary).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PdfDocument(pub Vec<u8>);

/// A preview: the normalized plan and the outcome, as a simulation has them, without an id.
#[derive(Serialize, ToSchema)]
pub struct PreviewResult {
    /// The plan as simulated, every default filled in.
    pub plan: Plan,
    #[serde(flatten)]
    pub outcome: Outcome,
}

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
