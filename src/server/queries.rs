//! The server's SQL, one function per question or change, over the schema
//! in [`super::db`]. Callers choose the transaction; these functions take
//! a `&Connection` (a `Transaction` derefs to one).

use crate::domain::RecordId;
use crate::domain::crypto::sign::SIGNATURE_LEN;
use crate::domain::wire::envelope::HEADER_LEN;
use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

/// A device as supervisors see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceRow {
    pub device_id: Uuid,
    pub public_key: Vec<u8>,
    pub label: String,
    pub app_version: String,
    pub enrolled_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
    pub last_seen_at_ms: Option<i64>,
    /// Envelopes stored for this device.
    pub batches: u64,
    /// Records applied from those envelopes (contacts, overdose responses and voids) and still
    /// held one by one: the retention policy purges old ones.
    pub records: u64,
}

impl DeviceRow {
    pub fn revoked(&self) -> bool {
        self.revoked_at_ms.is_some()
    }
}

/// What ingest needs to judge a device, without counting its batches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceKey {
    pub public_key: Vec<u8>,
    pub revoked: bool,
}

/// An envelope already stored for a (device, seq).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEnvelope {
    pub batch_id: Uuid,
    pub sha256: [u8; 32],
    pub received_at_ms: i64,
}

/// What the server keeps of one envelope: the envelope itself only until
/// it applies, the rest for good (see [`super::apply`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredBatch {
    pub sha256: [u8; 32],
    pub received_at_ms: i64,
    /// Bytes 0..119 of the envelope.
    pub header: Option<Vec<u8>>,
    /// The device's signature, the envelope's last 64 bytes.
    pub signature: Option<Vec<u8>>,
    /// The receipt as first answered (status "stored").
    pub receipt: Option<Vec<u8>>,
    /// The whole envelope, until it applies or the retention policy
    /// destroys it in quarantine.
    pub envelope: Option<Vec<u8>>,
    pub applied_at_ms: Option<i64>,
    pub quarantined_at_ms: Option<i64>,
    pub purged_at_ms: Option<i64>,
}

/// An equivocation: a different envelope offered for a stored (device,
/// seq). One row per (device, seq); later offers only count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertRow {
    pub kind: String,
    pub device_id: Uuid,
    pub seq: u64,
    pub stored_sha256: [u8; 32],
    /// The first different envelope offered.
    pub offered_sha256: [u8; 32],
    pub offered_batch_id: Uuid,
    pub created_at_ms: i64,
    /// How many times a different envelope was offered (1 at first).
    pub repeats: u64,
    pub last_at_ms: i64,
}

pub const EQUIVOCATION: &str = "equivocation";

fn uuid(row: &Row, index: usize) -> rusqlite::Result<Uuid> {
    let bytes: [u8; 16] = row.get(index)?;
    Ok(Uuid::from_bytes(bytes))
}

const DEVICE_COLUMNS: &str = "d.device_id, d.public_key, d.label, d.app_version, d.enrolled_at,
     d.revoked_at, d.last_seen_at,
     (SELECT COUNT(*) FROM envelopes e WHERE e.device_id = d.device_id),
     (SELECT COUNT(*) FROM contacts c WHERE c.device_id = d.device_id)
       + (SELECT COUNT(*) FROM events ev WHERE ev.device_id = d.device_id)
       + (SELECT COUNT(*) FROM voids v WHERE v.device_id = d.device_id)";

fn device_row(row: &Row) -> rusqlite::Result<DeviceRow> {
    Ok(DeviceRow {
        device_id: uuid(row, 0)?,
        public_key: row.get(1)?,
        label: row.get(2)?,
        app_version: row.get(3)?,
        enrolled_at_ms: row.get(4)?,
        revoked_at_ms: row.get(5)?,
        last_seen_at_ms: row.get(6)?,
        batches: row.get::<_, i64>(7)? as u64,
        records: row.get::<_, i64>(8)? as u64,
    })
}

