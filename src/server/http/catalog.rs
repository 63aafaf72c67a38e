//! `GET /api/v1/catalog` (the signed catalog) and `GET /healthz`.

use super::error::ApiError;
use crate::server::Server;
use axum::Json;
use axum::extract::State;

pub async fn get(State(server): State<Server>) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(server.signed_catalog().await?))
}

pub async fn health() -> &'static str {
    "ok"
}
