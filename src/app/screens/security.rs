//! The PIN in Settings: change it (current, new twice), or wipe the
//! device after typing it, e.g. before a phone changes hands.

use super::ErrorLine;
use crate::app::{Screen, Session, Ui};
use crate::domain::i18n::Msg;
use dioxus::prelude::*;

#[component]
pub fn ChangePin() -> Element {
    let session = use_context::<Session>();
    let mut ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let mut current = use_signal(String::new);
    let mut new = use_signal(String::new);
    let mut again = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    let lang = session.lang();
    let change = move |_| {
        let outcome = session.change_pin(&current(), &new(), &again());
        current.set(String::new());
        new.set(String::new());
        again.set(String::new());
        match outcome {
            Ok(()) => {
                error.set(None);
                ui.notice.set(Some(Msg::PinChanged.text(lang).to_string()));
            }
            Err(message) => error.set(Some(message)),
        }
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
            ErrorLine { text: error() }
            button { class: "secondary big", onclick: change, {Msg::AppChangePin.text(lang)} }
        }
    }
}

#[component]
pub fn Wipe() -> Element {
    let session = use_context::<Session>();
    let mut ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let mut pin = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    let lang = session.lang();
    let wipe = move |_| {
        let outcome = session.wipe(&pin());
        pin.set(String::new());
        match outcome {
            Ok(()) => {
                ui.go(Screen::FirstRun);
                ui.notice.set(Some(Msg::AppWiped.text(lang).to_string()));
            }
            Err(message) => error.set(Some(message)),
        }
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
            ErrorLine { text: error() }
            button { class: "danger big", onclick: wipe, {Msg::AppWipe.text(lang)} }
        }
    }
}
