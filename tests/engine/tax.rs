//! Federal income tax against an oracle built from the IRS's own forms, to the dollar.
//!
//! The oracle below is written line by line from the published worksheets, with the 2026
//! amounts typed from the IRS's publications (not read from `data/`), so it checks the
//! engine's data as well as its arithmetic:
//! - the rate schedules, standard deductions and capital-gains breakpoints of Rev. Proc.
//!   2025-32 (as amended by the One Big Beautiful Bill Act, P.L. 119-21);
//! - Publication 915's Worksheet 1 for the taxable part of Social Security;
//! - the Qualified Dividends and Capital Gain Tax Worksheet of the Form 1040 instructions;
//! - Schedule 1-A Part V (the senior deduction, 2025–2028) and Form 8960 (the 3.8% tax).
//!
//! The oracle is checked against the IRS's worked examples first.

use glidepath::engine::tax::amount::Val;
use glidepath::engine::tax::federal::{gains_worksheet, taxable_benefits};
use glidepath::engine::tax::lin::{Lane, W, Wide};
use glidepath::engine::tax::{Filing, Incomes, Law, Lin, StateTax, owed};
use sha2::{Digest, Sha256};

/// Regenerate with `scripts/build-tax-params.py` and update this only with data/README.md.
const TAX_DATA_SHA256: &str = "85c7da9c8c6afd26520f49474a90e03c0eb6ed755fb002e1760ac863e420b5a4";

/// Within a dollar: the IRS rounds to whole dollars, the engine does not.
const DOLLAR: f64 = 1.0;

/// The 2026 rate schedule as Rev. Proc. 2025-32 prints it: over `floor`, `base` plus `rate`
/// of the excess.
fn schedule(filing: Filing) -> [(f64, f64, f64); 7] {
    match filing {
        Filing::Single => [
            (0.0, 0.0, 0.10),
            (12_400.0, 1_240.0, 0.12),
            (50_400.0, 5_800.0, 0.22),
            (105_700.0, 17_966.0, 0.24),
            (201_775.0, 41_024.0, 0.32),
            (256_225.0, 58_448.0, 0.35),
            (640_600.0, 192_979.25, 0.37),
        ],
        Filing::Joint => [
            (0.0, 0.0, 0.10),
            (24_800.0, 2_480.0, 0.12),
            (100_800.0, 11_600.0, 0.22),
            (211_400.0, 35_932.0, 0.24),
            (403_550.0, 82_048.0, 0.32),
            (512_450.0, 116_896.0, 0.35),
            (768_700.0, 206_583.50, 0.37),
        ],
    }
}

fn schedule_tax(filing: Filing, income: f64) -> f64 {
    let rows = schedule(filing);
    let &(floor, base, rate) = rows.iter().rev().find(|r| income > r.0).unwrap_or(&rows[0]);
    base + rate * (income - floor).max(0.0)
}

/// The household of one return.
pub struct Filer {
    pub filing: Filing,
    /// People 65 or older on the return.
    pub seniors: f64,
    pub year: u32,
}

/// Publication 915, Worksheet 1, as printed (no tax-exempt interest, no adjustments).
fn worksheet_1(filing: Filing, benefits: f64, other: f64) -> f64 {
    let line1 = benefits;
    if line1 <= 0.0 {
        return 0.0;
    }
    let line2 = line1 * 0.5;
    let line5 = line2 + other;
    let line8 = if filing == Filing::Joint {
        32_000.0
    } else {
        25_000.0
    };
    let line9 = line5 - line8;
    if line9 <= 0.0 {
        return 0.0;
    }
    let line10 = if filing == Filing::Joint {
        12_000.0
    } else {
        9_000.0
    };
    let line11 = (line9 - line10).max(0.0);
    let line12 = line9.min(line10);
    let line13 = line12 / 2.0;
    let line14 = line2.min(line13);
    let line15 = line11 * 0.85;
    let line16 = line14 + line15;
    let line17 = line1 * 0.85;
    line16.min(line17)
}

