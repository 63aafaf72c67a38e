//! Batches that failed to apply, with their reason and phone, and trying
//! them again after a fix (audited).

use super::audit::{self, Action};
use crate::server::Parts;
use crate::server::apply::{self, ApplyReport};
use crate::server::error::ServerError;
use rusqlite::Connection;
use uuid::Uuid;

/// A quarantined batch as supervisors see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub device_id: Uuid,
    pub phone: String,
    pub seq: u64,
    pub received_at_ms: i64,
    pub reason: String,
}

/// Every quarantined batch, oldest received first.
pub fn held(conn: &Connection) -> Result<Vec<Held>, ServerError> {
    let mut statement = conn.prepare(
        "SELECT coalesce(d.label, ''), e.seq, e.received_at, coalesce(e.quarantine_reason, ''),
                e.device_id
         FROM envelopes e LEFT JOIN devices d ON d.device_id = e.device_id
         WHERE e.quarantined_at IS NOT NULL ORDER BY e.received_at, e.seq",
    )?;
    let rows = statement
        .query_map([], |r| {
            Ok(Held {
                phone: r.get(0)?,
                seq: r.get::<_, i64>(1)? as u64,
                received_at_ms: r.get(2)?,
                reason: r.get(3)?,
                device_id: Uuid::from_slice(&r.get::<_, Vec<u8>>(4)?).unwrap_or_default(),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Retries every quarantined batch and audits how many applied and how
/// many are still held (`detail`: "applied N, quarantined M").
pub fn reapply(
    conn: &mut Connection,
    parts: &Parts,
    actor: &str,
    now_ms: i64,
) -> Result<ApplyReport, ServerError> {
    let report = apply::reapply(conn, &parts.keys, &parts.pseudonyms)?;
    audit::record(
        conn,
        actor,
        Action::Reapply,
        "",
        &format!(
            "applied {}, quarantined {}",
            report.applied, report.quarantined
        ),
        now_ms,
    )?;
    Ok(report)
}
