//! The supervisors' dashboard: server-rendered pages (Dioxus SSR, no
//! JavaScript needed) on `tournee serve`, in French and English. Sign-in
//! and sessions live in [`auth`] and [`signin`], the page frame in
//! [`page`]; each page is one file of thin routes over
//! `crate::server::console`. Depends on `server` and `domain`.

pub mod activity;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod enroll;
pub mod page;
pub mod phones;
pub mod quarantine;
pub mod report;
pub mod signin;
pub mod words;

use crate::server::config::DashboardSection;
use crate::server::console::sessions::Lifetimes;
use crate::server::limiter::FailureLimiter;
use crate::server::{Server, http};
use axum::Router;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// Failed sign-ins allowed per account, and per address, in this window.
const SIGN_IN_FAILURES_PER_NAME: usize = 5;
const SIGN_IN_FAILURES_PER_ADDRESS: usize = 20;
pub const SIGN_IN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// What every dashboard route shares.
#[derive(Clone)]
pub struct Dash {
    pub server: Server,
    inner: Arc<Inner>,
}

struct Inner {
    by_name: FailureLimiter<String>,
    by_address: FailureLimiter<IpAddr>,
    life: Lifetimes,
    secure_cookies: bool,
    silent_days: u32,
}

impl Dash {
    pub fn new(server: Server, settings: &DashboardSection) -> Dash {
        Dash {
            server,
            inner: Arc::new(Inner {
                by_name: FailureLimiter::new(SIGN_IN_FAILURES_PER_NAME, SIGN_IN_WINDOW),
                by_address: FailureLimiter::new(SIGN_IN_FAILURES_PER_ADDRESS, SIGN_IN_WINDOW),
                life: Lifetimes {
                    idle_ms: i64::from(settings.session_idle_minutes) * 60_000,
                    max_ms: i64::from(settings.session_max_hours) * 3_600_000,
                },
                secure_cookies: settings.secure_cookies,
                silent_days: settings.silent_days,
            }),
        }
    }

    pub fn lifetimes(&self) -> Lifetimes {
        self.inner.life
    }

    /// Phones silent longer than this many days stand out.
    pub fn silent_days(&self) -> u32 {
        self.inner.silent_days
    }

    pub fn org_name(&self) -> String {
        self.server.keys().org_name.clone()
    }
}

/// The dashboard's routes. Every page but sign-in requires a session
/// (see [`auth::Signed`]).
pub fn router(server: Server, settings: &DashboardSection) -> Router {
    let timeout = server.request_timeout();
    let dash = Dash::new(server, settings);
    Router::new()
        .route("/", get(|| async { Redirect::to("/activity") }))
        .route("/signin", get(signin::form).post(signin::submit))
        .route("/signout", post(signin::sign_out))
        .route("/lang/{code}", get(auth::switch_language))
        .route("/audit", get(audit::page))
        .route("/activity", get(activity::list))
        .route("/activity/{record_id}", get(activity::show))
        .route("/activity/{record_id}/void", post(activity::void))
        .route("/phones", get(phones::list))
        .route(
            "/phones/{device_id}/revoke",
            get(phones::confirm).post(phones::revoke),
        )
        .route("/quarantine", get(quarantine::list))
        .route("/quarantine/reapply", post(quarantine::reapply))
        .route("/report", get(report::page))
        .route("/report/print", get(report::print))
        .route("/report.csv", get(report::csv))
        .route("/enroll", get(enroll::form).post(enroll::create))
        .route("/catalog", get(catalog::page).post(catalog::change))
        .route("/dashboard.css", get(stylesheet))
        .layer(middleware::from_fn_with_state(timeout, http::time_limit))
        .with_state(dash)
}

/// The whole site of `tournee serve`: the device API and the dashboard.
pub fn site(server: Server, settings: &DashboardSection) -> Router {
    http::router(server.clone())
        .merge(router(server, settings))
        .fallback(not_found)
}

/// An unknown address: the API's JSON error under `/api/`, where phones
/// talk; a page in the reader's language anywhere else, where people do.
async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    if uri.path().starts_with("/api/") {
        return http::error::ApiError::NotFound.into_response();
    }
    let lang = auth::language(&headers);
    page::problem(
        lang,
        StatusCode::NOT_FOUND,
        words::Word::NotFound.text(lang).to_string(),
    )
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../assets/dashboard.css"),
    )
}
