//! The apply step off the request: ingest stores a batch, answers its
//! receipt and wakes the applier, which opens and counts every batch
//! waiting, in a task of its own. A phone's upload then waits for one
//! commit, not for its batch to be opened and counted too. [`settled`]
//! waits until every batch stored so far has been through apply (counted
//! or quarantined): the storage door waits for it before it reads, so a
//! page asked for after a receipt shows that receipt's records.
//!
//! A batch is never lost here: it is on disk before its receipt, and one
//! still waiting when the process stops is applied at the next start
//! (`Server::open`). A run that fails (the disk, say) is logged and leaves
//! its batches waiting for the next batch or the next start.
//!
//! [`settled`]: Applier::settled

use crate::server::Parts;
use crate::server::apply::{self, ApplyReport};
use crate::server::db::Db;
use crate::server::error::ServerError;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use tokio::sync::watch;

#[derive(Clone)]
pub struct Applier {
    inner: Arc<Inner>,
}

/// One run of the apply step over every batch waiting, as a backend does it.
pub type Run = Box<
    dyn Fn() -> Pin<Box<dyn Future<Output = Result<ApplyReport, ServerError>> + Send>>
        + Send
        + Sync,
>;

struct Inner {
    run: Run,
    /// Batches stored by this process so far.
    stored: AtomicU64,
    /// How many of them the apply step has been through.
    done: watch::Sender<u64>,
    /// Whether a run is under way or about to start.
    running: AtomicBool,
}

impl Applier {
    /// The embedded backend's: one data directory's batches, on its
    /// connection.
    pub fn sqlite(db: Db, parts: Arc<Parts>) -> Applier {
        Applier::new(Box::new(move || {
            let (db, parts) = (db.clone(), Arc::clone(&parts));
            Box::pin(async move {
                db.call(move |conn| apply::apply_pending(conn, &parts.keys, &parts.pseudonyms))
                    .await
            })
        }))
    }

    pub fn new(run: Run) -> Applier {
        Applier {
            inner: Arc::new(Inner {
                run,
                stored: AtomicU64::new(0),
                done: watch::Sender::new(0),
                running: AtomicBool::new(false),
            }),
        }
    }

    /// One more batch is stored: applies it soon, on the runtime's tasks.
    pub fn stored(&self) {
        self.inner.stored.fetch_add(1, SeqCst);
        if !self.inner.running.swap(true, SeqCst) {
            tokio::spawn(self.clone().run());
        }
    }

    /// Waits until every batch stored before this call has been applied
    /// or quarantined (or its run has failed and been logged).
    pub async fn settled(&self) {
        let target = self.inner.stored.load(SeqCst);
        let mut done = self.inner.done.subscribe();
        // The sender lives as long as `self`: the wait cannot fail.
        let _ = done.wait_for(|&n| n >= target).await;
    }

    /// Applies until no batch came in during the last run.
    async fn run(self) {
        let inner = &self.inner;
        let mut unstuck = Unstuck {
            inner,
            finished: false,
        };
        loop {
            let target = inner.stored.load(SeqCst);
            let applied = (inner.run)().await;
            if let Err(error) = applied {
                tracing::error!(error = %error, "applying batches failed; they stay pending");
            }
            inner.done.send_replace(target);
            inner.running.store(false, SeqCst);
            // A batch stored meanwhile saw this run going and started none:
            // take it, unless another run has started since.
            if inner.stored.load(SeqCst) == target || inner.running.swap(true, SeqCst) {
                unstuck.finished = true;
                return;
            }
        }
    }
}

/// Should a run stop short (a panic outside its database call, which
/// catches its own, or the runtime shutting down), its waiters are
/// released and the next batch starts a new run, rather than every page
/// waiting for good. A panicked task's state is dropped after the unwind,
/// so this is told by a flag, not by `std::thread::panicking`.
struct Unstuck<'a> {
    inner: &'a Inner,
    finished: bool,
}

impl Drop for Unstuck<'_> {
    fn drop(&mut self) {
        if !self.finished {
            tracing::error!("the apply step stopped short; its batches stay pending");
            self.inner.done.send_replace(self.inner.stored.load(SeqCst));
            self.inner.running.store(false, SeqCst);
        }
    }
}
