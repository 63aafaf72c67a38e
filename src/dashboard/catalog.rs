//! The catalog page: materials, zones, referral and intervention types with
//! their French and English labels and state, and the forms that add,
//! rename, retire and bring back an item. Every change makes a new catalog
//! version (see [`crate::server::console::catalog`]) that phones fetch at
//! their next sync.

use super::Dash;
use super::auth::{Posted, Signed};
use super::page::{self, Frame, Nav};
use super::words::Word;
use crate::domain::Catalog;
use crate::domain::catalog::Section;
use crate::domain::i18n::Lang;
use crate::server::console::catalog::{self, Change, EDITABLE, MAX_LABEL_CHARS, Refusal};
use crate::server::db;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use dioxus::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Saved {
    saved: Option<u32>,
}

#[derive(Deserialize)]
pub struct CatalogForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    fr: String,
    #[serde(default)]
    en: String,
}

/// `GET /catalog?saved=N`.
pub async fn page(State(dash): State<Dash>, user: Signed, Query(saved): Query<Saved>) -> Response {
    let notice = saved
        .saved
        .map(|version| Word::CatalogSaved.fill(user.lang, &[("version", &version)]));
    show(&dash, &user, notice, None, StatusCode::OK).await
}

/// `POST /catalog`: one change, then back to the list (or the list with
/// what was wrong, nothing written).
pub async fn change(State(dash): State<Dash>, posted: Posted<CatalogForm>) -> Response {
    let Posted { user, form } = posted;
    let lang = user.lang;
    let change = match parse(&form, lang) {
        Ok(change) => change,
        Err(message) => {
            return show(&dash, &user, None, Some(message), StatusCode::BAD_REQUEST).await;
        }
    };
    let actor = user.name.clone();
    let asked = change.clone();
    let done = dash
        .server
        .call(move |conn, _| catalog::change(conn, &actor, &asked, crate::server::now_ms()))
        .await;
    match done {
        Ok(Ok(version)) => Redirect::to(&format!("/catalog?saved={version}")).into_response(),
        Ok(Err(refusal)) => {
            let message = refused(lang, &refusal, change.id());
            show(&dash, &user, None, Some(message), StatusCode::BAD_REQUEST).await
        }
        Err(error) => page::trouble(lang, &error),
    }
}

/// The change a form asks for, or what is wrong with it in `lang`.
fn parse(form: &CatalogForm, lang: Lang) -> Result<Change, String> {
    let Some(section) = catalog::section(form.section.trim()) else {
        return Err(Word::CatalogBadSection.text(lang).to_string());
    };
    let (id, fr, en) = (form.id.trim().to_string(), form.fr.clone(), form.en.clone());
    Ok(match form.action.as_str() {
        "add" => Change::Add {
            section,
            id,
            fr,
            en,
        },
        "rename" => Change::Rename {
            section,
            id,
            fr,
            en,
        },
        "retire" => Change::Retire { section, id },
        "reactivate" => Change::Reactivate { section, id },
        other => return Err(Word::CatalogBadAction.fill(lang, &[("value", &other)])),
    })
}

fn refused(lang: Lang, refusal: &Refusal, id: &str) -> String {
    match refusal {
        Refusal::Section => Word::CatalogBadSection.text(lang).to_string(),
        Refusal::BadId => Word::CatalogBadId.fill(lang, &[("value", &id)]),
        Refusal::Taken => Word::CatalogTaken.fill(lang, &[("value", &id)]),
        Refusal::Unknown => Word::CatalogUnknown.fill(lang, &[("value", &id)]),
        Refusal::Label { lang: which } => {
            let field = if *which == "fr" {
                Word::CatalogFrench
            } else {
                Word::CatalogEnglish
            };
            Word::CatalogBadLabel.fill(
                lang,
                &[("field", &field.text(lang)), ("max", &MAX_LABEL_CHARS)],
            )
        }
        Refusal::LastActive => Word::CatalogLastActive.text(lang).to_string(),
        Refusal::Unchanged => Word::CatalogUnchanged.fill(lang, &[("value", &id)]),
    }
}

async fn show(
    dash: &Dash,
    user: &Signed,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = user.lang;
    let current = match dash.server.call(|conn, _| db::catalog(conn)).await {
        Ok(catalog) => catalog,
        Err(error) => return page::trouble(lang, &error),
    };
    let frame = Frame::signed(
        user,
        dash.org_name(),
        Nav::Catalog,
        Word::NavCatalog.text(lang).into(),
    );
    let version = Word::CatalogVersion.fill(lang, &[("version", &current.version)]);
    let body = rsx! {
        if let Some(error) = error {
            p { class: "error", role: "alert", "{error}" }
        }
        if let Some(notice) = notice {
            p { class: "notice", role: "status", "{notice}" }
        }
        p { "{version}" }
        for section in EDITABLE {
            {section_block(user, &current, section)}
        }
    };
    (status, page::render(frame, body)).into_response()
}

