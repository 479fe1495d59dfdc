//! The tornado table: the plan with one input changed at a time, on its own seed.

use rayon::prelude::*;

use super::Sensitivity;
use super::analyzer::{Analyzer, round6};
use crate::engine::plan::SocialSecurityInput;
use crate::engine::{EngineError, Plan};

impl Analyzer<'_> {
    /// The tornado table: one input changed at a time.
    pub(super) fn sensitivity(&self, base_success: f64) -> Result<Vec<Sensitivity>, EngineError> {
        let b = &self.base;
        let annual = b.spending.annual;
        let stocks = b.allocation.stocks;
        let room = 1.0 - b.allocation.cash;
        let mut rows: Vec<(String, String, f64, Option<Plan>)> = Vec::new();
        let spending_levels: &[i32] = if self.spends_annual() {
            &[-20, -10, 10, 20]
        } else {
            &[]
        };
        for &pct in spending_levels {
            let value = (annual * (1.0 + f64::from(pct) / 100.0)).round();
            rows.push((
                "spending.annual".into(),
                format!("{pct:+}%"),
                value,
                self.variant(|i| i.spending.annual = Some(value)),
            ));
        }
        for points in [-20, 20] {
            let value = round6((stocks + f64::from(points) / 100.0).clamp(0.0, room));
            if (value - stocks).abs() > 1e-9 {
                rows.push((
                    "allocation.stocks".into(),
                    format!("{points:+} points"),
                    value,
                    self.variant(|i| {
                        i.allocation.stocks = Some(value);
                        i.allocation.bonds = Some(round6(room - value));
                        i.allocation.cash = Some(b.allocation.cash);
                    }),
                ));
            }
        }
        for years in [-2i32, 2] {
            let age = b.retirement_age as i32 + years;
            // Only while retirement is ahead: a retiree cannot retire earlier or later.
            if self.saving() && age > b.current_age as i32 && age < b.end_age as i32 {
                rows.push((
                    "retirement_age".into(),
                    format!("{years:+} years"),
                    f64::from(age),
                    self.variant(|i| i.retirement_age = Some(age as u32)),
                ));
            }
        }
        // Household levers: each claim two years earlier or later, within 62 to 70.
        let claims = [
            ("social_security.claiming_age", b.social_security),
            (
                "partner.social_security.claiming_age",
                b.partner.as_ref().and_then(|p| p.social_security),
            ),
        ];
        for (parameter, claim) in claims {
            let Some(claim) = claim else { continue };
            for years in [-2i32, 2] {
                let age = claim.claiming_age as i32 + years;
                if !(62..=70).contains(&age) {
                    continue;
                }
                let month = if age == 70 { 0 } else { claim.claiming_month };
                let set = |s: &mut Option<SocialSecurityInput>| {
                    if let Some(s) = s.as_mut() {
                        s.claiming_age = Some(age as u32);
                        s.claiming_month = Some(month);
                    }
                };
                rows.push((
                    parameter.into(),
                    format!("{years:+} years"),
                    f64::from(age),
                    self.variant(|i| match parameter {
                        "social_security.claiming_age" => set(&mut i.social_security),
                        _ => {
                            if let Some(p) = i.partner.as_mut() {
                                set(&mut p.social_security);
                            }
                        }
                    }),
                ));
            }
        }
        let fees = b.fees.expense_ratio + 0.005;
        rows.push((
            "fees.expense_ratio".into(),
            "+0.5 points".into(),
            fees,
            self.variant(|i| i.fees.expense_ratio = Some(fees)),
        ));
        rows.into_par_iter()
            .filter_map(|(parameter, change, value, plan)| {
                plan.map(|plan| (parameter, change, value, plan))
            })
            .map(|(parameter, change, value, plan)| {
                let success = self.success(&plan)?;
                Ok(Sensitivity {
                    parameter,
                    change,
                    value: round6(value),
                    success_probability: success,
                    delta: round6(success - base_success),
                })
            })
            .collect()
    }
}
