//! Phones: every enrolled phone with its last sync, what it sent, missing
//! and quarantined batches; silent phones stand out; revoking one goes
//! through a confirmation page.

use super::Dash;
use super::auth::{Posted, Signed};
use super::page::{self, Frame, Nav};
use super::words::Word;
use crate::domain::i18n::Lang;
use crate::server::console::phones::Phone;
use crate::server::now_ms;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use dioxus::prelude::*;
use serde::Deserialize;
use uuid::Uuid;

const DAY_MS: i64 = 86_400_000;

#[derive(Deserialize)]
pub struct PhonesQuery {
    done: Option<String>,
}

/// "2, 4–6", or "none".
fn gaps_text(gaps: &[(u64, u64)], lang: Lang) -> String {
    if gaps.is_empty() {
        return Word::NoGap.text(lang).to_string();
    }
    gaps.iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a phone has been silent longer than `days` (revoked phones
/// are expected to be silent). A phone never synced counts from enrollment.
pub fn is_silent(phone: &Phone, days: u32, now_ms: i64) -> bool {
    let device = &phone.device;
    let last = device.last_seen_at_ms.unwrap_or(device.enrolled_at_ms);
    !device.revoked() && now_ms - last > i64::from(days) * DAY_MS
}

/// `GET /phones` (`?done=revoked|already` after a revocation).
pub async fn list(
    State(dash): State<Dash>,
    user: Signed,
    Query(query): Query<PhonesQuery>,
) -> Response {
    let lang = user.lang;
    let found = dash.server.storage().phones(user.org).await;
    let list = match found {
        Ok(list) => list,
        Err(error) => return page::trouble(lang, &error),
    };
    let notice = match query.done.as_deref() {
        Some("revoked") => Some(Word::RevokeDone),
        Some("already") => Some(Word::RevokeAlready),
        _ => None,
    };
    let days = dash.silent_days();
    let now = now_ms();
    let rows: Vec<_> = list
        .iter()
        .map(|phone| {
            let d = &phone.device;
            (
                d.device_id.to_string(),
                d.label.clone(),
                page::when(d.enrolled_at_ms),
                d.last_seen_at_ms
                    .map_or_else(|| Word::Never.text(lang).to_string(), page::when),
                d.records,
                phone.quarantined,
                gaps_text(&phone.gaps, lang),
                !phone.gaps.is_empty(),
                d.app_version.clone(),
                d.revoked_at_ms
                    .map(|at| Word::Revoked.fill(lang, &[("when", &page::when(at))])),
                is_silent(phone, days, now),
                Word::RevokeLink.fill(lang, &[("label", &d.label)]),
            )
        })
        .collect();
    let frame = Frame::signed(
        &user,
        dash.org_name(),
        Nav::Phones,
        Word::PhonesTitle.text(lang).into(),
    );
    let silent_note = Word::PhonesSilentNote.fill(lang, &[("days", &days)]);
    let silent_word = Word::Silent.fill(lang, &[("days", &days)]);
    let body = rsx! {
        if let Some(notice) = notice {
            p { class: "notice", role: "status", {notice.text(lang)} }
        }
        if rows.is_empty() {
            p { {Word::PhonesEmpty.text(lang)} }
        } else {
            p { class: "hint", "{silent_note}" }
            table { class: "list",
                thead {
                    tr {
                        th { scope: "col", {Word::ColLabel.text(lang)} }
                        th { scope: "col", {Word::ColEnrolled.text(lang)} }
                        th { scope: "col", {Word::ColLastSync.text(lang)} }
                        th { scope: "col", {Word::ColRecords.text(lang)} }
                        th { scope: "col", {Word::ColQuarantined.text(lang)} }
                        th { scope: "col", {Word::ColGaps.text(lang)} }
                        th { scope: "col", {Word::ColVersion.text(lang)} }
                        th { scope: "col", {Word::ColState.text(lang)} }
                        th { scope: "col", {Word::ColActions.text(lang)} }
                    }
                }
                tbody {
                    for (id, label, enrolled, last, records, quarantined, gaps, has_gaps, version, revoked, silent, revoke_label) in rows {
                        tr { class: if silent { Some("stands-out") } else { None },
                            th { scope: "row", "{label}" }
                            td { "{enrolled}" }
                            td { "{last}" }
                            td { "{records}" }
                            td {
                                if quarantined > 0 {
                                    a { href: "/quarantine", strong { "{quarantined}" } }
                                } else {
                                    "0"
                                }
                            }
                            td {
                                if has_gaps {
                                    strong { class: "gaps", "{gaps}" }
                                } else {
                                    "{gaps}"
                                }
                            }
                            td { "{version}" }
                            td {
                                if let Some(revoked) = &revoked {
                                    "{revoked}"
                                } else if silent {
                                    strong { "{silent_word}" }
                                } else {
                                    {Word::Active.text(lang)}
                                }
                            }
                            td {
                                if revoked.is_none() {
                                    a { href: "/phones/{id}/revoke", "{revoke_label}" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    page::render(frame, body).into_response()
}

fn unknown(lang: Lang) -> Response {
    page::problem(
        lang,
        StatusCode::NOT_FOUND,
        Word::UnknownPhone.text(lang).to_string(),
    )
}

/// `GET /phones/{device_id}/revoke`: what revoking does, and the button.
pub async fn confirm(State(dash): State<Dash>, user: Signed, Path(id): Path<String>) -> Response {
    let lang = user.lang;
    let Ok(id) = Uuid::try_parse(&id) else {
        return unknown(lang);
    };
    let (label, revoked) = match dash.server.storage().phone_label(user.org, id).await {
        Ok(Some(found)) => found,
        Ok(None) => return unknown(lang),
        Err(error) => return page::trouble(lang, &error),
    };
    if revoked {
        return Redirect::to("/phones?done=already").into_response();
    }
    let frame = Frame::signed(
        &user,
        dash.org_name(),
        Nav::Phones,
        Word::RevokeTitle.fill(lang, &[("label", &label)]),
    );
    let csrf = user.csrf.clone();
    let body = rsx! {
        p { class: "warning", {Word::RevokeExplain.text(lang)} }
        form { method: "post", action: "/phones/{id}/revoke",
            input { r#type: "hidden", name: "csrf", value: "{csrf}" }
            button { class: "danger", r#type: "submit", {Word::RevokeButton.text(lang)} }
            " "
            a { class: "button", href: "/phones", {Word::RevokeCancel.text(lang)} }
        }
    };
    page::render(frame, body).into_response()
}

#[derive(Deserialize)]
pub struct Empty {}

/// `POST /phones/{device_id}/revoke`.
pub async fn revoke(
    State(dash): State<Dash>,
    Path(id): Path<String>,
    Posted { user, .. }: Posted<Empty>,
) -> Response {
    let lang = user.lang;
    let Ok(id) = Uuid::try_parse(&id) else {
        return unknown(lang);
    };
    let actor = user.name.clone();
    match dash
        .server
        .storage()
        .revoke_phone(user.org, id, actor, now_ms())
        .await
    {
        Ok(Some(_)) => {
            tracing::info!(supervisor = %user.name, device = %id, "device revoked from the dashboard");
            Redirect::to("/phones?done=revoked").into_response()
        }
        Ok(None) => unknown(lang),
        Err(error) => page::trouble(lang, &error),
    }
}
