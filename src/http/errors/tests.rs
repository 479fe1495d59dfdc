use super::*;
use actix_web::body::to_bytes;

async fn body_of(err: &AppError) -> serde_json::Value {
    let bytes = to_bytes(err.error_response().into_body()).await.unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[actix_web::test]
async fn every_code_renders_its_status_and_name() {
    for code in ErrorCode::ALL {
        let err = AppError::new(code, "something");
        let response = err.error_response();
        assert_eq!(response.status(), code.status(), "{code}");
        let body = body_of(&err).await;
        assert_eq!(body["error"]["code"], code.as_str());
        assert_eq!(body["error"]["message"], "something");
        assert!(body["error"]["fields"].as_array().unwrap().is_empty());
    }
}

#[test]
fn foreign_statuses_map_to_the_nearest_code() {
    let cases = [
        (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge),
        (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable),
        (StatusCode::LENGTH_REQUIRED, ErrorCode::MalformedRequest),
        (StatusCode::BAD_GATEWAY, ErrorCode::Internal),
    ];
    for (status, code) in cases {
        assert_eq!(ErrorCode::for_status(status), code, "{status}");
    }
}

#[actix_web::test]
async fn internal_cause_never_reaches_the_body() {
    let err = AppError::internal(anyhow::anyhow!(
        "password authentication failed for user app"
    ));
    let body = body_of(&err).await.to_string();
    assert!(!body.contains("password"), "{body}");
    assert!(err.to_string().contains("password authentication failed"));
}

#[actix_web::test]
async fn retry_after_is_rounded_up_to_whole_seconds() {
    let err =
        AppError::new(ErrorCode::Overloaded, "busy").with_retry_after(Duration::from_millis(1500));
    let response = err.error_response();
    assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "2");
}

#[test]
fn database_outage_is_503_and_other_storage_errors_are_500() {
    use crate::storage::StorageError;
    let outage = AppError::from(StorageError::CircuitOpen);
    let bug = AppError::from(StorageError::Sql(sqlx::Error::RowNotFound));
    assert_eq!(outage.code(), ErrorCode::StorageUnavailable);
    assert!(
        outage
            .error_response()
            .headers()
            .contains_key(header::RETRY_AFTER)
    );
    assert_eq!(bug.code(), ErrorCode::Internal);
}

#[actix_web::test]
async fn validation_lists_every_field() {
    let err = AppError::validation(vec![
        FieldError::new("spending.annual", "must be at least 0"),
        FieldError::new("end_age", "must be greater than current_age"),
    ]);
    let body = body_of(&err).await;
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(body["error"]["fields"][1]["path"], "end_age");
    assert_eq!(body["error"]["message"], "2 fields are invalid");
}
