//! Between the form's text and the JSON contract: reading a value as typed, showing a JSON
//! value as the form does, and the paths between the two (`income[0].annual`).

use serde_json::{Map, Number, Value};

use crate::engine::plan::fields::Kind;
use crate::format::trim_decimals;

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
        Kind::Money { .. } | Kind::Decimal { .. } => number(text).map(float),
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
