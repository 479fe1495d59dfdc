//! Social Security retirement, spousal and survivor benefits, by SSA's rules, in months.
//!
//! Every amount is a monthly benefit in today's dollars, a share of a primary insurance
//! amount (PIA: the benefit at full retirement age, as the SSA statement shows it). Ages are
//! in months (`67 × 12`). The rules and their sources (`docs/methodology.md`, "Social
//! Security"):
//! - full retirement age by birth year (SSA, "Benefits planner: retirement age calculator"),
//!   and the survivor's full retirement age, two years behind (SSA, "Survivors planner");
//! - own benefit: 5/9 of 1 % less a month for the first 36 months before full retirement
//!   age and 5/12 of 1 % for each further month; 2/3 of 1 % more a month of delay up to 70
//!   (20 CFR 404.410 and 404.313, for those born 1943 or later);
//! - spousal benefit: up to half the partner's PIA less one's own PIA, 25/36 of 1 % less a
//!   month for the first 36 months early and 5/12 of 1 % beyond, no delayed credits, paid
//!   once both have claimed (deemed filing; 20 CFR 404.333 and 404.410);
//! - survivor benefit: the deceased's benefit with their delayed credits, at least 82.5 % of
//!   their PIA when they had claimed early (the "widow(er)'s limit", POMS RS 00615.320), less
//!   up to 28.5 % when taken before the survivor's full retirement age (20 CFR 404.410).
//!
//! Amounts are not rounded down to the dime as SSA's checks are; the earnings test and the
//! survivor rules beyond these (benefits from 60, the mother's/father's benefit) are not
//! modelled.

/// The earliest and latest claiming ages, in months.
pub const EARLIEST_CLAIM: u32 = 62 * 12;
pub const LATEST_CLAIM: u32 = 70 * 12;

/// Full retirement age for a retirement or spousal benefit, in months.
pub fn full_retirement_age(birth_year: u32) -> u32 {
    match birth_year {
        ..=1937 => 65 * 12,
        1938..=1942 => 65 * 12 + 2 * (birth_year - 1937),
        1943..=1954 => 66 * 12,
        1955..=1959 => 66 * 12 + 2 * (birth_year - 1954),
        _ => 67 * 12,
    }
}

/// Full retirement age for a survivor benefit, in months: the same steps two years later.
pub fn survivor_full_retirement_age(birth_year: u32) -> u32 {
    match birth_year {
        ..=1939 => 65 * 12,
        1940..=1944 => 65 * 12 + 2 * (birth_year - 1939),
        1945..=1956 => 66 * 12,
        1957..=1961 => 66 * 12 + 2 * (birth_year - 1956),
        _ => 67 * 12,
    }
}

/// The share of the PIA paid as one's own benefit when it starts at `claim` months of age.
pub fn own_factor(claim: u32, fra: u32) -> f64 {
    if claim <= fra {
        1.0 - early_reduction(fra - claim, 5.0 / 9.0)
    } else {
        let late = claim.min(LATEST_CLAIM).saturating_sub(fra);
        1.0 + f64::from(late) * (2.0 / 3.0) / 100.0
    }
}

/// The share of the spousal maximum (half the partner's PIA, less one's own PIA) paid when
/// the spousal benefit starts at `start` months of age. No credits for delay.
pub fn spousal_factor(start: u32, fra: u32) -> f64 {
    1.0 - early_reduction(fra.saturating_sub(start), 25.0 / 36.0)
}

/// The share of the survivor's base paid when the survivor benefit starts at `start` months
/// of age: 71.5 % at 60, rising evenly to 100 % at the survivor's full retirement age.
pub fn survivor_factor(start: u32, survivor_fra: u32) -> f64 {
    const SIXTY: u32 = 60 * 12;
    if start >= survivor_fra {
        return 1.0;
    }
    let span = f64::from(survivor_fra - SIXTY);
    let early = f64::from(survivor_fra - start.max(SIXTY));
    1.0 - 0.285 * early / span
}

/// `first` percent a month for the first 36 months early, 5/12 % a month beyond.
fn early_reduction(months_early: u32, first: f64) -> f64 {
    let head = f64::from(months_early.min(36));
    let tail = f64::from(months_early.saturating_sub(36));
    (head * first + tail * 5.0 / 12.0) / 100.0
}

/// One person's claim: the PIA and the claiming age, and the birth year's full retirement
/// ages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Claim {
    pub pia: f64,
    /// Claiming age, months.
    pub claim: u32,
    pub fra: u32,
    pub survivor_fra: u32,
}

impl Claim {
    pub fn new(pia: f64, claim: u32, birth_year: u32) -> Self {
        Self {
            pia,
            claim,
            fra: full_retirement_age(birth_year),
            survivor_fra: survivor_full_retirement_age(birth_year),
        }
    }

    /// One's own monthly retirement benefit, once claimed.
    pub fn own(&self) -> f64 {
        self.pia * own_factor(self.claim, self.fra)
    }

    /// The monthly spousal benefit on `partner`'s record, starting at `start` months of one's
    /// own age (the later of the two claims): `0` when one's own PIA is half theirs or more.
    pub fn spousal(&self, partner: &Claim, start: u32) -> f64 {
        let excess = (0.5 * partner.pia - self.pia).max(0.0);
        excess * spousal_factor(start, self.fra)
    }

