//! Quarantine: batches that failed to apply, with their reason, and a
//! button that tries them all again (after the catalog was fixed).

use super::Dash;
use super::auth::{Posted, Signed};
use super::page::{self, Frame, Nav};
use super::words::Word;
use crate::server::now_ms;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use dioxus::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct QuarantineQuery {
    #[serde(default)]
    applied: String,
    #[serde(default)]
    left: String,
}

/// `GET /quarantine` (`?applied=N&left=M` after a re-apply).
pub async fn list(
    State(dash): State<Dash>,
    user: Signed,
    Query(query): Query<QuarantineQuery>,
) -> Response {
    let lang = user.lang;
    let held = match dash.server.storage().quarantined(user.org).await {
        Ok(held) => held,
        Err(error) => return page::trouble(lang, &error),
    };
    let numbers = (query.applied.parse::<u32>(), query.left.parse::<u32>());
    let notice = match numbers {
        (Ok(applied), Ok(left)) => {
            Some(Word::ReapplyDone.fill(lang, &[("applied", &applied), ("left", &left)]))
        }
        _ => None,
    };
    let rows: Vec<_> = held
        .into_iter()
        .map(|h| (h.phone, h.seq, page::when(h.received_at_ms), h.reason))
        .collect();
    let frame = Frame::signed(
        &user,
        dash.org_name(),
        Nav::Quarantine,
        Word::QuarantineTitle.text(lang).into(),
    );
    let csrf = user.csrf.clone();
    let body = rsx! {
        if let Some(notice) = notice {
            p { class: "notice", role: "status", "{notice}" }
        }
        if rows.is_empty() {
            p { {Word::QuarantineEmpty.text(lang)} }
        } else {
            p { {Word::QuarantineExplain.text(lang)} }
            table { class: "list",
                thead {
                    tr {
                        th { scope: "col", {Word::ColPhone.text(lang)} }
                        th { scope: "col", {Word::ColSeq.text(lang)} }
                        th { scope: "col", {Word::ColReceived.text(lang)} }
                        th { scope: "col", {Word::ColReason.text(lang)} }
                    }
                }
                tbody {
                    for (phone, seq, received, reason) in rows {
                        tr {
                            td { "{phone}" }
                            td { "{seq}" }
                            td { "{received}" }
                            td { "{reason}" }
                        }
                    }
                }
            }
            form { method: "post", action: "/quarantine/reapply",
                input { r#type: "hidden", name: "csrf", value: "{csrf}" }
                button { class: "primary", r#type: "submit", {Word::ReapplyButton.text(lang)} }
            }
        }
    };
    page::render(frame, body).into_response()
}

#[derive(Deserialize)]
pub struct Empty {}

/// `POST /quarantine/reapply`.
pub async fn reapply(State(dash): State<Dash>, Posted { user, .. }: Posted<Empty>) -> Response {
    let lang = user.lang;
    let actor = user.name.clone();
    match dash
        .server
        .storage()
        .reapply(user.org, actor, now_ms())
        .await
    {
        Ok(report) => {
            tracing::info!(supervisor = %user.name, applied = report.applied, quarantined = report.quarantined, "quarantined batches re-applied");
            Redirect::to(&format!(
                "/quarantine?applied={}&left={}",
                report.applied, report.quarantined
            ))
            .into_response()
        }
        Err(error) => page::trouble(lang, &error),
    }
}
