//! First run: the PIN twice, then enroll with a code or continue offline.

use super::enroll::Enroll;
use super::{ErrorLine, Notice};
use crate::app::{Screen, Session, Ui};
use crate::domain::i18n::Msg;
use dioxus::prelude::*;

#[component]
pub fn FirstRun() -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let mut pin = use_signal(String::new);
    let mut again = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    let lang = session.lang();
    if session.is_unlocked() {
        // The PIN is set: the second step.
        return rsx! {
            section { class: "screen first-run",
                h1 { {Msg::AppFirstRunTitle.text(lang)} }
                Enroll {}
                button {
                    class: "secondary big",
                    "data-testid": "continue-offline",
                    onclick: move |_| ui.go(Screen::Home),
                    {Msg::AppContinueOffline.text(lang)}
                }
                p { class: "hint", {Msg::AppOfflineNote.text(lang)} }
            }
        };
    }
    let create = move |_| match session.create(&pin(), &again()) {
        Ok(()) => {
            pin.set(String::new());
            again.set(String::new());
            error.set(None);
            ui.refresh();
        }
        Err(message) => error.set(Some(message)),
    };
    rsx! {
        section { class: "screen first-run",
            h1 { {Msg::AppFirstRunTitle.text(lang)} }
            Notice {}
            p { {Msg::AppFirstRunIntro.text(lang)} }
            label { class: "field",
                span { {Msg::FieldPin.text(lang)} }
                input {
                    r#type: "password",
                    "data-testid": "pin",
                    autocomplete: "new-password",
                    value: "{pin}",
                    oninput: move |e| pin.set(e.value()),
                }
            }
            label { class: "field",
                span { {Msg::AppPinAgain.text(lang)} }
                input {
                    r#type: "password",
                    "data-testid": "pin-again",
                    autocomplete: "new-password",
                    value: "{again}",
                    oninput: move |e| again.set(e.value()),
                }
            }
            ErrorLine { text: error() }
            button {
                class: "primary big",
                "data-testid": "pin-next",
                onclick: create,
                {Msg::AppNext.text(lang)}
            }
        }
    }
}
