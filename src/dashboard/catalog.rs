//! The catalog page: every section as a compact table (labels, state),
//! each item's edit form folded until asked for, retire or bring back,
//! one place up or down; then the bundles with their contents. Every
//! change makes a new catalog version Every change makes a new catalog
//! version (see [`crate::server::console::catalog`]) that phones fetch at
//! their next sync.

use super::Dash;
use super::auth::{Posted, Signed};
use super::page::{self, Frame, Nav};
use super::words::Word;
use crate::domain::Catalog;
use crate::domain::bundle::Bundle;
use crate::domain::catalog::Section;
use crate::domain::i18n::Lang;
use crate::server::console::catalog::{self, Change, EDITABLE, MAX_LABEL_CHARS, Refusal};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use dioxus::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Saved {
    saved: Option<u32>,
}

/// A posted catalog form as name/value pairs: a bundle's form carries one
/// `qty-<material>` field per material, so its names are not fixed.
pub struct CatalogForm(Vec<(String, String)>);

impl CatalogForm {
    fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// (material id, quantity) for every `qty-<material>` field.
    fn quantities(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("qty-").map(|m| (m.to_string(), v.clone())))
            .collect()
    }
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
pub async fn change(State(dash): State<Dash>, posted: Posted<Vec<(String, String)>>) -> Response {
    let Posted { user, form } = posted;
    let form = CatalogForm(form);
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
        .storage()
        .change_catalog(user.org, actor, asked, crate::server::now_ms())
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
    let action = form.get("action");
    let id = form.get("id").trim().to_string();
    let (fr, en) = (form.get("fr"), form.get("en"));
    if form.get("section") == "bundles" {
        return Ok(match action.as_str() {
            "add" | "rename" => Change::PutBundle {
                id,
                fr,
                en,
                materials: form.quantities(),
                new: action == "add",
            },
            "retire" => Change::RetireBundle { id },
            "reactivate" => Change::ReactivateBundle { id },
            other => return Err(Word::CatalogBadAction.fill(lang, &[("value", &other)])),
        });
    }
    let Some(section) = catalog::section(form.get("section").trim()) else {
        return Err(Word::CatalogBadSection.text(lang).to_string());
    };
    Ok(match action.as_str() {
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
        "up" | "down" => Change::Move {
            section,
            id,
            up: action == "up",
        },
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
        Refusal::BundleMaterial { material } => {
            Word::CatalogBundleMaterial.fill(lang, &[("value", material)])
        }
        Refusal::BundleQuantity { material } => Word::CatalogBundleQuantity
            .fill(lang, &[("value", material), ("max", &Bundle::MAX_QUANTITY)]),
        Refusal::BundleEmpty => Word::CatalogBundleEmpty.text(lang).to_string(),
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
    let current = match dash.server.storage().catalog(user.org).await {
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
        {bundles_block(user, &current)}
    };
    (status, page::render(frame, body)).into_response()
}

/// The hidden fields every catalog form carries.
fn hidden(csrf: &str, section: &str, id: &str) -> Element {
    rsx! {
        input { r#type: "hidden", name: "csrf", value: "{csrf}" }
        input { r#type: "hidden", name: "section", value: "{section}" }
        input { r#type: "hidden", name: "id", value: "{id}" }
    }
}

/// The two label fields, filled with `fr` and `en`; `key` keeps ids unique.
fn labels(lang: Lang, key: &str, fr: &str, en: &str) -> Element {
    rsx! {
        div { class: "field",
            label { r#for: "fr-{key}", {Word::CatalogFrench.text(lang)} }
            input { id: "fr-{key}", name: "fr", value: "{fr}", required: true, maxlength: "{MAX_LABEL_CHARS}" }
        }
        div { class: "field",
            label { r#for: "en-{key}", {Word::CatalogEnglish.text(lang)} }
            input { id: "en-{key}", name: "en", value: "{en}", required: true, maxlength: "{MAX_LABEL_CHARS}" }
        }
    }
}

/// The optional id of a new item, with what it may hold.
fn new_id(lang: Lang, key: &str) -> Element {
    rsx! {
        div { class: "field",
            label { r#for: "id-new-{key}", {Word::CatalogIdOptional.text(lang)} }
            input { id: "id-new-{key}", name: "id", maxlength: "48",
                pattern: "[a-z0-9]([a-z0-9\\-]*[a-z0-9])?", "aria-describedby": "id-hint-{key}" }
            span { id: "id-hint-{key}", class: "hint", {Word::CatalogIdHint.text(lang)} }
        }
    }
}

/// The submit button that retires an active item or brings a retired one back.
fn retire_or_back(lang: Lang, active: bool) -> Element {
    let (action, word) = if active {
        ("retire", Word::CatalogRetire)
    } else {
        ("reactivate", Word::CatalogReactivate)
    };
    rsx! {
        button { r#type: "submit", name: "action", value: action, {word.text(lang)} }
    }
}

fn state(lang: Lang, active: bool) -> &'static str {
    if active {
        Word::CatalogActive.text(lang)
    } else {
        Word::CatalogRetired.text(lang)
    }
}

/// One section as a compact table: a row per item, its edit form folded
/// until asked for, retire or bring back, and one place up or down.
fn section_block(user: &Signed, current: &Catalog, section: Section) -> Element {
    let lang = user.lang;
    let csrf = user.csrf.clone();
    let key = section.key();
    let title = section.title(lang);
    let add_to = Word::CatalogAddTo.fill(lang, &[("section", &title)]);
    let entries = current.section(section).to_vec();
    let last = entries.len().saturating_sub(1);
    rsx! {
        h2 { id: "{key}", "{title}" }
        table { class: "list compact",
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
                for (at, entry) in entries.into_iter().enumerate() {
                    tr { class: if entry.active { "" } else { "retired" },
                        th { scope: "row", code { "{entry.id}" } }
                        td { lang: "fr", "{entry.fr}" }
                        td { lang: "en", "{entry.en}" }
                        td { {state(lang, entry.active)} }
                        td { class: "row-actions",
                            details {
                                summary { {Word::CatalogRename.text(lang)} }
                                form { method: "post", action: "/catalog", class: "filters",
                                    {hidden(&csrf, key, entry.id.as_str())}
                                    input { r#type: "hidden", name: "action", value: "rename" }
                                    {labels(lang, &format!("{key}-{}", entry.id), &entry.fr, &entry.en)}
                                    button { r#type: "submit", {Word::CatalogSave.text(lang)} }
                                }
                            }
                            form { method: "post", action: "/catalog", class: "inline",
                                {hidden(&csrf, key, entry.id.as_str())}
                                {retire_or_back(lang, entry.active)}
                                button { r#type: "submit", name: "action", value: "up", disabled: at == 0,
                                    "aria-label": Word::CatalogUp.fill(lang, &[("value", &entry.fr)]), "↑" }
                                button { r#type: "submit", name: "action", value: "down", disabled: at == last,
                                    "aria-label": Word::CatalogDown.fill(lang, &[("value", &entry.fr)]), "↓" }
                            }
                        }
                    }
                }
            }
        }
        details { class: "add",
            summary { "{add_to}" }
            form { method: "post", action: "/catalog", class: "filters", "aria-label": "{add_to}",
                {hidden(&csrf, key, "")}
                input { r#type: "hidden", name: "action", value: "add" }
                {labels(lang, &format!("new-{key}"), "", "")}
                {new_id(lang, key)}
                button { class: "primary", r#type: "submit", "{add_to}" }
            }
        }
    }
}

/// The quantity fields of a bundle's form: one per active material.
fn quantities(lang: Lang, current: &Catalog, key: &str, bundle: Option<&Bundle>) -> Element {
    let rows: Vec<(String, String, String)> = current
        .materials
        .iter()
        .filter(|m| m.active)
        .map(|m| {
            let qty = bundle
                .and_then(|b| b.materials.get(&m.id))
                .map(u32::to_string)
                .unwrap_or_default();
            (m.id.to_string(), m.label(lang).to_string(), qty)
        })
        .collect();
    rsx! {
        fieldset { class: "quantities",
            legend { {Word::CatalogContents.text(lang)} }
            for (id, label, qty) in rows {
                div { class: "field", key: "{id}",
                    label { r#for: "qty-{key}-{id}", "{label}" }
                    input { id: "qty-{key}-{id}", name: "qty-{id}", r#type: "number", min: "0",
                        max: "{Bundle::MAX_QUANTITY}", inputmode: "numeric", value: "{qty}" }
                }
            }
        }
    }
}

/// The bundles: what each adds in one tap on a phone, folded edit forms.
fn bundles_block(user: &Signed, current: &Catalog) -> Element {
    let lang = user.lang;
    let csrf = user.csrf.clone();
    let title = Word::CatalogBundles.text(lang);
    let add = Word::CatalogAddBundle.text(lang);
    rsx! {
        h2 { id: "bundles", "{title}" }
        p { class: "hint", {Word::CatalogBundlesHint.text(lang)} }
        table { class: "list compact",
            caption { "{title}" }
            thead {
                tr {
                    th { scope: "col", {Word::CatalogFrench.text(lang)} }
                    th { scope: "col", {Word::CatalogEnglish.text(lang)} }
                    th { scope: "col", {Word::CatalogContents.text(lang)} }
                    th { scope: "col", {Word::CatalogState.text(lang)} }
                    th { scope: "col", {Word::CatalogChange.text(lang)} }
                }
            }
            tbody {
                for bundle in current.bundles.iter() {
                    tr { class: if bundle.active { "" } else { "retired" },
                        th { scope: "row", lang: "fr", "{bundle.fr}" }
                        td { lang: "en", "{bundle.en}" }
                        td { {bundle.contents(current, lang)} }
                        td { {state(lang, bundle.active)} }
                        td { class: "row-actions",
                            details {
                                summary { {Word::CatalogEditBundle.text(lang)} }
                                form { method: "post", action: "/catalog", class: "filters",
                                    {hidden(&csrf, "bundles", bundle.id.as_str())}
                                    input { r#type: "hidden", name: "action", value: "rename" }
                                    {labels(lang, &format!("bundles-{}", bundle.id), &bundle.fr, &bundle.en)}
                                    {quantities(lang, current, bundle.id.as_str(), Some(bundle))}
                                    button { r#type: "submit", {Word::CatalogSave.text(lang)} }
                                }
                            }
                            form { method: "post", action: "/catalog", class: "inline",
                                {hidden(&csrf, "bundles", bundle.id.as_str())}
                                {retire_or_back(lang, bundle.active)}
                            }
                        }
                    }
                }
            }
        }
        details { class: "add",
            summary { "{add}" }
            form { method: "post", action: "/catalog", class: "filters", "aria-label": "{add}",
                {hidden(&csrf, "bundles", "")}
                input { r#type: "hidden", name: "action", value: "add" }
                {labels(lang, "new-bundle", "", "")}
                {quantities(lang, current, "new", None)}
                button { class: "primary", r#type: "submit", "{add}" }
            }
        }
    }
}
