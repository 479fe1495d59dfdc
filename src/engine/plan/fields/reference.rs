//! The table as a document: `docs/plan-fields.md` is generated from it (a test keeps the
//! committed copy equal), so the documented bounds and defaults are the enforced ones.

use std::fmt::Write;

use serde_json::Value;

use super::{Fallback, Field, Kind, Only};
use crate::engine::plan::PlanDefaults;
use crate::format::{money, trim_decimals};

/// The Markdown reference of `table`, with configured defaults as `defaults` sets them.
pub fn markdown(table: &[Field], defaults: &PlanDefaults) -> String {
    let mut out = String::from(
        "# Plan fields\n\n\
         Generated from the table of plan fields (`src/engine/plan/fields/table.rs`) by \
         `UPDATE_DOCS=1 cargo test --test http plan_fields`; do not edit by hand. Shares are \
         fractions in JSON (`0.6`) and percentages in the form (`60`). Defaults marked \
         *configured* are the shipped `[plan_defaults]`. The rules between fields are in \
         `docs/api.md` (\"Plans and results\").\n\n\
         | field | form label | default | valid | applies to | meaning |\n\
         |---|---|---|---|---|---|\n",
    );
    for field in table {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            field.path,
            field.label,
            default(field, defaults),
            valid(field.kind),
            applies(field.only),
            field.help.replace('|', "\\|"),
        );
    }
    out
}

fn default(field: &Field, defaults: &PlanDefaults) -> String {
    let shown = |value: &Value| match (field.kind, value) {
        (Kind::Money { .. }, Value::Number(n)) => money(n.as_f64().unwrap_or(0.0)),
        (_, Value::Number(n)) => trim_decimals(n.as_f64().unwrap_or(0.0), 4),
        (_, Value::String(s)) => format!("`{s}`"),
        (_, Value::Null) => "none".into(),
        (_, other) => format!("`{other}`"),
    };
    match field.default {
        Fallback::Required => "required".into(),
        Fallback::Empty => "see meaning".into(),
        Fallback::Config(_) => format!(
            "{} (configured)",
            shown(&field.default_value(defaults).unwrap_or(Value::Null))
        ),
        _ => shown(&field.default_value(defaults).unwrap_or(Value::Null)),
    }
}

fn valid(kind: Kind) -> String {
    let plain = |v: f64| trim_decimals(v, 4);
    match kind {
        Kind::Money { min, max } => format!("{} to {}", money(min), money(max)),
        Kind::Percent { min, max } | Kind::Decimal { min, max } => {
            format!("{} to {}", plain(min), plain(max))
        }
        Kind::Integer { min, max } => format!("{min} to {max}"),
        Kind::Text { max_chars } => format!("at most {max_chars} characters"),
        Kind::Choice(options) => options
            .iter()
            .map(|(value, _)| format!("`{value}`"))
            .collect::<Vec<_>>()
            .join(", "),
        Kind::Flag => "`true` or `false`".into(),
    }
}

fn applies(only: Only) -> String {
    match only {
        Only::Always => "every plan".into(),
        Only::Strategies(list) => list
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", "),
        Only::Model(model) => format!("`{model}` model"),
        Only::Lifetimes(lifetimes) => format!("`{lifetimes}` lifetimes"),
        Only::Accounts => "plans with `accounts`".into(),
    }
}
