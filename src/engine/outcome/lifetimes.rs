//! What drawn lifetimes add to a result: how long the plans ran, each person's age at
//! death, the chance of outliving the money and what is left at the last death.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Chance;

/// What drawn lifetimes add to a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LifetimesOutcome {
    /// The share of futures in which one of you is still alive, each year.
    pub alive_share: Vec<f64>,
    /// The plan's length in years (to the last death): mean and percentiles.
    pub plan_years: Spread,
    /// Your age at death, and your partner's (mean and percentiles); the partner's is
    /// `null` without one. Ages past the plan's end count as its end.
    pub your_death_age: Spread,
    pub partner_death_age: Option<Spread>,
    /// The chance of outliving the money: that it runs out while one of you is alive.
    pub outlive_money: Chance,
    /// What is left at the last death, in today's dollars.
    pub legacy: Spread,
}

/// A mean and the 5th, 25th, 50th, 75th and 95th percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Spread {
    pub mean: f64,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

impl Spread {
    /// The spread of `values` (reordered), type-7 percentiles.
    pub fn of(values: &mut [f64]) -> Self {
        let mut out = [0.0; 5];
        crate::engine::percentile::percentiles_into(
            values,
            &[0.05, 0.25, 0.5, 0.75, 0.95],
            &mut out,
        );
        Self {
            mean: values.iter().sum::<f64>() / values.len() as f64,
            p5: out[0],
            p25: out[1],
            p50: out[2],
            p75: out[3],
            p95: out[4],
        }
    }
}
