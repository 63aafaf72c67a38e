//! Work that must never block a tap: sync, which runs by itself at start,
//! a few seconds after a save, periodically and on demand; enrollment;
//! and the PIN's key derivation ([`off_ui`]).
//!
//! Each attempt runs on its own thread with its own small tokio runtime
//! and its own connection to the store (SQLite in WAL mode lets the UI's
//! connection keep saving meanwhile). One attempt at a time: a request
//! while one runs is dropped, since the running one will send everything.

use super::phone::Phone;
use super::state::Session;
use crate::device::{Client, Pin, Store, SyncOptions, sync};
use crate::domain::i18n::{Msg, tr};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Where the background sync stands, shared by every view of the phone.
#[derive(Default)]
pub struct SyncFlags {
    /// An attempt is planned or running; a second one is not started.
    busy: AtomicBool,
    /// The attempt is talking to the server now (what the chip shows).
    pub(super) sending: AtomicBool,
    /// Asked for while busy: run once more at the end, so a contact saved
    /// during an upload does not wait for the next period.
    again: AtomicBool,
    pub(super) last: Mutex<Option<Result<usize, String>>>,
}

impl SyncFlags {
    /// An attempt is planned or running.
    pub fn busy(&self) -> bool {
        self.busy.load(Ordering::SeqCst)
    }
}

/// How long after a save to wait, so a burst of saves makes one upload.
pub const AFTER_SAVE: Duration = Duration::from_secs(5);
/// How often to try while the app is open.
pub const PERIOD: Duration = Duration::from_secs(5 * 60);

/// Starts one sync attempt now, unless one is running or the phone is
/// locked or not enrolled. Returns whether an attempt started.
pub fn sync_now(session: &Session) -> bool {
    start(session, Duration::ZERO)
}

/// Starts an attempt after `AFTER_SAVE`.
pub fn sync_soon(session: &Session) -> bool {
    start(session, AFTER_SAVE)
}

fn start(session: &Session, delay: Duration) -> bool {
    let enrolled = session
        .with_store(|store| store.enrollment())
        .ok()
        .flatten()
        .is_some();
    let Some(pin) = session.pin_copy() else {
        return false;
    };
    if !enrolled {
        return false;
    }
    let flags = session.sync_flags();
    if flags.busy.swap(true, Ordering::SeqCst) {
        flags.again.store(true, Ordering::SeqCst);
        return false;
    }
    let worker = session.clone();
    let spawned = std::thread::Builder::new()
        .name("tournee-sync".into())
        .spawn(move || {
            std::thread::sleep(delay);
            let flags = worker.sync_flags();
            loop {
                flags.sending.store(true, Ordering::SeqCst);
                let outcome = attempt(&worker, &pin);
                *flags.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
                flags.sending.store(false, Ordering::SeqCst);
                if !flags.again.swap(false, Ordering::SeqCst) {
                    break;
                }
            }
            flags.busy.store(false, Ordering::SeqCst);
        });
    if spawned.is_err() {
        session.sync_flags().busy.store(false, Ordering::SeqCst);
        return false;
    }
    true
}

/// This thread's own connection to the store, and a small runtime for one
/// network exchange; failures in the worker's language.
fn open_for_network(
    session: &Session,
    pin: &str,
) -> Result<(Store, tokio::runtime::Runtime), String> {
    let lang = session.lang();
    let pin = Pin::parse(pin).map_err(|e| e.message(lang))?;
    let store = Store::open(session.home(), &pin).map_err(|e| e.message(lang))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|_| Msg::AppNoResources.text(lang).to_string())?;
    Ok((store, runtime))
}

/// The defaults, with the worker's own end of day.
fn options(session: &Session) -> SyncOptions {
    SyncOptions {
        day_end: session.prefs().day_end,
        ..SyncOptions::default()
    }
}

fn attempt(session: &Session, pin: &str) -> Result<usize, String> {
    let lang = session.lang();
    let (mut store, runtime) = open_for_network(session, pin)?;
    runtime
        .block_on(sync(&mut store, &options(session)))
        .map(|report| report.delivered)
        .map_err(|e| e.message(lang))
}

/// Runs `work` on a thread of its own and resolves with its result, so
/// PBKDF2's 600,000 rounds (a tenth of a second on a laptop, a second or
/// more on an old phone) never freeze the screen. Any executor can await
/// it (liveview's, the desktop's, a test's): it needs no tokio runtime.
/// `None` in the rare case the thread could not start or `work` panicked.
pub async fn off_ui<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (done, outcome) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("tournee-pin".into())
        .spawn(move || {
            let _ = done.send(work());
        })
        .ok()?;
    // The sender is only dropped unsent if `work` panicked.
    outcome.await.ok()
}

/// Enrolls this phone on its own thread; the outcome lands in the
/// session for the screen to show. Returns whether an attempt started.
pub fn enroll(session: &Session, server: &str, code: &str, label: &str) -> bool {
    let Some(pin) = session.pin_copy() else {
        return false;
    };
    let (running, _) = session.shared_enroll_state();
    if running.swap(true, Ordering::SeqCst) {
        return false;
    }
    let worker = session.clone();
    let (server, code, label) = (
        server.trim().to_string(),
        code.to_string(),
        label.to_string(),
    );
    let spawned = std::thread::Builder::new()
        .name("tournee-enroll".into())
        .spawn(move || {
            let outcome = enroll_now(&worker, &pin, &server, &code, &label);
            let (running, last) = worker.shared_enroll_state();
            *last.lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
            running.store(false, Ordering::SeqCst);
        });
    if spawned.is_err() {
        session
            .shared_enroll_state()
            .0
            .store(false, Ordering::SeqCst);
        return false;
    }
    true
}

fn enroll_now(
    session: &Session,
    pin: &str,
    server: &str,
    code: &str,
    label: &str,
) -> Result<String, String> {
    let lang = session.lang();
    let (mut store, runtime) = open_for_network(session, pin)?;
    let client = Client::new(&SyncOptions::default()).map_err(|e| e.message(lang))?;
    let enrolled = runtime
        .block_on(crate::device::enroll(
            &mut store, &client, server, code, label,
        ))
        .map_err(|e| e.message(lang))?;
    Ok(tr(
        lang,
        Msg::Enrolled,
        &[("value", &enrolled.org_name), ("id", &enrolled.device_id)],
    ))
}

/// The periodic loop: one thread for the life of the process, trying a
/// sync every [`PERIOD`] with the PIN of any unlocked view of the phone.
/// It also enforces the inactivity lock of every view, even one no
/// screen is ticking for, so the data key does not stay in memory after
/// the worker walked away.
pub fn run_periodically(phone: Phone) {
    const TICK: Duration = Duration::from_secs(5);
    let _ = std::thread::Builder::new()
        .name("tournee-sync-timer".into())
        .spawn(move || {
            let mut since_sync = Duration::ZERO;
            loop {
                std::thread::sleep(TICK);
                phone.lock_idle();
                since_sync += TICK;
                if since_sync >= PERIOD {
                    since_sync = Duration::ZERO;
                    if let Some(session) = phone.unlocked_session() {
                        sync_now(&session);
                    }
                }
            }
        });
}
