//! The kernel: `BATCH` paths simulated together, year by year, in structure-of-arrays form.
//!
//! A year for every lane: the return model fills the batch's market year, then one loop over
//! the lanes applies the inflows, the withdrawal, the growth and inflation, and records the
//! real balance and spending (`year::year_step`; a plan with accounts runs `tax::step`'s
//! taxed year instead, in its own compiled kernel). The state lives in fixed-size arrays on
//! the stack: nothing is allocated per path. The kernel is compiled once per SIMD level (see
//! `simd`).

use ndarray::{ArrayViewMut2, Axis};

use super::BATCH;
use super::lives::{LaneFlows, LaneLives};
use super::market::{MarketYear, ReturnModel, YearSource};
use super::per_lane::PerLane;
pub use super::schedule::Schedule;
use super::simd::{SimdLevel, dispatch};
use super::strategy::{History, Withdraw};
use super::tax::kernel::{FILL_BRACKET, PROPORTIONAL, TAXABLE_FIRST, TaxLanes, order_code};
use super::tax::scratch::{TAX_ROWS, TaxRows, TaxScratch};
use super::tax::step::taxed_year_step;
use super::year::{Lanes, Records, Shared, Step, year_step};

pub use super::outcome::NEVER;

/// Where one batch writes: its columns of the year × path matrices (each row of a view is
/// contiguous), and its per-path results.
pub struct BatchOut<'a> {
    pub balance: ArrayViewMut2<'a, f64>,
    pub spending: ArrayViewMut2<'a, f64>,
    pub shortfall_years: &'a mut [u16],
    /// First year the balance could not fund the withdrawal.
    pub ran_out_year: &'a mut [u16],
    /// First retirement year whose real spending fell below the strategy's floor.
    pub floor_year: &'a mut [u16],
    /// Drawn lifetimes: the years each path's household lived through.
    pub plan_years: Option<&'a mut [u16]>,
    /// A plan with accounts: the year rows of [`TaxRows`] and each path's lifetime tax.
    /// Boxed: a plan without accounts keeps its memory budget.
    pub taxes: Option<Box<TaxOut<'a>>>,
}

/// Where a batch of a plan with accounts writes its tax records.
pub struct TaxOut<'a> {
    /// One matrix per row of [`TaxRows`] (`tax::step`): the batch's columns of it.
    pub rows: [ArrayViewMut2<'a, f64>; TAX_ROWS],
    pub lifetime_tax: &'a mut [f64],
}

