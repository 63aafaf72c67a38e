//! One component per screen. Each reads the [`super::Session`] and the
//! [`super::Ui`] signals from context and calls session methods on taps.

pub mod chip;
pub mod enroll;
pub mod first_run;
pub mod home;
pub mod new_contact;
pub mod scan;
pub mod security;
pub mod settings;
pub mod sync;
pub mod today;
pub mod unlock;

use super::{PinStep, Ui, background};
use dioxus::prelude::*;

/// Re-renders as soon as background work a tap started is over, not at the
/// next 3-second tick, so its outcome (enrolled, sent) shows at once. The
/// watch ends with the screen that started it; the tick still comes.
pub fn refresh_when_done(ui: Ui, busy: impl Fn() -> bool + 'static) {
    spawn(async move {
        while busy() {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        ui.refresh();
    });
}

/// Runs a PIN step off the UI thread: its button says it is working
/// meanwhile and a second tap does nothing; `then` gets the outcome back
/// on the UI side, a failure is kept for the screen to show. The task
/// belongs to the app's root, so it finishes even if the screen that
/// started it is gone (an unlock still lands on Home).
pub fn pin_step(
    mut ui: Ui,
    step: PinStep,
    work: impl FnOnce() -> Result<(), String> + Send + 'static,
    then: impl FnOnce(Ui) + 'static,
) {
    if ui.pin_busy.peek().is_some() {
        return;
    }
    ui.pin_busy.set(Some(step));
    ui.pin_error.set(None);
    dioxus::core::spawn_forever(async move {
        let outcome = background::off_ui(work).await.and_then(|done| done);
        ui.pin_busy.set(None);
        match outcome {
            Ok(()) => then(ui),
            Err(message) => ui.pin_error.set(Some((step, message))),
        }
    });
}

/// The failure of `step`, if it was the last PIN step to fail.
pub fn pin_error(ui: Ui, step: PinStep) -> Option<String> {
    match &*ui.pin_error.read() {
        Some((failed, message)) if *failed == step => Some(message.clone()),
        _ => None,
    }
}

/// The one-line message left by the last action, if any.
#[component]
pub fn Notice() -> Element {
    let ui = use_context::<Ui>();
    match (ui.notice)() {
        Some(text) => rsx! { p { class: "notice", role: "status", "{text}" } },
        None => rsx! {},
    }
}

/// A plain-language error under a field or a button.
#[component]
pub fn ErrorLine(text: Option<String>) -> Element {
    match text {
        Some(text) => rsx! { p { class: "error", role: "alert", "{text}" } },
        None => rsx! {},
    }
}
