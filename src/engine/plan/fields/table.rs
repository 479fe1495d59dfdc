//! The table itself: every plan field, in form order.

use super::build::{MONEY_PER_YEAR, decimal, field, int, money, pct};
use super::{Fallback, Field, Kind, Only, Section};
use crate::engine::plan::MAX_SEED;

const TEXT: Kind = Kind::Text { max_chars: 80 };
const AGE: Kind = int(18, 120);
const RETURN: Kind = pct(-0.2, 0.3);
const VOLATILITY: Kind = pct(0.0, 1.0);
const CORRELATION: Kind = decimal(-1.0, 1.0);

pub const STRATEGIES: &[(&str, &str)] = &[
    ("constant_dollar", "Constant dollar (4% rule)"),
    ("constant_percent", "Constant percentage"),
    ("guardrails", "Guardrails (Guyton-Klinger)"),
    ("vpw", "Variable percentage (VPW)"),
    ("one_over_n", "1/N (spend down evenly)"),
    ("endowment", "Endowment (Yale's smoothing rule)"),
    ("ninety_five_percent", "95% rule"),
    ("vanguard_dynamic", "Vanguard dynamic spending"),
    ("sensible_withdrawals", "Sensible withdrawals"),
    ("autopilot_ii", "Autopilot II (Hebeler)"),
    ("cape", "CAPE-based (historical market only)"),
];

pub const MODELS: &[(&str, &str)] = &[
    ("lognormal", "Lognormal returns from the assumptions below"),
    (
        "historical",
        "Every rolling period of US history since 1871",
    ),
    ("bootstrap", "Random years (or blocks) of US history"),
];

pub const SEXES: &[(&str, &str)] = &[("", "Not given"), ("female", "Female"), ("male", "Male")];

pub const LONGEVITY_MODELS: &[(&str, &str)] =
    &[("fixed", "Fixed ages"), ("drawn", "Drawn (SSA tables)")];

pub const OWNERS: &[(&str, &str)] = &[
    ("household", "Household"),
    ("primary", "You"),
    ("partner", "Your partner"),
];

const VARIABLE: Only = Only::Strategies(&[
    "constant_percent",
    "guardrails",
    "vpw",
    "one_over_n",
    "endowment",
    "ninety_five_percent",
    "vanguard_dynamic",
    "sensible_withdrawals",
    "autopilot_ii",
    "cape",
]);
const PERCENT: Only = Only::Strategies(&[
    "constant_percent",
    "endowment",
    "ninety_five_percent",
    "vanguard_dynamic",
    "sensible_withdrawals",
]);
const PERCENT_ONLY: Only = Only::Strategies(&["constant_percent"]);
const GUARDRAILS: Only = Only::Strategies(&["guardrails"]);
const AMORTIZED: Only = Only::Strategies(&["vpw", "autopilot_ii"]);
const SPENT_DOWN: Only = Only::Strategies(&["vpw", "one_over_n", "autopilot_ii"]);
const SMOOTHED: Only = Only::Strategies(&["endowment", "autopilot_ii"]);
const VANGUARD: Only = Only::Strategies(&["vanguard_dynamic"]);
const SENSIBLE: Only = Only::Strategies(&["sensible_withdrawals"]);
const CAPE: Only = Only::Strategies(&["cape"]);
const LOGNORMAL: Only = Only::Model("lognormal");
const DRAWN: Only = Only::Lifetimes("drawn");

use Section::{
    About, Events, Income, Market, Partner, Savings, Simulation, SocialSecurity, Spending, Steps,
};

const BIRTH_YEAR: Kind = int(1900, 2100);
const PIA: Kind = money(0.0, 5_000.0);
const CLAIM_AGE: Kind = int(62, 70);
const CLAIM_MONTH: Kind = int(0, 11);

