//! The worker app as an offline web app, served at `/app/` from the files
//! `src/build.rs` embedded in the binary (README "The web app"): the page,
//! its service worker and manifest, and one content-named folder per build
//! (`/app/b/<version>/`), cached for good since a new build has a new
//! name. The page, the service worker and the manifest are `no-cache`, so
//! a phone online learns of a new build at its next start.
//!
//! Files are gzipped once, on first demand, for browsers that accept it:
//! a phone on cellular data downloads a third of the wasm.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use std::io::Write as _;
use std::sync::OnceLock;

mod built {
    include!(concat!(env!("OUT_DIR"), "/web_app.rs"));
}

/// Why this binary has no web app, if it has none.
pub fn not_built() -> Option<&'static str> {
    built::NOT_BUILT
}

/// The built files, by path under `/app/`.
pub fn files() -> &'static [(&'static str, &'static [u8])] {
    built::FILES
}

/// What the app's page may do: its own scripts and wasm (and the
/// `eval` Dioxus runs the camera script with), its own server for
/// sync, the camera's frames; nothing from elsewhere, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
     script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; \
     worker-src 'self'; manifest-src 'self'; object-src 'none'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'none'";

/// `/app` and everything under it: the web app where it is built, and
/// where it is not a page that says why (and how to build it).
pub fn routes() -> Router {
    Router::new()
        .route("/app", get(|| async { Redirect::permanent("/app/") }))
        .route("/app/", get(|headers: HeaderMap| async move { answer("index.html", &headers) }))
        .route(
            "/app/{*path}",
            get(|Path(path): Path<String>, headers: HeaderMap| async move {
                answer(&path, &headers)
            }),
        )
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("webmanifest") => "application/manifest+json",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

fn cache_control(path: &str) -> &'static str {
    if path.starts_with("b/") {
        // Named by the build's content: never changes.
        "public, max-age=31536000, immutable"
    } else if path.ends_with(".png") || path.ends_with(".svg") {
        "public, max-age=86400"
    } else {
        // The page, the service worker, the manifest: checked every time.
        "no-cache"
    }
}

/// Each file gzipped, made on first demand and kept.
fn gzipped(index: usize) -> &'static [u8] {
    static ZIPPED: OnceLock<Vec<OnceLock<Vec<u8>>>> = OnceLock::new();
    let all = ZIPPED.get_or_init(|| files().iter().map(|_| OnceLock::new()).collect());
    all[index].get_or_init(|| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let _ = encoder.write_all(files()[index].1);
        encoder.finish().unwrap_or_default()
    })
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.split(',').any(|e| e.trim().starts_with("gzip")))
}

fn answer(path: &str, headers: &HeaderMap) -> Response {
    if let Some(why) = not_built() {
        return not_here(why);
    }
    let Some(index) = files().iter().position(|(name, _)| *name == path) else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    let plain = files()[index].1;
    let zip = accepts_gzip(headers) && plain.len() > 1024;
    let body = if zip { gzipped(index) } else { plain };
    let mut response = body.into_response();
    let set = response.headers_mut();
    set.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    set.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control(path)),
    );
    set.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if zip {
        set.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    if path.ends_with(".html") {
        set.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
    }
    set.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    set.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// This binary was built without the web app: say so to whoever opens
/// it, in both languages, with the way to get it.
fn not_here(why: &str) -> Response {
    let why = why
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let page = format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Tournée</title></head><body>\
         <h1>Tournée</h1>\
         <p>L'application hors ligne n'est pas dans cette version du serveur ({why}). \
         Pour l'y mettre : <code>rustup target add wasm32-unknown-unknown</code>, \
         <code>apt install clang llvm</code>, puis compilez à nouveau (README, « The web app »).</p>\
         <p lang=\"en\">The offline app is not in this build of the server ({why}). \
         To add it: <code>rustup target add wasm32-unknown-unknown</code>, \
         <code>apt install clang llvm</code>, then build again (README, \"The web app\").</p>\
         </body></html>"
    );
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, page).into_response();
    let set = response.headers_mut();
    set.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    set.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
