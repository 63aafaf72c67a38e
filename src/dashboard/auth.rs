//! Who is asking: the session cookie and its CSRF token, the reader's
//! language, and the extractors every route takes. [`Signed`] turns an
//! anonymous page request into a redirect to sign-in, [`SignedDownload`]
//! refuses it outright, and [`Posted`] checks the form's CSRF token
//! before the handler runs, so no form can skip the check.

use super::Dash;
use super::page;
use super::words::Word;
use crate::domain::i18n::Lang;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub const SESSION_COOKIE: &str = "tournee_session";
/// Before sign-in: the token the sign-in form must echo (double submit).
pub const PRE_COOKIE: &str = "tournee_pre";
pub const LANG_COOKIE: &str = "tournee_lang";
/// Forms are small (the largest, sign-in, holds a 1,024-character
/// password); anything bigger is not ours.
pub const MAX_FORM_BYTES: usize = 16 * 1024;
/// Longest path followed after sign-in or a language switch.
const MAX_LOCAL_PATH: usize = 2048;

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// The reader's language: their choice (cookie), else the browser's
/// first of French or English, else French.
pub fn language(headers: &HeaderMap) -> Lang {
    if let Some(lang) = cookie(headers, LANG_COOKIE).and_then(|c| Lang::parse(&c)) {
        return lang;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|list| {
            list.split(',')
                .find_map(|item| Lang::parse(item.split(';').next().unwrap_or("")))
        })
        .unwrap_or_default()
}

/// Whether cookies get `Secure`: set in the settings, or the request came
/// through a TLS proxy.
fn secure(dash: &Dash, headers: &HeaderMap) -> bool {
    dash.inner.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// The address the supervisor's browser reached this server at
/// (`https://host:port`), for the enrollment QR code: phones usually reach
/// the server where supervisors do. `None` when the Host header is missing
/// or holds anything but a host name, an IP address and a port.
pub fn site_address(dash: &Dash, headers: &HeaderMap) -> Option<String> {
    let host = headers.get(axum::http::header::HOST)?.to_str().ok()?;
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    let scheme = if secure(dash, headers) {
        "https"
    } else {
        "http"
    };
    plain.then(|| format!("{scheme}://{host}"))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, whole site, Secure
/// when [`secure`]. `max_age` 0 deletes it; `None` lasts the browser session.
pub fn set_cookie(
    dash: &Dash,
    headers: &HeaderMap,
    name: &str,
    value: &str,
    max_age: Option<i64>,
) -> HeaderValue {
    let mut c = Cookie::build((name.to_string(), value.to_string()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure(dash, headers));
    if let Some(seconds) = max_age {
        c = c.max_age(cookie::time::Duration::seconds(seconds));
    }
    HeaderValue::from_str(&c.build().to_string()).expect("cookie values are ASCII tokens")
}

/// A signed-in supervisor, for a page: without a live session the request
/// is answered with a redirect to sign-in that comes back here after.
#[derive(Clone, Debug)]
pub struct Signed {
    /// The organization the supervisor's account belongs to: every call
    /// their pages make is for it alone.
    pub org: crate::server::store::OrgId,
    pub name: String,
    pub csrf: String,
    pub lang: Lang,
    pub token: String,
    /// The path (and query) asked for, for links back to it.
    pub path: String,
}

/// The same, for a download: anonymous requests get 401, not a page.
pub struct SignedDownload(pub Signed);

async fn session(parts: &Parts, dash: &Dash) -> Result<Option<Signed>, Response> {
    let lang = language(&parts.headers);
    let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let life = dash.lifetimes();
    let lookup = token.clone();
    let org = dash.server.org();
    let row = dash
        .server
        .storage()
        .find_session(org, lookup, crate::server::now_ms(), life)
        .await
        .map_err(|e| page::trouble(lang, &e))?;
    Ok(row.map(|row| Signed {
        org,
        name: row.name,
        csrf: row.csrf,
        lang,
        token,
        path: parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into()),
    }))
}

impl FromRequestParts<Dash> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, dash: &Dash) -> Result<Self, Response> {
        match session(parts, dash).await? {
            Some(signed) => Ok(signed),
            None => {
                let back = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let query = serde_urlencoded::to_string([("next", back)]).unwrap_or_default();
                Err(redirect(&format!("/signin?{query}")))
            }
        }
    }
}

impl FromRequestParts<Dash> for SignedDownload {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, dash: &Dash) -> Result<Self, Response> {
        match session(parts, dash).await? {
            Some(signed) => Ok(SignedDownload(signed)),
            None => {
                let lang = language(&parts.headers);
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

/// A form posted by a signed-in supervisor whose `csrf` field matches the
/// session's; anything else never reaches the handler (403).
pub struct Posted<T> {
    pub user: Signed,
    pub form: T,
}

/// Constant-time comparison of two tokens.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A form's body, up to [`MAX_FORM_BYTES`]; a bigger one (or one that
/// breaks off) is answered with a page.
pub async fn form_body(body: Body, lang: Lang) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| {
            let mut page = page::problem(
                lang,
                StatusCode::PAYLOAD_TOO_LARGE,
                Word::BadForm.fill(lang, &[("value", &"size")]),
            );
            // The rest of the body was not read: the connection cannot
            // carry another request.
            page.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            page
        })
}

/// The `csrf` field of a url-encoded form.
pub fn form_csrf(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v)
}

