//! Safety incidents: a month of them, newest first, each with what was
//! done about it or a form to say so (a closed list, audited). This is
//! where the team's needle-sticks and assaults reach the person who must
//! follow up the next morning.

use super::Dash;
use super::auth::{Posted, Signed};
use super::page::{self, Frame, Nav};
use super::words::Word;
use crate::domain::RecordId;
use crate::domain::catalog::Section;
use crate::domain::i18n::{Lang, Msg};
use crate::domain::report::markdown::month_name;
use crate::server::console::incidents::FollowUp;
use crate::server::now_ms;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use dioxus::prelude::*;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct MonthQuery {
    month: Option<String>,
}

/// A follow-up's words, in the reader's language.
pub fn follow_up_word(action: Option<FollowUp>) -> Word {
    match action {
        Some(FollowUp::Debriefed) => Word::FollowDebriefed,
        Some(FollowUp::CareReferred) => Word::FollowCareReferred,
        Some(FollowUp::Declared) => Word::FollowDeclared,
        Some(FollowUp::NothingNeeded) => Word::FollowNothingNeeded,
        None => Word::ActUnknown,
    }
}

/// `GET /incidents?month=YYYY-MM` (this month when not given).
pub async fn list(
    State(dash): State<Dash>,
    user: Signed,
    Query(query): Query<MonthQuery>,
) -> Response {
    let lang = user.lang;
    let month = match super::overdoses::month_asked(query.month.as_deref(), lang) {
        Ok(month) => month,
        Err(page) => return *page,
    };
    let storage = dash.server.storage();
    let found = async {
        let rows = storage.incidents(user.org, month).await?;
        Ok::<_, crate::server::ServerError>((rows, storage.catalog(user.org).await?))
    }
    .await;
    let (rows, catalog) = match found {
        Ok(found) => found,
        Err(error) => return page::trouble(lang, &error),
    };
    let name = month_name(month, lang);
    let title = Word::IncidentsTitle.fill(lang, &[("month", &name)]);
    let frame = Frame::signed(&user, dash.org_name(), Nav::Incidents, title);
    let csrf = user.csrf.clone();
    let rows: Vec<Row> = rows
        .iter()
        .map(|row| {
            let f = &row.facts;
            Row {
                id: row.record_id.to_string(),
                cells: [
                    f.occurred_at.format("%Y-%m-%d %H:%M").to_string(),
                    catalog
                        .label(Section::IncidentTypes, &f.incident_type, lang)
                        .to_string(),
                    catalog.label(Section::Zones, &f.zone, lang).to_string(),
                    row.phone.clone(),
                ],
                debrief: f.debrief_wanted,
                voided: row.voided,
                followed: row.followed.as_ref().map(|done| {
                    Word::IncidentFollowed.fill(
                        lang,
                        &[
                            ("value", &follow_up_word(done.action).text(lang)),
                            ("name", &done.supervisor),
                            ("when", &page::when(done.at_ms)),
                        ],
                    )
                }),
            }
        })
        .collect();
    let headers = [
        Word::ColTime.text(lang),
        Msg::FieldIncidentType.text(lang),
        Word::ColZone.text(lang),
        Word::ColPhone.text(lang),
    ];
    let choices: Vec<(&str, &str)> = FollowUp::ALL
        .iter()
        .map(|f| (f.code(), follow_up_word(Some(*f)).text(lang)))
        .collect();
    let body = rsx! {
        form { class: "filters", method: "get", action: "/incidents",
            div { class: "field",
                label { r#for: "month", {Word::ReportMonth.text(lang)} }
                input { r#type: "month", id: "month", name: "month", value: "{month}",
                    pattern: "[0-9]{{4}}-[0-9]{{2}}", required: true }
            }
            button { r#type: "submit", {Word::OverdosesShow.text(lang)} }
        }
        if rows.is_empty() {
            p { {Word::IncidentsNone.text(lang)} }
        } else {
            table { class: "list",
                thead {
                    tr {
                        for header in headers {
                            th { scope: "col", "{header}" }
                        }
                        th { scope: "col", {Word::IncidentFollowUp.text(lang)} }
                    }
                }
                tbody {
                    for row in rows {
                        tr { class: if row.voided { "voided" } else { "" }, "data-incident": "{row.id}",
                            for cell in row.cells {
                                td { "{cell}" }
                            }
                            td {
                                if row.debrief {
                                    p { strong { {Word::IncidentDebriefWanted.text(lang)} } }
                                }
                                if row.voided {
                                    span { class: "tag", {Msg::Voided.text(lang)} }
                                } else if let Some(done) = row.followed {
                                    p { class: "done", "{done}" }
                                } else {
                                    form { method: "post", action: "/incidents/{row.id}/follow-up",
                                        input { r#type: "hidden", name: "csrf", value: "{csrf}" }
                                        select { name: "action", "aria-label": Word::IncidentFollowUp.text(lang),
                                            for (code, label) in choices.iter() {
                                                option { value: "{code}", "{label}" }
                                            }
                                        }
                                        " "
                                        button { r#type: "submit", {Word::IncidentFollowUpSave.text(lang)} }
                                    }
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

struct Row {
    id: String,
    cells: [String; 4],
    debrief: bool,
    voided: bool,
    followed: Option<String>,
}

#[derive(Deserialize)]
pub struct FollowForm {
    #[serde(default)]
    action: String,
}

/// `POST /incidents/{record_id}/follow-up`: one of [`FollowUp`], audited.
pub async fn follow_up(
    State(dash): State<Dash>,
    Path(id): Path<String>,
    Posted { user, form }: Posted<FollowForm>,
) -> Response {
    let lang = user.lang;
    let unknown = || not_found(lang);
    let Ok(id) = RecordId::parse(&id) else {
        return unknown();
    };
    let Some(action) = FollowUp::parse(&form.action) else {
        let allowed: Vec<&str> = FollowUp::ALL.iter().map(|f| f.code()).collect();
        let message = Word::IncidentBadFollowUp.fill(
            lang,
            &[("value", &form.action), ("allowed", &allowed.join(", "))],
        );
        return page::problem(lang, StatusCode::BAD_REQUEST, message);
    };
    let actor = user.name.clone();
    let outcome = dash
        .server
        .storage()
        .follow_up(user.org, id, action, actor, now_ms())
        .await;
    match outcome {
        Ok(true) => {
            tracing::info!(supervisor = %user.name, record = %id, "incident followed up");
            Redirect::to("/incidents").into_response()
        }
        Ok(false) => unknown(),
        Err(error) => page::trouble(lang, &error),
    }
}

fn not_found(lang: Lang) -> Response {
    page::problem(
        lang,
        StatusCode::NOT_FOUND,
        Word::UnknownIncident.text(lang).to_string(),
    )
}
