//! Error pages for people. A browser page (not `/api/`) asked for with `Accept: text/html`
//! gets its error (404, 429, 500, 503, …) as a page in the site's style, with the request id
//! to quote; the status and headers (`Retry-After`, `Allow`, the request id) stay those of
//! the coded error. API clients keep the JSON body.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::Layout;
use crate::http::errors::{AppError, ErrorCode, retry_after_secs};
use crate::http::request_id::{self, RequestId};

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub status: u16,
    pub title: &'static str,
    pub message: String,
    pub advice: String,
    pub request_id: String,
}

impl ErrorPage {
    /// `request_id` is the one the response carries; the error's own, or the current task's,
    /// stand in when it has none.
    pub fn new(err: &AppError, retry_after: Option<u64>, request_id: Option<&str>) -> Self {
        let code = err.code();
        let (title, advice) = match code {
            ErrorCode::NotFound => (
                "Page not found",
                "The address may be mistyped, or the result was made with an API key. \
                 Results are kept by their link: check that you copied all of it."
                    .to_string(),
            ),
            ErrorCode::ValidationFailed => (
                "Some values need fixing",
                "Go back to the form and check the highlighted fields.".to_string(),
            ),
            ErrorCode::RateLimited => (
                "Too many requests",
                format!(
                    "Please wait {} and try again.",
                    seconds(retry_after.unwrap_or(1))
                ),
            ),
            ErrorCode::Overloaded | ErrorCode::Unavailable | ErrorCode::StorageUnavailable => (
                "Glidepath is busy",
                format!(
                    "Nothing is lost: please try again in {}.",
                    seconds(retry_after.unwrap_or(5))
                ),
            ),
            ErrorCode::Timeout => (
                "That took too long",
                "Try again, or with fewer simulated futures.".to_string(),
            ),
            ErrorCode::Internal => (
                "Something went wrong",
                "We have been told about it. Please try again in a moment.".to_string(),
            ),
            _ => (
                "That request did not work",
                "Go back and try again.".to_string(),
            ),
        };
        Self {
            layout: Layout::new(),
            status: code.status().as_u16(),
            title,
            message: super::sentence(err.message()),
            advice,
            request_id: request_id
                .map(str::to_string)
                .or_else(|| err.request_id().map(str::to_string))
                .or_else(|| RequestId::current().map(|id| id.to_string()))
                .unwrap_or_default(),
        }
    }
}

fn seconds(n: u64) -> String {
    if n == 1 {
        "1 second".into()
    } else {
        format!("{n} seconds")
    }
}

/// Turns coded errors of browser pages into HTML pages.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let html = wants_html(&req);
    let head = req.method() == Method::HEAD;
    let result = next.call(req).await;
    if !html {
        return result.map(ServiceResponse::map_into_boxed_body);
    }
    match result {
        Ok(res) => {
            let status = res.status();
            let error = res
                .response()
                .error()
                .and_then(|e| e.as_error::<AppError>())
                .filter(|_| status.is_client_error() || status.is_server_error())
                .map(AppError::from_ref);
            match error {
                Some(err) => {
                    let (req, old) = res.into_parts();
                    let page = page_response(&err, old.headers(), status, head);
                    Ok(ServiceResponse::new(req, page))
                }
                None => Ok(res.map_into_boxed_body()),
            }
        }
        // Deadlines and panics leave the telemetry middleware as errors: render them here.
        Err(err) => match err.as_error::<AppError>() {
            Some(own) => Err(HtmlError(AppError::from_ref(own)).into()),
            None => Err(err),
        },
    }
}

/// A browser page (not the JSON API) that asks for HTML.
pub fn wants_html(req: &ServiceRequest) -> bool {
    !req.path().starts_with("/api/")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
}

/// The coded error's response with the page as its body.
fn page_response(
    err: &AppError,
    headers: &header::HeaderMap,
    status: StatusCode,
    head: bool,
) -> HttpResponse {
    let retry_after = headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .or_else(|| err.retry_after().map(retry_after_secs));
    // This middleware runs outside the request id's task scope: the header carries it.
    let request_id = headers
        .get(request_id::HEADER)
        .and_then(|v| v.to_str().ok());
    let page = ErrorPage::new(err, retry_after, request_id);
    let body = page.render().unwrap_or_else(|_| page.message.clone());
    let mut response = HttpResponse::build(status);
    for (name, value) in headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            response.append_header((name.clone(), value.clone()));
        }
    }
    response.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    ));
    if head {
        return response.finish();
    }
    response.body(body)
}

/// An error rendered as a page (for errors that leave the middleware chain as `Err`).
#[derive(Debug)]
struct HtmlError(AppError);

impl std::fmt::Display for HtmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for HtmlError {
    fn status_code(&self) -> StatusCode {
        self.0.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        let json = self.0.error_response();
        page_response(&self.0, json.headers(), json.status(), false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_page_shows_the_message_as_a_sentence_and_the_request_id() {
        let err = AppError::not_found("simulation");
        let html = ErrorPage::new(&err, None, Some("req-123"))
            .render()
            .unwrap();
        assert!(html.contains("<h1>Page not found</h1>"));
        assert!(html.contains("Simulation not found."), "{html}");
        assert!(html.contains("<code>req-123</code>"));
        let busy = AppError::new(ErrorCode::Overloaded, "every slot is busy");
        let html = ErrorPage::new(&busy, Some(3), None).render().unwrap();
        assert!(html.contains("try again in 3 seconds"), "{html}");
        assert!(
            !html.contains("quote request id"),
            "no id, no sentence about it"
        );
    }
}
