//! The household in words, for the page and the PDF: the partner, the survivor's spending,
//! the spending steps, and each Social Security claim as SSA's rules price it.

use super::{Row, pct};
use crate::engine::life_table::Sex;
use crate::engine::outcome::Benefit;
use crate::engine::plan::Owner;
use crate::engine::{Outcome, Plan};
use crate::format::{claim_age, money, money_compact, percent};

/// The partner, the survivor share and the spending steps, as the form took them.
pub fn input_rows(plan: &Plan) -> Vec<Row> {
    let mut rows = Vec::new();
    if let Some(l) = plan.longevity {
        let person = |sex: Option<Sex>, born: Option<u32>, adjustment: i32| {
            let sex = sex.map_or("", Sex::as_str);
            let health = match adjustment {
                0 => String::new(),
                n if n > 0 => format!(", health as if {n} years older"),
                n => format!(", health as if {} years younger", -n),
            };
            format!("{sex}, born {}{health}", born.unwrap_or_default())
        };
        let mut value = format!(
            "drawn from SSA life tables: you {}",
            person(plan.sex, plan.birth_year, l.health_adjustment)
        );
        if let Some(p) = &plan.partner {
            value.push_str(&format!(
                "; your partner {}",
                person(p.sex, p.birth_year, l.partner_health_adjustment)
            ));
        }
        rows.push(Row {
            label: "Lifetimes",
            value,
        });
    }
    if let Some(p) = &plan.partner {
        let saving = if p.annual_contribution > 0.0 && p.retirement_age > p.current_age {
            format!(
                ", saving {} a year until {}",
                money(p.annual_contribution),
                p.retirement_age
            )
        } else {
            String::new()
        };
        let living = if plan.longevity.is_some() {
            String::new()
        } else {
            format!(", living to {}", p.end_age)
        };
        rows.push(Row {
            label: "Partner",
            value: format!(
                "{} now, retiring at {}{living}{saving}",
                p.current_age, p.retirement_age
            ),
        });
        if let Some(share) = plan.spending.survivor_share {
            rows.push(Row {
                label: "After the first death",
                value: format!("spending is {} of the couple's", pct(share)),
            });
        }
    }
    if !plan.spending.steps.is_empty() {
        let steps: Vec<String> = plan
            .spending
            .steps
            .iter()
            .map(|s| {
                let sign = if s.change < 0.0 { "−" } else { "+" };
                format!("{sign}{} from {}", pct(s.change.abs()), s.age)
            })
            .collect();
        rows.push(Row {
            label: "Spending steps",
            value: steps.join(", "),
        });
    }
    rows
}

/// Whose ages an income's are, for its summary line.
pub fn owner_words(owner: Owner, survivor_share: Option<f64>) -> String {
    let whose = match owner {
        Owner::Household => return String::new(),
        Owner::Primary => "yours",
        Owner::Partner => "your partner's, at their ages",
    };
    match survivor_share {
        Some(share) if share > 0.0 => format!(" ({whose}; {} to the survivor)", pct(share)),
        _ => format!(" ({whose}; stops at death)"),
    }
}

/// Each person's Social Security: the benefit at the claiming age, the spousal benefit and
/// what the survivor keeps. Empty without a claim.
pub fn social_security_rows(outcome: &Outcome) -> Vec<Row> {
    let Some(household) = &outcome.household else {
        return Vec::new();
    };
    household
        .social_security
        .iter()
        .map(|b| Row {
            label: match b.person {
                Owner::Partner => "Your partner",
                _ => "You",
            },
            value: benefit_words(b),
        })
        .collect()
}

fn benefit_words(b: &Benefit) -> String {
    let age = claim_age;
    let mut text = format!(
        "{} a month from {} (full retirement age {})",
        money(b.monthly_benefit),
        age(b.claiming_age_months),
        age(b.full_retirement_age_months)
    );
    if b.monthly_spousal > 0.0 {
        text.push_str(&format!(
            ", plus a spousal benefit of {} a month",
            money(b.monthly_spousal)
        ));
    }
    if let Some(survivor) = b
        .monthly_as_survivor
        .filter(|&s| s >= b.monthly_benefit + 0.5)
    {
        text.push_str(&format!("; {} a month as the survivor", money(survivor)));
    }
    text.push_str("; in today's dollars, rising with inflation");
    text
}

/// Drawn lifetimes in words: how long the plan runs, each of your ages at death, the chance
/// of outliving the money and what is left. Empty with fixed lifetimes.
pub fn lifetime_rows(plan: &Plan, outcome: &Outcome) -> Vec<Row> {
    let Some(l) = outcome
        .household
        .as_ref()
        .and_then(|h| h.lifetimes.as_ref())
    else {
        return Vec::new();
    };
    let range = |s: &crate::engine::outcome::Spread| {
        format!(
            "{:.0} (9 in 10 between {:.0} and {:.0})",
            s.p50, s.p5, s.p95
        )
    };
    let mut rows = vec![Row {
        label: "Your age at death",
        value: format!(
            "median {}; on average {:.1}",
            range(&l.your_death_age),
            l.your_death_age.mean
        ),
    }];
    if let Some(partner) = &l.partner_death_age {
        rows.push(Row {
            label: "Your partner's",
            value: format!("median {}; on average {:.1}", range(partner), partner.mean),
        });
    }
    let last = if plan.partner.is_some() {
        "the second death"
    } else {
        "death"
    };
    let shown = l
        .alive_share
        .iter()
        .rposition(|&share| share >= crate::report::SHOWN_ALIVE_SHARE)
        .map_or(plan.current_age, |t| plan.current_age + t as u32 + 1);
    rows.extend([
        Row {
            label: "Charts and tables",
            value: format!(
                "stop at your age {shown}: after it, fewer than 1 in 100 futures have one of \
                 you alive"
            ),
        },
        Row {
            label: "Years the plan runs",
            value: format!(
                "median {:.0} years (9 in 10 between {:.0} and {:.0}), to {last}",
                l.plan_years.p50, l.plan_years.p5, l.plan_years.p95
            ),
        },
        Row {
            label: "Outliving the money",
            value: format!(
                "{} of simulated futures",
                percent(l.outlive_money.probability)
            ),
        },
        Row {
            label: "Left at the end",
            value: format!(
                "at {last}, median {} (9 in 10 between {} and {}), in today's dollars",
                money_compact(l.legacy.p50),
                money_compact(l.legacy.p5),
                money_compact(l.legacy.p95)
            ),
        },
    ]);
    rows
}
