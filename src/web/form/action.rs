//! What a form's submit button asks for (run, add or remove a row, fill in a preset), the
//! repeatable rows it acts on, and where the returned page puts the focus.

use super::{Values, in_section};
use crate::engine::plan::fields::{FIELDS, Section};

/// A repeatable row of the form: one entry of a list in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Row {
    Income,
    Events,
    Steps,
}

impl Row {
    pub(super) const ALL: [Row; 3] = [Row::Income, Row::Events, Row::Steps];

    /// The contract's list: `income`, `events`, `spending.steps`.
    pub fn list(self) -> &'static str {
        match self {
            Row::Income => "income",
            Row::Events => "events",
            Row::Steps => "spending.steps",
        }
    }

    pub(super) fn section(self) -> Section {
        match self {
            Row::Income => Section::Income,
            Row::Events => Section::Events,
            Row::Steps => Section::Steps,
        }
    }

    fn named(list: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|row| row.list() == list)
    }
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.list())
    }
}

/// What the submit button asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Run,
    /// Add an empty row.
    AddRow(Row),
    /// Remove row `index`.
    RemoveRow(Row, usize),
    /// Fill the market assumptions with a named set (`defaults`, `us_history`).
    Preset(String),
}

impl Action {
    /// The field to focus once the button's page is back: the new row's first field, the
    /// row now where a removed one was, the first value a preset filled in.
    pub fn focus(&self, values: &Values) -> Option<String> {
        let first = |kind: Row, index: usize| {
            in_section(FIELDS, kind.section())
                .next()
                .map(|f| f.path.replace("[]", &format!("[{index}]")))
        };
        match self {
            Action::Run => None,
            Action::AddRow(kind) => first(*kind, values.rows(*kind).checked_sub(1)?),
            Action::RemoveRow(kind, index) => {
                first(*kind, (*index).min(values.rows(*kind).checked_sub(1)?))
            }
            Action::Preset(name) if name == "smile" => first(Row::Steps, 0),
            Action::Preset(_) => Some("market.stocks.mean".to_string()),
        }
    }

    pub(super) fn parse(value: &str) -> Self {
        if let Some(kind) = value.strip_prefix("add:").and_then(Row::named) {
            return Self::AddRow(kind);
        }
        if let Some((kind, index)) = value
            .strip_prefix("remove:")
            .and_then(|rest| rest.split_once(':'))
            && let (Some(kind), Ok(index)) = (Row::named(kind), index.parse())
        {
            return Self::RemoveRow(kind, index);
        }
        if let Some(name) = value.strip_prefix("preset:") {
            return Self::Preset(name.to_string());
        }
        Self::Run
    }
}
