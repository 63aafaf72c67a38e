//! The one place where errors become HTTP statuses, with the short JSON
//! body the protocol gives: `{"error": code, "message": English}`. Devices
//! act on the status alone; the body is for logs and people debugging.

use crate::server::{EnrollError, IngestError, ServerError};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(Debug)]
pub enum ApiError {
    Ingest(IngestError),
    Enroll(EnrollError),
    Server(ServerError),
    /// The body is over the route's limit (declared or read).
    TooLarge,
    /// The client broke off or sent a body that does not frame.
    BodyRead,
    Timeout,
    /// Every connection the server may hold is answering a request.
    Busy,
    /// No such endpoint (a device pointed at the wrong server or path).
    NotFound,
}

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> ApiError {
        ApiError::Ingest(e)
    }
}

impl From<EnrollError> for ApiError {
    fn from(e: EnrollError) -> ApiError {
        ApiError::Enroll(e)
    }
}

impl From<ServerError> for ApiError {
    fn from(e: ServerError) -> ApiError {
        ApiError::Server(e)
    }
}

const INTERNAL: (StatusCode, &str) = (StatusCode::INTERNAL_SERVER_ERROR, "internal");
const TOO_LARGE: (StatusCode, &str) = (StatusCode::PAYLOAD_TOO_LARGE, "too_large");

impl ApiError {
    /// Status and error code; internal failures are logged, not described.
    fn status(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::TooLarge => TOO_LARGE,
            ApiError::BodyRead => (StatusCode::BAD_REQUEST, "body_unreadable"),
            ApiError::Timeout => (StatusCode::REQUEST_TIMEOUT, "timeout"),
            ApiError::Busy => (StatusCode::SERVICE_UNAVAILABLE, "server_busy"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Ingest(e) => match e {
                IngestError::TooLarge => TOO_LARGE,
                IngestError::Malformed(_) => (StatusCode::BAD_REQUEST, "malformed_envelope"),
                IngestError::UnknownDevice => (StatusCode::UNAUTHORIZED, "unknown_device"),
                IngestError::Revoked => (StatusCode::FORBIDDEN, "device_revoked"),
                IngestError::BadSignature => (StatusCode::UNPROCESSABLE_ENTITY, "bad_signature"),
                IngestError::WrongOrganization => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "wrong_organization")
                }
                IngestError::UnknownKey => (StatusCode::UNPROCESSABLE_ENTITY, "unknown_key"),
                IngestError::Equivocation => (StatusCode::CONFLICT, "equivocation"),
                IngestError::Server(_) => INTERNAL,
            },
            ApiError::Enroll(e) => match e {
                EnrollError::Malformed(_) => (StatusCode::BAD_REQUEST, "malformed_request"),
                EnrollError::Refused => (StatusCode::FORBIDDEN, "code_refused"),
                EnrollError::TooManyAttempts => {
                    (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
                }
                EnrollError::Server(_) => INTERNAL,
            },
            ApiError::Server(_) => INTERNAL,
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::TooLarge => "the body is over the limit for this endpoint".into(),
            ApiError::BodyRead => "the request body could not be read".into(),
            ApiError::Timeout => "the request took too long".into(),
            ApiError::Busy => {
                "the server has too many open connections; retry in a few seconds".into()
            }
            ApiError::NotFound => "no such endpoint".into(),
            ApiError::Ingest(IngestError::Server(_))
            | ApiError::Enroll(EnrollError::Server(_))
            | ApiError::Server(_) => "the server failed; nothing was changed, retry later".into(),
            ApiError::Ingest(e) => e.to_string(),
            ApiError::Enroll(e) => e.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status();
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            // Storage errors name tables and files, never envelope contents.
            tracing::error!(error = %describe(&self), "request failed");
        }
        let body = Json(serde_json::json!({ "error": code, "message": self.message() }));
        let mut response = (status, body).into_response();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            // The rest of the body was never read: the connection cannot
            // carry another request.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

fn describe(error: &ApiError) -> String {
    match error {
        ApiError::Ingest(e) => e.to_string(),
        ApiError::Enroll(e) => e.to_string(),
        ApiError::Server(e) => e.to_string(),
        other => format!("{other:?}"),
    }
}
