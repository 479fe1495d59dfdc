//! Drawn lifetimes: each path draws when each of you dies, and the year's money follows who
//! is still alive on that path.
//!
//! Protocol:
//! 1. [`Lives::new`] resolves, for every year, the inflows, income and spending scale of
//!    each of the three states (you alone, your partner alone, both), and for each possible
//!    year of a first death, the survivor's Social Security excess and when it starts.
//! 2. Each batch draws the death years from its own stream (`Stream::Lifetimes`: one
//!    uniform per lane for you, then one for your partner) by inversion of each person's
//!    cohort survival curve ([`life_table`](super::life_table)), so results stay
//!    bit-identical on any number of threads.
//! 3. Each year, [`LaneLives::flows`] blends the three states per lane with 0/1 weights: no
//!    branch depends on the lane, so the loop vectorizes. Once both have died a path is
//!    over: it withdraws nothing, fails no more, and records NaN, which the statistics leave
//!    out ("among the futures where one of you is alive").

use rand::distr::{Distribution, Open01};

use super::household::{Alive, Timeline, Who};
use super::life_table::{LifeTables, death_year};
use super::outcome::{Chance, LifetimesOutcome, NEVER, Spread};
use super::per_lane::PerLane;
use super::plan::Plan;
use super::rng::{LaneRng, Stream};
use super::strategy::YearPlan;
use super::{BATCH, MatrixView};

/// States a year's amounts are resolved for: `[you alone, partner alone, both]`.
type ByState = [f64; 3];

const STATES: [Alive; 3] = [
    Alive {
        you: true,
        partner: false,
    },
    Alive {
        you: false,
        partner: true,
    },
    Alive {
        you: true,
        partner: true,
    },
];

/// One year's amounts by state, in today's dollars (nominal for `*_nominal`).
#[derive(Debug, Clone, Copy, Default)]
pub struct StateYear {
    pub inflow_real: ByState,
    pub inflow_nominal: ByState,
    pub income_real: ByState,
    pub income_nominal: ByState,
    pub scale: ByState,
    /// Your age and your partner's in months at the start of the year.
    pub months: [f64; 2],
}

/// The survivor's Social Security excess for a first death at each year: `(monthly excess,
/// starting age in months)`, indexed by the death year.
type Excess = Vec<(f64, f64)>;

/// Everything a batch needs to draw and follow lifetimes.
#[derive(Debug, Clone)]
pub struct Lives {
    pub years: Vec<StateYear>,
    /// `S(t)` for you and for your partner (empty without one).
    survival: [Vec<f64>; 2],
    /// The excess you receive when your partner dies at the turn of year `d`, and the
    /// excess your partner receives when you do.
    excess: [Excess; 2],
}

impl Lives {
    /// `None` unless the plan draws lifetimes.
    pub fn new(plan: &Plan, household: &Timeline) -> Option<Self> {
        let longevity = plan.longevity?;
        let years = plan.years();
        let tables = LifeTables::ssa();
        let you = tables.survival(
            plan.sex?,
            plan.birth_year?,
            plan.current_age,
            longevity.health_adjustment,
            years,
        );
        let partner = match &plan.partner {
            Some(p) => tables.survival(
                p.sex?,
                p.birth_year?,
                p.current_age,
                longevity.partner_health_adjustment,
                years,
            ),
            None => Vec::new(),
        };
        let excess = |who: Who| -> Excess {
            (0..=years as u32)
                .map(|d| {
                    household
                        .survivor_excess(who, d)
                        .map_or((0.0, 0.0), |(excess, start)| (excess, f64::from(start)))
                })
                .collect()
        };
        let state_years = (0..years as u32)
            .map(|t| year(plan, household, t))
            .collect();
        Some(Self {
            years: state_years,
            survival: [you, partner],
            excess: [excess(Who::You), excess(Who::Partner)],
        })
    }
}

