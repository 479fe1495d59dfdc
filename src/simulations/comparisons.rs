//! Comparisons as a service: 2 to 4 plans in, run on the same random numbers
//! ([`engine::compare`]), one stored document with a permalink (`/c/{id}`) out.
//!
//! Plan A is normalized on its own. Every other plan runs on plan A's seed and number of
//! paths (it may repeat them, not change them), and must be comparable with plan A path by
//! path ([`engine::compare::check`]); each problem is a field error under `plans[k]`.

use std::fmt::Write as _;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use tracing::Instrument;
use utoipa::ToSchema;

use super::admission::AdmissionError;
use super::{Caller, SimulationError, Simulations, is_simulation_id, new_simulation_id};
use crate::engine::compare::{self, Difference, MAX_PLANS, MeanDifference};
use crate::engine::outcome::Bands;
use crate::engine::plan::{FieldError, Limits, PlanInput, parse_plan_json};
use crate::engine::{self, EngineError, Outcome, Plan, PlanDefaults, RunOptions};
use crate::storage::comparisons::{self as store, NewComparison};
use crate::storage::timestamp_now;

/// Where a comparison's page lives.
pub fn comparison_path(id: &str) -> String {
    format!("/c/{id}")
}

/// `POST /api/v1/comparisons`: the plans, plan A first.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComparisonRequest {
    /// 2 to 4 plans, each as for `POST /api/v1/simulations`. Plan A (the first) sets the
    /// seed and the number of paths for all; the others may leave them out. A plan without
    /// a `name` is called "Plan A", "Plan B" and so on.
    #[schema(value_type = Vec<PlanInput>, min_items = 2, max_items = 4)]
    pub plans: Vec<Box<RawValue>>,
}

/// One compared plan: its name, its normalized plan and its result.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ComparedPlan {
    pub name: String,
    #[schema(value_type = Object)]
    pub plan: serde_json::Value,
    pub result: Outcome,
}

/// A stored comparison, as the API serves it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ComparisonDoc {
    pub id: String,
    pub created_at: String,
    /// The comparison's page.
    pub url: String,
    pub engine_version: String,
    /// The seed every plan ran on.
    pub seed: u64,
    /// The paths every plan ran (for the `historical` model, the start years).
    pub scenarios: u32,
    /// Plan A first.
    pub plans: Vec<ComparedPlan>,
    /// Each later plan less plan A, path by path, with paired errors.
    pub differences: Vec<Difference>,
}

impl ComparisonDoc {
    /// The letter of plan `k`: A, B, C, D.
    pub fn letter(k: usize) -> char {
        char::from(b'A' + k as u8)
    }
}

