//! Between the form's text and the JSON contract: reading a value as typed, showing a JSON
//! value as the form does, and the paths between the two (`income[0].annual`).

use serde_json::{Map, Number, Value};

use crate::engine::plan::fields::Kind;
use crate::format::{money, trim_decimals};

/// `plan["a"]["b"]` for the path `a.b`.
pub(super) fn lookup<'a>(plan: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(plan, |value, key| value.get(key))
        .filter(|v| !v.is_null())
}

/// Sets `json["income"][0]["annual"]` for the name `income[0].annual`.
pub(super) fn insert(json: &mut Value, name: &str, value: Value) {
    let mut node = json;
    let parts: Vec<&str> = name.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let (key, index) = match part.split_once('[') {
            Some((key, rest)) => (key, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (*part, None),
        };
        let Value::Object(map) = node else { return };
        match index {
            Some(index) => {
                let list = map.entry(key).or_insert_with(|| Value::Array(Vec::new()));
                let Value::Array(items) = list else { return };
                while items.len() <= index {
                    items.push(Value::Object(Map::new()));
                }
                node = &mut items[index];
            }
            None if last => {
                map.insert(key.to_string(), value);
                return;
            }
            None => {
                node = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
            }
        }
    }
}

/// A JSON value as the form shows it: percentages for shares, no exponent, no separators.
pub(super) fn display(kind: Kind, value: &Value) -> String {
    match (kind, value) {
        (Kind::Percent { .. }, Value::Number(n)) => {
            trim_decimals(n.as_f64().unwrap_or(0.0) * 100.0, 4)
        }
        (Kind::Money { .. } | Kind::Decimal { .. }, Value::Number(n)) => {
            trim_decimals(n.as_f64().unwrap_or(0.0), 4)
        }
        (_, Value::String(s)) => s.clone(),
        (_, Value::Bool(b)) => b.to_string(),
        (_, other) => other.to_string(),
    }
}

/// A typed value as the contract wants it, or why it is not one.
pub(super) fn parse(kind: Kind, text: &str) -> Result<Value, String> {
    let number = |text: &str| -> Result<f64, String> {
        let cleaned: String = text
            .chars()
            .filter(|c| !matches!(c, ',' | '$' | '%' | ' ' | '_'))
            .map(|c| if c == '−' { '-' } else { c })
            .collect();
        cleaned
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| "must be a number".to_string())
    };
    let float = |v: f64| Value::Number(Number::from_f64(v).expect("finite"));
    match kind {
        Kind::Money { .. } => dollars(text)
            .map(float)
            .ok_or_else(|| "must be an amount in dollars, such as 60000, 60k or 1.2M".to_string()),
        Kind::Decimal { .. } => number(text).map(float),
        Kind::Percent { .. } => number(text).map(|v| float(v / 100.0)),
        Kind::Integer { min, max } => {
            let whole = number(text)?;
            if whole.fract() != 0.0 {
                return Err("must be a whole number".into());
            }
            if whole < min as f64 || whole > max as f64 {
                return Err(format!("must be between {min} and {max}"));
            }
            Ok(Value::from(whole as u64))
        }
        Kind::Text { .. } => Ok(Value::String(text.to_string())),
        Kind::Choice(options) => options
            .iter()
            .find(|(value, _)| *value == text)
            .map(|(value, _)| Value::String((*value).to_string()))
            .ok_or_else(|| "is not one of the choices".to_string()),
        Kind::Flag => Ok(Value::Bool(matches!(text, "true" | "on" | "1"))),
    }
}

