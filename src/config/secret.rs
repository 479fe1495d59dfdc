//! A string that must never reach a log, a panic message or `glidepath config`.
//!
//! `Debug` and `Serialize` both redact. For URLs only the credentials are masked
//! so operators can still see which host and user a setting points at
//! (`postgres://app:REDACTED@db/glidepath`). Read the real value with [`Secret::expose`].

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const REDACTED: &str = "[REDACTED]";
/// Inside URLs, where brackets would be percent-encoded.
const URL_MASK: &str = "REDACTED";

#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The real value. Call it only where the value is handed to a client library.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// A form safe to print: URL credentials masked, anything else fully hidden.
    pub fn redacted(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        match url::Url::parse(&self.0) {
            Ok(mut parsed) if parsed.has_host() => {
                // The password is the secret; without one (a Sentry DSN) the user part is.
                if parsed.password().is_some() {
                    let _ = parsed.set_password(Some(URL_MASK));
                } else if !parsed.username().is_empty() {
                    let _ = parsed.set_username(URL_MASK);
                }
                parsed.to_string()
            }
            // A URL without a host (sqlite://file) carries no credentials.
            Ok(parsed) if parsed.scheme() == "sqlite" => self.0.clone(),
            _ => REDACTED.to_string(),
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({:?})", self.redacted())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.redacted())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_masks_url_password_but_keeps_host() {
        let secret = Secret::new("postgres://app:hunter2@db.internal:5432/glidepath");
        let shown = format!("{secret:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            shown.contains("app:REDACTED@db.internal:5432/glidepath"),
            "{shown}"
        );
    }

    #[test]
    fn dsn_user_part_is_masked() {
        let secret = Secret::new("https://abcdef123456@o1.ingest.sentry.io/42");
        assert!(!secret.redacted().contains("abcdef123456"));
    }

    #[test]
    fn non_url_secret_is_fully_hidden() {
        assert_eq!(Secret::new("plain-token").redacted(), REDACTED);
        assert_eq!(
            serde_json::to_string(&Secret::new("plain-token")).unwrap(),
            format!("\"{REDACTED}\"")
        );
    }

    #[test]
    fn sqlite_path_is_shown_as_is() {
        let secret = Secret::new("sqlite://data/glidepath.db");
        assert_eq!(secret.redacted(), "sqlite://data/glidepath.db");
    }
}
