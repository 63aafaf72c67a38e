//! Today: the worker's day's contacts and overdose responses (a night
//! shift's after midnight too), newest first, each saying whether it was sent and voidable after
//! a confirmation, sent or not. The person code is never shown, only whether there was one.

use super::{ErrorLine, Notice};
use crate::app::{Session, Ui};
use crate::domain::catalog::Section;
use crate::domain::i18n::{Lang, Msg, counted, tr};
use crate::domain::{Catalog, Contact, Overdose, Record, RecordId};
use dioxus::prelude::*;

#[component]
pub fn Today() -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let mut confirm = use_signal(|| None::<RecordId>);
    let mut error = use_signal(|| None::<String>);
    let lang = session.lang();
    let (records, catalog) = match (session.today(), session.catalog()) {
        (Ok(records), Ok(catalog)) => (records, catalog),
        (Err(message), _) | (_, Err(message)) => {
            return rsx! { ErrorLine { text: Some(message) } };
        }
    };
    // The same figures as Home's, from the same records listed below.
    let counts = session.status().ok().map(|status| {
        tr(
            lang,
            Msg::AppTodayCounts,
            &[
                ("count", &status.today.contacts),
                ("value", &status.today.people),
            ],
        )
    });
    let rows: Vec<(RecordId, String, bool, bool, Kind)> = records
        .into_iter()
        .rev()
        .filter_map(|listed| {
            let (id, text, kind) = match &listed.record {
                Record::Contact(contact) => (
                    contact.record_id,
                    summary(contact, &catalog, lang),
                    Kind::Contact,
                ),
                Record::Overdose(overdose) => (
                    overdose.record_id,
                    overdose_summary(overdose, &catalog, lang),
                    Kind::Overdose,
                ),
                Record::Shift(shift) => {
                    (shift.record_id, shift.summary(&catalog, lang), Kind::Shift)
                }
                Record::Incident(incident) => (
                    incident.record_id,
                    incident.summary(&catalog, lang),
                    Kind::Incident,
                ),
                Record::Void(_) => return None,
            };
            Some((id, text, listed.voided, listed.delivered, kind))
        })
        .collect();
    rsx! {
        section { class: "screen today",
            h1 { {Msg::NavToday.text(lang)} }
            Notice {}
            ErrorLine { text: error() }
            if rows.is_empty() {
                p { class: "empty", {Msg::AppTodayEmpty.text(lang)} }
            } else if let Some(counts) = counts {
                p { class: "counts", "data-testid": "counts", "{counts}" }
            }
            ul { class: "records", "data-testid": "records",
                for (record_id, text, voided, sent, kind) in rows {
                    li {
                        key: "{record_id}",
                        class: if voided { "record voided" } else { "record" },
                        p { class: "summary", "{text}" }
                        if sent {
                            span { class: "tag sent", "data-testid": "sent", {Msg::AppSent.text(lang)} }
                        }
                        if voided {
                            span { class: "tag", {Msg::Voided.text(lang)} }
                        } else if confirm() == Some(record_id) {
                            div {
                                class: "confirm",
                                role: "alertdialog",
                                "aria-labelledby": "void-question",
                                p { id: "void-question", {kind.confirm().text(lang)} }
                                button {
                                    class: "danger",
                                    "data-testid": "void-yes",
                                    onclick: {
                                        let session = session.clone();
                                        move |_| {
                                            let session = session.clone();
                                            let target = record_id;
                                            spawn(async move {
                                                error.set(void(&session, ui, target, kind).await.err());
                                                confirm.set(None);
                                            });
                                        }
                                    },
                                    {Msg::AppVoidYes.text(lang)}
                                }
                                button { class: "secondary", onclick: move |_| confirm.set(None), {Msg::AppVoidNo.text(lang)} }
                            }
                        } else {
                            button {
                                class: "secondary",
                                "data-testid": "void",
                                onclick: move |_| confirm.set(Some(record_id)),
                                {kind.void().text(lang)}
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What a row of Today is, for the words of its void button.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Contact,
    Overdose,
    Shift,
    Incident,
}

impl Kind {
    fn void(self) -> Msg {
        match self {
            Kind::Contact => Msg::AppVoid,
            Kind::Overdose => Msg::AppVoidOverdose,
            Kind::Shift => Msg::AppVoidShift,
            Kind::Incident => Msg::AppVoidIncident,
        }
    }

    fn confirm(self) -> Msg {
        match self {
            Kind::Contact => Msg::AppVoidConfirm,
            Kind::Overdose => Msg::AppVoidOverdoseConfirm,
            Kind::Shift => Msg::AppVoidShiftConfirm,
            Kind::Incident => Msg::AppVoidIncidentConfirm,
        }
    }

    fn voided(self) -> Msg {
        match self {
            Kind::Contact => Msg::AppContactVoided,
            Kind::Overdose => Msg::AppOverdoseVoided,
            Kind::Shift => Msg::AppShiftVoided,
            Kind::Incident => Msg::AppIncidentVoided,
        }
    }
}

/// "Oui, retirer": voids the record, says so, and refreshes the counts;
/// or the reason it could not, for the worker to read.
pub async fn void(
    session: &Session,
    mut ui: Ui,
    target: RecordId,
    kind: Kind,
) -> Result<(), String> {
    session.void(target).await?;
    let voided = kind.voided().text(session.lang());
    ui.notice.set(Some(voided.to_string()));
    ui.refresh();
    Ok(())
}

/// "01:10 · Surdose · Gatineau · naloxone : 2 doses · Rétablie sur place".
fn overdose_summary(overdose: &Overdose, catalog: &Catalog, lang: Lang) -> String {
    [
        overdose.occurred_at.format("%H:%M").to_string(),
        Msg::OverdoseResponse.text(lang).to_string(),
        catalog
            .label(Section::Zones, overdose.zone.as_str(), lang)
            .to_string(),
        counted(
            lang,
            overdose.doses().into(),
            Msg::NaloxoneDose,
            Msg::NaloxoneDoses,
        ),
        overdose.outcome.label(lang).to_string(),
    ]
    .join(" · ")
}

/// "23:05 · Gatineau · Personne connue · 1 pers. · Seringues 10".
fn summary(contact: &Contact, catalog: &Catalog, lang: Lang) -> String {
    let mut parts = vec![
        contact.occurred_at.format("%H:%M").to_string(),
        catalog
            .label(Section::Zones, contact.zone.as_str(), lang)
            .to_string(),
        contact.kind.label(lang).to_string(),
        format!("{} {}", contact.people_count.get(), Msg::People.text(lang)),
    ];
    for (id, qty) in &contact.materials {
        parts.push(format!(
            "{} {}",
            catalog.label(Section::Materials, id.as_str(), lang),
            qty.get()
        ));
    }
    let returned = contact.returned_syringes.get();
    if returned > 0 {
        parts.push(tr(lang, Msg::AppReturnedCount, &[("count", &returned)]));
    }
    if let Some(minutes) = contact.duration_min {
        parts.push(tr(
            lang,
            Msg::AppDurationCount,
            &[("count", &minutes.get())],
        ));
    }
    if contact.person_code.is_some() {
        parts.push(Msg::WithCode.text(lang).to_string());
    }
    parts.join(" · ")
}