/// The amounts of year `t` in each state.
fn year(plan: &Plan, household: &Timeline, t: u32) -> StateYear {
    let age = plan.current_age + t;
    let mut out = StateYear {
        months: [
            f64::from(household.months_at(Who::You, t)),
            f64::from(household.months_at(Who::Partner, t)),
        ],
        ..StateYear::default()
    };
    for (k, alive) in STATES.into_iter().enumerate() {
        if alive.partner && !household.has_partner() {
            continue;
        }
        let (mut income_real, mut income_nominal) = (household.own_and_spousal(t, alive), 0.0);
        for income in &plan.income {
            let share = household.income_share(income, t, alive);
            if income.inflation_adjusted {
                income_real += income.annual * share;
            } else {
                income_nominal += income.annual * share;
            }
        }
        let (mut events_real, mut events_nominal) = (0.0, 0.0);
        for event in plan.events.iter().filter(|e| e.age == age) {
            if event.inflation_adjusted {
                events_real += event.amount;
            } else {
                events_nominal += event.amount;
            }
        }
        out.income_real[k] = income_real;
        out.income_nominal[k] = income_nominal;
        out.inflow_real[k] = household.contributions(plan, t, alive) + income_real + events_real;
        out.inflow_nominal[k] = income_nominal + events_nominal;
        out.scale[k] = household.spending_scale(plan, t, alive);
    }
    out
}

/// One batch's lifetimes: each lane's death years and the survivor excess it will receive.
pub struct LaneLives {
    death: [PerLane; 2],
    excess: [PerLane; 2],
    excess_start: [PerLane; 2],
}

/// A year's money on each lane, blended from the states by who is alive there.
pub struct LaneFlows {
    pub inflow_real: PerLane,
    pub inflow_nominal: PerLane,
    pub income_real: PerLane,
    pub income_nominal: PerLane,
    pub scale: PerLane,
    /// 1 while one of you is alive, else 0: the path is over.
    pub alive: PerLane,
    /// Who is alive, as `tax::schedule::State`'s index (`you + 2 · partner`).
    pub state: PerLane,
    /// A survivor's yearly Social Security excess, today's dollars (in `income_real` too).
    pub survivor: PerLane,
}

impl Default for LaneFlows {
    fn default() -> Self {
        Self {
            inflow_real: PerLane::splat(0.0),
            inflow_nominal: PerLane::splat(0.0),
            income_real: PerLane::splat(0.0),
            income_nominal: PerLane::splat(0.0),
            scale: PerLane::splat(0.0),
            alive: PerLane::splat(0.0),
            state: PerLane::splat(0.0),
            survivor: PerLane::splat(0.0),
        }
    }
}

impl LaneFlows {
    /// Every lane in the year's one `state` (`tax::schedule::State`'s index), as with fixed
    /// lifetimes: the taxed year reads its money from a `LaneFlows` either way. Inlined, so
    /// that it is compiled at the kernel's SIMD level.
    #[inline(always)]
    pub fn fixed(&mut self, year: &YearPlan, state: f64) {
        self.inflow_real = PerLane::splat(year.inflow_real);
        self.inflow_nominal = PerLane::splat(year.inflow_nominal);
        self.income_real = PerLane::splat(year.income_real);
        self.income_nominal = PerLane::splat(year.income_nominal);
        self.scale = PerLane::splat(year.spend_scale);
        self.alive = PerLane::splat(1.0);
        self.state = PerLane::splat(state);
        self.survivor = PerLane::splat(0.0);
    }

    /// Who is alive on lane `i` (`tax::schedule::State`'s index) and the survivor's Social
    /// Security excess there.
    #[inline(always)]
    pub fn state(&self, i: usize) -> (usize, f64) {
        (self.state[i] as usize, self.survivor[i])
    }
}

impl LaneLives {
    /// Draws the death years of batch `batch`'s lanes.
    pub fn draw(lives: &Lives, seed: u64, batch: u64) -> Self {
        let mut rng = LaneRng::new(seed, batch, Stream::Lifetimes);
        let mut out = Self {
            death: [PerLane::splat(0.0); 2],
            excess: [PerLane::splat(0.0); 2],
            excess_start: [PerLane::splat(0.0); 2],
        };
        let mut u = PerLane::splat(0.0);
        for person in 0..2 {
            // `rand`'s open-interval uniforms, lane by lane (the numbers a fill would give).
            for u in &mut u {
                *u = Open01.sample(&mut rng);
            }
            if lives.survival[person].is_empty() {
                continue; // no partner: never alive
            }
            for (death, &u) in out.death[person].iter_mut().zip(&u) {
                *death = death_year(&lives.survival[person], u);
            }
        }
        // The survivor's excess depends on when the other died.
        for (survivor, other) in [(0, 1), (1, 0)] {
            for i in 0..BATCH {
                let d = (out.death[other][i] as usize).min(lives.excess[survivor].len() - 1);
                let (excess, start) = lives.excess[survivor][d];
                out.excess[survivor][i] = excess;
                out.excess_start[survivor][i] = start;
            }
        }
        out
    }