/// The fields of a plan without accounts.
pub(super) const BASE: &[Field] = &[
    field("name", About, "Plan name", "", TEXT)
        .help("Shown on the result page and the report. Empty: “Retirement plan”."),
    field("current_age", About, "Your age now", "years", int(18, 119)).needed(),
    field("retirement_age", About, "Retirement age", "years", AGE)
        .help("Contributions stop and spending starts. Leave empty if you are already retired."),
    field("end_age", About, "Plan until age", "years", int(19, 120))
        .help("The money should last until this age; at most 100 years from now. With a partner, you live until this age.")
        .needed(),
    field("birth_year", About, "Your year of birth", "", BIRTH_YEAR)
        .help("Sets your full retirement age for Social Security. Empty: this year less your age."),
    field("sex", About, "Sex", "", Kind::Choice(SEXES))
        .help("For drawn lifetimes: the life table yours comes from."),
    field("longevity.model", About, "Lifetimes", "", Kind::Choice(LONGEVITY_MODELS))
        .default(Fallback::Choice("fixed"))
        .help("Drawn: each future draws how long each of you lives, from SSA's life tables by sex and year of birth, and the money must last as long as either of you lives."),
    field(
        "longevity.health_adjustment",
        About,
        "Your health adjustment",
        "years",
        decimal(-10.0, 10.0),
    )
    .default(Fallback::Number(0.0))
    .help("Mortality as if you were this many years older (negative: younger).")
    .only(DRAWN),
    field("partner.current_age", Partner, "Partner's age now", "years", int(18, 119))
        .help("Leave empty for a plan of one. With a partner, the plan runs while either of you lives.")
        .needed(),
    field("partner.retirement_age", Partner, "Partner's retirement age", "years", AGE)
        .help("Your partner's savings stop. Empty: already retired."),
    field("partner.end_age", Partner, "Partner lives until age", "years", int(19, 120))
        .help("Empty: to the plan's last year."),
    field(
        "partner.annual_contribution",
        Partner,
        "Partner's yearly contribution",
        "$",
        MONEY_PER_YEAR,
    )
    .default(Fallback::Number(0.0))
    .help("Added each year until your partner retires, in today's dollars."),
    field("partner.birth_year", Partner, "Partner's year of birth", "", BIRTH_YEAR)
        .help("Empty: this year less your partner's age."),
    field("partner.sex", Partner, "Partner's sex", "", Kind::Choice(SEXES))
        .help("For drawn lifetimes."),
    field(
        "longevity.partner_health_adjustment",
        Partner,
        "Partner's health adjustment",
        "years",
        decimal(-10.0, 10.0),
    )
    .default(Fallback::Number(0.0))
    .help("As if your partner were this many years older (negative: younger).")
    .only(DRAWN),
    field(
        "social_security.monthly_benefit",
        SocialSecurity,
        "Your benefit at full retirement age",
        "$/month",
        PIA,
    )
    .help("As your SSA statement shows it, in today's dollars. Leave empty for none.")
    .needed(),
    field("social_security.claiming_age", SocialSecurity, "You claim at age", "years", CLAIM_AGE)
        .help("Empty: your full retirement age."),
    field("social_security.claiming_month", SocialSecurity, "and months", "months", CLAIM_MONTH)
        .help("Months past the age, 0 at 70."),
    field(
        "partner.social_security.monthly_benefit",
        SocialSecurity,
        "Partner's benefit at full retirement age",
        "$/month",
        PIA,
    )
    .help("Leave empty for none. A spousal benefit is added when it is less than half of yours.")
    .needed(),
    field(
        "partner.social_security.claiming_age",
        SocialSecurity,
        "Partner claims at age",
        "years",
        CLAIM_AGE,
    )
    .help("Empty: your partner's full retirement age."),
    field(
        "partner.social_security.claiming_month",
        SocialSecurity,
        "and months",
        "months",
        CLAIM_MONTH,
    )
    .help("Months past the age, 0 at 70."),
    field(
        "portfolio.balance",
        Savings,
        "Invested savings today",
        "$",
        money(1_000.0, 100_000_000.0),
    )
    .help("Required, unless you fill in the accounts under Accounts and taxes: then it is their total."),
    field(
        "portfolio.annual_contribution",
        Savings,
        "Yearly contribution",
        "$",
        MONEY_PER_YEAR,
    )
    .default(Fallback::Number(0.0))
    .help("Added each year until retirement, in today's dollars."),
    field("allocation.stocks", Savings, "Stocks", "%", pct(0.0, 1.0))
        .default(Fallback::Config(|d| d.stocks.into())),
    field("allocation.bonds", Savings, "Bonds", "%", pct(0.0, 1.0))
        .default(Fallback::Config(|d| d.bonds.into())),
    field("allocation.cash", Savings, "Cash", "%", pct(0.0, 1.0))
        .default(Fallback::Config(|d| d.cash.into()))
        .help("Stocks, bonds and cash add up to 100%; the portfolio is rebalanced yearly."),
    field(
        "allocation.glide_path.end_stocks",
        Savings,
        "Stocks at the end",
        "%",
        pct(0.0, 1.0),
    )
    .help("Optional: move the stock share gradually to this by the end age."),
    field("fees.expense_ratio", Savings, "Yearly fees", "%", pct(0.0, 0.05))
        .default(Fallback::Config(|d| d.expense_ratio.into()))
        .help("Fund and advisory costs as a share of savings."),
    field(
        "spending.strategy",
        Spending,
        "Withdrawal strategy",
        "",
        Kind::Choice(STRATEGIES),
    )
    .default(Fallback::Choice("constant_dollar"))
    .help("How spending changes from year to year."),
    field("spending.annual", Spending, "Yearly spending", "$", MONEY_PER_YEAR)
        .help("In the first year of retirement, in today's dollars, before tax; with accounts, what you spend after tax.")
        .needed(),
    field("tax.effective_rate", Spending, "Tax on withdrawals", "%", pct(0.0, 0.6))
        .default(Fallback::Config(|d| d.tax_rate.into()))
        .help("Withdrawals are grossed up so that you can spend the amount above."),
    field("spending.floor", Spending, "Spending floor", "$", MONEY_PER_YEAR)
        .help("Variable strategies: the odds count a year below this as a failure, apart from running out of money. Empty: half of yearly spending.")
        .only(VARIABLE),
    field("spending.percent", Spending, "Share of savings spent", "%", pct(0.001, 0.5))
        .default(Fallback::Config(|d| d.strategy.percent.into()))
        .help("Withdrawn each year as a share of savings: the target of the endowment and Vanguard rules, the base of sensible withdrawals.")
        .only(PERCENT),
    field("spending.ceiling", Spending, "Spending ceiling", "$", MONEY_PER_YEAR)
        .help("Optional: never spend more than this in a year.")
        .only(PERCENT_ONLY),
    field("spending.upper_guard", Spending, "Upper guard", "%", pct(0.01, 1.0))
        .default(Fallback::Config(|d| d.strategy.upper_guard.into()))
        .help("Cut spending when the withdrawal rate rises this far above the initial rate.")
        .only(GUARDRAILS),
    field("spending.lower_guard", Spending, "Lower guard", "%", pct(0.01, 0.99))
        .default(Fallback::Config(|d| d.strategy.lower_guard.into()))
        .help("Raise spending when the rate falls this far below it.")
        .only(GUARDRAILS),
    field("spending.adjustment", Spending, "Adjustment", "%", pct(0.01, 0.5))
        .default(Fallback::Config(|d| d.strategy.adjustment.into()))
        .help("Size of each cut or raise.")
        .only(GUARDRAILS),
    field(
        "spending.expected_real_return",
        Spending,
        "Expected real return",
        "%",
        pct(-0.05, 0.15),
    )
    .help("Used to amortize savings over the years left. Empty: 5% for stocks and 1.9% for bonds and cash, weighted by your allocation (3.76% at 60/40), as in the Bogleheads VPW table.")
    .only(AMORTIZED),
    field("spending.horizon_age", Spending, "Spend down by age", "years", int(19, 120))
        .help("Savings are amortized over the years before this age. Empty: 100, or the planning age when later; for 1/N, the planning age.")
        .only(SPENT_DOWN),
    field(
        "spending.smoothing",
        Spending,
        "Weight on last year's spending",
        "%",
        pct(0.0, 0.95),
    )
    .help("The rest follows your savings. Empty: 70% for the endowment rule (Yale), 75% for Autopilot II (Hebeler).")
    .only(SMOOTHED),
    field("spending.max_increase", Spending, "Largest yearly raise", "%", pct(0.0, 0.5))
        .default(Fallback::Number(0.05))
        .help("Real spending rises at most this much from one year to the next.")
        .only(VANGUARD),
    field("spending.max_decrease", Spending, "Largest yearly cut", "%", pct(0.0, 0.5))
        .default(Fallback::Number(0.025))
        .help("Real spending falls at most this much from one year to the next.")
        .only(VANGUARD),
    field(
        "spending.extras_rate",
        Spending,
        "Share of last year's gain spent",
        "%",
        pct(0.0, 1.0),
    )
    .default(Fallback::Number(0.1))
    .help("After a year whose real gain was positive, this share of the gain is spent on top.")
    .only(SENSIBLE),
    field("spending.base_rate", Spending, "Base withdrawal rate", "%", pct(0.0, 0.1))
        .default(Fallback::Number(0.0175))
        .help("The rate is this plus the weight below times 1/CAPE, the market's earnings yield.")
        .only(CAPE),
    field(
        "spending.cape_weight",
        Spending,
        "Weight on the earnings yield",
        "",
        decimal(0.0, 2.0),
    )
    .default(Fallback::Number(0.5))
    .help("At a CAPE of 25 a weight of 0.5 adds 2%.")
    .only(CAPE),
    field(
        "spending.survivor_share",
        Spending,
        "Spending after the first death",
        "%",
        pct(0.0, 1.0),
    )
    .default(Fallback::Number(0.7))
    .help("With a partner: the survivor's spending as a share of the couple's. Empty: 70%."),
    field("spending.steps[].age", Steps, "From age", "years", int(18, 120))
        .help("Your age in the first year of the new spending.")
        .needed(),
    field("spending.steps[].change", Steps, "Change", "%", pct(-0.9, 1.0))
        .help("Relative to the spending before it: −10 spends 10% less.")
        .needed(),
    field("income[].name", Income, "Name", "", TEXT)
        .help("Social Security, a pension, rent… Empty: “Income 1”, “Income 2”…"),
    field("income[].annual", Income, "Yearly amount", "$", MONEY_PER_YEAR).needed(),
    field("income[].start_age", Income, "From age", "years", AGE)
        .help("Empty: from the retirement age."),
    field("income[].end_age", Income, "Until age", "years", int(19, 120)).help("Empty: for life."),
    field("income[].inflation_adjusted", Income, "Rises with inflation", "", Kind::Flag)
        .default(Fallback::Flag(true))
        .help("Social Security does; most pensions do not."),
    field("income[].owner", Income, "Whose", "", Kind::Choice(OWNERS))
        .default(Fallback::Choice("household"))
        .help("A person's income uses their ages and stops at their death."),
    field("income[].survivor_share", Income, "Paid to the survivor", "%", pct(0.0, 1.0))
        .help("A person's income: the share paid on after their death (50 for a 50% survivor pension). Empty: 0%."),
    field("events[].name", Events, "Name", "", TEXT)
        .help("A new roof, an inheritance… Empty: “Event 1”, “Event 2”…"),
    field("events[].age", Events, "At age", "years", int(18, 119)).needed(),
    field(
        "events[].amount",
        Events,
        "Amount",
        "$",
        money(-100_000_000.0, 100_000_000.0),
    )
    .help("Negative for a cost, positive for money coming in.")
    .needed(),
    field("events[].inflation_adjusted", Events, "In today's dollars", "", Kind::Flag)
        .default(Fallback::Flag(true))
        .help("Otherwise the amount is in dollars of that year."),
    field("market.model", Market, "Market model", "", Kind::Choice(MODELS))
        .default(Fallback::Config(|d| d.market.model.as_str().into()))
        .help("How the returns of future years are drawn."),
    field("market.stocks.mean", Market, "Stocks: mean return", "%", RETURN)
        .default(Fallback::Config(|d| d.market.stocks.mean.into())),
    field("market.stocks.volatility", Market, "Stocks: volatility", "%", VOLATILITY)
        .default(Fallback::Config(|d| d.market.stocks.volatility.into())),
    field("market.bonds.mean", Market, "Bonds: mean return", "%", RETURN)
        .default(Fallback::Config(|d| d.market.bonds.mean.into())),
    field("market.bonds.volatility", Market, "Bonds: volatility", "%", VOLATILITY)
        .default(Fallback::Config(|d| d.market.bonds.volatility.into())),
    field("market.cash.mean", Market, "Cash: mean return", "%", RETURN)
        .default(Fallback::Config(|d| d.market.cash.mean.into())),
    field("market.cash.volatility", Market, "Cash: volatility", "%", VOLATILITY)
        .default(Fallback::Config(|d| d.market.cash.volatility.into())),
    field("market.inflation.mean", Market, "Inflation: mean", "%", pct(-0.05, 0.2))
        .default(Fallback::Config(|d| d.market.inflation.mean.into())),
    field("market.inflation.volatility", Market, "Inflation: volatility", "%", pct(0.0, 0.2))
        .default(Fallback::Config(|d| d.market.inflation.volatility.into())),
    field(
        "market.correlations.stocks_bonds",
        Market,
        "Correlation stocks–bonds",
        "",
        CORRELATION,
    )
    .default(Fallback::Config(|d| d.market.correlations.stocks_bonds.into())),
    field(
        "market.correlations.stocks_inflation",
        Market,
        "Correlation stocks–inflation",
        "",
        CORRELATION,
    )
    .default(Fallback::Config(|d| d.market.correlations.stocks_inflation.into())),
    field(
        "market.correlations.bonds_inflation",
        Market,
        "Correlation bonds–inflation",
        "",
        CORRELATION,
    )
    .default(Fallback::Config(|d| d.market.correlations.bonds_inflation.into())),
    field("market.fat_tails_df", Market, "Fat tails", "df", decimal(3.0, 100.0))
        .default(Fallback::Config(|d| d.market.fat_tails_df.into()))
        .help("Optional: Student-t degrees of freedom (3 to 100). Lower means more extreme years, but the volatility stays the same, so ordinary years get calmer and the odds can rise. The result lists the chance of a bad stock year.")
        .only(LOGNORMAL),
    field("market.block_years", Market, "Block length", "years", int(1, 30))
        .default(Fallback::Config(|d| d.market.block_years.unwrap_or(1).into()))
        .help("Bootstrap: years drawn together, keeping runs of good and bad years.")
        .only(Only::Model("bootstrap")),
    field("market.wrap_around", Market, "Wrap around", "", Kind::Flag)
        .default(Fallback::Config(|d| d.market.wrap_around.unwrap_or(false).into()))
        .help("Historical: let every year start a period, continuing from 1871 after the last year.")
        .only(Only::Model("historical")),
    // The environment's `simulation.max_scenarios` lowers the maximum (`Limits`).
    field("simulation.scenarios", Simulation, "Simulated futures", "", int(10, 10_000))
        .default(Fallback::Config(|d| d.scenarios.into())),
    field("simulation.seed", Simulation, "Random seed", "", int(0, MAX_SEED))
        .help("Empty: derived from the plan, so the same plan always gives the same answer."),
];
