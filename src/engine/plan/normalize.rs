//! Validation and normalization: `PlanInput` → `Plan`, or every field error at once.
//!
//! Each field's bounds and default come from the table of plan fields (`fields`); the checks
//! here add the rules between fields. Each error names the field's contract path
//! (`income[1].start_age`) so the API can list it and the form can show it next to its input.
//! Nothing is clamped silently: an out-of-range value is an error, not a default.

use super::fields::{FIELDS, Field, FieldError, Kind, find};
use super::input::PlanInput;
use super::{Fees, Plan, PlanDefaults, Portfolio, Sealed, Simulation, Tax, derive_seed};

/// Limits set by the environment rather than the contract.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `simulation.max_scenarios` from config.
    pub max_scenarios: u32,
    /// The calendar year the plan starts in, when known: birth years are checked against
    /// ages, and an omitted one is derived. `None` for stored plans, which spell theirs out.
    pub this_year: Option<u32>,
}

impl Limits {
    /// The limits of a plan made now, in this calendar year (UTC).
    pub fn now(max_scenarios: u32) -> Self {
        use chrono::Datelike;
        Self {
            max_scenarios,
            this_year: u32::try_from(chrono::Utc::now().year()).ok(),
        }
    }
}

pub const MAX_INCOME_STREAMS: usize = 20;
pub const MAX_EVENTS: usize = 50;
pub(super) const MAX_YEARS: u32 = 100;
pub(super) const WEIGHT_TOLERANCE: f64 = 1e-6;

impl PlanInput {
    /// Checks every field and fills every default. On failure, returns all the errors found.
    pub fn normalize(
        &self,
        defaults: &PlanDefaults,
        limits: Limits,
    ) -> Result<Plan, Vec<FieldError>> {
        self.normalize_with(FIELDS, defaults, limits)
    }

