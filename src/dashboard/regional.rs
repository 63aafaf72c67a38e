//! The regional site of a host (`region.<domain>`, see [`super::host`]):
//! where a regional account (`tournee admin create-region`) signs in and
//! reads the sum of its member organizations' figures, suppressed after
//! summing (`domain::report::regional`), as a page, a CSV and a print
//! ([`report`]). Nothing else is served here: no record, no pseudonym, no
//! phone, no single organization's figure.
//!
//! Sign-in works as the dashboard's ([`super::signin`]): a form token
//! that must match a cookie only this site can make, failures limited per
//! account and per address, the same cookies with the same attributes.
//! Sessions are the regional ones (`regional_sessions`), so an
//! organization's session cookie is no session here, nor the reverse.

mod report;

use super::auth::{self, PRE_COOKIE, SESSION_COOKIE};
use super::page::{self, Frame};
use super::words::Word;
use super::{SIGN_IN_FAILURES_PER_ADDRESS, SIGN_IN_FAILURES_PER_NAME, SIGN_IN_WINDOW};
use crate::domain::i18n::Lang;
use crate::domain::report::Threshold;
use crate::server::config::Config;
use crate::server::console::sessions::{Lifetimes, NewSession, PreTokens};
use crate::server::limiter::{AccountKey, FailureLimiter};
use crate::server::store::postgres::PgHost;
use crate::server::store::postgres::regional::RegionSession;
use crate::server::{ServerError, http, now_ms, supervisors};
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use cookie::{Cookie, SameSite};
use dioxus::prelude::*;
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// How long a sign-in form stays good, as on the dashboard.
const PRE_LIFE_SECS: i64 = 3600;

/// What every route of the regional site shares.
#[derive(Clone)]
pub struct Region {
    inner: Arc<Inner>,
}

struct Inner {
    host: PgHost,
    by_name: FailureLimiter<AccountKey>,
    by_address: FailureLimiter<IpAddr>,
    pre: OnceLock<PreTokens>,
    life: Lifetimes,
    secure_cookies: bool,
    threshold: Threshold,
}

impl Region {
    fn host(&self) -> &PgHost {
        &self.inner.host
    }

    fn threshold(&self) -> Threshold {
        self.inner.threshold
    }

    /// The sign-in form's token maker, made at the first form.
    fn pre_tokens(&self) -> Result<&PreTokens, ServerError> {
        if let Some(made) = self.inner.pre.get() {
            return Ok(made);
        }
        let made = PreTokens::new()?;
        Ok(self.inner.pre.get_or_init(|| made))
    }

    /// A cookie with the dashboard's attributes (see `auth::set_cookie`).
    fn cookie(
        &self,
        headers: &HeaderMap,
        name: &str,
        value: &str,
        max_age: Option<i64>,
    ) -> HeaderValue {
        let secure = self.inner.secure_cookies
            || headers
                .get("x-forwarded-proto")
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
        let mut c = Cookie::build((name.to_string(), value.to_string()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(secure);
        if let Some(seconds) = max_age {
            c = c.max_age(cookie::time::Duration::seconds(seconds));
        }
        HeaderValue::from_str(&c.build().to_string()).expect("cookie values are ASCII tokens")
    }
}

/// The regional site, every answer with the dashboard's headers.
pub fn site(host: PgHost, settings: &Config) -> Router {
    let region = Region {
        inner: Arc::new(Inner {
            host,
            by_name: FailureLimiter::new(SIGN_IN_FAILURES_PER_NAME, SIGN_IN_WINDOW),
            by_address: FailureLimiter::new(SIGN_IN_FAILURES_PER_ADDRESS, SIGN_IN_WINDOW),
            pre: OnceLock::new(),
            life: Lifetimes {
                idle_ms: i64::from(settings.dashboard.session_idle_minutes) * 60_000,
                max_ms: i64::from(settings.dashboard.session_max_hours) * 3_600_000,
            },
            secure_cookies: settings.dashboard.secure_cookies,
            threshold: settings.reports.threshold(),
        }),
    };
    let pages = Router::new()
        .route("/", get(|| async { Redirect::to("/report") }))
        .route("/signin", get(form).post(submit))
        .route("/signout", post(sign_out))
        .route("/lang/{code}", get(switch_language))
        .route("/report", get(report::page))
        .route("/report.csv", get(report::csv))
        .route("/report/print", get(report::print))
        .route("/dashboard.css", get(stylesheet))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(auth::MAX_FORM_BYTES))
        .layer(middleware::from_fn_with_state(
            settings.request_timeout(),
            http::time_limit,
        ))
        .with_state(region);
    super::headers::secure(pages)
}

/// A signed-in regional account, for a page: without a live session the
/// request is sent to sign-in, and back here after.
pub struct Reader {
    pub session: RegionSession,
    pub lang: Lang,
    pub token: String,
    /// The path (and query) asked for, for the language switch.
    pub path: String,
}

/// The same, for a download: anonymous requests get 401.
pub struct ReaderDownload(pub Reader);

async fn session(parts: &Parts, region: &Region) -> Result<Option<Reader>, Response> {
    let lang = auth::language(&parts.headers);
    let Some(token) = auth::cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let found = region
        .host()
        .find_region_session(&token, now_ms(), region.inner.life)
        .await
        .map_err(|e| page::trouble(lang, &e))?;
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
    Ok(found.map(|session| Reader {
        session,
        lang,
        token,
        path,
    }))
}

impl FromRequestParts<Region> for Reader {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, region: &Region) -> Result<Self, Response> {
        match session(parts, region).await? {
            Some(reader) => Ok(reader),
            None => {
                let back = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                let query = serde_urlencoded::to_string([("next", back)]).unwrap_or_default();
                Err(auth::redirect(&format!("/signin?{query}")))
            }
        }
    }
}

