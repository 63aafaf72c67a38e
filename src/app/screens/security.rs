//! The PIN in Settings: change it (current, new twice), or wipe the
//! device after typing it, e.g. before a phone changes hands. Both derive
//! keys from the PIN, so both run off the UI thread.

use super::{ErrorLine, pin_error, pin_step};
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
    let lang = session.lang();
    let busy = (ui.pin_busy)() == Some(PinStep::Change);
    let change = move |_| {
        let (old, first, second) = (current(), new(), again());
        current.set(String::new());
        new.set(String::new());
        again.set(String::new());
        let worker = session.clone();
        pin_step(
            ui,
            PinStep::Change,
            move || worker.change_pin(&old, &first, &second),
            move |mut ui| ui.notice.set(Some(Msg::PinChanged.text(lang).to_string())),
        );
    };
    let fields = [
        (Msg::AppCurrentPin, current),
        (Msg::AppNewPin, new),
        (Msg::AppNewPinAgain, again),
    ];
    rsx! {
        div { class: "group",
            h2 { {Msg::AppChangePin.text(lang)} }
            for (msg, mut value) in fields {
                label { class: "field",
                    span { {msg.text(lang)} }
                    input {
                        r#type: "password",
                        autocomplete: "off",
                        value: "{value}",
                        oninput: move |e| value.set(e.value()),
                    }
                }
            }
            ErrorLine { text: pin_error(ui, PinStep::Change) }
            button {
                class: "secondary big",
                disabled: busy,
                onclick: change,
                if busy {
                    {PinStep::Change.waiting().text(lang)}
                } else {
                    {Msg::AppChangePin.text(lang)}
                }
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
    let busy = (ui.pin_busy)() == Some(PinStep::Wipe);
    let wipe = move |_| {
        let typed = pin();
        pin.set(String::new());
        let worker = session.clone();
        pin_step(
            ui,
            PinStep::Wipe,
            move || worker.wipe(&typed),
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
            label { class: "field",
                span { {Msg::FieldPin.text(lang)} }
                input {
                    r#type: "password",
                    autocomplete: "off",
                    value: "{pin}",
                    oninput: move |e| pin.set(e.value()),
                }
            }
            ErrorLine { text: pin_error(ui, PinStep::Wipe) }
            button {
                class: "danger big",
                disabled: busy,
                onclick: wipe,
                if busy {
                    {PinStep::Wipe.waiting().text(lang)}
                } else {
                    {Msg::AppWipe.text(lang)}
                }
            }
        }
    }
}
