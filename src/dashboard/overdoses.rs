//! Overdose responses: a month of them, newest first, and each one as the
//! declaration health authorities ask after every suspected overdose
//! (the fields of Québec's naloxone use declaration, form OP00261), ready
//! to print or to copy into their form. Nothing here names anyone.

use super::Dash;
use super::auth::Signed;
use super::page::{self, Frame, Nav};
use super::words::Word;
use crate::domain::RecordId;
use crate::domain::catalog::{Catalog, Section};
use crate::domain::i18n::{Lang, Msg};
use crate::domain::overdose::Responder;
use crate::domain::report::YearMonth;
use crate::domain::report::markdown::month_name;
use crate::server::console::overdoses::OverdoseRow;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dioxus::prelude::*;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct MonthQuery {
    month: Option<String>,
}

/// The month a list page was asked for, this month when none was given,
/// or the page that says the month cannot be read.
pub fn month_asked(text: Option<&str>, lang: Lang) -> Result<YearMonth, Box<Response>> {
    match text.map(str::trim).filter(|m| !m.is_empty()) {
        None => Ok(YearMonth::of(chrono::Local::now().date_naive())),
        Some(text) => YearMonth::parse(text).ok_or_else(|| {
            let message = Word::ReportBadMonth.fill(lang, &[("value", &text)]);
            Box::new(page::problem(lang, StatusCode::BAD_REQUEST, message))
        }),
    }
}