    /// [`Self::normalize`] against another table of fields (tests change a bound).
    pub fn normalize_with(
        &self,
        fields: &[Field],
        defaults: &PlanDefaults,
        limits: Limits,
    ) -> Result<Plan, Vec<FieldError>> {
        let mut c = Checker::new(fields, defaults);
        let name = c.text("name", self.name.as_deref(), "Retirement plan");

        let current_age = c.required("current_age", self.current_age);
        let end_age = c.required("end_age", self.end_age);
        let current_age = current_age.map(|a| c.age("current_age", a));
        let end_age = end_age.map(|a| c.age("end_age", a));
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
                let now = now.unwrap_or_else(|| c.lowest("current_age") as u32);
                (now, end.unwrap_or(now + 1).max(now + 1))
            }
        };
        let retirement_age = match self.retirement_age {
            None => current_age,
            Some(age) => c.age_within("retirement_age", age, current_age, end_age),
        };

        let accounts = c.accounts(self);
        let portfolio = match &accounts {
            None => Portfolio {
                balance: c.required_number("portfolio.balance", self.portfolio.balance),
                annual_contribution: c.optional(
                    "portfolio.annual_contribution",
                    self.portfolio.annual_contribution,
                ),
            },
            Some(accounts) => c.portfolio_of(self, accounts),
        };
        let household = c.household(self, current_age, end_age - current_age, limits.this_year);
        let longevity = c.longevity(self, self.sex, household.partner.as_ref().map(|p| p.sex));
        let years = super::horizon_years(
            current_age,
            end_age,
            household.partner.as_ref(),
            longevity.is_some(),
        );
        let last_age = current_age + years - 1;
        let allocation = c.allocation(self, defaults);
        let mut spending = c.spending(&self.spending, defaults, &allocation, last_age + 1);
        spending.steps = c.spending_steps(self, current_age, last_age);
        spending.survivor_share = match (&household.partner, self.spending.survivor_share) {
            (Some(_), given) => Some(c.optional("spending.survivor_share", given)),
            (None, Some(_)) => {
                c.push("spending.survivor_share", "applies only with a partner");
                None
            }
            (None, None) => None,
        };
        let mut income = c.income(self, retirement_age, household.partner.as_ref());
        c.income_taxes(self, accounts.is_some(), &mut income);
        let events = c.events(self, current_age, last_age + 1);
        let fees = Fees {
            expense_ratio: c.optional("fees.expense_ratio", self.fees.expense_ratio),
        };
        let rules = c.tax_rules(
            self,
            accounts.as_ref(),
            retirement_age,
            household.birth_year,
        );
        let effective_rate = match (&accounts, self.tax.effective_rate) {
            (Some(_), Some(rate)) if rate != 0.0 => {
                c.push(
                    "tax.effective_rate",
                    "applies only without accounts: with them, taxes are computed as they are paid",
                );
                0.0
            }
            (Some(_), _) => 0.0,
            (None, rate) => c.optional("tax.effective_rate", rate),
        };
        if accounts.is_some() {
            c.accounts_with_household(&household);
        }
        let tax = Tax {
            effective_rate,
            rules,
        };
        let market = c.market(self, defaults);
        if longevity.is_some() && market.model == super::MarketModel::Historical {
            c.push(
                "longevity.model",
                "drawn lifetimes need a random market model (lognormal or bootstrap): the historical model runs each start year once",
            );
        }
        if matches!(spending.strategy, super::Strategy::Cape { .. }) {
            c.cape_market(&market);
        }
        // The environment, not the table, caps the scenarios (`simulation.max_scenarios`).
        let min_scenarios = c.lowest("simulation.scenarios") as u32;
        let max_scenarios = limits.max_scenarios.max(min_scenarios);
        let scenarios = match self.simulation.scenarios {
            None => defaults.scenarios.clamp(min_scenarios, max_scenarios),
            Some(n) if (min_scenarios..=max_scenarios).contains(&n) => n,
            Some(_) => {
                c.push(
                    "simulation.scenarios",
                    format!("must be between {min_scenarios} and {max_scenarios}"),
                );
                min_scenarios
            }
        };
        let max_seed = c.highest("simulation.seed") as u64;
        let seed = match self.simulation.seed {
            Some(seed) if seed > max_seed => {
                c.push(
                    "simulation.seed",
                    format!("must be between 0 and {max_seed} (2^53 − 1, so JSON keeps it exact)"),
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
            birth_year: household.birth_year,
            social_security: household.social_security,
            partner: household.partner,
            sex: self.sex,
            longevity,
            portfolio,
            accounts,
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

pub(super) struct Checker<'a> {
    pub(super) errors: Vec<FieldError>,
    fields: &'a [Field],
    defaults: &'a PlanDefaults,
}

impl<'a> Checker<'a> {
    fn new(fields: &'a [Field], defaults: &'a PlanDefaults) -> Self {
        Self {
            errors: Vec::new(),
            fields,
            defaults,
        }
    }

    pub(super) fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(path, message));
    }

    /// A field that applies only to one choice (`to` names it: "the `bootstrap` model"):
    /// `Some(given)` when the choice is made (`applies`), else `None`, with an error when the
    /// field was given anyway.
    pub(super) fn applies_only<T>(
        &mut self,
        applies: bool,
        path: &str,
        given: Option<T>,
        to: &str,
    ) -> Option<Option<T>> {
        if applies {
            return Some(given);
        }
        if given.is_some() {
            self.push(path, format!("applies only to {to}"));
        }
        None
    }

    pub(super) fn required<T>(&mut self, path: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.push(path, "is required");
        }
        value
    }

    /// The field at `path` (a concrete name such as `income[1].annual` will do).
    ///
    /// # Panics
    /// When the table lacks it: every path checked here is declared there.
    fn field(&self, path: &str) -> &'a Field {
        find(self.fields, path).unwrap_or_else(|| panic!("{path} is not in the table of fields"))
    }

    fn bounds(&self, path: &str) -> (f64, f64) {
        self.field(path)
            .bounds()
            .unwrap_or_else(|| panic!("{path} has no bounds"))
    }

    pub(super) fn lowest(&self, path: &str) -> f64 {
        self.bounds(path).0
    }

    pub(super) fn highest(&self, path: &str) -> f64 {
        self.bounds(path).1
    }

    pub(super) fn required_number(&mut self, path: &str, value: Option<f64>) -> f64 {
        match self.required(path, value) {
            Some(v) => self.number(path, v),
            None => self.lowest(path),
        }
    }

    /// The field's own default under the configured defaults.
    pub(super) fn default_number(&self, path: &str) -> f64 {
        self.field(path)
            .default_value(self.defaults)
            .and_then(|v| v.as_f64())
            .unwrap_or_else(|| panic!("{path} has no numeric default"))
    }

    /// The value given, or the field's default, checked against its bounds.
    pub(super) fn optional(&mut self, path: &str, value: Option<f64>) -> f64 {
        let value = value.unwrap_or_else(|| self.default_number(path));
        self.number(path, value)
    }

    /// The value when it is within the field's bounds, else records the error and returns
    /// the lower bound so later checks can go on without cascading errors.
    pub(super) fn number(&mut self, path: &str, value: f64) -> f64 {
        let (lo, hi) = self.bounds(path);
        self.number_within(path, value, lo, hi)
    }

    /// [`Self::number`] within `lo..=hi` too (a bound set by another field).
    pub(super) fn number_within(&mut self, path: &str, value: f64, lo: f64, hi: f64) -> f64 {
        let (min, max) = self.bounds(path);
        let (lo, hi) = (lo.max(min), hi.min(max));
        if value.is_finite() && (lo..=hi).contains(&value) {
            // `-0.0` is zero: adding `+0.0` drops its sign, so it is never shown as `-0`.
            return value + 0.0;
        }
        let dollars = matches!(self.field(path).kind, Kind::Money { .. });
        let bound = |v: f64| {
            if dollars {
                crate::format::money(v)
            } else {
                format!("{v}")
            }
        };
        self.push(
            path,
            format!("must be between {} and {}", bound(lo), bound(hi)),
        );
        lo
    }

    pub(super) fn age(&mut self, path: &str, age: u32) -> u32 {
        let (lo, hi) = self.bounds(path);
        self.age_within(path, age, lo as u32, hi as u32)
    }

    /// A whole number (an age, a count of years) within its bounds and `lo..=hi`.
    pub(super) fn age_within(&mut self, path: &str, age: u32, lo: u32, hi: u32) -> u32 {
        let (min, max) = self.bounds(path);
        let (lo, hi) = (lo.max(min as u32), hi.min(max as u32));
        if (lo..=hi).contains(&age) {
            return age;
        }
        self.push(path, format!("must be between {lo} and {hi}"));
        lo
    }

    pub(super) fn text(&mut self, path: &str, value: Option<&str>, default: &str) -> String {
        let Some(raw) = value else {
            return default.to_owned();
        };
        let clean = sanitize_text(raw);
        let max_chars = match self.field(path).kind {
            Kind::Text { max_chars } => max_chars,
            _ => panic!("{path} is not a text field"),
        };
        // The limit is the schema's `maxLength`, on the text as sent: one that is too long is
        // refused even when stripping would shorten it.
        if raw.chars().count() > max_chars {
            self.push(path, format!("must be at most {max_chars} characters"));
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
