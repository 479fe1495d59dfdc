//! The kernel: `BATCH` paths simulated together, year by year, in structure-of-arrays form.
//!
//! A year for every lane: the return model fills the batch's market year, then one loop over
//! the lanes applies the inflows, the withdrawal, the growth and inflation, and records the
//! real balance and spending. The state lives in fixed-size arrays on the stack: nothing is
//! allocated per path. The kernel is compiled once per SIMD level (see `simd`).

use super::BATCH;
use super::lives::{LaneFlows, LaneLives};
use super::market::{MarketYear, ReturnModel, YearSource};
pub use super::schedule::Schedule;
use super::simd::{SimdLevel, dispatch};
use super::strategy::{History, LaneYear, Want, Withdraw, YearPlan};
use super::tax::kernel::{FILL_BRACKET, PROPORTIONAL, TAXABLE_FIRST, TaxLanes, order_code};
use super::tax::step::{TAX_ROWS, TaxRows, taxed_year_step};

pub use super::outcome::NEVER;

/// Where one batch writes: its column slice of every year's row, and its per-path results.
pub struct BatchOut<'a> {
    pub balance: Vec<&'a mut [f64]>,
    pub spending: Vec<&'a mut [f64]>,
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
    /// One matrix per row of [`TaxRows`] (`tax::step`): its column slice of each year.
    pub rows: [Vec<&'a mut [f64]>; TAX_ROWS],
    pub lifetime_tax: &'a mut [f64],
}

/// Where a year's real balance and spending go, one value per lane.
pub(super) type Records<'a> = (&'a mut [f64; BATCH], &'a mut [f64; BATCH]);

/// One batch's moving parts, as arrays over the lanes.
pub(super) struct Lanes {
    pub(super) balance: [f64; BATCH],
    pub(super) price: [f64; BATCH],
    pub(super) shortfall_years: [f64; BATCH],
    /// First unfunded year and first year below the floor, `INFINITY` until then. A path
    /// fails in the earlier of the two (see `year_step`).
    pub(super) ran_out_year: [f64; BATCH],
    pub(super) floor_year: [f64; BATCH],
    pub(super) history: History,
}

