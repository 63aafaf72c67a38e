//! The phones page: every enrolled phone with what it sent, the batches
//! known to be missing (sequence gaps) and quarantined; revoking one.

use super::audit::{self, Action};
use crate::server::error::ServerError;
use crate::server::queries::{self, DeviceRow};
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

/// A phone as the supervisors' list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone {
    pub device: DeviceRow,
    /// Its batches that failed to apply.
    pub quarantined: u64,
    /// Sequence numbers never received, as inclusive ranges: a phone
    /// numbers its batches 1, 2, 3, … so any number below the highest
    /// received one that is not stored is a batch still on the phone (or lost).
    pub gaps: Vec<(u64, u64)>,
}

/// The ranges of `1..=max(seqs)` missing from `seqs` (sorted ascending).
pub fn gaps(seqs: &[u64]) -> Vec<(u64, u64)> {
    let mut missing = Vec::new();
    let mut expected = 1u64;
    for &seq in seqs {
        if seq > expected {
            missing.push((expected, seq - 1));
        }
        expected = expected.max(seq.saturating_add(1));
    }
    missing
}

/// Every phone, oldest enrollment first.
pub fn phones(conn: &Connection) -> Result<Vec<Phone>, ServerError> {
    let devices = queries::devices(conn)?;
    let mut seqs = conn.prepare(
        "SELECT seq, quarantined_at IS NOT NULL FROM envelopes WHERE device_id = ?1 ORDER BY seq",
    )?;
    let mut phones = Vec::with_capacity(devices.len());
    for device in devices {
        let rows: Vec<(i64, bool)> = seqs
            .query_map([device.device_id.as_bytes().as_slice()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        phones.push(phone(device, &rows));
    }
    Ok(phones)
}

/// A phone from its device row and its envelopes' sequence numbers as
/// stored, each with whether it is quarantined (every backend ends here).
pub fn phone(device: DeviceRow, envelopes: &[(i64, bool)]) -> Phone {
    let quarantined = envelopes.iter().filter(|(_, q)| *q).count() as u64;
    // Stored bit for bit as i64: back to u64, then in u64 order.
    let mut numbers: Vec<u64> = envelopes.iter().map(|(s, _)| *s as u64).collect();
    numbers.sort_unstable();
    Phone {
        gaps: gaps(&numbers),
        quarantined,
        device,
    }
}

/// One phone's label, if enrolled.
pub fn label(conn: &Connection, id: Uuid) -> Result<Option<(String, bool)>, ServerError> {
    Ok(conn
        .query_row(
            "SELECT label, revoked_at IS NOT NULL FROM devices WHERE device_id = ?1",
            [id.as_bytes().as_slice()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Revokes a phone and audits it (target: its label); its next upload is
/// refused with 403. Returns the label, or `None` for an unknown phone.
pub fn revoke(
    conn: &mut Connection,
    id: Uuid,
    actor: &str,
    now_ms: i64,
) -> Result<Option<String>, ServerError> {
    let tx = conn.transaction()?;
    let Some((label, _)) = label(&tx, id)? else {
        return Ok(None);
    };
    queries::revoke_device(&tx, id, now_ms)?;
    audit::record(&tx, actor, Action::Revoke, &label, &id.to_string(), now_ms)?;
    tx.commit()?;
    Ok(Some(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_the_missing_numbers_below_the_highest() {
        assert!(gaps(&[]).is_empty());
        assert!(gaps(&[1, 2, 3]).is_empty());
        assert_eq!(gaps(&[2]), vec![(1, 1)]);
        assert_eq!(gaps(&[1, 3, 7, 8]), vec![(2, 2), (4, 6)]);
    }

    #[test]
    fn phones_show_their_gaps_and_quarantine_and_revoking_is_audited() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::server::db::open(dir.path()).unwrap();
        let id = Uuid::now_v7();
        queries::insert_device(&conn, id, &[0], "Téléphone 3", "0.1.0", 10).unwrap();
        for (seq, quarantined) in [(1, false), (4, true)] {
            conn.execute(
                "INSERT INTO envelopes (device_id, seq, batch_id, sha256, bytes, received_at, quarantined_at)
                 VALUES (?1, ?2, x'00', x'00', x'00', 20, ?3)",
                (id.as_bytes().as_slice(), seq, quarantined.then_some(21)),
            )
            .unwrap();
        }
        let list = phones(&conn).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].gaps, vec![(2, 3)]);
        assert_eq!((list[0].quarantined, list[0].device.batches), (1, 2));

        assert_eq!(
            revoke(&mut conn, id, "Marie", 30).unwrap().as_deref(),
            Some("Téléphone 3")
        );
        assert_eq!(
            label(&conn, id).unwrap(),
            Some(("Téléphone 3".into(), true))
        );
        assert_eq!(
            revoke(&mut conn, Uuid::now_v7(), "Marie", 31).unwrap(),
            None
        );
        let (entries, total) = audit::page(&conn, 0, 10).unwrap();
        assert_eq!(total, 1);
        assert_eq!(entries[0].action, Some(Action::Revoke));
        assert_eq!(entries[0].target, "Téléphone 3");
    }
}
