//! Validation and normalization: `PlanInput` → `Plan`, or every field error at once.
//!
//! The ranges are those documented in `docs/api.md` ("Plan fields"). Each error names the field's
//! contract path (`income[1].start_age`) so the API can list it and the form can show it next to
//! its input. Nothing is clamped silently: an out-of-range value is an error, not a default.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use super::input::PlanInput;
use super::{Fees, Plan, PlanDefaults, Portfolio, Sealed, Simulation, Tax, derive_seed};

/// One invalid field: its contract path and what is wrong, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
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
pub(super) const MIN_AGE: u32 = 18;
pub(super) const MAX_AGE: u32 = 120;
const MAX_YEARS: u32 = 100;
const MIN_SCENARIOS: u32 = 10;
pub(super) const WEIGHT_TOLERANCE: f64 = 1e-6;

#[derive(Clone, Copy)]
pub(super) enum Unit {
    Dollars,
    Plain,
}

pub(super) const MONEY_PER_YEAR: RangeInclusive<f64> = 0.0..=1_000_000.0;

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
        let spending = c.spending(&self.spending, defaults, &allocation, end_age);
        let income = c.income(self, retirement_age);
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
            sealed: Sealed(()),
        };
        plan.simulation.seed = seed.unwrap_or_else(|| derive_seed(&plan));
        Ok(plan)
    }
}

#[derive(Default)]
pub(super) struct Checker {
    pub(super) errors: Vec<FieldError>,
}

impl Checker {
    pub(super) fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(path, message));
    }

    pub(super) fn required<T>(&mut self, path: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.push(path, "is required");
        }
        value
    }

    pub(super) fn required_number(
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
    pub(super) fn number(
        &mut self,
        path: &str,
        value: f64,
        range: RangeInclusive<f64>,
        unit: Unit,
    ) -> f64 {
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

    pub(super) fn fraction(&mut self, path: &str, value: f64, range: RangeInclusive<f64>) -> f64 {
        self.number(path, value, range, Unit::Plain)
    }

    pub(super) fn age(&mut self, path: &str, age: u32, range: RangeInclusive<u32>) -> u32 {
        if range.contains(&age) {
            return age;
        }
        self.push(
            path,
            format!("must be between {} and {}", range.start(), range.end()),
        );
        *range.start()
    }

    pub(super) fn text(&mut self, path: &str, value: Option<&str>, default: &str) -> String {
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
        Unit::Dollars => crate::format::money(value),
    }
}
