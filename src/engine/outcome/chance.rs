//! A share of paths, with its standard error and Wilson's 95 % interval.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// z for a two-sided 95 % interval.
const Z_95: f64 = 1.959_963_984_540_054;

/// A share of paths with its sampling error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Chance {
    pub probability: f64,
    /// `√(p(1 − p)/n)`.
    pub standard_error: f64,
    /// Wilson score interval (not meaningful for the `historical` model).
    pub interval_95: [f64; 2],
}

impl Chance {
    /// The share of `n` paths that held, with Wilson's 95 % interval.
    pub fn of(held: usize, n: usize) -> Self {
        let p = held as f64 / n as f64;
        let nf = n as f64;
        let z2 = Z_95 * Z_95;
        let center = (p + z2 / (2.0 * nf)) / (1.0 + z2 / nf);
        let half = Z_95 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / (1.0 + z2 / nf);
        Self {
            probability: p,
            standard_error: (p * (1.0 - p) / nf).sqrt(),
            // Wilson's interval always contains p; keep it so after rounding too.
            interval_95: [(center - half).clamp(0.0, p), (center + half).clamp(p, 1.0)],
        }
    }
}
