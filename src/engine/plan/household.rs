//! The household: a partner, each person's Social Security claim, and the plan's ages for
//! both. In a plan without a partner or Social Security none of this appears in the
//! normalized plan, so older plans keep their JSON, their derived seed and their numbers.
//!
//! With fixed lifetimes you live until `end_age`, your partner until `partner.end_age`
//! (each exclusive); drawn ones are `longevity`'s. The plan runs while either of you lives;
//! its ages are yours.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use super::household_input::{Owner, PartnerInput, SocialSecurityInput, SpendingStepInput};
use super::input::PlanInput;
use super::normalize::{Checker, MAX_YEARS};
use crate::engine::life_table::Sex;
use crate::engine::social_security::{Claim, LATEST_CLAIM, full_retirement_age};

/// The second person of a couple. Ages are the partner's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Partner {
    pub current_age: u32,
    /// The partner's contributions stop at this age.
    pub retirement_age: u32,
    /// The partner lives until this age (exclusive).
    pub end_age: u32,
    /// Saved every year before the partner's retirement, in today's dollars.
    pub annual_contribution: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_year: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub social_security: Option<SocialSecurity>,
}

impl Partner {
    /// Years from now the partner lives through.
    pub fn years(&self) -> u32 {
        self.end_age - self.current_age
    }
}

/// One person's Social Security claim.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SocialSecurity {
    /// The monthly benefit at full retirement age (the PIA), in today's dollars.
    pub monthly_benefit: f64,
    /// Claiming age: whole years…
    pub claiming_age: u32,
    /// …and months (0–11).
    pub claiming_month: u32,
}

impl SocialSecurity {
    /// The claiming age in months.
    pub fn claim_months(&self) -> u32 {
        self.claiming_age * 12 + self.claiming_month
    }

    /// The claim under SSA's rules for someone born in `birth_year`.
    pub fn claim(&self, birth_year: u32) -> Claim {
        Claim::new(self.monthly_benefit, self.claim_months(), birth_year)
    }
}

/// A change in real spending from an age on (yours), relative to the spending before it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SpendingStep {
    pub age: u32,
    /// `-0.1` spends 10 % less from `age` on than before it.
    pub change: f64,
}

impl PlanInput {
    /// This input with the birth years `plan` derived from this year spelled out, so that
    /// later normalizations of it (an analysis's variants) need no calendar.
    pub fn with_birth_years_of(mut self, plan: &super::Plan) -> Self {
        self.birth_year = self.birth_year.or(plan.birth_year);
        if let (Some(input), Some(partner)) = (self.partner.as_mut(), plan.partner.as_ref()) {
            input.birth_year = input.birth_year.or(partner.birth_year);
        }
        self
    }
}

/// The household's parts of a normalized plan.
pub(super) struct Household {
    pub birth_year: Option<u32>,
    pub social_security: Option<SocialSecurity>,
    pub partner: Option<Partner>,
}

