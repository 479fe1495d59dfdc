//! Plan analyses as a service: cached like results (L1 + L2, single flight) and run as one
//! admission-controlled engine job, whose variants spread over the engine pool.

use std::sync::Arc;
use std::time::Instant;

use actix_web::web::Bytes;
use sha2::{Digest, Sha256};
use tracing::Instrument;

use super::cache::{CacheTier, Cacheable};
use super::{SimulationError, Simulations, admission::AdmissionError};
use crate::analysis::{Analysis, Analyzer, DEFAULT_TARGETS, stored_plan_input};
use crate::engine::{ENGINE_VERSION, EngineError, PlanInput, RunOptions};
use crate::telemetry::metrics as m;

/// An analysis as served: its JSON, computed once per (plan, seed, targets, engine).
pub struct AnalysisDoc {
    pub body: Bytes,
}

impl Cacheable for AnalysisDoc {
    const L2_PREFIX: &'static str = "v1:analysis:";

    fn body(&self) -> &Bytes {
        &self.body
    }

    fn weight(&self) -> u32 {
        u32::try_from(self.body.len() + 128).unwrap_or(u32::MAX)
    }

    fn from_l2(_hash: &str, body: Bytes) -> Result<Self, serde_json::Error> {
        // Refuse anything that is not an analysis rather than serve it.
        serde_json::from_slice::<Analysis>(&body)?;
        Ok(Self { body })
    }
}

impl Simulations {
    /// Analyzes a plan that has been validated (see [`Analyzer::new`]) for sorted, checked
    /// targets. The key covers the normalized plan with its seed, the targets and the engine.
    pub async fn analyze(
        &self,
        input: PlanInput,
        plan_json: &str,
        targets: Vec<f64>,
    ) -> Result<(Arc<AnalysisDoc>, CacheTier), SimulationError> {
        let hash = analysis_hash(plan_json, &targets);
        let result = self
            .analyses
            .get_or_insert_with(&hash, || self.run_analysis(input, targets))
            .await
            .map_err(super::unshare);
        let outcome = match &result {
            Ok((_, CacheTier::Miss)) => "completed",
            Ok(_) => "cached",
            Err(SimulationError::Overloaded) => "overloaded",
            Err(SimulationError::Timeout(_)) => "timeout",
            Err(_) => "failed",
        };
        metrics::counter!(m::ANALYSIS_REQUESTS_TOTAL, "outcome" => outcome).increment(1);
        result
    }

    async fn run_analysis(
        &self,
        input: PlanInput,
        targets: Vec<f64>,
    ) -> Result<AnalysisDoc, SimulationError> {
        self.count_engine_run();
        let deadline = Instant::now() + self.timeout;
        let (defaults, limits, timeout) = (self.defaults.clone(), self.limits, self.timeout);
        let job = move || {
            let options = RunOptions {
                deadline: Some(deadline),
                simd: None,
            };
            let analyzer = Analyzer::new(input, &defaults, limits, options)
                .map_err(|_| SimulationError::Internal("the plan was validated".into()))?;
            let analysis = analyzer.run(&targets).map_err(|err| match err {
                EngineError::Timeout => SimulationError::Timeout(timeout),
                other => SimulationError::Internal(other.to_string()),
            })?;
            let body = serde_json::to_vec(&analysis).expect("analyses serialize");
            Ok(AnalysisDoc { body: body.into() })
        };
        match self
            .admission
            .run(deadline, job)
            .instrument(tracing::info_span!("analyze"))
            .await
        {
            Ok(result) => result,
            Err(AdmissionError::Overloaded) => Err(SimulationError::Overloaded),
            Err(AdmissionError::Timeout) => Err(SimulationError::Timeout(self.timeout)),
            Err(err @ AdmissionError::Panicked) => Err(SimulationError::Internal(err.to_string())),
        }
    }
}

/// The cache key of an analysis: the normalized plan with its seed, the targets and the
/// engine.
fn analysis_hash(plan_json: &str, targets: &[f64]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"analysis\0");
    hasher.update(ENGINE_VERSION.as_bytes());
    hasher.update([0]);
    hasher.update(plan_json.as_bytes());
    for t in targets {
        hasher.update(t.to_le_bytes());
    }
    hex::encode(hasher.finalize())
}

/// A stored plan's analysis, as the result page and the report show it.
pub enum StoredAnalysis {
    Ready(Box<Analysis>),
    /// The engine was busy or slow; the page says so instead of failing.
    Unavailable,
    /// Being worked out: the page shows without it and fetches it when it is ready.
    Pending,
}

impl StoredAnalysis {
    pub fn into_ready(self) -> Option<Analysis> {
        match self {
            Self::Ready(analysis) => Some(*analysis),
            Self::Unavailable | Self::Pending => None,
        }
    }
}

impl Simulations {
    /// The analysis of a stored plan at the default targets, or `None` when the plan no
    /// longer validates under this environment's limits. The default floor and VPW's
    /// allocation-derived return are dropped first, so the variants re-derive them.
    pub async fn stored_analysis(&self, plan_json: &str) -> Option<StoredAnalysis> {
        let input = stored_plan_input(plan_json, &self.defaults)?;
        let outcome = self
            .analyze(input, plan_json, DEFAULT_TARGETS.to_vec())
            .await;
        Some(match outcome {
            Ok((doc, _)) => match serde_json::from_slice(&doc.body) {
                Ok(analysis) => StoredAnalysis::Ready(Box::new(analysis)),
                Err(err) => {
                    tracing::error!(error = %err, "a cached analysis does not parse");
                    StoredAnalysis::Unavailable
                }
            },
            Err(err) => {
                tracing::warn!(error = %err, "a stored plan is shown without its analysis");
                StoredAnalysis::Unavailable
            }
        })
    }
}

impl Simulations {
    /// The stored plan's analysis at the default targets if a cache holds it (L1, then L2),
    /// without computing it.
    pub async fn cached_analysis(&self, plan_json: &str) -> Option<StoredAnalysis> {
        let hash = analysis_hash(plan_json, &DEFAULT_TARGETS);
        let doc = self.analyses.get(&hash).await?;
        serde_json::from_slice(&doc.body)
            .ok()
            .map(|analysis| StoredAnalysis::Ready(Box::new(analysis)))
    }
}
