//! The plan form: field names are the JSON contract's paths (`portfolio.balance`,
//! `income[0].annual`), so a form post becomes the same `PlanInput` an API client sends.
//!
//! Values stay strings, as typed, until the plan is run: a re-rendered form shows exactly
//! what the user entered. Empty means "use the default". Repeatable rows (income, events,
//! spending steps) are added and removed by submit buttons, so they work without JavaScript.
//! The partner and Social Security groups are optional: left empty, they are not sent.

mod action;
mod convert;
mod smile;
mod view;
mod words;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::engine::Plan;
use crate::engine::plan::fields::{self, FIELDS, Fallback, Field, Kind, Only, Section};
use crate::engine::plan::{FieldError, Limits, PlanDefaults, PlanInput};
pub use action::{Action, Row};
use convert::{display, insert, lookup, parse};
pub use view::{FormView, form_view, form_view_with};

/// The example plan's own values (see [`Values::example`]), as someone would type them.
const EXAMPLE: [(&str, &str); 6] = [
    ("current_age", "60"),
    ("retirement_age", "65"),
    ("end_age", "95"),
    ("portfolio.balance", "1,000,000"),
    ("portfolio.annual_contribution", "15,000"),
    ("spending.annual", "45,000"),
];

/// Rows a form may hold; the server's own limits are higher, and a 422 names them.
const MAX_ROWS: usize = 20;

/// The form's values by field name, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values {
    map: BTreeMap<String, String>,
    pub income_rows: usize,
    pub event_rows: usize,
    pub step_rows: usize,
}

impl Values {
    /// Parses a form post: the values and the button pressed. Unknown names are ignored;
    /// the last value of a name wins (a checkbox follows a hidden `false`). Income and event
    /// rows left entirely empty are dropped and the rest numbered from 0.
    pub fn from_form(pairs: Vec<(String, String)>) -> (Self, Action) {
        let mut action = Action::Run;
        let mut map = BTreeMap::new();
        let mut rows: BTreeMap<(Row, usize), BTreeMap<String, String>> = BTreeMap::new();
        for (name, value) in pairs {
            if name == "action" {
                action = Action::parse(&value);
                continue;
            }
            let Some(spec) = fields::find(FIELDS, &name) else {
                continue;
            };
            let value = value.trim().to_string();
            match fields::row_template(&name) {
                (_, Some(index)) if index < 1000 => {
                    let Some(kind) = Row::ALL.into_iter().find(|r| r.section() == spec.section)
                    else {
                        continue;
                    };
                    let field = spec.path.rsplit('.').next().unwrap_or_default();
                    rows.entry((kind, index))
                        .or_default()
                        .insert(field.to_string(), value);
                }
                (_, Some(_)) => {}
                (_, None) => {
                    map.insert(name, value);
                }
            }
        }
        let mut values = Self {
            map,
            ..Self::default()
        };
        for ((kind, _), row) in rows {
            let typed = row.iter().any(|(field, v)| is_typed(kind, field, v));
            if typed {
                values.push_row(kind, row);
            }
        }
        (values, action)
    }

