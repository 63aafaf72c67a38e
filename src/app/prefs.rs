//! The worker's choices (language, auto-lock delay, theme), kept in a
//! small `prefs.json` beside the store so they survive a restart. Nothing
//! in it says anything about a contact, so it is not encrypted.

use crate::domain::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    Dark,
    Light,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefs {
    pub lang: Lang,
    pub lock_after: Duration,
    pub theme: Theme,
}

impl Default for Prefs {
    fn default() -> Prefs {
        Prefs {
            lang: Lang::Fr,
            lock_after: Duration::from_secs(5 * 60),
            theme: Theme::Dark,
        }
    }
}

/// The file's shape: minutes, because that is what the worker picks.
#[derive(Serialize, Deserialize)]
struct Saved {
    lang: Lang,
    lock_after_minutes: u64,
    theme: Theme,
}

/// Auto-lock can be set from 1 minute to an hour; a hand-edited file
/// outside that range falls back inside it.
const LOCK_MINUTES: std::ops::RangeInclusive<u64> = 1..=60;

impl Prefs {
    pub fn path_in(home: &Path) -> PathBuf {
        home.join("prefs.json")
    }

    pub fn exists_in(home: &Path) -> bool {
        Prefs::path_in(home).exists()
    }

    /// The saved choices, or the defaults when there are none or the file
    /// cannot be read (a bad file must not keep the worker out).
    pub fn load(home: &Path) -> Prefs {
        let Ok(text) = std::fs::read_to_string(Prefs::path_in(home)) else {
            return Prefs::default();
        };
        match serde_json::from_str::<Saved>(&text) {
            Ok(saved) => Prefs {
                lang: saved.lang,
                lock_after: Duration::from_secs(
                    saved
                        .lock_after_minutes
                        .clamp(*LOCK_MINUTES.start(), *LOCK_MINUTES.end())
                        * 60,
                ),
                theme: saved.theme,
            },
            Err(_) => Prefs::default(),
        }
    }

    pub fn save(&self, home: &Path) -> std::io::Result<()> {
        let saved = Saved {
            lang: self.lang,
            lock_after_minutes: self.lock_after.as_secs() / 60,
            theme: self.theme,
        };
        let text = serde_json::to_string_pretty(&saved).map_err(std::io::Error::other)?;
        std::fs::create_dir_all(home)?;
        std::fs::write(Prefs::path_in(home), text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_survive_a_restart() {
        let home = tempfile::tempdir().unwrap();
        let prefs = Prefs {
            lang: Lang::En,
            lock_after: Duration::from_secs(600),
            theme: Theme::Light,
        };
        prefs.save(home.path()).unwrap();
        assert_eq!(Prefs::load(home.path()), prefs);
    }

    #[test]
    fn a_damaged_file_gives_the_defaults() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(Prefs::path_in(home.path()), "{ not json").unwrap();
        assert_eq!(Prefs::load(home.path()), Prefs::default());
    }
}
