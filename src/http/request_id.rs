//! The request id that ties a response, its log lines and its Sentry event together.
//!
//! Taken from `X-Request-Id` when the caller sends a sane one (1–128 characters of
//! `[A-Za-z0-9._:-]`, so it cannot inject into logs), generated otherwise, echoed
//! in the response. It lives in a task-local for the life of the request, so error
//! bodies can carry it without threading it through every handler.

use std::fmt;
use std::sync::Arc;

use actix_web::http::header::HeaderMap;

pub const HEADER: &str = "x-request-id";
const MAX_LEN: usize = 128;

tokio::task_local! {
    static CURRENT: RequestId;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(Arc<str>);

impl RequestId {
    /// The caller's id when it is acceptable, otherwise a fresh random one.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        headers
            .get(HEADER)
            .and_then(|value| value.to_str().ok())
            .filter(|value| is_acceptable(value))
            .map(|value| Self(Arc::from(value)))
            .unwrap_or_else(Self::generate)
    }

    /// 128 random bits as hex, from `rand`'s OS-seeded thread generator (no syscall per
    /// request).
    pub fn generate() -> Self {
        Self(Arc::from(format!("{:032x}", rand::random::<u128>())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id of the request being served on this task, if any.
    pub fn current() -> Option<Self> {
        CURRENT.try_with(Clone::clone).ok()
    }

    /// Runs `fut` with this id as [`RequestId::current`].
    pub async fn scope<F: Future>(self, fut: F) -> F::Output {
        CURRENT.scope(self, fut).await
    }

    pub fn sync_scope<R>(self, f: impl FnOnce() -> R) -> R {
        CURRENT.sync_scope(self, f)
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_acceptable(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_LEN
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers_with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            HeaderName::from_static(HEADER),
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn keeps_a_well_formed_caller_id() {
        let id = RequestId::from_headers(&headers_with("req-2026.11:abc_1"));
        assert_eq!(id.as_str(), "req-2026.11:abc_1");
    }

    #[test]
    fn replaces_ids_that_could_inject_into_logs() {
        for bad in ["has space", "quote\"", &"x".repeat(MAX_LEN + 1), ""] {
            let id = RequestId::from_headers(&headers_with(bad));
            assert_ne!(id.as_str(), bad);
            assert_eq!(id.as_str().len(), 32, "generated ids are 128-bit hex");
        }
    }

    #[test]
    fn current_is_visible_inside_the_scope_only() {
        let id = RequestId::generate();
        assert_eq!(id.clone().sync_scope(RequestId::current), Some(id));
        assert_eq!(RequestId::current(), None);
    }
}
