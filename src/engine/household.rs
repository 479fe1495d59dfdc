//! The household's year-by-year facts: who is alive, the Social Security each receives,
//! what spending the plan asks for, and whose income still pays, each for a given state of
//! who is alive ([`Alive`]).
//!
//! With fixed lifetimes (you live until `end_age`, your partner until `partner.end_age`)
//! the state of each year is the same on every path, so all of this resolves into the
//! schedule before any path is drawn; with drawn lifetimes `lives` resolves each state and
//! blends them per path. Year `t` is your age `current_age + t`; a death happens at the
//! turn of a year.
//! Social Security is paid by the month: a claim at 62 and 6 months pays 6 months in the
//! year of age 62.

use super::outcome::{Benefit, HouseholdOutcome};
use super::plan::{Income, Owner, Plan};
use super::social_security::Claim;

/// One person of the household as the timeline sees them.
#[derive(Debug, Clone, Copy)]
struct Person {
    /// Age now, years.
    age: u32,
    /// Years from now they live through, with fixed lifetimes.
    years: u32,
    claim: Option<Claim>,
}

impl Person {
    /// Age in months at the start of year `t`.
    fn months_at(&self, t: u32) -> u32 {
        12 * (self.age + t)
    }

    /// Deemed filing: a spousal benefit on `other`'s record starts, in one's own months of
    /// age, once both have claimed.
    fn spousal_start(&self, claim: &Claim, other: &Person, their: &Claim) -> u32 {
        claim
            .claim
            .max((their.claim + 12 * self.age).saturating_sub(12 * other.age))
    }
}

/// Who is alive in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alive {
    pub you: bool,
    pub partner: bool,
}

impl Alive {
    pub fn any(self) -> bool {
        self.you || self.partner
    }
}

/// The two people of a household, by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    You,
    Partner,
}

