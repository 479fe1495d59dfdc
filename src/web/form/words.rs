//! The server's messages in the form's words: fields named by their labels, shares in
//! percent. The JSON API keeps the contract's paths and fractions.

use super::view::FieldView;
use crate::engine::plan::FieldError;
use crate::engine::plan::fields::FIELDS;
use crate::format::trim_decimals;

/// The server's message in the form's words: a share's range and sums in percent, and any
/// field it names by its label (`current_age` is “Your age now”).
pub(super) fn message(field: &FieldView, error: &FieldError) -> String {
    let is_percent = field.unit == "%" && field.name == error.path;
    if is_percent && error.message.starts_with("must be between") {
        return format!("must be between {}% and {}%", field.min, field.max);
    }
    if field.unit == "%" {
        labelled(&in_percent(&error.message))
    } else {
        labelled(&error.message)
    }
}

/// A share's message with its fractions in percent: "add up to 1 (they add up to 1.1000)"
/// is "add up to 100% (they add up to 110%)", "must not exceed 1" is "… 100%".
fn in_percent(text: &str) -> String {
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
