//! The simulation engine: a plan in, an [`Outcome`] out. A library with no I/O, no async and
//! no web types; the HTTP layer, the CLI and the benches are thin adapters around [`simulate`].
//!
//! Protocol of a run (see `docs/methodology.md` for the finance):
//! 1. The plan is resolved into a [`schedule::Schedule`]: per-year inflows, weights and factors
//!    shared by every path.
//! 2. Paths are cut into fixed-size batches of [`BATCH`]. rayon runs the batches; batch `b`
//!    draws only from streams seeded by (seed, `b`), so the answer is bit-identical on any
//!    number of threads. The deadline is checked before each batch.
//! 3. Each batch writes its columns of two year × path matrices (real balance and spending;
//!    ndarray [`Matrix`]es, row-major, so a batch's part of a year is one contiguous slice).
//! 4. Percentiles are selected in place, one year (row) per task.

pub mod batch;
pub mod bucket_select;
pub mod compare;
pub mod history;
pub mod household;
pub mod life_table;
pub mod lives;
pub mod market;
pub mod math;
pub mod outcome;
mod paths;
mod per_lane;
pub mod percentile;
pub mod plan;
pub mod recycle;
pub mod rng;
pub mod schedule;
pub mod simd;
pub mod social_security;
pub mod strategy;
pub mod tails;
pub mod tax;
mod year;

use std::time::Instant;

use ndarray::Axis;
use rayon::prelude::*;

use batch::{BatchOut, NEVER, Schedule, TaxOut, run_batch, run_taxed_batch};
use compare::PathResults;
use history::{Bootstrap, Historical};
use market::{Lognormal, ReturnModel};
pub use outcome::Outcome;
use outcome::{HistoricalPeriods, Paths, TaxOutcome};
use plan::{MarketModel, Strategy};
pub use plan::{Plan, PlanDefaults, PlanInput};
pub use recycle::{Matrix, MatrixView};
pub use simd::SimdLevel;
use strategy::{StrategyFn, Withdraw, with_strategy};
use tax::scratch::TAX_ROWS;

/// Changes whenever the same plan and seed could give different numbers. Part of every
/// result and of every cache key.
///
/// 1.1.0: VPW's last share is exactly 1 and its default rate and horizon follow the
/// Bogleheads table; guardrails follow Guyton and Klinger (2006) as published.
/// 1.2.0: the scalar draws come from `rand_distr` and `rand`. Fat-tail plans get new numbers
/// (each path-year's χ² is `rand_distr`'s); a bootstrap start year is `rand`'s unbiased
/// `Uniform`, the same year as before but for rare draws; every other plan keeps its numbers
/// exactly.
pub const ENGINE_VERSION: &str = "1.2.0";

/// Paths simulated together. A multiple of the RNG's lane count; the state of a batch
/// (about 40 KB) stays in the L1 and L2 caches.
pub const BATCH: usize = 256;

#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Give up, between batches, once this instant has passed.
    pub deadline: Option<Instant>,
    /// Force a SIMD level (tests and benches); `None` picks the best the CPU has.
    pub simd: Option<SimdLevel>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("the simulation did not finish before its deadline")]
    Timeout,
    #[error("this CPU does not support the {} SIMD level", .0.name())]
    UnsupportedSimd(SimdLevel),
}

/// Simulates a normalized plan.
///
/// ```
/// use glidepath::engine::{self, PlanDefaults, RunOptions, plan::{Limits, parse_plan_json}};
/// let input = parse_plan_json(r#"{"current_age": 65, "end_age": 95,
///     "portfolio": {"balance": 1000000}, "spending": {"annual": 40000}}"#).unwrap();
/// let plan = input.normalize(&PlanDefaults::default(), Limits { max_scenarios: 1000, this_year: Some(2026) }).unwrap();
/// let outcome = engine::simulate(&plan, &RunOptions::default()).unwrap();
/// assert!((0.0..=1.0).contains(&outcome.success_probability));
/// assert_eq!(outcome.ages.len(), 30);
/// ```
pub fn simulate(plan: &Plan, options: &RunOptions) -> Result<Outcome, EngineError> {
    run_plan(plan, options, false, false).map(|(outcome, _)| outcome)
}

