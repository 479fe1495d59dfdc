//! One year of a plan with accounts for every lane of a batch (see `kernel` for the
//! protocol). Each phase is a loop over the lanes with no branch on a lane's amounts; the
//! solves loop until every lane of the batch has converged.

use super::federal::{Incomes, owed};
use super::kernel::{LaneTax, LaneTaxes, TaxLanes, solve, split, tax_at};
use super::lin::Lin;
use super::schedule::TaxSchedule;
use crate::engine::BATCH;
use crate::engine::strategy::Withdraw;
use crate::engine::year::{Flows, Lanes, Records, Step};

/// The rows a taxed year records per lane, in today's dollars (the rate as a share).
pub const TAX_ROWS: usize = 6;
pub const TAX: usize = 0;
pub const RMD: usize = 1;
pub const RATE: usize = 2;
/// Then each account's balance at the end of the year: taxable, traditional, Roth.
pub const ACCOUNTS: usize = 3;
pub type TaxRows = [[f64; BATCH]; TAX_ROWS];

/// A year of a taxed plan. See [`super::kernel`].
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(in crate::engine) fn taxed_year_step<
    S: Withdraw,
    F: Flows,
    const RETIRED: bool,
    const ORDER: u8,
>(
    lanes: &mut Lanes,
    accounts: &mut TaxLanes,
    (real_balance, real_spending): Records<'_>,
    step: Step<'_, S>,
    flows: &F,
    taxes: &TaxSchedule,
    rows: &mut TaxRows,
) {
    let Step {
        strategy,
        market,
        year,
        t,
        schedule,
    } = step;
    let ty = &taxes.years[t as usize];
    let state = taxes.state;
    let mut lanes_tax = LaneTaxes::default();
    let mut spend = [0.0; BATCH];
    let mut cash = [0.0; BATCH];
    let mut rmd = [0.0; BATCH];
    let mut converted = [0.0; BATCH];
    let mut below_floor = [false; BATCH];
    for i in 0..BATCH {
        let p = lanes.price[i];
        let (inflow_real, inflow_nominal) = flows.inflows(i);
        let shares = flows.lane(i);
        let [ct, cd, cr] = ty.contributions.map(|c| c * p);
        let distribution = ty.rmd_share * accounts.traditional[i];
        accounts.taxable[i] += ct;
        accounts.basis[i] += ct;
        accounts.traditional[i] += cd;
        accounts.roth[i] += cr;
        let other_cash = inflow_real * p + inflow_nominal - (ct + cd + cr);
        let available = accounts.total(i) + other_cash;
        let (spending, floor_broken) = if RETIRED {
            let want = strategy.want(&mut lanes.history, i, available, p, year, shares);
            (want.real_spending * p, want.below_floor)
        } else {
            (0.0, false)
        };
        let free = (accounts.traditional[i] - distribution).max(0.0);
        let conversion = (ty.conversion_real * p).min(free);
        let taxable = accounts.taxable[i];
        lanes_tax.set(
            i,
            LaneTax {
                price: p,
                social_security: ty.social_security * p,
                ordinary: ty.taxable_real * p + ty.taxable_nominal + distribution + conversion,
                need: spending - (other_cash + distribution),
                room: [taxable, free - conversion, accounts.roth[i]],
                gain_share: if taxable > 0.0 {
                    (1.0 - accounts.basis[i] / taxable).max(0.0)
                } else {
                    0.0
                },
                first_traditional: 0.0,
            },
        );
        spend[i] = spending;
        cash[i] = other_cash + distribution;
        rmd[i] = distribution;
        converted[i] = conversion;
        below_floor[i] = floor_broken;
    }
    // Traditional dollars that bring taxable ordinary income to `top` (base-year dollars),
    // at most what the traditional account has left.
    let fill_to = |top: f64, lane: &LaneTaxes| -> [f64; BATCH] {
        let (mut x, mut at) = ([0.0; BATCH], [0.0; BATCH]);
        let lo = [0.0; BATCH];
        let hi = std::array::from_fn(|i| lane.get(i).room[1]);
        solve(&mut x, &mut at, &lo, &hi, |i, x| {
            let l = &lane.get(i);
            let incomes = Incomes {
                ordinary: Lin::new(l.ordinary + x, 1.0),
                social_security: Lin::c(l.social_security),
                gains: Lin::c(0.0),
            };
            let law = ty.law.indexed(l.price);
            owed(&law, ty.seniors, state, incomes).taxable_income - top * l.price
        });
        x
    };
    if let Some(top) = ty.conversion_top {
        let x = fill_to(top, &lanes_tax);
        for (i, &x) in x.iter().enumerate() {
            let mut l = lanes_tax.get(i);
            l.ordinary += x;
            l.room[1] -= x;
            lanes_tax.set(i, l);
            converted[i] += x;
        }
    }
    if let Some(top) = ty.fill_top {
        let x = fill_to(top, &lanes_tax);
        for (i, &x) in x.iter().enumerate() {
            let mut l = lanes_tax.get(i);
            l.first_traditional = x;
            lanes_tax.set(i, l);
        }
    }
    // The withdrawal that pays the spending and every tax.
    let hi: [f64; BATCH] = std::array::from_fn(|i| lanes_tax.get(i).room.iter().sum());
    let mut w: [f64; BATCH] = std::array::from_fn(|i| lanes_tax.get(i).need.clamp(0.0, hi[i]));
    let lo = [0.0; BATCH];
    // `f(w) = w − tax(w) − need` at the answer: the tax is `w − need − f(w)`.
    let mut short = [0.0; BATCH];
    solve(&mut w, &mut short, &lo, &hi, |i, w| {
        let l = lanes_tax.get(i);
        let w = Lin::new(w, 1.0);
        w - tax_at::<ORDER>(ty, state, &l, w).total() - l.need
    });

    let [ws, wb, wc] = year.weights;
    let keep = schedule.fee_keep;
    let floor = strategy.floor();
    for i in 0..BATCH {
        let l = &lanes_tax.get(i);
        let p = l.price;
        let withdrawal = Lin::c(w[i]);
        let tax = w[i] - l.need - short[i];
        let (from_taxable, from_traditional, from_roth) = split::<ORDER>(withdrawal, l);
        let left = w[i] + cash[i] - tax - spend[i];
        let funded = left >= -0.005;
        let spent = if funded {
            spend[i]
        } else {
            (w[i] + cash[i] - tax).max(0.0)
        } / p;
        let surplus = if funded { left.max(0.0) } else { 0.0 };
        let taxable = accounts.taxable[i];
        let basis_kept = if taxable > 0.0 {
            1.0 - from_taxable.v / taxable
        } else {
            0.0
        };
        let growth = ws * market.stocks[i] + wb * market.bonds[i] + wc * market.cash[i];
        let factor = growth * keep;
        let inflation = market.inflation[i];
        accounts.taxable[i] = ((taxable - from_taxable.v).max(0.0) + surplus) * factor;
        accounts.basis[i] = accounts.basis[i] * basis_kept + surplus;
        accounts.traditional[i] =
            (accounts.traditional[i] - rmd[i] - converted[i] - from_traditional.v).max(0.0)
                * factor;
        accounts.roth[i] = (accounts.roth[i] + converted[i] - from_roth.v).max(0.0) * factor;
        accounts.lifetime_tax[i] += tax / p;
        let next = accounts.total(i);
        let next_price = p * inflation;
        lanes.balance[i] = next;
        lanes.price[i] = next_price;
        if S::NEEDS_HISTORY {
            lanes.history.growth[i] = growth;
            lanes.history.inflation[i] = inflation;
        }
        let short = !funded | below_floor[i];
        lanes.shortfall_years[i] += if short { 1.0 } else { 0.0 };
        lanes.ran_out_year[i] = if funded {
            lanes.ran_out_year[i]
        } else {
            lanes.ran_out_year[i].min(t)
        };
        let broke_floor = RETIRED & (spent < floor * flows.lane(i).spend_scale);
        lanes.floor_year[i] = if broke_floor {
            lanes.floor_year[i].min(t)
        } else {
            lanes.floor_year[i]
        };
        // AGI plus the untaxed Social Security: every income the year had.
        let income =
            l.ordinary + from_traditional.v + from_taxable.v * l.gain_share + l.social_security;
        rows[TAX][i] = tax / p;
        rows[RMD][i] = rmd[i] / p;
        rows[RATE][i] = if income > 0.0 { tax / income } else { 0.0 };
        rows[ACCOUNTS][i] = accounts.taxable[i] / next_price;
        rows[ACCOUNTS + 1][i] = accounts.traditional[i] / next_price;
        rows[ACCOUNTS + 2][i] = accounts.roth[i] / next_price;
        real_balance[i] = next / next_price;
        real_spending[i] = spent;
    }
}
