//! Validation and normalization: `PlanInput` → `Plan`, or every field error at once.
//!
//! The ranges are those of `DESIGN.md` ("Validation of inputs"). Each error names the field's
//! contract path (`income[1].start_age`) so the API can list it and the form can show it next to
//! its input. Nothing is clamped silently: an out-of-range value is an error, not a default.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use super::input::{AssetInput, PlanInput, SpendingInput, StrategyName};
use super::{
    Allocation, AssetAssumption, Correlations, Event, Fees, GlidePath, Income, Market, Plan,
    PlanDefaults, Portfolio, Simulation, Spending, Strategy, Tax, derive_seed,
};
use crate::engine::market::cholesky;

/// One invalid field: its contract path and what is wrong, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Limits set by the environment rather than the contract.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `simulation.max_scenarios` from config.
    pub max_scenarios: u32,
}

pub const MAX_TEXT_CHARS: usize = 80;
pub const MAX_INCOME_STREAMS: usize = 20;
pub const MAX_EVENTS: usize = 50;
const MIN_AGE: u32 = 18;
const MAX_AGE: u32 = 120;
const MAX_YEARS: u32 = 100;
const MIN_SCENARIOS: u32 = 10;
const WEIGHT_TOLERANCE: f64 = 1e-6;

#[derive(Clone, Copy)]
enum Unit {
    Dollars,
    Plain,
}

const MONEY_PER_YEAR: RangeInclusive<f64> = 0.0..=1_000_000.0;

impl PlanInput {
    /// Checks every field and fills every default. On failure, returns all the errors found.
    pub fn normalize(
        &self,
        defaults: &PlanDefaults,
        limits: Limits,
    ) -> Result<Plan, Vec<FieldError>> {
        let mut c = Checker::default();
        let name = c.text("name", self.name.as_deref(), "Retirement plan");

        let current_age = c.required("current_age", self.current_age);
        let end_age = c.required("end_age", self.end_age);
        let current_age = current_age.map(|a| c.age("current_age", a, MIN_AGE..=MAX_AGE - 1));
        let end_age = end_age.map(|a| c.age("end_age", a, MIN_AGE + 1..=MAX_AGE));
        let (current_age, end_age) = match (current_age, end_age) {
            (Some(now), Some(end)) if end <= now => {
                c.push(
                    "end_age",
                    format!("must be greater than current_age ({now})"),
                );
                (now, now + 1)
            }
            (Some(now), Some(end)) if end - now > MAX_YEARS => {
                c.push(
                    "end_age",
                    format!("may be at most {MAX_YEARS} years after current_age"),
                );
                (now, now + 1)
            }
            (now, end) => {
                let now = now.unwrap_or(MIN_AGE);
                (now, end.unwrap_or(now + 1).max(now + 1))
            }
        };
        let retirement_age = match self.retirement_age {
            None => current_age,
            Some(age) => c.age("retirement_age", age, current_age..=end_age),
        };

        let portfolio = Portfolio {
            balance: c.required_number(
                "portfolio.balance",
                self.portfolio.balance,
                1_000.0..=100_000_000.0,
                Unit::Dollars,
            ),
            annual_contribution: c.number(
                "portfolio.annual_contribution",
                self.portfolio.annual_contribution.unwrap_or(0.0),
                MONEY_PER_YEAR,
                Unit::Dollars,
            ),
        };
        let allocation = c.allocation(self, defaults);
        let spending = c.spending(&self.spending, defaults);
        let income = c.income(self, retirement_age, current_age);
        let events = c.events(self, current_age, end_age);
        let fees = Fees {
            expense_ratio: c.fraction(
                "fees.expense_ratio",
                self.fees.expense_ratio.unwrap_or(defaults.expense_ratio),
                0.0..=0.05,
            ),
        };
        let tax = Tax {
            effective_rate: c.fraction(
                "tax.effective_rate",
                self.tax.effective_rate.unwrap_or(defaults.tax_rate),
                0.0..=0.6,
            ),
        };
        let market = c.market(self, defaults);
        let max_scenarios = limits.max_scenarios.max(MIN_SCENARIOS);
        let scenarios = match self.simulation.scenarios {
            None => defaults.scenarios.clamp(MIN_SCENARIOS, max_scenarios),
            Some(n) if (MIN_SCENARIOS..=max_scenarios).contains(&n) => n,
            Some(_) => {
                c.push(
                    "simulation.scenarios",
                    format!("must be between {MIN_SCENARIOS} and {max_scenarios}"),
                );
                MIN_SCENARIOS
            }
        };
        let seed = match self.simulation.seed {
            Some(seed) if seed > super::MAX_SEED => {
                c.push(
                    "simulation.seed",
                    format!(
                        "must be between 0 and {} (2^53 − 1, so JSON keeps it exact)",
                        super::MAX_SEED
                    ),
                );
                None
            }
            seed => seed,
        };
        if !c.errors.is_empty() {
            return Err(c.errors);
        }
        let mut plan = Plan {
            name,
            current_age,
            retirement_age,
            end_age,
            portfolio,
            allocation,
            spending,
            income,
            events,
            fees,
            tax,
            market,
            simulation: Simulation { scenarios, seed: 0 },
        };
        plan.simulation.seed = seed.unwrap_or_else(|| derive_seed(&plan));
        Ok(plan)
    }
}

