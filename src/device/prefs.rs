//! The worker's choices (language, auto-lock delay, theme, the keyboard
//! the PIN is typed on, the hour the worker's day ends) and the count of
//! wrong PINs in a row, kept in a small `prefs.json` beside the store so
//! they survive a restart (in a browser, the same text in a small file of
//! the OPFS pool: a reload must not reset the wrong-PIN wait). Nothing in
//! it says anything about a contact, so it is not encrypted; the PIN
//! count must be readable before the store is open, which is the point
//! of it.

use super::DayEnd;
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefs {
    pub lang: Lang,
    pub lock_after: Duration,
    pub theme: Theme,
    pub pin_tries: PinTries,
    /// The PIN is a passphrase: the PIN fields open a full keyboard
    /// rather than the numeric keypad.
    pub pin_letters: bool,
    /// When the worker's day is over: what the phone has sent stays on it,
    /// listed and voidable, until then.
    pub day_end: DayEnd,
}

impl Default for Prefs {
    fn default() -> Prefs {
        Prefs {
            lang: Lang::Fr,
            lock_after: Duration::from_secs(5 * 60),
            theme: Theme::Dark,
            pin_tries: PinTries::default(),
            pin_letters: false,
            day_end: DayEnd::DEFAULT,
        }
    }
}

/// Wrong PINs typed in a row at the unlock screen, and when the last one
/// was. PBKDF2 alone lets someone who found the phone try a PIN every
/// fraction of a second; from the fifth wrong one in a row the app makes
/// them wait, and a restart does not reset the count. It never erases
/// anything: a worker who mistyped must not lose a night of contacts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinTries {
    pub wrong_in_a_row: u32,
    /// Unix seconds of the last wrong PIN.
    pub last_wrong_at: Option<i64>,
}

/// Wrong PINs allowed in a row before the first wait.
pub const FREE_PIN_TRIES: u32 = 5;
/// The first wait; each wrong PIN after it doubles it, up to [`MAX_PIN_WAIT`].
pub const FIRST_PIN_WAIT: Duration = Duration::from_secs(30);
pub const MAX_PIN_WAIT: Duration = Duration::from_secs(5 * 60);

impl PinTries {
    /// How long to wait after the last wrong PIN: nothing for the first
    /// four; 30 s after the fifth, then 1, 2, 4 min, then 5 min each time.
    pub fn wait(&self) -> Duration {
        if self.wrong_in_a_row < FREE_PIN_TRIES {
            return Duration::ZERO;
        }
        let doublings = (self.wrong_in_a_row - FREE_PIN_TRIES).min(16);
        (FIRST_PIN_WAIT * (1u32 << doublings)).min(MAX_PIN_WAIT)
    }

    /// What is left of the wait at `now` (Unix seconds). A clock set back
    /// before the last wrong PIN counts as no time passed (the caller
    /// moves the mark to now, so the wait never exceeds [`MAX_PIN_WAIT`]).
    pub fn remaining(&self, now: i64) -> Duration {
        let Some(at) = self.last_wrong_at else {
            return Duration::ZERO;
        };
        let elapsed = u64::try_from(now.saturating_sub(at)).unwrap_or(0);
        self.wait().saturating_sub(Duration::from_secs(elapsed))
    }

    pub fn wrong(&mut self, now: i64) {
        self.wrong_in_a_row = self.wrong_in_a_row.saturating_add(1);
        self.last_wrong_at = Some(now);
    }
}

/// The file's shape: minutes, because that is what the worker picks.
/// Files written before the PIN count existed read as no wrong PIN, and
/// before the keyboard choice as the numeric keypad.
#[derive(Serialize, Deserialize)]
struct Saved {
    lang: Lang,
    lock_after_minutes: u64,
    theme: Theme,
    #[serde(default)]
    wrong_pins_in_a_row: u32,
    #[serde(default)]
    last_wrong_pin_at: Option<i64>,
    #[serde(default)]
    pin_letters: bool,
    #[serde(default)]
    day_end_hour: Option<u8>,
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
        #[cfg(not(target_arch = "wasm32"))]
        let text = std::fs::read_to_string(Prefs::path_in(home));
        #[cfg(target_arch = "wasm32")]
        let text = {
            let _ = home;
            super::opfs::read_prefs()
        };
        let Ok(text) = text else {
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
                pin_tries: PinTries {
                    wrong_in_a_row: saved.wrong_pins_in_a_row,
                    last_wrong_at: saved.last_wrong_pin_at,
                },
                pin_letters: saved.pin_letters,
                day_end: saved
                    .day_end_hour
                    .and_then(DayEnd::at)
                    .unwrap_or(DayEnd::DEFAULT),
            },
            Err(_) => Prefs::default(),
        }
    }

    pub fn save(&self, home: &Path) -> std::io::Result<()> {
        let saved = Saved {
            lang: self.lang,
            lock_after_minutes: self.lock_after.as_secs() / 60,
            theme: self.theme,
            wrong_pins_in_a_row: self.pin_tries.wrong_in_a_row,
            last_wrong_pin_at: self.pin_tries.last_wrong_at,
            pin_letters: self.pin_letters,
            day_end_hour: Some(self.day_end.hour()),
        };
        let text = serde_json::to_string_pretty(&saved).map_err(std::io::Error::other)?;
        #[cfg(target_arch = "wasm32")]
        {
            let _ = home;
            super::opfs::write_prefs(&text)
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            std::fs::create_dir_all(home)?;
            std::fs::write(Prefs::path_in(home), text)
        }
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
            pin_tries: PinTries {
                wrong_in_a_row: 6,
                last_wrong_at: Some(1_700_000_000),
            },
            pin_letters: true,
            day_end: DayEnd::at(4).unwrap(),
        };
        prefs.save(home.path()).unwrap();
        assert_eq!(Prefs::load(home.path()), prefs);
    }

    #[test]
    fn a_file_from_before_the_pin_count_reads_as_no_wrong_pin() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(
            Prefs::path_in(home.path()),
            r#"{"lang":"en","lock_after_minutes":10,"theme":"dark"}"#,
        )
        .unwrap();
        let prefs = Prefs::load(home.path());
        assert_eq!(prefs.lang, Lang::En);
        assert_eq!(prefs.pin_tries, PinTries::default());
        assert!(!prefs.pin_letters, "the numeric keypad first");
        assert_eq!(prefs.day_end, DayEnd::DEFAULT, "the day ends at 06:00");
    }

    #[test]
    fn the_wait_starts_at_the_fifth_wrong_pin_and_doubles_up_to_five_minutes() {
        let mut tries = PinTries::default();
        let waits: Vec<u64> = (0..10)
            .map(|_| {
                tries.wrong(1000);
                tries.wait().as_secs()
            })
            .collect();
        assert_eq!(waits, [0, 0, 0, 0, 30, 60, 120, 240, 300, 300]);
        assert_eq!(tries.remaining(1000), Duration::from_secs(300));
        assert_eq!(tries.remaining(1100), Duration::from_secs(200));
        assert_eq!(tries.remaining(1300), Duration::ZERO);
        // A clock set back does not shorten the wait.
        assert_eq!(tries.remaining(900), Duration::from_secs(300));
    }

    #[test]
    fn a_damaged_file_gives_the_defaults() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(Prefs::path_in(home.path()), "{ not json").unwrap();
        assert_eq!(Prefs::load(home.path()), Prefs::default());
    }
}
