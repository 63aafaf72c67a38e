//! The engine: one per phone home, the only holder of its store's
//! connection, of the data key while a view is unlocked, of the outbox
//! and of the sync loop. Views (a liveview socket, a window, a browser
//! tab) drive it with [`Command`]s and get [`Reply`]s; it tells them what
//! changed with [`Event`]s. Every message is plain data.
//!
//! The engine is single-threaded: natively it runs on a thread of its own
//! ([`native`]), in a browser it will run in a dedicated Web Worker. One
//! command is handled at a time, so PIN steps cannot race; network work
//! runs as tasks on the same thread and touches the store only between
//! exchanges ([`crate::device::sync::StoreAccess`]), so a save never
//! waits for the network.
//!
//! Locking is per view: a new view starts locked whatever the others did,
//! and the data key is forgotten as soon as no view is unlocked (lock
//! button, inactivity, closed socket). The key is derived from the PIN
//! only by unlock, create, a PIN change and wipe: sync, enrollment and
//! export use the open store.

mod commands;
pub mod message;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
mod snapshot;
mod tasks;
#[cfg(test)]
mod tests;

pub use commands::pin_wait_message;
pub use message::{Answer, Command, EnrollInfo, Event, Reply, Snapshot, Stats, SyncInfo, ViewId};
#[cfg(not(target_arch = "wasm32"))]
pub use native::{Client, EngineHandle};
#[cfg(all(target_arch = "wasm32", feature = "web"))]
pub mod web;
#[cfg(all(target_arch = "wasm32", feature = "web"))]
pub use web::{Client, EngineHandle};

use super::platform::Instant;
use super::prefs::Prefs;
use super::store::{Location, Store};
use super::sync::SyncOptions;
use std::cell::{RefCell, RefMut};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

/// How the engine paces its background work.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// The base of every sync (timeouts, retries, `--keep-days`); the
    /// worker's end of day comes from the prefs.
    pub sync: SyncOptions,
    /// How long after a save to sync, so a burst of saves makes one upload.
    pub after_save: Duration,
    /// How often to sync while a view is unlocked.
    pub period: Duration,
    /// How often the engine checks its clocks (inactivity, planned syncs).
    pub tick: Duration,
    /// How long after a failed attempt (no signal, server down) to try
    /// again; doubled at each failure in a row, up to `period`.
    pub retry: Duration,
}

impl Default for EngineOptions {
    fn default() -> EngineOptions {
        EngineOptions {
            sync: SyncOptions::default(),
            after_save: Duration::from_secs(5),
            period: Duration::from_secs(5 * 60),
            tick: Duration::from_secs(1),
            retry: Duration::from_secs(15),
        }
    }
}

/// The store in the phone's home natively; in a browser, the default
/// name in the OPFS pool (the home there only names the prefs).
fn store_location(home: &Path) -> Location {
    #[cfg(not(target_arch = "wasm32"))]
    return Location::from(home);
    #[cfg(target_arch = "wasm32")]
    {
        let _ = home;
        Location::default()
    }
}

/// A handle on the engine's state; clones are the same engine. Not `Send`:
/// it lives on the engine's thread (or worker) only.
#[derive(Clone)]
pub struct Engine(Rc<RefCell<State>>);

/// The open store and what the PIN that opened it said.
struct Open {
    store: Store,
    /// The PIN would be refused as a new one (an old 4-digit store).
    weak: bool,
}

/// What the engine knows of one view.
struct View {
    unlocked: bool,
    last_activity: Instant,
    tell: Box<dyn Fn(Event)>,
}

struct State {
    /// Where the prefs and exports live (natively, the store's folder).
    home: PathBuf,
    /// Where the store lives.
    location: Location,
    options: EngineOptions,
    prefs: Prefs,
    open: Option<Open>,
    views: BTreeMap<ViewId, View>,
    /// The last wrong PIN on the engine's monotonic clock: moving the
    /// phone's wall clock forward does not shorten a wait begun here.
    last_wrong_pin: Option<Instant>,
    sync: SyncInfo,
    /// Asked for while an attempt runs: one more at its end, so a contact
    /// saved during an upload does not wait for the next period.
    sync_again: bool,
    /// A planned attempt (a few seconds after a save).
    sync_due: Option<Instant>,
    next_periodic: Instant,
    /// Attempts that failed in a row: the next retry waits longer.
    failed_syncs: u32,
    enroll: EnrollInfo,
    stats: Stats,
    http: Option<super::Client>,
}

impl Engine {
    /// The engine of the phone whose home is `home` (created at first run).
    pub fn new(home: &Path, options: EngineOptions) -> Engine {
        let now = Instant::now();
        Engine(Rc::new(RefCell::new(State {
            home: home.to_path_buf(),
            location: store_location(home),
            prefs: Prefs::load(home),
            next_periodic: now + options.period,
            failed_syncs: 0,
            options,
            open: None,
            views: BTreeMap::new(),
            last_wrong_pin: None,
            sync: SyncInfo::default(),
            sync_again: false,
            sync_due: None,
            enroll: EnrollInfo::default(),
            stats: Stats::default(),
            http: None,
        })))
    }

    fn state(&self) -> RefMut<'_, State> {
        self.0.borrow_mut()
    }

    /// A new view, locked; `tell` receives what changes from now on.
    pub fn open_view(&self, view: ViewId, tell: impl Fn(Event) + 'static) {
        self.state().views.insert(
            view,
            View {
                unlocked: false,
                last_activity: Instant::now(),
                tell: Box::new(tell),
            },
        );
    }

    /// How many views hold the store unlocked now.
    pub fn unlocked_views(&self) -> usize {
        self.state().views.values().filter(|v| v.unlocked).count()
    }

    /// Whether the data key is in memory.
    pub fn holds_key(&self) -> bool {
        self.state().open.is_some()
    }

    /// Checks the clocks forever: inactivity locks, planned and periodic
    /// syncs. Runs beside the commands, on the engine's thread.
    pub async fn run_timers(self) {
        loop {
            let tick = self.state().options.tick;
            super::platform::sleep(tick).await;
            self.tick();
        }
    }

    /// One look at the clocks.
    pub fn tick(&self) {
        let now = Instant::now();
        let locked = {
            let mut state = self.state();
            let after = state.prefs.lock_after;
            let mut locked = false;
            for view in state.views.values_mut() {
                if view.unlocked && now.duration_since(view.last_activity) >= after {
                    view.unlocked = false;
                    locked = true;
                }
            }
            locked
        };
        if locked {
            self.forget_key_if_unused();
            self.tell_all(Event::Lock);
        }
        let due = {
            let state = self.state();
            state.open.is_some()
                && (state.sync_due.is_some_and(|at| at <= now) || state.next_periodic <= now)
        };
        if due {
            self.start_sync();
        }
    }

    /// Tells every view what changed.
    fn tell_all(&self, event: Event) {
        for view in self.state().views.values() {
            (view.tell)(event);
        }
    }

    /// Tells every view but the one whose command made the change: that
    /// one reads its snapshot after the reply anyway.
    fn tell_others(&self, from: ViewId, event: Event) {
        for (id, view) in self.state().views.iter() {
            if *id != from {
                (view.tell)(event);
            }
        }
    }

    /// No view is unlocked: the store closes and the data key leaves memory.
    fn forget_key_if_unused(&self) {
        let mut state = self.state();
        if !state.views.values().any(|v| v.unlocked) {
            state.open = None;
        }
    }
}
