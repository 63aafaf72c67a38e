//! The sync client: sends sealed batches in sequence order, believes only
//! receipts that verify, then purges what the worker's day no longer
//! needs; fetches the newest signed catalog.
//!
//! The network is assumed hostile or broken at any moment: a captive
//! portal's HTML, a proxy's empty 200, a truncated or forged receipt, a
//! connection cut after the server committed. None of these changes
//! anything on the device; the same bytes are simply sent again later and
//! the server's dedup answers with the same receipt.

use super::error::StoreError;
pub use super::http::Client;
use super::outbox::Unsent;
use super::store::Store;
use super::sync_error::SyncError;
use super::workday::DayEnd;
use crate::domain::Catalog;
use crate::domain::crypto::sign::Purpose;
use crate::domain::wire::enroll::verify_json;
use crate::domain::wire::receipt::{self, Receipt};
use crate::domain::wire::server_address::ServerAddress;
use ring::rand::SecureRandom;
use serde::{Deserialize, Serialize};
use std::time::Duration;

const SYNC_STATE: &str = "sync";

#[derive(Clone, Debug)]
pub struct SyncOptions {
    /// Use this server instead of the enrolled one (a server that moved);
    /// remembered after a successful sync.
    pub server: Option<String>,
    /// Attempts per batch within one sync, for transient failures.
    pub attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// How long after its receipt a delivered record stays readable on the
    /// device, at least (0: until its day is over, see `day_end`).
    pub retention: Duration,
    /// When the worker's day is over: delivered records of the day stay
    /// listed and voidable until then.
    pub day_end: DayEnd,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            server: None,
            attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            retention: Duration::ZERO,
            day_end: DayEnd::DEFAULT,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub sealed: usize,
    pub delivered: usize,
    pub purged: usize,
    pub catalog_version: Option<u32>,
}

/// What the store remembers of syncing, for `status`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    pub last_sync_at: Option<String>,
    pub last_error_kind: Option<String>,
    pub last_error_detail: Option<String>,
}

impl Store {
    pub fn sync_state(&self) -> Result<SyncState, StoreError> {
        Ok(self.value(SYNC_STATE)?.unwrap_or_default())
    }
}

/// Full jitter: a random delay between zero and the capped exponential.
fn backoff(options: &SyncOptions, attempt: u32) -> Duration {
    let cap = options
        .base_delay
        .saturating_mul(1 << attempt.min(16))
        .min(options.max_delay);
    let mut bytes = [0u8; 8];
    let _ = ring::rand::SystemRandom::new().fill(&mut bytes);
    let millis = cap.as_millis().max(1) as u64;
    Duration::from_millis(u64::from_le_bytes(bytes) % millis)
}

/// Checks that `body` is a receipt signed by the server for exactly `envelope`.
fn check_receipt(body: &[u8], envelope: &[u8], server_key: &[u8]) -> Result<Receipt, SyncError> {
    if body.len() != receipt::LEN {
        let start = String::from_utf8_lossy(&body[..body.len().min(64)]).to_ascii_lowercase();
        if start.contains("<html") || start.contains("<!doctype") || body.is_empty() {
            return Err(SyncError::NotTournee(format!(
                "{} bytes instead of a receipt",
                body.len()
            )));
        }
        return Err(SyncError::BadReceipt(format!(
            "{} bytes instead of {}",
            body.len(),
            receipt::LEN
        )));
    }
    let receipt =
        Receipt::verify(body, server_key).map_err(|e| SyncError::BadReceipt(e.to_string()))?;
    if !receipt.covers(envelope) {
        return Err(SyncError::BadReceipt(
            "the receipt is for another batch".into(),
        ));
    }
    Ok(receipt)
}

