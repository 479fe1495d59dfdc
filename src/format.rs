//! Numbers as people read them, in US English, the same on the web page, in the PDF, in the
//! insights and in the CSV headings: whole dollars with thousands separators ($1,234,567,
//! -$5,000), compact amounts for axes and headlines ($1.2M), and shares as percentages with
//! no space (87%).

/// Whole dollars with thousands separators: `$1,234,567`, `-$30,000`.
pub fn money(value: f64) -> String {
    let rounded = value.round();
    let sign = if rounded < 0.0 { "-" } else { "" };
    format!("{sign}${}", group_thousands(rounded.abs()))
}

/// A short amount for axis ticks and headlines: `$950`, `$12.3k`, `$1.25M`, `$2B` (two
/// decimals below 10 of the unit, so ticks 250k apart stay distinct).
pub fn money_compact(value: f64) -> String {
    let sign = if value < 0.0 { "-" } else { "" };
    let v = value.abs();
    let (scaled, suffix) = if v >= 1e9 {
        (v / 1e9, "B")
    } else if v >= 1e6 {
        (v / 1e6, "M")
    } else if v >= 1e3 {
        (v / 1e3, "k")
    } else {
        return format!("{sign}${v:.0}");
    };
    let decimals = if scaled < 10.0 { 2 } else { 1 };
    format!("{sign}${}{suffix}", trim_decimals(scaled, decimals))
}

/// A share as a whole percentage: `0.873` → `87%`. Shares within half a point of 0 or 1 but
/// not equal to them read `<1%` and `>99%`, so a rare failure never rounds away.
pub fn percent(share: f64) -> String {
    match share {
        s if s > 0.0 && s <= 0.005 => "<1%".to_string(),
        s if (0.995..1.0).contains(&s) => ">99%".to_string(),
        s => format!("{:.0}%", s * 100.0),
    }
}

/// A share with up to `decimals` decimals, trailing zeros dropped: `0.045` → `4.5%`.
pub fn percent_precise(share: f64, decimals: usize) -> String {
    format!("{}%", trim_decimals(share * 100.0, decimals))
}

/// A signed change in percentage points: `+3.2 points`, `-12 points`.
pub fn points(delta: f64) -> String {
    let sign = if delta < 0.0 { "-" } else { "+" };
    let value = trim_decimals((delta * 100.0).abs(), 1);
    let unit = if value == "1" { "point" } else { "points" };
    format!("{sign}{value} {unit}")
}

/// `value` with at most `decimals` decimals and no trailing zeros: `1.50` → `1.5`, `2.0` → `2`.
pub fn trim_decimals(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        let trimmed = text.trim_end_matches('0').trim_end_matches('.');
        if trimmed == "-0" {
            "0".into()
        } else {
            trimmed.into()
        }
    } else {
        text
    }
}

/// A count with thousands separators: `1,000`.
pub fn count(n: u32) -> String {
    money(f64::from(n)).trim_start_matches('$').to_string()
}

/// An age in months as people say it: `67`, or `66 and 8 months`.
pub fn claim_age(months: u32) -> String {
    match months % 12 {
        0 => (months / 12).to_string(),
        m => format!("{} and {m} months", months / 12),
    }
}

fn group_thousands(whole: f64) -> String {
    let digits = format!("{whole:.0}");
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands_and_rounds_to_whole_dollars() {
        assert_eq!(money(1_234_567.49), "$1,234,567");
        assert_eq!(money(999.5), "$1,000");
        assert_eq!(money(0.0), "$0");
        assert_eq!(money(-30_000.0), "-$30,000");
    }

    #[test]
    fn compact_money_keeps_two_significant_decimals_at_most() {
        assert_eq!(money_compact(1_200_000.0), "$1.2M");
        assert_eq!(money_compact(1_000_000.0), "$1M");
        assert_eq!(money_compact(250_000.0), "$250k");
        assert_eq!(money_compact(12_345.0), "$12.3k");
        assert_eq!(money_compact(1_250_000.0), "$1.25M");
        assert_eq!(money_compact(950.0), "$950");
        assert_eq!(money_compact(2.5e9), "$2.5B");
        assert_eq!(money_compact(-500_000.0), "-$500k");
    }

    #[test]
    fn percent_never_rounds_a_rare_event_away() {
        assert_eq!(percent(0.873), "87%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.999), ">99%");
        assert_eq!(percent(0.001), "<1%");
        // Exactly half a point from the edge still is not the edge.
        assert_eq!(percent(0.995), ">99%");
        assert_eq!(percent(0.005), "<1%");
        assert_eq!(percent_precise(0.045, 2), "4.5%");
    }

    #[test]
    fn points_are_signed() {
        assert_eq!(points(0.032), "+3.2 points");
        assert_eq!(points(-0.12), "-12 points");
        assert_eq!(points(0.01), "+1 point");
    }
}
