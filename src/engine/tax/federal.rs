//! A year's US federal income tax, and the optional flat state tax, for one household.
//!
//! The steps are Form 1040's, each as the IRS worksheet writes it:
//! 1. The taxable part of Social Security: Publication 915, Worksheet 1. Provisional income
//!    is the other income plus half the benefits; above the base amount ($25,000 single,
//!    $32,000 joint) half the excess is taxable, above the adjusted base amount ($34,000 /
//!    $44,000) 85% of that excess plus the lesser of half the benefits and half the band
//!    between the two, never more than 85% of the benefits. The thresholds are unindexed.
//! 2. Adjusted gross income: ordinary income (traditional withdrawals, Roth conversions,
//!    taxable pensions and other income), realized long-term gains and the taxable benefits.
//! 3. Deductions: the standard deduction, its additional amount for each person 65 or older,
//!    and the senior deduction of 2025–2028 ($6,000 a person 65 or older, less 6% of the
//!    adjusted gross income above $75,000 single or $150,000 joint, Schedule 1-A Part V).
//! 4. Tax on the taxable income: the Qualified Dividends and Capital Gain Tax Worksheet, with
//!    gains stacked on top of ordinary income at 0%, 15% and 20%, and the ordinary part by
//!    the rate schedule (the Tax Computation Worksheet's exact form; the Tax Table's $50 rows
//!    below $100,000 round it by a few dollars).
//! 5. The 3.8% net investment income tax (Form 8960) on the lesser of the gains and the
//!    adjusted gross income above $200,000 single or $250,000 joint, unindexed.
//!
//! Every amount is an [`Amount`]: carried as [`Lin`], the marginal rate comes with the tax;
//! as [`Val`](super::amount::Val), the tax alone, with the same bits.

use super::amount::Amount;
use super::law::Law;
use super::lin::{Lane, Lin};

/// A year's incomes, in that year's dollars (for one lane, or a chunk: see [`Lane`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Incomes<X = Lin> {
    /// Traditional withdrawals, Roth conversions, taxable pensions and other income.
    pub ordinary: X,
    /// Social Security benefits received (all of them, before taxation).
    pub social_security: X,
    /// Realized long-term capital gains.
    pub gains: X,
}

/// The optional flat state income tax: a rate on federal adjusted gross income, with the
/// taxable part of Social Security left out unless `taxes_social_security` is 1.
#[derive(Debug, Clone, Copy, Default)]
pub struct StateTax {
    pub rate: f64,
    /// 1 when the state taxes Social Security, 0 (the default) when it exempts it.
    pub taxes_social_security: f64,
}

/// What a year's incomes owe, and the amounts on the way.
#[derive(Debug, Clone, Copy, Default)]
pub struct Owed<X = Lin> {
    pub federal: X,
    pub state: X,
    pub agi: X,
    pub taxable_social_security: X,
    pub taxable_income: X,
}

impl<X: Amount> Owed<X> {
    #[inline(always)]
    pub fn total(&self) -> X {
        self.federal + self.state
    }
}

/// The tax on `incomes` under `law` (already in the year's dollars: see `Law::indexed`),
/// for a household with `seniors` people aged 65 or older (per lane).
#[inline(always)]
pub fn owed<T: Lane, X: Amount<Lane = T>>(
    law: &Law<T>,
    seniors: T,
    state: StateTax,
    incomes: Incomes<X>,
) -> Owed<X> {
    let Incomes {
        ordinary,
        social_security: benefits,
        gains,
    } = incomes;
    let taxable_social_security = taxable_benefits(law, benefits, ordinary + gains);
    let agi = ordinary + gains + taxable_social_security;
    let senior_each = (X::c(law.senior_deduction)
        - (agi - law.senior_phaseout_start).max0() * law.senior_phaseout_rate)
        .max0();
    let deductions =
        senior_each.scale(seniors) + (law.standard_deduction + law.aged_deduction * seniors);
    let taxable_income = (agi - deductions).max0();
    let income_tax = gains_worksheet(law, taxable_income, gains);
    let niit = gains.min((agi - law.niit_threshold).max0()) * law.niit_rate;
    let state_base = (agi - taxable_social_security * (1.0 - state.taxes_social_security)).max0();
    Owed {
        federal: income_tax + niit,
        state: state_base * state.rate,
        agi,
        taxable_social_security,
        taxable_income,
    }
}

