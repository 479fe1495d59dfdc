//! The household's year-by-year facts, the same on every path: who is alive, the Social
//! Security each receives, what spending the plan asks for, and whose income still pays.
//!
//! Lifetimes are fixed (you live until `end_age`, your partner until `partner.end_age`), so
//! all of this resolves into the schedule before any path is drawn. Year `t` is your age
//! `current_age + t`; a death happens at the turn of the year, at the person's end age.
//! Social Security is paid by the month: a claim at 62 and 6 months pays 6 months in the
//! year of age 62.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::plan::{Income, Owner, Plan};
use super::social_security::Claim;

/// One person of the household as the timeline sees them.
#[derive(Debug, Clone, Copy)]
struct Person {
    /// Age now, years.
    age: u32,
    /// Years from now they live through.
    years: u32,
    claim: Option<Claim>,
}

impl Person {
    fn alive(&self, t: u32) -> bool {
        t < self.years
    }

    /// Age in months at the start of year `t`.
    fn months_at(&self, t: u32) -> u32 {
        12 * (self.age + t)
    }
}

/// The household of a plan, with the year-by-year facts derived from it.
#[derive(Debug, Clone)]
pub struct Timeline {
    you: Person,
    partner: Option<Person>,
    /// Your age now and your partner's.
    ages: (u32, Option<u32>),
}

/// Months of year `t` (starting at `months_at`) paid by a benefit that starts at `start`.
fn months_paid(months_at: u32, start: u32) -> f64 {
    f64::from(
        (months_at + 12)
            .saturating_sub(start.max(months_at))
            .min(12),
    )
}

impl Timeline {
    pub fn new(plan: &Plan) -> Self {
        let you = Person {
            age: plan.current_age,
            years: plan.end_age - plan.current_age,
            claim: plan
                .social_security
                .zip(plan.birth_year)
                .map(|(s, year)| s.claim(year)),
        };
        let partner = plan.partner.as_ref().map(|p| Person {
            age: p.current_age,
            years: p.years(),
            claim: p
                .social_security
                .zip(p.birth_year)
                .map(|(s, year)| s.claim(year)),
        });
        Self {
            you,
            partner,
            ages: (
                plan.current_age,
                plan.partner.as_ref().map(|p| p.current_age),
            ),
        }
    }

    /// True when you are alive in year `t`.
    pub fn primary_alive(&self, t: u32) -> bool {
        self.you.alive(t)
    }

    /// True when your partner is alive in year `t`; false without one.
    pub fn partner_alive(&self, t: u32) -> bool {
        self.partner.is_some_and(|p| p.alive(t))
    }

    /// True when a couple has become one: exactly one of two is alive.
    pub fn widowed(&self, t: u32) -> bool {
        self.partner.is_some() && self.primary_alive(t) != self.partner_alive(t)
    }

    /// The yearly Social Security of the household in year `t`, in today's dollars: each
    /// living person's own benefit, spousal benefit while both live, and after a death the
    /// survivor's larger of their own and the survivor benefit.
    pub fn social_security(&self, t: u32) -> f64 {
        let one = |me: &Person, other: Option<&Person>| -> f64 {
            let Some(claim) = me.claim.filter(|_| me.alive(t)) else {
                return 0.0;
            };
            let at = me.months_at(t);
            let own = claim.own();
            let mut year = own * months_paid(at, claim.claim);
            let Some((other, their)) = other.and_then(|o| Some((o, o.claim?))) else {
                return year;
            };
            if other.alive(t) {
                // Deemed filing: the spousal benefit starts once both have claimed.
                let theirs_in_my_months = their.claim + 12 * me.age;
                let start = claim
                    .claim
                    .max(theirs_in_my_months.saturating_sub(12 * other.age));
                year += claim.spousal(&their, start) * months_paid(at, start);
            } else {
                let death = 12 * (other.age + other.years);
                let start = claim.claim.max(me.months_at(other.years));
                let survivor = claim.survivor(&their, death, start);
                year += (survivor - own).max(0.0) * months_paid(at, start);
            }
            year
        };
        one(&self.you, self.partner.as_ref())
            + self
                .partner
                .as_ref()
                .map_or(0.0, |p| one(p, Some(&self.you)))
    }

