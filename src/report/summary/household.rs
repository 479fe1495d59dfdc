//! The household in words, for the page and the PDF: the partner, the survivor's spending,
//! the spending steps, and each Social Security claim as SSA's rules price it.

use super::{Row, pct};
use crate::engine::household::Benefit;
use crate::engine::plan::Owner;
use crate::engine::{Outcome, Plan};
use crate::format::money;

/// The partner, the survivor share and the spending steps, as the form took them.
pub fn input_rows(plan: &Plan) -> Vec<Row> {
    let mut rows = Vec::new();
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
        rows.push(Row {
            label: "Partner",
            value: format!(
                "{} now, retiring at {}, living to {}{saving}",
                p.current_age, p.retirement_age, p.end_age
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
    let age = |months: u32| match months % 12 {
        0 => format!("{}", months / 12),
        m => format!("{} and {m} months", months / 12),
    };
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
    if let Some(survivor) = b.monthly_as_survivor {
        text.push_str(&format!("; {} a month as the survivor", money(survivor)));
    }
    text.push_str("; in today's dollars, rising with inflation");
    text
}