impl<T: DeserializeOwned + Send> FromRequest<Dash> for Posted<T> {
    type Rejection = Response;

    async fn from_request(request: Request, dash: &Dash) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let user = Signed::from_request_parts(&mut parts, dash).await?;
        let lang = user.lang;
        let body = form_body(body, lang).await?;
        let matches = form_csrf(&body).is_some_and(|sent| same_token(&sent, &user.csrf));
        if !matches {
            tracing::warn!(supervisor = %user.name, path = %user.path, "form refused: CSRF token missing or wrong");
            return Err(page::problem(
                lang,
                StatusCode::FORBIDDEN,
                Word::FormExpired.text(lang).to_string(),
            ));
        }
        let form = serde_urlencoded::from_bytes::<T>(&body).map_err(|e| {
            page::problem(
                lang,
                StatusCode::BAD_REQUEST,
                Word::BadForm.fill(lang, &[("value", &e)]),
            )
        })?;
        Ok(Posted { user, form })
    }
}

#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// `GET /lang/{fr|en}?back=/path`: remembers the choice for a year and
/// goes back. Only local paths are followed, so the link cannot send
/// anyone elsewhere.
pub async fn switch_language(
    State(dash): State<Dash>,
    Path(code): Path<String>,
    Query(back): Query<Back>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let target = local_path(back.back.as_deref());
    let cookie = set_cookie(
        &dash,
        &headers,
        LANG_COOKIE,
        lang.code(),
        Some(365 * 86_400),
    );
    let mut response = redirect(&target);
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

/// `303 See Other` to `path`, or to `/` if it cannot be a header value
/// (never a panic: [`local_path`] has already made it one).
pub fn redirect(path: &str) -> Response {
    let location = HeaderValue::from_str(path).unwrap_or(HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// `path` if it is a path on this site, else `/`: one `/` followed by a
/// path character, only characters a URL path and query hold as they are
/// (no space, no control character, no backslash), and still so once
/// percent-decoded (no control character at all, no space or backslash
/// before the query), so that `/%09/evil.example` or `/%5C%5Cevil` cannot
/// reach a browser that would strip them or read another host.
pub fn local_path(path: Option<&str>) -> String {
    match path {
        Some(p) if is_local(p) => p.to_string(),
        _ => "/".to_string(),
    }
}

fn is_local(path: &str) -> bool {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?%".contains(c);
    if path.len() > MAX_LOCAL_PATH || !path.starts_with('/') || !path.chars().all(plain) {
        return false;
    }
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(path).collect();
    let decoded = String::from_utf8_lossy(&decoded);
    let route = decoded.split('?').next().unwrap_or("");
    !route.starts_with("//")
        && !route.starts_with("/\\")
        && !route.chars().any(|c| c.is_whitespace() || c == '\\')
        && !decoded.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            local_path(Some("/report?month=2026-10")),
            "/report?month=2026-10"
        );
        assert_eq!(local_path(Some("/")), "/");
        assert_eq!(
            local_path(Some("/activity?page=2&zone=a%20b")),
            "/activity?page=2&zone=a%20b"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "report",
            "",
            // As the query decodes them: a tab, a line feed, a NUL...
            "/\t/evil.example/",
            "/\n/evil.example/",
            "/\r\nSet-Cookie: x=1",
            "/\u{b}/evil",
            "/\0",
            "/ /evil",
            "/é",
            // ...and the same still encoded once more.
            "/%09/evil.example/",
            "/%0A/evil.example/",
            "/%0d%0a",
            "/%0B",
            "/%00",
            "/%2F/evil.example",
            "/%5Cevil",
            "/%5C%5Cevil",
            "/report?month=%0A",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_path(Some(&format!("/{}", "a".repeat(3000)))), "/");
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn the_language_is_the_choice_then_the_browser_then_french() {
        let mut headers = HeaderMap::new();
        assert_eq!(language(&headers), Lang::Fr);
        headers.insert(
            header::ACCEPT_LANGUAGE,
            "de-DE, en-CA;q=0.8".parse().unwrap(),
        );
        assert_eq!(language(&headers), Lang::En);
        headers.insert(header::COOKIE, "x=1; tournee_lang=fr".parse().unwrap());
        assert_eq!(language(&headers), Lang::Fr);
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "abcd"));
        assert_eq!(form_csrf(b"reason=x&csrf=t%2B1").as_deref(), Some("t+1"));
        assert_eq!(form_csrf(b"reason=x"), None);
    }
}