/// The Qualified Dividends and Capital Gain Tax Worksheet, 2026 amounts.
fn capital_gain_worksheet(filing: Filing, taxable_income: f64, gains: f64) -> f64 {
    let joint = filing == Filing::Joint;
    let line1 = taxable_income;
    let line4 = gains;
    let line5 = (line1 - line4).max(0.0);
    let line6 = if joint { 98_900.0 } else { 49_450.0 };
    let line7 = line1.min(line6);
    let line8 = line5.min(line7);
    let line9 = line7 - line8;
    let line10 = line1.min(line4);
    let line11 = line9;
    let line12 = line10 - line11;
    let line13 = if joint { 613_700.0 } else { 545_500.0 };
    let line14 = line1.min(line13);
    let line15 = line5 + line9;
    let line16 = (line14 - line15).max(0.0);
    let line17 = line12.min(line16);
    let line18 = line17 * 0.15;
    let line19 = line9 + line17;
    let line20 = line10 - line19;
    let line21 = line20 * 0.20;
    let line22 = schedule_tax(filing, line5);
    let line23 = line18 + line21 + line22;
    let line24 = schedule_tax(filing, line1);
    line23.min(line24)
}

/// Form 1040 for one year: the oracle's federal tax.
pub fn form_1040(filer: &Filer, ordinary: f64, benefits: f64, gains: f64) -> f64 {
    let joint = filer.filing == Filing::Joint;
    let taxable_benefits = worksheet_1(filer.filing, benefits, ordinary + gains);
    let agi = ordinary + gains + taxable_benefits;
    let standard = if joint { 32_200.0 } else { 16_100.0 };
    let additional = if joint { 1_650.0 } else { 2_050.0 };
    // Schedule 1-A, Part V: $6,000 for each senior, less 6% of MAGI over the threshold.
    let senior = if filer.year <= 2028 && filer.seniors > 0.0 {
        let start = if joint { 150_000.0 } else { 75_000.0 };
        let each = (6_000.0 - 0.06 * (agi - start).max(0.0)).max(0.0);
        each * filer.seniors
    } else {
        0.0
    };
    let taxable_income = (agi - standard - additional * filer.seniors - senior).max(0.0);
    let income_tax = if gains > 0.0 {
        capital_gain_worksheet(filer.filing, taxable_income, gains)
    } else {
        schedule_tax(filer.filing, taxable_income)
    };
    // Form 8960: 3.8% of the lesser of net investment income and MAGI over the threshold.
    let threshold = if joint { 250_000.0 } else { 200_000.0 };
    let niit = 0.038 * gains.min((agi - threshold).max(0.0));
    income_tax + niit
}

fn engine_tax(filer: &Filer, ordinary: f64, benefits: f64, gains: f64) -> f64 {
    let law = Law::of(filer.year, filer.filing);
    let incomes = Incomes {
        ordinary: Lin::c(ordinary),
        social_security: Lin::c(benefits),
        gains: Lin::c(gains),
    };
    owed(&law, filer.seniors, StateTax::default(), incomes)
        .federal
        .v
}

#[test]
fn the_committed_tax_data_is_the_documented_one() {
    let csv = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/us_federal_tax.csv"
    ))
    .unwrap();
    assert_eq!(hex::encode(Sha256::digest(&csv)), TAX_DATA_SHA256);
}

#[test]
fn the_oracle_reproduces_publication_915_example_1() {
    // George White, single: $5,980 of benefits (box 5), a pension, wages and interest
    // of $28,990. His worksheet ends with $2,990 taxable.
    assert_eq!(worksheet_1(Filing::Single, 5_980.0, 28_990.0), 2_990.0);
    let law = Law::of(2026, Filing::Single);
    let engine = taxable_benefits(&law, Lin::c(5_980.0), Lin::c(28_990.0));
    assert_eq!(engine.v, 2_990.0);
}

