//! The supervisors' dashboard: server-rendered pages (Dioxus SSR, no
//! JavaScript needed) on `tournee serve`, in French and English. Sign-in
//! and sessions live in [`auth`] and [`signin`], the page frame in
//! [`page`], the headers every answer carries in [`headers`]; each page is
//! one file of thin routes over `crate::server::console`. Depends on
//! `server` and `domain`.

pub mod activity;
mod activity_rows;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod enroll;
pub mod headers;
pub mod host;
pub mod incidents;
pub mod overdoses;
pub mod page;
pub mod phones;
pub mod quarantine;
pub mod regional;
pub mod report;
mod report_tables;
pub mod signin;
pub mod words;

use crate::domain::report::Threshold;
use crate::server::config::Config;
use crate::server::console::sessions::{Lifetimes, PreTokens};
use crate::server::limiter::{AccountKey, FailureLimiter};
use crate::server::{Server, ServerError, http};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};
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
    by_name: FailureLimiter<AccountKey>,
    by_address: FailureLimiter<IpAddr>,
    /// Made at the first sign-in form, so that a failing random source is
    /// a page saying so, not a server that cannot start.
    pre: OnceLock<PreTokens>,
    life: Lifetimes,
    secure_cookies: bool,
    silent_days: u32,
    threshold: Threshold,
    contact: Option<String>,
}

impl Dash {
    pub fn new(server: Server, settings: &Config) -> Dash {
        Dash {
            server,
            inner: Arc::new(Inner {
                by_name: FailureLimiter::new(SIGN_IN_FAILURES_PER_NAME, SIGN_IN_WINDOW),
                by_address: FailureLimiter::new(SIGN_IN_FAILURES_PER_ADDRESS, SIGN_IN_WINDOW),
                pre: OnceLock::new(),
                life: Lifetimes {
                    idle_ms: i64::from(settings.dashboard.session_idle_minutes) * 60_000,
                    max_ms: i64::from(settings.dashboard.session_max_hours) * 3_600_000,
                },
                secure_cookies: settings.dashboard.secure_cookies,
                silent_days: settings.dashboard.silent_days,
                threshold: settings.reports.threshold(),
                contact: settings.org.contact.clone(),
            }),
        }
    }

    pub fn lifetimes(&self) -> Lifetimes {
        self.inner.life
    }

    /// How a funder reaches the organization (`[org] contact`).
    pub fn org_contact(&self) -> Option<String> {
        self.inner.contact.clone()
    }

    /// The small-cell threshold of the external version of reports.
    pub fn threshold(&self) -> Threshold {
        self.inner.threshold
    }

    /// Phones silent longer than this many days stand out.
    pub fn silent_days(&self) -> u32 {
        self.inner.silent_days
    }

    pub fn org_name(&self) -> String {
        self.server.keys().org_name.clone()
    }

    /// The sign-in form's token maker.
    pub fn pre_tokens(&self) -> Result<&PreTokens, ServerError> {
        if let Some(made) = self.inner.pre.get() {
            return Ok(made);
        }
        let made = PreTokens::new()?;
        // Two first forms at once: both get the key that was kept.
        Ok(self.inner.pre.get_or_init(|| made))
    }
}

/// Every dashboard route, with what it answers. The router is built from
/// this list, and the test that every page needs a session walks it
/// ([`paths`]), so a new route cannot be left out of the check.
fn routes() -> Vec<(&'static str, MethodRouter<Dash>)> {
    vec![
        ("/", get(|| async { Redirect::to("/activity") })),
        ("/signin", get(signin::form).post(signin::submit)),
        ("/signout", post(signin::sign_out)),
        ("/lang/{code}", get(auth::switch_language)),
        ("/audit", get(audit::page)),
        ("/activity", get(activity::list)),
        ("/activity/{record_id}", get(activity::show)),
        ("/activity/{record_id}/void", post(activity::void)),
        ("/phones", get(phones::list)),
        (
            "/phones/{device_id}/revoke",
            get(phones::confirm).post(phones::revoke),
        ),
        ("/quarantine", get(quarantine::list)),
        ("/quarantine/reapply", post(quarantine::reapply)),
        ("/report", get(report::page)),
        ("/report/print", get(report::print)),
        ("/report/print.css", get(report::print_css)),
        ("/report.csv", get(report::csv)),
        ("/overdoses", get(overdoses::list)),
        ("/overdoses/{record_id}", get(overdoses::show)),
        ("/incidents", get(incidents::list)),
        (
            "/incidents/{record_id}/follow-up",
            post(incidents::follow_up),
        ),
        ("/enroll", get(enroll::form).post(enroll::create)),
        ("/catalog", get(catalog::page).post(catalog::change)),
        ("/dashboard.css", get(stylesheet)),
    ]
}

/// The routes answered without a session: sign-in itself, the language
/// switch, the stylesheet, and `/`, which only redirects to a page.
pub const PUBLIC: &[&str] = &["/", "/signin", "/lang/{code}", "/dashboard.css"];

/// The path of every dashboard route (`{name}` marks a parameter).
pub fn paths() -> Vec<&'static str> {
    routes().into_iter().map(|(path, _)| path).collect()
}

/// The dashboard's routes. Every page but those of [`PUBLIC`] requires a
/// session (see [`auth::Signed`]); forms are read up to
/// [`auth::MAX_FORM_BYTES`].
fn pages(server: Server, settings: &Config) -> Router {
    let timeout = server.request_timeout();
    let dash = Dash::new(server, settings);
    routes()
        .into_iter()
        .fold(Router::new(), |router, (path, route)| {
            router.route(path, route)
        })
        .layer(DefaultBodyLimit::max(auth::MAX_FORM_BYTES))
        .layer(middleware::from_fn_with_state(timeout, http::time_limit))
        .with_state(dash)
}

/// The whole site of `tournee serve`: the device API and the dashboard,
/// every answer with the headers of [`headers`].
pub fn site(server: Server, settings: &Config) -> Router {
    // The web app carries its own headers (its page runs scripts, which
    // the dashboard's policy forbids).
    site_without_app(server, settings).merge(http::web_app::routes())
}

/// [`site`] with `/app/` left free (the demo puts the live app there
/// when this binary carries no web app).
pub fn site_without_app(server: Server, settings: &Config) -> Router {
    headers::secure(
        http::router(server.clone())
            .merge(pages(server, settings))
            .fallback(not_found),
    )
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
