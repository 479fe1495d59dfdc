//! The plan as a client sends it: only `current_age`, `end_age`, `portfolio.balance` and
//! `spending.annual` are required. Unknown fields are refused, so a typo such as
//! `spending.anual` is an error instead of a silently ignored default.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::MarketModel;
use super::accounts::{AccountsInput, ConversionKind, WithdrawalOrder};
use super::fields::FieldError;
use super::household_input::{
    LongevityInput, Owner, PartnerInput, SocialSecurityInput, SpendingStepInput,
};
use crate::engine::life_table::Sex;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(title = "Plan")]
pub struct PlanInput {
    /// Free text, at most 80 characters as sent; HTML and control characters are then stripped.
    #[schema(example = "Our plan")]
    pub name: Option<String>,
    /// Required. Age now, in years.
    #[schema(required = true, nullable = false, example = 60)]
    pub current_age: Option<u32>,
    /// Age at which contributions stop; defaults to `current_age` (already retired).
    #[schema(example = 65)]
    pub retirement_age: Option<u32>,
    /// Required. The plan runs until this age (exclusive), at most 100 years. With a
    /// partner, you live until this age and the plan runs while either of you lives.
    #[schema(required = true, nullable = false, example = 95)]
    pub end_age: Option<u32>,
    /// Your year of birth, which sets your full retirement age. Default: this year less your
    /// age now; needed only with `social_security`.
    #[schema(example = 1966)]
    pub birth_year: Option<u32>,
    /// Your Social Security retirement benefit. Paid from the claiming age, raised with
    /// inflation; see `docs/methodology.md` for SSA's rules.
    pub social_security: Option<SocialSecurityInput>,
    /// A spouse or partner: the plan becomes a household's.
    pub partner: Option<PartnerInput>,
    /// `female` or `male`: the life table your drawn lifetime comes from.
    pub sex: Option<Sex>,
    /// Fixed lifetimes (until the end ages, the default) or drawn from SSA life tables.
    pub longevity: Option<LongevityInput>,
    /// Required, for `balance` (unless `accounts` gives it).
    #[serde(default)]
    #[schema(required = true)]
    pub portfolio: PortfolioInput,
    /// Taxable, traditional and Roth accounts. With them, taxes are computed year by year
    /// as they are paid (federal brackets, capital gains, Social Security taxation, RMDs)
    /// instead of by `tax.effective_rate`.
    pub accounts: Option<AccountsInput>,
    #[serde(default)]
    pub allocation: AllocationInput,
    /// Required, for `annual`.
    #[serde(default)]
    #[schema(required = true)]
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

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PortfolioInput {
    /// Required unless `accounts` are given (their sum is the balance). Invested savings
    /// today, in dollars.
    #[schema(required = true, nullable = false, example = 1000000)]
    pub balance: Option<f64>,
    /// Added at the start of each year before retirement, in today's dollars. Default 0.
    #[schema(example = 20000)]
    pub annual_contribution: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllocationInput {
    /// Share in stocks; the three weights must sum to 1. Default from config (0.6).
    #[schema(example = 0.6)]
    pub stocks: Option<f64>,
    /// Share in bonds. Default from config (0.4).
    #[schema(example = 0.4)]
    pub bonds: Option<f64>,
    /// Share in cash. Default from config (0).
    #[schema(example = 0.0)]
    pub cash: Option<f64>,
    /// Move the stock share linearly to `end_stocks` by `end_age`; bonds take the rest.
    pub glide_path: Option<GlidePathInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GlidePathInput {
    /// Stock share in the last year.
    #[schema(example = 0.4)]
    pub end_stocks: Option<f64>,
}

/// The withdrawal strategy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StrategyName {
    #[default]
    ConstantDollar,
    ConstantPercent,
    Guardrails,
    Vpw,
    #[serde(rename = "one_over_n")]
    OneOverN,
    Endowment,
    #[serde(rename = "ninety_five_percent")]
    NinetyFivePercent,
    VanguardDynamic,
    SensibleWithdrawals,
    #[serde(rename = "autopilot_ii")]
    AutopilotIi,
    Cape,
}

impl StrategyName {
    pub const ALL: [StrategyName; 11] = [
        StrategyName::ConstantDollar,
        StrategyName::ConstantPercent,
        StrategyName::Guardrails,
        StrategyName::Vpw,
        StrategyName::OneOverN,
        StrategyName::Endowment,
        StrategyName::NinetyFivePercent,
        StrategyName::VanguardDynamic,
        StrategyName::SensibleWithdrawals,
        StrategyName::AutopilotIi,
        StrategyName::Cape,
    ];

    /// The contract name, as in `"strategy": "guardrails"`.
    pub fn as_str(self) -> &'static str {
        match self {
            StrategyName::ConstantDollar => "constant_dollar",
            StrategyName::ConstantPercent => "constant_percent",
            StrategyName::Guardrails => "guardrails",
            StrategyName::Vpw => "vpw",
            StrategyName::OneOverN => "one_over_n",
            StrategyName::Endowment => "endowment",
            StrategyName::NinetyFivePercent => "ninety_five_percent",
            StrategyName::VanguardDynamic => "vanguard_dynamic",
            StrategyName::SensibleWithdrawals => "sensible_withdrawals",
            StrategyName::AutopilotIi => "autopilot_ii",
            StrategyName::Cape => "cape",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpendingInput {
    /// Default `constant_dollar`. Parameters of another strategy are refused.
    pub strategy: Option<StrategyName>,
    /// Required. Spending in the first retirement year, in today's dollars, before tax.
    #[schema(required = true, nullable = false, example = 40000)]
    pub annual: Option<f64>,
    /// `constant_percent`, `endowment`, `ninety_five_percent`, `vanguard_dynamic` and
    /// `sensible_withdrawals`: share of the balance withdrawn each year (the target, or the
    /// base). Default 0.04.
    #[schema(example = 0.04)]
    pub percent: Option<f64>,
    /// Variable strategies: real spending below this in a retirement year fails the path
    /// (reported apart from running out of money as `floor_held`). Default half of `annual`.
    pub floor: Option<f64>,
    /// `constant_percent`: real spending never exceeds this.
    pub ceiling: Option<f64>,
    /// `guardrails`: cut when the withdrawal rate is this much above the initial rate. Default 0.2.
    #[schema(example = 0.2)]
    pub upper_guard: Option<f64>,
    /// `guardrails`: raise when the withdrawal rate is this much below the initial rate. Default 0.2.
    #[schema(example = 0.2)]
    pub lower_guard: Option<f64>,
    /// `guardrails`: size of each cut or raise. Default 0.1.
    #[schema(example = 0.1)]
    pub adjustment: Option<f64>,
    /// `endowment` and `autopilot_ii`: the share of each withdrawal that is last year's
    /// real withdrawal; the rest follows the balance. Default 0.7 (Yale's rule) for
    /// `endowment`, 0.75 (Hebeler) for `autopilot_ii`.
    #[schema(example = 0.7)]
    pub smoothing: Option<f64>,
    /// `vanguard_dynamic`: real spending rises at most this much a year. Default 0.05.
    #[schema(example = 0.05)]
    pub max_increase: Option<f64>,
    /// `vanguard_dynamic`: real spending falls at most this much a year. Default 0.025.
    #[schema(example = 0.025)]
    pub max_decrease: Option<f64>,
    /// `sensible_withdrawals`: share of last year's real gain withdrawn on top of `percent`,
    /// in years after a gain. Default 0.1.
    #[schema(example = 0.1)]
    pub extras_rate: Option<f64>,
    /// `cape`: the withdrawal rate is `base_rate + cape_weight / CAPE`. Default 0.0175.
    #[schema(example = 0.0175)]
    pub base_rate: Option<f64>,
    /// `cape`: weight of the earnings yield `1 / CAPE`. Default 0.5.
    #[schema(example = 0.5)]
    pub cape_weight: Option<f64>,
    /// `vpw` and `autopilot_ii`: real return assumed when amortizing the balance. Default: the allocation's
    /// weighted mean of 5.0 % for stocks and 1.9 % for bonds and cash (the Bogleheads VPW
    /// table), 0.0376 for 60/40.
    #[schema(example = 0.0376)]
    pub expected_real_return: Option<f64>,
    /// `vpw`, `one_over_n` and `autopilot_ii`: the balance is amortized over the years before
    /// this age; the withdrawal in the year before it spends what is left. Default 100, or
    /// `end_age` when later (`one_over_n`: `end_age`). At least `end_age`.
    #[schema(example = 100)]
    pub horizon_age: Option<u32>,
    /// With a partner: after the first death, household spending is this share of what it
    /// was. Default 0.7.
    #[schema(example = 0.7)]
    pub survivor_share: Option<f64>,
    /// Changes in real spending from an age on, in order of age (a "spending smile").
    #[serde(default)]
    pub steps: Vec<SpendingStepInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncomeInput {
    /// Free text, at most 80 characters.
    #[schema(example = "Social Security")]
    pub name: Option<String>,
    /// Required. Yearly amount, in today's dollars when inflation-adjusted.
    #[schema(required = true, nullable = false, example = 24000)]
    pub annual: Option<f64>,
    /// Required. First age at which it is paid.
    #[schema(required = true, nullable = false, example = 67)]
    pub start_age: Option<u32>,
    /// Last age (exclusive); default: for life.
    pub end_age: Option<u32>,
    /// Rises with inflation (Social Security) or not (most pensions). Default true.
    pub inflation_adjusted: Option<bool>,
    /// Whose it is: `household` (default; paid while either of you lives, ages are yours),
    /// `primary` (yours) or `partner` (ages are your partner's).
    pub owner: Option<Owner>,
    /// A person's income: the share still paid to the survivor after the owner's death
    /// (`0.5` for a pension with a 50 % survivor benefit). Default 0.
    #[schema(example = 0.5)]
    pub survivor_share: Option<f64>,
    /// With accounts: ordinary taxable income (true, the default) or tax-free.
    pub taxable: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    /// Free text, at most 80 characters.
    #[schema(example = "New roof")]
    pub name: Option<String>,
    /// Required. Age in the year it happens.
    #[schema(required = true, nullable = false, example = 70)]
    pub age: Option<u32>,
    /// Required. Negative for a cost, positive for an inflow (an inheritance).
    #[schema(required = true, nullable = false, example = -30000)]
    pub amount: Option<f64>,
    /// The amount is in today's dollars. Default true.
    pub inflation_adjusted: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeesInput {
    /// Yearly fund and advisory costs as a share of the balance. Default 0.001.
    #[schema(example = 0.001)]
    pub expense_ratio: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxInput {
    /// Without accounts: withdrawals are grossed up by this rate. Default 0. With accounts
    /// taxes are computed, and this must be omitted or 0.
    #[schema(example = 0.0)]
    pub effective_rate: Option<f64>,
    /// With accounts: `taxable_first` (default), `proportional` or `fill_bracket`.
    pub withdrawal_order: Option<WithdrawalOrder>,
    /// `fill_bracket` order: the ordinary rate whose bracket top traditional withdrawals
    /// fill first, one of the table's rates below the top one. Default 0.12.
    #[schema(example = 0.12)]
    pub fill_bracket_rate: Option<f64>,
    /// With accounts: Roth conversions, `none` (default), `fixed` or `fill_bracket`.
    pub conversion: Option<ConversionKind>,
    /// `fixed` conversions: converted each year, in today's dollars.
    #[schema(example = 20000)]
    pub conversion_amount: Option<f64>,
    /// `fill_bracket` conversions: the bracket whose top taxable ordinary income reaches.
    /// Default 0.22.
    #[schema(example = 0.22)]
    pub conversion_bracket_rate: Option<f64>,
    /// First age (yours) with a conversion. Default: the retirement age.
    #[schema(example = 65)]
    pub conversion_start_age: Option<u32>,
    /// Conversions stop before this age. Default: the age your required minimum
    /// distributions start (73 or 75).
    #[schema(example = 73)]
    pub conversion_end_age: Option<u32>,
    /// With accounts: a flat state income tax on federal AGI, 0 to 0.15. Default 0.
    #[schema(example = 0.05)]
    pub state_rate: Option<f64>,
    /// Whether the state taxes Social Security. Default false.
    pub state_taxes_social_security: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketInput {
    /// `lognormal` (default), `historical` (every rolling period of US history since 1871)
    /// or `bootstrap` (random years or blocks of US history).
    pub model: Option<MarketModel>,
    /// Arithmetic yearly mean and volatility, nominal. Default 0.09 ± 0.17.
    pub stocks: Option<AssetInput>,
    /// Default 0.045 ± 0.06.
    pub bonds: Option<AssetInput>,
    /// Default 0.03 ± 0.01.
    pub cash: Option<AssetInput>,
    /// Normal, floored at −50 %. Default 0.025 ± 0.015.
    pub inflation: Option<AssetInput>,
    pub correlations: Option<CorrelationsInput>,
    /// Student-t degrees of freedom for fat tails; null for normal shocks. The shocks are
    /// scaled to unit variance, so the volatility is kept: extreme years grow likelier while
    /// ordinary ones get calmer, and the odds of success can rise.
    pub fat_tails_df: Option<f64>,
    /// `bootstrap` only: years drawn together, 1 (independent years, the default) to 30.
    #[schema(example = 5)]
    pub block_years: Option<u32>,
    /// `historical` only: every year starts a period, wrapping from the last year back to
    /// 1871. Default false: only start years with a full horizon.
    pub wrap_around: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetInput {
    /// Arithmetic yearly mean (−0.2 to 0.3; inflation −0.05 to 0.2).
    pub mean: Option<f64>,
    /// Yearly standard deviation (0 to 1; inflation 0 to 0.2).
    pub volatility: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrelationsInput {
    #[schema(example = 0.1)]
    pub stocks_bonds: Option<f64>,
    #[schema(example = -0.1)]
    pub stocks_inflation: Option<f64>,
    #[schema(example = -0.2)]
    pub bonds_inflation: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationInput {
    /// Simulated paths, 10 to the environment's `simulation.max_scenarios`. Default 1000.
    #[schema(example = 1000)]
    pub scenarios: Option<u32>,
    /// Random seed (up to 2^53 − 1). Default: derived from the plan, so equal plans give equal answers.
    #[schema(example = 42)]
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
