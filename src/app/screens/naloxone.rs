//! The naloxone kits' detail on the New contact form, shown once kits are
//! counted: their form, first kit or replacement and why, and the people
//! shown how to use them. Optional: a contact saves without it.

use super::ErrorLine;
use super::picker::Chips;
use crate::app::Ui;
use crate::app::form::Form;
use crate::domain::i18n::{Lang, Msg, counted};
use crate::domain::naloxone::{KitForm, KitSupply, Trained};
use dioxus::prelude::*;

#[component]
pub fn NaloxoneDetail(form: Form, lang: Lang, errors: [Option<String>; 3]) -> Element {
    let mut ui = use_context::<Ui>();
    if form.naloxone_kits() == 0 {
        return rsx! {};
    }
    let [form_error, supply_error, trained_error] = errors;
    let forms: Vec<(String, String)> = KitForm::ALL
        .iter()
        .map(|f| (f.key().to_string(), f.label(lang).to_string()))
        .collect();
    let supplies: Vec<(String, String)> = KitSupply::ALL
        .iter()
        .map(|s| (s.key().to_string(), s.label(lang).to_string()))
        .collect();
    let trained = form.trained;
    let trained_words = counted(lang, u64::from(trained), Msg::TrainedOne, Msg::TrainedMany);
    rsx! {
        div { class: "group naloxone", role: "group", "aria-label": Msg::AppNaloxone.text(lang), "data-testid": "naloxone",
            h2 { {Msg::AppNaloxone.text(lang)} }
            Chips {
                name: "kit-form",
                lang,
                title: Msg::FieldKitForm.text(lang),
                items: forms,
                picked: form.kit_form.iter().cloned().collect::<Vec<_>>(),
                error: form_error,
                onpick: move |id: String| ui.form.with_mut(|f| Form::toggle_one(&mut f.kit_form, &id)),
            }
            Chips {
                name: "kit-supply",
                lang,
                title: Msg::FieldKitSupply.text(lang),
                items: supplies,
                picked: form.kit_supply.iter().cloned().collect::<Vec<_>>(),
                error: supply_error,
                fold: Some(2),
                onpick: move |id: String| ui.form.with_mut(|f| Form::toggle_one(&mut f.kit_supply, &id)),
            }
            div { class: "stepper row", "data-testid": "trained",
                span { class: "label", "{trained_words}" }
                button {
                    class: "step",
                    "aria-label": Msg::AppTrainedLess.text(lang),
                    disabled: trained == 0,
                    onclick: move |_| ui.form.with_mut(|f| f.step_trained(false)),
                    "−"
                }
                button {
                    class: "step",
                    "data-testid": "more",
                    "aria-label": Msg::AppTrainedMore.text(lang),
                    disabled: trained >= u32::from(Trained::MAX),
                    onclick: move |_| ui.form.with_mut(|f| f.step_trained(true)),
                    "+"
                }
            }
            ErrorLine { text: trained_error }
        }
    }
}
