//! The session of one view of the app (a liveview connection, a desktop
//! window): its client of the engine, and the last [`Snapshot`] the
//! engine gave it, which is what every screen reads while rendering.
//!
//! Screens never reach the store, SQL or HTTP: taps call the async
//! commands here, which go to the engine and then read a new snapshot;
//! the app's root also reads one whenever the engine says something
//! changed (a sync delivered, another view saved, the inactivity lock).
//! Reading from the snapshot keeps rendering synchronous on every
//! renderer, the web's included, where the engine is in another thread.

pub use crate::device::engine::pin_wait_message;
use crate::device::engine::{Answer, Client, Command, Event, Reply, Snapshot, Stats};
pub use crate::device::prefs::{FREE_PIN_TRIES, PinTries, Prefs, Theme};
use crate::device::{Listed, Status, StoreError};
use crate::domain::catalog::Catalog;
use crate::domain::error::{FieldError, Invalid};
use crate::domain::i18n::{Lang, Msg};
use crate::domain::ids::RecordId;
use crate::domain::{Contact, Record};
use chrono::{DateTime, FixedOffset, Local};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Where the app is; the screens of an unlocked phone come after `Home`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    FirstRun,
    /// The overdose response form.
    Overdose,
    /// The safety incident form.
    Incident,
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

/// A cheap handle on one view of a phone; clones are the same view.
#[derive(Clone)]
pub struct Session {
    client: Client,
    /// The last snapshot; `None` until the first one arrived.
    seen: Arc<Mutex<Option<Snapshot>>>,
}

/// Components compare props; two handles are equal when they are one view.
impl PartialEq for Session {
    fn eq(&self, other: &Session) -> bool {
        self.client == other.client
    }
}

pub fn now() -> DateTime<FixedOffset> {
    Local::now().fixed_offset()
}

fn done(reply: Reply) -> Result<(), String> {
    reply.map(drop)
}

impl Session {
    pub(crate) fn over(client: Client) -> Session {
        Session {
            client,
            seen: Arc::new(Mutex::new(None)),
        }
    }

