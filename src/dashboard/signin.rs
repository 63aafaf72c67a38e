//! Sign-in and sign-out. The sign-in form carries a token that must match
//! a cookie set with the form (so another site cannot post it) and that
//! only this server can make (`sessions::PreTokens`), failures are limited
//! per account and per address, and every outcome goes to the audit log.
//! Passwords are checked by `server::supervisors::verify`. The session
//! cookie is set only on the redirect of a sign-in that succeeded.

use super::auth::{self, PRE_COOKIE, Posted, SESSION_COOKIE};
use super::page::{self, Frame};
use super::words::Word;
use super::{Dash, SIGN_IN_WINDOW};
use crate::domain::i18n::Lang;
use crate::server::console::sessions;
use crate::server::limiter::AccountKey;
use crate::server::{ServerError, now_ms, supervisors};
use axum::body::Body;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dioxus::prelude::*;
use serde::Deserialize;
use std::net::SocketAddr;
use std::time::Instant;

/// Longest name kept in the audit log for a refused sign-in.
const MAX_LOGGED_NAME: usize = 64;
/// How long a sign-in form stays good.
const PRE_LIFE_SECS: i64 = 3600;

#[derive(Deserialize, Default)]
pub struct SignInQuery {
    next: Option<String>,
    out: Option<String>,
    ended: Option<String>,
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

fn form_page(
    dash: &Dash,
    headers: &HeaderMap,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
    name: &str,
    next: &str,
) -> Response {
    let lang = auth::language(headers);
    let now = now_ms();
    let made = dash.pre_tokens().and_then(|pre| {
        // Keep the browser's token if this server made it and it is good
        // for half its life still, so two open tabs do not spoil each
        // other's form and a form just shown does not expire soon.
        let half_life = now + PRE_LIFE_SECS * 500;
        match auth::cookie(headers, PRE_COOKIE).filter(|t| pre.valid(t, half_life)) {
            Some(token) => Ok(token),
            None => pre.issue(now + PRE_LIFE_SECS * 1000),
        }
    });
    let token = match made {
        Ok(token) => token,
        Err(error) => return page::trouble(lang, &error),
    };
    let cookie = auth::set_cookie(dash, headers, PRE_COOKIE, &token, Some(PRE_LIFE_SECS));
    let frame = Frame {
        lang,
        user: None,
        title: Word::SignInTitle.text(lang).to_string(),
        current: None,
        org: dash.org_name(),
        style: None,
    };
    let name = name.to_string();
    let next = next.to_string();
    let body = rsx! {
        if let Some(notice) = notice {
            p { class: "notice", role: "status", "{notice}" }
        }
        if let Some(error) = &error {
            p { class: "error", id: "signin-error", role: "alert", "{error}" }
        }
        form { class: "signin", method: "post", action: "/signin",
            input { r#type: "hidden", name: "csrf", value: "{token}" }
            input { r#type: "hidden", name: "next", value: "{next}" }
            div { class: "field",
                label { r#for: "name", {Word::SignInName.text(lang)} }
                input { id: "name", name: "name", r#type: "text", value: "{name}",
                    autocomplete: "username", required: true, autofocus: true,
                    "aria-describedby": if error.is_some() { Some("signin-error") } else { None },
                }
            }
            div { class: "field",
                label { r#for: "password", {Word::SignInPassword.text(lang)} }
                input { id: "password", name: "password", r#type: "password",
                    autocomplete: "current-password", required: true }
            }
            button { class: "primary", r#type: "submit", {Word::SignInButton.text(lang)} }
        }
    };
    (
        status,
        [
            (header::SET_COOKIE, cookie),
            (
                header::CACHE_CONTROL,
                "no-store".parse().expect("static header"),
            ),
        ],
        page::render(frame, body),
    )
        .into_response()
}

/// `GET /signin`: the form (`?out=1` after signing out).
pub async fn form(
    State(dash): State<Dash>,
    Query(query): Query<SignInQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = auth::language(&headers);
    let notice = if query.out.is_some() {
        Some(Word::SignedOut.text(lang).to_string())
    } else if query.ended.is_some() || auth::cookie(&headers, SESSION_COOKIE).is_some() {
        Some(Word::SessionEnded.text(lang).to_string())
    } else {
        None
    };
    let next = auth::local_path(query.next.as_deref());
    form_page(&dash, &headers, StatusCode::OK, notice, None, "", &next)
}

/// `POST /signin`.
pub async fn submit(
    State(dash): State<Dash>,
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
    let made_here = dash
        .pre_tokens()
        .is_ok_and(|tokens| tokens.valid(&pre, now_ms()));
    if !made_here || !auth::same_token(&pre, &form.csrf) {
        return page::problem(
            lang,
            StatusCode::FORBIDDEN,
            Word::FormExpired.text(lang).to_string(),
        );
    }
    let name = form.name.trim().to_string();
    if name.is_empty() || form.password.is_empty() {
        let error = Word::SignInMissing.text(lang).to_string();
        return form_page(
            &dash,
            &headers,
            StatusCode::BAD_REQUEST,
            None,
            Some(error),
            &name,
            &next,
        );
    }
    let account = AccountKey::of(&name.to_lowercase());
    let address = client.ip();
    let now = Instant::now();
    if !dash.inner.by_name.allows(&account, now) || !dash.inner.by_address.allows(&address, now) {
        let minutes = SIGN_IN_WINDOW.as_secs() / 60;
        let error = Word::SignInTooMany.fill(lang, &[("minutes", &minutes)]);
        return form_page(
            &dash,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            None,
            Some(error),
            &name,
            &next,
        );
    }
    let password = zeroize::Zeroizing::new(form.password);
    let outcome = authenticate(&dash, name.clone(), password).await;
    match outcome {
        Ok(Some(session)) => {
            tracing::info!("supervisor signed in");
            signed_in(&dash, &headers, &session.token, &next)
        }
        Ok(None) => {
            dash.inner.by_name.record_failure(&account, Instant::now());
            dash.inner
                .by_address
                .record_failure(&address, Instant::now());
            tracing::warn!(%address, "dashboard sign-in refused");
            let error = Word::SignInRefused.text(lang).to_string();
            form_page(
                &dash,
                &headers,
                StatusCode::UNAUTHORIZED,
                None,
                Some(error),
                &name,
                &next,
            )
        }
        Err(error) => page::trouble(lang, &error),
    }
}

/// Checks the password and, when it is right, starts a session; either
/// way the audit log says so. The slow part (PBKDF2) runs on its own
/// blocking thread, not while holding the database phones upload into.
async fn authenticate(
    dash: &Dash,
    name: String,
    password: zeroize::Zeroizing<String>,
) -> Result<Option<sessions::NewSession>, ServerError> {
    let lookup = name.clone();
    let org = dash.server.org();
    let storage = dash.server.storage();
    let secret = storage.supervisor_secret(org, lookup).await?;
    let matches = tokio::task::spawn_blocking(move || supervisors::check(&secret, &password))
        .await
        .map_err(|e| ServerError::Damaged(format!("password check: {e}")))??;
    let life = dash.lifetimes();
    if !matches {
        let logged: String = name.chars().take(MAX_LOGGED_NAME).collect();
        storage.refuse_sign_in(org, logged, now_ms()).await?;
        return Ok(None);
    }
    let shown = supervisors::SupervisorName::parse(&name)
        .map(|n| n.as_str().to_string())
        .unwrap_or_else(|_| name.clone());
    let session = storage
        .start_session(org, name, shown, life, now_ms())
        .await?;
    Ok(Some(session))
}

fn signed_in(dash: &Dash, headers: &HeaderMap, token: &str, next: &str) -> Response {
    let mut response = auth::redirect(next);
    let set = response.headers_mut();
    // No Max-Age: the cookie goes with the browser; the server ends the
    // session after idle or absolute time whatever the browser keeps.
    set.append(
        header::SET_COOKIE,
        auth::set_cookie(dash, headers, SESSION_COOKIE, token, None),
    );
    set.append(
        header::SET_COOKIE,
        auth::set_cookie(dash, headers, PRE_COOKIE, "", Some(0)),
    );
    response
}

#[derive(Deserialize)]
pub struct Nothing {}

/// `POST /signout`.
pub async fn sign_out(
    State(dash): State<Dash>,
    headers: HeaderMap,
    posted: Posted<Nothing>,
) -> Response {
    let user = posted.user;
    let lang: Lang = user.lang;
    let token = user.token.clone();
    let name = user.name.clone();
    let ended = dash
        .server
        .storage()
        .end_session(user.org, token, name, now_ms())
        .await;
    if let Err(error) = ended {
        return page::trouble(lang, &error);
    }
    let mut response = auth::redirect("/signin?out=1");
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(&dash, &headers, SESSION_COOKIE, "", Some(0)),
    );
    response
}
