//! The session of one phone: its home directory, the open store (or none
//! while locked), the worker's preferences and the inactivity clock.
//!
//! Every screen goes through the methods here, never through SQL or HTTP,
//! so tests can drive exactly what a tap does without a browser. The store
//! sits behind a plain mutex: each call holds it for one short local
//! operation. Network work never holds it (see [`super::background`]).

use super::background::SyncFlags;
pub use super::prefs::{FREE_PIN_TRIES, PinTries, Prefs, Theme};
use crate::device::{Listed, Listing, Pin, Status, Store, StoreError};
use crate::domain::catalog::Catalog;
use crate::domain::error::{FieldError, Invalid};
use crate::domain::i18n::{Lang, Msg, tr};
use crate::domain::ids::RecordId;
use crate::domain::{Contact, Record};
use chrono::{DateTime, FixedOffset, Local};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// Where the app is; the screens of an unlocked phone come after `Home`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    FirstRun,
    Unlock,
    Home,
    NewContact,
    Today,
    Sync,
    Settings,
}

/// An unlocked store, and the PIN that opened it so the background sync
/// can open its own connection (a sync must never wait on a tap, nor a
/// tap on the network).
struct Open {
    store: Store,
    pin: Zeroizing<String>,
}

struct Shared {
    home: PathBuf,
    open: Mutex<Option<Open>>,
    prefs: Mutex<Prefs>,
    last_activity: Mutex<Instant>,
    /// The last wrong PIN on this process's monotonic clock: moving the
    /// phone's wall clock forward does not shorten a wait begun here.
    last_wrong_pin: Mutex<Option<Instant>>,
    sync: SyncFlags,
    enrolling: AtomicBool,
    /// What the enrollment said, or what went wrong.
    last_enroll: Mutex<Option<Result<String, String>>>,
}

/// A cheap handle on the phone's session, shared by every connected view.
#[derive(Clone)]
pub struct Session(Arc<Shared>);

/// Components compare props; two handles are equal when they share a phone.
impl PartialEq for Session {
    fn eq(&self, other: &Session) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not brick the phone: the data is still sound.
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

pub fn now() -> DateTime<FixedOffset> {
    Local::now().fixed_offset()
}

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// "Too many wrong PINs in a row. Wait 1 min 30 s…", whole seconds
/// rounded up so it never says 0 s while still waiting.
pub fn pin_wait_message(wait: Duration, lang: Lang) -> String {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let words = match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    };
    tr(lang, Msg::AppPinWait, &[("value", &words)])
}

impl Session {
    pub fn new(home: &Path) -> Session {
        Session(Arc::new(Shared {
            home: home.to_path_buf(),
            open: Mutex::new(None),
            prefs: Mutex::new(Prefs::load(home)),
            last_activity: Mutex::new(Instant::now()),
            last_wrong_pin: Mutex::new(None),
            sync: SyncFlags::default(),
            enrolling: AtomicBool::new(false),
            last_enroll: Mutex::new(None),
        }))
    }

    pub fn home(&self) -> &Path {
        &self.0.home
    }

    /// The screen to show when nothing else was asked for.
    pub fn start_screen(&self) -> Screen {
        if !Store::exists(&self.0.home) {
            Screen::FirstRun
        } else if self.is_unlocked() {
            Screen::Home
        } else {
            Screen::Unlock
        }
    }

    pub fn prefs(&self) -> Prefs {
        *lock(&self.0.prefs)
    }

    pub fn lang(&self) -> Lang {
        self.prefs().lang
    }

    /// Changes the worker's choices and keeps them for the next start.
    /// Failing to write them is no reason to refuse the change now.
    pub fn update_prefs(&self, change: impl FnOnce(&mut Prefs)) {
        let mut prefs = lock(&self.0.prefs);
        change(&mut prefs);
        let _ = prefs.save(&self.0.home);
    }

    pub fn is_unlocked(&self) -> bool {
        lock(&self.0.open).is_some()
    }

