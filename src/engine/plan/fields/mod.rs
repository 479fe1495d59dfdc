//! The table of plan fields: for each, its contract path, label, unit, bounds, step, default
//! and help. This is the one place a field is declared. Normalization checks its bounds and
//! fills its defaults from here, the form draws its inputs from here, the OpenAPI document
//! takes its `minimum` and `maximum` from here, and the analysis its search ceilings.
//!
//! Bounds are in contract units: a share is `0.6`, shown and typed in the form as `60` %.
//! Some fields are also checked against others (the retirement age lies between the age now
//! and the end age; a ceiling is at least the floor); the table holds the outer bounds.

mod build;
mod reference;
mod table;
mod taxes;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::PlanDefaults;
pub use reference::markdown;
pub use table::{LONGEVITY_MODELS, MODELS, OWNERS, STRATEGIES};
pub use taxes::{CONVERSIONS, WITHDRAWAL_ORDERS};

/// Every plan field, in form order within each section: a plan's, then those of accounts.
pub const FIELDS: &[Field] =
    &build::concat::<{ table::BASE.len() + taxes::TAXES.len() }>(table::BASE, taxes::TAXES);

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

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Dollars, any amount in the range.
    Money {
        min: f64,
        max: f64,
    },
    /// A share in the contract (`0.6`), shown and typed as a percentage (`60`).
    Percent {
        min: f64,
        max: f64,
    },
    /// A whole number.
    Integer {
        min: u64,
        max: u64,
    },
    /// A plain decimal (correlations, degrees of freedom).
    Decimal {
        min: f64,
        max: f64,
    },
    Text {
        max_chars: usize,
    },
    Choice(&'static [(&'static str, &'static str)]),
    /// Yes or no.
    Flag,
}

/// When a field applies: the server refuses another strategy's or model's parameters, and
/// a health adjustment with fixed lifetimes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Only {
    Always,
    Strategies(&'static [&'static str]),
    Model(&'static str),
    /// A `longevity.model`: `drawn`.
    Lifetimes(&'static str),
    /// Plans with accounts (the form leaves these out while every account is empty).
    Accounts,
}

/// The part of the plan a field belongs to (and the form's section).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    About,
    /// `partner.…`, apart from the partner's claim.
    Partner,
    /// Both claims: `social_security.…` and `partner.social_security.…`.
    SocialSecurity,
    Savings,
    Spending,
    /// Repeatable: `spending.steps[].…`.
    Steps,
    /// Repeatable: `income[].…`.
    Income,
    /// Repeatable: `events[].…`.
    Events,
    /// `accounts.…` and the tax rules that come with them.
    Taxes,
    Market,
    Simulation,
}

/// What an omitted field becomes.
#[derive(Debug, Clone, Copy)]
pub enum Fallback {
    /// Nothing: the plan is refused without it.
    Required,
    /// Nothing, or a value worked out from other fields: the help says which.
    Empty,
    Number(f64),
    Flag(bool),
    Choice(&'static str),
    /// The service's configured default (`[plan_defaults]`).
    Config(fn(&PlanDefaults) -> Value),
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The contract path; in a repeatable row `[]` stands for the index (`income[].annual`).
    pub path: &'static str,
    pub section: Section,
    pub label: &'static str,
    /// Shown after the input: `$`, `%`, `years`.
    pub unit: &'static str,
    pub kind: Kind,
    pub default: Fallback,
    pub help: &'static str,
    pub only: Only,
}

impl Field {
    pub fn required(&self) -> bool {
        matches!(self.default, Fallback::Required)
    }

    /// The bounds as numbers, for the numeric kinds.
    pub fn bounds(&self) -> Option<(f64, f64)> {
        match self.kind {
            Kind::Money { min, max } | Kind::Percent { min, max } | Kind::Decimal { min, max } => {
                Some((min, max))
            }
            Kind::Integer { min, max } => Some((min as f64, max as f64)),
            _ => None,
        }
    }

    /// The smallest change an input makes: `1` for whole numbers, `any` otherwise.
    pub fn step(&self) -> &'static str {
        match self.kind {
            Kind::Integer { .. } => "1",
            _ => "any",
        }
    }

    /// The value an omitted field takes under `defaults`, if it has one of its own.
    pub fn default_value(&self, defaults: &PlanDefaults) -> Option<Value> {
        match self.default {
            Fallback::Required | Fallback::Empty => None,
            Fallback::Number(n) => Some(n.into()),
            Fallback::Flag(b) => Some(b.into()),
            Fallback::Choice(c) => Some(c.into()),
            Fallback::Config(f) => Some(f(defaults)),
        }
    }
}

/// `income[2].annual` → (`income[].annual`, Some(2)); other names unchanged.
pub fn row_template(name: &str) -> (String, Option<usize>) {
    let Some(open) = name.find('[') else {
        return (name.to_string(), None);
    };
    let Some(close) = name[open..].find(']') else {
        return (name.to_string(), None);
    };
    let index = name[open + 1..open + close].parse().ok();
    let template = format!("{}[]{}", &name[..open], &name[open + close + 1..]);
    (template, index)
}

/// The field of a concrete name in `table` (`income[2].annual` → `income[].annual`).
pub fn find<'a>(table: &'a [Field], name: &str) -> Option<&'a Field> {
    // Normalization looks up every field of every plan: no allocation for plain names.
    if !name.contains('[') {
        return table.iter().find(|field| field.path == name);
    }
    let (template, _) = row_template(name);
    table.iter().find(|field| field.path == template)
}

/// The upper bound of the field at `path` in [`FIELDS`].
///
/// # Panics
/// When `path` names no numeric field: a typo in a constant path.
pub fn max(path: &str) -> f64 {
    find(FIELDS, path)
        .and_then(Field::bounds)
        .unwrap_or_else(|| panic!("{path} is not a numeric plan field"))
        .1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique_and_rows_name_their_index() {
        for (i, a) in FIELDS.iter().enumerate() {
            assert!(
                FIELDS[i + 1..].iter().all(|b| b.path != a.path),
                "{} twice",
                a.path
            );
        }
        assert_eq!(
            row_template("income[2].annual"),
            ("income[].annual".into(), Some(2))
        );
        assert_eq!(find(FIELDS, "events[7].age").unwrap().label, "At age");
        assert_eq!(max("spending.annual"), 1_000_000.0);
    }
}