/// An amount of dollars as people type it: `60000`, `60,000`, `$60k`, `1.2M`, `$1,200,000`,
/// `-$5k`. A `k` is a thousand and an `m` a million, in either case; an amount with one is
/// rounded to the cent.
pub(super) fn dollars(text: &str) -> Option<f64> {
    let lower = text.trim().to_lowercase().replace('−', "-");
    let (negative, rest) = match lower.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, lower.strip_prefix('+').unwrap_or(&lower)),
    };
    let rest = rest.trim_start().strip_prefix('$').unwrap_or(rest).trim();
    // `$-5k` as well as `-$5k`.
    let (negative, rest) = match rest.strip_prefix('-') {
        Some(rest) if !negative => (true, rest.trim_start()),
        _ => (negative, rest),
    };
    let (digits, scale) = [("thousand", 1e3), ("million", 1e6), ("k", 1e3), ("m", 1e6)]
        .iter()
        .find_map(|(suffix, scale)| Some((rest.strip_suffix(suffix)?.trim_end(), *scale)))
        .unwrap_or((rest, 1.0));
    // Thousands separators, and nothing else, may sit between the digits.
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let plain: String = digits
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' '))
        .collect();
    if !plain.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let value = plain.parse::<f64>().ok().filter(|v| v.is_finite())?;
    let value = if scale == 1.0 {
        value
    } else {
        (value * scale * 100.0).round() / 100.0
    };
    Some(if negative { -value } else { value })
}

/// What an amount was read as, for the hint beside a money field: `= $60,000`, with cents
/// when it has them.
pub(super) fn read_as(value: f64) -> String {
    let cents = (value.abs() * 100.0).round() % 100.0;
    if cents == 0.0 {
        format!("= {}", money(value))
    } else {
        let whole = money(value.trunc());
        let whole = if value < 0.0 && !whole.starts_with('-') {
            format!("-{whole}")
        } else {
            whole
        };
        format!("= {whole}.{cents:02}")
    }
}

/// A warning for an amount that is allowed but unlikely to be meant: a yearly amount or a
/// balance under $1,000, as "60" typed for $60,000.
pub(super) fn implausible(kind: Kind, value: f64) -> Option<String> {
    let small = questions_small(kind) && value != 0.0 && value.abs() < SMALL_AMOUNT;
    small.then(|| {
        format!(
            "Is {} what you meant? For {}, type {}k.",
            money(value),
            money(value * 1000.0),
            trim_decimals(value, 2)
        )
    })
}

/// Whether a small amount in a field of `kind` is questioned: money whose bounds are a
/// yearly amount's or a balance's (a monthly benefit's are not).
pub(super) fn questions_small(kind: Kind) -> bool {
    matches!(kind, Kind::Money { max, .. } if max >= 1_000_000.0)
}

/// Below this a yearly amount or a balance draws a warning (see [`implausible`]).
const SMALL_AMOUNT: f64 = 1_000.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_people_type_them() {
        for (text, value) in [
            ("60000", 60_000.0),
            ("60,000", 60_000.0),
            ("$60k", 60_000.0),
            ("$60K", 60_000.0),
            ("60 k", 60_000.0),
            ("1.2M", 1_200_000.0),
            ("$1,200,000", 1_200_000.0),
            ("1.25 million", 1_250_000.0),
            ("-$5k", -5_000.0),
            ("−5,000", -5_000.0),
            ("0.1k", 100.0),
            (".5m", 500_000.0),
            ("2400.50", 2_400.5),
            ("60 000", 60_000.0),
            ("$-5k", -5_000.0),
        ] {
            assert_eq!(dollars(text), Some(value), "{text}");
        }
        for text in [
            "", "k", "$", "sixty", "60kk", "1.2.3", "60 000x", "1e6", "$-", "--5",
        ] {
            assert_eq!(dollars(text), None, "{text}");
        }
    }

    #[test]
    fn the_hint_shows_the_amount_read() {
        assert_eq!(read_as(60_000.0), "= $60,000");
        assert_eq!(read_as(2_400.5), "= $2,400.50");
        assert_eq!(read_as(-5_000.0), "= -$5,000");
        assert_eq!(read_as(-0.25), "= -$0.25");
    }

    #[test]
    fn a_small_yearly_amount_is_questioned() {
        let yearly = Kind::Money {
            min: 0.0,
            max: 1_000_000.0,
        };
        let monthly = Kind::Money {
            min: 0.0,
            max: 5_000.0,
        };
        assert_eq!(
            implausible(yearly, 60.0).as_deref(),
            Some("Is $60 what you meant? For $60,000, type 60k.")
        );
        assert_eq!(implausible(yearly, 0.0), None);
        assert_eq!(implausible(yearly, 1_000.0), None);
        assert_eq!(implausible(monthly, 60.0), None, "a monthly benefit");
    }
}
