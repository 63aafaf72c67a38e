//! Applying stored envelopes: open, decode, check, pseudonymize, then
//! record each contact once (by `record_id`) and keep the monthly rollups.
//!
//! An envelope is never lost: a batch that fails (cannot be opened, a
//! record that does not fit the catalog or the protocol's bounds, …) is
//! quarantined with its reason and stays stored; `tournee admin reapply`
//! tries again after a fix. One bad batch never blocks the others. Voids
//! take their target out of every figure, whether they arrive after it, in
//! the same batch, or before it.
//!
//! Once a batch has applied, its ciphertext is dropped in the same
//! transaction: it holds the person codes, sealed to keys the server
//! keeps, and the server promises to keep only pseudonyms. The row keeps
//! the header, the envelope's SHA-256, the device's signature and the
//! receipt, which is all dedup and the audit need. SQLite's `secure_delete`
//! zeroes the freed pages and a checkpoint empties the WAL (see [`db`]), so
//! no copy of the ciphertext stays in the files either.
//!
//! [`db`]: super::db

pub mod prepare;

use super::error::ServerError;
use super::keys::ServerKeys;
use super::ledger::{Ledger, SqliteLedger};
use super::pseudonym::PseudonymKey;
use crate::domain::Catalog;
use crate::domain::report::YearMonth;
use crate::domain::wire::{Envelope, batch};
use prepare::{Prepared, Window, prepare};
use rusqlite::{Connection, params};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApplyReport {
    pub applied: usize,
    pub quarantined: usize,
}

/// Applies one batch's records through any [`Ledger`], its counts
/// written once at the end; idempotent.
pub fn apply_records(
    ledger: &mut impl Ledger,
    device: Uuid,
    records: Vec<Prepared>,
) -> Result<(), ServerError> {
    for record in records {
        match record {
            Prepared::Contact { record_id, facts } => {
                if ledger.contact(record_id)?.is_some() {
                    continue;
                }
                let voided = ledger.voided_in_advance(record_id)?;
                ledger.insert_contact(record_id, device, &facts, voided)?;
                if !voided {
                    ledger.count(&facts, 1)?;
                }
            }
            Prepared::Event { record_id, facts } => {
                if ledger.event(record_id)?.is_some() {
                    continue;
                }
                let voided = ledger.voided_in_advance(record_id)?;
                ledger.insert_event(record_id, device, &facts, voided)?;
                if !voided {
                    ledger.count_event(&facts, 1)?;
                }
            }
            Prepared::Void { record_id, target } => {
                if ledger.void_known(record_id)? {
                    continue;
                }
                ledger.insert_void(record_id, target, device)?;
                if let Some((facts, false)) = ledger.contact(target)? {
                    ledger.mark_voided(target)?;
                    ledger.count(&facts, -1)?;
                } else if let Some((facts, false)) = ledger.event(target)? {
                    ledger.mark_event_voided(target)?;
                    ledger.count_event(&facts, -1)?;
                }
            }
        }
    }
    ledger.flush()
}

/// A phone's clock may run this far ahead of the server's (the same day
/// it allows contacts ahead of its own clock).
const MAX_SEALED_AFTER_RECEIVED_MS: i64 = crate::domain::time::MAX_FUTURE.num_milliseconds();

/// What an organization's batches are checked against when they apply.
pub struct Context<'a> {
    pub keys: &'a ServerKeys,
    pub pseudonyms: &'a PseudonymKey,
    pub catalog: &'a Catalog,
    /// The first month still kept contact by contact (the retention
    /// policy's): older records are refused.
    pub kept_from: Option<YearMonth>,
}

/// Opens and checks one envelope; the error is the quarantine reason.
pub fn open(bytes: &[u8], received_at_ms: i64, context: &Context) -> Result<Vec<Prepared>, String> {
    let envelope = Envelope::decode(bytes).map_err(|e| format!("envelope: {e}"))?;
    let sealed_at_ms = envelope.header.sealed_at_ms;
    if sealed_at_ms > received_at_ms.saturating_add(MAX_SEALED_AFTER_RECEIVED_MS) {
        return Err(format!(
            "sealed-at {} is more than 24 h after the batch was received ({}): \
             the phone's clock was ahead, so its dates cannot be trusted",
            time_text(sealed_at_ms),
            time_text(received_at_ms)
        ));
    }
    let key = context
        .keys
        .sealing_key(&envelope.header.kid)
        .ok_or_else(|| format!("no sealing key {}", hex::encode(envelope.header.kid)))?;
    let plaintext = envelope
        .open(key.secret())
        .map_err(|e| format!("envelope: {e}"))?;
    let records = batch::decode(&plaintext).map_err(|e| format!("batch: {e}"))?;
    let window = Window {
        sealed_at: chrono::DateTime::from_timestamp_millis(sealed_at_ms)
            .ok_or_else(|| format!("sealed-at {sealed_at_ms} ms is not a date"))?
            .fixed_offset(),
        kept_from: context.kept_from,
    };
    prepare(records, context.catalog, window, context.pseudonyms)
}

