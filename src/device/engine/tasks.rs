//! The engine's network work: sync attempts and enrollment, run as tasks
//! on the engine's thread. They reach the store through the engine
//! between exchanges, never across one, so taps are served meanwhile;
//! if every view locked in between, the store is closed and the attempt
//! stops there ([`SyncError::Locked`]).

use super::Engine;
use super::message::Event;
use crate::device::platform::{Instant, spawn_local, thread_cpu_time};
use crate::device::sync::{StoreAccess, SyncOptions, sync_using};
use crate::device::{Client, Store, StoreError, SyncError};
use crate::domain::i18n::{Msg, tr};

/// The engine's open store, as the sync and enrollment see it.
struct EngineStore(Engine);

impl StoreAccess for EngineStore {
    fn with<T>(
        &mut self,
        work: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, SyncError> {
        let mut state = self.0.state();
        let open = state.open.as_mut().ok_or(SyncError::Locked)?;
        Ok(work(&mut open.store)?)
    }
}

/// After `failures` failed attempts in a row: `first`, doubled each time,
/// never past `cap`.
fn retry_wait(
    first: std::time::Duration,
    failures: u32,
    cap: std::time::Duration,
) -> std::time::Duration {
    let doublings = failures.saturating_sub(1).min(16);
    first.saturating_mul(1u32 << doublings).min(cap)
}

impl super::State {
    /// The engine's HTTP client, made at its first use and kept: one
    /// connection pool and one TLS setup for the life of the engine.
    fn http(&mut self) -> Result<Client, SyncError> {
        if self.http.is_none() {
            self.http = Some(Client::new(&self.options.sync)?);
        }
        Ok(self.http.clone().expect("just made"))
    }
}

impl Engine {
    /// Starts a sync attempt now unless the store is closed or not
    /// enrolled; while one runs, asks it for one more round. Returns
    /// whether an attempt is under way.
    pub(super) fn start_sync(&self) -> bool {
        let mut state = self.state();
        let enrolled = state
            .open
            .as_ref()
            .is_some_and(|open| matches!(open.store.enrollment(), Ok(Some(_))));
        if !enrolled {
            return false;
        }
        state.sync_due = None;
        state.next_periodic = Instant::now() + state.options.period;
        if state.sync.busy {
            state.sync_again = true;
            return true;
        }
        state.sync.busy = true;
        drop(state);
        spawn_local(self.clone().sync_rounds());
        true
    }

    async fn sync_rounds(self) {
        loop {
            let (options, client) = {
                let mut state = self.state();
                state.sync.sending = true;
                let options = SyncOptions {
                    day_end: state.prefs.day_end,
                    ..state.options.sync.clone()
                };
                (options, state.http())
            };
            self.tell_all(Event::Network);
            let cpu = thread_cpu_time();
            let outcome = match client {
                Ok(client) => sync_using(&mut EngineStore(self.clone()), &client, &options).await,
                Err(error) => Err(error),
            };
            let again = {
                let mut state = self.state();
                let lang = state.lang();
                state.stats.sync_attempts += 1;
                state.stats.last_sync_cpu = cpu
                    .zip(thread_cpu_time())
                    .map(|(start, end)| end.saturating_sub(start));
                state.sync.sending = false;
                state.sync.last = Some(
                    outcome
                        .as_ref()
                        .map(|report| report.delivered)
                        .map_err(|e| e.message(lang)),
                );
                match &outcome {
                    Ok(_) => state.failed_syncs = 0,
                    Err(SyncError::Locked) => {}
                    // The signal or the server will be back: try again
                    // soon rather than at the next period.
                    Err(_) => {
                        state.failed_syncs = state.failed_syncs.saturating_add(1);
                        let wait = retry_wait(
                            state.options.retry,
                            state.failed_syncs,
                            state.options.period,
                        );
                        let at = Instant::now() + wait;
                        state.sync_due = Some(state.sync_due.map_or(at, |due| due.min(at)));
                    }
                }
                let again = std::mem::take(&mut state.sync_again) && state.open.is_some();
                if !again {
                    state.sync.busy = false;
                }
                again
            };
            let delivered = matches!(outcome, Ok(ref report) if report.delivered > 0 || report.catalog_version.is_some());
            self.tell_all(if delivered {
                Event::Records
            } else {
                Event::Network
            });
            if !again {
                return;
            }
        }
    }

    /// Starts enrolling with `server` unless an enrollment runs already.
    pub(super) fn start_enroll(&self, server: String, code: String, label: String) -> bool {
        let mut state = self.state();
        if state.enroll.running {
            return false;
        }
        state.enroll.running = true;
        drop(state);
        let engine = self.clone();
        spawn_local(async move {
            let lang = engine.state().lang();
            let client = engine.state().http();
            let outcome = async {
                let client = client?;
                let mut store = EngineStore(engine.clone());
                crate::device::enroll(&mut store, &client, server.trim(), &code, &label).await
            }
            .await
            .map(|enrolled| {
                tr(
                    lang,
                    Msg::Enrolled,
                    &[("value", &enrolled.org_name), ("id", &enrolled.device_id)],
                )
            })
            .map_err(|e| e.message(lang));
            let enrolled = outcome.is_ok();
            {
                let mut state = engine.state();
                state.enroll.running = false;
                state.enroll.last = Some(outcome);
            }
            engine.tell_all(Event::Records);
            if enrolled {
                // What was logged offline goes out now.
                engine.start_sync();
            }
        });
        true
    }
}

#[cfg(test)]
mod tests {
    use super::retry_wait;
    use std::time::Duration;

    #[test]
    fn a_failed_sync_is_retried_sooner_then_later_never_past_the_period() {
        let (first, cap) = (Duration::from_secs(15), Duration::from_secs(300));
        let waits: Vec<u64> = (1..=7)
            .map(|n| retry_wait(first, n, cap).as_secs())
            .collect();
        assert_eq!(waits, [15, 30, 60, 120, 240, 300, 300]);
        assert_eq!(retry_wait(first, u32::MAX, cap), cap);
    }
}
