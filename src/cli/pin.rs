//! Where the PIN comes from: `TOURNEE_PIN` (and `TOURNEE_NEW_PIN`) for
//! scripts and tests, else a prompt that does not echo.

use super::Failure;
use crate::device::Pin;
use crate::domain::i18n::{Lang, Msg};
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

/// A PIN being chosen: typed twice at a prompt, once from the environment.
fn chosen(env: &str, first: Msg, again: Msg, lang: Lang) -> Result<Pin, Failure> {
    let typed = read(env, first, lang)?;
    if std::env::var(env).is_err() {
        let confirm = read(env, again, lang)?;
        if *typed != *confirm {
            return Err(Failure::input(vec![
                Msg::PinMismatch.text(lang).to_string(),
            ]));
        }
    }
    parse(&typed, lang)
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