fn section_block(user: &Signed, current: &Catalog, section: Section) -> Element {
    let lang = user.lang;
    let csrf = user.csrf.clone();
    let key = section.key();
    let title = section.title(lang);
    let add_to = Word::CatalogAddTo.fill(lang, &[("section", &title)]);
    let entries = current.section(section).to_vec();
    rsx! {
        h2 { id: "{key}", "{title}" }
        table { class: "list",
            caption { "{title}" }
            thead {
                tr {
                    th { scope: "col", {Word::CatalogId.text(lang)} }
                    th { scope: "col", {Word::CatalogFrench.text(lang)} }
                    th { scope: "col", {Word::CatalogEnglish.text(lang)} }
                    th { scope: "col", {Word::CatalogState.text(lang)} }
                    th { scope: "col", {Word::CatalogChange.text(lang)} }
                }
            }
            tbody {
                for entry in entries {
                    tr { class: if entry.active { "" } else { "retired" },
                        th { scope: "row", code { "{entry.id}" } }
                        td { lang: "fr", "{entry.fr}" }
                        td { lang: "en", "{entry.en}" }
                        td {
                            if entry.active {
                                {Word::CatalogActive.text(lang)}
                            } else {
                                {Word::CatalogRetired.text(lang)}
                            }
                        }
                        td {
                            form { method: "post", action: "/catalog", class: "filters",
                                input { r#type: "hidden", name: "csrf", value: "{csrf}" }
                                input { r#type: "hidden", name: "action", value: "rename" }
                                input { r#type: "hidden", name: "section", value: "{key}" }
                                input { r#type: "hidden", name: "id", value: "{entry.id}" }
                                div { class: "field",
                                    label { r#for: "fr-{key}-{entry.id}", {Word::CatalogFrench.text(lang)} }
                                    input { id: "fr-{key}-{entry.id}", name: "fr", value: "{entry.fr}", required: true, maxlength: "{MAX_LABEL_CHARS}" }
                                }
                                div { class: "field",
                                    label { r#for: "en-{key}-{entry.id}", {Word::CatalogEnglish.text(lang)} }
                                    input { id: "en-{key}-{entry.id}", name: "en", value: "{entry.en}", required: true, maxlength: "{MAX_LABEL_CHARS}" }
                                }
                                button { r#type: "submit", {Word::CatalogRename.text(lang)} }
                            }
                            form { method: "post", action: "/catalog",
                                input { r#type: "hidden", name: "csrf", value: "{csrf}" }
                                input { r#type: "hidden", name: "section", value: "{key}" }
                                input { r#type: "hidden", name: "id", value: "{entry.id}" }
                                if entry.active {
                                    input { r#type: "hidden", name: "action", value: "retire" }
                                    button { r#type: "submit", {Word::CatalogRetire.text(lang)} }
                                } else {
                                    input { r#type: "hidden", name: "action", value: "reactivate" }
                                    button { r#type: "submit", {Word::CatalogReactivate.text(lang)} }
                                }
                            }
                        }
                    }
                }
            }
        }
        form { method: "post", action: "/catalog", class: "filters", "aria-label": "{add_to}",
            input { r#type: "hidden", name: "csrf", value: "{csrf}" }
            input { r#type: "hidden", name: "action", value: "add" }
            input { r#type: "hidden", name: "section", value: "{key}" }
            div { class: "field",
                label { r#for: "new-id-{key}", {Word::CatalogId.text(lang)} }
                input { id: "new-id-{key}", name: "id", required: true, maxlength: "48",
                    pattern: "[a-z0-9]([a-z0-9\\-]*[a-z0-9])?", "aria-describedby": "new-id-hint-{key}" }
                span { id: "new-id-hint-{key}", class: "hint", {Word::CatalogIdHint.text(lang)} }
            }
            div { class: "field",
                label { r#for: "new-fr-{key}", {Word::CatalogFrench.text(lang)} }
                input { id: "new-fr-{key}", name: "fr", required: true, maxlength: "{MAX_LABEL_CHARS}" }
            }
            div { class: "field",
                label { r#for: "new-en-{key}", {Word::CatalogEnglish.text(lang)} }
                input { id: "new-en-{key}", name: "en", required: true, maxlength: "{MAX_LABEL_CHARS}" }
            }
            button { class: "primary", r#type: "submit", "{add_to}" }
        }
    }
}