fn time_text(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map_or_else(|| format!("{ms} ms"), |t| t.to_rfc3339())
}

/// Applies every pending envelope in the order received, then empties the
/// WAL of the ciphertexts just dropped.
pub fn apply_pending(
    conn: &mut Connection,
    keys: &ServerKeys,
    pseudonyms: &PseudonymKey,
) -> Result<ApplyReport, ServerError> {
    let pending: Vec<(Vec<u8>, i64, i64)> = conn
        .prepare(
            "SELECT device_id, seq, received_at FROM envelopes
             WHERE applied_at IS NULL AND quarantined_at IS NULL AND bytes IS NOT NULL
             ORDER BY received_at, device_id, seq",
        )?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut report = ApplyReport::default();
    for (device_bytes, seq, received_at_ms) in pending {
        let device = Uuid::from_slice(&device_bytes)
            .map_err(|_| ServerError::Damaged("device id".into()))?;
        let bytes: Vec<u8> = conn.query_row(
            "SELECT bytes FROM envelopes WHERE device_id = ?1 AND seq = ?2",
            params![device_bytes, seq],
            |r| r.get(0),
        )?;
        let now = chrono::Utc::now().timestamp_millis();
        let opened = stored_context(conn).and_then(|(catalog, kept_from)| {
            let context = Context {
                keys,
                pseudonyms,
                catalog: &catalog,
                kept_from,
            };
            open(&bytes, received_at_ms, &context)
        });
        let outcome = match opened {
            Ok(records) => {
                let tx = conn.transaction()?;
                match apply_records(&mut SqliteLedger::new(&tx), device, records) {
                    Ok(()) => {
                        tx.execute(
                            "UPDATE envelopes SET applied_at = ?1, bytes = NULL WHERE device_id = ?2 AND seq = ?3",
                            params![now, device_bytes, seq],
                        )?;
                        tx.commit()?;
                        Ok(())
                    }
                    // Dropping `tx` rolls the half-applied batch back.
                    Err(ServerError::Sqlite(e)) => return Err(ServerError::Sqlite(e)),
                    Err(other) => Err(other.to_string()),
                }
            }
            Err(reason) => Err(reason),
        };
        match outcome {
            Ok(()) => report.applied += 1,
            Err(reason) => {
                // The reason may quote record values (a zone id): it goes to the
                // database for supervisors, not to the logs.
                tracing::warn!(device = %device, seq, "batch quarantined; see `tournee admin quarantine`");
                conn.execute(
                    "UPDATE envelopes SET quarantined_at = ?1, quarantine_reason = ?2 WHERE device_id = ?3 AND seq = ?4",
                    params![now, reason, device_bytes, seq],
                )?;
                report.quarantined += 1;
            }
        }
    }
    if report.applied > 0 {
        super::db::checkpoint(conn)?;
    }
    Ok(report)
}

/// The catalog and the first month kept, as the data directory's database
/// holds them; a damaged one quarantines the batch, as its own fault would.
fn stored_context(conn: &Connection) -> Result<(Catalog, Option<YearMonth>), String> {
    let catalog = super::db::catalog(conn).map_err(|e| e.to_string())?;
    let kept_from = super::retention::kept_from(conn).map_err(|e| e.to_string())?;
    Ok((catalog, kept_from))
}

/// Puts quarantined batches back in line and applies them again (those
/// whose contents the retention policy destroyed have left quarantine).
pub fn reapply(
    conn: &mut Connection,
    keys: &ServerKeys,
    pseudonyms: &PseudonymKey,
) -> Result<ApplyReport, ServerError> {
    conn.execute(
        "UPDATE envelopes SET quarantined_at = NULL, quarantine_reason = NULL
         WHERE quarantined_at IS NOT NULL AND bytes IS NOT NULL",
        [],
    )?;
    apply_pending(conn, keys, pseudonyms)
}
