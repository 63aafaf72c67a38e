//! `POST /api/v1/enroll`: an enrollment code and a device key in, the
//! signed bundle out. The client address feeds the failed-attempt limit.

use super::body::read_limited;
use super::error::ApiError;
use crate::server::Server;
use axum::Json;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use std::net::SocketAddr;

/// A request is four short strings; anything bigger is not one.
const LIMIT: usize = 16 * 1024;

pub async fn post(
    State(server): State<Server>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<serde_json::Value>, ApiError> {
    let request = read_limited(&headers, body, LIMIT).await?;
    Ok(Json(server.enroll(client.ip(), request).await?))
}
