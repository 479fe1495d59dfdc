//! Every field of the plan form: its contract path, words, unit, range and when it applies.
//! The ranges are the server's (`engine::plan::normalize`); `tests/web.rs` submits each
//! field's bounds and one step past them to keep the two equal.

use crate::engine::plan::MAX_SEED;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Dollars, any amount in the range.
    Money {
        min: f64,
        max: f64,
    },
    /// A share in the contract (`0.6`), shown and typed as a percentage (`60`).
    Percent {
        min: f64,
        max: f64,
    },
    /// A whole number.
    Integer {
        min: u64,
        max: u64,
    },
    /// A plain decimal (correlations, degrees of freedom).
    Decimal {
        min: f64,
        max: f64,
    },
    Text {
        max_chars: usize,
    },
    Choice(&'static [(&'static str, &'static str)]),
    /// A checkbox.
    Flag,
}

/// When a field is sent: the server refuses another strategy's or model's parameters, and
/// without JavaScript every field is on the page, so the form drops those that do not apply.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Only {
    Always,
    Strategies(&'static [&'static str]),
    Model(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The contract path; in a repeatable row `[]` stands for the index (`income[].annual`).
    pub path: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    /// Shown after the input: `$`, `%`, `years`.
    pub unit: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub only: Only,
}

const fn spec(path: &'static str, label: &'static str, unit: &'static str, kind: Kind) -> Spec {
    Spec {
        path,
        label,
        help: "",
        unit,
        kind,
        required: false,
        only: Only::Always,
    }
}

impl Spec {
    const fn help(mut self, help: &'static str) -> Self {
        self.help = help;
        self
    }

    const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    const fn only(mut self, only: Only) -> Self {
        self.only = only;
        self
    }
}

const fn money(min: f64, max: f64) -> Kind {
    Kind::Money { min, max }
}
const fn pct(min: f64, max: f64) -> Kind {
    Kind::Percent { min, max }
}
const fn int(min: u64, max: u64) -> Kind {
    Kind::Integer { min, max }
}

pub const STRATEGIES: &[(&str, &str)] = &[
    ("constant_dollar", "Constant dollar (4% rule)"),
    ("constant_percent", "Constant percentage"),
    ("guardrails", "Guardrails (Guyton-Klinger)"),
    ("vpw", "Variable percentage (VPW)"),
];

pub const MODELS: &[(&str, &str)] = &[
    ("lognormal", "Lognormal returns from the assumptions below"),
    (
        "historical",
        "Every rolling period of US history since 1871",
    ),
    ("bootstrap", "Random years (or blocks) of US history"),
];

const VARIABLE: Only = Only::Strategies(&["constant_percent", "guardrails", "vpw"]);
const PERCENT_ONLY: Only = Only::Strategies(&["constant_percent"]);
const GUARDRAILS: Only = Only::Strategies(&["guardrails"]);
const VPW: Only = Only::Strategies(&["vpw"]);
const MONEY_PER_YEAR: Kind = money(0.0, 1_000_000.0);

pub const ABOUT: &[Spec] = &[
    spec("name", "Plan name", "", Kind::Text { max_chars: 80 })
        .help("Shown on the result page and the report."),
    spec("current_age", "Your age now", "years", int(18, 119)).required(),
    spec("retirement_age", "Retirement age", "years", int(18, 120))
        .help("Contributions stop and spending starts. Leave empty if you are already retired."),
    spec("end_age", "Plan until age", "years", int(19, 120))
        .help("The money should last until this age; at most 100 years from now.")
        .required(),
];