/// The household of a plan, with the year-by-year facts derived from it.
#[derive(Debug, Clone)]
pub struct Timeline {
    you: Person,
    partner: Option<Person>,
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
        Self { you, partner }
    }

    pub fn has_partner(&self) -> bool {
        self.partner.is_some()
    }

    fn person(&self, who: Who) -> Option<&Person> {
        match who {
            Who::You => Some(&self.you),
            Who::Partner => self.partner.as_ref(),
        }
    }

    fn other(&self, who: Who) -> Option<&Person> {
        match who {
            Who::You => self.partner.as_ref(),
            Who::Partner => Some(&self.you),
        }
    }

    /// Who is alive in year `t` with fixed lifetimes.
    pub fn alive(&self, t: u32) -> Alive {
        Alive {
            you: t < self.you.years,
            partner: self.partner.is_some_and(|p| t < p.years),
        }
    }

    /// `who`'s age in months at the start of year `t`.
    pub fn months_at(&self, who: Who, t: u32) -> u32 {
        self.person(who).map_or(0, |p| p.months_at(t))
    }

    /// The household's yearly Social Security in year `t` apart from survivor benefits, in
    /// today's dollars: each living person's own benefit, and while both live, the spousal
    /// benefits.
    pub fn own_and_spousal(&self, t: u32, alive: Alive) -> f64 {
        let one = |who: Who, living: bool| -> f64 {
            let Some(me) = self.person(who).filter(|_| living) else {
                return 0.0;
            };
            let Some(claim) = me.claim else {
                return 0.0;
            };
            let at = me.months_at(t);
            let mut year = claim.own() * months_paid(at, claim.claim);
            if alive.you
                && alive.partner
                && let Some((other, their)) = self.other(who).and_then(|o| Some((o, o.claim?)))
            {
                let start = me.spousal_start(&claim, other, &their);
                year += claim.spousal(&their, start) * months_paid(at, start);
            }
            year
        };
        one(Who::You, alive.you) + one(Who::Partner, alive.partner)
    }

    /// What `survivor` receives on top of their own benefit after the other dies at the
    /// turn of plan year `death_year`: the monthly excess of the survivor benefit over their
    /// own, and the age in months from which it is paid (the later of the death and their
    /// claim). `None` when either has no claim.
    pub fn survivor_excess(&self, survivor: Who, death_year: u32) -> Option<(f64, u32)> {
        let me = self.person(survivor)?;
        let other = self.other(survivor)?;
        let (claim, their) = (me.claim?, other.claim?);
        let death = 12 * (other.age + death_year);
        let start = claim.claim.max(me.months_at(death_year));
        let excess = (claim.survivor(&their, death, start) - claim.own()).max(0.0);
        Some((excess, start))
    }

    /// The yearly survivor excess in year `t` for `survivor`, the other having died at the
    /// turn of `death_year` (`t ≥ death_year`).
    pub fn survivor_payment(&self, survivor: Who, death_year: u32, t: u32) -> f64 {
        self.survivor_excess(survivor, death_year)
            .map_or(0.0, |(excess, start)| {
                excess * months_paid(self.months_at(survivor, t), start)
            })
    }

    /// The yearly Social Security of the household in year `t` with fixed lifetimes, in
    /// today's dollars: each living person's own benefit, spousal benefits while both live,
    /// and after a death the survivor's larger of their own and the survivor benefit.
    pub fn social_security(&self, t: u32) -> f64 {
        let alive = self.alive(t);
        let mut total = self.own_and_spousal(t, alive);
        if let Some(partner) = &self.partner {
            if alive.you && !alive.partner {
                total += self.survivor_payment(Who::You, partner.years, t);
            }
            if alive.partner && !alive.you {
                total += self.survivor_payment(Who::Partner, self.you.years, t);
            }
        }
        total
    }

    /// The share of an income stream paid in year `t`: 1 while its owner lives (a
    /// household's income while either lives) and it is due at the owner's age, the
    /// survivor share after the owner's death, 0 otherwise.
    pub fn income_share(&self, income: &Income, t: u32, alive: Alive) -> f64 {
        let (owner, owner_alive, other_alive) = match income.owner {
            Owner::Household => (&self.you, alive.any(), false),
            Owner::Primary => (&self.you, alive.you, alive.partner),
            Owner::Partner => match &self.partner {
                Some(p) => (p, alive.partner, alive.you),
                None => return 0.0,
            },
        };
        let age = owner.age + t;
        let due = age >= income.start_age && income.end_age.is_none_or(|end| age < end);
        match () {
            _ if !due => 0.0,
            _ if owner_alive => 1.0,
            _ if other_alive => income.survivor_share.unwrap_or(0.0),
            _ => 0.0,
        }
    }

    /// The planned real spending in year `t` relative to `spending.annual`: the steps up to
    /// your age then, the survivor share once one of a couple has died, 0 once both have.
    pub fn spending_scale(&self, plan: &Plan, t: u32, alive: Alive) -> f64 {
        let age = plan.current_age + t;
        let steps = plan
            .spending
            .steps
            .iter()
            .filter(|s| s.age <= age)
            .fold(1.0, |scale, s| scale * (1.0 + s.change));
        match (alive.you, alive.partner) {
            (false, false) => 0.0,
            (true, true) => steps,
            _ if self.partner.is_some() => steps * plan.spending.survivor_share.unwrap_or(1.0),
            _ => steps,
        }
    }

    /// Contributions in year `t`, today's dollars: yours while you live and work, your
    /// partner's while they live and work.
    pub fn contributions(&self, plan: &Plan, t: u32, alive: Alive) -> f64 {
        let mut total = 0.0;
        if alive.you && plan.current_age + t < plan.retirement_age {
            total += plan.portfolio.annual_contribution;
        }
        if let Some(partner) = &plan.partner
            && alive.partner
            && partner.current_age + t < partner.retirement_age
        {
            total += partner.annual_contribution;
        }
        total
    }

    /// Your partner's age in year `t`.
    pub fn partner_age(&self, t: u32) -> Option<u32> {
        self.partner.map(|p| p.age + t)
    }

    /// What the result says of the household, or `None` for a plan of one without Social
    /// Security, spending steps or drawn lifetimes. The yearly paths follow the fixed
    /// lifetimes, or with drawn ones, both of you alive throughout.
    pub fn outcome(&self, plan: &Plan, years: usize) -> Option<HouseholdOutcome> {
        let plain = plan.partner.is_none()
            && plan.social_security.is_none()
            && plan.spending.steps.is_empty()
            && plan.longevity.is_none();
        if plain {
            return None;
        }
        let drawn = plan.longevity.is_some();
        let alive = |t: u32| {
            if drawn {
                Alive {
                    you: true,
                    partner: self.partner.is_some(),
                }
            } else {
                self.alive(t)
            }
        };
        let benefit = |who: Who, role: Owner| {
            let person = self.person(who)?;
            let claim = person.claim?;
            let spousal = self
                .other(who)
                .and_then(|o| Some((o, o.claim?)))
                .map(|(other, their)| {
                    claim.spousal(&their, person.spousal_start(&claim, other, &their))
                })
                .unwrap_or(0.0);
            // As the survivor of the other's death at their end age (when it comes first).
            let survivor = self
                .other(who)
                .filter(|o| drawn || o.years < person.years)
                .and_then(|o| self.survivor_excess(who, o.years))
                .map(|(excess, _)| claim.own() + excess);
            Some(Benefit {
                person: role,
                full_retirement_age_months: claim.fra,
                claiming_age_months: claim.claim,
                monthly_benefit: claim.own(),
                monthly_spousal: spousal,
                monthly_as_survivor: survivor,
            })
        };
        let social_security = [
            benefit(Who::You, Owner::Primary),
            benefit(Who::Partner, Owner::Partner),
        ]
        .into_iter()
        .flatten()
        .collect();
        let years = 0..years as u32;
        Some(HouseholdOutcome {
            partner_ages: self
                .partner
                .map(|_| years.clone().filter_map(|t| self.partner_age(t)).collect()),
            planned_spending: years
                .clone()
                .map(|t| {
                    if plan.current_age + t >= plan.retirement_age {
                        plan.spending.annual * self.spending_scale(plan, t, alive(t))
                    } else {
                        0.0
                    }
                })
                .collect(),
            social_security_yearly: years
                .map(|t| {
                    if drawn {
                        self.own_and_spousal(t, alive(t))
                    } else {
                        self.social_security(t)
                    }
                })
                .collect(),
            social_security,
            lifetimes: None,
        })
    }
}
