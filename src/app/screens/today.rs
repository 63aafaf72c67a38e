//! Today: the worker's day's contacts (a night shift's after midnight
//! too), newest first, each saying whether it was sent and voidable after
//! a confirmation, sent or not. The person code is never shown, only whether there was one.

use super::{ErrorLine, Notice};
use crate::app::{Session, Ui};
use crate::domain::catalog::Section;
use crate::domain::i18n::{Lang, Msg, tr};
use crate::domain::{Catalog, Contact, Record, RecordId};
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
    let rows: Vec<(Contact, bool, bool)> = records
        .into_iter()
        .rev()
        .filter_map(|listed| match listed.record {
            Record::Contact(contact) => Some((contact, listed.voided, listed.delivered)),
            Record::Void(_) | Record::Overdose(_) => None,
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
                for (contact, voided, sent) in rows {
                    li {
                        key: "{contact.record_id}",
                        class: if voided { "record voided" } else { "record" },
                        p { class: "summary", {summary(&contact, &catalog, lang)} }
                        if sent {
                            span { class: "tag sent", "data-testid": "sent", {Msg::AppSent.text(lang)} }
                        }
                        if voided {
                            span { class: "tag", {Msg::Voided.text(lang)} }
                        } else if confirm() == Some(contact.record_id) {
                            div {
                                class: "confirm",
                                role: "alertdialog",
                                "aria-labelledby": "void-question",
                                p { id: "void-question", {Msg::AppVoidConfirm.text(lang)} }
                                button {
                                    class: "danger",
                                    "data-testid": "void-yes",
                                    onclick: {
                                        let session = session.clone();
                                        move |_| {
                                            let session = session.clone();
                                            let target = contact.record_id;
                                            spawn(async move {
                                                error.set(void(&session, ui, target).await.err());
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
                                onclick: move |_| confirm.set(Some(contact.record_id)),
                                {Msg::AppVoid.text(lang)}
                            }
                        }
                    }
                }
            }
        }
    }
}

/// "Oui, annuler": voids the contact, says so, and refreshes the counts;
/// or the reason it could not, for the worker to read.
pub async fn void(session: &Session, mut ui: Ui, target: RecordId) -> Result<(), String> {
    session.void(target).await?;
    let voided = Msg::AppContactVoided.text(session.lang());
    ui.notice.set(Some(voided.to_string()));
    ui.refresh();
    Ok(())
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
