//! The app over liveview: the same [`super::App`] rendered on the server
//! and driven through a websocket, so a plain browser runs it (the demo,
//! end-to-end tests) with no wasm and nothing fetched from elsewhere.
//!
//! Served under `/app` (page) and `/app/ws` (socket) by `tournee app`;
//! `/` redirects there because dioxus-liveview's own router answers 404
//! on a bare `/`. The demo moves it to `/live` when the binary carries the
//! offline web app, which then has `/app/`.
//!
//! Every socket is a view of its own ([`Phone::session`]): it starts at
//! the PIN screen whatever other browsers did, and its data key leaves
//! memory as soon as it locks or its socket closes.

use super::{App, AppProps, Phone};
use axum::Router;
use axum::extract::WebSocketUpgrade;
use axum::response::{Html, Redirect};
use axum::routing::get;
use dioxus::prelude::VirtualDom;
use dioxus_liveview::{LiveViewPool, axum_socket, interpreter_glue};
use std::future::Future;
use std::sync::Arc;

/// The routes of the worker app for one phone, with `/` sending the
/// browser to it.
pub fn router(phone: Phone) -> Router {
    app_routes(phone).route("/", get(|| async { Redirect::to("/app") }))
}

/// `/app` and its socket only, to sit beside other routes (the demo puts
/// the dashboard at `/`).
pub fn app_routes(phone: Phone) -> Router {
    app_routes_at(phone, "/app")
}

/// The page at `base` and its socket at `base/ws`.
pub fn app_routes_at(phone: Phone, base: &str) -> Router {
    let socket_path = format!("{base}/ws");
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
        interpreter_glue(&socket_path)
    ));
    Router::new()
        .route(base, get(move || async move { page.clone() }))
        .route(
            &socket_path,
            get(move |ws: WebSocketUpgrade| async move {
                ws.on_upgrade(move |socket| async move {
                    let session = phone.session();
                    // The first render is the real screen, not a blank.
                    session.refresh().await;
                    let props = AppProps {
                        session: session.clone(),
                        start: None,
                    };
                    let _ = pool
                        .launch_virtualdom(axum_socket(socket), move || {
                            VirtualDom::new_with_props(App, props)
                        })
                        .await;
                    // The socket is gone: so is its view, now rather than
                    // whenever the last clone of the session is dropped
                    // (the key goes with the last unlocked view).
                    session.close().await;
                })
            }),
        )
}

/// Serves the app on `listener` until `shutdown` resolves; the phone's
/// engine syncs by itself meanwhile.
pub async fn serve(
    listener: tokio::net::TcpListener,
    phone: Phone,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(phone))
        .with_graceful_shutdown(shutdown)
        .await
}
