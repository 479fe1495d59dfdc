//! A deadline on request bodies: a body must arrive, whole, within
//! `server.body_timeout_seconds` of the request's head, or the request gets a coded 408
//! `request_timeout`. Headers have actix's own 5 s limit; without this, a body trickled a
//! byte at a time would hold a connection for the whole request deadline.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::{HttpMessage, HttpResponse};
use futures_util::Stream;
use tokio::time::Sleep;

use super::errors::{AppError, ErrorCode};
use crate::state::AppState;

pub async fn deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let limit = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.settings.body_timeout())
        .filter(|_| !matches!(*req.method(), Method::GET | Method::HEAD));
    let Some(limit) = limit else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let expired = Arc::new(AtomicBool::new(false));
    let inner = req.take_payload();
    req.set_payload(Payload::Stream {
        payload: Box::pin(Timed {
            inner,
            sleep: Box::pin(tokio::time::sleep(limit)),
            expired: Arc::clone(&expired),
        }),
    });
    let result = next.call(req).await;
    if !expired.load(Ordering::Relaxed) {
        return result.map(ServiceResponse::map_into_boxed_body);
    }
    let refusal = too_slow(limit);
    match result {
        Ok(res) => {
            let (req, _) = res.into_parts();
            Ok(ServiceResponse::new(req, HttpResponse::from_error(refusal)))
        }
        Err(_) => Err(refusal.into()),
    }
}

fn too_slow(limit: Duration) -> AppError {
    AppError::new(
        ErrorCode::RequestTimeout,
        format!(
            "the request body did not arrive within {} s",
            limit.as_secs_f64()
        ),
    )
}

/// The payload, ended by an error once the deadline passes.
struct Timed {
    inner: Payload,
    sleep: Pin<Box<Sleep>>,
    expired: Arc<AtomicBool>,
}

impl Stream for Timed {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Poll::Ready(item) = Pin::new(&mut self.inner).poll_next(cx) {
            return Poll::Ready(item);
        }
        if self.sleep.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        // The handler sees a failed read; `deadline` answers 408 in its place.
        self.expired.store(true, Ordering::Relaxed);
        Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "the request body deadline passed",
        )))))
    }
}
