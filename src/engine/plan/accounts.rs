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

use super::input::PlanInput;
use super::normalize::Checker;
use crate::engine::tax::{Filing, Law, rmd};

/// The bracket rates a plan may name: every ordinary rate but the top one, whose bracket has
/// no top.
fn bracket_rates() -> Vec<f64> {
    let law = Law::of(crate::engine::tax::BASE_YEAR, Filing::Single);
    law.rates[..law.brackets.len()].to_vec()
}

impl Checker<'_> {
    /// The accounts, when given; each balance and contribution within its bounds, the basis
    /// at most the taxable balance.
    pub(super) fn accounts(&mut self, input: &PlanInput) -> Option<Accounts> {
        let given = input.accounts.as_ref()?;
        let mut account = |name: &str, a: Option<&AccountInput>, taxable: bool| -> Account {
            let a = a.cloned().unwrap_or_default();
            let path = |field: &str| format!("accounts.{name}.{field}");
            let balance = self.optional(&path("balance"), a.balance);
            let annual_contribution =
                self.optional(&path("annual_contribution"), a.annual_contribution);
            let basis = match (taxable, a.basis) {
                (true, Some(basis)) => {
                    Some(self.number_within(&path("basis"), basis, 0.0, balance))
                }
                (true, None) => None,
                (false, Some(_)) => {
                    self.push(path("basis"), "applies only to the taxable account");
                    None
                }
                (false, None) => None,
            };
            Account {
                balance,
                basis,
                annual_contribution,
            }
        };
        Some(Accounts {
            taxable: account("taxable", given.taxable.as_ref(), true),
            traditional: account("traditional", given.traditional.as_ref(), false),
            roth: account("roth", given.roth.as_ref(), false),
        })
    }

    /// The tax rules of a plan with accounts; without them, any rule given is an error.
    pub(super) fn tax_rules(
        &mut self,
        input: &PlanInput,
        accounts: Option<&Accounts>,
        retirement_age: u32,
        birth_year: Option<u32>,
    ) -> Option<TaxRules> {
        let t = &input.tax;
        let Some(accounts) = accounts else {
            let given = [
                ("tax.withdrawal_order", t.withdrawal_order.is_some()),
                ("tax.fill_bracket_rate", t.fill_bracket_rate.is_some()),
                ("tax.conversion", t.conversion.is_some()),
                ("tax.conversion_amount", t.conversion_amount.is_some()),
                (
                    "tax.conversion_bracket_rate",
                    t.conversion_bracket_rate.is_some(),
                ),
                ("tax.conversion_start_age", t.conversion_start_age.is_some()),
                ("tax.conversion_end_age", t.conversion_end_age.is_some()),
                ("tax.state_rate", t.state_rate.is_some()),
                (
                    "tax.state_taxes_social_security",
                    t.state_taxes_social_security.is_some(),
                ),
            ];
            for (path, _) in given.iter().filter(|(_, given)| *given) {
                self.push(*path, "applies only to a plan with accounts");
            }
            return None;
        };
        let withdrawal_order = t.withdrawal_order.unwrap_or_default();
        let fill_bracket_rate = match (withdrawal_order, t.fill_bracket_rate) {
            (WithdrawalOrder::FillBracket, rate) => {
                Some(self.bracket_rate("tax.fill_bracket_rate", rate.unwrap_or(0.12)))
            }
            (_, Some(_)) => {
                self.push(
                    "tax.fill_bracket_rate",
                    "applies only to the fill-the-bracket order",
                );
                None
            }
            (_, None) => None,
        };
        let conversion = t.conversion.unwrap_or_default();
        let converts = conversion != ConversionKind::None;
        let only = |this: &mut Self, path: &str, given: bool, kind: &str| {
            if given {
                this.push(path, format!("applies only to {kind} conversions"));
            }
        };
        let conversion_amount = match conversion {
            ConversionKind::Fixed => {
                Some(self.required_number("tax.conversion_amount", t.conversion_amount))
            }
            _ => {
                only(
                    self,
                    "tax.conversion_amount",
                    t.conversion_amount.is_some(),
                    "fixed",
                );
                None
            }
        };
        let conversion_bracket_rate = match conversion {
            ConversionKind::FillBracket => Some(self.bracket_rate(
                "tax.conversion_bracket_rate",
                t.conversion_bracket_rate.unwrap_or(0.22),
            )),
            _ => {
                let given = t.conversion_bracket_rate.is_some();
                only(
                    self,
                    "tax.conversion_bracket_rate",
                    given,
                    "fill-the-bracket",
                );
                None
            }
        };
        let (conversion_start_age, conversion_end_age) = if converts {
            if accounts.traditional.balance <= 0.0
                && accounts.traditional.annual_contribution <= 0.0
            {
                self.push(
                    "tax.conversion",
                    "needs a traditional account to convert from",
                );
            }
            let start = t.conversion_start_age.unwrap_or(retirement_age);
            let start = self.age("tax.conversion_start_age", start);
            let rmd_age = birth_year.map_or(75, rmd::start_age);
            let end = t.conversion_end_age.unwrap_or(rmd_age.max(start + 1));
            let end = self.age("tax.conversion_end_age", end);
            if end <= start {
                self.push(
                    "tax.conversion_end_age",
                    format!("must be after the first conversion age ({start})"),
                );
            }
            (Some(start), Some(end))
        } else {
            for (path, given) in [
                ("tax.conversion_start_age", t.conversion_start_age.is_some()),
                ("tax.conversion_end_age", t.conversion_end_age.is_some()),
            ] {
                if given {
                    self.push(path, "applies only with Roth conversions");
                }
            }
            (None, None)
        };
        Some(TaxRules {
            withdrawal_order,
            fill_bracket_rate,
            conversion,
            conversion_amount,
            conversion_bracket_rate,
            conversion_start_age,
            conversion_end_age,
            state_rate: self.optional("tax.state_rate", t.state_rate),
            state_taxes_social_security: t.state_taxes_social_security.unwrap_or(false),
        })
    }

    /// A bracket's rate: one of the law's ordinary rates that has a top.
    fn bracket_rate(&mut self, path: &str, rate: f64) -> f64 {
        let rates = bracket_rates();
        if rates.iter().any(|&r| (r - rate).abs() < 1e-9) {
            return rate;
        }
        let list: Vec<String> = rates.iter().map(|r| format!("{}%", r * 100.0)).collect();
        self.push(
            path,
            format!("must be one of the brackets: {}", list.join(", ")),
        );
        rates[0]
    }
}

