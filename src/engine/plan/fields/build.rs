//! The constructors the tables of fields are written with.

use super::{Fallback, Field, Kind, Only, Section};

pub(super) const fn field(
    path: &'static str,
    section: Section,
    label: &'static str,
    unit: &'static str,
    kind: Kind,
) -> Field {
    Field {
        path,
        section,
        label,
        unit,
        kind,
        default: Fallback::Empty,
        help: "",
        only: Only::Always,
    }
}

impl Field {
    pub(super) const fn help(mut self, help: &'static str) -> Self {
        self.help = help;
        self
    }

    pub(super) const fn default(mut self, default: Fallback) -> Self {
        self.default = default;
        self
    }

    pub(super) const fn needed(mut self) -> Self {
        self.default = Fallback::Required;
        self
    }

    pub(super) const fn only(mut self, only: Only) -> Self {
        self.only = only;
        self
    }
}

pub(super) const fn money(min: f64, max: f64) -> Kind {
    Kind::Money { min, max }
}
pub(super) const fn pct(min: f64, max: f64) -> Kind {
    Kind::Percent { min, max }
}
pub(super) const fn int(min: u64, max: u64) -> Kind {
    Kind::Integer { min, max }
}
pub(super) const fn decimal(min: f64, max: f64) -> Kind {
    Kind::Decimal { min, max }
}
pub(super) const MONEY_PER_YEAR: Kind = money(0.0, 1_000_000.0);

/// `a` then `b`, at compile time.
pub(super) const fn concat<const N: usize>(a: &[Field], b: &[Field]) -> [Field; N] {
    let mut out = [a[0]; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < a.len() { a[i] } else { b[i - a.len()] };
        i += 1;
    }
    out
}
