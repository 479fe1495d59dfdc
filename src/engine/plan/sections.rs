//! The checks of each plan section: allocation, spending, income and events (the market's
//! are in `market_check`).

use super::input::{PlanInput, SpendingInput, StrategyName};
use super::normalize::{Checker, MAX_EVENTS, MAX_INCOME_STREAMS, WEIGHT_TOLERANCE};
use super::{
    Allocation, Event, GlidePath, Income, Owner, Partner, PlanDefaults, Spending, Strategy,
};
use crate::engine::strategy::{AUTOPILOT_SMOOTHING, ENDOWMENT_SMOOTHING};

impl Checker<'_> {
    pub(super) fn allocation(&mut self, input: &PlanInput, defaults: &PlanDefaults) -> Allocation {
        let a = &input.allocation;
        let errors_before = self.errors.len();
        let cash = self.optional("allocation.cash", a.cash);
        let (stocks, bonds) = match (a.stocks, a.bonds) {
            (None, None) => (defaults.stocks, defaults.bonds),
            (Some(s), None) => (s, 1.0 - s - cash),
            (None, Some(b)) => (1.0 - b - cash, b),
            (Some(s), Some(b)) => (s, b),
        };
        let stocks = self.number("allocation.stocks", stocks);
        let bonds = self.number("allocation.bonds", bonds);
        let sum = stocks + bonds + cash;
        // The sum is only worth a message when each weight is itself valid.
        if self.errors.len() == errors_before && (sum - 1.0).abs() > WEIGHT_TOLERANCE {
            self.push(
                "allocation",
                format!("stocks, bonds and cash must add up to 1 (they add up to {sum:.4})"),
            );
        }
        let glide_path = a.glide_path.as_ref().map(|g| {
            let end = self.required("allocation.glide_path.end_stocks", g.end_stocks);
            let end_stocks = match end {
                Some(e) if e + cash > 1.0 + WEIGHT_TOLERANCE => {
                    self.push(
                        "allocation.glide_path.end_stocks",
                        "plus cash must not exceed 1",
                    );
                    stocks
                }
                Some(e) => self.number("allocation.glide_path.end_stocks", e),
                None => stocks,
            };
            GlidePath { end_stocks }
        });
        Allocation {
            stocks,
            bonds,
            cash,
            glide_path,
        }
    }

    pub(super) fn spending(
        &mut self,
        s: &SpendingInput,
        defaults: &PlanDefaults,
        allocation: &Allocation,
        end_age: u32,
    ) -> Spending {
        let annual = self.required_number("spending.annual", s.annual);
        let d = &defaults.strategy;
        let name = s.strategy.unwrap_or_default();
        let own: &[&str] = match name {
            StrategyName::ConstantDollar => &[],
            StrategyName::ConstantPercent => &["percent", "floor", "ceiling"],
            StrategyName::Guardrails => &["upper_guard", "lower_guard", "adjustment", "floor"],
            StrategyName::Vpw => &["expected_real_return", "floor", "horizon_age"],
            StrategyName::OneOverN => &["floor", "horizon_age"],
            StrategyName::Endowment => &["percent", "smoothing", "floor"],
            StrategyName::NinetyFivePercent => &["percent", "floor"],
            StrategyName::VanguardDynamic => &["percent", "max_increase", "max_decrease", "floor"],
            StrategyName::SensibleWithdrawals => &["percent", "extras_rate", "floor"],
            StrategyName::AutopilotIi => {
                &["expected_real_return", "horizon_age", "smoothing", "floor"]
            }
            StrategyName::Cape => &["base_rate", "cape_weight", "floor"],
        };
        let given = [
            ("percent", s.percent.is_some()),
            ("floor", s.floor.is_some()),
            ("ceiling", s.ceiling.is_some()),
            ("upper_guard", s.upper_guard.is_some()),
            ("lower_guard", s.lower_guard.is_some()),
            ("adjustment", s.adjustment.is_some()),
            ("expected_real_return", s.expected_real_return.is_some()),
            ("horizon_age", s.horizon_age.is_some()),
            ("smoothing", s.smoothing.is_some()),
            ("max_increase", s.max_increase.is_some()),
            ("max_decrease", s.max_decrease.is_some()),
            ("extras_rate", s.extras_rate.is_some()),
            ("base_rate", s.base_rate.is_some()),
            ("cape_weight", s.cape_weight.is_some()),
        ];
        for (field, is_given) in given {
            if is_given && !own.contains(&field) {
                self.push(
                    format!("spending.{field}"),
                    format!("does not apply to the `{}` strategy", name.as_str()),
                );
            }
        }
        let floor = self.number(
            "spending.floor",
            s.floor.unwrap_or(annual * d.floor_fraction),
        );
        let strategy = match name {
            StrategyName::ConstantDollar => Strategy::ConstantDollar,
            StrategyName::ConstantPercent => {
                let ceiling = s
                    .ceiling
                    .map(|c| self.number_within("spending.ceiling", c, floor, f64::INFINITY));
                Strategy::ConstantPercent {
                    percent: self.optional("spending.percent", s.percent),
                    floor,
                    ceiling,
                }
            }
            StrategyName::Guardrails => Strategy::Guardrails {
                upper_guard: self.optional("spending.upper_guard", s.upper_guard),
                lower_guard: self.optional("spending.lower_guard", s.lower_guard),
                adjustment: self.optional("spending.adjustment", s.adjustment),
                floor,
            },
            StrategyName::Vpw => Strategy::Vpw {
                expected_real_return: self.expected_real_return(s, defaults, allocation),
                floor,
                horizon_age: Some(self.horizon_age(s, d.vpw_horizon_age.max(end_age), end_age)),
            },
            StrategyName::OneOverN => Strategy::OneOverN {
                floor,
                horizon_age: self.horizon_age(s, end_age, end_age),
            },
            StrategyName::Endowment => Strategy::Endowment {
                percent: self.optional("spending.percent", s.percent),
                smoothing: self.number(
                    "spending.smoothing",
                    s.smoothing.unwrap_or(ENDOWMENT_SMOOTHING),
                ),
                floor,
            },
            StrategyName::NinetyFivePercent => Strategy::NinetyFivePercent {
                percent: self.optional("spending.percent", s.percent),
                floor,
            },
            StrategyName::VanguardDynamic => Strategy::VanguardDynamic {
                percent: self.optional("spending.percent", s.percent),
                max_increase: self.optional("spending.max_increase", s.max_increase),
                max_decrease: self.optional("spending.max_decrease", s.max_decrease),
                floor,
            },
            StrategyName::SensibleWithdrawals => Strategy::SensibleWithdrawals {
                percent: self.optional("spending.percent", s.percent),
                extras_rate: self.optional("spending.extras_rate", s.extras_rate),
                floor,
            },
            StrategyName::AutopilotIi => Strategy::AutopilotIi {
                expected_real_return: self.expected_real_return(s, defaults, allocation),
                horizon_age: self.horizon_age(s, d.vpw_horizon_age.max(end_age), end_age),
                smoothing: self.number(
                    "spending.smoothing",
                    s.smoothing.unwrap_or(AUTOPILOT_SMOOTHING),
                ),
                floor,
            },
            StrategyName::Cape => Strategy::Cape {
                base_rate: self.optional("spending.base_rate", s.base_rate),
                cape_weight: self.optional("spending.cape_weight", s.cape_weight),
                floor,
            },
        };
        Spending {
            annual,
            strategy,
            survivor_share: None,
            steps: Vec::new(),
        }
    }

    pub(super) fn income(
        &mut self,
        input: &PlanInput,
        retirement_age: u32,
        partner: Option<&Partner>,
    ) -> Vec<Income> {
        if input.income.len() > MAX_INCOME_STREAMS {
            self.push(
                "income",
                format!("may hold at most {MAX_INCOME_STREAMS} streams"),
            );
        }
        let mut out = Vec::with_capacity(input.income.len());
        for (i, stream) in input.income.iter().enumerate().take(MAX_INCOME_STREAMS) {
            let p = |field: &str| format!("income[{i}].{field}");
            let name = self.text(
                &p("name"),
                stream.name.as_deref(),
                &format!("Income {}", i + 1),
            );
            let annual = self.required_number(&p("annual"), stream.annual);
            let owner = stream.owner.unwrap_or_default();
            let start_age = match (owner, partner) {
                (Owner::Partner, Some(partner)) => {
                    stream.start_age.unwrap_or(partner.retirement_age)
                }
                (Owner::Partner, None) => {
                    self.push(p("owner"), "can be your partner only when the plan has one");
                    stream.start_age.unwrap_or(retirement_age)
                }
                _ => stream.start_age.unwrap_or(retirement_age),
            };
            let start_age = self.age(&p("start_age"), start_age);
            let survivor_share = match (owner, stream.survivor_share) {
                (Owner::Household, Some(_)) => {
                    self.push(
                        p("survivor_share"),
                        "applies only to your or your partner's own income",
                    );
                    None
                }
                (Owner::Household, None) => None,
                (_, given) => Some(given.map_or(0.0, |v| self.number(&p("survivor_share"), v))),
            };
            let stop = stream
                .end_age
                .map(|e| self.age_within(&p("end_age"), e, start_age + 1, u32::MAX));
            out.push(Income {
                name,
                annual,
                start_age,
                end_age: stop,
                inflation_adjusted: stream.inflation_adjusted.unwrap_or(true),
                owner,
                survivor_share,
                taxable: None,
            });
        }
        out
    }

    pub(super) fn events(
        &mut self,
        input: &PlanInput,
        current_age: u32,
        end_age: u32,
    ) -> Vec<Event> {
        if input.events.len() > MAX_EVENTS {
            self.push("events", format!("may hold at most {MAX_EVENTS} events"));
        }
        let mut out = Vec::with_capacity(input.events.len());
        for (i, event) in input.events.iter().enumerate().take(MAX_EVENTS) {
            let p = |field: &str| format!("events[{i}].{field}");
            let name = self.text(
                &p("name"),
                event.name.as_deref(),
                &format!("Event {}", i + 1),
            );
            let age = match self.required(&p("age"), event.age) {
                Some(age) => self.age_within(&p("age"), age, current_age, end_age - 1),
                None => current_age,
            };
            let amount = self.required_number(&p("amount"), event.amount);
            out.push(Event {
                name,
                age,
                amount,
                inflation_adjusted: event.inflation_adjusted.unwrap_or(true),
            });
        }
        out
    }

    /// `vpw` and `autopilot_ii`: the amortizing rate, by default the Bogleheads one.
    fn expected_real_return(
        &mut self,
        s: &SpendingInput,
        defaults: &PlanDefaults,
        allocation: &Allocation,
    ) -> f64 {
        self.number(
            "spending.expected_real_return",
            s.expected_real_return
                .unwrap_or_else(|| vpw_default_return(&defaults.strategy, allocation)),
        )
    }

    /// The age the amortizing strategies spend down by: at least `end_age`.
    fn horizon_age(&mut self, s: &SpendingInput, default: u32, end_age: u32) -> u32 {
        self.age_within(
            "spending.horizon_age",
            s.horizon_age.unwrap_or(default),
            end_age,
            u32::MAX,
        )
    }
}

/// The Bogleheads VPW rate: stocks and bonds at their own real returns, weighted by the first
/// year's allocation (cash counts as bonds), rounded to a hundredth of a percent so the plan
/// reads cleanly.
fn vpw_default_return(d: &crate::engine::plan::StrategyDefaults, a: &Allocation) -> f64 {
    let r = a.stocks * d.vpw_stock_return + (a.bonds + a.cash) * d.vpw_bond_return;
    (r * 10_000.0).round() / 10_000.0
}