pub fn device_key(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<DeviceKey>> {
    conn.query_row(
        "SELECT public_key, revoked_at IS NOT NULL FROM devices WHERE device_id = ?1",
        [id.as_bytes()],
        |row| {
            Ok(DeviceKey {
                public_key: row.get(0)?,
                revoked: row.get(1)?,
            })
        },
    )
    .optional()
}

/// Every device, oldest enrollment first.
pub fn devices(conn: &Connection) -> rusqlite::Result<Vec<DeviceRow>> {
    let mut statement = conn.prepare(&format!(
        "SELECT {DEVICE_COLUMNS} FROM devices d ORDER BY d.enrolled_at, d.device_id"
    ))?;
    statement.query_map([], device_row)?.collect()
}

pub fn insert_device(
    conn: &Connection,
    id: Uuid,
    public_key: &[u8],
    label: &str,
    app_version: &str,
    now_ms: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO devices (device_id, public_key, label, app_version, enrolled_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id.as_bytes(), public_key, label, app_version, now_ms],
    )?;
    Ok(())
}

/// Revokes a device; a second revocation keeps the first time. Returns
/// false when no such device exists.
pub fn revoke_device(conn: &Connection, id: Uuid, now_ms: i64) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?2) WHERE device_id = ?1",
        params![id.as_bytes(), now_ms],
    )?;
    Ok(changed == 1)
}

pub fn touch_device(conn: &Connection, id: Uuid, now_ms: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE devices SET last_seen_at = MAX(COALESCE(last_seen_at, ?2), ?2)
         WHERE device_id = ?1",
        params![id.as_bytes(), now_ms],
    )?;
    Ok(())
}

pub fn stored_envelope(
    conn: &Connection,
    device_id: Uuid,
    seq: u64,
) -> rusqlite::Result<Option<StoredEnvelope>> {
    conn.query_row(
        "SELECT batch_id, sha256, received_at FROM envelopes WHERE device_id = ?1 AND seq = ?2",
        params![device_id.as_bytes(), seq as i64],
        |row| {
            Ok(StoredEnvelope {
                batch_id: uuid(row, 0)?,
                sha256: row.get(1)?,
                received_at_ms: row.get(2)?,
            })
        },
    )
    .optional()
}

/// Stores a new envelope (`bytes`, which must have decoded) with the
/// receipt it earns; its header and signature are also kept apart, as they
/// outlive the envelope.
pub fn insert_envelope(
    conn: &Connection,
    device_id: Uuid,
    seq: u64,
    stored: &StoredEnvelope,
    bytes: &[u8],
    receipt: &[u8],
) -> rusqlite::Result<()> {
    let header = &bytes[..HEADER_LEN.min(bytes.len())];
    let signature = &bytes[bytes.len().saturating_sub(SIGNATURE_LEN)..];
    conn.execute(
        "INSERT INTO envelopes (device_id, seq, batch_id, sha256, bytes, received_at,
                                header, signature, receipt)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            device_id.as_bytes(),
            seq as i64,
            stored.batch_id.as_bytes(),
            stored.sha256,
            bytes,
            stored.received_at_ms,
            header,
            signature,
            receipt
        ],
    )?;
    Ok(())
}

/// Everything kept of one envelope, for the audit and for tests.
pub fn stored_batch(
    conn: &Connection,
    device_id: Uuid,
    seq: u64,
) -> rusqlite::Result<Option<StoredBatch>> {
    conn.query_row(
        "SELECT sha256, received_at, header, signature, receipt, bytes,
                applied_at, quarantined_at, purged_at
         FROM envelopes WHERE device_id = ?1 AND seq = ?2",
        params![device_id.as_bytes(), seq as i64],
        |row| {
            Ok(StoredBatch {
                sha256: row.get(0)?,
                received_at_ms: row.get(1)?,
                header: row.get(2)?,
                signature: row.get(3)?,
                receipt: row.get(4)?,
                envelope: row.get(5)?,
                applied_at_ms: row.get(6)?,
                quarantined_at_ms: row.get(7)?,
                purged_at_ms: row.get(8)?,
            })
        },
    )
    .optional()
}

/// Envelopes stored by an older release, without their receipt.
pub fn envelopes_without_receipt(conn: &Connection) -> rusqlite::Result<Vec<(Uuid, u64)>> {
    let mut statement =
        conn.prepare("SELECT device_id, seq FROM envelopes WHERE receipt IS NULL")?;
    statement
        .query_map([], |row| Ok((uuid(row, 0)?, row.get::<_, i64>(1)? as u64)))?
        .collect()
}

