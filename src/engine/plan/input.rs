//! The plan as a client sends it: only `current_age`, `end_age`, `portfolio.balance` and
//! `spending.annual` are required. Unknown fields are refused, so a typo such as
//! `spending.anual` is an error instead of a silently ignored default.

use serde::{Deserialize, Serialize};

use super::MarketModel;
use super::normalize::FieldError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    pub name: Option<String>,
    pub current_age: Option<u32>,
    pub retirement_age: Option<u32>,
    pub end_age: Option<u32>,
    #[serde(default)]
    pub portfolio: PortfolioInput,
    #[serde(default)]
    pub allocation: AllocationInput,
    #[serde(default)]
    pub spending: SpendingInput,
    #[serde(default)]
    pub income: Vec<IncomeInput>,
    #[serde(default)]
    pub events: Vec<EventInput>,
    #[serde(default)]
    pub fees: FeesInput,
    #[serde(default)]
    pub tax: TaxInput,
    #[serde(default)]
    pub market: MarketInput,
    #[serde(default)]
    pub simulation: SimulationInput,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortfolioInput {
    pub balance: Option<f64>,
    pub annual_contribution: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationInput {
    pub stocks: Option<f64>,
    pub bonds: Option<f64>,
    pub cash: Option<f64>,
    pub glide_path: Option<GlidePathInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlidePathInput {
    pub end_stocks: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StrategyName {
    #[default]
    ConstantDollar,
    ConstantPercent,
    Guardrails,
    Vpw,
}

impl StrategyName {
    /// The contract name, as in `"strategy": "guardrails"`.
    pub fn as_str(self) -> &'static str {
        match self {
            StrategyName::ConstantDollar => "constant_dollar",
            StrategyName::ConstantPercent => "constant_percent",
            StrategyName::Guardrails => "guardrails",
            StrategyName::Vpw => "vpw",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpendingInput {
    pub strategy: Option<StrategyName>,
    pub annual: Option<f64>,
    pub percent: Option<f64>,
    pub floor: Option<f64>,
    pub ceiling: Option<f64>,
    pub upper_guard: Option<f64>,
    pub lower_guard: Option<f64>,
    pub adjustment: Option<f64>,
    pub expected_real_return: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncomeInput {
    pub name: Option<String>,
    pub annual: Option<f64>,
    pub start_age: Option<u32>,
    pub end_age: Option<u32>,
    pub inflation_adjusted: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    pub name: Option<String>,
    pub age: Option<u32>,
    pub amount: Option<f64>,
    pub inflation_adjusted: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeesInput {
    pub expense_ratio: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxInput {
    pub effective_rate: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketInput {
    pub model: Option<MarketModel>,
    pub stocks: Option<AssetInput>,
    pub bonds: Option<AssetInput>,
    pub cash: Option<AssetInput>,
    pub inflation: Option<AssetInput>,
    pub correlations: Option<CorrelationsInput>,
    pub fat_tails_df: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetInput {
    pub mean: Option<f64>,
    pub volatility: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrelationsInput {
    pub stocks_bonds: Option<f64>,
    pub stocks_inflation: Option<f64>,
    pub bonds_inflation: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationInput {
    pub scenarios: Option<u32>,
    pub seed: Option<u64>,
}

/// Parses a plan from JSON. A syntax or type error comes back as one field error whose path
/// names the offending field (`spending.annual`), or `body` when no field is to blame.
pub fn parse_plan_json(json: &str) -> Result<PlanInput, FieldError> {
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let path = if path == "." || path == "?" {
            "body".to_owned()
        } else {
            path
        };
        FieldError::new(path, err.into_inner().to_string())
    })
}
