//! The values that fill a plan's omitted fields. They are assumptions, not advice: the
//! service reads them from `[plan_defaults]` in `config/default.toml` (which states the same
//! numbers as `PlanDefaults::default()`, a test keeps the two equal) and shows them in the UI.

use serde::{Deserialize, Serialize};

use super::{AssetAssumption, Correlations, Market, MarketModel};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanDefaults {
    pub scenarios: u32,
    pub stocks: f64,
    pub bonds: f64,
    pub cash: f64,
    pub expense_ratio: f64,
    pub tax_rate: f64,
    pub strategy: StrategyDefaults,
    pub market: Market,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StrategyDefaults {
    /// `constant_percent`: share of the balance spent each year.
    pub percent: f64,
    /// `guardrails`: cut when the withdrawal rate exceeds the initial rate by this fraction…
    pub upper_guard: f64,
    /// …raise when it falls this fraction below it…
    pub lower_guard: f64,
    /// …by this fraction of spending.
    pub adjustment: f64,
    /// `vpw`: real returns of stocks and of bonds (cash counts as bonds) whose
    /// allocation-weighted mean is the default `expected_real_return`, as in the Bogleheads
    /// VPW table (5.0 % and 1.9 %).
    pub vpw_stock_return: f64,
    pub vpw_bond_return: f64,
    /// `vpw`: the default `horizon_age`, or `end_age` when that is later (Bogleheads: 100).
    pub vpw_horizon_age: u32,
    /// Variable strategies: the default floor is this fraction of `spending.annual`.
    pub floor_fraction: f64,
}

impl Default for PlanDefaults {
    fn default() -> Self {
        Self {
            scenarios: 1000,
            stocks: 0.6,
            bonds: 0.4,
            cash: 0.0,
            expense_ratio: 0.001,
            tax_rate: 0.0,
            strategy: StrategyDefaults {
                percent: 0.04,
                upper_guard: 0.2,
                lower_guard: 0.2,
                adjustment: 0.1,
                vpw_stock_return: 0.05,
                vpw_bond_return: 0.019,
                vpw_horizon_age: 100,
                floor_fraction: 0.5,
            },
            market: Market {
                model: MarketModel::Lognormal,
                stocks: AssetAssumption {
                    mean: 0.09,
                    volatility: 0.17,
                },
                bonds: AssetAssumption {
                    mean: 0.045,
                    volatility: 0.06,
                },
                cash: AssetAssumption {
                    mean: 0.03,
                    volatility: 0.01,
                },
                inflation: AssetAssumption {
                    mean: 0.025,
                    volatility: 0.015,
                },
                correlations: Correlations {
                    stocks_bonds: 0.1,
                    stocks_inflation: -0.1,
                    bonds_inflation: -0.2,
                },
                fat_tails_df: None,
                block_years: None,
                wrap_around: None,
            },
        }
    }
}
