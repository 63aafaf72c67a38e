//! The ledger: where applied records and their running monthly totals
//! live. [`Ledger`] is the small set of operations the apply logic needs,
//! so another database (PostgreSQL for a regional host) can take its place
//! without touching that logic; [`SqliteLedger`] is the embedded one.
//!
//! Rollups are kept as records are applied, one row per (month,
//! dimension, key) and one per (day, dimension, key), so a month's tally
//! reads a few hundred rows whatever the number of contacts stored, and a
//! period that starts or ends inside a month reads its loose days. Who was
//! seen is kept by day and month, and by quarter and fiscal year as well
//! (`person_days`, `person_months`, `person_quarters`, `person_years`), so
//! that a long period's distinct people are counted from few rows.

pub mod counts;
pub mod memory;

use super::apply::prepare::{ContactFacts, EventFacts};
use super::error::ServerError;
use crate::domain::RecordId;
use crate::domain::report::span::Span;
use counts::Counts;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use uuid::Uuid;

pub trait Ledger {
    /// A stored contact and whether it is voided.
    fn contact(&mut self, id: RecordId) -> Result<Option<(ContactFacts, bool)>, ServerError>;
    fn void_known(&mut self, void_id: RecordId) -> Result<bool, ServerError>;
    /// Whether some void names this record (it may have come first).
    fn voided_in_advance(&mut self, target: RecordId) -> Result<bool, ServerError>;
    fn insert_contact(
        &mut self,
        id: RecordId,
        device: Uuid,
        facts: &ContactFacts,
        voided: bool,
    ) -> Result<(), ServerError>;
    fn insert_void(
        &mut self,
        void_id: RecordId,
        target: RecordId,
        device: Uuid,
    ) -> Result<(), ServerError>;
    fn mark_voided(&mut self, id: RecordId) -> Result<(), ServerError>;
    /// Adds (`sign` = 1) or removes (`sign` = -1) a contact from every rollup.
    fn count(&mut self, facts: &ContactFacts, sign: i64) -> Result<(), ServerError>;
    /// A stored record other than a contact, and whether it is voided.
    fn event(&mut self, id: RecordId) -> Result<Option<(EventFacts, bool)>, ServerError>;
    fn insert_event(
        &mut self,
        id: RecordId,
        device: Uuid,
        facts: &EventFacts,
        voided: bool,
    ) -> Result<(), ServerError>;
    fn mark_event_voided(&mut self, id: RecordId) -> Result<(), ServerError>;
    /// Adds or removes such a record from its rollups.
    fn count_event(&mut self, facts: &EventFacts, sign: i64) -> Result<(), ServerError>;
    /// Writes what was counted so far (a ledger may sum counts in memory
    /// until then); called at the end of each batch, before its commit.
    fn flush(&mut self) -> Result<(), ServerError>;
}

/// The embedded ledger, inside the caller's transaction. Counts are
/// summed in memory and written by [`Ledger::flush`] (which
/// [`apply_records`](super::apply::apply_records) calls at the end of each
/// batch): a batch of 500 contacts over a few evenings changes a few
/// hundred rollup rows, each written once, instead of about eleven
/// upserts a contact for its month and as many for its day.
pub struct SqliteLedger<'a, 'c> {
    pub tx: &'a Transaction<'c>,
    counts: Counts,
}

impl<'a, 'c> SqliteLedger<'a, 'c> {
    pub fn new(tx: &'a Transaction<'c>) -> Self {
        SqliteLedger {
            tx,
            counts: Counts::new(true),
        }
    }
}

/// The table that keeps who was seen in each span, and its span column.
pub(crate) fn person_table(span: Span) -> (&'static str, &'static str) {
    match span {
        Span::Month => ("person_months", "month"),
        Span::Quarter => ("person_quarters", "quarter"),
        Span::FiscalYear => ("person_years", "fiscal_year"),
    }
}

fn id_bytes(id: &RecordId) -> &[u8] {
    id.as_bytes().as_slice()
}