pub const SAVINGS: &[Spec] = &[
    spec(
        "portfolio.balance",
        "Invested savings today",
        "$",
        money(1_000.0, 100_000_000.0),
    )
    .required(),
    spec(
        "portfolio.annual_contribution",
        "Yearly contribution",
        "$",
        MONEY_PER_YEAR,
    )
    .help("Added each year until retirement, in today's dollars."),
    spec("allocation.stocks", "Stocks", "%", pct(0.0, 1.0)),
    spec("allocation.bonds", "Bonds", "%", pct(0.0, 1.0)),
    spec("allocation.cash", "Cash", "%", pct(0.0, 1.0))
        .help("Stocks, bonds and cash add up to 100%; the portfolio is rebalanced yearly."),
    spec(
        "allocation.glide_path.end_stocks",
        "Stocks at the end",
        "%",
        pct(0.0, 1.0),
    )
    .help("Optional: move the stock share gradually to this by the end age."),
    spec("fees.expense_ratio", "Yearly fees", "%", pct(0.0, 0.05))
        .help("Fund and advisory costs as a share of savings."),
];

pub const SPENDING: &[Spec] = &[
    spec("spending.strategy", "Withdrawal strategy", "", Kind::Choice(STRATEGIES))
        .help("How spending changes from year to year."),
    spec("spending.annual", "Yearly spending", "$", MONEY_PER_YEAR)
        .help("In the first year of retirement, in today's dollars, before tax.")
        .required(),
    spec("tax.effective_rate", "Tax on withdrawals", "%", pct(0.0, 0.6))
        .help("Withdrawals are grossed up so that you can spend the amount above."),
    spec("spending.floor", "Spending floor", "$", MONEY_PER_YEAR)
        .help("Variable strategies: the odds count a year below this as a failure, apart from running out of money. Empty: half of yearly spending.")
        .only(VARIABLE),
    spec("spending.percent", "Share of savings spent", "%", pct(0.001, 0.5)).only(PERCENT_ONLY),
    spec("spending.ceiling", "Spending ceiling", "$", MONEY_PER_YEAR)
        .help("Optional: never spend more than this in a year.")
        .only(PERCENT_ONLY),
    spec("spending.upper_guard", "Upper guard", "%", pct(0.01, 1.0))
        .help("Cut spending when the withdrawal rate rises this far above the initial rate.")
        .only(GUARDRAILS),
    spec("spending.lower_guard", "Lower guard", "%", pct(0.01, 0.99))
        .help("Raise spending when the rate falls this far below it.")
        .only(GUARDRAILS),
    spec("spending.adjustment", "Adjustment", "%", pct(0.01, 0.5))
        .help("Size of each cut or raise.")
        .only(GUARDRAILS),
    spec("spending.expected_real_return", "Expected real return", "%", pct(-0.05, 0.15))
        .help("Used to amortize savings over the years left. Empty: 5% for stocks and 1.9% for bonds and cash, weighted by your allocation (3.76% at 60/40), as in the Bogleheads VPW table.")
        .only(VPW),
    spec("spending.horizon_age", "Spend down by age", "years", int(19, 120))
        .help("VPW spends what is left in the year before this age. Empty: 100, or the planning age when later.")
        .only(VPW),
];

pub const INCOME: &[Spec] = &[
    spec("income[].name", "Name", "", Kind::Text { max_chars: 80 })
        .help("Social Security, a pension, rent…"),
    spec("income[].annual", "Yearly amount", "$", MONEY_PER_YEAR).required(),
    spec("income[].start_age", "From age", "years", int(18, 120)).required(),
    spec("income[].end_age", "Until age", "years", int(19, 120)).help("Empty: for life."),
    spec(
        "income[].inflation_adjusted",
        "Rises with inflation",
        "",
        Kind::Flag,
    )
    .help("Social Security does; most pensions do not."),
];

pub const EVENTS: &[Spec] = &[
    spec("events[].name", "Name", "", Kind::Text { max_chars: 80 })
        .help("A new roof, an inheritance…"),
    spec("events[].age", "At age", "years", int(18, 119)).required(),
    spec(
        "events[].amount",
        "Amount",
        "$",
        money(-100_000_000.0, 100_000_000.0),
    )
    .help("Negative for a cost, positive for money coming in.")
    .required(),
    spec(
        "events[].inflation_adjusted",
        "In today's dollars",
        "",
        Kind::Flag,
    )
    .help("Otherwise the amount is in dollars of that year."),
];

const LOGNORMAL: Only = Only::Model("lognormal");

