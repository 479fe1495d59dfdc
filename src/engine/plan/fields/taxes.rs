//! The fields of accounts and the tax rules that come with them.

use super::build::{MONEY_PER_YEAR, field, int, money, pct};
use super::{Fallback, Field, Kind, Only, Section};

pub const WITHDRAWAL_ORDERS: &[(&str, &str)] = &[
    ("taxable_first", "Taxable, then traditional, then Roth"),
    ("proportional", "From each account in proportion"),
    (
        "fill_bracket",
        "Traditional to a bracket's top, then taxable, then Roth",
    ),
];

pub const CONVERSIONS: &[(&str, &str)] = &[
    ("none", "None"),
    ("fixed", "A fixed amount a year"),
    ("fill_bracket", "Fill a tax bracket"),
];

const BALANCE: Kind = money(0.0, 100_000_000.0);
/// A bracket's rate: normalization accepts only the table's rates below the top one.
const BRACKET: Kind = pct(0.1, 0.35);

use Section::{Income, Taxes};

pub(super) const TAXES: &[Field] = &[
    field("accounts.taxable.balance", Taxes, "Taxable account", "$", BALANCE)
        .default(Fallback::Number(0.0))
        .help("A brokerage account. Fill in any account to have taxes computed as they are paid; the portfolio is then the accounts' total."),
    field("accounts.taxable.basis", Taxes, "Its cost basis", "$", BALANCE)
        .help("What the holdings cost. Withdrawals realize gains in proportion to the rest. Empty: the balance (no gains yet).")
        .only(Only::Accounts),
    field("accounts.taxable.annual_contribution", Taxes, "Yearly contribution (taxable)", "$", MONEY_PER_YEAR)
        .default(Fallback::Number(0.0))
        .help("Contributions until your retirement, in today's dollars.")
        .only(Only::Accounts),
    field("accounts.traditional.balance", Taxes, "Traditional 401(k) and IRA", "$", BALANCE)
        .default(Fallback::Number(0.0))
        .help("Pre-tax savings: withdrawals are taxed as income, and required minimum distributions start at 73 or 75."),
    field("accounts.traditional.annual_contribution", Taxes, "Yearly contribution (traditional)", "$", MONEY_PER_YEAR)
        .default(Fallback::Number(0.0))
        .only(Only::Accounts),
    field("accounts.roth.balance", Taxes, "Roth 401(k) and IRA", "$", BALANCE)
        .default(Fallback::Number(0.0))
        .help("Withdrawals are tax-free."),
    field("accounts.roth.annual_contribution", Taxes, "Yearly contribution (Roth)", "$", MONEY_PER_YEAR)
        .default(Fallback::Number(0.0))
        .only(Only::Accounts),
    field("tax.withdrawal_order", Taxes, "Withdrawal order", "", Kind::Choice(WITHDRAWAL_ORDERS))
        .default(Fallback::Choice("taxable_first"))
        .help("Which account pays each year's spending and its tax.")
        .only(Only::Accounts),
    field("tax.fill_bracket_rate", Taxes, "Bracket to fill", "%", BRACKET)
        .help("With the bracket order: traditional withdrawals first fill the bracket of this rate (10, 12, 22, 24, 32 or 35). Empty: 12.")
        .only(Only::Accounts),
    field("tax.conversion", Taxes, "Roth conversions", "", Kind::Choice(CONVERSIONS))
        .default(Fallback::Choice("none"))
        .help("Move traditional savings to Roth, paying the tax now, from the taxable account when it can.")
        .only(Only::Accounts),
    field("tax.conversion_amount", Taxes, "Converted a year", "$", MONEY_PER_YEAR)
        .help("A fixed amount, in today's dollars.")
        .only(Only::Accounts),
    field("tax.conversion_bracket_rate", Taxes, "Convert to the top of", "%", BRACKET)
        .help("The bracket your taxable income fills (10, 12, 22, 24, 32 or 35). Empty: 22.")
        .only(Only::Accounts),
    field("tax.conversion_start_age", Taxes, "Convert from age", "years", int(18, 119))
        .help("Empty: your retirement age.")
        .only(Only::Accounts),
    field("tax.conversion_end_age", Taxes, "Until age", "years", int(19, 120))
        .help("The last conversion is the year before. Empty: when your required distributions start.")
        .only(Only::Accounts),
    field("tax.state_rate", Taxes, "State income tax", "%", pct(0.0, 0.15))
        .default(Fallback::Number(0.0))
        .help("A flat rate on federal adjusted gross income.")
        .only(Only::Accounts),
    field("tax.state_taxes_social_security", Taxes, "The state taxes Social Security", "", Kind::Flag)
        .default(Fallback::Flag(false))
        .help("Most states do not.")
        .only(Only::Accounts),
    field("income[].taxable", Income, "Taxable", "", Kind::Flag)
        .default(Fallback::Flag(true))
        .help("With accounts: taxed as ordinary income (pensions are).")
        .only(Only::Accounts),
];