/// Publication 915, Worksheet 1 (lines 1–18), with no tax-exempt interest or adjustments.
#[inline(always)]
pub fn taxable_benefits<T: Lane, X: Amount<Lane = T>>(
    law: &Law<T>,
    benefits: X,
    other_income: X,
) -> X {
    let [base, adjusted_base] = law.ss_thresholds;
    let [half, most] = law.ss_shares;
    let line2 = benefits * half;
    let line7 = line2 + other_income;
    let line9 = (line7 - base).max0();
    let line10 = adjusted_base - base;
    let line11 = (line9 - line10).max0();
    let line12 = line9.min(X::c(line10));
    let line14 = line2.min(line12 * half);
    let line16 = line14 + line11 * most;
    line16.min(benefits * most)
}

/// The Qualified Dividends and Capital Gain Tax Worksheet (lines 1–25), with the gains as the
/// only preferential income.
#[inline(always)]
pub fn gains_worksheet<T: Lane, X: Amount<Lane = T>>(
    law: &Law<T>,
    taxable_income: X,
    gains: X,
) -> X {
    let [zero_rate, mid_rate, top_rate] = law.gains_rates;
    let line1 = taxable_income;
    let line5 = (line1 - gains).max0();
    let line7 = line1.min(X::c(law.gains_brackets[0]));
    let line8 = line5.min(line7);
    let line9 = line7 - line8;
    let line10 = line1.min(gains);
    let line12 = line10 - line9;
    let line14 = line1.min(X::c(law.gains_brackets[1]));
    let line15 = line5 + line9;
    let line16 = (line14 - line15).max0();
    let line17 = line12.min(line16);
    let line20 = line10 - (line9 + line17);
    let line23 =
        ordinary_tax(law, line5) + line9 * zero_rate + line17 * mid_rate + line20 * top_rate;
    line23.min(ordinary_tax(law, line1))
}

/// The rate schedule on a taxable income: the tax of the brackets below the income's, in
/// full, plus its own rate on the rest. Branch-free: each bracket's start is compared with
/// the income and picks that bracket's sum, start and rate.
///
/// It gives the bits of summing every bracket's `rate · clamp(income − start, 0, width)` in
/// order (the worksheet's way, kept in the tests as the reference): the full brackets' sum is
/// built in the same order, the income's own bracket adds its part, and the brackets above
/// add exact zeros. The slope is the rate of the bracket the income is in, or 0 where the
/// income rounds onto its top; an income on a bracket's start is in that bracket (the rate
/// on the next dollar).
#[inline(always)]
#[allow(unused_assignments)] // the last bracket's `low`
pub fn ordinary_tax<T: Lane, X: Amount<Lane = T>>(law: &Law<T>, income: X) -> X {
    let zero = T::splat(0.0);
    let value = income.value();
    // The bracket the income is in: its start, its end, its rate and the tax below it.
    let (mut start, mut end, mut rate, mut below) =
        (zero, law.brackets[0], T::splat(law.rates[0]), zero);
    // The running sum of the full brackets, and the current bracket's start.
    let (mut full, mut low) = (zero, zero);
    // Unrolled by hand: in a loop LLVM kept, the running sums were vectorized across the
    // brackets, with a lane shuffle at every step.
    macro_rules! bracket {
        ($k:literal) => {{
            let high = law.brackets[$k];
            full = full + (high - low) * T::splat(law.rates[$k]);
            let next_end = law
                .brackets
                .get($k + 1)
                .copied()
                .unwrap_or(T::splat(f64::INFINITY));
            // In bracket k + 1 when the income is at or above its start.
            let pick = |this: T, was: T| T::lt_select(value, high, was, this);
            start = pick(high, start);
            end = pick(next_end, end);
            rate = pick(T::splat(law.rates[$k + 1]), rate);
            below = pick(full, below);
            low = high;
        }};
    }
    bracket!(0);
    bracket!(1);
    bracket!(2);
    bracket!(3);
    bracket!(4);
    bracket!(5);
    // One `bracket!` per bracket: this fails to compile when the table has another count.
    let [_, _, _, _, _, _] = law.brackets;
    let part = (value - start).max(zero);
    income.derive(below + part * rate, |d| {
        let inside = T::lt_select(part, end - start, d * rate, zero);
        T::lt_select(value, start, zero, inside)
    })
}

