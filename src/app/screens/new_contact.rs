//! New contact, on one screen: zone (folded to the last one), kind and
//! age band as chips (people only for a group); the usual materials,
//! bundles and referrals (see [`super::materials`]); then materials for
//! others, the naloxone kits' detail once kits are counted (see
//! [`super::naloxone`]), gender, contact mode, location type, returned
//! syringes, interventions, an optional duration and person code; Save
//! always in view. A typical contact fits above the fold of a 390 x 844
//! phone. Problems show next to their field, in the worker's language.

use super::materials::{ForOthers, Materials, Part};
use super::naloxone::NaloxoneDetail;
use super::picker::{Chips, entries, labelled};
use super::{ErrorLine, field_error, general_error};
use crate::app::form::{Form, by_use};
use crate::app::{Screen, Session, Ui};
use crate::domain::Kind;
use crate::domain::catalog::Section;
use crate::domain::error::Field;
use crate::domain::i18n::{Msg, tr};
use dioxus::prelude::*;

/// Referral chips shown before "more choices": the phone's usual ones.
pub const FIRST_REFERRALS: usize = 4;

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
    // What this phone usually hands out and refers to comes first.
    let usual = session.status().map(|s| s.usual).unwrap_or_default();
    let form = (ui.form)();
    let more_materials = use_signal(|| false);
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
                lang,
                title: Msg::FieldZone.text(lang),
                items: entries(&catalog, Section::Zones, lang),
                picked: vec![form.zone.clone()],
                error: error_for(Field::Zone),
                // Picked (the last contact's): only it and "more choices".
                fold: (!form.zone.is_empty()).then_some(0),
                onpick: move |id: String| {
                    ui.settle(Field::Zone);
                    ui.form.with_mut(|f| f.zone = id);
                },
            }
            Chips {
                name: "kind",
                lang,
                title: Msg::FieldKind.text(lang),
                items: kinds,
                picked: vec![form.kind.clone()],
                error: error_for(Field::Kind),
                onpick: move |id: String| {
                    ui.settle(Field::Kind);
                    ui.form.with_mut(|f| f.pick_kind(&id));
                },
            }
            if form.kind == Kind::Group.key() || people > 1 {
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
            }
            Chips {
                name: "age-band",
                lang,
                title: Msg::FieldAgeBand.text(lang),
                items: entries(&catalog, Section::AgeBands, lang),
                picked: vec![form.age_band.clone()],
                error: error_for(Field::AgeBand),
                onpick: move |id: String| {
                    ui.settle(Field::AgeBand);
                    ui.form.with_mut(|f| f.age_band = id);
                },
            }
            Materials { catalog: catalog.clone(), usual: usual.materials.clone(), form: form.clone(), lang, part: Part::Usual, open: more_materials }
            ErrorLine { text: error_for(Field::Materials) }
            Chips {
                name: "referrals",
                lang,
                title: Msg::FieldReferrals.text(lang),
                items: labelled(&catalog, Section::Referrals, &by_use(&catalog, Section::Referrals, &usual.referrals), lang),
                picked: form.referrals.iter().cloned().collect::<Vec<_>>(),
                error: error_for(Field::Referrals),
                fold: Some(FIRST_REFERRALS),
                onpick: move |id: String| {
                    ui.settle(Field::Referrals);
                    ui.form.with_mut(|f| Form::toggle(&mut f.referrals, &id));
                },
            }
            Materials { catalog: catalog.clone(), usual: usual.materials.clone(), form: form.clone(), lang, part: Part::More, open: more_materials }
            ForOthers { catalog: catalog.clone(), usual: usual.materials.clone(), form: form.clone(), lang }
            ErrorLine { text: error_for(Field::MaterialsForOthers) }
            NaloxoneDetail {
                form: form.clone(),
                lang,
                errors: [error_for(Field::KitForm), error_for(Field::KitSupply), error_for(Field::PeopleTrained)],
            }
            Chips {
                name: "gender",
                lang,
                title: Msg::FieldGender.text(lang),
                items: entries(&catalog, Section::Genders, lang),
                picked: form.gender.iter().cloned().collect::<Vec<_>>(),
                error: error_for(Field::Gender),
                onpick: move |id: String| {
                    ui.settle(Field::Gender);
                    ui.form.with_mut(|f| f.toggle_gender(&id));
                },
            }
            Chips {
                name: "mode",
                lang,
                title: Msg::FieldContactMode.text(lang),
                items: entries(&catalog, Section::ContactModes, lang),
                picked: form.mode.iter().cloned().collect::<Vec<_>>(),
                error: error_for(Field::ContactMode),
                onpick: move |id: String| {
                    ui.settle(Field::ContactMode);
                    ui.form.with_mut(|f| Form::toggle_one(&mut f.mode, &id));
                },
            }
            Chips {
                name: "location",
                lang,
                title: Msg::FieldLocationType.text(lang),
                items: entries(&catalog, Section::LocationTypes, lang),
                picked: form.location.iter().cloned().collect::<Vec<_>>(),
                error: error_for(Field::LocationType),
                fold: Some(3),
                onpick: move |id: String| {
                    ui.settle(Field::LocationType);
                    ui.form.with_mut(|f| Form::toggle_one(&mut f.location, &id));
                },
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
                name: "interventions",
                lang,
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