/// [`simulate`], keeping what each path came to (for [`compare`]). `valued_periods`: a
/// historical run keeps only the start years with a CAPE every year, as the CAPE rule does.
pub fn simulate_paths(
    plan: &Plan,
    options: &RunOptions,
    valued_periods: bool,
) -> Result<(Outcome, PathResults), EngineError> {
    run_plan(plan, options, valued_periods, true)
}

fn run_plan(
    plan: &Plan,
    options: &RunOptions,
    valued_periods: bool,
    keep_paths: bool,
) -> Result<(Outcome, PathResults), EngineError> {
    let started = Instant::now();
    let level = options.simd.unwrap_or_else(SimdLevel::detect);
    if !level.is_supported() {
        return Err(EngineError::UnsupportedSimd(level));
    }
    let schedule = Schedule::new(plan);
    let run = Run {
        plan,
        schedule: &schedule,
        level,
        deadline: options.deadline,
        started,
        keep_paths,
    };
    match plan.market.model {
        MarketModel::Lognormal => {
            let model = Lognormal::new(&plan.market, schedule.uses_cash());
            with_strategy(plan, WithModel { run, model: &model })
        }
        MarketModel::Historical => {
            let wrap_around = plan.market.wrap_around.unwrap_or(false);
            // The CAPE-based strategy runs only the periods with a CAPE every year.
            let cape = matches!(plan.spending.strategy, Strategy::Cape { .. });
            let model = if cape || valued_periods {
                Historical::valued(plan.years())
            } else {
                Historical::new(plan.years(), wrap_around)
            };
            with_strategy(plan, WithModel { run, model: &model })
        }
        MarketModel::Bootstrap => {
            let model = Bootstrap::new(plan.market.block_years.unwrap_or(1));
            with_strategy(plan, WithModel { run, model: &model })
        }
    }
}

/// One simulation's settings, handed through the strategy and model dispatch.
struct Run<'a> {
    plan: &'a Plan,
    schedule: &'a Schedule,
    level: SimdLevel,
    deadline: Option<Instant>,
    started: Instant,
    /// Keep each path's verdict, legacy and lifetime tax ([`PathResults`]).
    keep_paths: bool,
}

struct WithModel<'a, M> {
    run: Run<'a>,
    model: &'a M,
}

type Ran = Result<(Outcome, PathResults), EngineError>;

impl<M: ReturnModel> StrategyFn<Ran> for WithModel<'_, M> {
    fn call<S: Withdraw>(self, strategy: S) -> Ran {
        run(self.run, strategy, self.model)
    }
}

