//! Conditional requests: `If-None-Match` against a response's validator.

use actix_web::http::header::{self, HeaderMap};

/// Stored results never change, so a client may keep one as long as it likes.
pub const IMMUTABLE: &str = "private, max-age=31536000, immutable";

/// `If-None-Match` by weak comparison (RFC 9110 §13.1.2), including `*`.
pub fn matches(headers: &HeaderMap, tag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let ours = opaque(tag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|candidate| candidate.trim() == "*" || opaque(candidate) == ours)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn if_none_match(values: &[&'static str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(header::IF_NONE_MATCH, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn if_none_match_uses_weak_comparison_and_lists() {
        let tag = "W/\"abc\"";
        assert!(matches(&if_none_match(&["\"abc\""]), tag));
        assert!(matches(&if_none_match(&["\"x\", W/\"abc\""]), tag));
        assert!(matches(&if_none_match(&["*"]), tag));
        assert!(!matches(&if_none_match(&["\"abd\""]), tag));
        assert!(!matches(&if_none_match(&[]), tag));
    }
}