    /// First run: the PIN typed twice, then an empty store with the
    /// default catalog (enrollment replaces it later).
    pub fn create(&self, pin: &str, again: &str) -> Result<(), String> {
        let lang = self.lang();
        let parsed = Pin::parse(pin).map_err(|e| e.message(lang))?;
        if pin != again {
            return Err(Msg::PinMismatch.text(lang).to_string());
        }
        std::fs::create_dir_all(&self.0.home).map_err(|e| StoreError::Io(e).message(lang))?;
        let store = Store::create(&self.0.home, &parsed, &Catalog::default_quebec())
            .map_err(|e| e.message(lang))?;
        self.keep_open(store, pin);
        Ok(())
    }

    /// Opens the store with `pin`. Slow on purpose (PBKDF2): screens call
    /// it off the UI thread. After [`FREE_PIN_TRIES`] wrong PINs in a row
    /// it refuses to try until the wait is over, and says how long.
    pub fn unlock(&self, pin: &str) -> Result<(), String> {
        let lang = self.lang();
        if let Some(wait) = self.pin_wait() {
            return Err(pin_wait_message(wait, lang));
        }
        // A too-short PIN cannot be right; say "wrong PIN" rather than
        // teach lengths. It is not counted: it costs no key derivation.
        let parsed = Pin::parse(pin).map_err(|_| StoreError::WrongPin.message(lang))?;
        match Store::open(&self.0.home, &parsed) {
            Ok(store) => {
                *lock(&self.0.last_wrong_pin) = None;
                self.update_prefs(|p| p.pin_tries = PinTries::default());
                self.keep_open(store, pin);
                Ok(())
            }
            Err(StoreError::WrongPin) => {
                *lock(&self.0.last_wrong_pin) = Some(Instant::now());
                self.update_prefs(|p| p.pin_tries.wrong(unix_now()));
                let wrong = StoreError::WrongPin.message(lang);
                match self.pin_wait() {
                    Some(wait) => Err(format!("{wrong} {}", pin_wait_message(wait, lang))),
                    None => Err(wrong),
                }
            }
            Err(other) => Err(other.message(lang)),
        }
    }

    /// How long before the next PIN may be tried, if a wait is on.
    pub fn pin_wait(&self) -> Option<Duration> {
        let tries = self.prefs().pin_tries;
        let now = unix_now();
        if tries.last_wrong_at.is_some_and(|at| at > now) {
            // The clock went back: the wait restarts now rather than
            // lasting until the clock catches up.
            self.update_prefs(|p| p.pin_tries.last_wrong_at = Some(now));
        }
        let by_clock = self.prefs().pin_tries.remaining(now);
        let here = lock(&self.0.last_wrong_pin)
            .map(|at| tries.wait().saturating_sub(at.elapsed()))
            .unwrap_or_default();
        let wait = by_clock.max(here);
        (!wait.is_zero()).then_some(wait)
    }

    fn keep_open(&self, store: Store, pin: &str) {
        *lock(&self.0.open) = Some(Open {
            store,
            pin: Zeroizing::new(pin.to_string()),
        });
        self.touch();
    }

    /// Drops the store and the PIN: the data key leaves memory with them.
    pub fn lock(&self) {
        *lock(&self.0.open) = None;
    }

    /// A tap happened: the inactivity clock starts again.
    pub fn touch(&self) {
        *lock(&self.0.last_activity) = Instant::now();
    }

    /// Locks if the worker has been away longer than the chosen delay;
    /// true when it did.
    pub fn lock_if_idle(&self) -> bool {
        let idle = lock(&self.0.last_activity).elapsed();
        if self.is_unlocked() && idle >= self.prefs().lock_after {
            self.lock();
            return true;
        }
        false
    }