impl Checker<'_> {
    /// The partner, birth years and claims. `years` is the plan's length for you;
    /// `this_year` (when known) checks birth years against ages. Drawn lifetimes need the
    /// birth years (their cohorts), as claims do.
    pub(super) fn household(
        &mut self,
        input: &PlanInput,
        current_age: u32,
        years: u32,
        this_year: Option<u32>,
    ) -> Household {
        // Drawn lifetimes need the cohorts' birth years, accounts the RMD ages'.
        let needs_birth_year = input
            .longevity
            .as_ref()
            .and_then(|l| l.model)
            .is_some_and(|m| m == super::LongevityModel::Drawn)
            || input.accounts.is_some();
        let (birth_year, social_security) = self.person(
            "",
            input.birth_year,
            input.social_security.as_ref(),
            current_age,
            this_year,
            needs_birth_year,
        );
        let partner = input.partner.as_ref().map(|p| {
            let age = self
                .required("partner.current_age", p.current_age)
                .map_or(self.lowest("partner.current_age") as u32, |a| {
                    self.age("partner.current_age", a)
                });
            let end_age = match p.end_age {
                None => (age + years).min(self.highest("partner.end_age") as u32),
                Some(end) => {
                    let end = self.age_within("partner.end_age", end, age + 1, u32::MAX);
                    if end - age > MAX_YEARS {
                        self.push(
                            "partner.end_age",
                            format!(
                                "may be at most {MAX_YEARS} years after your partner's age now"
                            ),
                        );
                    }
                    end
                }
            };
            let retirement_age = match p.retirement_age {
                None => age,
                Some(r) => self.age_within("partner.retirement_age", r, age, end_age),
            };
            let (birth_year, social_security) = self.person(
                "partner.",
                p.birth_year,
                p.social_security.as_ref(),
                age,
                this_year,
                needs_birth_year,
            );
            Partner {
                current_age: age,
                retirement_age,
                end_age,
                annual_contribution: self
                    .optional("partner.annual_contribution", p.annual_contribution),
                birth_year,
                sex: p.sex,
                social_security,
            }
        });
        Household {
            birth_year,
            social_security,
            partner,
        }
    }

    /// One person's birth year and claim, their fields under `prefix` (`""` for you,
    /// `"partner."`): the birth year is needed with a claim or drawn lifetimes.
    fn person(
        &mut self,
        prefix: &str,
        birth_year: Option<u32>,
        claim: Option<&SocialSecurityInput>,
        age: u32,
        this_year: Option<u32>,
        drawn: bool,
    ) -> (Option<u32>, Option<SocialSecurity>) {
        let needed = claim.is_some() || drawn;
        let path = format!("{prefix}birth_year");
        let birth_year = self.birth_year(&path, birth_year, age, this_year, needed);
        let at = format!("{prefix}social_security");
        let claim = claim.map(|s| self.social_security(&at, s, birth_year));
        (birth_year, claim)
    }

    /// A claim; the claiming age defaults to the full retirement age of `birth_year`.
    fn social_security(
        &mut self,
        at: &str,
        s: &SocialSecurityInput,
        birth_year: Option<u32>,
    ) -> SocialSecurity {
        let path = |field: &str| format!("{at}.{field}");
        let monthly_benefit = self.required_number(&path("monthly_benefit"), s.monthly_benefit);
        let fra = full_retirement_age(birth_year.unwrap_or(u32::MAX));
        let (claiming_age, default_month) = match s.claiming_age {
            Some(age) => (self.age(&path("claiming_age"), age), 0),
            None => (fra / 12, fra % 12),
        };
        let claiming_month = s
            .claiming_month
            .map_or(default_month, |m| self.age(&path("claiming_month"), m));
        if claiming_age * 12 + claiming_month > LATEST_CLAIM {
            self.push(path("claiming_month"), "must be 0 when claiming at 70");
        }
        SocialSecurity {
            monthly_benefit,
            claiming_age,
            claiming_month,
        }
    }

    /// A birth year consistent with the age now: this year less the age, or one more year
    /// before that (the birthday is still to come). Needed for a Social Security claim, which
    /// the birth year's full retirement age sets; derived from the age when omitted.
    fn birth_year(
        &mut self,
        path: &str,
        given: Option<u32>,
        age: u32,
        this_year: Option<u32>,
        needed: bool,
    ) -> Option<u32> {
        let latest = this_year.map(|y| y.saturating_sub(age));
        match (given, latest) {
            (Some(year), Some(latest)) => {
                let year = self.age(path, year);
                if year != latest && year + 1 != latest {
                    self.push(
                        path,
                        format!(
                            "must be {} or {latest} for someone aged {age} in {}",
                            latest - 1,
                            latest + age
                        ),
                    );
                }
                Some(year)
            }
            (Some(year), None) => Some(self.age(path, year)),
            (None, Some(latest)) if needed => Some(latest),
            (None, None) if needed => {
                self.push(
                    path,
                    "is required with a Social Security benefit, drawn lifetimes or accounts",
                );
                None
            }
            (None, _) => None,
        }
    }

    /// Spending steps in order of age, each within the plan's years.
    pub(super) fn spending_steps(
        &mut self,
        input: &PlanInput,
        current_age: u32,
        last_age: u32,
    ) -> Vec<SpendingStep> {
        let mut steps: Vec<SpendingStep> = Vec::with_capacity(input.spending.steps.len());
        for (i, step) in input.spending.steps.iter().enumerate().take(MAX_STEPS) {
            let p = |field: &str| format!("spending.steps[{i}].{field}");
            let age = self.required(&p("age"), step.age).map_or(current_age, |a| {
                self.age_within(&p("age"), a, current_age, last_age)
            });
            if let Some(before) = steps.last()
                && age <= before.age
            {
                self.push(
                    p("age"),
                    format!("must be after the step before it (age {})", before.age),
                );
            }
            let change = self.required_number(&p("change"), step.change);
            steps.push(SpendingStep { age, change });
        }
        if input.spending.steps.len() > MAX_STEPS {
            self.push(
                "spending.steps",
                format!("may hold at most {MAX_STEPS} steps"),
            );
        }
        steps
    }
}

pub const MAX_STEPS: usize = 20;
