//! New contact, on one screen: zone, kind, people, age band and gender as
//! chips; materials as +/− steppers, most used first, then returned
//! syringes; referrals and interventions as chips; an optional duration
//! and person code; save. Problems show next to their field, in the
//! worker's language.

use super::{ErrorLine, field_error, general_error};
use crate::app::form::{Form, materials_by_use};
use crate::app::{Screen, Session, Ui};
use crate::domain::catalog::Section;
use crate::domain::error::Field;
use crate::domain::i18n::{Lang, Msg, tr};
use crate::domain::{Catalog, Kind};
use dioxus::prelude::*;

#[component]
pub fn NewContact() -> Element {
    let session = use_context::<Session>();
    let mut ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let problem = ui.problem;
    let lang = session.lang();
    let catalog = match session.catalog() {
        Ok(catalog) => catalog,
        Err(message) => return rsx! { ErrorLine { text: Some(message) } },
    };
    let today = session
        .status()
        .map(|s| s.today.materials)
        .unwrap_or_default();
    let form = (ui.form)();
    let error_for = |field: Field| field_error(problem, field, lang);
    let general = general_error(problem, lang);

    let saving = session.clone();
    let kinds: Vec<(String, String)> = [Kind::First, Kind::Known, Kind::Group]
        .iter()
        .map(|k| (k.key().to_string(), k.label(lang).to_string()))
        .collect();
    let people = form.people;
    let returned = form.returned;

    rsx! {
        section { class: "screen new-contact",
            h1 { {Msg::AppNewContact.text(lang)} }
            Chips {
                name: "zone",
                title: Msg::FieldZone.text(lang),
                items: entries(&catalog, Section::Zones, lang),
                picked: vec![form.zone.clone()],
                error: error_for(Field::Zone),
                onpick: move |id: String| {
                    ui.settle(Field::Zone);
                    ui.form.with_mut(|f| f.zone = id);
                },
            }
            Chips {
                name: "kind",
                title: Msg::FieldKind.text(lang),
                items: kinds,
                picked: vec![form.kind.clone()],
                error: error_for(Field::Kind),
                onpick: move |id: String| {
                    ui.settle(Field::Kind);
                    ui.form.with_mut(|f| f.kind = id);
                },
            }
            div { class: "group",
                h2 { {Msg::FieldPeople.text(lang)} }
                div { class: "stepper",
                    button {
                        class: "step",
                        "aria-label": tr(lang, Msg::AppOneLess, &[("value", &Msg::FieldPeople.text(lang))]),
                        onclick: move |_| ui.form.with_mut(|f| f.step_people(false)),
                        "−"
                    }
                    span { class: "qty", "{people}" }
                    button {
                        class: "step",
                        "aria-label": tr(lang, Msg::AppOneMore, &[("value", &Msg::FieldPeople.text(lang))]),
                        onclick: move |_| ui.form.with_mut(|f| f.step_people(true)),
                        "+"
                    }
                }
                ErrorLine { text: error_for(Field::People) }
            }
            Chips {
                name: "age-band",
                title: Msg::FieldAgeBand.text(lang),
                items: entries(&catalog, Section::AgeBands, lang),
                picked: vec![form.age_band.clone()],
                error: error_for(Field::AgeBand),
                onpick: move |id: String| {
                    ui.settle(Field::AgeBand);
                    ui.form.with_mut(|f| f.age_band = id);
                },
            }
            Chips {
                name: "gender",
                title: Msg::FieldGender.text(lang),
                items: entries(&catalog, Section::Genders, lang),
                picked: form.gender.iter().cloned().collect::<Vec<_>>(),
                error: error_for(Field::Gender),
                onpick: move |id: String| {
                    ui.settle(Field::Gender);
                    ui.form.with_mut(|f| f.toggle_gender(&id));
                },
            }
            div { class: "group",
                h2 { {Msg::FieldMaterials.text(lang)} }
                for id in materials_by_use(&catalog, &today) {
                    div { key: "{id}", class: "stepper row", "data-testid": "material-{id}",
                        span { class: "label", {catalog.label(Section::Materials, &id, lang).to_string()} }
                        button {
                            class: "step",
                            "aria-label": tr(lang, Msg::AppOneLess, &[("value", &catalog.label(Section::Materials, &id, lang))]),
                            onclick: {
                                let id = id.clone();
                                move |_| ui.form.with_mut(|f| f.step(&id, false))
                            },
                            "−"
                        }
                        span { class: "qty", {form.quantity(&id).to_string()} }
                        button {
                            class: "step",
                            "data-testid": "more",
                            "aria-label": tr(lang, Msg::AppOneMore, &[("value", &catalog.label(Section::Materials, &id, lang))]),
                            onclick: {
                                let id = id.clone();
                                move |_| ui.form.with_mut(|f| f.step(&id, true))
                            },
                            "+"
                        }
                    }
                }
                ErrorLine { text: error_for(Field::Materials) }
            }
            div { class: "group",
                h2 { {Msg::FieldReturnedSyringes.text(lang)} }
                div { class: "stepper", "data-testid": "returned-syringes",
                    button {
                        class: "step",
                        "aria-label": tr(lang, Msg::AppOneLess, &[("value", &Msg::FieldReturnedSyringes.text(lang))]),
                        onclick: move |_| ui.form.with_mut(|f| f.step_returned(false)),
                        "−"
                    }
                    span { class: "qty", "{returned}" }
                    button {
                        class: "step",
                        "data-testid": "more",
                        "aria-label": tr(lang, Msg::AppOneMore, &[("value", &Msg::FieldReturnedSyringes.text(lang))]),
                        onclick: move |_| ui.form.with_mut(|f| f.step_returned(true)),
                        "+"
                    }
                }
                ErrorLine { text: error_for(Field::ReturnedSyringes) }
            }
            Chips {
                name: "referrals",
                title: Msg::FieldReferrals.text(lang),
                items: entries(&catalog, Section::Referrals, lang),
                picked: form.referrals.iter().cloned().collect::<Vec<_>>(),
                error: error_for(Field::Referrals),
                onpick: move |id: String| {
                    ui.settle(Field::Referrals);
                    ui.form.with_mut(|f| Form::toggle(&mut f.referrals, &id));
                },
            }
            Chips {
                name: "interventions",
                title: Msg::FieldInterventions.text(lang),
                items: entries(&catalog, Section::Interventions, lang),
                picked: form.interventions.iter().cloned().collect::<Vec<_>>(),
                error: error_for(Field::Interventions),
                onpick: move |id: String| {
                    ui.settle(Field::Interventions);
                    ui.form.with_mut(|f| Form::toggle(&mut f.interventions, &id));
                },
            }
            label { class: "field",
                span { {Msg::FieldDuration.text(lang)} }
                input {
                    r#type: "number",
                    "data-testid": "duration",
                    inputmode: "numeric",
                    min: "1",
                    max: "720",
                    value: "{form.duration}",
                    oninput: move |e| ui.form.with_mut(|f| f.duration = e.value()),
                }
                small { class: "hint", {Msg::AppDurationHint.text(lang)} }
            }
            ErrorLine { text: error_for(Field::Duration) }
            label { class: "field",
                span { {Msg::FieldPersonCode.text(lang)} }
                input {
                    r#type: "password",
                    autocomplete: "off",
                    "data-testid": "person-code",
                    value: "{form.code}",
                    oninput: move |e| ui.form.with_mut(|f| f.code = e.value()),
                }
                small { class: "hint", {Msg::AppCodeHint.text(lang)} }
            }
            ErrorLine { text: error_for(Field::PersonCode) }
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

/// The Save button: checks and writes the form, then back home with
/// "Contact saved." and an upload a few seconds later; or the problems,
/// next to their fields.
pub async fn save(session: Session, mut ui: Ui) {
    // One save per tap, however fast the second tap comes.
    if *ui.saving.peek() {
        return;
    }
    ui.saving.set(true);
    let draft = ui.form.peek().draft();
    let outcome = session.save_draft(&draft).await;
    ui.saving.set(false);
    match outcome {
        Ok(_) => {
            ui.form.set(Form::default());
            ui.go(Screen::Home);
            let saved = Msg::AppContactSaved.text(session.lang());
            ui.notice.set(Some(saved.to_string()));
        }
        Err(error) => ui.problem.set(Some(error)),
    }
}

/// Active entries of a section as (id, label) in the worker's language.
pub(super) fn entries(catalog: &Catalog, section: Section, lang: Lang) -> Vec<(String, String)> {
    catalog
        .section(section)
        .iter()
        .filter(|e| e.active)
        .map(|e| (e.id.to_string(), e.label(lang).to_string()))
        .collect()
}

/// A row of chips; `picked` ones are highlighted and pressed.
#[component]
pub(super) fn Chips(
    /// The group's `data-testid`; each chip carries its entry's id in `data-id`.
    name: &'static str,
    title: &'static str,
    items: Vec<(String, String)>,
    picked: Vec<String>,
    error: Option<String>,
    onpick: EventHandler<String>,
) -> Element {
    rsx! {
        div { class: "group", "data-testid": name,
            h2 { "{title}" }
            div { class: "chips",
                for (id, label) in items {
                    button {
                        key: "{id}",
                        "data-id": "{id}",
                        class: if picked.contains(&id) { "chip-pick on" } else { "chip-pick" },
                        "aria-pressed": picked.contains(&id).to_string(),
                        onclick: {
                            let id = id.clone();
                            move |_| onpick.call(id.clone())
                        },
                        "{label}"
                    }
                }
            }
            ErrorLine { text: error }
        }
    }
}