#[derive(Default)]
struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(path, message));
    }

    fn required<T>(&mut self, path: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.push(path, "is required");
        }
        value
    }

    fn required_number(
        &mut self,
        path: &str,
        value: Option<f64>,
        range: RangeInclusive<f64>,
        unit: Unit,
    ) -> f64 {
        match self.required(path, value) {
            Some(v) => self.number(path, v, range, unit),
            None => *range.start(),
        }
    }

    /// Returns the value when valid, else records the error and returns the range's start so
    /// later checks can go on without cascading errors.
    fn number(&mut self, path: &str, value: f64, range: RangeInclusive<f64>, unit: Unit) -> f64 {
        if value.is_finite() && range.contains(&value) {
            return value;
        }
        let (lo, hi) = (
            format_bound(*range.start(), unit),
            format_bound(*range.end(), unit),
        );
        self.push(path, format!("must be between {lo} and {hi}"));
        *range.start()
    }

    fn fraction(&mut self, path: &str, value: f64, range: RangeInclusive<f64>) -> f64 {
        self.number(path, value, range, Unit::Plain)
    }

    fn age(&mut self, path: &str, age: u32, range: RangeInclusive<u32>) -> u32 {
        if range.contains(&age) {
            return age;
        }
        self.push(
            path,
            format!("must be between {} and {}", range.start(), range.end()),
        );
        *range.start()
    }

    fn text(&mut self, path: &str, value: Option<&str>, default: &str) -> String {
        let Some(raw) = value else {
            return default.to_owned();
        };
        let clean = sanitize_text(raw);
        if clean.chars().count() > MAX_TEXT_CHARS {
            self.push(path, format!("must be at most {MAX_TEXT_CHARS} characters"));
        }
        if clean.is_empty() {
            default.to_owned()
        } else {
            clean
        }
    }

    fn allocation(&mut self, input: &PlanInput, defaults: &PlanDefaults) -> Allocation {
        let a = &input.allocation;
        let errors_before = self.errors.len();
        let cash = self.fraction(
            "allocation.cash",
            a.cash.unwrap_or(defaults.cash),
            0.0..=1.0,
        );
        let (stocks, bonds) = match (a.stocks, a.bonds) {
            (None, None) => (defaults.stocks, defaults.bonds),
            (Some(s), None) => (s, 1.0 - s - cash),
            (None, Some(b)) => (1.0 - b - cash, b),
            (Some(s), Some(b)) => (s, b),
        };
        let stocks = self.fraction("allocation.stocks", stocks, 0.0..=1.0);
        let bonds = self.fraction("allocation.bonds", bonds, 0.0..=1.0);
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
                Some(e) => self.fraction("allocation.glide_path.end_stocks", e, 0.0..=1.0),
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

    fn spending(&mut self, s: &SpendingInput, defaults: &PlanDefaults) -> Spending {
        let annual =
            self.required_number("spending.annual", s.annual, MONEY_PER_YEAR, Unit::Dollars);
        let d = &defaults.strategy;
        let name = s.strategy.unwrap_or_default();
        let own: &[&str] = match name {
            StrategyName::ConstantDollar => &[],
            StrategyName::ConstantPercent => &["percent", "floor", "ceiling"],
            StrategyName::Guardrails => &["upper_guard", "lower_guard", "adjustment", "floor"],
            StrategyName::Vpw => &["expected_real_return", "floor"],
        };
        let given = [
            ("percent", s.percent.is_some()),
            ("floor", s.floor.is_some()),
            ("ceiling", s.ceiling.is_some()),
            ("upper_guard", s.upper_guard.is_some()),
            ("lower_guard", s.lower_guard.is_some()),
            ("adjustment", s.adjustment.is_some()),
            ("expected_real_return", s.expected_real_return.is_some()),
        ];
        let strategy_label = serde_json::to_value(name)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        for (field, is_given) in given {
            if is_given && !own.contains(&field) {
                self.push(
                    format!("spending.{field}"),
                    format!("does not apply to the `{strategy_label}` strategy"),
                );
            }
        }
        let floor = self.number(
            "spending.floor",
            s.floor.unwrap_or(annual * d.floor_fraction),
            MONEY_PER_YEAR,
            Unit::Dollars,
        );
        let strategy = match name {
            StrategyName::ConstantDollar => Strategy::ConstantDollar,
            StrategyName::ConstantPercent => {
                let ceiling = s.ceiling.map(|c| {
                    self.number("spending.ceiling", c, floor..=1_000_000.0, Unit::Dollars)
                });
                Strategy::ConstantPercent {
                    percent: self.fraction(
                        "spending.percent",
                        s.percent.unwrap_or(d.percent),
                        0.001..=0.5,
                    ),
                    floor,
                    ceiling,
                }
            }
            StrategyName::Guardrails => Strategy::Guardrails {
                upper_guard: self.fraction(
                    "spending.upper_guard",
                    s.upper_guard.unwrap_or(d.upper_guard),
                    0.01..=1.0,
                ),
                lower_guard: self.fraction(
                    "spending.lower_guard",
                    s.lower_guard.unwrap_or(d.lower_guard),
                    0.01..=0.99,
                ),
                adjustment: self.fraction(
                    "spending.adjustment",
                    s.adjustment.unwrap_or(d.adjustment),
                    0.01..=0.5,
                ),
                floor,
            },
            StrategyName::Vpw => Strategy::Vpw {
                expected_real_return: self.fraction(
                    "spending.expected_real_return",
                    s.expected_real_return.unwrap_or(d.expected_real_return),
                    -0.05..=0.15,
                ),
                floor,
            },
        };
        Spending { annual, strategy }
    }

    fn income(&mut self, input: &PlanInput, retirement_age: u32, current_age: u32) -> Vec<Income> {
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
            let annual =
                self.required_number(&p("annual"), stream.annual, MONEY_PER_YEAR, Unit::Dollars);
            let start_age = stream.start_age.unwrap_or(retirement_age.max(current_age));
            let start_age = self.age(&p("start_age"), start_age, MIN_AGE..=MAX_AGE);
            let stop = stream
                .end_age
                .map(|e| self.age(&p("end_age"), e, start_age + 1..=MAX_AGE));
            out.push(Income {
                name,
                annual,
                start_age,
                end_age: stop,
                inflation_adjusted: stream.inflation_adjusted.unwrap_or(true),
            });
        }
        out
    }

    fn events(&mut self, input: &PlanInput, current_age: u32, end_age: u32) -> Vec<Event> {
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
                Some(age) => self.age(&p("age"), age, current_age..=end_age - 1),
                None => current_age,
            };
            let amount = self.required_number(
                &p("amount"),
                event.amount,
                -100_000_000.0..=100_000_000.0,
                Unit::Dollars,
            );
            out.push(Event {
                name,
                age,
                amount,
                inflation_adjusted: event.inflation_adjusted.unwrap_or(true),
            });
        }
        out
    }

    fn market(&mut self, input: &PlanInput, defaults: &PlanDefaults) -> Market {
        let m = &input.market;
        let d = &defaults.market;
        let mut asset = |name: &str, given: &Option<AssetInput>, default: AssetAssumption| {
            let (mean_range, vol_range) = if name == "inflation" {
                (-0.05..=0.2, 0.0..=0.2)
            } else {
                (-0.2..=0.3, 0.0..=1.0)
            };
            let given = given.clone().unwrap_or_default();
            AssetAssumption {
                mean: self.fraction(
                    &format!("market.{name}.mean"),
                    given.mean.unwrap_or(default.mean),
                    mean_range,
                ),
                volatility: self.fraction(
                    &format!("market.{name}.volatility"),
                    given.volatility.unwrap_or(default.volatility),
                    vol_range,
                ),
            }
        };
        let stocks = asset("stocks", &m.stocks, d.stocks);
        let bonds = asset("bonds", &m.bonds, d.bonds);
        let cash = asset("cash", &m.cash, d.cash);
        let inflation = asset("inflation", &m.inflation, d.inflation);
        let given = m.correlations.clone().unwrap_or_default();
        let errors_before = self.errors.len();
        let dc = d.correlations;
        let mut corr = |field: &str, value: Option<f64>, default: f64| {
            self.fraction(
                &format!("market.correlations.{field}"),
                value.unwrap_or(default),
                -1.0..=1.0,
            )
        };
        let correlations = Correlations {
            stocks_bonds: corr("stocks_bonds", given.stocks_bonds, dc.stocks_bonds),
            stocks_inflation: corr(
                "stocks_inflation",
                given.stocks_inflation,
                dc.stocks_inflation,
            ),
            bonds_inflation: corr("bonds_inflation", given.bonds_inflation, dc.bonds_inflation),
        };
        if self.errors.len() == errors_before && cholesky(&correlations).is_none() {
            self.push(
                "market.correlations",
                "these three correlations cannot hold together (the matrix is not positive semi-definite)",
            );
        }
        let fat_tails_df = m
            .fat_tails_df
            .or(d.fat_tails_df)
            .map(|df| self.fraction("market.fat_tails_df", df, 3.0..=100.0));
        Market {
            model: m.model.unwrap_or(d.model),
            stocks,
            bonds,
            cash,
            inflation,
            correlations,
            fat_tails_df,
        }
    }
}

/// Strips HTML tags and control characters and trims the ends: names are shown in pages and
/// PDFs, and a name is never markup.
pub fn sanitize_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut in_tag = false;
    for ch in raw.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            '>' => {}
            _ if in_tag || ch.is_control() => {}
            _ => out.push(ch),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn format_bound(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Plain => format!("{value}"),
        Unit::Dollars => {
            let negative = value < 0.0;
            let digits = format!("{:.0}", value.abs());
            let mut grouped = String::new();
            for (i, ch) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    grouped.push(',');
                }
                grouped.push(ch);
            }
            format!("{}${grouped}", if negative { "−" } else { "" })
        }
    }
}
