//! Where the PIN comes from: `TOURNEE_PIN` (and `TOURNEE_NEW_PIN`) for
//! scripts and tests, else a prompt that does not echo. A PIN being
//! chosen must meet the rule for new PINs ([`Pin::choose`]); an old
//! store's shorter PIN still opens it, with a warning on every command.

use super::Failure;
use crate::device::Pin;
use crate::domain::i18n::{Lang, Msg, tr};
use zeroize::Zeroizing;

fn read(env: &str, prompt: Msg, lang: Lang) -> Result<Zeroizing<String>, Failure> {
    if let Ok(value) = std::env::var(env) {
        return Ok(Zeroizing::new(value));
    }
    rpassword::prompt_password(prompt.text(lang))
        .map(Zeroizing::new)
        .map_err(|_| Failure::input(vec![Msg::PinSource.text(lang).to_string()]))
}

fn parse(text: &str, lang: Lang) -> Result<Pin, Failure> {
    Pin::parse(text).map_err(|e| Failure::input(vec![e.message(lang)]))
}

/// The PIN that unlocks the store.
pub fn current(lang: Lang) -> Result<Pin, Failure> {
    parse(&read("TOURNEE_PIN", Msg::PromptPin, lang)?, lang)
}

/// Says on stderr, so `--json` output stays clean, that the PIN which
/// opened the store is too short for today's rule and how to change it.
pub fn warn_if_weak(pin: &Pin, lang: Lang) {
    if pin.is_weak() {
        eprintln!(
            "{}",
            tr(
                lang,
                Msg::PinWeakWarning,
                &[
                    ("digits", &Pin::MIN_DIGITS),
                    ("chars", &Pin::MIN_PASSPHRASE)
                ],
            )
        );
    }
}

/// A PIN being chosen: typed twice at a prompt, once from the environment.
/// One that does not meet the rule is refused before it is asked again.
fn chosen(env: &str, first: Msg, again: Msg, lang: Lang) -> Result<Pin, Failure> {
    let typed = read(env, first, lang)?;
    let pin = Pin::choose(&typed).map_err(|e| Failure::input(vec![e.message(lang)]))?;
    if std::env::var(env).is_err() {
        let confirm = read(env, again, lang)?;
        if *typed != *confirm {
            return Err(Failure::input(vec![
                Msg::PinMismatch.text(lang).to_string(),
            ]));
        }
    }
    Ok(pin)
}

/// The PIN for a new store.
pub fn first(lang: Lang) -> Result<Pin, Failure> {
    chosen("TOURNEE_PIN", Msg::PromptPin, Msg::PromptPinAgain, lang)
}

/// The replacement PIN for `change-pin`.
pub fn new(lang: Lang) -> Result<Pin, Failure> {
    chosen(
        "TOURNEE_NEW_PIN",
        Msg::PromptNewPin,
        Msg::PromptNewPinAgain,
        lang,
    )
}