fn run<M: ReturnModel, S: Withdraw>(run: Run<'_>, strategy: S, model: &M) -> Ran {
    let Run {
        plan,
        schedule,
        level,
        deadline,
        started,
        keep_paths,
    } = run;
    let seed = plan.simulation.seed;
    let n = model.paths(plan.simulation.scenarios as usize);
    let years = schedule.years.len();
    let mut balance = recycle::matrix(years, n);
    let mut spending = recycle::matrix(years, n);
    let mut shortfall_years = vec![0u16; n];
    let mut ran_out_year = vec![NEVER; n];
    let mut floor_year = vec![NEVER; n];
    // Only drawn lifetimes differ in length by path; fixed ones keep their memory budget.
    let drawn = schedule.lives.is_some();
    let mut plan_years = if drawn { vec![0u16; n] } else { Vec::new() };
    let taxed = schedule.taxes.is_some();
    let mut tax_rows: [Matrix; TAX_ROWS] = std::array::from_fn(|_| {
        if taxed {
            recycle::matrix(years, n)
        } else {
            Matrix::zeros((0, 0))
        }
    });
    let mut lifetime_tax = if taxed { vec![0.0; n] } else { Vec::new() };

    // Each batch gets its columns of every matrix: `BATCH` paths of every year.
    fn columns(m: &mut Matrix) -> ndarray::iter::AxisChunksIterMut<'_, f64, ndarray::Ix2> {
        m.axis_chunks_iter_mut(Axis(1), BATCH)
    }
    let mut tax_columns = tax_rows.each_mut().map(columns);
    let mut outs: Vec<BatchOut<'_>> = columns(&mut balance)
        .zip(columns(&mut spending))
        .zip(shortfall_years.chunks_mut(BATCH))
        .zip(ran_out_year.chunks_mut(BATCH))
        .zip(floor_year.chunks_mut(BATCH))
        .map(
            |((((balance, spending), shortfall_years), ran_out_year), floor_year)| BatchOut {
                balance,
                spending,
                shortfall_years,
                ran_out_year,
                floor_year,
                plan_years: None,
                taxes: None,
            },
        )
        .collect();
    for (out, chunk) in outs.iter_mut().zip(plan_years.chunks_mut(BATCH)) {
        out.plan_years = Some(chunk);
    }
    for (out, chunk) in outs.iter_mut().zip(lifetime_tax.chunks_mut(BATCH)) {
        out.taxes = Some(Box::new(TaxOut {
            rows: tax_columns
                .each_mut()
                .map(|rows| rows.next().expect("a taxed plan's rows have every batch")),
            lifetime_tax: chunk,
        }));
    }
    let past_deadline = || deadline.is_some_and(|d| Instant::now() >= d);
    outs.into_par_iter()
        .enumerate()
        .try_for_each(|(index, out)| {
            if past_deadline() {
                return Err(EngineError::Timeout);
            }
            let batch = if taxed { run_taxed_batch } else { run_batch };
            batch(
                level,
                level,
                schedule,
                strategy,
                model,
                seed,
                index as u64,
                out,
            );
            Ok(())
        })?;

    // Only within a caller's span (a simulation's, not each of an analysis's many runs).
    let parent = tracing::Span::current();
    let _statistics = (!parent.is_none())
        .then(|| tracing::info_span!(parent: &parent, "statistics", paths = n, years).entered());
    let historical = model.start_years().map(|years| {
        HistoricalPeriods::new(
            &years,
            plan.current_age,
            balance.view(),
            &ran_out_year,
            &floor_year,
        )
    });
    // Read before the percentiles reorder the rows.
    let lifetimes = schedule
        .lives
        .as_ref()
        .map(|lives| lives::summarize(plan, lives, balance.view(), &plan_years, &ran_out_year));
    let paths = if keep_paths {
        let retired_from = plan.retirement_age.saturating_sub(plan.current_age) as usize;
        paths::path_results(
            (balance.view(), spending.view()),
            retired_from,
            (&ran_out_year, &floor_year),
            taxed.then_some(lifetime_tax.as_slice()),
        )
    } else {
        PathResults::default()
    };
    let mut outcome = Paths {
        current_age: plan.current_age,
        retirement_age: plan.retirement_age,
        has_floor: plan.spending.strategy.has_floor(),
        has_gaps: lifetimes.is_some(),
        balance,
        spending,
        shortfall_years,
        ran_out_year,
        floor_year,
    }
    .summarize(seed, started);
    outcome.historical = historical;
    if taxed {
        outcome.taxes = Some(TaxOutcome::new(
            &mut tax_rows,
            &mut lifetime_tax,
            lifetimes.is_some(),
        ));
        for matrix in tax_rows {
            recycle::give_matrix(matrix);
        }
    }
    outcome.household = schedule.household.outcome(plan, years);
    if let (Some(household), Some(mut lifetimes)) = (outcome.household.as_mut(), lifetimes) {
        // The run ends with the last death on any path: later years have no one to show.
        let lived = lifetimes
            .alive_share
            .iter()
            .rposition(|&share| share > 0.0)
            .map_or(1, |t| t + 1);
        outcome.years = lived as u32;
        outcome.ages.truncate(lived);
        outcome.balance_percentiles.truncate(lived);
        outcome.spending_percentiles.truncate(lived);
        lifetimes.alive_share.truncate(lived);
        if let Some(taxes) = outcome.taxes.as_mut() {
            taxes.truncate(lived);
        }
        for series in [
            &mut household.planned_spending,
            &mut household.social_security_yearly,
        ] {
            series.truncate(lived);
        }
        if let Some(ages) = household.partner_ages.as_mut() {
            ages.truncate(lived);
        }
        // What is left at the last death is the terminal wealth of a drawn lifetime.
        let legacy = lifetimes.legacy;
        outcome.terminal_wealth = outcome::TerminalWealth {
            mean: legacy.mean,
            p5: legacy.p5,
            p50: legacy.p50,
            p95: legacy.p95,
        };
        household.lifetimes = Some(lifetimes);
    }
    if past_deadline() {
        return Err(EngineError::Timeout);
    }
    Ok((outcome, paths))
}