impl Checker<'_> {
    /// The portfolio of a plan with accounts: their sums. A balance or contribution given
    /// as well must agree with them.
    pub(super) fn portfolio_of(
        &mut self,
        input: &PlanInput,
        accounts: &Accounts,
    ) -> super::Portfolio {
        let (balance, contribution) = (accounts.balance(), accounts.annual_contribution());
        for (path, given, total) in [
            ("portfolio.balance", input.portfolio.balance, balance),
            (
                "portfolio.annual_contribution",
                input.portfolio.annual_contribution,
                contribution,
            ),
        ] {
            if given.is_some_and(|v| (v - total).abs() > 0.005) {
                let total = crate::format::money(total);
                self.push(
                    path,
                    format!("must be the accounts' total ({total}), or empty"),
                );
            }
        }
        let (lowest, highest) = (
            self.lowest("portfolio.balance"),
            self.highest("portfolio.balance"),
        );
        if !(lowest..=highest).contains(&balance) {
            let (lo, hi) = (crate::format::money(lowest), crate::format::money(highest));
            self.push(
                "accounts",
                format!("must hold between {lo} and {hi} in all"),
            );
        }
        super::Portfolio {
            balance,
            annual_contribution: contribution,
        }
    }

    /// Each income's tax treatment: with accounts, taxable unless said otherwise; without
    /// them, not asked.
    pub(super) fn income_taxes(
        &mut self,
        input: &PlanInput,
        accounts: bool,
        income: &mut [super::Income],
    ) {
        for (i, (stream, given)) in income.iter_mut().zip(&input.income).enumerate() {
            match (accounts, given.taxable) {
                (true, taxable) => stream.taxable = Some(taxable.unwrap_or(true)),
                (false, Some(_)) => {
                    self.push(
                        format!("income[{i}].taxable"),
                        "applies only to a plan with accounts",
                    );
                }
                (false, None) => {}
            }
        }
    }

    /// What a plan with accounts cannot have yet: a partner's own contributions (the
    /// accounts' contributions hold the household's savings) and drawn lifetimes.
    pub(super) fn accounts_with_household(
        &mut self,
        household: &super::household::Household,
        drawn: bool,
    ) {
        if household
            .partner
            .as_ref()
            .is_some_and(|p| p.annual_contribution > 0.0)
        {
            self.push(
                "partner.annual_contribution",
                "with accounts, put your partner's savings in the accounts' yearly contributions",
            );
        }
        if drawn {
            self.push(
                "longevity.model",
                "drawn lifetimes do not yet work with accounts and taxes: use fixed ages",
            );
        }
    }
}

impl PlanInput {
    /// This plan with `extra` more saved today: in the portfolio, or with accounts in the
    /// taxable account (new money: its basis is its value).
    pub fn add_savings(&mut self, extra: f64) {
        match self.accounts.as_mut() {
            None => self.portfolio.balance = Some(self.portfolio.balance.unwrap_or(0.0) + extra),
            Some(accounts) => {
                let taxable = accounts.taxable.get_or_insert_with(AccountInput::default);
                let balance = taxable.balance.unwrap_or(0.0);
                taxable.basis = Some(taxable.basis.unwrap_or(balance) + extra);
                taxable.balance = Some(balance + extra);
                self.portfolio.balance = None;
            }
        }
    }

    /// This plan saving `extra` more a year until retirement: in the portfolio, or with
    /// accounts in the taxable account.
    pub fn add_contribution(&mut self, extra: f64) {
        let more = |v: Option<f64>| Some(v.unwrap_or(0.0) + extra);
        match self.accounts.as_mut() {
            None => self.portfolio.annual_contribution = more(self.portfolio.annual_contribution),
            Some(accounts) => {
                let taxable = accounts.taxable.get_or_insert_with(AccountInput::default);
                taxable.annual_contribution = more(taxable.annual_contribution);
                self.portfolio.annual_contribution = None;
            }
        }
    }
}
