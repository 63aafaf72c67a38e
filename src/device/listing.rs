//! Reading records back for the worker: those of a calendar day, of a
//! worker's day (a night shift across midnight is one), or those waiting
//! to be sent. Purged records (delivered, their day over) are not listed.

use super::error::StoreError;
use super::store::{DELIVERED, Store, decode};
use super::workday::DayEnd;
use crate::domain::Record;
use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::types::Value;

/// Which records to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    /// Records dated on this local day, whatever their state.
    Day(NaiveDate),
    /// Records of the worker's day that began on this date (a night
    /// shift's records after midnight included), whatever their state.
    WorkDay(NaiveDate, DayEnd),
    /// Every record not yet delivered to the server.
    Pending,
}

/// A record as the worker sees it in a list.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Listed {
    pub record: Record,
    /// A later void removes this contact from every figure.
    pub voided: bool,
    /// The server signed for it; it stays until the worker's day is over.
    pub delivered: bool,
}

impl Store {
    /// Lists records, oldest first.
    pub fn list(&self, which: Listing) -> Result<Vec<Listed>, StoreError> {
        const COLUMNS: &str = "SELECT record_id, voided, sealed, state FROM records";
        let (sql, args): (String, Vec<Value>) = match which {
            Listing::Day(day) => (
                format!("{COLUMNS} WHERE day_tag = ?1 AND sealed IS NOT NULL ORDER BY id"),
                vec![Value::Blob(self.day_tag(day))],
            ),
            // A worker's day spans two calendar days: both tags, then
            // each record's own time says which day it belongs to.
            Listing::WorkDay(day, _) => (
                format!("{COLUMNS} WHERE day_tag IN (?1, ?2) AND sealed IS NOT NULL ORDER BY id"),
                vec![
                    Value::Blob(self.day_tag(day)),
                    Value::Blob(self.day_tag(day + chrono::Duration::days(1))),
                ],
            ),
            Listing::Pending => (
                format!("{COLUMNS} WHERE state != ?1 AND sealed IS NOT NULL ORDER BY id"),
                vec![Value::Integer(DELIVERED)],
            ),
        };
        let mut statement = self.conn.prepare(&sql)?;
        let mut rows = statement.query(rusqlite::params_from_iter(args))?;
        let mut listed = Vec::new();
        while let Some(row) = rows.next()? {
            let id: Vec<u8> = row.get(0)?;
            let sealed: Vec<u8> = row.get(2)?;
            let record: Record = decode(&self.key.open(&id, &sealed)?)?;
            if record.record_id().as_bytes().as_slice() != id.as_slice() {
                return Err(StoreError::Damaged(
                    "a record is filed under another id".into(),
                ));
            }
            if let Listing::WorkDay(day, end) = which
                && end.day_of(&moment(&record)) != day
            {
                continue;
            }
            listed.push(Listed {
                record,
                voided: row.get(1)?,
                delivered: row.get::<_, i64>(3)? == DELIVERED,
            });
        }
        Ok(listed)
    }
}

/// When a record was made, on the wall clock of the phone that made it.
pub(super) fn moment(record: &Record) -> DateTime<FixedOffset> {
    match record {
        Record::Contact(contact) => contact.occurred_at,
        Record::Void(void) => void.voided_at,
        Record::Overdose(overdose) => overdose.occurred_at,
        Record::Shift(shift) => shift.started_at,
        Record::Incident(incident) => incident.occurred_at,
    }
}