/// Where a sync finds the store between two network exchanges: a
/// [`Store`] held throughout (`tournee device sync`), or the engine's,
/// which keeps serving taps meanwhile and may lock before the answer
/// comes back ([`SyncError::Locked`]). The store is never borrowed across
/// an exchange.
pub trait StoreAccess {
    fn with<T>(
        &mut self,
        work: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, SyncError>;
}

impl StoreAccess for Store {
    fn with<T>(
        &mut self,
        work: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, SyncError> {
        Ok(work(self)?)
    }
}

/// Sends the batches sealed before, then seals what is pending a batch at
/// a time, sending each; verifies receipts, purges, and refreshes the
/// catalog. Remembers the outcome for `status`.
///
/// A `server` in the options that is not an address is bad input, refused
/// before anything is sealed or sent, and not remembered as a sync problem.
pub async fn sync(store: &mut Store, options: &SyncOptions) -> Result<SyncReport, SyncError> {
    sync_with(store, options).await
}

/// [`sync`] over any [`StoreAccess`], with an HTTP client of its own.
pub async fn sync_with(
    store: &mut impl StoreAccess,
    options: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    let client = Client::new(options)?;
    sync_using(store, &client, options).await
}

/// [`sync_with`] over a client kept between attempts (the engine's way:
/// its connection to the server stays open, its TLS set up once).
pub async fn sync_using(
    store: &mut impl StoreAccess,
    client: &Client,
    options: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    let server = match &options.server {
        Some(text) => Some(ServerAddress::parse(text).map_err(SyncError::BadAddress)?),
        None => None,
    };
    let outcome = run(store, client, options, server).await;
    if matches!(outcome, Err(SyncError::Locked)) {
        // Nothing to remember it in: the store is closed.
        return outcome;
    }
    let remembered = store.with(|store| {
        let mut state = store.sync_state()?;
        match &outcome {
            Ok(_) => {
                state.last_sync_at = Some(
                    chrono::Local::now()
                        .fixed_offset()
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                );
                state.last_error_kind = None;
                state.last_error_detail = None;
            }
            Err(error) => {
                state.last_error_kind = Some(error.kind().to_string());
                state.last_error_detail = Some(error.detail());
                if matches!(error, SyncError::Revoked)
                    && let Some(mut enrollment) = store.enrollment()?
                {
                    enrollment.revoked = true;
                    store.put_enrollment(&enrollment)?;
                }
            }
        }
        store.put_value(SYNC_STATE, &state)
    });
    match remembered {
        Err(SyncError::Locked) | Ok(()) => outcome,
        Err(error) => Err(error),
    }
}

async fn run(
    store: &mut impl StoreAccess,
    client: &Client,
    options: &SyncOptions,
    server: Option<ServerAddress>,
) -> Result<SyncReport, SyncError> {
    let now_ms = || chrono::Utc::now().timestamp_millis();
    let (mut enrollment, batches) = store.with(|store| {
        let enrollment = store.enrollment()?;
        // A shift left open past its day goes out with the night's records.
        store.end_shift_if_day_over(chrono::Local::now().fixed_offset(), options.day_end)?;
        Ok((enrollment, store.unsent_batches()?))
    })?;
    let Some(enrollment_now) = enrollment.as_mut() else {
        return Err(SyncError::NotEnrolled);
    };
    // The enrolled address was checked when it was saved (or, before this
    // check existed, by a server that answered there).
    let server = server.map_or_else(
        || enrollment_now.server_url.trim_end_matches('/').to_string(),
        |s| s.as_str().to_string(),
    );
    let server_key = enrollment_now.signing_key()?;
    let mut report = SyncReport::default();

    // What earlier syncs sealed goes first, in order; then each batch is
    // sealed just before it is sent, so the server counts one while the
    // phone seals the next (sealing all first left the server idle until
    // the last was sealed). A failure leaves the rest pending, sealed at
    // the next sync.
    let mut delivered = deliver(store, client, options, &server, &server_key, batches).await;
    while delivered.outcome.is_ok() {
        let Some(batch) = store.with(|store| store.seal_next(now_ms()))? else {
            break;
        };
        report.sealed += 1;
        let next = deliver(store, client, options, &server, &server_key, vec![batch]).await;
        delivered = Delivered {
            count: delivered.count + next.count,
            outcome: next.outcome,
        };
    }
    report.delivered = delivered.count;
    if delivered.count > 0 {
        // Also when a later batch failed: what was receipted leaves no copy.
        store.with(|store| store.scrub_wal())?;
    }
    delivered.outcome?;
    report.purged = store.with(|store| {
        store.purge_delivered(
            chrono::Local::now().fixed_offset(),
            options.day_end,
            options.retention.as_millis() as i64,
        )
    })?;

    let signed = client.catalog(&server).await?;
    let catalog: Catalog = verify_json(&signed, Purpose::Catalog, &server_key)
        .map_err(|e| SyncError::BadReceipt(format!("catalog: {e}")))?;
    let enrollment = enrollment_now;
    store.with(|store| {
        if catalog.version > store.catalog()?.version && catalog.validate().is_ok() {
            report.catalog_version = Some(catalog.version);
            store.replace_catalog(&catalog)?;
        }
        if enrollment.server_url != server || enrollment.revoked {
            enrollment.server_url = server;
            enrollment.revoked = false;
            store.put_enrollment(enrollment)?;
        }
        Ok(())
    })?;
    Ok(report)
}

/// How far [`deliver`] went: receipts kept, and why it stopped early.
struct Delivered {
    count: usize,
    outcome: Result<(), SyncError>,
}

/// Uploads `batches` in order, keeping each receipt as it comes; stops at
/// the first failure (the rest wait for the next sync, in order).
async fn deliver(
    store: &mut impl StoreAccess,
    client: &Client,
    options: &SyncOptions,
    server: &str,
    server_key: &[u8],
    batches: Vec<Unsent>,
) -> Delivered {
    let now_ms = || chrono::Utc::now().timestamp_millis();
    let mut count = 0;
    for batch in batches {
        let mut attempt = 0;
        let body = loop {
            match client.upload(server, &batch.envelope).await {
                Ok(body) => break body,
                Err(error) if error.is_transient() && attempt + 1 < options.attempts => {
                    super::platform::sleep(backoff(options, attempt)).await;
                    attempt += 1;
                }
                Err(error) => {
                    return Delivered {
                        count,
                        outcome: Err(error),
                    };
                }
            }
        };
        let kept = check_receipt(&body, &batch.envelope, server_key)
            .and_then(|_| store.with(|store| store.mark_delivered(batch.seq, &body, now_ms())));
        if let Err(error) = kept {
            return Delivered {
                count,
                outcome: Err(error),
            };
        }
        count += 1;
    }
    Delivered {
        count,
        outcome: Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_within_the_capped_exponential() {
        let options = SyncOptions::default();
        for attempt in 0..20 {
            let cap = options
                .base_delay
                .saturating_mul(1 << attempt.min(16))
                .min(options.max_delay);
            assert!(backoff(&options, attempt) <= cap);
        }
    }
}