impl SqliteLedger<'_, '_> {
    /// A stored record's facts and whether it is voided, by `sql` (which
    /// selects `facts, voided` for the record id `?1`).
    fn facts<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        id: RecordId,
    ) -> Result<Option<(T, bool)>, ServerError> {
        let row: Option<(String, bool)> = self
            .tx
            .prepare_cached(sql)?
            .query_row([id_bytes(&id)], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        row.map(|(json, voided)| {
            serde_json::from_str(&json)
                .map(|facts| (facts, voided))
                .map_err(|e| ServerError::Damaged(format!("stored record {id}: {e}")))
        })
        .transpose()
    }

    /// Bounds the memory of a long run (migration 10's backfill, the
    /// bench's fill): changes are sums, so writing part of them early
    /// changes nothing.
    fn flush_if_large(&mut self) -> Result<(), ServerError> {
        if self.counts.len() > 200_000 {
            self.write_changes()?;
        }
        Ok(())
    }

    /// Writes the summed changes, each row once, in key order; a row of
    /// who was seen that falls to 0 goes. Rollup rows whose changes cancel
    /// out (a contact and its void in one batch) are not touched. What
    /// [`Ledger::flush`] does.
    fn write_changes(&mut self) -> Result<(), ServerError> {
        let counts = self.counts.take();
        for row in counts.rollups() {
            let (table, column) = row.grain.table();
            self.tx
                .prepare_cached(&format!(
                    "INSERT INTO {table} ({column}, dim, key, contacts, people, quantity)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT ({column}, dim, key) DO UPDATE SET
                       contacts = contacts + excluded.contacts,
                       people = people + excluded.people,
                       quantity = quantity + excluded.quantity"
                ))?
                .execute(params![
                    row.when,
                    row.dim,
                    row.key,
                    row.contacts,
                    row.people,
                    row.quantity
                ])?;
        }
        for row in counts.seen_rows() {
            let (table, column) = row.seen.table();
            self.tx
                .prepare_cached(&format!(
                    "INSERT INTO {table} (pseudonym, {column}, contacts) VALUES (?1, ?2, ?3)
                     ON CONFLICT (pseudonym, {column}) DO UPDATE SET contacts = contacts + excluded.contacts"
                ))?
                .execute(params![row.pseudonym, row.when, row.contacts])?;
            if row.contacts < 0 {
                self.tx
                    .prepare_cached(&format!(
                        "DELETE FROM {table} WHERE pseudonym = ?1 AND {column} = ?2 AND contacts <= 0"
                    ))?
                    .execute(params![row.pseudonym, row.when])?;
            }
        }
        Ok(())
    }

    /// Writes the day-level rows of every record applied before they
    /// existed (migration 10), from the facts stored with each.
    pub fn backfill_days(&self) -> Result<(), ServerError> {
        let mut ledger = SqliteLedger {
            tx: self.tx,
            counts: Counts::new(false),
        };
        for (sql, is_event) in [
            ("SELECT facts FROM contacts WHERE voided = 0", false),
            ("SELECT facts FROM events WHERE voided = 0", true),
        ] {
            let mut statement = self.tx.prepare(sql)?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                let json: String = row.get(0)?;
                let damaged =
                    |e: serde_json::Error| ServerError::Damaged(format!("stored facts: {e}"));
                if is_event {
                    let facts: EventFacts = serde_json::from_str(&json).map_err(damaged)?;
                    ledger.count_event(&facts, 1)?;
                } else {
                    let facts: ContactFacts = serde_json::from_str(&json).map_err(damaged)?;
                    ledger.count(&facts, 1)?;
                }
            }
        }
        ledger.write_changes()?;
        self.tx.execute_batch(
            "UPDATE events SET day = substr(json_extract(facts, '$.occurred_at'), 1, 10)
               WHERE kind != 'shift';
             UPDATE events SET day = substr(json_extract(facts, '$.started_at'), 1, 10)
               WHERE kind = 'shift';",
        )?;
        Ok(())
    }
}

/// The first month of the quarter and of the fiscal year holding the
/// text month `month` (`Span::start` in SQL; the fiscal year starts in
/// April).
const QUARTER_OF: &str = "printf('%s-%02d', substr(month, 1, 4), (CAST(substr(month, 6, 2) AS INTEGER) - 1) / 3 * 3 + 1)";
const FISCAL_YEAR_OF: &str = "printf('%04d-04', CAST(substr(month, 1, 4) AS INTEGER) - (CAST(substr(month, 6, 2) AS INTEGER) < 4))";

/// The spans longer than a month, each with the SQL of its first month.
const LONGER: [(Span, &str); 2] = [
    (Span::Quarter, QUARTER_OF),
    (Span::FiscalYear, FISCAL_YEAR_OF),
];

/// Fills who was seen by quarter and fiscal year from who was seen each
/// month, for the spans starting before `before` (all when `None`): every
/// one when migration 11 adds them, those a purge cut into.
pub fn fill_spans(conn: &Connection, before: Option<&str>) -> Result<(), ServerError> {
    for (span, of) in LONGER {
        let (table, column) = person_table(span);
        conn.prepare_cached(&format!(
            "INSERT INTO {table} (pseudonym, {column}, contacts)
             SELECT pseudonym, span, sum(contacts)
             FROM (SELECT pseudonym, {of} AS span, contacts FROM person_months)
             WHERE ?1 IS NULL OR span < ?1 GROUP BY pseudonym, span"
        ))?
        .execute([before])?;
    }
    Ok(())
}

