//! Who is calling, and may they: API-key authentication and rate limits, for every route
//! but the probes and `/metrics`.
//!
//! `Authorization: Bearer gpk_…` names an API key; an unknown, revoked or malformed one is a
//! coded 401 (no fallback to anonymous, so a typo never silently changes the budget). Without
//! the header the caller is anonymous, limited per client IP (see `client_ip`). Allowed
//! responses carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`; a 429
//! carries them and `Retry-After` (browser pages get it as a page: `web::error_pages`).
//! Failed authentications and denials are tallied into the audit log
//! (`audit::DenialTally`), not written one by one.

use std::net::IpAddr;
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, web};

use super::errors::{AppError, ErrorCode, ceil_secs};
use super::{client_ip, probes};
use crate::rate_limit::{Decision, Subject};
use crate::state::AppState;
use crate::storage::api_keys::{self, ApiKey};

/// Probes and `/metrics` are never authenticated nor limited (`probes::PATHS`).
/// Static assets are compiled in and cached by browsers for a year: not worth a budget.
const EXEMPT_PREFIX: &str = "/static/";

/// The caller, as the guard established it; handlers take it as an extractor.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    pub key: Option<ApiKey>,
    pub ip: Option<IpAddr>,
}

impl Identity {
    pub fn key_id(&self) -> Option<&str> {
        self.key.as_ref().map(|k| k.id.as_str())
    }
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let exempt = probes::PATHS.contains(&req.path()) || req.path().starts_with(EXEMPT_PREFIX);
    let Some(state) = state.filter(|_| !exempt) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let ip = client_ip::resolve(
        req.peer_addr().map(|a| a.ip()),
        req.headers(),
        &state.trusted_proxies,
    );
    // Hashed only for the audit tally, never on the allowed path.
    let ip_hash = || ip.map(|ip| state.simulations.hash_ip(ip));
    let key = match authenticate(&state, req.headers()).await {
        Ok(key) => key,
        Err(err) => {
            if err.code() == ErrorCode::Unauthorized {
                state.denials.note("auth.failure", "anonymous", ip_hash());
            }
            return Err(err.into());
        }
    };
    let subject = match &key {
        Some(key) => Some(Subject::Key {
            id: key.id.clone(),
            tier: key.tier.clone(),
        }),
        None => ip.map(Subject::Ip),
    };
    let decision = match &subject {
        Some(subject) => state.limiter.check(subject).await,
        None => None,
    };
    if let Some(decision) = decision.filter(|d| !d.allowed) {
        let actor = key
            .as_ref()
            .map_or_else(|| "anonymous".to_string(), |k| format!("api_key:{}", k.id));
        state.denials.note("rate_limit.denied", &actor, ip_hash());
        // A coded error; browser pages get it as an HTML page (`web::error_pages`).
        let mut response = HttpResponse::from_error(
            AppError::new(
                ErrorCode::RateLimited,
                format!(
                    "over the limit of {} requests a minute; retry after the Retry-After seconds",
                    decision.limit
                ),
            )
            .with_retry_after(decision.retry_after.max(Duration::from_millis(1))),
        );
        add_headers(response.headers_mut(), &decision);
        // Not `req.into_response`: it converts through `Response` and drops the error, which
        // the error-page middleware needs to render the 429 for browsers.
        let (req, _) = req.into_parts();
        return Ok(ServiceResponse::new(req, response));
    }
    req.extensions_mut().insert(Identity { key, ip });
    let mut res = next.call(req).await?.map_into_boxed_body();
    if let Some(decision) = decision {
        add_headers(res.headers_mut(), &decision);
    }
    Ok(res)
}

/// The API key the request presents: `Ok(None)` without an `Authorization` header.
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Option<ApiKey>, AppError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let unauthorized = |message: &str| AppError::new(ErrorCode::Unauthorized, message);
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .ok_or_else(|| unauthorized("use `Authorization: Bearer <API key>`"))?;
    if !api_keys::looks_like_key(token) {
        return Err(unauthorized("that is not a Glidepath API key"));
    }
    api_keys::find_active(&state.db, token)
        .await?
        .map(Some)
        .ok_or_else(|| unauthorized("unknown or revoked API key"))
}

fn add_headers(headers: &mut HeaderMap, decision: &Decision) {
    for (name, value) in [
        ("ratelimit-limit", u64::from(decision.limit)),
        ("ratelimit-remaining", u64::from(decision.remaining)),
        ("ratelimit-reset", ceil_secs(decision.reset)),
    ] {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
}