// A batch of a plan without accounts compiles the taxed year out; one with accounts
// (`schedule.taxes`) runs it.
// (`simd` is the level again, for the taxed year's solves: see `tax::step`.)
dispatch!(pub fn run_batch<M: ReturnModel, S: Withdraw>(simd: SimdLevel, schedule: &Schedule, strategy: S, model: &M, seed: u64, batch: u64, out: BatchOut<'_>) -> () => simulate::<M, S, false>);
dispatch!(pub fn run_taxed_batch<M: ReturnModel, S: Withdraw>(simd: SimdLevel, schedule: &Schedule, strategy: S, model: &M, seed: u64, batch: u64, out: BatchOut<'_>) -> () => simulate::<M, S, true>);

#[inline(always)]
fn simulate<M: ReturnModel, S: Withdraw, const TAXED: bool>(
    simd: SimdLevel,
    schedule: &Schedule,
    strategy: S,
    model: &M,
    seed: u64,
    batch: u64,
    mut out: BatchOut<'_>,
) {
    let len = out.shortfall_years.len();
    let mut source = model.source(seed, batch);
    let mut market = MarketYear::default();
    let mut lanes = Lanes {
        balance: PerLane::splat(schedule.initial_balance),
        price: PerLane::splat(1.0),
        shortfall_years: PerLane::splat(0.0),
        ran_out_year: PerLane::splat(f64::INFINITY),
        floor_year: PerLane::splat(f64::INFINITY),
        history: History::default(),
    };
    let drawn = schedule
        .lives
        .as_ref()
        .map(|lives| (lives, LaneLives::draw(lives, seed, batch)));
    let mut flows = LaneFlows::default();
    let mut accounts = schedule.taxes.as_ref().filter(|_| TAXED).map(TaxLanes::new);
    // Only a plan with accounts has the taxed year's working arrays and a staging buffer for
    // its tax rows: a plan without them pays nothing for them.
    let mut tax_work: Option<Box<(TaxScratch, [PerLane; TAX_ROWS])>> = accounts
        .is_some()
        .then(|| Box::new((TaxScratch::default(), [PerLane::splat(0.0); TAX_ROWS])));
    // A full batch records straight into its matrix columns; the last, partial one stages.
    let mut staged_balance = PerLane::splat(0.0);
    let mut staged_spending = PerLane::splat(0.0);
    for (t, year) in schedule.years.iter().enumerate() {
        source.fill_year(t, &mut market);
        let records: Records<'_> = match (
            <&mut [f64; BATCH]>::try_from(year_row(&mut out.balance, t)),
            <&mut [f64; BATCH]>::try_from(year_row(&mut out.spending, t)),
        ) {
            (Ok(balance), Ok(spending)) => (balance, spending),
            _ => (&mut staged_balance, &mut staged_spending),
        };
        let step = Step {
            strategy: &strategy,
            market: &market,
            year,
            t: t as f64,
            schedule,
        };
        if let Some((lives, lane_lives)) = &drawn {
            lane_lives.flows(&lives.years[t], t as f64, &mut flows);
        }
        let taxed = schedule.taxes.as_ref().zip(accounts.as_mut());
        match (&drawn, year.retired) {
            (_, retired)
                if TAXED
                    && let (Some((taxes, accounts)), Some((scratch, staged))) =
                        (taxed, tax_work.as_deref_mut()) =>
            {
                // A full batch writes its tax rows straight into its matrix columns too.
                let rows: TaxRows<'_> = match out.taxes.as_deref_mut() {
                    Some(out) if len == BATCH => out.rows.each_mut().map(|matrix| {
                        <&mut [f64; BATCH]>::try_from(year_row(matrix, t))
                            .expect("a full batch's row is a batch long")
                    }),
                    _ => staged.each_mut().map(|row| &mut **row),
                };
                // Fixed lifetimes put every lane in the year's state: one taxed kernel per
                // (retired, order), with no branch on either inside the lanes' loops.
                if drawn.is_none() {
                    flows.fixed(year, taxes.years[t].fixed as usize as f64);
                }
                macro_rules! taxed {
                    ($retired:literal, $order:path) => {
                        taxed_year_step::<S, $retired, { $order }>(
                            &mut lanes, accounts, records, step, &flows, taxes, scratch, rows, simd,
                        )
                    };
                }
                match (retired, order_code(taxes.order)) {
                    (true, TAXABLE_FIRST) => taxed!(true, TAXABLE_FIRST),
                    (true, PROPORTIONAL) => taxed!(true, PROPORTIONAL),
                    (true, _) => taxed!(true, FILL_BRACKET),
                    (false, TAXABLE_FIRST) => taxed!(false, TAXABLE_FIRST),
                    (false, PROPORTIONAL) => taxed!(false, PROPORTIONAL),
                    (false, _) => taxed!(false, FILL_BRACKET),
                }
                if let Some(out) = out.taxes.as_mut()
                    && len < BATCH
                {
                    for (matrix, row) in out.rows.iter_mut().zip(staged.iter()) {
                        year_row(matrix, t).copy_from_slice(&row[..len]);
                    }
                }
            }
            (None, true) => year_step::<S, _, true>(&mut lanes, records, step, &Shared(year)),
            (None, false) => year_step::<S, _, false>(&mut lanes, records, step, &Shared(year)),
            (Some(_), true) => year_step::<S, _, true>(&mut lanes, records, step, &flows),
            (Some(_), false) => year_step::<S, _, false>(&mut lanes, records, step, &flows),
        }
        if len < BATCH {
            year_row(&mut out.balance, t).copy_from_slice(&staged_balance[..len]);
            year_row(&mut out.spending, t).copy_from_slice(&staged_spending[..len]);
        }
    }
    for (slots, years) in [
        (&mut *out.ran_out_year, &lanes.ran_out_year),
        (&mut *out.floor_year, &lanes.floor_year),
    ] {
        for (slot, &year) in slots.iter_mut().zip(years) {
            *slot = if year.is_finite() { year as u16 } else { NEVER };
        }
    }
    for (slot, &years) in out.shortfall_years.iter_mut().zip(&lanes.shortfall_years) {
        *slot = years as u16;
    }
    if let (Some(out), Some(accounts)) = (out.taxes, &accounts) {
        out.lifetime_tax
            .copy_from_slice(&accounts.lifetime_tax[..len]);
    }
    if let (Some(slots), Some((_, lane_lives))) = (out.plan_years, &drawn) {
        for (i, slot) in slots.iter_mut().enumerate() {
            *slot = lane_lives.plan_years(i).min(schedule.years.len() as f64) as u16;
        }
    }
}

dispatch!(fn floor_batch(years: usize, shocks: usize, seed: u64, batch: u64) -> f64 => floor_batch_generic);

/// Only the normal draws of a batch: the floor any Monte Carlo engine with this generator pays.
#[inline(always)]
fn floor_batch_generic(years: usize, shocks: usize, seed: u64, batch: u64) -> f64 {
    use super::market::fill_normals;
    use super::rng::{LaneRng, Stream};
    let streams = [
        Stream::Stocks,
        Stream::Bonds,
        Stream::Inflation,
        Stream::Cash,
    ];
    let mut rngs = streams.map(|s| LaneRng::new(seed, batch, s));
    let mut z = [0.0; BATCH];
    let mut scratch = [0.0; BATCH];
    let mut checksum = 0.0;
    for _ in 0..years {
        for rng in rngs.iter_mut().take(shocks) {
            fill_normals(rng, &mut z, &mut scratch);
            checksum += z[0];
        }
    }
    checksum
}

/// The floor benchmark: `shocks` standard normals per path-year for `paths` paths, drawn with
/// the engine's generator in the engine's batches, on the current rayon pool.
pub fn normals_floor(
    level: SimdLevel,
    paths: usize,
    years: usize,
    shocks: usize,
    seed: u64,
) -> f64 {
    use rayon::prelude::*;
    (0..paths.div_ceil(BATCH) as u64)
        .into_par_iter()
        .map(|batch| floor_batch(level, years, shocks, seed, batch))
        .sum()
}

/// Year `t` of a batch's columns, as the slice it is (a row of a row-major matrix).
#[inline(always)]
fn year_row<'v>(columns: &'v mut ArrayViewMut2<'_, f64>, t: usize) -> &'v mut [f64] {
    columns
        .index_axis_mut(Axis(0), t)
        .into_slice()
        .expect("a row of the batch's columns is contiguous")
}