/// Person rows by quarter or fiscal year that are not the sum of their
/// months' rows (none unless the ledger or a purge went wrong).
pub fn span_mismatches(conn: &Connection) -> Result<u64, ServerError> {
    let mut wrong = 0;
    for (span, of) in LONGER {
        let (table, column) = person_table(span);
        let months = format!(
            "SELECT pseudonym, span, sum(contacts) FROM
             (SELECT pseudonym, {of} AS span, contacts FROM person_months) GROUP BY pseudonym, span"
        );
        let spans = format!("SELECT pseudonym, {column}, contacts FROM {table}");
        let n: i64 = conn.query_row(
            &format!(
                "SELECT (SELECT count(*) FROM ({months} EXCEPT {spans}))
                      + (SELECT count(*) FROM ({spans} EXCEPT {months}))"
            ),
            [],
            |r| r.get(0),
        )?;
        wrong += n as u64;
    }
    Ok(wrong)
}

impl Ledger for SqliteLedger<'_, '_> {
    fn contact(&mut self, id: RecordId) -> Result<Option<(ContactFacts, bool)>, ServerError> {
        self.facts(
            "SELECT facts, voided FROM contacts WHERE record_id = ?1",
            id,
        )
    }

    fn void_known(&mut self, void_id: RecordId) -> Result<bool, ServerError> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM voids WHERE record_id = ?1")?
            .exists([id_bytes(&void_id)])?)
    }

    fn voided_in_advance(&mut self, target: RecordId) -> Result<bool, ServerError> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM voids WHERE target = ?1")?
            .exists([id_bytes(&target)])?)
    }

    fn insert_contact(
        &mut self,
        id: RecordId,
        device: Uuid,
        facts: &ContactFacts,
        voided: bool,
    ) -> Result<(), ServerError> {
        let json = serde_json::to_string(facts).expect("facts serialize");
        self.tx
            .prepare_cached("INSERT INTO contacts (record_id, device_id, month, facts, voided, occurred_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![id_bytes(&id), device.as_bytes().as_slice(), facts.month.to_string(), json, voided, facts.occurred_at.timestamp_millis()])?;
        Ok(())
    }

    fn insert_void(
        &mut self,
        void_id: RecordId,
        target: RecordId,
        device: Uuid,
    ) -> Result<(), ServerError> {
        self.tx
            .prepare_cached("INSERT INTO voids (record_id, target, device_id) VALUES (?1, ?2, ?3)")?
            .execute(params![
                id_bytes(&void_id),
                id_bytes(&target),
                device.as_bytes().as_slice()
            ])?;
        Ok(())
    }

    fn mark_voided(&mut self, id: RecordId) -> Result<(), ServerError> {
        self.tx
            .prepare_cached("UPDATE contacts SET voided = 1 WHERE record_id = ?1")?
            .execute([id_bytes(&id)])?;
        Ok(())
    }

    fn event(&mut self, id: RecordId) -> Result<Option<(EventFacts, bool)>, ServerError> {
        self.facts("SELECT facts, voided FROM events WHERE record_id = ?1", id)
    }

    fn insert_event(
        &mut self,
        id: RecordId,
        device: Uuid,
        facts: &EventFacts,
        voided: bool,
    ) -> Result<(), ServerError> {
        let json = serde_json::to_string(facts).expect("facts serialize");
        self.tx
            .prepare_cached("INSERT INTO events (record_id, device_id, kind, month, occurred_at, facts, voided, ended_at, day) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?
            .execute(params![
                id_bytes(&id),
                device.as_bytes().as_slice(),
                facts.kind(),
                facts.month().to_string(),
                facts.occurred_at().timestamp_millis(),
                json,
                voided,
                match facts {
                    EventFacts::Shift(s) => Some(s.ended_at.timestamp_millis()),
                    _ => None,
                },
                facts.occurred_at().date_naive().to_string()
            ])?;
        Ok(())
    }

    fn mark_event_voided(&mut self, id: RecordId) -> Result<(), ServerError> {
        self.tx
            .prepare_cached("UPDATE events SET voided = 1 WHERE record_id = ?1")?
            .execute([id_bytes(&id)])?;
        Ok(())
    }

    fn count(&mut self, facts: &ContactFacts, sign: i64) -> Result<(), ServerError> {
        self.counts.count(facts, sign)?;
        self.flush_if_large()
    }

    fn count_event(&mut self, facts: &EventFacts, sign: i64) -> Result<(), ServerError> {
        self.counts.count_event(facts, sign);
        self.flush_if_large()
    }

    fn flush(&mut self) -> Result<(), ServerError> {
        self.write_changes()
    }
}
