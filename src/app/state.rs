//! The session of one view of the app (a liveview connection, a desktop
//! window): the store it unlocked (or none while locked) and its
//! inactivity clock, over what the whole phone shares ([`Phone`]).
//!
//! Every screen goes through the methods here, never through SQL or HTTP,
//! so tests can drive exactly what a tap does without a browser. The store
//! sits behind a plain mutex: each call holds it for one short local
//! operation. Network work never holds it (see [`super::background`]).
//! The data key leaves memory when the view locks or goes away (its
//! socket closed, [`mod@super::liveview`] locks it at once).

use super::background::SyncFlags;
use super::phone::{Phone, lock};
pub use super::prefs::{FREE_PIN_TRIES, PinTries, Prefs, Theme};
use crate::device::{Listed, Listing, Status, Store, StoreError};
use crate::domain::catalog::Catalog;
use crate::domain::error::{FieldError, Invalid};
use crate::domain::i18n::{Lang, Msg, tr};
use crate::domain::ids::RecordId;
use crate::domain::{Contact, Record};
use chrono::{DateTime, FixedOffset, Local};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

mod pins;

/// Where the app is; the screens of an unlocked phone come after `Home`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    FirstRun,
    Unlock,
    /// Right after unlocking with a PIN too short for today's rule: why
    /// it matters and the way to a new one (or "later").
    SaferPin,
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
    /// The PIN would be refused as a new one (an old 4-digit store).
    weak: bool,
}

/// What one view holds: nothing of it is seen by another view.
pub(super) struct View {
    open: Mutex<Option<Open>>,
    last_activity: Mutex<Instant>,
    /// The view is gone for good (its socket closed): an unlock still
    /// running on its thread must not leave the key behind it.
    closed: AtomicBool,
}

impl Default for View {
    fn default() -> View {
        View {
            open: Mutex::new(None),
            last_activity: Mutex::new(Instant::now()),
            closed: AtomicBool::new(false),
        }
    }
}

impl View {
    pub(super) fn is_unlocked(&self) -> bool {
        lock(&self.open).is_some()
    }

    /// Drops the store and the PIN: the data key leaves memory with them.
    pub(super) fn lock(&self) {
        *lock(&self.open) = None;
    }

    pub(super) fn lock_if_idle(&self, after: Duration) -> bool {
        let idle = lock(&self.last_activity).elapsed();
        if idle >= after && self.is_unlocked() {
            self.lock();
            return true;
        }
        false
    }
}

/// A cheap handle on one view of a phone; clones are the same view.
#[derive(Clone)]
pub struct Session {
    phone: Phone,
    view: Arc<View>,
}

/// Components compare props; two handles are equal when they are one view.
impl PartialEq for Session {
    fn eq(&self, other: &Session) -> bool {
        Arc::ptr_eq(&self.view, &other.view)
    }
}

pub fn now() -> DateTime<FixedOffset> {
    Local::now().fixed_offset()
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
    /// A phone on `home` and a first view of it, locked.
    pub fn new(home: &Path) -> Session {
        Phone::new(home).session()
    }

    pub(super) fn from_parts(phone: Phone, view: Arc<View>) -> Session {
        Session { phone, view }
    }

    /// The phone this view belongs to (`phone().session()` opens another).
    pub fn phone(&self) -> &Phone {
        &self.phone
    }

    pub fn home(&self) -> &Path {
        self.phone.home()
    }

    /// The screen to show when nothing else was asked for.
    pub fn start_screen(&self) -> Screen {
        if !self.phone.has_store() {
            Screen::FirstRun
        } else if self.is_unlocked() {
            Screen::Home
        } else {
            Screen::Unlock
        }
    }

    pub fn prefs(&self) -> Prefs {
        self.phone.prefs()
    }

    pub fn lang(&self) -> Lang {
        self.phone.lang()
    }

    /// Changes the worker's choices (for every view of the phone) and
    /// keeps them for the next start.
    pub fn update_prefs(&self, change: impl FnOnce(&mut Prefs)) {
        self.phone.update_prefs(change)
    }

    pub fn is_unlocked(&self) -> bool {
        self.view.is_unlocked()
    }

    /// Locks this view only: the data key it holds leaves memory.
    pub fn lock(&self) {
        self.view.lock();
    }

    /// The view is gone (its socket closed, its window shut): locks it now
    /// rather than when the last handle is dropped, and for good.
    pub fn close(&self) {
        self.view.closed.store(true, Ordering::SeqCst);
        self.view.lock();
    }

    /// A tap happened: this view's inactivity clock starts again.
    pub fn touch(&self) {
        *lock(&self.view.last_activity) = Instant::now();
    }

    /// Locks if the worker has been away from this view longer than the
    /// chosen delay; true when it did.
    pub fn lock_if_idle(&self) -> bool {
        self.view.lock_if_idle(self.prefs().lock_after)
    }

    /// Runs `f` on the open store; a locked view answers with the
    /// wrong-PIN message, which sends the worker back to the PIN screen.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, String> {
        let lang = self.lang();
        let mut guard = lock(&self.view.open);
        let open = guard
            .as_mut()
            .ok_or_else(|| StoreError::WrongPin.message(lang))?;
        f(&mut open.store).map_err(|e| e.message(lang))
    }

    /// The PIN, for the background sync's own connection.
    pub(super) fn pin_copy(&self) -> Option<Zeroizing<String>> {
        lock(&self.view.open).as_ref().map(|open| open.pin.clone())
    }

    pub fn sync_flags(&self) -> &SyncFlags {
        self.phone.sync_flags()
    }

    pub(super) fn shared_enroll_state(
        &self,
    ) -> (&AtomicBool, &Mutex<Option<Result<String, String>>>) {
        self.phone.enroll_state()
    }

    pub fn is_enrolling(&self) -> bool {
        self.shared_enroll_state().0.load(Ordering::SeqCst)
    }

    pub fn last_enroll_outcome(&self) -> Option<Result<String, String>> {
        lock(self.shared_enroll_state().1).clone()
    }

    pub fn is_enrolled(&self) -> bool {
        self.with_store(|store| store.enrollment())
            .ok()
            .flatten()
            .is_some()
    }

    /// True while an upload is actually under way (not merely planned).
    pub fn is_syncing(&self) -> bool {
        self.sync_flags().sending.load(Ordering::SeqCst)
    }

    /// The outcome of the last sync this session ran: batches delivered,
    /// or the message to show.
    pub fn last_sync_outcome(&self) -> Option<Result<usize, String>> {
        lock(&self.sync_flags().last).clone()
    }

    pub fn catalog(&self) -> Result<Catalog, String> {
        self.with_store(|store| store.catalog())
    }

    /// The status, with the counts of the worker's day (what Today lists).
    pub fn status(&self) -> Result<Status, String> {
        let lang = self.lang();
        let end = self.prefs().day_end;
        self.with_store(|store| store.work_day_status(end.day_of(&now()), end, lang))
    }

    /// The records of the worker's day (a night shift's after midnight
    /// too), sent or not, oldest first.
    pub fn today(&self) -> Result<Vec<Listed>, String> {
        let end = self.prefs().day_end;
        self.with_store(|store| store.list(Listing::WorkDay(end.day_of(&now()), end)))
    }

    /// The last contact of the worker's day still standing: what "repeat" copies and
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
