//! The HTTP face of the server (axum): the router, per-request time limit
//! (`[limits] request_timeout_secs`), and [`serve`] with graceful shutdown
//! and the connection limits of [`listen`] (header and idle timeouts, a
//! [`budget`] of connections below the file-descriptor limit, [`slots`]).
//! Routes stay thin (one file each): extract, call [`Server`], respond;
//! [`error`] maps every error to its status. Nothing here logs request bodies.

mod batches;
mod body;
mod budget;
mod catalog;
mod enroll;
pub mod error;
mod listen;
mod slots;
pub mod web_app;

pub use batches::RECEIPT_TYPE;
pub use listen::ConnectionLimits;

use super::Server;
use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use error::ApiError;
use std::future::Future;
use std::time::Duration;

pub fn router(server: Server) -> Router {
    let timeout = server.request_timeout();
    Router::new()
        .route("/api/v1/enroll", post(enroll::post))
        .route("/api/v1/batches", post(batches::post))
        .route("/api/v1/catalog", get(catalog::get))
        .route("/healthz", get(catalog::health))
        .fallback(|| async { ApiError::NotFound })
        .layer(middleware::from_fn_with_state(timeout, time_limit))
        .with_state(server)
}

/// The per-request time limit as a layer, for other routers (the dashboard).
pub async fn time_limit(State(timeout): State<Duration>, request: Request, next: Next) -> Response {
    // An ingest cut off here may still commit; the device's retry then gets
    // a duplicate receipt, which is just as good.
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout.into_response(),
    }
}

/// Serves until `shutdown` completes, then stops taking connections and
/// lets open requests finish (for at most a few seconds).
pub async fn serve(
    listener: tokio::net::TcpListener,
    server: Server,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_router(listener, router(server), shutdown).await
}

/// [`serve`] for a router made elsewhere (the device API merged with the
/// dashboard and, in the demo, the worker app), with the default
/// connection limits.
pub async fn serve_router(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    listen::serve(listener, app, ConnectionLimits::default(), shutdown).await
}

/// [`serve_router`] with the connection limits of the settings.
pub async fn serve_router_with(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    listen::serve(listener, app, limits, shutdown).await
}