#[cfg(test)]
mod tests {
    use super::super::law::Filing;
    use super::*;
    use crate::engine::rng::SplitMix64;

    /// The rate schedule as the worksheet sums it: every bracket's part, in order.
    fn ordinary_tax_by_brackets(law: &Law, income: Lin) -> Lin {
        let mut tax = Lin::c(0.0);
        let mut low = 0.0;
        for (k, &rate) in law.rates.iter().enumerate() {
            let high = law.brackets.get(k).copied().unwrap_or(f64::INFINITY);
            tax = tax + (income - low).clamp0(high - low) * rate;
            low = high;
        }
        tax
    }

    #[test]
    fn the_schedule_gives_the_bits_of_summing_every_bracket() {
        use crate::engine::tax::lin::{W, Wide};
        let mut rng = SplitMix64::for_stream(7, 0, crate::engine::rng::Stream::Stocks);
        let mut checked = 0;
        for (year, filing) in [(2026, Filing::Single), (2031, Filing::Joint)] {
            for index in [1.0, 1.37, 2.9] {
                let law = Law::of(year, filing).indexed(index);
                // Every bracket's ends, a cent and an ulp either side, and random incomes.
                let mut incomes = vec![-5.0, 0.0, 1e-9, 1e7];
                for &b in &law.brackets {
                    for x in [b, b - 0.01, b + 0.01, b.next_down(), b.next_up()] {
                        incomes.push(x);
                    }
                }
                for _ in 0..2000 {
                    incomes.push((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 900_000.0);
                }
                for chunk in incomes.chunks(W) {
                    let mut values = [0.0; W];
                    values[..chunk.len()].copy_from_slice(chunk);
                    for slope in [1.0, 0.85, 0.0, 1.5] {
                        let wide = ordinary_tax(
                            &Law::of(year, filing).indexed(Wide([index; W])),
                            Lin::new(Wide(values), Wide([slope; W])),
                        );
                        for (k, &v) in values.iter().enumerate() {
                            let want = ordinary_tax_by_brackets(&law, Lin::new(v, slope));
                            let one = ordinary_tax(&law, Lin::new(v, slope));
                            assert_eq!(one.v.to_bits(), want.v.to_bits(), "tax at {v}");
                            assert_eq!(one.d, want.d, "rate at {v}, slope {slope}");
                            assert_eq!(wide.v.0[k].to_bits(), want.v.to_bits(), "lane at {v}");
                            assert_eq!(wide.d.0[k], want.d, "lane's rate at {v}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 40_000);
    }

    #[test]
    fn the_marginal_rate_is_the_bracket_rate() {
        let law = Law::of(2026, Filing::Single);
        let tax = ordinary_tax(&law, Lin::new(60_000.0, 1.0));
        assert!((tax.v - (5_800.0 + 0.22 * 9_600.0)).abs() < 1e-9);
        assert!((tax.d - 0.22).abs() < 1e-12);
    }
}
