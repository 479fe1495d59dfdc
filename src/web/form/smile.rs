//! The retirement spending smile preset: spending steps filled in from Blanchett (2014).

use std::collections::BTreeMap;

use super::convert::parse;
use super::{Row, Values};
use crate::engine::plan::fields::Kind;
use crate::format::trim_decimals;

impl Values {
    /// The spending steps of Blanchett's retirement spending smile, from the retirement age
    /// (or the age now) to the plan's end, for the spending typed (or $40,000).
    pub fn fill_smile(&mut self) {
        let number = |name: &str| parse(Kind::Decimal { min: 0.0, max: 0.0 }, self.get(name)).ok();
        let whole = |name: &str| number(name).and_then(|v| v.as_f64()).map(|v| v as u32);
        let start = whole("retirement_age")
            .or(whole("current_age"))
            .unwrap_or(65);
        let end = whole("end_age").unwrap_or(95).max(start + 1);
        let spending = number("spending.annual")
            .and_then(|v| v.as_f64())
            .unwrap_or(40_000.0);
        let rows = crate::engine::plan::smile_steps(start, end - 1, spending)
            .into_iter()
            .map(|step| {
                BTreeMap::from([
                    ("age".to_string(), step.age.to_string()),
                    ("change".to_string(), trim_decimals(step.change * 100.0, 1)),
                ])
            })
            .collect();
        self.set_rows(Row::Steps, rows);
    }

    /// Replaces every row of `kind` with `rows` (a preset's spending steps).
    pub fn set_rows(&mut self, kind: Row, rows: Vec<BTreeMap<String, String>>) {
        let prefix = format!("{kind}[");
        self.map.retain(|k, _| !k.starts_with(&prefix));
        *self.rows_mut(kind) = 0;
        for row in rows {
            self.push_row(kind, row);
        }
    }
}