impl FromRequestParts<Region> for ReaderDownload {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, region: &Region) -> Result<Self, Response> {
        match session(parts, region).await? {
            Some(reader) => Ok(ReaderDownload(reader)),
            None => {
                let lang = auth::language(&parts.headers);
                Err((
                    StatusCode::UNAUTHORIZED,
                    [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                    Word::SignInRequired.text(lang),
                )
                    .into_response())
            }
        }
    }
}

#[derive(Deserialize, Default)]
struct SignInQuery {
    next: Option<String>,
    out: Option<String>,
}

#[derive(Deserialize, Default)]
struct SignInForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

/// The sign-in page, with a form token kept while it is good for half
/// its life still (two open tabs do not spoil each other's form).
fn form_page(
    region: &Region,
    headers: &HeaderMap,
    status: StatusCode,
    message: Option<(bool, String)>,
    next: &str,
) -> Response {
    let lang = auth::language(headers);
    let now = now_ms();
    let made = region.pre_tokens().and_then(|pre| {
        match auth::cookie(headers, PRE_COOKIE).filter(|t| pre.valid(t, now + PRE_LIFE_SECS * 500))
        {
            Some(token) => Ok(token),
            None => pre.issue(now + PRE_LIFE_SECS * 1000),
        }
    });
    let token = match made {
        Ok(token) => token,
        Err(error) => return page::trouble(lang, &error),
    };
    let cookie = region.cookie(headers, PRE_COOKIE, &token, Some(PRE_LIFE_SECS));
    let frame = Frame {
        lang,
        user: None,
        title: Word::RegionSignInTitle.text(lang).to_string(),
        current: None,
        org: Word::RegionSite.text(lang).to_string(),
        style: None,
    };
    let next = next.to_string();
    let body = rsx! {
        if let Some((false, notice)) = &message {
            p { class: "notice", role: "status", "{notice}" }
        }
        if let Some((true, error)) = &message {
            p { class: "error", id: "signin-error", role: "alert", "{error}" }
        }
        form { class: "signin", method: "post", action: "/signin",
            input { r#type: "hidden", name: "csrf", value: "{token}" }
            input { r#type: "hidden", name: "next", value: "{next}" }
            div { class: "field",
                label { r#for: "name", {Word::SignInName.text(lang)} }
                input { id: "name", name: "name", r#type: "text",
                    autocomplete: "username", required: true, autofocus: true }
            }
            div { class: "field",
                label { r#for: "password", {Word::SignInPassword.text(lang)} }
                input { id: "password", name: "password", r#type: "password",
                    autocomplete: "current-password", required: true }
            }
            button { class: "primary", r#type: "submit", {Word::SignInButton.text(lang)} }
        }
    };
    let mut answer = (status, page::render(frame, body)).into_response();
    answer.headers_mut().append(header::SET_COOKIE, cookie);
    answer
}

/// `GET /signin` (`?out=1` after signing out).
async fn form(
    State(region): State<Region>,
    Query(query): Query<SignInQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = auth::language(&headers);
    let notice = if query.out.is_some() {
        Some((false, Word::SignedOut.text(lang).to_string()))
    } else if auth::cookie(&headers, SESSION_COOKIE).is_some() {
        Some((false, Word::SessionEnded.text(lang).to_string()))
    } else {
        None
    };
    let next = auth::local_path(query.next.as_deref());
    form_page(&region, &headers, StatusCode::OK, notice, &next)
}

/// `POST /signin`.
async fn submit(
    State(region): State<Region>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let lang = auth::language(&headers);
    let body = match auth::form_body(body, lang).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let form: SignInForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let next = auth::local_path(form.next.as_deref());
    let pre = auth::cookie(&headers, PRE_COOKIE).unwrap_or_default();
    let made_here = region
        .pre_tokens()
        .is_ok_and(|tokens| tokens.valid(&pre, now_ms()));
    if !made_here || !auth::same_token(&pre, &form.csrf) {
        let expired = Word::FormExpired.text(lang).to_string();
        return page::problem(lang, StatusCode::FORBIDDEN, expired);
    }
    let name = form.name.trim().to_string();
    if name.is_empty() || form.password.is_empty() {
        let error = Word::SignInMissing.text(lang).to_string();
        return form_page(
            &region,
            &headers,
            StatusCode::BAD_REQUEST,
            Some((true, error)),
            &next,
        );
    }
    let account = AccountKey::of(&name.to_lowercase());
    let address = client.ip();
    let now = Instant::now();
    let limits = &region.inner;
    if !limits.by_name.allows(&account, now) || !limits.by_address.allows(&address, now) {
        let minutes = SIGN_IN_WINDOW.as_secs() / 60;
        let error = Word::SignInTooMany.fill(lang, &[("minutes", &minutes)]);
        let status = StatusCode::TOO_MANY_REQUESTS;
        return form_page(&region, &headers, status, Some((true, error)), &next);
    }
    let password = zeroize::Zeroizing::new(form.password);
    match authenticate(&region, &name, password).await {
        Ok(Some(session)) => {
            tracing::info!("regional account signed in");
            let mut answer = auth::redirect(&next);
            let set = answer.headers_mut();
            // No Max-Age: the server ends the session whatever the browser keeps.
            let kept = region.cookie(&headers, SESSION_COOKIE, &session.token, None);
            set.append(header::SET_COOKIE, kept);
            let spent = region.cookie(&headers, PRE_COOKIE, "", Some(0));
            set.append(header::SET_COOKIE, spent);
            answer
        }
        Ok(None) => {
            limits.by_name.record_failure(&account, Instant::now());
            limits.by_address.record_failure(&address, Instant::now());
            tracing::warn!(%address, "regional sign-in refused");
            let error = Word::SignInRefused.text(lang).to_string();
            let status = StatusCode::UNAUTHORIZED;
            form_page(&region, &headers, status, Some((true, error)), &next)
        }
        Err(error) => page::trouble(lang, &error),
    }
}

/// Checks the password (PBKDF2 on a blocking thread) and, when it is
/// right, starts a session.
async fn authenticate(
    region: &Region,
    name: &str,
    password: zeroize::Zeroizing<String>,
) -> Result<Option<NewSession>, ServerError> {
    let secret = region.host().region_secret(name).await?;
    let matches = tokio::task::spawn_blocking(move || supervisors::check(&secret, &password))
        .await
        .map_err(|e| ServerError::Damaged(format!("password check: {e}")))??;
    if !matches {
        return Ok(None);
    }
    let session = region
        .host()
        .start_region_session(name, region.inner.life, now_ms())
        .await?;
    Ok(Some(session))
}

/// `POST /signout`: the form's token must be the session's.
async fn sign_out(
    State(region): State<Region>,
    reader: Reader,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let lang = reader.lang;
    let body = match auth::form_body(body, lang).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let sent = auth::form_csrf(&body);
    if !sent.is_some_and(|sent| auth::same_token(&sent, &reader.session.csrf)) {
        let expired = Word::FormExpired.text(lang).to_string();
        return page::problem(lang, StatusCode::FORBIDDEN, expired);
    }
    if let Err(error) = region.host().end_region_session(&reader.token).await {
        return page::trouble(lang, &error);
    }
    let mut answer = auth::redirect("/signin?out=1");
    let gone = region.cookie(&headers, SESSION_COOKIE, "", Some(0));
    answer.headers_mut().append(header::SET_COOKIE, gone);
    answer
}

#[derive(Deserialize)]
struct Back {
    back: Option<String>,
}

/// `GET /lang/{fr|en}?back=/path`, as on the dashboard.
async fn switch_language(
    State(region): State<Region>,
    Path(code): Path<String>,
    Query(back): Query<Back>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let target = auth::local_path(back.back.as_deref());
    let year = Some(365 * 86_400);
    let cookie = region.cookie(&headers, auth::LANG_COOKIE, lang.code(), year);
    let mut answer = auth::redirect(&target);
    answer.headers_mut().append(header::SET_COOKIE, cookie);
    answer
}

async fn not_found(headers: HeaderMap) -> Response {
    let lang = auth::language(&headers);
    let text = Word::NotFound.text(lang).to_string();
    page::problem(lang, StatusCode::NOT_FOUND, text)
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
