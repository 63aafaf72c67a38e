//! Unlock: the PIN opens the store. Shown at start and after a lock.

use super::ErrorLine;
use crate::app::{Screen, Session, Ui, background};
use crate::domain::i18n::Msg;
use dioxus::prelude::*;

#[component]
pub fn Unlock() -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let mut pin = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    let lang = session.lang();
    let open = move |_| match session.unlock(&pin()) {
        Ok(()) => {
            pin.set(String::new());
            error.set(None);
            // Whatever waited while the phone was locked goes out now.
            background::sync_now(&session);
            ui.go(Screen::Home);
        }
        Err(message) => {
            pin.set(String::new());
            error.set(Some(message));
        }
    };
    rsx! {
        section { class: "screen unlock",
            h1 { {Msg::AppUnlockTitle.text(lang)} }
            p { {Msg::AppUnlockPrompt.text(lang)} }
            label { class: "field",
                span { {Msg::FieldPin.text(lang)} }
                input {
                    r#type: "password",
                    "data-testid": "pin",
                    inputmode: "numeric",
                    autocomplete: "off",
                    autofocus: true,
                    value: "{pin}",
                    oninput: move |e| pin.set(e.value()),
                }
            }
            ErrorLine { text: error() }
            button {
                class: "primary big",
                "data-testid": "unlock",
                onclick: open,
                {Msg::AppUnlock.text(lang)}
            }
        }
    }
}