dispatch!(pub fn run_batch<M: ReturnModel, S: Withdraw>(schedule: &Schedule, strategy: S, model: &M, seed: u64, batch: u64, out: BatchOut<'_>) -> () => simulate_batch);
dispatch!(pub fn run_taxed_batch<M: ReturnModel, S: Withdraw>(schedule: &Schedule, strategy: S, model: &M, seed: u64, batch: u64, out: BatchOut<'_>) -> () => simulate_taxed_batch);

/// A batch of a plan without accounts: the taxed year is compiled out.
#[inline(always)]
fn simulate_batch<M: ReturnModel, S: Withdraw>(
    schedule: &Schedule,
    strategy: S,
    model: &M,
    seed: u64,
    batch: u64,
    out: BatchOut<'_>,
) {
    simulate::<M, S, false>(schedule, strategy, model, seed, batch, out);
}

/// A batch of a plan with accounts (`schedule.taxes`).
#[inline(always)]
fn simulate_taxed_batch<M: ReturnModel, S: Withdraw>(
    schedule: &Schedule,
    strategy: S,
    model: &M,
    seed: u64,
    batch: u64,
    out: BatchOut<'_>,
) {
    simulate::<M, S, true>(schedule, strategy, model, seed, batch, out);
}

#[inline(always)]
fn simulate<M: ReturnModel, S: Withdraw, const TAXED: bool>(
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
        balance: [schedule.initial_balance; BATCH],
        price: [1.0; BATCH],
        shortfall_years: [0.0; BATCH],
        ran_out_year: [f64::INFINITY; BATCH],
        floor_year: [f64::INFINITY; BATCH],
        history: History::default(),
    };
    let drawn = schedule
        .lives
        .as_ref()
        .map(|lives| (lives, LaneLives::draw(lives, seed, batch)));
    let mut flows = LaneFlows::default();
    let mut accounts = schedule.taxes.as_ref().filter(|_| TAXED).map(TaxLanes::new);
    // Only a plan with accounts stages tax rows: a plan without them pays nothing for them.
    let mut staged_tax: Option<Box<TaxRows>> = accounts
        .is_some()
        .then(|| Box::new([[0.0; BATCH]; TAX_ROWS]));
    // A full batch records straight into its matrix columns; the last, partial one stages.
    let mut staged_balance = [0.0; BATCH];
    let mut staged_spending = [0.0; BATCH];
    for (t, year) in schedule.years.iter().enumerate() {
        source.fill_year(t, &mut market);
        let records: Records<'_> = match (
            <&mut [f64; BATCH]>::try_from(&mut *out.balance[t]),
            <&mut [f64; BATCH]>::try_from(&mut *out.spending[t]),
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
        let taxed = schedule.taxes.as_ref().zip(accounts.as_mut());
        match (&drawn, year.retired) {
            (None, retired)
                if TAXED
                    && let (Some((taxes, accounts)), Some(rows)) =
                        (taxed, staged_tax.as_deref_mut()) =>
            {
                let shared = &Shared(year);
                // One kernel per (retired, order): no branch on either inside the lanes' loops.
                macro_rules! taxed {
                    ($retired:literal, $order:path) => {
                        taxed_year_step::<S, _, $retired, { $order }>(
                            &mut lanes, accounts, records, step, shared, taxes, rows,
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
                if let Some(out) = out.taxes.as_mut() {
                    for (matrix, row) in out.rows.iter_mut().zip(rows.iter()) {
                        matrix[t].copy_from_slice(&row[..len]);
                    }
                }
            }
            (None, true) => year_step::<S, _, true>(&mut lanes, records, step, &Shared(year)),
            (None, false) => year_step::<S, _, false>(&mut lanes, records, step, &Shared(year)),
            (Some((lives, lane_lives)), retired) => {
                lane_lives.flows(&lives.years[t], t as f64, &mut flows);
                if retired {
                    year_step::<S, _, true>(&mut lanes, records, step, &flows);
                } else {
                    year_step::<S, _, false>(&mut lanes, records, step, &flows);
                }
            }
        }
        if len < BATCH {
            out.balance[t].copy_from_slice(&staged_balance[..len]);
            out.spending[t].copy_from_slice(&staged_spending[..len]);
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

/// A year's money on each lane: the same on every lane with fixed lifetimes ([`Shared`]),
/// blended per lane by who is alive with drawn ones ([`LaneFlows`]).
pub(super) trait Flows {
    /// The real and the nominal inflows of lane `i`.
    fn inflows(&self, i: usize) -> (f64, f64);
    fn lane(&self, i: usize) -> LaneYear;
    /// False once the household of lane `i` has died: its records are NaN.
    fn alive(&self, i: usize) -> bool;
}

struct Shared<'a>(&'a YearPlan);

impl Flows for Shared<'_> {
    #[inline(always)]
    fn inflows(&self, _: usize) -> (f64, f64) {
        (self.0.inflow_real, self.0.inflow_nominal)
    }

    #[inline(always)]
    fn lane(&self, _: usize) -> LaneYear {
        LaneYear::of(self.0)
    }

    #[inline(always)]
    fn alive(&self, _: usize) -> bool {
        true
    }
}

impl Flows for LaneFlows {
    #[inline(always)]
    fn inflows(&self, i: usize) -> (f64, f64) {
        (self.inflow_real[i], self.inflow_nominal[i])
    }

    #[inline(always)]
    fn lane(&self, i: usize) -> LaneYear {
        LaneYear {
            spend_scale: self.scale[i],
            income_real: self.income_real[i],
            income_nominal: self.income_nominal[i],
        }
    }

    #[inline(always)]
    fn alive(&self, i: usize) -> bool {
        self.alive[i] > 0.0
    }
}

/// What a year step reads besides the lanes and the flows.
#[derive(Clone, Copy)]
pub(super) struct Step<'a, S> {
    pub(super) strategy: &'a S,
    pub(super) market: &'a MarketYear,
    pub(super) year: &'a YearPlan,
    pub(super) t: f64,
    pub(super) schedule: &'a Schedule,
}

/// One year for every lane: inflows, the withdrawal, growth, inflation, and the records. No
/// branch depends on the lane, so the loop compiles to SIMD.
#[inline(always)]
fn year_step<S: Withdraw, F: Flows, const RETIRED: bool>(
    lanes: &mut Lanes,
    (real_balance, real_spending): Records<'_>,
    step: Step<'_, S>,
    flows: &F,
) {
    let Step {
        strategy,
        market,
        year,
        t,
        schedule,
    } = step;
    let [ws, wb, wc] = year.weights;
    let fee_keep = schedule.fee_keep;
    let floor = strategy.floor();
    for i in 0..BATCH {
        let p = lanes.price[i];
        let (inflow_real, inflow_nominal) = flows.inflows(i);
        let lane = flows.lane(i);
        let available = lanes.balance[i] + inflow_real * p + inflow_nominal;
        let want = if RETIRED {
            strategy.want(&mut lanes.history, i, available, p, year, lane)
        } else {
            Want {
                gross: 0.0,
                real_spending: 0.0,
                below_floor: false,
            }
        };
        let funded = want.gross <= available;
        let withdrawn = want.gross.min(available.max(0.0));
        let spent = if funded {
            want.real_spending
        } else {
            withdrawn * schedule.net / p
        };
        // A shortfall: unfunded, or (funded, so spending is the strategy's own) below the
        // floor. With `below_floor` below, a path's first shortfall is the earlier of its
        // first unfunded year and its first year below the floor.
        let short = !funded | want.below_floor;
        let growth = ws * market.stocks[i] + wb * market.bonds[i] + wc * market.cash[i];
        let inflation = market.inflation[i];
        let next = (available - withdrawn).max(0.0) * growth * fee_keep;
        let next_price = p * inflation;
        lanes.balance[i] = next;
        lanes.price[i] = next_price;
        if S::NEEDS_HISTORY {
            lanes.history.growth[i] = growth;
            lanes.history.inflation[i] = inflation;
        }
        lanes.shortfall_years[i] += if short { 1.0 } else { 0.0 };
        lanes.ran_out_year[i] = if funded {
            lanes.ran_out_year[i]
        } else {
            lanes.ran_out_year[i].min(t)
        };
        let below_floor = RETIRED & (spent < floor * lane.spend_scale);
        lanes.floor_year[i] = if below_floor {
            lanes.floor_year[i].min(t)
        } else {
            lanes.floor_year[i]
        };
        let alive = flows.alive(i);
        real_balance[i] = if alive { next / next_price } else { f64::NAN };
        real_spending[i] = if alive { spent } else { f64::NAN };
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
