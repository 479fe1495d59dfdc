//! `POST /api/v1/comparisons` (run 2 to 4 plans on the same random numbers and store the
//! comparison), `GET /api/v1/comparisons/{id}` and its two CSV files.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::exports::{ReportQuery, respond};
use super::mime_json;
use crate::engine::plan::Limits;
use crate::http::errors::{AppError, Body};
use crate::http::extract::{Admitted, FoundComparison, JsonObject, absolute, ensure_started};
use crate::http::openapi::PdfDocument;
use crate::http::{etag, get_resource, resource};
use crate::simulations::Caller;
use crate::simulations::comparisons::{ComparisonDoc, ComparisonRequest, comparison_plans};
use crate::state::AppState;

/// The collection of comparisons; a comparison's resource is `{COMPARISONS}/{id}`.
pub const COMPARISONS: &str = "/api/v1/comparisons";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource(COMPARISONS, "POST").route(web::post().to(create_comparison)))
        .service(get_resource("/api/v1/comparisons/{id}", get_comparison))
        .service(get_resource(
            "/api/v1/comparisons/{id}/percentiles.csv",
            get_comparison_percentiles_csv,
        ))
        .service(get_resource(
            "/api/v1/comparisons/{id}/differences.csv",
            get_comparison_differences_csv,
        ))
        .service(get_resource(
            "/api/v1/comparisons/{id}/report.pdf",
            get_comparison_report_pdf,
        ));
}

/// The comparison as a PDF: the odds side by side, each difference from plan A, the
/// overlaid charts and each plan's inputs. The same comparison gives the same bytes.
#[utoipa::path(
    get,
    path = "/api/v1/comparisons/{id}/report.pdf",
    tag = "comparisons",
    params(("id" = String, Path, description = "The comparison id."), ReportQuery),
    responses(
        (status = 200, description = "The report.", content_type = "application/pdf", body = PdfDocument,
            headers(("Content-Disposition" = String, description = "`attachment` with a file name."))),
        (status = 400, description = "A query string that cannot be read (a parameter given twice).", body = Body),
        (status = 404, description = "No such comparison.", body = Body),
        (status = 422, description = "`paper` is not `a4` or `letter`.", body = Body),
        (status = 504, description = "The render passed `report.timeout_ms`.", body = Body),
    )
)]
pub async fn get_comparison_report_pdf(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ReportQuery>,
    found: Result<FoundComparison, AppError>,
) -> Result<HttpResponse, AppError> {
    let paper = query.paper()?;
    let FoundComparison(doc) = found?;
    let tag = format!("\"{}-{}-pdf\"", doc.id, paper.as_str());
    let permalink = absolute(&req, &doc.url);
    let file = state
        .simulations
        .comparison_report(doc, paper, permalink)
        .await?;
    Ok(respond(file, &tag))
}

/// Run 2 to 4 plans on the same random numbers, and store the comparison under a new id.
#[utoipa::path(
    post,
    path = "/api/v1/comparisons",
    tag = "comparisons",
    request_body(content = ComparisonRequest, content_type = "application/json",
        description = "The plans, plan A first. Each later plan runs on plan A's seed and paths."),
    responses(
        (status = 201, description = "Each plan's result and each difference from plan A with its paired 95% interval, stored under a new unguessable id.",
            body = ComparisonDoc,
            headers(("Location" = String, description = "The comparison's resource."))),
        (status = 400, description = "The body is not JSON.", body = Body),
        (status = 422, description = "Fewer than 2 or more than 4 plans, a plan that breaks the rules, or plans that cannot be compared path by path (another market model, end age, seed, number of paths or household). `fields` lists every problem under `plans[k]`.", body = Body),
        (status = 503, description = "`overloaded` or `storage_unavailable`; retry after `Retry-After` seconds.", body = Body,
            headers(("Retry-After" = String, description = "Seconds to wait."))),
        (status = 504, description = "The comparison did not finish in time.", body = Body),
    )
)]
pub async fn create_comparison(
    state: web::Data<AppState>,
    caller: Caller,
    Admitted(JsonObject(text)): Admitted<JsonObject>,
) -> Result<HttpResponse, AppError> {
    let limits = Limits::now(state.settings.simulation.max_scenarios);
    let plans = comparison_plans(&text, &state.settings.plan_defaults, limits)
        .map_err(AppError::validation)?;
    ensure_started(&state)?;
    let doc = state.simulations.compare(plans, &caller).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("{COMPARISONS}/{}", doc.id)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(&doc))
}

/// A stored comparison.
#[utoipa::path(
    get,
    path = "/api/v1/comparisons/{id}",
    tag = "comparisons",
    params(("id" = String, Path, description = "The comparison id: 32 lowercase hex digits.")),
    responses(
        (status = 200, description = "The stored comparison.", body = ComparisonDoc),
        (status = 404, description = "No such comparison (or another API key's).", body = Body),
    )
)]
pub async fn get_comparison(FoundComparison(doc): FoundComparison) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, etag::IMMUTABLE))
        .content_type(mime_json())
        .json(&doc)
}

/// Each plan's yearly percentile bands, as CSV.
#[utoipa::path(
    get,
    path = "/api/v1/comparisons/{id}/percentiles.csv",
    tag = "comparisons",
    params(("id" = String, Path, description = "The comparison id.")),
    responses(
        (status = 200, description = "One row per plan and simulated year: `plan,name,year,age,balance_p5,…,balance_p95,spending_p5,…,spending_p95`, today's dollars.",
            content_type = "text/csv", body = String),
        (status = 404, description = "No such comparison.", body = Body),
    )
)]
pub async fn get_comparison_percentiles_csv(
    req: HttpRequest,
    FoundComparison(doc): FoundComparison,
) -> HttpResponse {
    csv(&req, &doc, "percentiles", doc.percentiles_csv())
}

/// Each plan's odds and legacy, and each difference from plan A with its paired interval,
/// as CSV.
#[utoipa::path(
    get,
    path = "/api/v1/comparisons/{id}/differences.csv",
    tag = "comparisons",
    params(("id" = String, Path, description = "The comparison id.")),
    responses(
        (status = 200, description = "`plan,name,measure,value,standard_error,interval_95_low,interval_95_high,unpaired_standard_error`: per plan `success` and `legacy_mean`, then per later plan its `success_difference`, `money_lasts_difference`, `legacy_mean_difference` and, with accounts, `lifetime_tax_mean_difference` from plan A. Shares are fractions; money is today's dollars.",
            content_type = "text/csv", body = String),
        (status = 404, description = "No such comparison.", body = Body),
    )
)]
pub async fn get_comparison_differences_csv(
    req: HttpRequest,
    FoundComparison(doc): FoundComparison,
) -> HttpResponse {
    csv(&req, &doc, "differences", doc.differences_csv())
}

fn csv(_req: &HttpRequest, doc: &ComparisonDoc, what: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, etag::IMMUTABLE))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"glidepath-comparison-{}-{what}.csv\"",
                doc.id
            ),
        ))
        .content_type("text/csv; charset=utf-8")
        .body(body)
}
