//! SSA period life tables and the lifetimes drawn from them.
//!
//! `data/ssa_life_tables.csv` (see `data/README.md`) holds, for each calendar year from 2018
//! to 2095 and each age 0 to 119, the probability `q` of dying within the year, by sex:
//! the period life tables of the 2020 Trustees Report (intermediate projections). It is
//! compiled into the binary.
//!
//! A person's mortality follows their cohort: at age `x` in calendar year `y` the death
//! rate is `q(y, x)`; years past 2095 use 2095's rates, years before 2018 use 2018's, and
//! whoever reaches 120 dies within that year. A health adjustment of `h` years reads the rates of age `x + h`
//! ("as if `h` years older"; negative is younger).
//!
//! Lifetimes are drawn by inversion: with `S(t)` the chance of being alive at the start of
//! plan year `t`, a uniform `u` gives the death year `D = min{t : S(t) < u}`, and the person
//! lives through years `0..D`.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const CSV: &str = include_str!("../../data/ssa_life_tables.csv");

/// The oldest age in the tables; whoever reaches `OLDEST + 1` dies within that year.
pub const OLDEST: u32 = 119;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
        }
    }
}

/// The tables, by sex: `q[year − first_year][age]`, and the period life expectancy `e`.
#[derive(Debug)]
pub struct LifeTables {
    pub first_year: u32,
    pub last_year: u32,
    male: Vec<[f64; 120]>,
    female: Vec<[f64; 120]>,
    e_male: Vec<[f64; 120]>,
    e_female: Vec<[f64; 120]>,
}

impl LifeTables {
    /// The tables compiled into the binary.
    pub fn ssa() -> &'static Self {
        static TABLES: OnceLock<LifeTables> = OnceLock::new();
        TABLES.get_or_init(|| Self::parse(CSV))
    }

    fn parse(csv: &str) -> Self {
        let mut tables = Self {
            first_year: u32::MAX,
            last_year: 0,
            male: Vec::new(),
            female: Vec::new(),
            e_male: Vec::new(),
            e_female: Vec::new(),
        };
        for line in csv.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            let number = |i: usize| -> f64 {
                cells[i]
                    .parse()
                    .expect("data/ssa_life_tables.csv holds numbers")
            };
            let (year, age) = (number(0) as u32, number(1) as usize);
            if year < tables.first_year {
                tables.first_year = year;
            }
            if year > tables.last_year {
                tables.last_year = year;
                for table in [
                    &mut tables.male,
                    &mut tables.female,
                    &mut tables.e_male,
                    &mut tables.e_female,
                ] {
                    table.push([0.0; 120]);
                }
            }
            let row = (year - tables.first_year) as usize;
            tables.male[row][age] = number(2);
            tables.female[row][age] = number(3);
            tables.e_male[row][age] = number(4);
            tables.e_female[row][age] = number(5);
        }
        tables
    }

    /// The chance of dying within calendar year `year` at age `age`.
    pub fn q(&self, sex: Sex, year: i64, age: i64) -> f64 {
        if age > i64::from(OLDEST) {
            return 1.0;
        }
        let age = age.max(0) as usize;
        let row = (year.clamp(i64::from(self.first_year), i64::from(self.last_year))
            - i64::from(self.first_year)) as usize;
        match sex {
            Sex::Male => self.male[row][age],
            Sex::Female => self.female[row][age],
        }
    }

    /// The table's own period life expectancy at `age` in `year` (SSA's `e(x)`).
    pub fn period_expectancy(&self, sex: Sex, year: u32, age: u32) -> f64 {
        let row = (year.clamp(self.first_year, self.last_year) - self.first_year) as usize;
        match sex {
            Sex::Male => self.e_male[row][age as usize],
            Sex::Female => self.e_female[row][age as usize],
        }
    }

    /// `S(t)` for `t = 0..=years`: the chance that someone of `sex`, born in `birth_year`
    /// and aged `age` at the start of the plan, is alive at the start of plan year `t`.
    pub fn survival(
        &self,
        sex: Sex,
        birth_year: u32,
        age: u32,
        health_adjustment: i32,
        years: usize,
    ) -> Vec<f64> {
        let mut alive = 1.0;
        let mut out = Vec::with_capacity(years + 1);
        out.push(alive);
        for t in 0..years {
            let x = i64::from(age) + t as i64;
            let year = i64::from(birth_year) + x;
            alive *= 1.0 - self.q(sex, year, x + i64::from(health_adjustment));
            out.push(alive);
        }
        out
    }
}

/// The death year drawn by `u`: the first `t` with `S(t) < u`, or `S.len()` (past the plan's
/// end) when the person outlives the plan. Branch-free over `t`, so it vectorizes over lanes.
#[inline(always)]
pub fn death_year(survival: &[f64], u: f64) -> f64 {
    // `S` never rises, so the years still alive at `u` are a prefix: count them.
    let alive: f64 = survival[1..]
        .iter()
        .map(|&s| if s >= u { 1.0 } else { 0.0 })
        .sum();
    1.0 + alive
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_cover_2018_to_2095_by_sex_and_age() {
        let t = LifeTables::ssa();
        assert_eq!((t.first_year, t.last_year), (2018, 2095));
        // The source rows for age 65 (2020 Trustees Report, intermediate assumptions).
        assert_eq!(t.q(Sex::Male, 2026, 65), 0.014870);
        assert_eq!(t.q(Sex::Female, 2095, 65), 0.004861);
        assert_eq!(t.period_expectancy(Sex::Male, 2095, 65), 22.46);
        // Past the tables' years the last year's rates hold; past 119 nobody lives.
        assert_eq!(t.q(Sex::Male, 2200, 65), t.q(Sex::Male, 2095, 65));
        assert_eq!(t.q(Sex::Female, 2030, 120), 1.0);
    }

    #[test]
    fn survival_falls_and_ends_at_zero_past_the_oldest_age() {
        let s = LifeTables::ssa().survival(Sex::Female, 1960, 66, 0, 60);
        assert_eq!(s[0], 1.0);
        assert!(s.windows(2).all(|w| w[1] <= w[0]));
        assert!(s[54] > 0.0, "alive at the start of the year of 120");
        assert_eq!(s[55], 0.0, "never at 121");
        assert_eq!(death_year(&s, 1.0 - 1e-12), 1.0, "dies in the first year");
        assert_eq!(
            death_year(&s, 1e-300),
            55.0,
            "dies at the latest in the year of 120"
        );
        // Older by five years: shorter lives.
        let older = LifeTables::ssa().survival(Sex::Female, 1960, 66, 5, 60);
        assert!(older[20] < s[20]);
    }
}
