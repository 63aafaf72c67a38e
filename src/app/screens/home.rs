//! Home: the big "Nouveau contact" button, "Répéter le dernier",
//! "Surdose" and "Incident" side by side, today's counts, the sync chip,
//! then the outing under way.

use super::{ErrorLine, Notice, chip};
use crate::app::form::Form;
use crate::app::state::now;
use crate::app::{Screen, Session, Ui};
use crate::domain::i18n::{Msg, tr};
use crate::domain::{IncidentDraft, OverdoseDraft};
use dioxus::prelude::*;

#[component]
pub fn Home() -> Element {
    let session = use_context::<Session>();
    let mut ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let lang = session.lang();
    let status = session.status();
    let last = session.last_contact();
    let has_last = last.is_some();

    let fresh_from = last.clone();
    let new_contact = move |_| {
        ui.form.set(Form::fresh(fresh_from.as_ref()));
        ui.go(Screen::NewContact);
    };
    let zone_from = session.last_contact();
    let overdose = move |_| {
        ui.overdose.set(OverdoseDraft {
            zone: zone_from
                .as_ref()
                .map(|c| c.zone.to_string())
                .unwrap_or_default(),
            ..OverdoseDraft::default()
        });
        ui.go(Screen::Overdose);
    };
    let zone_for_incident = session.last_contact();
    let incident = move |_| {
        ui.incident.set(IncidentDraft {
            zone: zone_for_incident
                .as_ref()
                .map(|c| c.zone.to_string())
                .unwrap_or_default(),
            ..IncidentDraft::default()
        });
        ui.go(Screen::Incident);
    };
    let repeat = move |_| {
        if let Some(last) = &last {
            ui.form.set(Form::repeat(last));
            ui.go(Screen::NewContact);
        }
    };
    let (counts, chip_view, error) = match &status {
        Ok(status) => (
            tr(
                lang,
                Msg::AppTodayCounts,
                &[
                    ("count", &status.today.contacts),
                    ("value", &status.today.people),
                ],
            ),
            Some(chip::chip(status, session.is_syncing(), now(), lang)),
            None,
        ),
        Err(message) => (String::new(), None, Some(message.clone())),
    };
    rsx! {
        section { class: "screen home",
            Notice {}
            button {
                class: "primary huge",
                "data-testid": "new-contact",
                onclick: new_contact,
                {Msg::AppNewContact.text(lang)}
            }
            button {
                class: "secondary big",
                "data-testid": "repeat-last",
                disabled: !has_last,
                onclick: repeat,
                {Msg::AppRepeatLast.text(lang)}
            }
            div { class: "pair",
                button {
                    class: "secondary big",
                    "data-testid": "new-overdose",
                    onclick: overdose,
                    {Msg::AppOverdose.text(lang)}
                }
                button {
                    class: "secondary big",
                    "data-testid": "new-incident",
                    onclick: incident,
                    {Msg::AppIncident.text(lang)}
                }
            }
            p { class: "counts", "data-testid": "counts", "{counts}" }
            if let Some((class, words)) = chip_view {
                button {
                    class: "{class}",
                    "data-testid": "sync-chip",
                    onclick: move |_| ui.go(Screen::Sync),
                    "{words}"
                }
            }
            ErrorLine { text: error }
            // Below the day's state: tapped twice a night, it must not
            // push the sync chip off a small phone's screen.
            super::shift::ShiftBlock {}
        }
    }
}
