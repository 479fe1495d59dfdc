//! A stored simulation in other forms: its percentile bands as CSV, and its report as a PDF
//! (also served to the browser at `/s/{id}/report.pdf`).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::http::errors::{AppError, Body, FieldError};
use crate::http::extract::{Found, permalink};
use crate::http::openapi::PdfDocument;
use crate::http::{etag, get_resource};
use crate::report::pdf::Paper;
use crate::simulations::ReportFile;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(get_resource(
        "/api/v1/simulations/{id}/percentiles.csv",
        get_percentiles_csv,
    ))
    .service(get_resource(
        "/api/v1/simulations/{id}/report.pdf",
        get_report_pdf,
    ));
}

/// The yearly percentile bands of real balance and spending, as CSV.
#[utoipa::path(
    get,
    path = "/api/v1/simulations/{id}/percentiles.csv",
    tag = "simulations",
    params(("id" = String, Path, description = "The simulation id.")),
    responses(
        (status = 200, description = "One row per simulated year: `year,age,balance_p5,…,balance_p95,spending_p5,…,spending_p95`, today's dollars.",
            content_type = "text/csv", body = String,
            headers(("ETag" = String, description = "Validator of the CSV."))),
        (status = 304, description = "The CSV matches `If-None-Match`."),
    )
)]
pub async fn get_percentiles_csv(
    req: HttpRequest,
    Found(simulation): Found,
) -> Result<HttpResponse, AppError> {
    let tag = format!("\"{}-csv\"", simulation.result.hash);
    if etag::matches(req.headers(), &tag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, etag::IMMUTABLE))
            .finish());
    }
    let csv = simulation
        .result
        .percentiles_csv()
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, etag::IMMUTABLE))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"glidepath-{}-percentiles.csv\"",
                simulation.id
            ),
        ))
        .content_type("text/csv; charset=utf-8")
        .body(csv))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Paper size: `a4` (the default) or `letter`.
    #[param(value_type = Option<Paper>)]
    paper: Option<String>,
}

impl ReportQuery {
    pub(crate) fn paper(&self) -> Result<Paper, AppError> {
        match self
            .paper
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("a4") => Ok(Paper::A4),
            Some("letter") => Ok(Paper::Letter),
            Some(_) => Err(AppError::validation(vec![FieldError::new(
                "paper",
                "must be a4 or letter",
            )])),
        }
    }
}

/// Reports change only with the result, paper and analysis: a client may keep one an hour.
pub(crate) const REPORT_CACHE_CONTROL: &str = "private, max-age=3600";

/// The plan review as a PDF: cover with the odds, the plan and its assumptions, the charts,
/// the percentile table, the analysis, methodology and disclaimer.
#[utoipa::path(
    get,
    path = "/api/v1/simulations/{id}/report.pdf",
    tag = "simulations",
    params(
        ("id" = String, Path, description = "The simulation id."),
        ReportQuery,
    ),
    responses(
        (status = 200, description = "The report. The same result gives the same bytes.",
            content_type = "application/pdf", body = PdfDocument,
            headers(
                ("ETag" = String, description = "Validator of the report (absent when the analysis was unavailable and the report says so)."),
                ("Content-Disposition" = String, description = "`attachment` with a file name."),
            )),
        (status = 304, description = "The report matches `If-None-Match`."),
        (status = 400, description = "A query string that cannot be read (a parameter given twice).", body = Body),
        (status = 422, description = "`paper` is not `a4` or `letter`.", body = Body),
        (status = 504, description = "The render passed `report.timeout_ms`.", body = Body),
    )
)]
pub async fn get_report_pdf(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ReportQuery>,
    found: Result<Found, AppError>,
) -> Result<HttpResponse, AppError> {
    // A bad paper is refused before the simulation is looked up.
    let paper = query.paper()?;
    let Found(simulation) = found?;
    // Only a complete report carries this validator, so a match needs no render.
    let tag = format!("\"{}-{}-pdf\"", simulation.result.hash, paper.as_str());
    if etag::matches(req.headers(), &tag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, REPORT_CACHE_CONTROL))
            .finish());
    }
    let permalink = permalink(&req, &simulation.id);
    let file = state
        .simulations
        .report(simulation, paper, permalink)
        .await?;
    Ok(respond(file, &tag))
}

/// The PDF as an attachment; with a validator when it is complete, never stored otherwise.
pub(crate) fn respond(file: ReportFile, tag: &str) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    if file.complete {
        response
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, REPORT_CACHE_CONTROL));
    } else {
        response.insert_header((header::CACHE_CONTROL, "no-store"));
    }
    response
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", file.filename),
        ))
        .content_type("application/pdf")
        .body(file.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ErrorCode;

    #[test]
    fn paper_is_a4_unless_letter_is_asked_for() {
        let q = |p: Option<&str>| ReportQuery {
            paper: p.map(str::to_string),
        };
        assert_eq!(q(None).paper().unwrap(), Paper::A4);
        assert_eq!(q(Some("LETTER")).paper().unwrap(), Paper::Letter);
        let refused = q(Some("a3")).paper().unwrap_err();
        assert_eq!(refused.code(), ErrorCode::ValidationFailed);
        assert_eq!(refused.fields()[0].path, "paper");
    }
}
