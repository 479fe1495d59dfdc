//! A plan with accounts, resolved into per-year tax facts shared by every path: the law of
//! the year's filing status, who is 65 or older, the required distribution's share, the
//! incomes by tax treatment, each account's contribution and the year's conversion.
//!
//! Plan year `t` is calendar year `birth_year + current_age + t`. The filing status is
//! married filing jointly while both of a couple live, which includes the year of the first
//! death (a death happens at the turn of a year, after the last year lived through), and
//! single from the next year. The traditional account is yours; after your death your
//! partner treats it as their own (a spousal rollover), so its distributions follow their
//! age and birth year.
//!
//! The facts depend on who is alive, so a year holds them for each [`State`]. With fixed
//! lifetimes every path is in the year's one state; with drawn ones each lane is in its own
//! (`lives::LaneFlows`), and a lane in `State::None` (both have died) has nothing to tax.

use super::federal::StateTax;
use super::law::{Filing, Law};
use super::rmd;
use crate::engine::household::{Alive, Timeline};
use crate::engine::plan::{ConversionKind, Plan, WithdrawalOrder};

/// Who is alive, as an index into [`TaxYear::states`]: `you + 2 · partner`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    None = 0,
    You = 1,
    Partner = 2,
    Both = 3,
}

impl State {
    pub const ALL: [State; 4] = [State::None, State::You, State::Partner, State::Both];

    pub fn of(alive: Alive) -> State {
        Self::ALL[usize::from(alive.you) + 2 * usize::from(alive.partner)]
    }

    fn alive(self) -> Alive {
        Alive {
            you: matches!(self, State::You | State::Both),
            partner: matches!(self, State::Partner | State::Both),
        }
    }
}

/// A year's tax facts for one state of the household.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    /// Married filing jointly (both alive) rather than single.
    pub joint: bool,
    /// People 65 or older, alive this year.
    pub seniors: f64,
    /// The share of the prior year-end traditional balance that must come out.
    pub rmd_share: f64,
    /// Social Security benefits, in today's dollars. With drawn lifetimes a survivor's
    /// excess is the lane's own and is added to it (`lives::LaneFlows::survivor`).
    pub social_security: f64,
    /// Taxable income streams, in today's dollars and in nominal dollars.
    pub taxable_real: f64,
    pub taxable_nominal: f64,
    /// Contributions to the taxable, traditional and Roth accounts, today's dollars.
    pub contributions: [f64; 3],
    /// A fixed conversion this year, today's dollars (0 otherwise).
    pub conversion_real: f64,
    /// A fill-the-bracket conversion this year: the top of the bracket, in base-year
    /// dollars; `None` otherwise.
    pub conversion_top: Option<f64>,
    /// The fill-the-bracket withdrawal order: the top of its bracket, base-year dollars.
    pub fill_top: Option<f64>,
}

/// One year's tax facts.
#[derive(Debug, Clone, Copy)]
pub struct TaxYear {
    /// The year's law for each filing status (single, joint), indexed amounts in base-year
    /// dollars.
    pub laws: [Law; 2],
    /// The facts of each [`State`], by its index.
    pub states: [Facts; 4],
    /// With fixed lifetimes, the state every path is in.
    pub fixed: State,
}

/// The tax facts of every year, and the accounts' starting balances.
#[derive(Debug, Clone)]
pub struct TaxSchedule {
    pub years: Vec<TaxYear>,
    pub order: WithdrawalOrder,
    pub state: StateTax,
    /// Taxable balance, its basis, traditional and Roth, today.
    pub start: [f64; 4],
}

impl TaxSchedule {
    /// `None` for a plan without accounts.
    pub fn new(plan: &Plan, household: &Timeline) -> Option<Self> {
        let accounts = plan.accounts?;
        let rules = plan.tax.rules?;
        let years = plan.years() as u32;
        let birth_year = plan.birth_year?;
        let first_year = birth_year + plan.current_age;
        let partner = plan.partner.as_ref();
        let drawn = plan.longevity.is_some();
        let years: Vec<TaxYear> = (0..years)
            .map(|t| {
                let age = plan.current_age + t;
                let laws = [Filing::Single, Filing::Joint].map(|f| Law::of(first_year + t, f));
                let facts = |state: State| -> Facts {
                    let alive = state.alive();
                    if !alive.any() {
                        return Facts::default();
                    }
                    let joint = alive.you && alive.partner;
                    let partner_age = partner.map(|p| p.current_age + t);
                    let seniors = f64::from(u8::from(alive.you && age >= 65))
                        + f64::from(u8::from(
                            alive.partner && partner_age.is_some_and(|a| a >= 65),
                        ));
                    let rmd_share = match (alive, partner) {
                        (Alive { you: true, .. }, _) => rmd::required_share(age, birth_year),
                        (Alive { partner: true, .. }, Some(p)) => rmd::required_share(
                            p.current_age + t,
                            p.birth_year.unwrap_or(birth_year),
                        ),
                        _ => 0.0,
                    };
                    let (mut taxable_real, mut taxable_nominal) = (0.0, 0.0);
                    for income in plan.income.iter().filter(|i| i.taxable == Some(true)) {
                        let paid = income.annual * household.income_share(income, t, alive);
                        if income.inflation_adjusted {
                            taxable_real += paid;
                        } else {
                            taxable_nominal += paid;
                        }
                    }
                    let working = alive.you && age < plan.retirement_age;
                    let contribute = |a: &crate::engine::plan::Account| {
                        if working { a.annual_contribution } else { 0.0 }
                    };
                    let converts = rules.converts_at(age);
                    let law = &laws[usize::from(joint)];
                    let top = |rate: Option<f64>| rate.and_then(|r| law.bracket_top(r));
                    Facts {
                        joint,
                        seniors,
                        rmd_share,
                        // Drawn: the lane adds a survivor's excess. Fixed: the timeline's
                        // benefits, survivor's included.
                        social_security: if drawn {
                            household.own_and_spousal(t, alive)
                        } else {
                            household.social_security(t)
                        },
                        taxable_real,
                        taxable_nominal,
                        contributions: [
                            contribute(&accounts.taxable),
                            contribute(&accounts.traditional),
                            contribute(&accounts.roth),
                        ],
                        conversion_real: match rules.conversion {
                            ConversionKind::Fixed if converts => {
                                rules.conversion_amount.unwrap_or(0.0)
                            }
                            _ => 0.0,
                        },
                        conversion_top: match rules.conversion {
                            ConversionKind::FillBracket if converts => {
                                top(rules.conversion_bracket_rate)
                            }
                            _ => None,
                        },
                        fill_top: match rules.withdrawal_order {
                            WithdrawalOrder::FillBracket => top(rules.fill_bracket_rate),
                            _ => None,
                        },
                    }
                };
                let fixed = State::of(household.alive(t));
                TaxYear {
                    laws,
                    // Fixed lifetimes resolve only the year's state.
                    states: State::ALL.map(|s| {
                        if drawn || s == fixed {
                            facts(s)
                        } else {
                            Facts::default()
                        }
                    }),
                    fixed,
                }
            })
            .collect();
        Some(Self {
            years,
            order: rules.withdrawal_order,
            state: StateTax {
                rate: rules.state_rate,
                taxes_social_security: f64::from(u8::from(rules.state_taxes_social_security)),
            },
            start: [
                accounts.taxable.balance,
                accounts.basis(),
                accounts.traditional.balance,
                accounts.roth.balance,
            ],
        })
    }
}
