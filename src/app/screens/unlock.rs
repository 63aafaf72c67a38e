//! Unlock: the PIN opens the store. Shown at start, after a lock, and to
//! every new view of the phone. The key derivation runs off the UI
//! thread ("Déverrouillage…"); after too many wrong PINs in a row the
//! button waits, with a countdown. A PIN too short for today's rule
//! still opens, then leads to the safer-PIN screen.

use super::{ErrorLine, LettersToggle, PinField, PinStepButton, pin_error, pin_step};
use crate::app::state::pin_wait_message;
use crate::app::{PinStep, Screen, Session, Ui};
use crate::domain::i18n::Msg;
use dioxus::prelude::*;
use std::time::Duration;

#[component]
pub fn Unlock() -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let mut pin = use_signal(String::new);
    // Ticks once a second while a wait is on, so the countdown moves.
    let mut tick = use_signal(|| 0u64);
    let ticking = session.clone();
    use_future(move || {
        let session = ticking.clone();
        async move {
            let mut was_waiting = false;
            loop {
                crate::device::platform::sleep(Duration::from_secs(1)).await;
                let waiting = session.pin_wait().is_some();
                // One more tick as the wait ends re-enables the button.
                if waiting || was_waiting {
                    session.refresh().await;
                    tick += 1;
                }
                was_waiting = waiting;
            }
        }
    });
    let _ = tick();
    let lang = session.lang();
    let busy = (ui.pin_busy)();
    let waiting = session.pin_wait();
    let letters = use_signal(|| session.prefs().pin_letters);
    let opening = session.clone();
    let open_now = move || {
        open(&opening, ui, pin());
        pin.set(String::new());
    };
    let mut on_enter = open_now.clone();
    let mut on_tap = open_now;
    rsx! {
        section { class: "screen unlock",
            h1 { {Msg::AppUnlockTitle.text(lang)} }
            p { {Msg::AppUnlockPrompt.text(lang)} }
            PinField {
                label: Msg::FieldPin,
                value: pin,
                testid: "pin",
                letters: letters(),
                autofocus: true,
                onenter: move |_| {
                    if busy.is_none() && waiting.is_none() {
                        on_enter();
                    }
                },
            }
            LettersToggle { letters }
            if let Some(wait) = waiting {
                p { class: "error", role: "alert", "data-testid": "pin-wait", {pin_wait_message(wait, lang)} }
            } else {
                ErrorLine { text: pin_error(ui, PinStep::Unlock) }
            }
            PinStepButton {
                step: PinStep::Unlock,
                label: Msg::AppUnlock,
                class: "primary big",
                testid: "unlock",
                hold: waiting.is_some(),
                onclick: move |_| on_tap(),
            }
        }
    }
}

/// "Ouvrir": the engine tries the PIN on its own thread; Home when it opens (and
/// whatever waited while locked goes out), or first the safer-PIN screen
/// for a PIN too short; the reason when it does not open.
pub fn open(session: &Session, ui: Ui, pin: String) {
    let opened = session.clone();
    pin_step(
        ui,
        session,
        PinStep::Unlock,
        move |session| async move { session.unlock(&pin).await },
        move |ui| {
            if opened.pin_is_weak() {
                ui.go(Screen::SaferPin);
            } else {
                ui.go(Screen::Home);
            }
        },
    );
}
