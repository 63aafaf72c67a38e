//! The engine's messages: what a view asks ([`Command`]), what it gets
//! back ([`Reply`]) and what the engine tells every view unasked
//! ([`Event`]). Plain data with serde, so the same messages cross a
//! thread natively and a Web Worker's `postMessage` in a browser.

use crate::device::prefs::Prefs;
use crate::device::{Listed, Status};
use crate::domain::ids::RecordId;
use crate::domain::{Catalog, Contact, Incident, OpenShift, Overdose};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// One view of the phone (a liveview socket, a window, a browser tab).
pub type ViewId = u64;

/// What a view asks of the engine. PINs travel in the command that needs
/// them and are dropped with it; the engine keeps only the data key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// What this view may show now ([`Snapshot`]).
    Snapshot,
    /// First run: the PIN twice, then an empty store with the default catalog.
    Create {
        pin: String,
        again: String,
    },
    Unlock {
        pin: String,
    },
    /// Locks this view; the key goes when no view is unlocked.
    Lock,
    /// The view is gone (socket closed, window shut).
    CloseView,
    /// A tap: this view's inactivity clock starts again.
    Touch,
    /// Saves a contact; a sync follows a few seconds later.
    Save {
        contact: Contact,
    },
    /// Saves an overdose response; a sync follows as after a contact.
    SaveOverdose {
        overdose: Overdose,
    },
    /// "Début de tournée", or a new team size for the shift under way
    /// (its start stays).
    StartShift {
        shift: OpenShift,
    },
    /// "Fin de tournée": the shift's record joins the outbox.
    EndShift,
    /// Saves a safety incident; a sync follows as after a contact.
    SaveIncident {
        incident: Incident,
    },
    /// Voids a record of the worker's day, sent or not.
    Void {
        target: RecordId,
    },
    /// Starts a sync attempt now, unless one is running.
    SyncNow,
    Enroll {
        server: String,
        code: String,
        label: String,
    },
    /// Seals what waits and writes every unsent batch to a file, for a
    /// supervisor to import by hand.
    Export,
    ChangePin {
        current: String,
        new: String,
        again: String,
    },
    /// Right after unlocking with a PIN the rule now refuses: the new one
    /// twice, the PIN just typed standing for the current one.
    StrengthenPin {
        new: String,
        again: String,
    },
    /// Erases the store once the PIN proves the holder may.
    Wipe {
        pin: String,
    },
    /// The worker's choices (the wrong-PIN count is the engine's own).
    SetPrefs {
        prefs: Prefs,
    },
    /// Counters for `tournee bench`.
    Stats,
}

/// The engine's answer to one command: what was asked, or the message
/// to show the worker, already in their language.
pub type Reply = Result<Answer, String>;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Answer {
    Done,
    Snapshot(Box<Snapshot>),
    /// Whether a sync or an enrollment attempt started.
    Started(bool),
    /// Batches written to a file, and where.
    Exported {
        count: usize,
        file: String,
    },
    Stats(Stats),
}

/// What changed, told to every open view so it asks for a new snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// Records, counts or the catalog (a save or a void in another view,
    /// a sync that delivered).
    Records,
    /// A sync or an enrollment started, progressed or ended.
    Network,
    /// This view or another was locked or unlocked, or the store was
    /// made or wiped.
    Lock,
    Prefs,
}

/// Where the background sync stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncInfo {
    /// An attempt is planned or running.
    pub busy: bool,
    /// It is talking to the server now (what the chip shows).
    pub sending: bool,
    /// The last attempt's outcome: batches delivered, or the message.
    pub last: Option<Result<usize, String>>,
}

/// Where an enrollment stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollInfo {
    pub running: bool,
    /// What the last one said, or what went wrong.
    pub last: Option<Result<String, String>>,
}

/// Everything one view shows, read in one go so that Home and Today are
/// always made of the same records. A locked view gets the prefs and the
/// PIN wait only.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub has_store: bool,
    pub unlocked: bool,
    /// Unlocked with a PIN the rule for new PINs refuses (an old 4-digit store).
    pub weak_pin: bool,
    pub prefs: Prefs,
    /// How long before the next PIN may be tried, if a wait is on.
    pub pin_wait: Option<Duration>,
    pub enrolled: bool,
    /// With the counts of the worker's day.
    pub status: Option<Status>,
    /// The worker's day's records, oldest first, sent or not.
    pub today: Vec<Listed>,
    pub catalog: Option<Catalog>,
    /// The shift under way, if one was started and not ended.
    #[serde(default)]
    pub shift: Option<OpenShift>,
    /// Unix milliseconds of the last receipt.
    pub last_receipt_at: Option<i64>,
    /// Why the store could not be read, if it could not.
    pub problem: Option<String>,
    /// Why this phone's storage cannot be used at all here (in a browser:
    /// another tab holds it, or there is no private file system); while
    /// it is set nothing can be logged, and the app says so.
    pub storage: Option<String>,
    pub sync: SyncInfo,
    pub enroll: EnrollInfo,
}

/// What `tournee bench` reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Keys derived from a PIN on the engine's thread (PBKDF2 runs).
    pub key_derivations: u64,
    /// Sync attempts finished since the engine started.
    pub sync_attempts: u64,
    /// The engine thread's CPU time during the last attempt, where the
    /// platform says.
    pub last_sync_cpu: Option<Duration>,
    /// Views holding the store unlocked now.
    pub unlocked_views: usize,
    /// Whether the data key is in memory.
    pub holds_key: bool,
}