    /// Runs `f` on the open store; a locked phone answers with the
    /// wrong-PIN message, which sends the worker back to the PIN screen.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, String> {
        let lang = self.lang();
        let mut guard = lock(&self.0.open);
        let open = guard
            .as_mut()
            .ok_or_else(|| StoreError::WrongPin.message(lang))?;
        f(&mut open.store).map_err(|e| e.message(lang))
    }

    /// The PIN, for the background sync's own connection.
    pub(super) fn pin_copy(&self) -> Option<Zeroizing<String>> {
        lock(&self.0.open).as_ref().map(|open| open.pin.clone())
    }

    pub fn sync_flags(&self) -> &SyncFlags {
        &self.0.sync
    }

    pub(super) fn shared_enroll_state(
        &self,
    ) -> (&AtomicBool, &Mutex<Option<Result<String, String>>>) {
        (&self.0.enrolling, &self.0.last_enroll)
    }

    pub fn is_enrolling(&self) -> bool {
        self.0.enrolling.load(Ordering::SeqCst)
    }

    pub fn last_enroll_outcome(&self) -> Option<Result<String, String>> {
        lock(&self.0.last_enroll).clone()
    }

    pub fn is_enrolled(&self) -> bool {
        self.with_store(|store| store.enrollment())
            .ok()
            .flatten()
            .is_some()
    }

    pub fn change_pin(&self, current: &str, new: &str, again: &str) -> Result<(), String> {
        let lang = self.lang();
        let current_pin = Pin::parse(current).map_err(|_| StoreError::WrongPin.message(lang))?;
        let new_pin = Pin::parse(new).map_err(|e| e.message(lang))?;
        if new != again {
            return Err(Msg::PinMismatch.text(lang).to_string());
        }
        let mut guard = lock(&self.0.open);
        let open = guard
            .as_mut()
            .ok_or_else(|| StoreError::WrongPin.message(lang))?;
        open.store
            .change_pin(&current_pin, &new_pin)
            .map_err(|e| e.message(lang))?;
        open.pin = Zeroizing::new(new.to_string());
        Ok(())
    }

    /// Erases the store, its journal files and everything in them, once
    /// the PIN proves the person holding the phone may.
    pub fn wipe(&self, pin: &str) -> Result<(), String> {
        let lang = self.lang();
        let parsed = Pin::parse(pin).map_err(|_| StoreError::WrongPin.message(lang))?;
        drop(Store::open(&self.0.home, &parsed).map_err(|e| e.message(lang))?);
        self.lock();
        let file = Store::path_in(&self.0.home);
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

    /// True while an upload is actually under way (not merely planned).
    pub fn is_syncing(&self) -> bool {
        self.0.sync.sending.load(Ordering::SeqCst)
    }

    /// The outcome of the last sync this session ran: batches delivered,
    /// or the message to show.
    pub fn last_sync_outcome(&self) -> Option<Result<usize, String>> {
        lock(&self.0.sync.last).clone()
    }

    pub fn catalog(&self) -> Result<Catalog, String> {
        self.with_store(|store| store.catalog())
    }

    pub fn status(&self) -> Result<Status, String> {
        let lang = self.lang();
        self.with_store(|store| store.status(Local::now().date_naive(), lang))
    }

    /// Today's records, oldest first.
    pub fn today(&self) -> Result<Vec<Listed>, String> {
        self.with_store(|store| store.list(Listing::Day(Local::now().date_naive())))
    }

    /// The last contact of today still standing: what "repeat" copies and
    /// where the zone is remembered from.
    pub fn last_contact(&self) -> Option<Contact> {
        let records = self.today().ok()?;
        records
            .into_iter()
            .rev()
            .find_map(|listed| match listed.record {
                Record::Contact(contact) if !listed.voided => Some(contact),
                _ => None,
            })
    }

    pub fn save(&self, contact: &Contact) -> Result<(), String> {
        self.touch();
        self.with_store(|store| store.save(contact))
    }

    /// Checks and saves a form; field errors come back for the form.
    pub fn save_draft(&self, draft: &crate::domain::ContactDraft) -> Result<RecordId, SaveError> {
        let catalog = self.catalog().map_err(SaveError::Store)?;
        let contact = draft.parse(&catalog, now()).map_err(SaveError::Fields)?;
        self.save(&contact).map_err(SaveError::Store)?;
        Ok(contact.record_id)
    }

    pub fn void(&self, target: RecordId) -> Result<(), String> {
        self.touch();
        self.with_store(|store| store.void(target, now()).map(|_| ()))
    }
}

/// Why a save did not happen.
#[derive(Debug)]
pub enum SaveError {
    /// The worker's to fix, next to each field.
    Fields(Invalid),
    /// The store failed; the message says what to do.
    Store(String),
}

impl SaveError {
    pub fn for_field(&self, field: crate::domain::error::Field) -> Option<&FieldError> {
        match self {
            SaveError::Fields(invalid) => invalid.for_field(field),
            SaveError::Store(_) => None,
        }
    }
}
