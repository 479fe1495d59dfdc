//! Plans: the request a user sends (`PlanInput`, every field but four optional) and the
//! normalized `Plan` the engine runs (every default filled, every range checked).
//!
//! Field names are the API contract (`docs/api.md`, `docs/openapi.json`): the JSON API, the CLI and the form all
//! speak them. Adding a field is fine; renaming one breaks clients.

mod accounts;
mod accounts_check;
mod defaults;
pub mod fields;
mod household;
mod household_input;
mod input;
mod longevity;
mod market_check;
mod normalize;
mod sections;
mod seed;
mod smile;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use accounts::{
    Account, AccountInput, Accounts, AccountsInput, ConversionKind, TaxRules, WithdrawalOrder,
};
pub use defaults::{PlanDefaults, StrategyDefaults};
pub use fields::FieldError;
pub use household::{
    MAX_STEPS, Owner, Partner, PartnerInput, SocialSecurity, SocialSecurityInput, SpendingStep,
    SpendingStepInput,
};
pub use input::{PlanInput, SpendingInput, StrategyName, parse_plan_json};
pub use longevity::{Longevity, LongevityInput, LongevityModel};
pub use normalize::Limits;
pub use seed::{MAX_SEED, derive_seed};
pub use smile::{blanchett_change, smile_steps};

// Only `PlanInput::normalize` makes a `Plan` (its private `sealed` field rules out a struct
// literal elsewhere, and it has no `Deserialize`), and a stored plan is read back through it
// too (`Plan::from_stored`): the engine may rely on every range holding.
/// A validated plan with every default filled in, as the engine ran it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = NormalizedPlan)]
pub struct Plan {
    pub name: String,
    pub current_age: u32,
    pub retirement_age: u32,
    pub end_age: u32,
    /// Only with a Social Security claim, or when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_year: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub social_security: Option<SocialSecurity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner: Option<Partner>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<crate::engine::life_table::Sex>,
    /// Only with drawn lifetimes; fixed ones run until the end ages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longevity: Option<Longevity>,
    pub portfolio: Portfolio,
    /// Taxable, traditional and Roth accounts: taxes are computed as they are paid. The
    /// portfolio's balance and contribution are their sums.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accounts: Option<Accounts>,
    pub allocation: Allocation,
    pub spending: Spending,
    pub income: Vec<Income>,
    pub events: Vec<Event>,
    pub fees: Fees,
    pub tax: Tax,
    pub market: Market,
    pub simulation: Simulation,
    #[serde(skip)]
    #[schema(ignore)]
    sealed: Sealed,
}

/// Proof that a [`Plan`] came from validation: only this module and its children can make one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sealed(());

impl Plan {
    /// A plan as stored with a result (its normalized JSON), validated again. A stored plan
    /// spells out every field, so the defaults only fill what later engine versions added;
    /// no scenario cap applies, since the plan was accepted when it ran.
    pub fn from_stored(json: &str) -> Result<Self, StoredPlanError> {
        let input = parse_plan_json(json).map_err(|e| StoredPlanError(vec![e]))?;
        input
            .normalize(
                &PlanDefaults::default(),
                Limits {
                    max_scenarios: u32::MAX,
                    this_year: None,
                },
            )
            .map_err(StoredPlanError)
    }

    /// Simulated years: one per age from `current_age` up to, not including, `end_age`;
    /// with a partner, until the later of the two deaths; with drawn lifetimes, until the
    /// younger of you would be 120 (each path ends at its last death).
    pub fn years(&self) -> usize {
        horizon_years(
            self.current_age,
            self.end_age,
            self.partner.as_ref(),
            self.longevity.is_some(),
        ) as usize
    }

    /// Your age at the plan's end (exclusive): `end_age`, or later when a partner outlives
    /// you. Charts and tables of the whole plan run to it.
    pub fn horizon_age(&self) -> u32 {
        self.current_age + self.years() as u32
    }
}

/// The years a plan runs: to `end_age`; with a partner, to the later of the two end ages;
/// with drawn lifetimes, until the younger of you would be 120 (at most 100 years).
fn horizon_years(current_age: u32, end_age: u32, partner: Option<&Partner>, drawn: bool) -> u32 {
    if drawn {
        let ages = std::iter::once(current_age).chain(partner.map(|p| p.current_age));
        return Longevity::years(ages);
    }
    let yours = end_age - current_age;
    partner.map_or(yours, |p| yours.max(p.years()))
}

