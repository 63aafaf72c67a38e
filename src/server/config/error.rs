//! What can be wrong with the settings, said so that the person can fix
//! the file or the variable: which key, where, what was written and what
//! is allowed. The CLI exits 2 on every one of these, before any file of
//! the data directory is touched.

use crate::domain::i18n::{Lang, Msg, tr};
use std::fmt;
use std::path::PathBuf;

/// Where a setting was written: a key of a file, or a variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// `key` is dotted: `server.listen`.
    File { path: PathBuf, key: String },
    /// The variable's name: `TOURNEE__SERVER__LISTEN`.
    Env(String),
}

impl Place {
    fn describe(&self, lang: Lang) -> String {
        match self {
            Place::File { path, key } => tr(
                lang,
                Msg::ConfigKeyInFile,
                &[("key", key), ("path", &path.display())],
            ),
            Place::Env(name) => tr(lang, Msg::ConfigKeyInEnv, &[("key", name)]),
        }
    }

    fn is_env(&self) -> bool {
        matches!(self, Place::Env(_))
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::File { path, key } => write!(f, "{key} in {}", path.display()),
            Place::Env(name) => f.write_str(name),
        }
    }
}

/// What a setting accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Allowed {
    Address,
    Path,
    Name {
        max: usize,
    },
    Flag,
    Whole {
        min: u32,
        max: u32,
    },
    /// One of two numbers.
    Either(u32, u32),
}

impl Allowed {
    pub fn describe(self, lang: Lang) -> String {
        match self {
            Allowed::Address => Msg::AllowedAddress.text(lang).to_string(),
            Allowed::Path => Msg::AllowedPath.text(lang).to_string(),
            Allowed::Name { max } => tr(lang, Msg::AllowedName, &[("max", &max)]),
            Allowed::Whole { min, max } => {
                tr(lang, Msg::AllowedWhole, &[("min", &min), ("max", &max)])
            }
            Allowed::Flag => Msg::AllowedFlag.text(lang).to_string(),
            Allowed::Either(first, second) => tr(
                lang,
                Msg::AllowedOneOf,
                &[("first", &first), ("second", &second)],
            ),
        }
    }
}

impl fmt::Display for Allowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {}: {error}", path.display())]
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("the configuration file {} is not valid TOML: {message}", path.display())]
    Syntax { path: PathBuf, message: String },
    #[error("unknown setting {0}")]
    Unknown(Place),
    #[error("{0} is a section: write [name] and its keys beneath")]
    NotASection(Place),
    #[error("{place}: \"{value}\" is not allowed; allowed: {allowed}")]
    BadValue {
        place: Place,
        value: String,
        allowed: Allowed,
    },
}

impl ConfigError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ConfigError::Unreadable { path, error } => tr(
                lang,
                Msg::ConfigUnreadable,
                &[("path", &path.display()), ("value", error)],
            ),
            ConfigError::Syntax { path, message } => tr(
                lang,
                Msg::ConfigSyntax,
                &[("path", &path.display()), ("value", message)],
            ),
            ConfigError::Unknown(place) => {
                let known = super::known_keys(place.is_env()).join(", ");
                tr(
                    lang,
                    Msg::ConfigUnknownKey,
                    &[("key", &place.describe(lang)), ("allowed", &known)],
                )
            }
            ConfigError::NotASection(place) => tr(
                lang,
                Msg::ConfigNotASection,
                &[("key", &place.describe(lang))],
            ),
            ConfigError::BadValue {
                place,
                value,
                allowed,
            } => tr(
                lang,
                Msg::ConfigBadValue,
                &[
                    ("key", &place.describe(lang)),
                    ("value", value),
                    ("allowed", &allowed.describe(lang)),
                ],
            ),
        }
    }
}