#[test]
fn the_oracle_reproduces_the_rate_schedules_own_base_amounts() {
    // Each row's base is the tax at its floor by the rows below it: the schedule is whole.
    for filing in [Filing::Single, Filing::Joint] {
        let rows = schedule(filing);
        for w in rows.windows(2) {
            let (floor, base, rate) = w[0];
            assert!(
                (base + rate * (w[1].0 - floor) - w[1].1).abs() < 0.01,
                "{filing:?} {w:?}"
            );
        }
    }
}

#[test]
fn a_hand_filled_capital_gain_worksheet() {
    // Single, 66, 2026: a $40,000 pension and $30,000 of long-term gains. AGI $70,000;
    // deductions $16,100 + $2,050 + $6,000 = $24,150; taxable income $45,850, of which
    // $15,850 is ordinary ($1,240 + 12% of $3,450 = $1,654) and $30,000 gains at 0%.
    let filer = Filer {
        filing: Filing::Single,
        seniors: 1.0,
        year: 2026,
    };
    assert_eq!(form_1040(&filer, 40_000.0, 0.0, 30_000.0), 1_654.0);
    assert!((engine_tax(&filer, 40_000.0, 0.0, 30_000.0) - 1_654.0).abs() < 1e-6);
    let law = Law::of(2026, Filing::Single);
    let worksheet = gains_worksheet(&law, Lin::c(45_850.0), Lin::c(30_000.0));
    assert!((worksheet.v - 1_654.0).abs() < 1e-6);
}

