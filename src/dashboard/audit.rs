//! The audit log page: who did what and when, newest first, 50 a page.

use super::Dash;
use super::auth::Signed;
use super::page::{self, Frame, Nav};
use super::words::Word;
use crate::domain::Lang;
use crate::server::console::audit::{self, Action};
use crate::server::console::incidents::FollowUp;
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
        Some(Action::RegionalRead) => Word::ActRegionalRead,
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
        .storage()
        .audit_page(user.org, offset, PER_PAGE)
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

/// An entry's detail in the reader's language where it is a form this
/// program writes (a follow-up, an export, a catalog change…), else as
/// written. Details are stored in one language so that the log itself
/// never depends on who read it.
fn detail(entry: &audit::Entry, lang: Lang) -> String {
    let text = entry.detail.as_str();
    match entry.action {
        Some(Action::FollowUp) => match FollowUp::parse(text) {
            Some(f) => super::incidents::follow_up_word(Some(f))
                .text(lang)
                .to_string(),
            None => text.to_string(),
        },
        Some(Action::Export) => match text {
            "csv" => Word::AuditExportInternal.text(lang).to_string(),
            "csv, external" => Word::AuditExportExternal.text(lang).to_string(),
            "spreadsheet csv" => Word::AuditExportSheet.text(lang).to_string(),
            "spreadsheet csv, external" => Word::AuditExportSheetExternal.text(lang).to_string(),
            _ => match text.rsplit_once(", external, under ") {
                Some(("csv", n)) => Word::AuditExportExternalUnder.fill(lang, &[("n", &n)]),
                Some(("spreadsheet csv", n)) => {
                    Word::AuditExportSheetExternalUnder.fill(lang, &[("n", &n)])
                }
                _ => match text.strip_prefix("template ") {
                    // "template cami" or "template cami, external[, under 10]"
                    Some(rest) => {
                        let (id, version) = rest.split_once(", ").unwrap_or((rest, ""));
                        let version = if version.is_empty() {
                            Word::AuditInternal.text(lang).to_string()
                        } else {
                            Word::AuditExternal.text(lang).to_string()
                        };
                        Word::AuditExportTemplate.fill(lang, &[("id", &id), ("version", &version)])
                    }
                    None => text.to_string(),
                },
            },
        },
        Some(Action::Reapply) => {
            let counts = text
                .strip_prefix("applied ")
                .and_then(|rest| rest.split_once(", quarantined "));
            match counts {
                Some((applied, held)) => {
                    Word::AuditReapplied.fill(lang, &[("applied", &applied), ("held", &held)])
                }
                None => text.to_string(),
            }
        }
        Some(Action::EnrollCode) => match text.strip_suffix(" h") {
            Some(hours) => Word::AuditCodeHours.fill(lang, &[("value", &hours)]),
            None => text.to_string(),
        },
        Some(Action::CatalogChange) => catalog_change(text, lang),
        _ => text.to_string(),
    }
}

/// "add \"Gel\" / \"Gel\"; version 3 -> 4" as "ajout de « Gel » / « Gel »,
/// version 3 → 4".
fn catalog_change(text: &str, lang: Lang) -> String {
    let (change, versions) = match text.rsplit_once("; version ") {
        Some((change, versions)) => (change, Some(versions.replace(" -> ", " → "))),
        None => (text, None),
    };
    let change = change.replace(" -> ", " → ");
    let said = match lang {
        Lang::En => change,
        Lang::Fr => {
            let prefixes = [
                ("add bundle ", Word::AuditAddBundle),
                ("add ", Word::AuditAdd),
                ("rename ", Word::AuditRename),
                ("bundle ", Word::AuditBundle),
            ];
            let known = prefixes
                .iter()
                .find_map(|(prefix, word)| change.strip_prefix(prefix).map(|rest| (word, rest)));
            match (known, change.as_str()) {
                (Some((word, rest)), _) => word.fill(lang, &[("value", &rest)]),
                (None, "retire") => Word::AuditRetire.text(lang).to_string(),
                (None, "reactivate") => Word::AuditReactivate.text(lang).to_string(),
                (None, other) => match other
                    .strip_prefix("move ")
                    .and_then(|rest| rest.split_once(" to place "))
                {
                    Some((id, place)) => {
                        Word::AuditMove.fill(lang, &[("value", &id), ("place", &place)])
                    }
                    None => other.to_string(),
                },
            }
        }
    };
    match versions {
        Some(versions) => Word::AuditVersion.fill(lang, &[("change", &said), ("value", &versions)]),
        None => said,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(action: Action, text: &str, lang: Lang) -> String {
        let entry = audit::Entry {
            at_ms: 0,
            actor: "Marie".into(),
            action: Some(action),
            target: String::new(),
            detail: text.into(),
        };
        detail(&entry, lang)
    }

    #[test]
    fn the_details_this_program_writes_are_told_in_the_readers_language() {
        let fr = Lang::Fr;
        assert_eq!(
            said(
                Action::CatalogChange,
                "add \"Gel\" / \"Gel\"; version 3 -> 4",
                fr
            ),
            "ajout de \"Gel\" / \"Gel\", version 3 → 4"
        );
        assert_eq!(
            said(
                Action::CatalogChange,
                "move condoms to place 2; version 4 -> 5",
                fr
            ),
            "condoms déplacé au rang 2, version 4 → 5"
        );
        assert_eq!(
            said(Action::CatalogChange, "retire; version 5 -> 6", Lang::En),
            "retire, version 5 → 6"
        );
        assert_eq!(
            said(Action::Export, "csv, external", fr),
            "CSV, version externe"
        );
        assert_eq!(
            said(Action::Reapply, "applied 3, quarantined 0", fr),
            "appliqués : 3; en quarantaine : 0"
        );
        assert_eq!(said(Action::EnrollCode, "24 h", fr), "valide 24 h");
        assert_eq!(
            said(Action::Void, "doublon saisi deux fois", Lang::En),
            "doublon saisi deux fois",
            "a supervisor's own words stay as written"
        );
    }
}
