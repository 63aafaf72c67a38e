//! One component per screen. Each reads the [`super::Session`]'s last
//! snapshot and the [`super::Ui`] signals from context, and sends the
//! session's async commands on taps.

pub mod chip;
pub mod enroll;
pub mod first_run;
pub mod home;
pub mod incident;
pub mod materials;
pub mod naloxone;
pub mod new_contact;
pub mod overdose;
pub mod picker;
pub mod safer_pin;
pub mod scan;
pub mod security;
pub mod settings;
pub mod shift;
pub mod sync;
pub mod today;
pub mod unlock;

use super::state::SaveError;
use super::{PinStep, Session, Ui};
use crate::device::Pin;
use crate::domain::error::Field;
use crate::domain::i18n::{Lang, Msg, tr};
use dioxus::prelude::*;

/// What the last save said about `field`, in the worker's language.
pub fn field_error(problem: Signal<Option<SaveError>>, field: Field, lang: Lang) -> Option<String> {
    problem
        .read()
        .as_ref()
        .and_then(|p| p.for_field(field).map(|e| e.message(lang)))
}

/// The line under a form after a save that did not happen: what the
/// store said, or to fix the marked fields.
pub fn general_error(problem: Signal<Option<SaveError>>, lang: Lang) -> Option<String> {
    match &*problem.read() {
        Some(SaveError::Store(message)) => Some(message.clone()),
        Some(SaveError::Fields(_)) => Some(Msg::AppFixFields.text(lang).to_string()),
        None => None,
    }
}

/// Runs a PIN step in the engine (its thread derives the key, never the
/// UI's): its button says it is working meanwhile and a second tap does
/// nothing; `then` gets the outcome back on the UI side, a failure is
/// kept for the screen to show. The task belongs to the app's root, so it
/// finishes even if the screen that started it is gone (an unlock still
/// lands on Home).
pub fn pin_step<F>(
    mut ui: Ui,
    session: &Session,
    step: PinStep,
    work: impl FnOnce(Session) -> F + 'static,
    then: impl FnOnce(Ui) + 'static,
) where
    F: std::future::Future<Output = Result<(), String>> + 'static,
{
    if ui.pin_busy.peek().is_some() {
        return;
    }
    ui.pin_busy.set(Some(step));
    ui.pin_error.set(None);
    let session = session.clone();
    dioxus::core::spawn_forever(async move {
        let outcome = work(session).await;
        ui.pin_busy.set(None);
        match outcome {
            Ok(()) => then(ui),
            Err(message) => ui.pin_error.set(Some((step, message))),
        }
        ui.refresh();
    });
}

/// A PIN typed in a form: hidden, and kept out of the keyboard's memory
/// (`new` lets a password manager offer to save a PIN being created). A
/// phone shows its numeric keypad unless `letters` asks for a full
/// keyboard, for a passphrase.
#[component]
pub fn PinField(
    label: Msg,
    value: Signal<String>,
    #[props(default)] testid: Option<&'static str>,
    #[props(default)] new: bool,
    #[props(default)] letters: bool,
    #[props(default)] autofocus: bool,
    #[props(default)] onenter: Option<EventHandler<()>>,
) -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let lang = session.lang();
    let mut value = value;
    rsx! {
        label { class: "field",
            span { {label.text(lang)} }
            input {
                r#type: "password",
                "data-testid": testid,
                inputmode: if letters { "text" } else { "numeric" },
                autocomplete: if new { "new-password" } else { "off" },
                autofocus,
                value: "{value}",
                oninput: move |e| value.set(e.value()),
                onkeydown: move |e: KeyboardEvent| {
                    if e.key() == Key::Enter
                        && let Some(enter) = onenter
                    {
                        enter.call(());
                    }
                },
            }
        }
    }
}

/// The switch between the numeric keypad and a full keyboard for the PIN
/// fields next to it: a passphrase needs letters, a PIN is quicker on
/// big digits. It changes the keyboard only, never what is accepted.
#[component]
pub fn LettersToggle(letters: Signal<bool>) -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let lang = session.lang();
    let mut letters = letters;
    rsx! {
        label { class: "toggle",
            input {
                r#type: "checkbox",
                "data-testid": "pin-letters",
                checked: letters(),
                onchange: move |e| letters.set(e.checked()),
            }
            span { {Msg::AppPinLetters.text(lang)} }
        }
    }
}

/// The button that starts `step`: disabled while any PIN step runs (or
/// `hold` says wait), and saying it is working while its own step runs.
#[component]
pub fn PinStepButton(
    step: PinStep,
    label: Msg,
    class: &'static str,
    onclick: EventHandler<MouseEvent>,
    #[props(default)] testid: Option<&'static str>,
    #[props(default)] hold: bool,
) -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let lang = session.lang();
    let busy = (ui.pin_busy)();
    rsx! {
        button {
            class,
            "data-testid": testid,
            disabled: busy.is_some() || hold,
            "aria-busy": (busy == Some(step)).to_string(),
            onclick: move |e| onclick.call(e),
            if busy == Some(step) {
                {step.waiting().text(lang)}
            } else {
                {label.text(lang)}
            }
        }
    }
}

/// `msg` with the rule for new PINs filled in (its `{digits}` and
/// `{chars}`), from the one place the rule lives.
pub fn with_pin_rule(lang: Lang, msg: Msg) -> String {
    tr(
        lang,
        msg,
        &[
            ("digits", &Pin::MIN_DIGITS),
            ("chars", &Pin::MIN_PASSPHRASE),
        ],
    )
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
