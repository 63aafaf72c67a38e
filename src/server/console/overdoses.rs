//! The overdose responses a supervisor reads: a month of them, newest
//! first, and one at a time for its declaration. Every field is the
//! record's own (none names anyone); the phone by its label.

use crate::domain::RecordId;
use crate::domain::report::YearMonth;
use crate::server::apply::prepare::{EventFacts, OverdoseFacts};
use crate::server::error::ServerError;
use rusqlite::{Connection, OptionalExtension, Row};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverdoseRow {
    pub record_id: RecordId,
    pub phone: String,
    pub facts: OverdoseFacts,
    pub voided: bool,
}

const COLUMNS: &str = "e.record_id, coalesce(d.label, ''), e.facts, e.voided
     FROM events e LEFT JOIN devices d ON d.device_id = e.device_id";

pub(crate) type Raw = (RecordId, String, String, bool);

fn row(row: &Row) -> rusqlite::Result<Raw> {
    Ok((
        RecordId::from_bytes(row.get(0)?),
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
    ))
}

pub(crate) fn read((record_id, phone, json, voided): Raw) -> Result<OverdoseRow, ServerError> {
    match serde_json::from_str::<EventFacts>(&json) {
        Ok(EventFacts::Overdose(facts)) => Ok(OverdoseRow {
            record_id,
            phone,
            facts,
            voided,
        }),
        Ok(_) => Err(ServerError::Damaged(format!(
            "stored record {record_id} is filed as an overdose response but is not one"
        ))),
        Err(e) => Err(ServerError::Damaged(format!(
            "stored record {record_id}: {e}"
        ))),
    }
}

/// The month's responses, voided ones included (marked), newest first.
pub fn month(conn: &Connection, month: YearMonth) -> Result<Vec<OverdoseRow>, ServerError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} WHERE e.kind = 'overdose' AND e.month = ?1 ORDER BY e.occurred_at DESC"
    ))?;
    let raw = statement
        .query_map([month.to_string()], row)?
        .collect::<Result<Vec<_>, _>>()?;
    raw.into_iter().map(read).collect()
}

/// One response, if stored.
pub fn one(conn: &Connection, id: RecordId) -> Result<Option<OverdoseRow>, ServerError> {
    let raw = conn
        .query_row(
            &format!("SELECT {COLUMNS} WHERE e.kind = 'overdose' AND e.record_id = ?1"),
            [id.as_bytes().as_slice()],
            row,
        )
        .optional()?;
    raw.map(read).transpose()
}
