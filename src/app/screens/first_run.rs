//! First run: the PIN twice, then enroll with a code or continue offline.
//! The way on ("Continuer hors ligne", or "Continuer" once enrolled) stays
//! on screen without scrolling, even on a 360×640 phone.

use super::enroll::Enroll;
use super::{ErrorLine, Notice, pin_error, pin_step};
use crate::app::{PinStep, Screen, Session, Ui};
use crate::domain::i18n::Msg;
use dioxus::prelude::*;

#[component]
pub fn FirstRun() -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let mut pin = use_signal(String::new);
    let mut again = use_signal(String::new);
    let lang = session.lang();
    if session.is_unlocked() {
        // The PIN is set: the second step.
        let enrolled = session.is_enrolled();
        return rsx! {
            section { class: "screen first-run",
                h1 { {Msg::AppFirstRunTitle.text(lang)} }
                Enroll {}
                if enrolled {
                    button {
                        class: "primary big",
                        "data-testid": "continue",
                        onclick: move |_| ui.go(Screen::Home),
                        {Msg::AppContinue.text(lang)}
                    }
                } else {
                    // Sticks above the tabs while the enrollment form scrolls.
                    div { class: "actions",
                        button {
                            class: "secondary big",
                            "data-testid": "continue-offline",
                            onclick: move |_| ui.go(Screen::Home),
                            {Msg::AppContinueOffline.text(lang)}
                        }
                    }
                    p { class: "hint", {Msg::AppOfflineNote.text(lang)} }
                }
            }
        };
    }
    let busy = (ui.pin_busy)();
    let creating = session.clone();
    let create = move |_| {
        let (first, second) = (pin(), again());
        // The PIN leaves the page at once; a mistake means typing both again.
        pin.set(String::new());
        again.set(String::new());
        let worker = creating.clone();
        pin_step(
            ui,
            PinStep::Create,
            move || worker.create(&first, &second),
            |ui| ui.refresh(),
        );
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
            ErrorLine { text: pin_error(ui, PinStep::Create) }
            button {
                class: "primary big",
                "data-testid": "pin-next",
                disabled: busy.is_some(),
                "aria-busy": busy.is_some().to_string(),
                onclick: create,
                match busy {
                    Some(step) => step.waiting().text(lang),
                    None => Msg::AppNext.text(lang),
                }
            }
        }
    }
}