    /// The last year each lane's household lives through, plus one: the plan's length.
    pub fn plan_years(&self, i: usize) -> f64 {
        self.death[0][i].max(self.death[1][i])
    }

    /// Fills `flows` for year `t` of every lane.
    #[inline(always)]
    pub fn flows(&self, year: &StateYear, t: f64, flows: &mut LaneFlows) {
        let [you_months, partner_months] = year.months;
        for i in 0..BATCH {
            let you = if t < self.death[0][i] { 1.0 } else { 0.0 };
            let partner = if t < self.death[1][i] { 1.0 } else { 0.0 };
            let both = you * partner;
            let (you_alone, partner_alone) = (you - both, partner - both);
            let paid = |months: f64, start: f64| (months + 12.0 - start).clamp(0.0, 12.0);
            let survivor = you_alone
                * self.excess[0][i]
                * paid(you_months, self.excess_start[0][i])
                + partner_alone * self.excess[1][i] * paid(partner_months, self.excess_start[1][i]);
            let blend = |v: &ByState| you_alone * v[0] + partner_alone * v[1] + both * v[2];
            flows.inflow_real[i] = blend(&year.inflow_real) + survivor;
            flows.inflow_nominal[i] = blend(&year.inflow_nominal);
            flows.income_real[i] = blend(&year.income_real) + survivor;
            flows.income_nominal[i] = blend(&year.income_nominal);
            flows.scale[i] = blend(&year.scale);
            flows.alive[i] = you + partner - both;
            flows.state[i] = you + 2.0 * partner;
            flows.survivor[i] = survivor;
        }
    }
}

/// The lifetimes of a finished run: `balance` is the year-major real balance matrix of `n`
/// paths (NaN once a household has died), `plan_years` each path's years lived through and
/// `ran_out_year` its first unfunded year (`NEVER` if none).
pub fn summarize(
    plan: &Plan,
    lives: &Lives,
    balance: MatrixView<'_>,
    plan_years: &[u16],
    ran_out_year: &[u16],
) -> LifetimesOutcome {
    let (years, n) = balance.dim();
    let alive_share = balance
        .rows()
        .into_iter()
        .map(|row| row.iter().filter(|v| !v.is_nan()).count() as f64 / n as f64)
        .collect();
    // The balance at the end of the last year lived through: what is left.
    let mut legacy: Vec<f64> = plan_years
        .iter()
        .enumerate()
        .map(|(i, &d)| balance[[usize::from(d).clamp(1, years) - 1, i]])
        .collect();
    let mut lengths: Vec<f64> = plan_years.iter().map(|&d| f64::from(d)).collect();
    let outlived = ran_out_year.iter().filter(|&&y| y != NEVER).count();
    LifetimesOutcome {
        alive_share,
        plan_years: Spread::of(&mut lengths),
        your_death_age: death_ages(&lives.survival[0], plan.current_age),
        partner_death_age: plan
            .partner
            .as_ref()
            .map(|p| death_ages(&lives.survival[1], p.current_age)),
        outlive_money: Chance::of(outlived, n),
        legacy: Spread::of(&mut legacy),
    }
}

/// The age at death (the age one would turn in the year after the last one lived through)
/// from the survival curve itself, not from the draws: its mean `age + Σ S(t)` and its
/// percentiles, the first ages by which the share that has died reaches each probability.
/// Deaths past the plan's end count at its end.
pub fn death_ages(survival: &[f64], age: u32) -> Spread {
    let years = survival.len() - 1;
    let mean = f64::from(age) + survival[..years].iter().sum::<f64>();
    let quantile = |p: f64| {
        let d = (1..=years)
            .find(|&d| 1.0 - survival[d] >= p)
            .unwrap_or(years);
        f64::from(age) + d as f64
    };
    Spread {
        mean,
        p5: quantile(0.05),
        p25: quantile(0.25),
        p50: quantile(0.5),
        p75: quantile(0.75),
        p95: quantile(0.95),
    }
}