    /// A phone on `home` and a first view of it, locked.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn new(home: &std::path::Path) -> Session {
        super::Phone::new(home).session()
    }

    /// Another view of the same phone, locked.
    pub fn another_view(&self) -> Session {
        Session::over(self.client.another_view())
    }

    fn seen(&self) -> MutexGuard<'_, Option<Snapshot>> {
        // A panic elsewhere must not brick the view: the data is still sound.
        self.seen
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Reads what the snapshot says (the defaults before the first one).
    fn read<T>(&self, look: impl FnOnce(&Snapshot) -> T) -> T {
        match &*self.seen() {
            Some(snapshot) => look(snapshot),
            None => look(&Snapshot::default()),
        }
    }

    /// Whether a snapshot arrived yet: before, the app shows nothing.
    pub fn is_loaded(&self) -> bool {
        self.seen().is_some()
    }

    /// Asks the engine for this view's snapshot.
    pub async fn refresh(&self) {
        if let Ok(Answer::Snapshot(snapshot)) =
            self.client.call(Command::Snapshot, self.lang()).await
        {
            *self.seen() = Some(*snapshot);
        }
    }

    /// Sends a command, then reads the snapshot it changed.
    async fn send(&self, command: Command) -> Reply {
        let reply = self.client.call(command, self.lang()).await;
        self.refresh().await;
        reply
    }

    /// The engine's counters (key derivations, sync attempts, views).
    pub async fn stats(&self) -> Stats {
        match self.client.call(Command::Stats, self.lang()).await {
            Ok(Answer::Stats(stats)) => stats,
            _ => Stats::default(),
        }
    }

    /// The next change the engine reports; `None` once it is gone.
    pub async fn next_event(&self) -> Option<Event> {
        self.client.next_event().await
    }

    /// The screen to show when nothing else was asked for.
    pub fn start_screen(&self) -> Screen {
        if !self.has_store() {
            Screen::FirstRun
        } else if self.is_unlocked() {
            Screen::Home
        } else {
            Screen::Unlock
        }
    }

    pub fn has_store(&self) -> bool {
        self.read(|s| s.has_store)
    }

    pub fn prefs(&self) -> Prefs {
        self.read(|s| s.prefs)
    }

    pub fn lang(&self) -> Lang {
        self.prefs().lang
    }

    pub fn is_unlocked(&self) -> bool {
        self.read(|s| s.unlocked)
    }

    /// Why this phone's storage cannot be used here at all (a browser
    /// tab: the app is open in another one, or no private file system).
    pub fn storage_problem(&self) -> Option<String> {
        self.read(|s| s.storage.clone())
    }

    /// In a browser, whether it granted persistent storage.
    pub fn storage_persisted(&self) -> Option<bool> {
        self.client.storage_persisted()
    }

    /// In a browser, the page's own origin: the server the app came from,
    /// the one it enrolls with.
    pub fn page_origin(&self) -> Option<String> {
        self.client.page_origin()
    }

    /// True when this view was unlocked with a PIN that the rule for new
    /// PINs would refuse: the app asks for a new one.
    pub fn pin_is_weak(&self) -> bool {
        self.read(|s| s.weak_pin)
    }

    /// How long before the next PIN may be tried, if a wait was on at
    /// the last snapshot.
    pub fn pin_wait(&self) -> Option<Duration> {
        self.read(|s| s.pin_wait)
    }

    /// The store could not be read, or this view is locked: the message.
    fn unreadable(&self, s: &Snapshot) -> String {
        s.problem
            .clone()
            .unwrap_or_else(|| StoreError::WrongPin.message(s.prefs.lang))
    }

    pub fn catalog(&self) -> Result<Catalog, String> {
        self.read(|s| s.catalog.clone().ok_or_else(|| self.unreadable(s)))
    }

    /// The status, with the counts of the worker's day (what Today lists).
    pub fn status(&self) -> Result<Status, String> {
        self.read(|s| s.status.clone().ok_or_else(|| self.unreadable(s)))
    }

    /// The records of the worker's day (a night shift's after midnight
    /// too), sent or not, oldest first.
    pub fn today(&self) -> Result<Vec<Listed>, String> {
        self.read(|s| match &s.status {
            Some(_) => Ok(s.today.clone()),
            None => Err(self.unreadable(s)),
        })
    }

    /// Unix milliseconds of the last receipt.
    pub fn last_receipt_at(&self) -> Option<i64> {
        self.read(|s| s.last_receipt_at)
    }

    /// The last contact of the worker's day still standing: what "repeat"
    /// copies and where the zone is remembered from.
    pub fn last_contact(&self) -> Option<Contact> {
        self.read(|s| {
            s.today
                .iter()
                .rev()
                .find_map(|listed| match &listed.record {
                    Record::Contact(contact) if !listed.voided => Some(contact.clone()),
                    _ => None,
                })
        })
    }

    pub fn is_enrolled(&self) -> bool {
        self.read(|s| s.enrolled)
    }

    pub fn is_enrolling(&self) -> bool {
        self.read(|s| s.enroll.running)
    }

    pub fn last_enroll_outcome(&self) -> Option<Result<String, String>> {
        self.read(|s| s.enroll.last.clone())
    }

    /// True while an upload is actually under way (not merely planned).
    pub fn is_syncing(&self) -> bool {
        self.read(|s| s.sync.sending)
    }

    /// A sync attempt is planned or running.
    pub fn sync_busy(&self) -> bool {
        self.read(|s| s.sync.busy)
    }

    /// The outcome of the last sync: batches delivered, or the message.
    pub fn last_sync_outcome(&self) -> Option<Result<usize, String>> {
        self.read(|s| s.sync.last.clone())
    }

    /// First run: the PIN typed twice, then an empty store.
    pub async fn create(&self, pin: &str, again: &str) -> Result<(), String> {
        done(
            self.send(Command::Create {
                pin: pin.into(),
                again: again.into(),
            })
            .await,
        )
    }

    /// Opens the store with `pin` (PBKDF2, in the engine's thread).
    pub async fn unlock(&self, pin: &str) -> Result<(), String> {
        done(self.send(Command::Unlock { pin: pin.into() }).await)
    }

    /// Locks this view only; the key goes when no view is unlocked.
    pub async fn lock(&self) {
        let _ = self.send(Command::Lock).await;
    }

    /// The view is gone (its socket closed, its window shut): locks it
    /// now rather than when the last handle is dropped.
    pub async fn close(&self) {
        let _ = self.client.call(Command::CloseView, self.lang()).await;
    }

    /// A tap happened: this view's inactivity clock starts again.
    pub async fn touch(&self) {
        let _ = self.client.call(Command::Touch, self.lang()).await;
    }

    pub async fn save(&self, contact: &Contact) -> Result<(), String> {
        done(
            self.send(Command::Save {
                contact: contact.clone(),
            })
            .await,
        )
    }

    /// Checks and saves a form; field errors come back for the form.
    pub async fn save_draft(
        &self,
        draft: &crate::domain::ContactDraft,
    ) -> Result<RecordId, SaveError> {
        let catalog = self.catalog().map_err(SaveError::Store)?;
        let contact = draft.parse(&catalog, now()).map_err(SaveError::Fields)?;
        self.save(&contact).await.map_err(SaveError::Store)?;
        Ok(contact.record_id)
    }

    /// Checks and saves an overdose response; field errors come back for
    /// the form.
    pub async fn save_overdose_draft(
        &self,
        draft: &crate::domain::OverdoseDraft,
    ) -> Result<RecordId, SaveError> {
        let catalog = self.catalog().map_err(SaveError::Store)?;
        let overdose = draft.parse(&catalog, now()).map_err(SaveError::Fields)?;
        let record_id = overdose.record_id;
        done(self.send(Command::SaveOverdose { overdose }).await).map_err(SaveError::Store)?;
        Ok(record_id)
    }

    /// The shift under way on this phone, if any.
    pub fn open_shift(&self) -> Option<crate::domain::OpenShift> {
        self.read(|s| s.shift.clone())
    }

    /// "Début de tournée" with `team` workers, or the team changed for
    /// the shift under way.
    pub async fn start_shift(&self, team: u8) -> Result<(), String> {
        let catalog = self.catalog()?;
        let lang = self.lang();
        let shift = crate::domain::OpenShift::start(now(), &team.to_string(), &[], &catalog)
            .map_err(|invalid| invalid.messages(lang).join(" "))?;
        done(self.send(Command::StartShift { shift }).await)
    }

    /// "Fin de tournée".
    pub async fn end_shift(&self) -> Result<(), String> {
        done(self.send(Command::EndShift).await)
    }

    /// Checks and saves an incident; field errors come back for the form.
    pub async fn save_incident_draft(
        &self,
        draft: &crate::domain::IncidentDraft,
    ) -> Result<RecordId, SaveError> {
        let catalog = self.catalog().map_err(SaveError::Store)?;
        let incident = draft.parse(&catalog, now()).map_err(SaveError::Fields)?;
        let record_id = incident.record_id;
        done(self.send(Command::SaveIncident { incident }).await).map_err(SaveError::Store)?;
        Ok(record_id)
    }

    pub async fn void(&self, target: RecordId) -> Result<(), String> {
        done(self.send(Command::Void { target }).await)
    }

    /// Starts a sync now unless one runs; false when the phone is locked
    /// or not enrolled.
    pub async fn sync_now(&self) -> bool {
        matches!(self.send(Command::SyncNow).await, Ok(Answer::Started(true)))
    }

    /// Starts enrolling; the outcome shows in a later snapshot.
    pub async fn enroll(&self, server: &str, code: &str, label: &str) -> bool {
        let command = Command::Enroll {
            server: server.into(),
            code: code.into(),
            label: label.into(),
        };
        matches!(self.send(command).await, Ok(Answer::Started(true)))
    }

    /// Writes every unsent batch to a file; what to tell the worker.
    pub async fn export(&self) -> Result<String, String> {
        match self.send(Command::Export).await? {
            Answer::Exported { count, file } => Ok(crate::domain::i18n::tr(
                self.lang(),
                Msg::Exported,
                &[("count", &count), ("path", &file)],
            )),
            _ => Err(Msg::AppNoResources.text(self.lang()).to_string()),
        }
    }

    /// Settings: the current PIN, then the new one twice. The other views
    /// of the phone lock.
    pub async fn change_pin(&self, current: &str, new: &str, again: &str) -> Result<(), String> {
        let command = Command::ChangePin {
            current: current.into(),
            new: new.into(),
            again: again.into(),
        };
        done(self.send(command).await)
    }

    /// Right after unlocking with a weak PIN: the new one twice.
    pub async fn strengthen_pin(&self, new: &str, again: &str) -> Result<(), String> {
        let command = Command::StrengthenPin {
            new: new.into(),
            again: again.into(),
        };
        done(self.send(command).await)
    }

    /// Erases the store once the PIN proves the holder may.
    pub async fn wipe(&self, pin: &str) -> Result<(), String> {
        done(self.send(Command::Wipe { pin: pin.into() }).await)
    }

    /// Changes the worker's choices (for every view of the phone); the
    /// engine keeps them for the next start.
    pub async fn update_prefs(&self, change: impl FnOnce(&mut Prefs)) {
        if !self.is_loaded() {
            self.refresh().await;
        }
        let mut prefs = self.prefs();
        change(&mut prefs);
        let _ = self.send(Command::SetPrefs { prefs }).await;
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

    /// Forgets what was said about `field`.
    pub fn settle(&mut self, field: crate::domain::error::Field) {
        if let SaveError::Fields(invalid) = self {
            invalid.0.retain(|e| e.field != field);
        }
    }
}
