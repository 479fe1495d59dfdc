//! Accounts by tax treatment, and the tax rules that come with them: the withdrawal order,
//! Roth conversions and a state rate.
//!
//! A plan with `accounts` has its taxes computed as they are paid (`engine::tax`); a plan
//! without them keeps one pot and the effective rate, with the same JSON and numbers as
//! before. With accounts, the portfolio's balance and contribution are the accounts' sums.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The three accounts as a client sends them; an omitted account is empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountsInput {
    /// A brokerage account: withdrawals realize gains in proportion to `1 − basis/balance`.
    pub taxable: Option<AccountInput>,
    /// Pre-tax: 401(k), 403(b), traditional IRA. Withdrawals are ordinary income, and
    /// required minimum distributions apply.
    pub traditional: Option<AccountInput>,
    /// Roth 401(k) and IRA: withdrawals are tax-free.
    pub roth: Option<AccountInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    /// Today's balance, dollars. Default 0.
    #[schema(example = 250000)]
    pub balance: Option<f64>,
    /// `taxable` only: what was paid for the holdings, at most the balance. Default: the
    /// balance (no gains yet).
    #[schema(example = 180000)]
    pub basis: Option<f64>,
    /// Added at the start of each year before your retirement, in today's dollars. Default 0.
    pub annual_contribution: Option<f64>,
}

/// The accounts of a normalized plan. Every account is present (empty when not given).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Accounts {
    pub taxable: Account,
    pub traditional: Account,
    pub roth: Account,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Account {
    pub balance: f64,
    /// `taxable` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<f64>,
    pub annual_contribution: f64,
}

impl Accounts {
    pub fn balance(&self) -> f64 {
        self.taxable.balance + self.traditional.balance + self.roth.balance
    }

    pub fn annual_contribution(&self) -> f64 {
        self.taxable.annual_contribution
            + self.traditional.annual_contribution
            + self.roth.annual_contribution
    }

    /// The taxable account's basis (its balance when none was given).
    pub fn basis(&self) -> f64 {
        self.taxable.basis.unwrap_or(self.taxable.balance)
    }
}

/// Which account each year's withdrawals come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WithdrawalOrder {
    /// Taxable, then traditional, then Roth.
    #[default]
    TaxableFirst,
    /// From each account in proportion to its balance.
    Proportional,
    /// Traditional up to the top of the `fill_bracket_rate` bracket, then taxable, then
    /// Roth, then the rest of traditional.
    FillBracket,
}

impl WithdrawalOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TaxableFirst => "taxable_first",
            Self::Proportional => "proportional",
            Self::FillBracket => "fill_bracket",
        }
    }
}

/// Roth conversions: traditional dollars moved to Roth, taxed as ordinary income that year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConversionKind {
    #[default]
    None,
    /// `conversion_amount` a year, in today's dollars.
    Fixed,
    /// Enough to bring taxable ordinary income to the top of the `conversion_bracket_rate`
    /// bracket.
    FillBracket,
}

impl ConversionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Fixed => "fixed",
            Self::FillBracket => "fill_bracket",
        }
    }
}

/// The tax rules of a plan with accounts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaxRules {
    // `default` on each field: the OpenAPI document then lists none as required, so a plan
    // without accounts (no rules) still matches the flattened `Tax` schema.
    #[serde(default)]
    pub withdrawal_order: WithdrawalOrder,
    /// `fill_bracket` order: the bracket whose top traditional withdrawals fill (`0.12`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_bracket_rate: Option<f64>,
    #[serde(default)]
    pub conversion: ConversionKind,
    /// `fixed` conversions: today's dollars a year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion_amount: Option<f64>,
    /// `fill_bracket` conversions: the bracket to fill (`0.22`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion_bracket_rate: Option<f64>,
    /// Conversions run from this age (yours) until the year before `conversion_end_age`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion_start_age: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion_end_age: Option<u32>,
    /// A flat state income tax on federal adjusted gross income.
    #[serde(default)]
    pub state_rate: f64,
    /// False (the default): the state exempts Social Security, as most do.
    #[serde(default)]
    pub state_taxes_social_security: bool,
}

impl TaxRules {
    /// Whether a conversion happens at `age`.
    pub fn converts_at(&self, age: u32) -> bool {
        self.conversion != ConversionKind::None
            && self.conversion_start_age.is_some_and(|a| age >= a)
            && self.conversion_end_age.is_some_and(|a| age < a)
    }
}
