//! Required minimum distributions from traditional accounts.
//!
//! - **When:** from the year the owner reaches the applicable age of IRC §401(a)(9)(C) as
//!   amended by SECURE 2.0 §107: 72 for those born 1950 or earlier (who have started), 73 for
//!   those born 1951–1959, 75 for those born 1960 or later.
//! - **How much:** the prior year-end balance divided by the distribution period for the
//!   owner's age that year in the Uniform Lifetime Table, 26 CFR §1.401(a)(9)-9(c), as
//!   updated by T.D. 9930 (85 FR 72472, November 12, 2020) for distribution years from 2022.

/// The Uniform Lifetime Table's distribution periods for ages 72 to 120 (120 and older).
const UNIFORM_LIFETIME: [f64; 49] = [
    27.4, 26.5, 25.5, 24.6, 23.7, 22.9, 22.0, 21.1, 20.2, 19.4, // 72–81
    18.5, 17.7, 16.8, 16.0, 15.2, 14.4, 13.7, 12.9, 12.2, 11.5, // 82–91
    10.8, 10.1, 9.5, 8.9, 8.4, 7.8, 7.3, 6.8, 6.4, 6.0, // 92–101
    5.6, 5.2, 4.9, 4.6, 4.3, 4.1, 3.9, 3.7, 3.5, 3.4, // 102–111
    3.3, 3.1, 3.0, 2.9, 2.8, 2.7, 2.5, 2.3, 2.0, // 112–120
];

/// The age at which distributions must start, by birth year.
pub fn start_age(birth_year: u32) -> u32 {
    match birth_year {
        ..=1950 => 72,
        1951..=1959 => 73,
        _ => 75,
    }
}

/// The distribution period at `age` (72 or older).
pub fn distribution_period(age: u32) -> f64 {
    let k = age.clamp(72, 120) - 72;
    UNIFORM_LIFETIME[k as usize]
}

/// The share of the prior year-end balance that must come out at `age`: `1 / period` once
/// distributions have started, 0 before.
pub fn required_share(age: u32, birth_year: u32) -> f64 {
    if age >= start_age(birth_year) {
        1.0 / distribution_period(age)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_pins_the_regulation() {
        assert_eq!(distribution_period(73), 26.5);
        assert_eq!(distribution_period(80), 20.2);
        assert_eq!(distribution_period(90), 12.2);
        assert_eq!(distribution_period(100), 6.4);
        assert_eq!(distribution_period(120), 2.0);
        assert_eq!(distribution_period(125), 2.0);
        assert!(UNIFORM_LIFETIME.windows(2).all(|w| w[1] < w[0]));
    }

    #[test]
    fn distributions_start_by_birth_year() {
        assert_eq!(required_share(72, 1955), 0.0);
        assert_eq!(required_share(73, 1955), 1.0 / 26.5);
        assert_eq!(required_share(74, 1960), 0.0);
        assert_eq!(required_share(75, 1960), 1.0 / 24.6);
        assert_eq!(required_share(78, 1948), 1.0 / 22.0);
    }
}