    /// The base of a survivor benefit on this (the deceased's) record, for a death at
    /// `death` months of age: the benefit being paid with its delayed credits, or, claimed
    /// early, at least 82.5 % of the PIA. Not yet claimed: the PIA, with the credits earned
    /// up to the death when that was past full retirement age.
    pub fn survivor_base(&self, death: u32) -> f64 {
        if self.claim < death {
            let own = self.own();
            if self.claim < self.fra {
                return own.max(0.825 * self.pia);
            }
            return own;
        }
        self.pia * own_factor(death.max(self.fra), self.fra)
    }

    /// The survivor benefit this person (the survivor) takes at `start` months of age on the
    /// record of `deceased`, who died at `death` months of age: the base less the reduction
    /// for the survivor's age, never above the widow(er)'s limit.
    pub fn survivor(&self, deceased: &Claim, death: u32, start: u32) -> f64 {
        let base = deceased.survivor_base(death);
        let factor = survivor_factor(start, self.survivor_fra);
        if deceased.claim < death && deceased.claim < deceased.fra {
            // The limit applies to the full-rate benefit reduced for the survivor's age.
            (deceased.pia * factor).min(base)
        } else {
            base * factor
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SSA's examples are whole dollars; the rules' fractions are not exact in binary.
    const CENT: f64 = 0.005;

    fn years(y: u32) -> u32 {
        y * 12
    }

    #[test]
    fn full_retirement_age_follows_ssa_table() {
        assert_eq!(full_retirement_age(1937), years(65));
        assert_eq!(full_retirement_age(1940), years(65) + 6);
        assert_eq!(full_retirement_age(1954), years(66));
        assert_eq!(full_retirement_age(1957), years(66) + 6);
        assert_eq!(full_retirement_age(1959), years(66) + 10);
        assert_eq!(full_retirement_age(1960), years(67));
        assert_eq!(survivor_full_retirement_age(1956), years(66));
        assert_eq!(survivor_full_retirement_age(1959), years(66) + 6);
        assert_eq!(survivor_full_retirement_age(1962), years(67));
    }

    /// SSA, "Retirement benefits: early or late retirement" and "Benefits for spouses": a
    /// PIA of $1,000 with a full retirement age of 67.
    #[test]
    fn ssa_examples_for_a_pia_of_1000_and_full_retirement_age_67() {
        let at = |age| Claim::new(1000.0, years(age), 1960);
        assert!((at(62).own() - 700.0).abs() < CENT);
        assert!((at(67).own() - 1000.0).abs() < CENT);
        assert!((at(70).own() - 1240.0).abs() < CENT);
        let worker = at(67);
        let spouse = Claim::new(0.0, years(62), 1960);
        assert!((spouse.spousal(&worker, years(62)) - 325.0).abs() < CENT);
        assert!((spouse.spousal(&worker, years(67)) - 500.0).abs() < CENT);
    }

    #[test]
    fn reductions_per_month_change_after_36_months() {
        // 36 months early: 20 % off one's own, 25 % off the spousal.
        assert!((own_factor(years(64), years(67)) - 0.8).abs() < 1e-12);
        assert!((spousal_factor(years(64), years(67)) - 0.75).abs() < 1e-12);
        // One month more: 5/12 % each.
        assert!((own_factor(years(64) - 1, years(67)) - (0.8 - 5.0 / 1200.0)).abs() < 1e-12);
        // Delay stops earning at 70, and the spousal benefit never earns it.
        assert_eq!(
            own_factor(years(72), years(67)),
            own_factor(years(70), years(67))
        );
        assert_eq!(spousal_factor(years(70), years(67)), 1.0);
    }

    #[test]
    fn spousal_benefit_is_the_excess_over_ones_own_pia() {
        let worker = Claim::new(2000.0, years(67), 1960);
        let spouse = Claim::new(600.0, years(67), 1960);
        assert!((spouse.spousal(&worker, years(67)) - 400.0).abs() < CENT);
        let richer = Claim::new(1200.0, years(67), 1960);
        assert_eq!(richer.spousal(&worker, years(67)), 0.0);
    }

    /// SSA, "Survivors benefits": 100 % at the survivor's full retirement age, 71.5 % at 60;
    /// at least 82.5 % of the PIA when the deceased claimed early.
    #[test]
    fn survivor_benefits_follow_the_deceased_record() {
        let survivor = Claim::new(0.0, years(67), 1962);
        // The deceased claimed at 70: the survivor keeps the delayed credits.
        let late = Claim::new(1000.0, years(70), 1960);
        assert!((survivor.survivor(&late, years(75), years(67)) - 1240.0).abs() < CENT);
        // Claimed at 62 (70 %): the widow(er)'s limit lifts it to 82.5 %.
        let early = Claim::new(1000.0, years(62), 1960);
        assert!((survivor.survivor(&early, years(75), years(67)) - 825.0).abs() < CENT);
        // Died at 68 before claiming: the PIA with the credits earned to then (8 %).
        let unclaimed = Claim::new(1000.0, years(70), 1960);
        assert!((survivor.survivor(&unclaimed, years(68), years(67)) - 1080.0).abs() < CENT);
        // Taken at 60: 71.5 % of the full-rate benefit.
        assert!((survivor.survivor(&late, years(75), years(60)) - 1240.0 * 0.715).abs() < CENT);
        assert!((survivor_factor(years(60), years(67)) - 0.715).abs() < 1e-12);
    }
}
