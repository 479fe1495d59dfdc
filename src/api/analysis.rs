//! `POST /api/v1/analysis`: safe spending, goal seeking and sensitivity for a plan.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use super::{X_CACHE, mime_json};
use crate::engine::plan::{Limits, parse_plan_json};
use crate::http::errors::{AppError, Body, FieldError};
use crate::http::extract::{Admitted, JsonObject};
use crate::http::resource;
use crate::http::telemetry::record_run;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/api/v1/analysis", "POST").route(web::post().to(create_analysis)));
}

/// The body of `POST /api/v1/analysis`.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalysisRequest {
    /// The plan, exactly as for `POST /api/v1/simulations`.
    #[schema(value_type = crate::engine::PlanInput)]
    pub plan: serde_json::Value,
    /// Success targets, 0.5 to 0.99 each, at most five. Default `[0.90, 0.95]`.
    #[schema(example = json!([0.9, 0.95]))]
    pub targets: Option<Vec<f64>>,
}

/// Safe spending, goal seeking and sensitivity for a plan, with insights in plain words.
#[utoipa::path(
    post,
    path = "/api/v1/analysis",
    tag = "analysis",
    request_body(content = AnalysisRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The analysis. Every number is a simulation of the plan with one input changed, on the plan's seed and scenario count.",
            body = crate::analysis::Analysis,
            headers(("X-Cache" = String, description = "`hit-l1`, `hit-l2` or `miss`."))),
        (status = 400, description = "The body is not a JSON object.", body = Body),
        (status = 422, description = "Bad plan fields (`plan.…`) or targets (`targets[i]`); `fields` lists every problem.", body = Body),
        (status = 503, description = "`overloaded`; retry after `Retry-After` seconds.", body = Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
        (status = 504, description = "The analysis did not finish in time.", body = Body),
    )
)]
pub async fn create_analysis(
    state: web::Data<AppState>,
    Admitted(JsonObject(text)): Admitted<JsonObject>,
) -> Result<HttpResponse, AppError> {
    let request: AnalysisRequest = serde_json::from_str(&text)
        .map_err(|err| AppError::validation(vec![FieldError::new("body", err.to_string())]))?;
    let plan_text = request.plan.to_string();
    let mut errors = Vec::new();
    let input = match parse_plan_json(&plan_text) {
        Ok(input) => Some(input),
        Err(field) => {
            errors.push(FieldError::new(
                format!("plan.{}", field.path),
                field.message,
            ));
            None
        }
    };
    let targets = crate::analysis::targets(request.targets.as_deref()).unwrap_or_else(|bad| {
        errors.extend(bad);
        Vec::new()
    });
    let limits = Limits::now(state.settings.simulation.max_scenarios);
    let plan = input.as_ref().and_then(|input| {
        let _validate = tracing::info_span!("validate").entered();
        input
            .clone()
            .normalize(&state.settings.plan_defaults, limits)
            .map_err(|bad| errors.extend(crate::analysis::under_plan(bad)))
            .ok()
    });
    let (Some(input), Some(plan)) = (input, plan) else {
        return Err(AppError::validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let plan_json = serde_json::to_string(&plan).expect("plans serialize");
    let (analysis, cache) = state
        .simulations
        .analyze(input.with_birth_years_of(&plan), &plan_json, targets)
        .await?;
    record_run(plan.simulation.scenarios, plan.years() as u32, cache);
    Ok(HttpResponse::Ok()
        .insert_header((X_CACHE, cache.as_str()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type(mime_json())
        .body(analysis.body.clone()))
}
