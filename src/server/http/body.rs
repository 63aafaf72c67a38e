//! Reading a request body under a limit: the declared `Content-Length` is
//! checked before a byte is read, and a body without one (chunked) is cut
//! off as soon as it passes the limit, so the server never holds more.

use super::error::ApiError;
use axum::body::{Body, HttpBody};
use axum::http::{HeaderMap, header};
use std::pin::Pin;

pub async fn read_limited(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(ApiError::TooLarge);
    }
    let mut body = body;
    let mut out = Vec::with_capacity(declared.map_or(0, |len| len as usize));
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|_| ApiError::BodyRead)?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > limit {
                return Err(ApiError::TooLarge);
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}
