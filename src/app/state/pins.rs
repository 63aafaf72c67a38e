//! The PIN steps of a session: make the store, unlock, change the PIN
//! (or strengthen a weak one), wipe. Each derives a key with PBKDF2, so
//! screens run them off the UI thread ([`crate::app::screens::pin_step`]).

use super::{Open, Session, pin_wait_message};
use crate::app::phone::lock;
use crate::device::{Pin, PinKind, Store, StoreError};
use crate::domain::catalog::Catalog;
use crate::domain::i18n::Msg;
use std::sync::atomic::Ordering;
use std::time::Duration;
use zeroize::Zeroizing;

impl Session {
    /// First run: the PIN typed twice, then an empty store with the
    /// default catalog (enrollment replaces it later). The PIN must meet
    /// the rule for new ones.
    pub fn create(&self, pin: &str, again: &str) -> Result<(), String> {
        let lang = self.lang();
        let parsed = Pin::choose(pin).map_err(|e| e.message(lang))?;
        if pin != again {
            return Err(Msg::PinMismatch.text(lang).to_string());
        }
        let home = self.home();
        // One at a time: two views making the store at once would race.
        let store = self.phone.one_pin_step(|| {
            std::fs::create_dir_all(home)?;
            Store::create(home, &parsed, &Catalog::default_quebec())
        });
        let store = store.map_err(|e| e.message(lang))?;
        self.keep_open(store, pin, &parsed);
        Ok(())
    }

    /// Opens the store with `pin`. Slow on purpose (PBKDF2): screens call
    /// it off the UI thread. After [`super::FREE_PIN_TRIES`] wrong PINs in a row
    /// on this phone (whichever views typed them) it refuses to try until
    /// the wait is over, and says how long.
    pub fn unlock(&self, pin: &str) -> Result<(), String> {
        let lang = self.lang();
        let phone = &self.phone;
        let (store, parsed) = phone.one_pin_step(|| {
            if let Some(wait) = phone.pin_wait() {
                return Err(pin_wait_message(wait, lang));
            }
            // A too-short PIN cannot be right; say "wrong PIN" rather than
            // teach lengths. It is not counted: it costs no key derivation.
            let parsed = Pin::parse(pin).map_err(|_| StoreError::WrongPin.message(lang))?;
            match Store::open(phone.home(), &parsed) {
                Ok(store) => {
                    phone.right_pin();
                    Ok((store, parsed))
                }
                Err(StoreError::WrongPin) => {
                    phone.wrong_pin();
                    let wrong = StoreError::WrongPin.message(lang);
                    match phone.pin_wait() {
                        Some(wait) => Err(format!("{wrong} {}", pin_wait_message(wait, lang))),
                        None => Err(wrong),
                    }
                }
                Err(other) => Err(other.message(lang)),
            }
        })?;
        self.keep_open(store, pin, &parsed);
        Ok(())
    }

    /// How long before the next PIN may be tried, if a wait is on.
    pub fn pin_wait(&self) -> Option<Duration> {
        self.phone.pin_wait()
    }

    fn keep_open(&self, mut store: Store, pin: &str, parsed: &Pin) {
        // Records of a day already over, signed for by the server, leave
        // the phone now rather than at the next sync. A failure here keeps
        // them for that sync: it must not keep the worker out.
        let _ = store.purge_delivered(super::now(), self.prefs().day_end, 0);
        let mut open = lock(&self.view.open);
        // Closed while the PIN was being checked: nobody is there to see it.
        if self.view.closed.load(Ordering::SeqCst) {
            return;
        }
        *open = Some(Open {
            store,
            pin: Zeroizing::new(pin.to_string()),
            weak: parsed.is_weak(),
        });
        drop(open);
        self.remember_keyboard(parsed.kind());
        self.touch();
    }

    /// The keyboard the PIN was typed on comes up first next time. It
    /// tells a thief only whether to skip the million 6-digit PINs.
    fn remember_keyboard(&self, kind: PinKind) {
        let letters = kind == PinKind::Passphrase;
        if self.prefs().pin_letters != letters {
            self.update_prefs(|p| p.pin_letters = letters);
        }
    }

    /// True when this view was unlocked with a PIN that the rule for new
    /// PINs would refuse: the app asks for a new one.
    pub fn pin_is_weak(&self) -> bool {
        lock(&self.view.open).as_ref().is_some_and(|open| open.weak)
    }

    /// Settings: the current PIN, then the new one twice. The other views
    /// of the phone lock: they must show they know the new PIN.
    pub fn change_pin(&self, current: &str, new: &str, again: &str) -> Result<(), String> {
        let lang = self.lang();
        let current_pin = Pin::parse(current).map_err(|_| StoreError::WrongPin.message(lang))?;
        let new_pin = Pin::choose(new).map_err(|e| e.message(lang))?;
        if new != again {
            return Err(Msg::PinMismatch.text(lang).to_string());
        }
        let mut guard = lock(&self.view.open);
        let open = guard
            .as_mut()
            .ok_or_else(|| StoreError::WrongPin.message(lang))?;
        open.store
            .change_pin(&current_pin, &new_pin)
            .map_err(|e| e.message(lang))?;
        open.pin = Zeroizing::new(new.to_string());
        open.weak = false;
        drop(guard);
        self.phone.lock_others(Some(&self.view));
        self.remember_keyboard(new_pin.kind());
        Ok(())
    }

    /// Right after unlocking with a weak PIN: the new one twice. The PIN
    /// just typed stands for the current one; a view unlocked with a PIN
    /// that meets the rule must go through [`Session::change_pin`].
    pub fn strengthen_pin(&self, new: &str, again: &str) -> Result<(), String> {
        let current = lock(&self.view.open)
            .as_ref()
            .filter(|open| open.weak)
            .map(|open| open.pin.clone());
        match current {
            Some(current) => self.change_pin(&current, new, again),
            None => Err(StoreError::WrongPin.message(self.lang())),
        }
    }

    /// Erases the store, its journal files and everything in them, once
    /// the PIN proves the person holding the phone may. Every view of
    /// the phone locks.
    pub fn wipe(&self, pin: &str) -> Result<(), String> {
        let lang = self.lang();
        let parsed = Pin::parse(pin).map_err(|_| StoreError::WrongPin.message(lang))?;
        drop(Store::open(self.home(), &parsed).map_err(|e| e.message(lang))?);
        self.phone.lock_others(None);
        let file = Store::path_in(self.home());
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut path = file.clone().into_os_string();
            path.push(suffix);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(StoreError::Io(e).message(lang));
                }
                _ => {}
            }
        }
        Ok(())
    }
}
