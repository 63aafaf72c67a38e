//! Right after unlocking with a PIN that today's rule would refuse (an
//! old store's 4-digit PIN): why a longer one matters, in plain words,
//! and the new PIN twice. Nothing is lost: only the wrap of the data key
//! changes, never a record. "Plus tard" goes Home, since a worker in the
//! middle of a night must not be held at a door; the screen comes back
//! at every unlock until the PIN is changed.

use super::{
    ErrorLine, LettersToggle, PinField, PinStepButton, pin_error, pin_step, with_pin_rule,
};
use crate::app::{PinStep, Screen, Session, Ui};
use crate::domain::i18n::Msg;
use dioxus::prelude::*;

#[component]
pub fn SaferPin() -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let mut new = use_signal(String::new);
    let mut again = use_signal(String::new);
    let letters = use_signal(|| false);
    let lang = session.lang();
    let change = move |_| {
        let (first, second) = (new(), again());
        new.set(String::new());
        again.set(String::new());
        pin_step(
            ui,
            &session,
            PinStep::Change,
            move |session| async move { session.strengthen_pin(&first, &second).await },
            move |mut ui| {
                ui.go(Screen::Home);
                ui.notice.set(Some(Msg::PinChanged.text(lang).to_string()));
            },
        );
    };
    rsx! {
        section { class: "screen safer-pin",
            h1 { {Msg::AppSaferPinTitle.text(lang)} }
            p { {Msg::AppSaferPinWhy.text(lang)} }
            p { {Msg::AppSaferPinKept.text(lang)} }
            PinField {
                label: Msg::AppNewPin,
                value: new,
                testid: "new-pin",
                new: true,
                letters: letters(),
            }
            PinField {
                label: Msg::AppNewPinAgain,
                value: again,
                testid: "new-pin-again",
                new: true,
                letters: letters(),
            }
            LettersToggle { letters }
            p { class: "hint", {with_pin_rule(lang, Msg::AppPinRule)} }
            ErrorLine { text: pin_error(ui, PinStep::Change) }
            // Side by side, so both ways on are in view without scrolling.
            div { class: "pair",
                PinStepButton {
                    step: PinStep::Change,
                    label: Msg::AppChangePin,
                    class: "primary big",
                    testid: "safer-pin",
                    onclick: change,
                }
                button {
                    class: "secondary big",
                    "data-testid": "later",
                    onclick: move |_| ui.go(Screen::Home),
                    {Msg::AppLater.text(lang)}
                }
            }
            p { class: "hint", {Msg::AppSaferPinLater.text(lang)} }
        }
    }
}
