//! Body limits and coded errors for the extractors.
//!
//! The JSON extractor gets messages written for API clients. Any other extractor
//! error (path, query, form, raw payload) is turned into a coded body by the
//! telemetry middleware's safety net, so actix's plain-text errors never leak.

use actix_web::error::JsonPayloadError;
use actix_web::web;

use super::errors::{AppError, ErrorCode};

pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|err, _req| json_error(err).into())
}

pub fn payload_config(limit: usize) -> web::PayloadConfig {
    web::PayloadConfig::new(limit)
}

pub fn form_config(limit: usize) -> web::FormConfig {
    web::FormConfig::default().limit(limit)
}

fn json_error(err: JsonPayloadError) -> AppError {
    match err {
        JsonPayloadError::ContentType => AppError::new(
            ErrorCode::UnsupportedMediaType,
            "expected a JSON body with Content-Type: application/json",
        ),
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => AppError::new(
            ErrorCode::PayloadTooLarge,
            format!("the body is larger than the {limit}-byte limit"),
        ),
        JsonPayloadError::Deserialize(err) if err.is_data() => AppError::new(
            ErrorCode::MalformedRequest,
            format!("the JSON does not have the expected shape: {err}"),
        ),
        JsonPayloadError::Deserialize(err) => AppError::new(
            ErrorCode::MalformedRequest,
            format!("the body is not valid JSON: {err}"),
        ),
        other => {
            let code = ErrorCode::for_status(actix_web::ResponseError::status_code(&other));
            AppError::new(code, other.to_string())
        }
    }
}
