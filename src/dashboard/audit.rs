//! The audit log page: who did what and when, newest first, 50 a page.

use super::Dash;
use super::auth::Signed;
use super::page::{self, Frame, Nav};
use super::words::Word;
use crate::server::console::audit::{self, Action};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use dioxus::prelude::*;
use serde::Deserialize;

const PER_PAGE: u32 = 50;

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<u32>,
}

pub fn action_word(action: Option<Action>) -> Word {
    match action {
        Some(Action::SignIn) => Word::ActSignIn,
        Some(Action::SignInRefused) => Word::ActSignInRefused,
        Some(Action::SignOut) => Word::ActSignOut,
        Some(Action::Void) => Word::ActVoid,
        Some(Action::Revoke) => Word::ActRevoke,
        Some(Action::CatalogChange) => Word::ActCatalog,
        Some(Action::EnrollCode) => Word::ActEnrollCode,
        Some(Action::Export) => Word::ActExport,
        Some(Action::Reapply) => Word::ActReapply,
        Some(Action::Purge) => Word::ActPurge,
        Some(Action::FollowUp) => Word::ActFollowUp,
        None => Word::ActUnknown,
    }
}

/// `GET /audit?page=N`.
pub async fn page(
    State(dash): State<Dash>,
    user: Signed,
    Query(query): Query<PageQuery>,
) -> Response {
    let lang = user.lang;
    let number = query.page.unwrap_or(1).max(1);
    let offset = (number - 1).saturating_mul(PER_PAGE);
    let (entries, total) = match dash
        .server
        .call(move |conn, _| audit::page(conn, offset, PER_PAGE))
        .await
    {
        Ok(found) => found,
        Err(error) => return page::trouble(lang, &error),
    };
    let frame = Frame::signed(
        &user,
        dash.org_name(),
        Nav::Audit,
        Word::AuditTitle.text(lang).into(),
    );
    let body = rsx! {
        if entries.is_empty() {
            p { {Word::AuditEmpty.text(lang)} }
        } else {
            table { class: "list",
                thead {
                    tr {
                        th { scope: "col", {Word::AuditWhen.text(lang)} }
                        th { scope: "col", {Word::AuditWho.text(lang)} }
                        th { scope: "col", {Word::AuditWhat.text(lang)} }
                        th { scope: "col", {Word::AuditTarget.text(lang)} }
                        th { scope: "col", {Word::AuditDetail.text(lang)} }
                    }
                }
                tbody {
                    for entry in entries {
                        tr {
                            td { {page::when(entry.at_ms)} }
                            td { "{entry.actor}" }
                            td { {action_word(entry.action).text(lang)} }
                            td { "{entry.target}" }
                            td { {detail(&entry, lang)} }
                        }
                    }
                }
            }
            {page::pager(lang, number, PER_PAGE, total, |n| format!("/audit?page={n}"))}
        }
    };
    page::render(frame, body).into_response()
}

/// An entry's detail in the reader's language where it is a code this
/// program knows (a follow-up), else as written.
fn detail(entry: &audit::Entry, lang: crate::domain::Lang) -> String {
    match entry.action {
        Some(Action::FollowUp) => {
            let known = crate::server::console::incidents::FollowUp::parse(&entry.detail);
            match known {
                Some(f) => super::incidents::follow_up_word(Some(f))
                    .text(lang)
                    .to_string(),
                None => entry.detail.clone(),
            }
        }
        _ => entry.detail.clone(),
    }
}
