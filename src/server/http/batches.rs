//! `POST /api/v1/batches`: one envelope in, its signed receipt out.

use super::body::read_limited;
use super::error::ApiError;
use crate::domain::wire::envelope::MAX_LEN;
use crate::server::Server;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

pub const RECEIPT_TYPE: &str = "application/vnd.tournee.receipt";

pub async fn post(
    State(server): State<Server>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let envelope = read_limited(&headers, body, MAX_LEN).await?;
    let signed = server.ingest(envelope).await?;
    Ok(([(header::CONTENT_TYPE, RECEIPT_TYPE)], signed.bytes).into_response())
}
