//! First run: the PIN twice (6 digits at least, or a passphrase: the
//! rule in [`crate::device::pin`]), then enroll with a code or continue
//! offline.
//! The way on ("Continuer hors ligne", or "Continuer" once enrolled) stays
//! on screen without scrolling, even on a 360×640 phone.

use super::enroll::Enroll;
use super::{
    ErrorLine, LettersToggle, Notice, PinField, PinStepButton, pin_error, pin_step, with_pin_rule,
};
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
    let letters = use_signal(|| false);
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
    let creating = session.clone();
    let create = move |_| {
        let (first, second) = (pin(), again());
        // The PIN leaves the page at once; a mistake means typing both again.
        pin.set(String::new());
        again.set(String::new());
        pin_step(
            ui,
            &creating,
            PinStep::Create,
            move |session| async move { session.create(&first, &second).await },
            |ui| ui.refresh(),
        );
    };
    rsx! {
        section { class: "screen first-run",
            h1 { {Msg::AppFirstRunTitle.text(lang)} }
            Notice {}
            p { {with_pin_rule(lang, Msg::AppFirstRunIntro)} }
            PinField {
                label: Msg::FieldPin,
                value: pin,
                testid: "pin",
                new: true,
                letters: letters(),
            }
            PinField {
                label: Msg::AppPinAgain,
                value: again,
                testid: "pin-again",
                new: true,
                letters: letters(),
            }
            LettersToggle { letters }
            ErrorLine { text: pin_error(ui, PinStep::Create) }
            PinStepButton {
                step: PinStep::Create,
                label: Msg::AppNext,
                class: "primary big",
                testid: "pin-next",
                onclick: create,
            }
        }
    }
}
