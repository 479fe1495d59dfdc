//! PDF reports as a service: the report of a stored simulation, rendered on the blocking
//! pool under `report.timeout_ms`, never on an async worker.
//!
//! A rendered PDF is kept in process by (result hash, simulation, paper): the permalink in
//! its footer names the simulation. A report made while the analysis was unavailable says
//! so and is not kept.

use std::time::Duration;

use actix_web::web::Bytes;
use moka::future::Cache;

use super::comparisons::ComparisonDoc;
use super::{Simulation, SimulationError, Simulations, StoredAnalysis};
use crate::config::Settings;
use crate::engine::Plan;
use crate::report::pdf::{self, Paper, Report};
use crate::telemetry::metrics as m;

/// Rendered PDFs, weighted by their bytes.
pub(super) struct Reports {
    cache: Cache<String, ReportFile>,
    timeout: Duration,
}

/// A rendered report and the name it is downloaded under.
#[derive(Clone)]
pub struct ReportFile {
    pub bytes: Bytes,
    pub filename: String,
    /// `false` when the analysis was unavailable and the report says so: such a report is
    /// neither cached nor given a validator.
    pub complete: bool,
}

impl Reports {
    pub(super) fn new(settings: &Settings) -> Self {
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

impl Simulations {
    /// The report of `simulation` on `paper`, whose footer links to `permalink`.
    pub async fn report(
        &self,
        simulation: Simulation,
        paper: Paper,
        permalink: String,
    ) -> Result<ReportFile, SimulationError> {
        let key = format!(
            "{}:{}:{}",
            simulation.result.hash,
            simulation.id,
            paper.as_str()
        );
        if let Some(file) = self.reports.cache.get(&key).await {
            count("cached");
            return Ok(file);
        }
        let analysis = self
            .stored_analysis(&simulation.result.plan_json)
            .await
            .and_then(StoredAnalysis::into_ready);
        let complete = analysis.is_some();
        let span = render_span();
        let job = tokio::task::spawn_blocking(move || -> anyhow::Result<ReportFile> {
            let _render = span.entered();
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
                complete,
            })
        });
        let file = self.finish_render(job).await?;
        count("rendered");
        if complete {
            self.reports.cache.insert(key, file.clone()).await;
        }
        Ok(file)
    }

    /// The PDF of a stored comparison on `paper`, whose footer links to `permalink`.
    pub async fn comparison_report(
        &self,
        doc: ComparisonDoc,
        paper: Paper,
        permalink: String,
    ) -> Result<ReportFile, SimulationError> {
        let span = render_span();
        let job = tokio::task::spawn_blocking(move || -> anyhow::Result<ReportFile> {
            let _render = span.entered();
            let bytes = pdf::render_comparison(&doc, &permalink, paper)?;
            Ok(ReportFile {
                bytes: bytes.into(),
                filename: filename("comparison", &doc.id, paper),
                complete: true,
            })
        });
        let file = self.finish_render(job).await?;
        count("rendered");
        Ok(file)
    }

    /// Waits for a render on the blocking pool, up to `report.timeout_ms`.
    async fn finish_render(
        &self,
        job: tokio::task::JoinHandle<anyhow::Result<ReportFile>>,
    ) -> Result<ReportFile, SimulationError> {
        let timeout = self.reports.timeout;
        match tokio::time::timeout(timeout, job).await {
            Ok(Ok(Ok(file))) => Ok(file),
            Ok(Ok(Err(err))) => {
                count("failed");
                Err(SimulationError::Internal(format!("report render: {err:#}")))
            }
            Ok(Err(err)) => {
                count("failed");
                Err(SimulationError::Internal(format!("report render: {err}")))
            }
            Err(_) => {
                count("timeout");
                Err(SimulationError::ReportTimeout(timeout))
            }
        }
    }
}

fn count(outcome: &'static str) {
    metrics::counter!(m::PDF_REPORTS_TOTAL, "outcome" => outcome).increment(1);
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

/// The span of a PDF's render on the blocking pool, a child of the caller's.
fn render_span() -> tracing::Span {
    tracing::info_span!("render", format = "pdf")
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
}
