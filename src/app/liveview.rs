//! The app over liveview: the same [`super::App`] rendered on the server
//! and driven through a websocket, so a plain browser runs it (the demo,
//! end-to-end tests) with no wasm and nothing fetched from elsewhere.
//!
//! Served under `/app` (page) and `/app/ws` (socket); `/` redirects there
//! because dioxus-liveview's own router answers 404 on a bare `/`.

use super::{App, AppProps, Session, background};
use axum::Router;
use axum::extract::WebSocketUpgrade;
use axum::response::{Html, Redirect};
use axum::routing::get;
use dioxus::prelude::VirtualDom;
use dioxus_liveview::{LiveViewPool, axum_socket, interpreter_glue};
use std::future::Future;
use std::sync::Arc;

/// The routes of the worker app for one phone's session, with `/` sending
/// the browser to it.
pub fn router(session: Session) -> Router {
    app_routes(session).route("/", get(|| async { Redirect::to("/app") }))
}

/// `/app` and its socket only, to sit beside other routes (the demo puts
/// the dashboard at `/`).
pub fn app_routes(session: Session) -> Router {
    let pool = Arc::new(LiveViewPool::new());
    let page = Html(format!(
        r#"<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tournée</title>
</head>
<body><div id="main"></div>{}</body>
</html>"#,
        interpreter_glue("/app/ws")
    ));
    Router::new()
        .route("/app", get(move || async move { page.clone() }))
        .route(
            "/app/ws",
            get(move |ws: WebSocketUpgrade| async move {
                ws.on_upgrade(move |socket| async move {
                    let props = AppProps {
                        session,
                        start: None,
                    };
                    let _ = pool
                        .launch_virtualdom(axum_socket(socket), move || {
                            VirtualDom::new_with_props(App, props)
                        })
                        .await;
                })
            }),
        )
}

/// Serves the app on `listener` until `shutdown` resolves; starts the
/// periodic sync for the life of the process.
pub async fn serve(
    listener: tokio::net::TcpListener,
    session: Session,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    background::run_periodically(session.clone());
    axum::serve(listener, router(session))
        .with_graceful_shutdown(shutdown)
        .await
}
