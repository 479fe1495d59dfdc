//! The PDF report over HTTP: `GET /s/{id}/report.pdf` and
//! `GET /api/v1/simulations/{id}/report.pdf`, `?paper=a4|letter` (A4 when absent).
//!
//! The simulation is found as for the page (private results stay private), with its analysis
//! from the analysis cache. Rendering runs on the blocking pool, never on an async worker,
//! under `report.timeout_ms`. A rendered PDF is kept in process by (result hash, simulation,
//! paper): the permalink in its footer names the simulation. A report made while the analysis
//! was unavailable says so and is neither cached nor given a validator.

use std::time::Duration;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use moka::future::Cache;

use super::pages;
use crate::config::Settings;
use crate::engine::Plan;
use crate::engine::plan::FieldError;
use crate::http::api;
use crate::http::errors::{AppError, ErrorCode};
use crate::report::pdf::{self, Paper, Report};
use crate::state::AppState;
use crate::telemetry::metrics as m;

/// Rendered PDFs, weighted by their bytes.
pub struct Reports {
    cache: Cache<String, ReportFile>,
    timeout: Duration,
}

/// A rendered report and the name it is downloaded under.
#[derive(Clone)]
struct ReportFile {
    bytes: Bytes,
    filename: String,
}

/// Reports change only with the result, paper and analysis: a client may keep one an hour.
const CACHE_CONTROL: &str = "private, max-age=3600";

impl Reports {
    pub fn new(settings: &Settings) -> Self {
        let bytes = settings.report.cache_mb.saturating_mul(1024 * 1024);
        Self {
            cache: Cache::builder()
                .max_capacity(bytes)
                .weigher(|key: &String, file: &ReportFile| {
                    u32::try_from(key.len() + file.filename.len() + file.bytes.len())
                        .unwrap_or(u32::MAX)
                })
                .time_to_live(Duration::from_secs(settings.cache.ttl_seconds))
                .build(),
            timeout: Duration::from_millis(settings.report.timeout_ms),
        }
    }
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Paper size: `a4` (the default) or `letter`.
    #[param(value_type = Option<Paper>)]
    paper: Option<String>,
}

impl ReportQuery {
    fn paper(&self) -> Result<Paper, AppError> {
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

/// `GET /s/{id}/report.pdf`.
pub async fn page_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    serve(&state, &req, &id, &query).await
}

/// The report of simulation `id` as a response (also behind the API's route).
pub async fn serve(
    state: &AppState,
    req: &HttpRequest,
    id: &str,
    query: &ReportQuery,
) -> Result<HttpResponse, AppError> {
    let paper = query.paper()?;
    let simulation = api::find(state, req, id).await?;
    let key = format!(
        "{}:{}:{}",
        simulation.result.hash,
        simulation.id,
        paper.as_str()
    );
    // Only a complete report carries this validator, so a match needs no render.
    let tag = format!("\"{}-{}-pdf\"", simulation.result.hash, paper.as_str());
    if api::matches_etag(req.headers(), &tag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
            .finish());
    }
    if let Some(file) = state.reports.cache.get(&key).await {
        count("cached");
        return Ok(respond(file, Some(&tag)));
    }
    let analysis = match pages::analysis_of(state, &simulation.result.plan_json).await {
        Some(super::result::PageAnalysis::Ready(analysis)) => Some(analysis),
        _ => None,
    };
    let permalink = pages::permalink(req, &simulation.id);
    let complete = analysis.is_some();
    let job = web::block(move || -> anyhow::Result<ReportFile> {
        let plan = Plan::from_stored(&simulation.result.plan_json)?;
        let outcome = simulation.result.outcome()?;
        let report = Report {
            plan: &plan,
            outcome: &outcome,
            analysis: analysis.as_ref(),
            id: &simulation.id,
            created_at: &simulation.created_at,
            permalink: &permalink,
        };
        Ok(ReportFile {
            bytes: pdf::render(&report, paper).into(),
            filename: filename(&plan.name, &simulation.id, paper),
        })
    });
    let file = match tokio::time::timeout(state.reports.timeout, job).await {
        Ok(Ok(Ok(file))) => file,
        Ok(Ok(Err(err))) => {
            count("failed");
            return Err(AppError::internal(err));
        }
        Ok(Err(err)) => {
            count("failed");
            return Err(AppError::internal(anyhow::anyhow!("report render: {err}")));
        }
        Err(_) => {
            count("timeout");
            return Err(AppError::new(
                ErrorCode::Timeout,
                format!(
                    "the report took longer than {} s; try again",
                    state.reports.timeout.as_secs_f64()
                ),
            ));
        }
    };
    count("rendered");
    if complete {
        state.reports.cache.insert(key, file.clone()).await;
    }
    Ok(respond(file, complete.then_some(&*tag)))
}

fn count(outcome: &'static str) {
    metrics::counter!(m::PDF_REPORTS_TOTAL, "outcome" => outcome).increment(1);
}

/// The PDF as an attachment; with a validator when it is complete, never stored otherwise.
fn respond(file: ReportFile, tag: Option<&str>) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    match tag {
        Some(tag) => response
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, CACHE_CONTROL)),
        None => response.insert_header((header::CACHE_CONTROL, "no-store")),
    };
    response
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", file.filename),
        ))
        .content_type("application/pdf")
        .body(file.bytes)
}

/// `glidepath-our-plan-0123abcd-a4.pdf`: the plan's name in ASCII, a short id, the paper.
fn filename(name: &str, id: &str, paper: Paper) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(40).collect();
    let short = id.get(..8).unwrap_or(id);
    if slug.is_empty() {
        format!("glidepath-{short}-{}.pdf", paper.as_str())
    } else {
        format!("glidepath-{slug}-{short}-{}.pdf", paper.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_are_ascii_and_name_the_plan() {
        assert_eq!(
            filename("Our <plan> für 2040!", "0123456789abcdef", Paper::Letter),
            "glidepath-our-plan-f-r-2040-01234567-letter.pdf"
        );
        assert_eq!(
            filename("", "0123456789abcdef", Paper::A4),
            "glidepath-01234567-a4.pdf"
        );
    }

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