/// A stored plan that no longer validates, with its field errors.
#[derive(Debug, thiserror::Error)]
#[error("a stored plan does not validate: {0:?}")]
pub struct StoredPlanError(pub Vec<FieldError>);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Portfolio {
    /// Today's balance, dollars.
    pub balance: f64,
    /// Saved every year before retirement, in today's dollars (raised with inflation).
    pub annual_contribution: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Allocation {
    pub stocks: f64,
    pub bonds: f64,
    pub cash: f64,
    /// Stocks move linearly from `stocks` in the first year to `end_stocks` in the last;
    /// bonds take up the difference and cash stays fixed.
    pub glide_path: Option<GlidePath>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GlidePath {
    pub end_stocks: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Spending {
    /// Planned yearly spending in today's dollars. `constant_dollar` spends it, `guardrails`
    /// starts from it; the variable strategies derive their default floor from it.
    pub annual: f64,
    #[serde(flatten)]
    pub strategy: Strategy,
    /// With a partner: household spending after the first death, as a share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub survivor_share: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<SpendingStep>,
}

/// How much to withdraw each year, with the strategy's own parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "strategy", rename_all = "snake_case")]
pub enum Strategy {
    /// The 4 % rule: `annual` every year, raised with inflation.
    ConstantDollar,
    /// `percent` of the balance each year, kept between a real `floor` and `ceiling`.
    ConstantPercent {
        percent: f64,
        floor: f64,
        ceiling: Option<f64>,
    },
    /// Guyton-Klinger decision rules around the initial withdrawal rate.
    Guardrails {
        upper_guard: f64,
        lower_guard: f64,
        adjustment: f64,
        floor: f64,
    },
    /// Variable percentage withdrawal (Bogleheads): amortize the balance over the years left
    /// until `horizon_age`.
    Vpw {
        expected_real_return: f64,
        floor: f64,
        /// The withdrawal at `horizon_age − 1` spends what is left. Always set by
        /// normalization; absent only in plans stored before engine 1.1.0, which amortized
        /// to `end_age`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        horizon_age: Option<u32>,
    },
    /// 1/N: the balance divided by the years left before `horizon_age`.
    #[serde(rename = "one_over_n")]
    OneOverN { floor: f64, horizon_age: u32 },
    /// Yale's endowment rule: `smoothing` of last year's real withdrawal plus the rest of
    /// `percent` of the balance.
    Endowment {
        percent: f64,
        smoothing: f64,
        floor: f64,
    },
    /// Clyatt's 95 % rule: `percent` of the balance, never less than 95 % of last year's
    /// withdrawal.
    #[serde(rename = "ninety_five_percent")]
    NinetyFivePercent { percent: f64, floor: f64 },
    /// Vanguard's dynamic spending: `percent` of the balance, its yearly real change kept
    /// within `+max_increase` and `−max_decrease`.
    VanguardDynamic {
        percent: f64,
        max_increase: f64,
        max_decrease: f64,
        floor: f64,
    },
    /// Sensible withdrawals: `percent` of the balance plus `extras_rate` of last year's real
    /// gain, when there was one.
    SensibleWithdrawals {
        percent: f64,
        extras_rate: f64,
        floor: f64,
    },
    /// Hebeler's Autopilot II: `smoothing` of last year's real withdrawal plus the rest of
    /// the amortized payment over the years left before `horizon_age`.
    #[serde(rename = "autopilot_ii")]
    AutopilotIi {
        expected_real_return: f64,
        horizon_age: u32,
        smoothing: f64,
        floor: f64,
    },
    /// CAPE-based: `base_rate + cape_weight / CAPE` of the balance (historical model only).
    Cape {
        base_rate: f64,
        cape_weight: f64,
        floor: f64,
    },
}

impl Strategy {
    /// The strategy's name in the contract (`spending.strategy`).
    pub fn name(&self) -> StrategyName {
        match self {
            Strategy::ConstantDollar => StrategyName::ConstantDollar,
            Strategy::ConstantPercent { .. } => StrategyName::ConstantPercent,
            Strategy::Guardrails { .. } => StrategyName::Guardrails,
            Strategy::Vpw { .. } => StrategyName::Vpw,
            Strategy::OneOverN { .. } => StrategyName::OneOverN,
            Strategy::Endowment { .. } => StrategyName::Endowment,
            Strategy::NinetyFivePercent { .. } => StrategyName::NinetyFivePercent,
            Strategy::VanguardDynamic { .. } => StrategyName::VanguardDynamic,
            Strategy::SensibleWithdrawals { .. } => StrategyName::SensibleWithdrawals,
            Strategy::AutopilotIi { .. } => StrategyName::AutopilotIi,
            Strategy::Cape { .. } => StrategyName::Cape,
        }
    }

    /// The real spending floor of a variable strategy; `None` for `constant_dollar`.
    pub fn floor(&self) -> Option<f64> {
        match *self {
            Strategy::ConstantDollar => None,
            Strategy::ConstantPercent { floor, .. }
            | Strategy::Guardrails { floor, .. }
            | Strategy::Vpw { floor, .. }
            | Strategy::OneOverN { floor, .. }
            | Strategy::Endowment { floor, .. }
            | Strategy::NinetyFivePercent { floor, .. }
            | Strategy::VanguardDynamic { floor, .. }
            | Strategy::SensibleWithdrawals { floor, .. }
            | Strategy::AutopilotIi { floor, .. }
            | Strategy::Cape { floor, .. } => Some(floor),
        }
    }

    pub fn has_floor(&self) -> bool {
        self.floor().is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Income {
    pub name: String,
    /// Yearly amount: today's dollars when inflation-adjusted, else a fixed nominal amount.
    pub annual: f64,
    pub start_age: u32,
    /// Last age paid is `end_age - 1`; `None` pays for life.
    pub end_age: Option<u32>,
    pub inflation_adjusted: bool,
    /// Whose ages `start_age` and `end_age` are, and whose death stops it.
    #[serde(default, skip_serializing_if = "Owner::is_household")]
    pub owner: Owner,
    /// The share paid on after the owner's death; only for a person's income.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub survivor_share: Option<f64>,
    /// With accounts: whether it is ordinary taxable income (a pension, an annuity's taxable
    /// part, rent) or not (a tax-free gift, a Roth annuity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxable: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Event {
    pub name: String,
    pub age: u32,
    /// Positive adds to the portfolio (an inheritance), negative takes from it (a new roof).
    pub amount: f64,
    /// Today's dollars when true, else nominal dollars of that year.
    pub inflation_adjusted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Fees {
    /// Yearly fraction of the balance lost to fund fees.
    pub expense_ratio: f64,
}

// Serialize only: a plan is read back through `PlanInput` (a flattened `Option` of
// all-default fields would read back as `Some`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct Tax {
    /// Without accounts: withdrawals are grossed up so that
    /// `spending = withdrawal × (1 − rate)`. With accounts, 0: taxes are computed.
    pub effective_rate: f64,
    /// With accounts: how taxes are paid and withdrawals ordered.
    #[serde(flatten)]
    pub rules: Option<TaxRules>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Market {
    pub model: MarketModel,
    pub stocks: AssetAssumption,
    pub bonds: AssetAssumption,
    pub cash: AssetAssumption,
    pub inflation: AssetAssumption,
    pub correlations: Correlations,
    /// Student-t degrees of freedom for fat tails; `None` draws normal shocks.
    pub fat_tails_df: Option<f64>,
    /// `bootstrap` only: years drawn together (1 draws independent years).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_years: Option<u32>,
    /// `historical` only: let periods run past the last year and continue from the first,
    /// so every year starts a period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrap_around: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MarketModel {
    /// Correlated lognormal returns from the assumptions below.
    Lognormal,
    /// Every rolling period of US history (1871 on) with the plan's horizon.
    Historical,
    /// Random years, or blocks of years, of US history.
    Bootstrap,
}

impl MarketModel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lognormal => "lognormal",
            Self::Historical => "historical",
            Self::Bootstrap => "bootstrap",
        }
    }
}

/// Arithmetic yearly mean and standard deviation (`0.09`, `0.17`), as users quote them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AssetAssumption {
    pub mean: f64,
    pub volatility: f64,
}

/// Correlations of the yearly shocks. Cash is drawn independently.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Correlations {
    pub stocks_bonds: f64,
    pub stocks_inflation: f64,
    pub bonds_inflation: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Simulation {
    pub scenarios: u32,
    /// Given by the client, or derived from the plan (see [`derive_seed`]).
    pub seed: u64,
}
