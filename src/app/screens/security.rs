//! The PIN in Settings: change it (current, new twice), or wipe the
//! device after typing it, e.g. before a phone changes hands. Both derive
//! keys from the PIN, so both run off the UI thread.

use super::{
    ErrorLine, LettersToggle, PinField, PinStepButton, pin_error, pin_step, with_pin_rule,
};
use crate::app::{PinStep, Screen, Session, Ui};
use crate::domain::i18n::Msg;
use dioxus::prelude::*;

#[component]
pub fn ChangePin() -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let mut current = use_signal(String::new);
    let mut new = use_signal(String::new);
    let mut again = use_signal(String::new);
    // The current PIN on the keyboard it was last typed on; the new one
    // on the worker's choice.
    let letters = session.prefs().pin_letters;
    let new_letters = use_signal(|| letters);
    let lang = session.lang();
    let change = move |_| {
        let (old, first, second) = (current(), new(), again());
        current.set(String::new());
        new.set(String::new());
        again.set(String::new());
        pin_step(
            ui,
            &session,
            PinStep::Change,
            move |session| async move { session.change_pin(&old, &first, &second).await },
            move |mut ui| ui.notice.set(Some(Msg::PinChanged.text(lang).to_string())),
        );
    };
    rsx! {
        div { class: "group",
            h2 { {Msg::AppChangePin.text(lang)} }
            PinField { label: Msg::AppCurrentPin, value: current, letters }
            PinField {
                label: Msg::AppNewPin,
                value: new,
                new: true,
                letters: new_letters(),
            }
            PinField {
                label: Msg::AppNewPinAgain,
                value: again,
                new: true,
                letters: new_letters(),
            }
            LettersToggle { letters: new_letters }
            p { class: "hint", {with_pin_rule(lang, Msg::AppPinRule)} }
            ErrorLine { text: pin_error(ui, PinStep::Change) }
            PinStepButton {
                step: PinStep::Change,
                label: Msg::AppChangePin,
                class: "secondary big",
                onclick: change,
            }
        }
    }
}

#[component]
pub fn Wipe() -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let mut pin = use_signal(String::new);
    let lang = session.lang();
    let letters = session.prefs().pin_letters;
    let wipe = move |_| {
        let typed = pin();
        pin.set(String::new());
        pin_step(
            ui,
            &session,
            PinStep::Wipe,
            move |session| async move { session.wipe(&typed).await },
            move |mut ui| {
                ui.go(Screen::FirstRun);
                ui.notice.set(Some(Msg::AppWiped.text(lang).to_string()));
            },
        );
    };
    rsx! {
        div { class: "group wipe",
            h2 { {Msg::AppWipe.text(lang)} }
            p { {Msg::AppWipeWarning.text(lang)} }
            PinField {
                label: Msg::FieldPin,
                value: pin,
                letters,
            }
            ErrorLine { text: pin_error(ui, PinStep::Wipe) }
            PinStepButton {
                step: PinStep::Wipe,
                label: Msg::AppWipe,
                class: "danger big",
                onclick: wipe,
            }
        }
    }
}