    /// The values of a JSON plan (the defaults, or a stored normalized plan).
    pub fn from_json(plan: &Value) -> Self {
        let mut values = Self::default();
        // With accounts the portfolio's balance and contribution are their sums: left empty,
        // so that editing an account does not leave a stale total behind.
        let with_accounts = plan.get("accounts").is_some_and(|a| !a.is_null());
        for spec in fixed() {
            if with_accounts && spec.path.starts_with("portfolio.") {
                continue;
            }
            if let Some(v) = lookup(plan, spec.path) {
                values
                    .map
                    .insert(spec.path.to_string(), display(spec.kind, v));
            }
        }
        for kind in Row::ALL {
            for row in lookup(plan, kind.list())
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let row = in_section(FIELDS, kind.section())
                    .filter_map(|spec| {
                        let field = spec.path.rsplit('.').next()?;
                        // A field the plan leaves out is stored as null: an empty input.
                        let value = row.get(field).filter(|v| !v.is_null())?;
                        Some((field.to_string(), display(spec.kind, value)))
                    })
                    .collect();
                values.push_row(kind, row);
            }
        }
        values
    }

    /// The form as first shown: the configured defaults, the required fields empty.
    pub fn defaults(defaults: &PlanDefaults, max_scenarios: u32) -> Self {
        Self::from_json(&defaults_json(defaults, max_scenarios))
    }

    /// The plan the form opens with, so that an answer is in view before any typing: the
    /// configured defaults for someone of 60 with $1,000,000 saved, adding $15,000 a year
    /// until 65 and then spending $45,000 a year to 95.
    pub fn example(defaults: &PlanDefaults, max_scenarios: u32) -> Self {
        let mut values = Self::defaults(defaults, max_scenarios);
        for (name, value) in EXAMPLE {
            values.set(name, value.to_string());
        }
        values
    }

    /// `self` with every field it lacks taken from `base`.
    pub fn or(mut self, base: &Values) -> Self {
        for (name, value) in &base.map {
            if fields::row_template(name).1.is_none() {
                self.map
                    .entry(name.clone())
                    .or_insert_with(|| value.clone());
            }
        }
        self
    }

    pub fn get(&self, name: &str) -> &str {
        self.map.get(name).map_or("", String::as_str)
    }

    pub fn set(&mut self, name: &str, value: String) {
        self.map.insert(name.to_string(), value);
    }

    /// Applies a row button; `false` if it asked for something impossible (too many rows).
    pub fn apply(&mut self, action: &Action) -> bool {
        match *action {
            Action::AddRow(kind) if self.rows(kind) < MAX_ROWS => {
                // A new row shows its flags' defaults (`inflation_adjusted`).
                let row = FIELDS
                    .iter()
                    .filter(|f| f.kind == Kind::Flag && f.section == kind.section())
                    .filter_map(|f| {
                        let value = f.default_value(&PlanDefaults::default())?;
                        let name = f.path.rsplit('.').next()?;
                        Some((name.to_string(), display(f.kind, &value)))
                    })
                    .collect();
                self.push_row(kind, row);
                true
            }
            Action::RemoveRow(kind, index) if index < self.rows(kind) => {
                let prefix = |i: usize| format!("{kind}[{i}].");
                let mut kept = Vec::new();
                for i in 0..self.rows(kind) {
                    let row: BTreeMap<String, String> = self
                        .map
                        .iter()
                        .filter_map(|(k, v)| {
                            Some((k.strip_prefix(&prefix(i))?.to_string(), v.clone()))
                        })
                        .collect();
                    self.map.retain(|k, _| !k.starts_with(&prefix(i)));
                    if i != index {
                        kept.push(row);
                    }
                }
                *self.rows_mut(kind) = 0;
                for row in kept {
                    self.push_row(kind, row);
                }
                true
            }
            _ => false,
        }
    }

    /// The plan these values describe, and an error for each value that is not even a number
    /// (left out of the plan, so the server's checks of the rest still run). Parameters of
    /// another strategy, market model or lifetimes are left out too (see [`Only`]).
    pub fn to_input(&self) -> (PlanInput, Vec<FieldError>) {
        let strategy = self.get("spending.strategy");
        let model = self.get("market.model");
        let lifetimes = self.get("longevity.model");
        let accounts = self
            .map
            .iter()
            .any(|(name, text)| name.starts_with("accounts.") && !text.is_empty());
        let applies = |spec: &Field| match spec.only {
            Only::Always => true,
            Only::Strategies(list) => list.contains(&if strategy.is_empty() {
                "constant_dollar"
            } else {
                strategy
            }),
            Only::Model(m) => m == if model.is_empty() { "lognormal" } else { model },
            Only::Lifetimes(l) => l == lifetimes,
            Only::Accounts => accounts,
        };
        let mut json = Value::Object(Map::new());
        let mut errors = Vec::new();
        for (name, text) in &self.map {
            let Some(spec) = fields::find(FIELDS, name) else {
                continue;
            };
            if text.is_empty() || !applies(spec) {
                continue;
            }
            match parse(spec.kind, text) {
                Ok(value) => insert(&mut json, name, value),
                Err(message) => errors.push(FieldError::new(name.clone(), message)),
            }
        }
        let input = serde_json::from_value(json).unwrap_or_else(|err| {
            // Every value was typed by its `Kind`, so this is a bug between the two tables.
            errors.push(FieldError::new("body", err.to_string()));
            PlanInput::default()
        });
        (input, errors)
    }

    /// The plan, or every error: the unreadable values' and the server's for the rest (a
    /// field left out for being unreadable is not also "required").
    #[tracing::instrument(name = "validate", skip_all)]
    pub fn to_plan(
        &self,
        defaults: &PlanDefaults,
        limits: Limits,
    ) -> Result<Plan, Vec<FieldError>> {
        let (input, mut errors) = self.to_input();
        match input.normalize(defaults, limits) {
            Ok(plan) if errors.is_empty() => Ok(plan),
            Ok(_) => Err(errors),
            Err(server) => {
                let unreadable: Vec<String> = errors.iter().map(|e| e.path.clone()).collect();
                errors.extend(server.into_iter().filter(|e| !unreadable.contains(&e.path)));
                Err(errors)
            }
        }
    }

    fn rows(&self, kind: Row) -> usize {
        match kind {
            Row::Income => self.income_rows,
            Row::Events => self.event_rows,
            Row::Steps => self.step_rows,
        }
    }

    fn rows_mut(&mut self, kind: Row) -> &mut usize {
        match kind {
            Row::Income => &mut self.income_rows,
            Row::Events => &mut self.event_rows,
            Row::Steps => &mut self.step_rows,
        }
    }

    fn push_row(&mut self, kind: Row, row: BTreeMap<String, String>) {
        let index = self.rows(kind);
        for (field, value) in row {
            self.map.insert(format!("{kind}[{index}].{field}"), value);
        }
        *self.rows_mut(kind) += 1;
    }
}

