//! What one phone shares among every view of the app (each liveview
//! connection, a desktop window): its home directory, the worker's
//! preferences, the wrong-PIN count and wait, background sync and
//! enrollment.
//!
//! An unlocked store is not shared: it belongs to the [`Session`] of the
//! view that typed the PIN. A new view starts locked whatever the others
//! did, and locking one leaves the others as they were. The wrong-PIN
//! wait is the phone's, so opening one more connection does not start
//! the count over, and PIN steps run one at a time on a phone, so a
//! hundred connections trying at once still meet the wait after the
//! fifth wrong PIN.

use super::background::SyncFlags;
use super::prefs::{PinTries, Prefs};
use super::state::{Session, View};
use crate::device::Store;
use crate::domain::i18n::Lang;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

struct Shared {
    home: PathBuf,
    prefs: Mutex<Prefs>,
    /// The last wrong PIN on this process's monotonic clock: moving the
    /// phone's wall clock forward does not shorten a wait begun here.
    last_wrong_pin: Mutex<Option<Instant>>,
    /// Held by a PIN step from the wait check to its outcome.
    pin_gate: Mutex<()>,
    sync: SyncFlags,
    enrolling: AtomicBool,
    /// What the enrollment said, or what went wrong.
    last_enroll: Mutex<Option<Result<String, String>>>,
    /// Every view opened on this phone and not yet gone: the timer locks
    /// the idle ones and the periodic sync borrows an unlocked one's PIN.
    views: Mutex<Vec<Weak<View>>>,
}

/// A cheap handle on one phone, shared by all its views.
#[derive(Clone)]
pub struct Phone(Arc<Shared>);

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not brick the phone: the data is still sound.
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Phone {
    pub fn new(home: &Path) -> Phone {
        Phone(Arc::new(Shared {
            home: home.to_path_buf(),
            prefs: Mutex::new(Prefs::load(home)),
            last_wrong_pin: Mutex::new(None),
            pin_gate: Mutex::new(()),
            sync: SyncFlags::default(),
            enrolling: AtomicBool::new(false),
            last_enroll: Mutex::new(None),
            views: Mutex::new(Vec::new()),
        }))
    }

    /// A new view of this phone (a connection, a window): locked.
    pub fn session(&self) -> Session {
        let view = Arc::new(View::default());
        let mut views = lock(&self.0.views);
        views.retain(|v| v.strong_count() > 0);
        views.push(Arc::downgrade(&view));
        drop(views);
        Session::from_parts(self.clone(), view)
    }

    pub fn home(&self) -> &Path {
        &self.0.home
    }

    pub fn has_store(&self) -> bool {
        Store::exists(&self.0.home)
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

    /// Runs one PIN step (unlock, create) with no other on this phone
    /// meanwhile, so the wait it checks first still holds at its end.
    pub(super) fn one_pin_step<T>(&self, step: impl FnOnce() -> T) -> T {
        let _gate = lock(&self.0.pin_gate);
        step()
    }

    pub(super) fn wrong_pin(&self) {
        *lock(&self.0.last_wrong_pin) = Some(Instant::now());
        self.update_prefs(|p| p.pin_tries.wrong(unix_now()));
    }

    pub(super) fn right_pin(&self) {
        *lock(&self.0.last_wrong_pin) = None;
        if self.prefs().pin_tries != PinTries::default() {
            self.update_prefs(|p| p.pin_tries = PinTries::default());
        }
    }

    /// The views still open, forgetting the gone ones.
    fn views(&self) -> Vec<Arc<View>> {
        let mut views = lock(&self.0.views);
        views.retain(|v| v.strong_count() > 0);
        views.iter().filter_map(Weak::upgrade).collect()
    }

    /// How many views hold the data key now.
    pub fn unlocked_sessions(&self) -> usize {
        self.views().iter().filter(|v| v.is_unlocked()).count()
    }

    /// One unlocked view, for work that needs the store with no view
    /// asking (the periodic sync).
    pub fn unlocked_session(&self) -> Option<Session> {
        self.views()
            .into_iter()
            .find(|v| v.is_unlocked())
            .map(|view| Session::from_parts(self.clone(), view))
    }

    /// Locks every view idle longer than the chosen delay.
    pub fn lock_idle(&self) {
        let after = self.prefs().lock_after;
        for view in self.views() {
            view.lock_if_idle(after);
        }
    }

    /// Locks every view but `keep` (none if `None`): after the store was
    /// wiped or its PIN changed, what the others hold is stale.
    pub(super) fn lock_others(&self, keep: Option<&Arc<View>>) {
        for view in self.views() {
            if keep.is_none_or(|kept| !Arc::ptr_eq(kept, &view)) {
                view.lock();
            }
        }
    }

    pub fn sync_flags(&self) -> &SyncFlags {
        &self.0.sync
    }

    pub(super) fn enroll_state(&self) -> (&AtomicBool, &Mutex<Option<Result<String, String>>>) {
        (&self.0.enrolling, &self.0.last_enroll)
    }
}