pub fn set_receipt(
    conn: &Connection,
    device_id: Uuid,
    seq: u64,
    receipt: &[u8],
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE envelopes SET receipt = ?3 WHERE device_id = ?1 AND seq = ?2",
        params![device_id.as_bytes(), seq as i64, receipt],
    )?;
    Ok(())
}

/// Records an equivocation, or counts one more offer on the alert already
/// raised for this (device, seq).
pub fn insert_alert(conn: &Connection, alert: &AlertRow) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO alerts (kind, device_id, seq, stored_sha256, offered_sha256,
                             offered_batch_id, created_at, repeats, last_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?7)
         ON CONFLICT (kind, device_id, seq) DO UPDATE SET
             repeats = repeats + 1, last_at = max(last_at, excluded.last_at)",
        params![
            alert.kind,
            alert.device_id.as_bytes(),
            alert.seq as i64,
            alert.stored_sha256,
            alert.offered_sha256,
            alert.offered_batch_id.as_bytes(),
            alert.created_at_ms
        ],
    )?;
    Ok(())
}

/// Every alert, oldest first.
pub fn alerts(conn: &Connection) -> rusqlite::Result<Vec<AlertRow>> {
    let mut statement = conn.prepare(
        "SELECT kind, device_id, seq, stored_sha256, offered_sha256, offered_batch_id, created_at,
                repeats, last_at
         FROM alerts ORDER BY id",
    )?;
    statement
        .query_map([], |row| {
            Ok(AlertRow {
                kind: row.get(0)?,
                device_id: uuid(row, 1)?,
                seq: row.get::<_, i64>(2)? as u64,
                stored_sha256: row.get(3)?,
                offered_sha256: row.get(4)?,
                offered_batch_id: uuid(row, 5)?,
                created_at_ms: row.get(6)?,
                repeats: row.get::<_, i64>(7)? as u64,
                last_at_ms: row.get(8)?,
            })
        })?
        .collect()
}

pub fn insert_code(
    conn: &Connection,
    secret_sha256: &[u8; 32],
    label: &str,
    created_at_ms: i64,
    expires_at_ms: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO enroll_codes (secret_sha256, label, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![secret_sha256, label, created_at_ms, expires_at_ms],
    )?;
    Ok(())
}

/// Marks a code used by `device_id` if it exists, is unused and has not
/// expired, in one statement so two devices racing with the same code
/// cannot both win. Returns whether it did.
pub fn use_code(
    conn: &Connection,
    secret_sha256: &[u8; 32],
    device_id: Uuid,
    now_ms: i64,
) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE enroll_codes SET used_at = ?3, device_id = ?2
         WHERE secret_sha256 = ?1 AND used_at IS NULL AND expires_at > ?3",
        params![secret_sha256, device_id.as_bytes(), now_ms],
    )?;
    Ok(changed == 1)
}

/// Record ids of the contacts applied from these devices.
pub fn contact_ids(conn: &Connection, devices: &[Uuid]) -> rusqlite::Result<Vec<RecordId>> {
    let mut statement = conn.prepare("SELECT record_id FROM contacts WHERE device_id = ?1")?;
    let mut ids = Vec::new();
    for device in devices {
        let rows = statement.query_map([device.as_bytes().as_slice()], |row| {
            row.get::<_, [u8; 16]>(0)
        })?;
        for bytes in rows {
            ids.push(RecordId::from_bytes(bytes?));
        }
    }
    Ok(ids)
}

/// Contacts counted by the rollups from month `from` on, and live contact
/// rows.
pub fn rollup_check(conn: &Connection, from: &str) -> rusqlite::Result<(u64, u64)> {
    let counted: i64 = conn.query_row(
        "SELECT coalesce(sum(contacts), 0) FROM rollups WHERE dim = 'all' AND month >= ?1",
        [from],
        |r| r.get(0),
    )?;
    let rows: i64 = conn.query_row("SELECT count(*) FROM contacts WHERE voided = 0", [], |r| {
        r.get(0)
    })?;
    Ok((counted as u64, rows as u64))
}

/// Batches stored and not yet through the apply step.
pub fn pending_batches(conn: &Connection) -> rusqlite::Result<u64> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM envelopes
         WHERE applied_at IS NULL AND quarantined_at IS NULL AND bytes IS NOT NULL",
        [],
        |r| r.get(0),
    )?;
    Ok(n as u64)
}