#[test]
fn the_engine_matches_the_oracle_to_the_dollar_on_the_grid() {
    let mut checked = 0;
    let mut worst: (f64, String) = (0.0, String::new());
    for filing in [Filing::Single, Filing::Joint] {
        for age in [60, 64, 65, 66, 70, 73, 80] {
            // A couple's partner is two years younger.
            let seniors = match filing {
                Filing::Single => f64::from(u8::from(age >= 65)),
                Filing::Joint => f64::from(u8::from(age >= 65) + u8::from(age - 2 >= 65)),
            };
            for year in [2026, 2029] {
                let filer = Filer {
                    filing,
                    seniors,
                    year,
                };
                for ordinary in [0.0, 8e3, 20e3, 35e3, 60e3, 90e3, 120e3, 180e3, 240e3, 300e3] {
                    for benefits in [0.0, 9e3, 18e3, 30e3, 45e3, 60e3, 80e3] {
                        for gains in [0.0, 4e3, 15e3, 40e3, 75e3, 120e3, 200e3] {
                            let oracle = form_1040(&filer, ordinary, benefits, gains);
                            let engine = engine_tax(&filer, ordinary, benefits, gains);
                            let gap = (oracle - engine).abs();
                            if gap > worst.0 {
                                worst = (
                                    gap,
                                    format!(
                                        "{filing:?} {age} {year} {ordinary} {benefits} {gains}: {oracle} vs {engine}"
                                    ),
                                );
                            }
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 9_000);
    assert!(worst.0 < DOLLAR, "worst case: {}", worst.1);
}

#[test]
fn the_slope_is_the_marginal_rate_of_the_next_dollar() {
    // Numerically: the tax of one more dollar of traditional withdrawal, across the grid.
    let law = Law::of(2026, Filing::Joint);
    for ordinary in [10e3, 45e3, 70e3, 95e3, 150e3, 260e3] {
        for benefits in [0.0, 30e3, 60e3] {
            for gains in [0.0, 20e3, 90e3] {
                let at = |o: f64| {
                    let incomes = Incomes {
                        ordinary: Lin::new(o, 1.0),
                        social_security: Lin::c(benefits),
                        gains: Lin::c(gains),
                    };
                    owed(&law, 2.0, StateTax::default(), incomes).federal
                };
                let here = at(ordinary);
                let step = 0.01;
                let numeric = (at(ordinary + step).v - here.v) / step;
                assert!(
                    (numeric - here.d).abs() < 1e-6,
                    "{ordinary} {benefits} {gains}: {numeric} vs {}",
                    here.d
                );
            }
        }
    }
}

#[test]
fn the_state_tax_is_a_flat_rate_on_agi_with_social_security_exempt_by_default() {
    let law = Law::of(2026, Filing::Single);
    let incomes = Incomes {
        ordinary: Lin::c(50_000.0),
        social_security: Lin::c(30_000.0),
        gains: Lin::c(10_000.0),
    };
    let exempt = owed(
        &law,
        1.0,
        StateTax {
            rate: 0.05,
            taxes_social_security: 0.0,
        },
        incomes,
    );
    assert!((exempt.state.v - 0.05 * 60_000.0).abs() < 1e-9);
    let taxed = owed(
        &law,
        1.0,
        StateTax {
            rate: 0.05,
            taxes_social_security: 1.0,
        },
        incomes,
    );
    assert!((taxed.state.v - 0.05 * exempt.agi.v).abs() < 1e-9);
    assert!(exempt.taxable_social_security.v > 0.0);
}

/// A lane's draw: price index, ordinary income, benefits, gains, their slope, seniors.
type Drawn = (f64, f64, f64, f64, f64, f64);

#[test]
fn a_chunk_of_lanes_owes_what_each_lane_owes_alone_to_the_bit_with_or_without_slopes() {
    // The kernel evaluates the tax for W lanes at once; each lane must get the bits of the
    // one-lane tax, or the result would depend on the batch a path falls in. The solve's
    // first step evaluates the value alone (`Val`): it must have the bits of the value
    // carried with its slope, or skipping the slopes would change the answer.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut draw = |scale: f64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        scale * (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let rules = StateTax {
        rate: 0.045,
        taxes_social_security: 0.0,
    };
    for filing in [Filing::Single, Filing::Joint] {
        let law = Law::of(2027, filing);
        for _ in 0..500 {
            let mut lanes = Vec::new();
            for _ in 0..W {
                // Some lanes sit exactly on a threshold, where the slope is the tie's.
                let ordinary = if draw(1.0) < 0.2 {
                    24_800.0
                } else {
                    draw(400e3)
                };
                let seniors = (draw(3.0) as u8).into();
                lanes.push((
                    draw(2.0) + 0.5,
                    ordinary,
                    draw(90e3),
                    draw(250e3),
                    draw(1.0),
                    seniors,
                ));
            }
            let wide =
                |f: fn(&Drawn) -> f64| -> Wide { Wide(std::array::from_fn(|k| f(&lanes[k]))) };
            let price = wide(|l| l.0);
            let incomes = Incomes {
                ordinary: Lin::new(wide(|l| l.1), Wide::splat(1.0)),
                social_security: Lin::c(wide(|l| l.2)),
                gains: Lin::new(wide(|l| l.3), wide(|l| l.4)),
            };
            let chunk = owed(&law.indexed(price), wide(|l| l.5), rules, incomes);
            let values = Incomes {
                ordinary: Val(wide(|l| l.1)),
                social_security: Val(wide(|l| l.2)),
                gains: Val(wide(|l| l.3)),
            };
            let alone = owed(&law.indexed(price), wide(|l| l.5), rules, values);
            for (k, &(p, ordinary, benefits, gains, gain_slope, seniors)) in
                lanes.iter().enumerate()
            {
                let incomes = Incomes {
                    ordinary: Lin::new(ordinary, 1.0),
                    social_security: Lin::c(benefits),
                    gains: Lin::new(gains, gain_slope),
                };
                let one = owed(&law.indexed(p), seniors, rules, incomes);
                for (name, wide, value, lane) in [
                    ("federal", chunk.federal, alone.federal, one.federal),
                    ("state", chunk.state, alone.state, one.state),
                    (
                        "taxable income",
                        chunk.taxable_income,
                        alone.taxable_income,
                        one.taxable_income,
                    ),
                ] {
                    assert_eq!(wide.v.0[k].to_bits(), lane.v.to_bits(), "{name} lane {k}");
                    assert_eq!(wide.d.0[k].to_bits(), lane.d.to_bits(), "{name} slope {k}");
                    assert_eq!(value.0.0[k].to_bits(), lane.v.to_bits(), "{name} value {k}");
                }
            }
        }
    }
}