/// Whether a row's value was typed: not empty, not a checkbox, not a choice left at its
/// default (an income's owner).
fn is_typed(kind: Row, field: &str, value: &str) -> bool {
    let Some(spec) = fields::find(FIELDS, &format!("{kind}[].{field}")) else {
        return false;
    };
    match (spec.kind, spec.default) {
        _ if value.is_empty() => false,
        (Kind::Flag, _) => false,
        (Kind::Choice(_), Fallback::Choice(default)) => value != default,
        _ => true,
    }
}

/// The fields of one section of `table`, in form order.
fn in_section(table: &[Field], section: Section) -> impl Iterator<Item = &Field> {
    table.iter().filter(move |f| f.section == section)
}

/// Every field that is not in a repeatable row.
fn fixed() -> impl Iterator<Item = &'static Field> {
    FIELDS.iter().filter(|f| {
        !matches!(
            f.section,
            Section::Income | Section::Events | Section::Steps
        )
    })
}

/// The configured defaults as a partial plan, in contract paths: each field's configured
/// default and choice from the table, the scenarios within this environment's limit. A
/// fixed number (no contribution) is left empty, which means the same.
fn defaults_json(d: &PlanDefaults, max_scenarios: u32) -> Value {
    let mut json = Value::Object(Map::new());
    for field in fixed().filter(|f| !matches!(f.default, Fallback::Number(_))) {
        if let Some(value) = field.default_value(d).filter(|v| !v.is_null()) {
            insert(&mut json, field.path, value);
        }
    }
    json["simulation"]["scenarios"] = d.scenarios.min(max_scenarios).into();
    json
}

#[cfg(test)]
mod tests;
