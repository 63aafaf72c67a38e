//! The overdose response form, on one screen and in the order things
//! happen: where, who responded, the naloxone doses by route (steppers),
//! 911 called or why not, whether someone stayed and an ambulance came,
//! the outcome, the suspected substances, a debriefing wanted. Only chips,
//! steppers and switches: nothing to type, no name, no free text.

use super::picker::{Chips, entries};
use super::{ErrorLine, field_error, general_error};
use crate::app::{Screen, Session, Ui};
use crate::domain::OverdoseDraft;
use crate::domain::catalog::Section;
use crate::domain::error::Field;
use crate::domain::i18n::{Lang, Msg, tr};
use crate::domain::overdose::{Call911, Doses, Outcome, Responder};
use dioxus::prelude::*;

#[component]
pub fn OverdoseForm() -> Element {
    let session = use_context::<Session>();
    let mut ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let problem = ui.problem;
    let lang = session.lang();
    let catalog = match session.catalog() {
        Ok(catalog) => catalog,
        Err(message) => return rsx! { ErrorLine { text: Some(message) } },
    };
    let form = (ui.overdose)();
    let error_for = |field: Field| field_error(problem, field, lang);
    let general = general_error(problem, lang);
    let choices = |keys: Vec<(&'static str, &'static str)>| {
        keys.into_iter()
            .map(|(k, l)| (k.to_string(), l.to_string()))
            .collect::<Vec<_>>()
    };
    let responders = choices(
        Responder::ALL
            .iter()
            .map(|r| (r.key(), r.label(lang)))
            .collect(),
    );
    let calls = choices(
        Call911::ALL
            .iter()
            .map(|c| (c.key(), c.label(lang)))
            .collect(),
    );
    let outcomes = choices(
        Outcome::ALL
            .iter()
            .map(|o| (o.key(), o.label(lang)))
            .collect(),
    );
    let saving = session.clone();
    let switches = [
        ("stayed", Msg::ReportOverdoseStayed, form.stayed),
        ("ambulance", Msg::ReportOverdoseAmbulance, form.ambulance),
    ];

    rsx! {
        section { class: "screen overdose",
            h1 { {Msg::AppOverdose.text(lang)} }
            Chips {
                name: "zone",
                lang,
                title: Msg::FieldZone.text(lang),
                items: entries(&catalog, Section::Zones, lang),
                picked: vec![form.zone.clone()],
                error: error_for(Field::Zone),
                onpick: move |id: String| {
                    ui.settle(Field::Zone);
                    ui.overdose.with_mut(|f| f.zone = id);
                },
            }
            Chips {
                name: "location-type",
                lang,
                title: Msg::FieldLocationType.text(lang),
                items: entries(&catalog, Section::LocationTypes, lang),
                picked: form.location_type.iter().cloned().collect::<Vec<_>>(),
                error: error_for(Field::LocationType),
                onpick: move |id: String| {
                    ui.settle(Field::LocationType);
                    ui.overdose.with_mut(|f| toggle_one(&mut f.location_type, id));
                },
            }
            Chips {
                name: "responders",
                lang,
                title: Msg::FieldResponders.text(lang),
                items: responders,
                picked: form.responders.clone(),
                error: error_for(Field::Responders),
                onpick: move |id: String| {
                    ui.settle(Field::Responders);
                    ui.overdose.with_mut(|f| toggle(&mut f.responders, id));
                },
            }
            {dose_stepper(lang, ui, "nasal-doses", Field::NasalDoses, &form.nasal_doses, error_for(Field::NasalDoses))}
            {dose_stepper(lang, ui, "injected-doses", Field::InjectedDoses, &form.injected_doses, error_for(Field::InjectedDoses))}
            Chips {
                name: "call-911",
                lang,
                title: Msg::FieldCall911.text(lang),
                items: calls,
                picked: vec![form.call_911.clone()],
                error: error_for(Field::Call911),
                onpick: move |id: String| {
                    ui.settle(Field::Call911);
                    ui.overdose.with_mut(|f| f.call_911 = id);
                },
            }
            div { class: "group switches",
                for (name, msg, on) in switches {
                    button {
                        key: "{name}",
                        class: if on { "chip-pick on" } else { "chip-pick" },
                        "data-testid": "{name}",
                        "aria-pressed": on.to_string(),
                        onclick: move |_| ui.overdose.with_mut(|f| {
                            let flag = if name == "stayed" { &mut f.stayed } else { &mut f.ambulance };
                            *flag = !*flag;
                        }),
                        {msg.text(lang)}
                    }
                }
            }
            Chips {
                name: "outcome",
                lang,
                title: Msg::FieldOutcome.text(lang),
                items: outcomes,
                picked: vec![form.outcome.clone()],
                error: error_for(Field::Outcome),
                onpick: move |id: String| {
                    ui.settle(Field::Outcome);
                    ui.overdose.with_mut(|f| f.outcome = id);
                },
            }
            Chips {
                name: "substances",
                lang,
                title: Msg::FieldSubstances.text(lang),
                items: entries(&catalog, Section::Substances, lang),
                picked: form.substances.clone(),
                error: error_for(Field::Substances),
                onpick: move |id: String| {
                    ui.settle(Field::Substances);
                    ui.overdose.with_mut(|f| toggle(&mut f.substances, id));
                },
            }
            div { class: "group switches",
                button {
                    class: if form.debrief_wanted { "chip-pick on" } else { "chip-pick" },
                    "data-testid": "debrief",
                    "aria-pressed": form.debrief_wanted.to_string(),
                    onclick: move |_| ui.overdose.with_mut(|f| f.debrief_wanted = !f.debrief_wanted),
                    {Msg::AppOverdoseDebrief.text(lang)}
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

/// A stepper for the doses given by one route, from 0 to [`Doses::MAX`].
fn dose_stepper(
    lang: Lang,
    mut ui: Ui,
    name: &'static str,
    field: Field,
    value: &Option<String>,
    error: Option<String>,
) -> Element {
    let count: u8 = value.as_deref().and_then(|v| v.parse().ok()).unwrap_or(0);
    let title = field.label(lang);
    let mut step = move |up: bool| {
        let next = if up {
            count.saturating_add(1).min(Doses::MAX)
        } else {
            count.saturating_sub(1)
        };
        ui.settle(field);
        ui.overdose.with_mut(|f| {
            let slot = if field == Field::NasalDoses {
                &mut f.nasal_doses
            } else {
                &mut f.injected_doses
            };
            *slot = Some(next.to_string());
        });
    };
    rsx! {
        div { class: "group",
            h2 { "{title}" }
            div { class: "stepper", "data-testid": name,
                button {
                    class: "step",
                    "aria-label": tr(lang, Msg::AppOneLess, &[("value", &title)]),
                    onclick: move |_| step(false),
                    "−"
                }
                span { class: "qty", "{count}" }
                button {
                    class: "step",
                    "data-testid": "more",
                    "aria-label": tr(lang, Msg::AppOneMore, &[("value", &title)]),
                    onclick: move |_| step(true),
                    "+"
                }
            }
            ErrorLine { text: error }
        }
    }
}

fn toggle(list: &mut Vec<String>, id: String) {
    if let Some(at) = list.iter().position(|x| *x == id) {
        list.remove(at);
    } else {
        list.push(id);
    }
}

/// A single choice that a second tap takes back (the location is optional).
fn toggle_one(slot: &mut Option<String>, id: String) {
    *slot = if slot.as_deref() == Some(id.as_str()) {
        None
    } else {
        Some(id)
    };
}

/// Save: checks and writes the response, then back home with "Overdose
/// response saved."; or the problems, next to their fields.
pub async fn save(session: Session, mut ui: Ui) {
    if *ui.saving.peek() {
        return;
    }
    ui.saving.set(true);
    let draft = ui.overdose.peek().clone();
    let outcome = session.save_overdose_draft(&draft).await;
    ui.saving.set(false);
    match outcome {
        Ok(_) => {
            ui.overdose.set(OverdoseDraft::default());
            ui.go(Screen::Home);
            let saved = Msg::AppOverdoseSaved.text(session.lang());
            ui.notice.set(Some(saved.to_string()));
        }
        Err(error) => ui.problem.set(Some(error)),
    }
}
