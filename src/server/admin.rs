//! The supervisor's operations on a data directory, without a network: the
//! `tournee admin` commands and the tests call these. They may run while
//! the server is up; SQLite's WAL and busy timeout let both write in turn,
//! and the server reads revocations and codes from the database on every
//! request, so a change here takes effect at once.

use super::apply::{self, ApplyReport};
use super::enroll;
use super::error::ServerError;
use super::ingest::{self, IngestError, SignedReceipt};
use super::pseudonym::PseudonymKey;
use super::queries::{self, AlertRow, DeviceRow, StoredBatch};
use super::retention::{self, Plan, Policy};
use super::supervisors::{self, Password, SupervisorError, SupervisorName, SupervisorRow};
use super::tally;
use super::{db, key_changes, now_ms, open_parts};
use crate::domain::report::{Tally, YearMonth};
use crate::domain::wire::Envelope;
use crate::domain::wire::enroll::decode_hand_file;
use std::path::Path;
use uuid::Uuid;

/// Creates a one-time enrollment code valid `ttl_hours` ([`enroll::DEFAULT_TTL_HOURS`]
/// in the CLI; 0 makes a code that is already expired) and returns its text,
/// `ABCDEF-GHIJKL-…`, to show the person enrolling a phone.
pub fn create_enroll_code(
    data_dir: &Path,
    label: &str,
    ttl_hours: u32,
) -> Result<String, ServerError> {
    let (keys, conn) = open_parts(data_dir)?;
    let code = enroll::create_code(&conn, &keys, label, ttl_hours, now_ms())?;
    Ok(code.to_text())
}

/// Revokes a device: its next upload is refused with 403. Revoking twice
/// keeps the first time.
pub fn revoke_device(data_dir: &Path, device_id: Uuid) -> Result<(), ServerError> {
    let conn = db::open(data_dir)?;
    if queries::revoke_device(&conn, device_id, now_ms())? {
        tracing::info!(device = %device_id, "device revoked");
        Ok(())
    } else {
        Err(ServerError::UnknownDevice(device_id))
    }
}

/// Every enrolled device, oldest first, with its count of stored batches.
pub fn list_devices(data_dir: &Path) -> Result<Vec<DeviceRow>, ServerError> {
    Ok(queries::devices(&db::open(data_dir)?)?)
}

/// Every alert (equivocations), oldest first.
pub fn list_alerts(data_dir: &Path) -> Result<Vec<AlertRow>, ServerError> {
    Ok(queries::alerts(&db::open(data_dir)?)?)
}

/// What became of one envelope of a hand-delivery file.
#[derive(Debug)]
pub struct ImportedBatch {
    /// The sequence number and batch id, when the header could be read.
    pub seq: Option<u64>,
    pub batch_id: Option<Uuid>,
    pub result: Result<SignedReceipt, IngestError>,
}

/// Imports a hand-delivery file: each envelope goes through the same
/// checks and dedup as an HTTP upload, in its own transaction, so one bad
/// envelope does not keep the others out. A file that is not a hand-delivery
/// file at all imports nothing.
pub fn import_batches(data_dir: &Path, file: &[u8]) -> Result<Vec<ImportedBatch>, ServerError> {
    let envelopes = decode_hand_file(file).map_err(ServerError::HandFile)?;
    let (keys, mut conn) = open_parts(data_dir)?;
    let imported = envelopes
        .into_iter()
        .map(|bytes| {
            let header = Envelope::decode(bytes).ok().map(|e| e.header);
            ImportedBatch {
                seq: header.as_ref().map(|h| h.seq),
                batch_id: header.as_ref().map(|h| h.batch_id),
                result: ingest::ingest(&mut conn, &keys, bytes, now_ms()),
            }
        })
        .collect();
    apply::apply_pending(&mut conn, &keys, &PseudonymKey::load_or_create(data_dir)?)?;
    Ok(imported)
}