pub const MARKET: &[Spec] = &[
    spec("market.model", "Market model", "", Kind::Choice(MODELS))
        .help("How the returns of future years are drawn."),
    spec(
        "market.stocks.mean",
        "Stocks: mean return",
        "%",
        pct(-0.2, 0.3),
    ),
    spec(
        "market.stocks.volatility",
        "Stocks: volatility",
        "%",
        pct(0.0, 1.0),
    ),
    spec(
        "market.bonds.mean",
        "Bonds: mean return",
        "%",
        pct(-0.2, 0.3),
    ),
    spec(
        "market.bonds.volatility",
        "Bonds: volatility",
        "%",
        pct(0.0, 1.0),
    ),
    spec("market.cash.mean", "Cash: mean return", "%", pct(-0.2, 0.3)),
    spec(
        "market.cash.volatility",
        "Cash: volatility",
        "%",
        pct(0.0, 1.0),
    ),
    spec(
        "market.inflation.mean",
        "Inflation: mean",
        "%",
        pct(-0.05, 0.2),
    ),
    spec(
        "market.inflation.volatility",
        "Inflation: volatility",
        "%",
        pct(0.0, 0.2),
    ),
    spec(
        "market.correlations.stocks_bonds",
        "Correlation stocks–bonds",
        "",
        Kind::Decimal {
            min: -1.0,
            max: 1.0,
        },
    ),
    spec(
        "market.correlations.stocks_inflation",
        "Correlation stocks–inflation",
        "",
        Kind::Decimal {
            min: -1.0,
            max: 1.0,
        },
    ),
    spec(
        "market.correlations.bonds_inflation",
        "Correlation bonds–inflation",
        "",
        Kind::Decimal {
            min: -1.0,
            max: 1.0,
        },
    ),
    spec(
        "market.fat_tails_df",
        "Fat tails",
        "df",
        Kind::Decimal {
            min: 3.0,
            max: 100.0,
        },
    )
    .help("Optional: Student-t degrees of freedom (3 to 100). Lower means more extreme years, but the volatility stays the same, so ordinary years get calmer and the odds can rise. The result lists the chance of a bad stock year.")
    .only(LOGNORMAL),
    spec("market.block_years", "Block length", "years", int(1, 30))
        .help("Bootstrap: years drawn together, keeping runs of good and bad years.")
        .only(Only::Model("bootstrap")),
    spec("market.wrap_around", "Wrap around", "", Kind::Flag)
        .help(
            "Historical: let every year start a period, continuing from 1871 after the last year.",
        )
        .only(Only::Model("historical")),
];

pub const SIMULATION: &[Spec] = &[
    // The maximum is the environment's `simulation.max_scenarios`; see `form::field_view`.
    spec(
        "simulation.scenarios",
        "Simulated futures",
        "",
        int(10, 10_000),
    ),
    spec("simulation.seed", "Random seed", "", int(0, MAX_SEED))
        .help("Empty: derived from the plan, so the same plan always gives the same answer."),
];

/// Every fixed (not repeatable) field.
pub fn fixed() -> impl Iterator<Item = &'static Spec> {
    [ABOUT, SAVINGS, SPENDING, MARKET, SIMULATION]
        .into_iter()
        .flatten()
}

/// The spec of a concrete field name (`income[2].annual` → `income[].annual`).
pub fn find(name: &str) -> Option<&'static Spec> {
    let (template, _) = row_template(name);
    fixed()
        .chain(INCOME)
        .chain(EVENTS)
        .find(|spec| spec.path == template)
}

/// `income[2].annual` → (`income[].annual`, Some(2)); other names unchanged.
pub fn row_template(name: &str) -> (String, Option<usize>) {
    let Some(open) = name.find('[') else {
        return (name.to_string(), None);
    };
    let Some(close) = name[open..].find(']') else {
        return (name.to_string(), None);
    };
    let index = name[open + 1..open + close].parse().ok();
    let template = format!("{}[]{}", &name[..open], &name[open + close + 1..]);
    (template, index)
}
