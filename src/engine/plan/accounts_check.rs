//! Validation of accounts and the tax rules (`PlanInput` → `Accounts`, `TaxRules`), and the
//! changes the analysis makes to a plan with accounts.

use super::accounts::{Account, AccountInput, Accounts, ConversionKind, TaxRules, WithdrawalOrder};
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
        let fill_bracket_rate = self
            .applies_only(
                withdrawal_order == WithdrawalOrder::FillBracket,
                "tax.fill_bracket_rate",
                t.fill_bracket_rate,
                "the fill-the-bracket order",
            )
            .map(|rate| self.bracket_rate("tax.fill_bracket_rate", rate.unwrap_or(0.12)));
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

    /// What a plan with accounts cannot have: a partner's own contributions (the accounts'
    /// contributions hold the household's savings).
    pub(super) fn accounts_with_household(&mut self, household: &super::household::Household) {
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
