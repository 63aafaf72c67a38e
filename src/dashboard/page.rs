//! The frame every dashboard page shares (skip link, menu, language
//! switch, sign-out), rendered on the server with Dioxus SSR, and the
//! error pages. Pages work without JavaScript: links and plain forms.

use super::auth::Signed;
use super::words::Word;
use crate::domain::i18n::Lang;
use crate::server::ServerError;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use dioxus::prelude::*;

/// The menu's entries, in the order a month end goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nav {
    Activity,
    Phones,
    Enroll,
    Catalog,
    Quarantine,
    Report,
    Overdoses,
    Incidents,
    Audit,
}

impl Nav {
    pub const ALL: [Nav; 9] = [
        Nav::Activity,
        Nav::Phones,
        Nav::Enroll,
        Nav::Catalog,
        Nav::Quarantine,
        Nav::Report,
        Nav::Overdoses,
        Nav::Incidents,
        Nav::Audit,
    ];

    pub fn path(self) -> &'static str {
        match self {
            Nav::Activity => "/activity",
            Nav::Phones => "/phones",
            Nav::Enroll => "/enroll",
            Nav::Catalog => "/catalog",
            Nav::Quarantine => "/quarantine",
            Nav::Report => "/report",
            Nav::Overdoses => "/overdoses",
            Nav::Incidents => "/incidents",
            Nav::Audit => "/audit",
        }
    }

    fn word(self) -> Word {
        match self {
            Nav::Activity => Word::NavActivity,
            Nav::Phones => Word::NavPhones,
            Nav::Enroll => Word::NavEnroll,
            Nav::Catalog => Word::NavCatalog,
            Nav::Quarantine => Word::NavQuarantine,
            Nav::Report => Word::NavReport,
            Nav::Overdoses => Word::NavOverdoses,
            Nav::Incidents => Word::NavIncidents,
            Nav::Audit => Word::NavAudit,
        }
    }
}

/// What the frame shows around a page's body.
pub struct Frame<'a> {
    pub lang: Lang,
    pub user: Option<&'a Signed>,
    pub title: String,
    pub current: Option<Nav>,
    /// The organization's name, shown in the bar and on prints.
    pub org: String,
    /// A stylesheet of this page's own, after the dashboard's.
    pub style: Option<String>,
}

impl<'a> Frame<'a> {
    /// The frame of a signed-in page.
    pub fn signed(user: &'a Signed, org: String, current: Nav, title: String) -> Frame<'a> {
        Frame {
            lang: user.lang,
            user: Some(user),
            title,
            current: Some(current),
            org,
            style: None,
        }
    }
}

/// A whole HTML document: the frame with `body` in its `main`.
pub fn render(frame: Frame<'_>, body: Element) -> Html<String> {
    let lang = frame.lang;
    let title = frame.title.clone();
    let back = frame
        .user
        .map(|u| u.path.clone())
        .unwrap_or_else(|| "/".into());
    let other = match lang {
        Lang::Fr => Lang::En,
        Lang::En => Lang::Fr,
    };
    let switch_href = format!(
        "/lang/{}?{}",
        other.code(),
        serde_urlencoded::to_string([("back", back.as_str())]).unwrap_or_default()
    );
    let user = frame.user.cloned();
    let current = frame.current;
    let org = frame.org.clone();
    let style = frame.style.clone();
    let html = dioxus_ssr::render_element(rsx! {
        head {
            meta { charset: "utf-8" }
            meta { name: "viewport", content: "width=device-width, initial-scale=1" }
            title { "{title} · Tournée" }
            link { rel: "stylesheet", href: "/dashboard.css" }
            if let Some(href) = style {
                link { rel: "stylesheet", href }
            }
        }
        body { class: "dash",
            a { class: "skip", href: "#main", {Word::SkipToContent.text(lang)} }
            header { class: "bar",
                div { class: "brand",
                    span { class: "name", "Tournée" }
                    span { class: "org", "{org}" }
                }
                if let Some(user) = &user {
                    nav { "aria-label": Word::MainMenu.text(lang),
                        ul {
                            for item in Nav::ALL {
                                li {
                                    a {
                                        href: item.path(),
                                        "aria-current": if current == Some(item) { Some("page") } else { None },
                                        {item.word().text(lang)}
                                    }
                                }
                            }
                        }
                    }
                    div { class: "who",
                        span { {Word::SignedInAs.fill(lang, &[("name", &user.name)])} }
                        form { method: "post", action: "/signout",
                            input { r#type: "hidden", name: "csrf", value: "{user.csrf}" }
                            button { r#type: "submit", {Word::SignOut.text(lang)} }
                        }
                    }
                }
                a { class: "lang", href: "{switch_href}", lang: other.code(),
                    title: Word::OtherLanguageName.text(lang),
                    {Word::OtherLanguage.text(lang)}
                }
            }
            main { id: "main",
                h1 { "{title}" }
                {body}
            }
        }
    });
    Html(format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">{html}</html>",
        lang.code()
    ))
}

/// A page saying what went wrong, with the status it deserves.
pub fn problem(lang: Lang, status: StatusCode, message: String) -> Response {
    let title = message.clone();
    let frame = Frame {
        lang,
        user: None,
        title,
        current: None,
        org: String::new(),
        style: None,
    };
    let body = rsx! {
        p { a { href: "/", {Word::BackHome.text(lang)} } }
    };
    (status, render(frame, body)).into_response()
}

/// A server failure: logged in full, shown in plain words.
pub fn trouble(lang: Lang, error: &ServerError) -> Response {
    tracing::error!(%error, "dashboard request failed");
    problem(
        lang,
        StatusCode::INTERNAL_SERVER_ERROR,
        Word::ServerTrouble.text(lang).to_string(),
    )
}

/// A download: the body with its type and the file name to save it as.
pub fn download(content_type: &'static str, file_name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// Times as supervisors read them: the server's local time, to the minute.
pub fn when(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// Previous / next links and "page N of M" for a list of `total` rows
/// shown `per_page` at a time; `href(page)` makes a page's link.
pub fn pager(
    lang: Lang,
    page: u32,
    per_page: u32,
    total: u64,
    href: impl Fn(u32) -> String,
) -> Element {
    let pages = total.div_ceil(u64::from(per_page.max(1))).max(1) as u32;
    let page = page.clamp(1, pages);
    let previous = (page > 1).then(|| href(page - 1));
    let next = (page < pages).then(|| href(page + 1));
    rsx! {
        nav { class: "pager", "aria-label": Word::Pagination.text(lang),
            if let Some(previous) = previous {
                a { href: "{previous}", rel: "prev", {Word::PagePrevious.text(lang)} }
            }
            span { {Word::PageOf.fill(lang, &[("page", &page), ("pages", &pages)])} }
            if let Some(next) = next {
                a { href: "{next}", rel: "next", {Word::PageNext.text(lang)} }
            }
        }
    }
}