    /// The share of an income stream paid in year `t`: 1 while its owner lives and it is
    /// due at the owner's age, the survivor share after the owner's death, 0 otherwise.
    pub fn income_share(&self, income: &Income, t: u32) -> f64 {
        let (owner, other) = match income.owner {
            Owner::Household => (&self.you, None),
            Owner::Primary => (&self.you, self.partner.as_ref()),
            Owner::Partner => match &self.partner {
                Some(p) => (p, Some(&self.you)),
                None => return 0.0,
            },
        };
        let age = owner.age + t;
        let due = age >= income.start_age && income.end_age.is_none_or(|end| age < end);
        if !due {
            return 0.0;
        }
        match (income.owner, other) {
            (Owner::Household, _) => 1.0,
            _ if owner.alive(t) => 1.0,
            (_, Some(other)) if other.alive(t) => income.survivor_share.unwrap_or(0.0),
            _ => 0.0,
        }
    }

    /// The planned real spending in year `t` relative to `spending.annual`: the steps up to
    /// your age then, and the survivor share once one of a couple has died.
    pub fn spending_scale(&self, plan: &Plan, t: u32) -> f64 {
        let age = plan.current_age + t;
        let steps = plan
            .spending
            .steps
            .iter()
            .filter(|s| s.age <= age)
            .fold(1.0, |scale, s| scale * (1.0 + s.change));
        if self.widowed(t) {
            steps * plan.spending.survivor_share.unwrap_or(1.0)
        } else {
            steps
        }
    }

    /// Your partner's age in year `t`.
    pub fn partner_age(&self, t: u32) -> Option<u32> {
        self.ages.1.map(|age| age + t)
    }

    /// What the result says of the household, or `None` for a plan of one without Social
    /// Security or spending steps.
    pub fn outcome(&self, plan: &Plan, years: usize) -> Option<HouseholdOutcome> {
        let plain = plan.partner.is_none()
            && plan.social_security.is_none()
            && plan.spending.steps.is_empty();
        if plain {
            return None;
        }
        let years = 0..years as u32;
        let benefit = |person: &Person, other: Option<&Person>, who: Owner| {
            let claim = person.claim?;
            let spousal = other
                .and_then(|o| Some((o, o.claim?)))
                .map(|(other, their)| {
                    let start = claim
                        .claim
                        .max((their.claim + 12 * person.age).saturating_sub(12 * other.age));
                    claim.spousal(&their, start)
                })
                .unwrap_or(0.0);
            let survivor = other
                .filter(|o| o.years < person.years)
                .and_then(|o| Some((o, o.claim?)))
                .map(|(other, their)| {
                    let death = 12 * (other.age + other.years);
                    let start = claim.claim.max(person.months_at(other.years));
                    claim.survivor(&their, death, start).max(claim.own())
                });
            Some(Benefit {
                person: who,
                full_retirement_age_months: claim.fra,
                claiming_age_months: claim.claim,
                monthly_benefit: claim.own(),
                monthly_spousal: spousal,
                monthly_as_survivor: survivor,
            })
        };
        let social_security = [
            benefit(&self.you, self.partner.as_ref(), Owner::Primary),
            self.partner
                .as_ref()
                .and_then(|p| benefit(p, Some(&self.you), Owner::Partner)),
        ]
        .into_iter()
        .flatten()
        .collect();
        Some(HouseholdOutcome {
            partner_ages: self
                .ages
                .1
                .map(|_| years.clone().filter_map(|t| self.partner_age(t)).collect()),
            planned_spending: years
                .clone()
                .map(|t| {
                    if plan.current_age + t >= plan.retirement_age {
                        plan.spending.annual * self.spending_scale(plan, t)
                    } else {
                        0.0
                    }
                })
                .collect(),
            social_security_yearly: years.map(|t| self.social_security(t)).collect(),
            social_security,
        })
    }
}

/// The household's side of a result: the partner's ages, the planned spending path and
/// each person's Social Security.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HouseholdOutcome {
    /// Your partner's age in each simulated year; `null` without a partner.
    pub partner_ages: Option<Vec<u32>>,
    /// The real spending the plan asks for each year (steps and the survivor share applied;
    /// 0 before retirement), beside which `spending_percentiles` shows what was spent.
    pub planned_spending: Vec<f64>,
    /// The household's Social Security each year, in today's dollars.
    pub social_security_yearly: Vec<f64>,
    /// Each claim under SSA's rules, in today's dollars a month.
    pub social_security: Vec<Benefit>,
}

/// One person's Social Security, in today's dollars a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Benefit {
    /// `primary` (you) or `partner`.
    pub person: Owner,
    pub full_retirement_age_months: u32,
    pub claiming_age_months: u32,
    /// The retirement benefit on one's own record, from the claiming age.
    pub monthly_benefit: f64,
    /// Added while both live, once both have claimed.
    pub monthly_spousal: f64,
    /// After the partner's death (when it comes first in the plan): the larger of one's own
    /// benefit and the survivor benefit.
    pub monthly_as_survivor: Option<f64>,
}