/// `GET /overdoses?month=YYYY-MM` (this month when not given).
pub async fn list(
    State(dash): State<Dash>,
    user: Signed,
    Query(query): Query<MonthQuery>,
) -> Response {
    let lang = user.lang;
    let month = match month_asked(query.month.as_deref(), lang) {
        Ok(month) => month,
        Err(page) => return *page,
    };
    let storage = dash.server.storage();
    let found = async {
        let rows = storage.overdoses(user.org, month).await?;
        Ok::<_, crate::server::ServerError>((rows, storage.catalog(user.org).await?))
    }
    .await;
    let (rows, catalog) = match found {
        Ok(found) => found,
        Err(error) => return page::trouble(lang, &error),
    };
    let name = month_name(month, lang);
    let title = Word::OverdosesTitle.fill(lang, &[("month", &name)]);
    let frame = Frame::signed(&user, dash.org_name(), Nav::Overdoses, title);
    let rows: Vec<(String, [String; 5], bool)> = rows
        .iter()
        .map(|row| {
            let f = &row.facts;
            let cells = [
                f.occurred_at.format("%Y-%m-%d %H:%M").to_string(),
                catalog.label(Section::Zones, &f.zone, lang).to_string(),
                doses(row, lang),
                f.call_911.label(lang).to_string(),
                f.outcome.label(lang).to_string(),
            ];
            (row.record_id.to_string(), cells, row.voided)
        })
        .collect();
    let headers = [
        Word::ColTime.text(lang),
        Word::ColZone.text(lang),
        Word::OverdoseNaloxone.text(lang),
        Msg::FieldCall911.text(lang),
        Msg::FieldOutcome.text(lang),
    ];
    let body = rsx! {
        form { class: "filters", method: "get", action: "/overdoses",
            div { class: "field",
                label { r#for: "month", {Word::ReportMonth.text(lang)} }
                input { r#type: "month", id: "month", name: "month", value: "{month}",
                    pattern: "[0-9]{{4}}-[0-9]{{2}}", required: true }
            }
            button { r#type: "submit", {Word::OverdosesShow.text(lang)} }
        }
        if rows.is_empty() {
            p { {Word::OverdosesNone.text(lang)} }
        } else {
            table { class: "list",
                thead {
                    tr {
                        for header in headers {
                            th { scope: "col", "{header}" }
                        }
                        th { scope: "col", {Word::OverdoseDeclaration.text(lang)} }
                    }
                }
                tbody {
                    for (id, cells, voided) in rows {
                        tr { class: if voided { "voided" } else { "" },
                            for cell in cells {
                                td { "{cell}" }
                            }
                            td {
                                a { href: "/overdoses/{id}", {Word::OverdoseOpen.text(lang)} }
                                if voided {
                                    " "
                                    span { class: "tag", {Msg::Voided.text(lang)} }
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

/// `GET /overdoses/{record_id}`: the declaration, one field per line.
pub async fn show(State(dash): State<Dash>, user: Signed, Path(id): Path<String>) -> Response {
    let lang = user.lang;
    let unknown = || {
        page::problem(
            lang,
            StatusCode::NOT_FOUND,
            Word::UnknownOverdose.text(lang).to_string(),
        )
    };
    let Ok(id) = RecordId::parse(&id) else {
        return unknown();
    };
    let storage = dash.server.storage();
    let found = async {
        let Some(row) = storage.overdose(user.org, id).await? else {
            return Ok(None);
        };
        Ok::<_, crate::server::ServerError>(Some((row, storage.catalog(user.org).await?)))
    }
    .await;
    let (row, catalog) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return unknown(),
        Err(error) => return page::trouble(lang, &error),
    };
    let when = row.facts.occurred_at.format("%Y-%m-%d %H:%M").to_string();
    let title = Word::OverdoseDeclarationOf.fill(lang, &[("when", &when)]);
    let frame = Frame::signed(&user, dash.org_name(), Nav::Overdoses, title);
    let fields = declaration(&row, &catalog, lang);
    let body = rsx! {
        p { class: "hint", {Word::OverdoseDeclarationHint.text(lang)} }
        if row.voided {
            p { class: "warning", {Word::OverdoseVoided.text(lang)} }
        }
        dl {
            for (term, value) in fields {
                dt { "{term}" }
                dd { "{value}" }
            }
        }
        p { class: "no-print",
            a { href: "/overdoses?month={row.facts.month}", {Word::BackToOverdoses.text(lang)} }
            " · "
            {Word::ReportPrintHint.text(lang)}
        }
    };
    page::render(frame, body).into_response()
}

fn doses(row: &OverdoseRow, lang: Lang) -> String {
    let f = &row.facts;
    Word::OverdoseDoses.fill(
        lang,
        &[("nasal", &f.nasal_doses), ("injected", &f.injected_doses)],
    )
}

/// The declaration's fields in the order of the form.
fn declaration(row: &OverdoseRow, catalog: &Catalog, lang: Lang) -> Vec<(String, String)> {
    let f = &row.facts;
    let yes_no = |on: bool| if on { Word::Yes } else { Word::No }.text(lang).to_string();
    let labels = |section: Section, ids: &[String]| {
        if ids.is_empty() {
            Word::NotSaid.text(lang).to_string()
        } else {
            ids.iter()
                .map(|id| catalog.label(section, id, lang))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let responders = f
        .responders
        .iter()
        .map(|key| Responder::parse(key).map_or(key.clone(), |r| r.label(lang).to_string()))
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        (
            Word::OverdoseWhen.text(lang).into(),
            f.occurred_at.format("%Y-%m-%d %H:%M (UTC%:z)").to_string(),
        ),
        (
            Word::ColZone.text(lang).into(),
            catalog.label(Section::Zones, &f.zone, lang).into(),
        ),
        (
            Msg::FieldLocationType.text(lang).into(),
            f.location_type.as_deref().map_or_else(
                || Word::NotSaid.text(lang).to_string(),
                |l| catalog.label(Section::LocationTypes, l, lang).to_string(),
            ),
        ),
        (Msg::FieldResponders.text(lang).into(), responders),
        (
            Msg::FieldNasalDoses.text(lang).into(),
            f.nasal_doses.to_string(),
        ),
        (
            Msg::FieldInjectedDoses.text(lang).into(),
            f.injected_doses.to_string(),
        ),
        (
            Msg::FieldCall911.text(lang).into(),
            f.call_911.label(lang).into(),
        ),
        (
            Msg::ReportOverdoseStayed.text(lang).into(),
            yes_no(f.stayed),
        ),
        (
            Msg::ReportOverdoseAmbulance.text(lang).into(),
            yes_no(f.ambulance),
        ),
        (
            Msg::FieldOutcome.text(lang).into(),
            f.outcome.label(lang).into(),
        ),
        (
            Msg::FieldSubstances.text(lang).into(),
            labels(Section::Substances, &f.substances),
        ),
        (
            Msg::ReportOverdoseDebrief.text(lang).into(),
            yes_no(f.debrief_wanted),
        ),
        (Word::ColPhone.text(lang).into(), row.phone.clone()),
        (
            Word::ContactRecord.text(lang).into(),
            row.record_id.to_string(),
        ),
    ]
}