/// Applies stored batches not yet applied (normally done at once by the
/// server; this catches up after a crash or an import).
pub fn apply_pending(data_dir: &Path) -> Result<ApplyReport, ServerError> {
    let (keys, mut conn) = open_parts(data_dir)?;
    apply::apply_pending(&mut conn, &keys, &PseudonymKey::load_or_create(data_dir)?)
}

/// Retries every quarantined batch (after the catalog or the server was fixed).
pub fn reapply(data_dir: &Path) -> Result<ApplyReport, ServerError> {
    let (keys, mut conn) = open_parts(data_dir)?;
    apply::reapply(&mut conn, &keys, &PseudonymKey::load_or_create(data_dir)?)
}

/// A batch that failed to apply, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quarantined {
    pub device_id: Uuid,
    pub seq: u64,
    pub received_at_ms: i64,
    pub reason: String,
}

pub fn quarantined(data_dir: &Path) -> Result<Vec<Quarantined>, ServerError> {
    let conn = db::open(data_dir)?;
    let mut statement = conn.prepare(
        "SELECT device_id, seq, received_at, quarantine_reason FROM envelopes
         WHERE quarantined_at IS NOT NULL ORDER BY received_at",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(Quarantined {
            device_id: Uuid::from_slice(&row.get::<_, Vec<u8>>(0)?).unwrap_or_default(),
            seq: row.get::<_, i64>(1)? as u64,
            received_at_ms: row.get(2)?,
            reason: row.get::<_, Option<String>>(3)?.unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replaces the organization's catalog (validated first). Phones get it at
/// their next sync when its version is higher than theirs.
pub fn replace_catalog(
    data_dir: &Path,
    catalog: &crate::domain::Catalog,
) -> Result<(), ServerError> {
    catalog
        .validate()
        .map_err(|e| ServerError::Damaged(format!("catalog: {e}")))?;
    let conn = db::open(data_dir)?;
    conn.execute(
        "UPDATE settings SET value = ?1 WHERE name = ?2",
        (
            serde_json::to_string(catalog).expect("catalog serializes"),
            db::CATALOG,
        ),
    )?;
    Ok(())
}

/// Record ids of the contacts applied from these devices (for checking a
/// simulation against what it generated).
pub fn contact_ids(
    data_dir: &Path,
    devices: &[Uuid],
) -> Result<Vec<crate::domain::RecordId>, ServerError> {
    let conn = db::open(data_dir)?;
    let mut statement = conn.prepare("SELECT record_id FROM contacts WHERE device_id = ?1")?;
    let mut ids = Vec::new();
    for device in devices {
        let rows = statement.query_map([device.as_bytes().as_slice()], |row| {
            row.get::<_, [u8; 16]>(0)
        })?;
        for bytes in rows {
            ids.push(crate::domain::RecordId::from_bytes(bytes?));
        }
    }
    Ok(ids)
}

/// Contacts counted by the rollups and live contact rows, over the months
/// still kept contact by contact: equal unless something was counted twice
/// or missed.
pub fn rollup_check(data_dir: &Path) -> Result<(u64, u64), ServerError> {
    let conn = db::open(data_dir)?;
    let from = retention::kept_from(&conn)?.map_or_else(String::new, |m| m.to_string());
    let counted: i64 = conn.query_row(
        "SELECT coalesce(sum(contacts), 0) FROM rollups WHERE dim = 'all' AND month >= ?1",
        [&from],
        |r| r.get(0),
    )?;
    let rows: i64 = conn.query_row("SELECT count(*) FROM contacts WHERE voided = 0", [], |r| {
        r.get(0)
    })?;
    Ok((counted as u64, rows as u64))
}

/// Batches stored and not yet through the apply step (a running server
/// applies them off the request, within moments).
pub fn pending_batches(data_dir: &Path) -> Result<u64, ServerError> {
    let conn = db::open(data_dir)?;
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM envelopes
         WHERE applied_at IS NULL AND quarantined_at IS NULL AND bytes IS NOT NULL",
        [],
        |r| r.get(0),
    )?;
    Ok(n as u64)
}

/// Who was seen by quarter and fiscal year against who was seen each
/// month: the rows that disagree (0 when every span is its months' sum).
pub fn span_check(data_dir: &Path) -> Result<u64, ServerError> {
    super::ledger::span_mismatches(&db::open(data_dir)?)
}

/// The organization's current catalog.
pub fn catalog(data_dir: &Path) -> Result<crate::domain::Catalog, ServerError> {
    db::catalog(&db::open(data_dir)?)
}

/// The month's exact figures (see [`crate::server::tally`]).
pub fn month_tally(data_dir: &Path, month: YearMonth) -> Result<Tally, ServerError> {
    tally(data_dir, crate::domain::report::Period::Month(month))
}

/// The spreadsheet CSV of `period` (`tournee report --format
/// spreadsheet`): the report's tables in `lang`, `preamble` lines above.
pub fn spreadsheet(
    data_dir: &Path,
    period: crate::domain::report::Period,
    suppress: Option<crate::domain::report::Threshold>,
    lang: crate::domain::i18n::Lang,
    preamble: &[String],
) -> Result<String, ServerError> {
    let conn = db::open(data_dir)?;
    let figures = super::console::report::figures(&conn, period)?;
    let published = figures.published(suppress);
    let sheet = figures.sheet(&published, lang);
    Ok(crate::domain::report::spreadsheet::to_spreadsheet(
        &sheet, lang, preamble,
    ))
}

/// The period's exact figures, with its comparisons.
pub fn tally(data_dir: &Path, period: crate::domain::report::Period) -> Result<Tally, ServerError> {
    let conn = db::open(data_dir)?;
    let catalog = db::catalog(&conn)?;
    tally::tally(&conn, &catalog, period)
}

/// What is kept of one envelope: the envelope itself until it applies,
/// then its header, digest, signature and receipt.
pub fn stored_batch(
    data_dir: &Path,
    device_id: Uuid,
    seq: u64,
) -> Result<Option<StoredBatch>, ServerError> {
    Ok(queries::stored_batch(&db::open(data_dir)?, device_id, seq)?)
}

/// What the retention policy would destroy now (`admin purge --dry-run`).
pub fn purge_plan(data_dir: &Path, policy: &Policy, now_ms: i64) -> Result<Plan, ServerError> {
    retention::plan(&db::open(data_dir)?, policy, now_ms)
}

/// Destroys what the retention policy no longer allows (audited).
pub fn purge(data_dir: &Path, policy: &Policy, now_ms: i64) -> Result<Plan, ServerError> {
    retention::purge(
        &mut db::open(data_dir)?,
        policy,
        now_ms,
        retention::Asker::Admin,
    )
}

/// Creates a supervisor account (see [`supervisors`]). The name and the
/// password are parsed by the caller, so nothing is written for bad input.
pub fn create_supervisor(
    data_dir: &Path,
    name: &SupervisorName,
    password: &Password,
) -> Result<(), SupervisorError> {
    supervisors::create(&db::open(data_dir)?, name, password, now_ms())
}

/// Disables a supervisor account; it can no longer sign in.
pub fn disable_supervisor(data_dir: &Path, name: &SupervisorName) -> Result<(), SupervisorError> {
    supervisors::disable(&db::open(data_dir)?, name, now_ms())
}

/// Every supervisor account, oldest first.
pub fn list_supervisors(data_dir: &Path) -> Result<Vec<SupervisorRow>, ServerError> {
    supervisors::list(&db::open(data_dir)?)
}

/// True only for an active account and its password; see [`supervisors::verify`].
pub fn verify_supervisor(data_dir: &Path, name: &str, password: &str) -> Result<bool, ServerError> {
    supervisors::verify(&db::open(data_dir)?, name, password)
}

/// Adds a sealing epoch and makes it current; returns its kid. A running
/// server keeps its keys in memory and hands out the new key once restarted.
pub fn rotate_seal_key(data_dir: &Path) -> Result<[u8; 8], ServerError> {
    key_changes::rotate_sealing_key(data_dir)
}
