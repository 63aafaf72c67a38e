//! The safety incident form: what happened (the catalog's incident
//! types), where, and whether the worker wants to talk it over. Chips
//! only: no name, no free text.

use super::picker::{Chips, entries};
use super::{ErrorLine, field_error, general_error};
use crate::app::{Screen, Session, Ui};
use crate::domain::IncidentDraft;
use crate::domain::catalog::Section;
use crate::domain::error::Field;
use crate::domain::i18n::Msg;
use dioxus::prelude::*;

#[component]
pub fn IncidentForm() -> Element {
    let session = use_context::<Session>();
    let mut ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let problem = ui.problem;
    let lang = session.lang();
    let catalog = match session.catalog() {
        Ok(catalog) => catalog,
        Err(message) => return rsx! { ErrorLine { text: Some(message) } },
    };
    let form = (ui.incident)();
    let error_for = |field: Field| field_error(problem, field, lang);
    let general = general_error(problem, lang);
    let saving = session.clone();
    rsx! {
        section { class: "screen incident",
            h1 { {Msg::AppIncident.text(lang)} }
            Chips {
                name: "incident-type",
                lang,
                title: Msg::FieldIncidentType.text(lang),
                items: entries(&catalog, Section::IncidentTypes, lang),
                picked: vec![form.kind.clone()],
                error: error_for(Field::IncidentType),
                onpick: move |id: String| {
                    ui.settle(Field::IncidentType);
                    ui.incident.with_mut(|f| f.kind = id);
                },
            }
            Chips {
                name: "zone",
                lang,
                title: Msg::FieldZone.text(lang),
                items: entries(&catalog, Section::Zones, lang),
                picked: vec![form.zone.clone()],
                error: error_for(Field::Zone),
                onpick: move |id: String| {
                    ui.settle(Field::Zone);
                    ui.incident.with_mut(|f| f.zone = id);
                },
            }
            div { class: "group switches",
                button {
                    class: if form.debrief_wanted { "chip-pick on" } else { "chip-pick" },
                    "data-testid": "debrief",
                    "aria-pressed": form.debrief_wanted.to_string(),
                    onclick: move |_| ui.incident.with_mut(|f| f.debrief_wanted = !f.debrief_wanted),
                    {Msg::AppIncidentDebrief.text(lang)}
                }
            }
            ErrorLine { text: general }
            div { class: "actions",
                button { class: "secondary", onclick: move |_| ui.go(Screen::Home), {Msg::AppCancel.text(lang)} }
                button {
                    class: "primary big",
                    "data-testid": "save",
                    disabled: (ui.saving)(),
                    onclick: move |_| {
                        let session = saving.clone();
                        spawn(async move { save(session, ui).await });
                    },
                    {Msg::AppSave.text(lang)}
                }
            }
        }
    }
}

/// Save: checks and writes the incident, then back home with "Incident
/// saved."; or the problems, next to their fields.
pub async fn save(session: Session, mut ui: Ui) {
    if *ui.saving.peek() {
        return;
    }
    ui.saving.set(true);
    let draft = ui.incident.peek().clone();
    let outcome = session.save_incident_draft(&draft).await;
    ui.saving.set(false);
    match outcome {
        Ok(_) => {
            ui.incident.set(IncidentDraft::default());
            ui.go(Screen::Home);
            let saved = Msg::AppIncidentSaved.text(session.lang());
            ui.notice.set(Some(saved.to_string()));
        }
        Err(error) => ui.problem.set(Some(error)),
    }
}
