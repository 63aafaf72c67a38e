//! The worker's PIN or passphrase, and the rule a new one must meet.
//!
//! The PIN only ever feeds PBKDF2 ([`super::vault`]). Whoever copies a
//! phone's store can try PINs offline as fast as their hardware allows:
//! the unlock screen's waits do not reach them, only the number of PINs
//! left to try does. So a PIN being chosen (a new store, a change) must
//! be either at least [`Pin::MIN_DIGITS`] digits, or a passphrase: at
//! least [`Pin::MIN_PASSPHRASE`] characters with at least one letter (so
//! "12-34-56-78" is not a passphrase). Eight is NIST SP 800-63B's floor
//! for a secret the user picks; even in lowercase letters alone it leaves
//! 26^8, about 2×10^11 passphrases, against 10^6 six-digit PINs.
//!
//! Stores made before this rule may have a 4- or 5-digit PIN: typing it
//! still opens them ([`Pin::parse`] takes what every release took), and
//! [`Pin::is_weak`] tells the app and the CLI to ask for a new one.
//! Nothing about the PIN is written in the store: a note saying "4
//! digits" beside the wrapped key would tell a thief where to start.

use crate::domain::{Field, FieldError, Problem};
use zeroize::Zeroizing;

/// A worker's PIN or passphrase, wiped from memory when dropped. On
/// phones the platform keystore should add a second wrap.
pub struct Pin(Zeroizing<String>);

/// Never the PIN itself, even in a debug dump.
impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(…)")
    }
}

/// What a PIN is made of: the phone shows a numeric keypad for digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinKind {
    Digits,
    Passphrase,
}

impl PinKind {
    pub fn of(text: &str) -> PinKind {
        if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
            PinKind::Digits
        } else {
            PinKind::Passphrase
        }
    }
}

impl Pin {
    /// The shortest PIN an existing store may have: what releases before
    /// the rule for new PINs accepted.
    pub const MIN: usize = 4;
    pub const MAX: usize = 128;
    /// The shortest new PIN made of digits only.
    pub const MIN_DIGITS: usize = 6;
    /// The shortest new passphrase.
    pub const MIN_PASSPHRASE: usize = 8;

    /// A PIN typed to open an existing store: 4 to 128 characters.
    pub fn parse(text: &str) -> Result<Pin, FieldError> {
        let length = text.chars().count();
        if !(Self::MIN..=Self::MAX).contains(&length) {
            return Err(FieldError::new(
                Field::Pin,
                Problem::Length {
                    min: Self::MIN,
                    max: Self::MAX,
                },
            ));
        }
        Ok(Pin(Zeroizing::new(text.to_string())))
    }

    /// A PIN being chosen, for a new store or a change: it must meet the
    /// rule (module documentation).
    pub fn choose(text: &str) -> Result<Pin, FieldError> {
        if text.chars().count() > Self::MAX {
            return Pin::parse(text);
        }
        if !meets_rule(text) {
            return Err(Pin::rule());
        }
        Pin::parse(text)
    }

    /// What the rule asks, as the error a refused PIN gets.
    pub fn rule() -> FieldError {
        FieldError::new(
            Field::Pin,
            Problem::WeakPin {
                digits: Self::MIN_DIGITS,
                passphrase: Self::MIN_PASSPHRASE,
            },
        )
    }

    /// True for a PIN that would be refused as a new one today: an old
    /// store's 4-digit PIN. Such a store opens, then asks for a new PIN.
    pub fn is_weak(&self) -> bool {
        !meets_rule(&self.0)
    }

    pub fn kind(&self) -> PinKind {
        PinKind::of(&self.0)
    }

    pub(super) fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

fn meets_rule(text: &str) -> bool {
    let length = text.chars().count();
    match PinKind::of(text) {
        PinKind::Digits => length >= Pin::MIN_DIGITS,
        PinKind::Passphrase => {
            length >= Pin::MIN_PASSPHRASE && text.chars().any(char::is_alphabetic)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;

    #[test]
    fn an_existing_store_takes_any_pin_of_four_to_128_characters() {
        assert!(Pin::parse("123").is_err());
        assert!(Pin::parse("1234").is_ok());
        assert!(Pin::parse(&"x".repeat(129)).is_err());
    }

    #[test]
    fn a_new_pin_needs_six_digits_or_a_passphrase_of_eight_characters_with_a_letter() {
        for refused in ["1234", "12345", "abc", "abcdefg", "12-34-56-78", "        "] {
            assert!(Pin::choose(refused).is_err(), "{refused:?} was accepted");
        }
        for accepted in ["123456", "20251121", "tuque bleue", "Été2026!", "motdepas"] {
            assert!(Pin::choose(accepted).is_ok(), "{accepted:?} was refused");
        }
        assert!(Pin::choose(&"a".repeat(129)).is_err());
    }

    #[test]
    fn an_old_short_pin_opens_but_is_weak_and_a_new_one_is_not() {
        assert!(Pin::parse("4821").unwrap().is_weak());
        assert!(Pin::parse("48213").unwrap().is_weak());
        assert!(!Pin::parse("482193").unwrap().is_weak());
        assert!(!Pin::parse("une tuque").unwrap().is_weak());
        assert_eq!(Pin::parse("482193").unwrap().kind(), PinKind::Digits);
        assert_eq!(Pin::parse("une tuque").unwrap().kind(), PinKind::Passphrase);
    }

    #[test]
    fn a_refused_pin_says_what_is_allowed_in_both_languages() {
        let error = Pin::choose("1234").unwrap_err();
        assert_eq!(
            error.message(Lang::Fr),
            "NIP : au moins 6 chiffres, ou une phrase de passe d'au moins 8 caractères dont au moins une lettre."
        );
        assert_eq!(
            error.message(Lang::En),
            "PIN: at least 6 digits, or a passphrase of at least 8 characters including at least one letter."
        );
    }
}