/// The request's plans, normalized and checked, or every problem at once.
pub fn comparison_plans(
    text: &str,
    defaults: &PlanDefaults,
    limits: Limits,
) -> Result<Vec<Plan>, Vec<FieldError>> {
    let request: ComparisonRequest = {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|err| {
            let path = match err.path().to_string().as_str() {
                "." | "?" => "body".to_owned(),
                path => path.to_owned(),
            };
            vec![FieldError::new(path, err.into_inner().to_string())]
        })?
    };
    let count = request.plans.len();
    if !(2..=MAX_PLANS).contains(&count) {
        return Err(vec![FieldError::new(
            "plans",
            format!("a comparison has 2 to {MAX_PLANS} plans, not {count}"),
        )]);
    }
    let mut inputs = Vec::with_capacity(count);
    let mut errors = Vec::new();
    for (k, raw) in request.plans.iter().enumerate() {
        match parse_plan_json(raw.get()) {
            Ok(input) => inputs.push(input),
            Err(e) => errors.push(under(k, e)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    normalize_all(inputs, defaults, limits)
}

/// Normalizes plan A, then the others on its seed and paths, and checks each against it.
#[tracing::instrument(name = "validate", skip_all, fields(plans = inputs.len()))]
pub fn normalize_all(
    mut inputs: Vec<PlanInput>,
    defaults: &PlanDefaults,
    limits: Limits,
) -> Result<Vec<Plan>, Vec<FieldError>> {
    for (k, input) in inputs.iter_mut().enumerate() {
        input
            .name
            .get_or_insert_with(|| format!("Plan {}", ComparisonDoc::letter(k)));
    }
    let a = inputs[0]
        .normalize(defaults, limits)
        .map_err(|errors| errors.into_iter().map(|e| under(0, e)).collect::<Vec<_>>())?;
    let mut plans = vec![a];
    let mut errors = Vec::new();
    for (k, mut input) in inputs.into_iter().enumerate().skip(1) {
        let sim = &mut input.simulation;
        let (seed, scenarios) = (plans[0].simulation.seed, plans[0].simulation.scenarios);
        // A repeat of plan A's value is fine; another value is refused by `check`.
        sim.seed.get_or_insert(seed);
        sim.scenarios.get_or_insert(scenarios);
        match input.normalize(defaults, limits) {
            Ok(plan) => {
                errors.extend(
                    compare::check(&plans[0], &plan)
                        .into_iter()
                        .map(|(path, message)| under(k, FieldError::new(path, message))),
                );
                plans.push(plan);
            }
            Err(e) => errors.extend(e.into_iter().map(|e| under(k, e))),
        }
    }
    if errors.is_empty() {
        Ok(plans)
    } else {
        Err(errors)
    }
}

fn under(k: usize, error: FieldError) -> FieldError {
    let path = if error.path == "body" {
        format!("plans[{k}]")
    } else {
        format!("plans[{k}].{}", error.path)
    };
    FieldError::new(path, error.message)
}

impl Simulations {
    /// Runs the plans on the same random numbers and stores the comparison under a new id,
    /// with its audit entry, before answering.
    pub async fn compare(
        &self,
        plans: Vec<Plan>,
        caller: &Caller,
    ) -> Result<ComparisonDoc, SimulationError> {
        let (plans, comparison) = self.run_comparison(plans).await?;
        let id = new_simulation_id();
        let created_at = timestamp_now();
        let first = &comparison.outcomes[0];
        let doc = ComparisonDoc {
            url: comparison_path(&id),
            id: id.clone(),
            created_at: created_at.clone(),
            engine_version: first.engine_version.clone(),
            seed: first.seed,
            scenarios: first.scenarios,
            plans: plans
                .iter()
                .zip(comparison.outcomes)
                .map(|(plan, result)| ComparedPlan {
                    name: plan.name.clone(),
                    plan: serde_json::to_value(plan).expect("plans serialize"),
                    result,
                })
                .collect(),
            differences: comparison.differences,
        };
        let audit = self.created_audit(caller, "comparison.create", &id);
        store::insert(
            &self.db,
            &NewComparison {
                id,
                created_at,
                api_key_id: caller.api_key_id.clone(),
                request_id: caller.request_id.clone(),
                engine_version: doc.engine_version.clone(),
                document: serde_json::to_string(&doc).expect("comparisons serialize"),
                audit,
            },
        )
        .instrument(tracing::info_span!("store"))
        .await?;
        Ok(doc)
    }

    /// The comparison with this id, or `None`. One made with an API key exists only for
    /// that key (`viewer`).
    pub async fn find_comparison(
        &self,
        id: &str,
        viewer: Option<&str>,
    ) -> Result<Option<ComparisonDoc>, SimulationError> {
        if !is_simulation_id(id) {
            return Ok(None);
        }
        let Some(row) = store::find(&self.db, id).await? else {
            return Ok(None);
        };
        if row.api_key_id.is_some() && row.api_key_id.as_deref() != viewer {
            return Ok(None);
        }
        serde_json::from_str(&row.document)
            .map(Some)
            .map_err(|err| SimulationError::Internal(format!("stored comparison {id}: {err}")))
    }

    async fn run_comparison(
        &self,
        plans: Vec<Plan>,
    ) -> Result<(Vec<Plan>, compare::Comparison), SimulationError> {
        self.count_engine_run();
        let deadline = Instant::now() + self.timeout;
        let scenarios = plans[0].simulation.scenarios;
        let count = plans.len();
        let ran = self
            .admission
            .run(deadline, move || {
                let options = RunOptions {
                    deadline: Some(deadline),
                    simd: None,
                };
                engine::compare::compare(&plans, &options).map(|c| (plans, c))
            })
            .instrument(tracing::info_span!("compare", scenarios, plans = count))
            .await;
        match ran {
            Ok(Ok(done)) => Ok(done),
            Ok(Err(EngineError::Timeout)) | Err(AdmissionError::Timeout) => {
                Err(SimulationError::Timeout(self.timeout))
            }
            Err(AdmissionError::Overloaded) => Err(SimulationError::Overloaded),
            Ok(Err(err)) => Err(SimulationError::Internal(err.to_string())),
            Err(err @ AdmissionError::Panicked) => Err(SimulationError::Internal(err.to_string())),
        }
    }
}

impl ComparisonDoc {
    /// Each plan's yearly percentile bands, one row per plan and year, real dollars to the
    /// cent: `plan,name,year,age,balance_p5,…,balance_p95,spending_p5,…,spending_p95`.
    #[tracing::instrument(name = "render", skip_all, fields(format = "csv"))]
    pub fn percentiles_csv(&self) -> String {
        let names = ["p5", "p10", "p25", "p50", "p75", "p90", "p95"];
        let mut csv = String::from("plan,name,year,age");
        for prefix in ["balance", "spending"] {
            for name in names {
                let _ = write!(csv, ",{prefix}_{name}");
            }
        }
        csv.push_str("\r\n");
        for (k, compared) in self.plans.iter().enumerate() {
            let r = &compared.result;
            let balance = columns(&r.balance_percentiles);
            let spending = columns(&r.spending_percentiles);
            for (year, age) in r.ages.iter().enumerate() {
                let _ = write!(
                    csv,
                    "{},{},{},{age}",
                    Self::letter(k),
                    csv_text(&compared.name),
                    year + 1
                );
                for column in balance.iter().chain(&spending) {
                    let _ = write!(csv, ",{:.2}", column[year]);
                }
                csv.push_str("\r\n");
            }
        }
        csv
    }

    /// Each plan's odds and legacy, then each difference from plan A with its paired
    /// interval: `plan,name,measure,value,standard_error,interval_95_low,interval_95_high,
    /// unpaired_standard_error`. Shares are fractions, money today's dollars.
    #[tracing::instrument(name = "render", skip_all, fields(format = "csv"))]
    pub fn differences_csv(&self) -> String {
        let mut csv = String::from(
            "plan,name,measure,value,standard_error,interval_95_low,interval_95_high,unpaired_standard_error\r\n",
        );
        let mut row = |k: usize, measure: &str, cells: [Option<f64>; 5]| {
            let _ = write!(
                csv,
                "{},{},{measure}",
                Self::letter(k),
                csv_text(&self.plans[k].name)
            );
            for cell in cells {
                match cell {
                    Some(v) => {
                        let _ = write!(csv, ",{v:.6}");
                    }
                    None => csv.push(','),
                }
            }
            csv.push_str("\r\n");
        };
        for (k, compared) in self.plans.iter().enumerate() {
            let r = &compared.result;
            let [lo, hi] = r.success_interval_95;
            row(
                k,
                "success",
                [
                    Some(r.success_probability),
                    Some(r.success_standard_error),
                    Some(lo),
                    Some(hi),
                    None,
                ],
            );
            row(
                k,
                "legacy_mean",
                [Some(r.terminal_wealth.mean), None, None, None, None],
            );
        }
        for d in &self.differences {
            let k = d.plan as usize;
            let mut difference = |measure: &str, m: &MeanDifference| {
                row(
                    k,
                    measure,
                    [
                        Some(m.estimate),
                        Some(m.standard_error),
                        Some(m.interval_95[0]),
                        Some(m.interval_95[1]),
                        Some(m.unpaired_standard_error),
                    ],
                )
            };
            difference("success_difference", &d.success.mean);
            difference("money_lasts_difference", &d.money_lasts.mean);
            difference("legacy_mean_difference", &d.legacy);
            if let Some(tax) = &d.lifetime_tax {
                difference("lifetime_tax_mean_difference", tax);
            }
        }
        csv
    }
}

fn columns(b: &Bands) -> [&Vec<f64>; 7] {
    [&b.p5, &b.p10, &b.p25, &b.p50, &b.p75, &b.p90, &b.p95]
}

/// A CSV cell for free text: quoted when it holds a comma, a quote or a line break, and
/// never read by a spreadsheet as a formula (a leading `=`, `+`, `-` or `@` gets a `'`).
fn csv_text(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}
