//! Person codes: how a worker recognizes a returning person without a name.
//!
//! The program's identifier code (say initials and birth year) is typed by
//! hand, at night, on a phone: "Tremblay-87", "tremblay 87" and "TRÉMBLAY87"
//! must be one code. Canonicalization v1: Unicode NFKD, combining marks
//! (accents) removed, uppercase, then only A-Z and 0-9 kept. The version
//! travels with the code so that a future rule never silently splits one
//! person into two. The code is only ever shown to the server sealed; it
//! never appears in `Debug` output or logs.

use super::error::{Field, FieldError, Problem};
use serde::{Deserialize, Serialize};
use std::fmt;
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

pub const CANON_VERSION: u8 = 1;
pub const MIN_LEN: usize = 4;
pub const MAX_LEN: usize = 32;

/// Canonical form v1 of a typed code (may be empty or too long: see [`PersonCode::parse`]).
pub fn canonicalize_v1(raw: &str) -> String {
    raw.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_uppercase)
        .filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        .collect()
}

/// A canonical person code with the version of the rule that made it.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Wire", into = "Wire")]
pub struct PersonCode {
    version: u8,
    canon: String,
}

impl PersonCode {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let canon = canonicalize_v1(raw);
        if !(MIN_LEN..=MAX_LEN).contains(&canon.len()) {
            return Err(FieldError::new(
                Field::PersonCode,
                Problem::CodeLength {
                    min: MIN_LEN,
                    max: MAX_LEN,
                },
            ));
        }
        Ok(PersonCode {
            version: CANON_VERSION,
            canon,
        })
    }

    pub fn version(&self) -> u8 {
        self.version
    }

    /// The canonical text, for sealing and pseudonymization only.
    pub fn canonical(&self) -> &str {
        &self.canon
    }
}

impl fmt::Debug for PersonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PersonCode(v{}, <hidden>)", self.version)
    }
}

/// Stored and sealed form: `{"v":1,"code":"TREMBLAY87"}`. Reading it back
/// re-checks that the code is canonical for its version.
#[derive(Serialize, Deserialize)]
struct Wire {
    v: u8,
    code: String,
}

impl TryFrom<Wire> for PersonCode {
    type Error = String;
    fn try_from(wire: Wire) -> Result<Self, String> {
        if wire.v != CANON_VERSION {
            return Err(format!("person code version {} is not supported", wire.v));
        }
        let parsed = PersonCode::parse(&wire.code).map_err(|e| e.to_string())?;
        if parsed.canon != wire.code {
            return Err("person code is not in canonical form".into());
        }
        Ok(parsed)
    }
}

impl From<PersonCode> for Wire {
    fn from(code: PersonCode) -> Self {
        Wire {
            v: code.version,
            code: code.canon,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(raw: &str) -> String {
        PersonCode::parse(raw).unwrap().canonical().to_string()
    }

    #[test]
    fn accents_are_stripped() {
        assert_eq!(canon("Éloïse-Gagné 2007"), "ELOISEGAGNE2007");
        assert_eq!(canon("ÇÀÉÎÔÛ99"), "CAEIOU99");
    }

    #[test]
    fn case_spaces_and_punctuation_do_not_matter() {
        let forms = [
            "tremblay-87",
            "TREMBLAY 87",
            " Tremblay.87 ",
            "trem/blay_87",
            "TRÉMBLAY87",
        ];
        for form in forms {
            assert_eq!(canon(form), "TREMBLAY87", "{form}");
        }
    }

    #[test]
    fn compatibility_forms_fold_to_ascii() {
        // Full-width letters and digits from some keyboards, and ligatures.
        assert_eq!(canon("ＡＢＣ１９９０"), "ABC1990");
        assert_eq!(canon("ﬁlion1990"), "FILION1990");
        assert_eq!(canon("Strauß1990"), "STRAUSS1990");
    }

    #[test]
    fn letters_outside_a_to_z_are_dropped_not_guessed() {
        assert_eq!(canon("Øyvind1990"), "YVIND1990");
    }

    #[test]
    fn too_short_or_only_punctuation_is_refused_with_the_allowed_length() {
        for raw in ["", "--- ...", "a1", "é"] {
            let error = PersonCode::parse(raw).unwrap_err();
            assert_eq!(error.field, Field::PersonCode);
            assert_eq!(error.problem, Problem::CodeLength { min: 4, max: 32 });
        }
        assert!(PersonCode::parse(&"A".repeat(33)).is_err());
    }

    #[test]
    fn debug_output_never_shows_the_code() {
        let code = PersonCode::parse("TREMBLAY87").unwrap();
        assert!(!format!("{code:?}").contains("TREMBLAY"));
    }

    #[test]
    fn the_wire_form_is_versioned_and_rechecked() {
        let code = PersonCode::parse("abc 1990").unwrap();
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, r#"{"v":1,"code":"ABC1990"}"#);
        assert_eq!(serde_json::from_str::<PersonCode>(&json).unwrap(), code);
        assert!(serde_json::from_str::<PersonCode>(r#"{"v":2,"code":"ABC1990"}"#).is_err());
        assert!(serde_json::from_str::<PersonCode>(r#"{"v":1,"code":"abc 1990"}"#).is_err());
    }
}
