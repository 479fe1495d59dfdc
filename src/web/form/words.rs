//! The form's words: the server's messages with fields named by their labels and shares in
//! percent (the JSON API keeps the contract's paths and fractions), each field's bounds as
//! typed and as read, and the market assumptions in one line.

use super::Values;
use crate::engine::plan::fields::{FIELDS, Field, Kind};
use crate::format::{money, trim_decimals};

/// A share's message with its fractions in percent: "add up to 1 (they add up to 1.1000)"
/// is "add up to 100% (they add up to 110%)", "must not exceed 1" is "… 100%".
pub(super) fn in_percent(text: &str) -> String {
    let mut text = text.replace("up to 1 (", "up to 100% (");
    if let Some(head) = text.strip_suffix("exceed 1") {
        text = format!("{head}exceed 100%");
    }
    let Some((head, tail)) = text.split_once("they add up to ") else {
        return text;
    };
    let number: String = tail
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    match number.parse::<f64>() {
        Ok(sum) => format!(
            "{head}they add up to {}%{}",
            trim_decimals(sum * 100.0, 2),
            &tail[number.len()..]
        ),
        Err(_) => text.clone(),
    }
}

/// `text` with each field path in it (a whole word) replaced by the field's label, quoted.
pub(super) fn labelled(text: &str) -> String {
    let is_path_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(is_path_char).unwrap_or(rest.len());
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(|c| !is_path_char(c)).unwrap_or(rest.len());
        let word = &rest[..end];
        // Only a word with an underscore or a dot can be a path; "stocks" stays a word.
        let spec = (word.contains('_') || word.contains('.'))
            .then(|| FIELDS.iter().find(|f| f.path == word.trim_end_matches('.')))
            .flatten();
        match spec {
            Some(spec) => {
                out.push_str(&format!("“{}”", spec.label));
                out.push_str(&word[spec.path.len()..]);
            }
            None => out.push_str(word),
        }
        rest = &rest[end..];
    }
    out
}

/// The field's bounds in the units the user types: percentages for shares.
pub(super) fn bounds(spec: &Field, max_scenarios: u32) -> (String, String) {
    let f = |v: f64| trim_decimals(v, 4);
    match spec.kind {
        Kind::Money { min, max } | Kind::Decimal { min, max } => (f(min), f(max)),
        Kind::Percent { min, max } => (f(min * 100.0), f(max * 100.0)),
        Kind::Integer { min, max } if spec.path == "simulation.scenarios" => (
            min.to_string(),
            max.min(u64::from(max_scenarios)).to_string(),
        ),
        Kind::Integer { min, max } => (min.to_string(), max.to_string()),
        _ => (String::new(), String::new()),
    }
}

/// The bounds as people read them.
pub(super) fn range_text(spec: &Field, max_scenarios: u32) -> String {
    let whole = |v: f64| money(v).trim_start_matches('$').to_string();
    match spec.kind {
        Kind::Money { min, max } => format!("{} to {}", money(min), money(max)),
        Kind::Percent { min, max } => format!(
            "{}% to {}%",
            trim_decimals(min * 100.0, 2),
            trim_decimals(max * 100.0, 2)
        ),
        Kind::Decimal { min, max } => {
            format!("{} to {}", trim_decimals(min, 4), trim_decimals(max, 4))
        }
        // Years are written without a thousands separator.
        Kind::Integer { min, max } if spec.path.ends_with("birth_year") => {
            format!("{min} to {max}")
        }
        Kind::Integer { .. } => {
            let (min, max) = bounds(spec, max_scenarios);
            let n = |s: String| whole(s.parse().unwrap_or(0.0));
            format!("{} to {}", n(min), n(max))
        }
        _ => String::new(),
    }
}

pub(super) fn names(values: &[&str], choices: &[(&str, &str)]) -> String {
    let words: Vec<&str> = values
        .iter()
        .map(|v| match *v {
            "constant_percent" => "Constant percentage",
            "guardrails" => "Guardrails",
            "vpw" => "VPW",
            "lognormal" => "Lognormal",
            "historical" => "Historical",
            "bootstrap" => "Bootstrap",
            "drawn" => "Drawn",
            other => choices
                .iter()
                .find(|(value, _)| value == &other)
                .map_or(other, |(_, label)| label),
        })
        .collect();
    words.join(", ")
}

pub(super) fn market_summary(values: &Values) -> String {
    let model = values.get("market.model");
    match model {
        "historical" => "US history since 1871, every rolling period".into(),
        "bootstrap" => format!(
            "US history since 1871, random blocks of {} year(s)",
            values.get("market.block_years")
        ),
        _ => {
            let asset = |name: &str| {
                format!(
                    "{name} {}% ± {}%",
                    values.get(&format!("market.{}.mean", name.to_lowercase())),
                    values.get(&format!("market.{}.volatility", name.to_lowercase()))
                )
            };
            format!(
                "{}, {}, {}, {}",
                asset("Stocks"),
                asset("Bonds"),
                asset("Cash"),
                asset("Inflation")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{in_percent, labelled};

    #[test]
    fn paths_read_as_labels_and_shares_in_percent() {
        assert_eq!(
            labelled("must be greater than current_age (70)"),
            "must be greater than “Your age now” (70)"
        );
        assert_eq!(
            labelled("may be at most 100 years after current_age"),
            "may be at most 100 years after “Your age now”"
        );
        // Plain words stay; so does a dotted word that is no field.
        assert_eq!(labelled("stocks and e.g. bonds"), "stocks and e.g. bonds");
        assert_eq!(
            in_percent("stocks, bonds and cash must add up to 1 (they add up to 1.1000)"),
            "stocks, bonds and cash must add up to 100% (they add up to 110%)"
        );
        assert_eq!(
            in_percent("plus cash must not exceed 1"),
            "plus cash must not exceed 100%"
        );
        assert_eq!(in_percent("must not exceed 15"), "must not exceed 15");
    }
}
