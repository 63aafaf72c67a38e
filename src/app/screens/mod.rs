//! One component per screen. Each reads the [`super::Session`] and the
//! [`super::Ui`] signals from context and calls session methods on taps.

pub mod chip;
pub mod enroll;
pub mod first_run;
pub mod home;
pub mod new_contact;
pub mod security;
pub mod settings;
pub mod sync;
pub mod today;
pub mod unlock;

use super::Ui;
use dioxus::prelude::*;

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
