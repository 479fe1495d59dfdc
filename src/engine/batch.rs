//! The kernel: `BATCH` paths simulated together, year by year, in structure-of-arrays form.
//!
//! A year for every lane: the return model fills the batch's market year, then one loop over
//! the lanes applies the inflows, the withdrawal, the growth and inflation, and records the
//! real balance and spending. The state lives in fixed-size arrays on the stack: nothing is
//! allocated per path. The kernel is compiled once per SIMD level (see `simd`).

use super::BATCH;
use super::household::Timeline;
use super::lives::{LaneFlows, LaneLives, Lives};
use super::market::{MarketYear, ReturnModel, YearSource};
use super::plan::{Plan, Strategy};
use super::simd::{SimdLevel, dispatch};
use super::strategy::{GUARDRAILS_PRESERVATION_STOPS, History, LaneYear, Want, Withdraw, YearPlan};

/// Failure year of a path that never failed.
pub const NEVER: u16 = u16::MAX;

/// The plan, resolved into per-year numbers shared by every path.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub years: Vec<YearPlan>,
    /// `1 − expense ratio`, applied to each year's growth.
    pub fee_keep: f64,
    /// `1 − tax rate`: the share of a withdrawal left to spend.
    pub net: f64,
    pub initial_balance: f64,
    /// Drawn lifetimes: each lane's money follows who is alive on it (see `lives`).
    pub lives: Option<Lives>,
}

impl Schedule {
    pub fn new(plan: &Plan) -> Self {
        let years = plan.years();
        let household = Timeline::new(plan);
        let last_age = plan.current_age + years as u32;
        let start_stocks = plan.allocation.stocks;
        let end_stocks = plan
            .allocation
            .glide_path
            .map_or(start_stocks, |g| g.end_stocks);
        let cash = plan.allocation.cash;
        let years = (0..years)
            .map(|t| {
                let age = plan.current_age + t as u32;
                let retired = age >= plan.retirement_age;
                let alive = household.alive(t as u32);
                let mut inflow_real = household.contributions(plan, t as u32, alive);
                let (mut income_real, mut income_nominal) = (0.0, 0.0);
                for income in &plan.income {
                    let share = household.income_share(income, t as u32, alive);
                    if share > 0.0 {
                        if income.inflation_adjusted {
                            income_real += income.annual * share;
                        } else {
                            income_nominal += income.annual * share;
                        }
                    }
                }
                if plan.social_security.is_some() || plan.partner.is_some() {
                    income_real += household.social_security(t as u32);
                }
                inflow_real += income_real;
                let mut inflow_nominal = income_nominal;
                for event in plan.events.iter().filter(|e| e.age == age) {
                    if event.inflation_adjusted {
                        inflow_real += event.amount;
                    } else {
                        inflow_nominal += event.amount;
                    }
                }
                let progress = if years > 1 {
                    t as f64 / (years - 1) as f64
                } else {
                    0.0
                };
                let stocks = start_stocks + (end_stocks - start_stocks) * progress;
                let weights = if plan.allocation.glide_path.is_some() {
                    [stocks, 1.0 - stocks - cash, cash]
                } else {
                    [plan.allocation.stocks, plan.allocation.bonds, cash]
                };
                YearPlan {
                    retired,
                    first_retired: age == plan.retirement_age,
                    inflow_real,
                    inflow_nominal,
                    weights,
                    vpw_share: vpw_share(plan, age),
                    income_real,
                    income_nominal,
                    preserve_capital: last_age - age > GUARDRAILS_PRESERVATION_STOPS,
                    spend_scale: household.spending_scale(plan, t as u32, alive),
                }
            })
            .collect();
        Self {
            years,
            fee_keep: 1.0 - plan.fees.expense_ratio,
            net: 1.0 - plan.tax.effective_rate,
            initial_balance: plan.portfolio.balance,
            lives: Lives::new(plan, &household),
        }
    }

    /// True when some year holds cash, so the model must draw cash returns.
    pub fn uses_cash(&self) -> bool {
        self.years.iter().any(|y| y.weights[2] > 0.0)
    }
}

/// `vpw`'s share of the balance at `age`: the annuity-due payment per dollar over the `n`
/// years left before the horizon age (the end age in plans stored before engine 1.1.0).
fn vpw_share(plan: &Plan, age: u32) -> f64 {
    match plan.spending.strategy {
        Strategy::Vpw {
            expected_real_return,
            horizon_age,
            ..
        } => annuity_due_share(
            expected_real_return,
            horizon_age.unwrap_or(plan.end_age).saturating_sub(age),
        ),
        _ => 0.0,
    }
}

/// The annuity-due payment per dollar over `n` years at real rate `r`:
/// `r / ((1 + r)(1 − (1 + r)^−n))`, or `1/n` when `r = 0`. With one year left it is exactly
/// 1 (the formula rounds to just above 1 for some `r`, which would withdraw more than the
/// balance), and it is never more than 1.
fn annuity_due_share(r: f64, n: u32) -> f64 {
    if n <= 1 {
        return 1.0;
    }
    let n = f64::from(n);
    let share = if r.abs() < 1e-12 {
        1.0 / n
    } else {
        r / ((1.0 + r) * (1.0 - (1.0 + r).powf(-n)))
    };
    share.min(1.0)
}

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
}

/// Where a year's real balance and spending go, one value per lane.
type Records<'a> = (&'a mut [f64; BATCH], &'a mut [f64; BATCH]);

/// One batch's moving parts, as arrays over the lanes.
struct Lanes {
    balance: [f64; BATCH],
    price: [f64; BATCH],
    shortfall_years: [f64; BATCH],
    /// First unfunded year and first year below the floor, `INFINITY` until then. A path
    /// fails in the earlier of the two (see `year_step`).
    ran_out_year: [f64; BATCH],
    floor_year: [f64; BATCH],
    history: History,
}

dispatch!(pub fn run_batch<M: ReturnModel, S: Withdraw>(schedule: &Schedule, strategy: S, model: &M, seed: u64, batch: u64, out: BatchOut<'_>) -> () => simulate_batch);

#[inline(always)]
fn simulate_batch<M: ReturnModel, S: Withdraw>(
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
        match (&drawn, year.retired) {
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
    if let (Some(slots), Some((_, lane_lives))) = (out.plan_years, &drawn) {
        for (i, slot) in slots.iter_mut().enumerate() {
            *slot = lane_lives.plan_years(i).min(schedule.years.len() as f64) as u16;
        }
    }
}

/// A year's money on each lane: the same on every lane with fixed lifetimes ([`Shared`]),
/// blended per lane by who is alive with drawn ones ([`LaneFlows`]).
trait Flows {
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
struct Step<'a, S> {
    strategy: &'a S,
    market: &'a MarketYear,
    year: &'a YearPlan,
    t: f64,
    schedule: &'a Schedule,
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
