//! The "retirement spending smile" of Blanchett (2014), as spending steps.
//!
//! Blanchett, D. (2014), "Exploring the Retirement Consumption Puzzle", *Journal of
//! Financial Planning* 27(5): 34–42, fits the yearly real change in a retiree's spending to
//! age and the spending level:
//! `Δ = 0.00008·age² − 0.0125·age − 0.0066·ln(spending) + 0.546`. For $50,000 a year, real
//! spending holds at 65, falls by up to 1.4 % a year in the late seventies, and rises again
//! from the early nineties. The preset applies it in five-year steps from the retirement age.

use super::SpendingStep;
use super::household::MAX_STEPS;

/// Blanchett's yearly real change in spending at `age` for `spending` (today's dollars).
pub fn blanchett_change(age: u32, spending: f64) -> f64 {
    let age = f64::from(age);
    0.00008 * age * age - 0.0125 * age - 0.0066 * spending.max(1.0).ln() + 0.546
}

/// Steps every five years from `retirement_age` up to `last_age`, each the compounded
/// change of the five years before it, to a tenth of a percent.
pub fn smile_steps(retirement_age: u32, last_age: u32, spending: f64) -> Vec<SpendingStep> {
    (1..)
        .map(|k| retirement_age + 5 * k)
        .take_while(|&age| age <= last_age)
        .take(MAX_STEPS)
        .map(|age| {
            let change = (age - 5..age).fold(1.0, |f, a| f * (1.0 + blanchett_change(a, spending)));
            SpendingStep {
                age,
                change: ((change - 1.0) * 1000.0).round() / 1000.0,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_falls_most_in_the_late_seventies_and_less_again_in_the_nineties() {
        let at = |age| blanchett_change(age, 50_000.0);
        assert!(at(65).abs() < 0.001, "{}", at(65));
        assert!(at(78) < -0.013, "{}", at(78));
        assert!(at(85) > at(78) && at(95) > 0.0);
        let steps = smile_steps(65, 94, 50_000.0);
        let ages: Vec<u32> = steps.iter().map(|s| s.age).collect();
        assert_eq!(ages, [70, 75, 80, 85, 90]);
        assert!(steps.iter().all(|s| s.change < 0.0));
        assert!(steps[2].change < steps[0].change && steps[4].change > steps[2].change);
    }
}
