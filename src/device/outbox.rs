//! The outbox: pending records sealed into batches, each sealed once with
//! the next sequence number and kept byte for byte until a receipt covers
//! it; then marked delivered and, once the worker's day is over (and any
//! retention delay has passed), purged.

use super::counts::day_tag;
use super::error::StoreError;
use super::store::{BATCHED, DELIVERED, PENDING, Store, decode, moment};
use super::vault::DataKey;
use super::workday::DayEnd;
use crate::domain::Record;
use crate::domain::wire::batch;
use crate::domain::wire::enroll::encode_hand_file;
use crate::domain::wire::envelope::{SealTo, seal};
use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashSet;
use uuid::Uuid;

// The protocol's bounds, which the server enforces: one place for both.
use crate::domain::wire::batch::{MAX_PLAINTEXT, MAX_RECORDS};

/// How many days before the worker's day under way the purge knows by
/// their tag: a quarter's worth.
const TAGGED_DAYS: u64 = 92;

/// A sealed batch waiting for its receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsent {
    pub seq: u64,
    pub envelope: Vec<u8>,
}

impl Store {
    /// Seals every pending record into batches of at most [`MAX_RECORDS`]
    /// records and [`MAX_PLAINTEXT`] bytes. Returns how many were made.
    pub fn seal_pending(&mut self, now_ms: i64) -> Result<usize, StoreError> {
        let mut made = 0;
        while self.seal_next(now_ms)?.is_some() {
            made += 1;
        }
        Ok(made)
    }

    /// Seals the oldest pending records into one batch (as many as fit,
    /// in the order saved) and returns it, or `None` when nothing is
    /// pending or the phone is not enrolled. A sync seals one, sends it
    /// and seals the next while the server counts the first.
    pub fn seal_next(&mut self, now_ms: i64) -> Result<Option<Unsent>, StoreError> {
        let Some(enrollment) = self.enrollment()? else {
            return Ok(None);
        };
        // Unchecked: the signing key is read in it too, through `self`;
        // nothing else runs on the connection meanwhile (`&mut self`).
        let tx = self.conn.unchecked_transaction()?;
        let (ids, records): (Vec<i64>, Vec<Record>) = pending_records(&tx, &self.key, MAX_RECORDS)?
            .into_iter()
            .unzip();
        if records.is_empty() {
            return Ok(None);
        }
        let signer = self.identity()?;
        let (kid, recipient) = enrollment.sealing_key()?;
        let to = SealTo {
            org_id: enrollment.org_id,
            device_id: enrollment.device_id,
            kid,
            recipient: &recipient,
            signer: &signer,
        };
        let mut take = records.len();
        let mut plaintext = batch::encode(&records[..take]);
        while plaintext.len() > MAX_PLAINTEXT && take > 1 {
            take = take * 3 / 4;
            plaintext = batch::encode(&records[..take]);
        }
        let seq: i64 = tx.query_row("SELECT coalesce(max(seq), 0) + 1 FROM batches", [], |r| {
            r.get(0)
        })?;
        let batch_id = Uuid::now_v7();
        let envelope = seal(&to, seq as u64, batch_id, now_ms, &plaintext)
            .map_err(|e| StoreError::Damaged(format!("sealing a batch: {e}")))?;
        tx.execute(
            "INSERT INTO batches (seq, batch_id, envelope, records, sealed_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![seq, batch_id.as_bytes().as_slice(), envelope, take as i64, now_ms],
        )?;
        // The batch holds the oldest pending records, read in this
        // transaction: all of them up to the last one taken, marked in one
        // statement (one per record cost a fifth of sealing).
        let last = ids[take - 1];
        let marked = tx.execute(
            "UPDATE records SET state = ?1, batch_seq = ?2
             WHERE state = ?3 AND sealed IS NOT NULL AND id <= ?4",
            params![BATCHED, seq, PENDING, last],
        )?;
        if marked != take {
            return Err(StoreError::Damaged(format!(
                "sealing a batch: {marked} records marked for {take} sealed"
            )));
        }
        tx.commit()?;
        Ok(Some(Unsent {
            seq: seq as u64,
            envelope,
        }))
    }

    /// Batches without a receipt, in sequence order.
    pub fn unsent_batches(&self) -> Result<Vec<Unsent>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT seq, envelope FROM batches WHERE delivered_at IS NULL ORDER BY seq")?;
        let rows = statement.query_map([], |row| {
            Ok(Unsent {
                seq: row.get::<_, i64>(0)? as u64,
                envelope: row.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn count_unsent_batches(&self) -> Result<u64, StoreError> {
        let count: i64 = self.conn.query_row(
            "SELECT count(*) FROM batches WHERE delivered_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(count as u64)
    }

    /// Records the receipt for batch `seq`, marks its records delivered and
    /// drops the envelope: it is never sent again, and it holds the person
    /// codes sealed to the server, which whoever also held the server's
    /// sealing keys could read. The receipt keeps its SHA-256 for the
    /// record. The caller has verified that the receipt covers the exact
    /// envelope.
    pub fn mark_delivered(
        &mut self,
        seq: u64,
        receipt: &[u8],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE batches SET delivered_at = ?1, receipt = ?2, envelope = X'' WHERE seq = ?3 AND delivered_at IS NULL",
            params![now_ms, receipt, seq as i64],
        )?;
        tx.execute(
            "UPDATE records SET state = ?1 WHERE batch_seq = ?2",
            params![DELIVERED, seq as i64],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Leaves no copy of dropped envelopes in the WAL, which holds the
    /// pages they filled until they are overwritten: writes them back and
    /// truncates it. Called once after the last receipt of a sync, not per
    /// receipt (each checkpoint is a page copy and an fsync). A reader on
    /// another connection may hold some back: they go at the next sync's.
    /// (In a browser there is no WAL: the rollback journal is truncated
    /// at each commit.)
    pub fn scrub_wal(&self) -> Result<(), StoreError> {
        #[cfg(not(target_arch = "wasm32"))]
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Erases the sealed content of records the server signed for, once
    /// the worker's day that holds each of them is over at `now` (see
    /// [`DayEnd`]) and its receipt is at least `retention_ms` old. Until
    /// then the night's work stays listed and voidable. A record without
    /// a receipt is never erased. Day counts stay for the worker's view.
    pub fn purge_delivered(
        &mut self,
        now: DateTime<FixedOffset>,
        end: DayEnd,
        retention_ms: i64,
    ) -> Result<usize, StoreError> {
        let received_by = now.timestamp_millis() - retention_ms;
        // Delivered records still readable whose receipt is old enough.
        const RECEIPTED: &str = "state = ?1 AND sealed IS NOT NULL
            AND batch_seq IN (SELECT seq FROM batches WHERE delivered_at IS NOT NULL AND delivered_at <= ?2)";
        let tx = self.conn.transaction()?;
        let tags: Vec<Vec<u8>> = tx
            .prepare(&format!(
                "SELECT DISTINCT day_tag FROM records WHERE {RECEIPTED}"
            ))?
            .query_map(params![DELIVERED, received_by], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        if tags.is_empty() {
            return Ok(0);
        }
        // A record's tag names the date on its own clock, and its worker's
        // day began on that date or the one before: every record dated
        // before the day now under way is in a day that is over, and is
        // erased by its tag without being opened. Only the last days are
        // named: a phone offline longer opens its older records instead.
        let today = end.day_of(&now);
        let dated_before: HashSet<Vec<u8>> = (1..=TAGGED_DAYS)
            .map(|back| day_tag(&self.key, today - chrono::Days::new(back)))
            .collect();
        let mut erased = 0;
        for tag in tags {
            if dated_before.contains(&tag) {
                erased += tx.execute(
                    &format!("UPDATE records SET sealed = NULL WHERE {RECEIPTED} AND day_tag = ?3"),
                    params![DELIVERED, received_by, tag],
                )?;
                continue;
            }
            let over: Vec<Vec<u8>> = {
                let mut statement = tx.prepare(&format!(
                    "SELECT record_id, sealed FROM records WHERE {RECEIPTED} AND day_tag = ?3"
                ))?;
                let mut rows = statement.query(params![DELIVERED, received_by, tag])?;
                let mut over = Vec::new();
                while let Some(row) = rows.next()? {
                    let id: Vec<u8> = row.get(0)?;
                    let sealed: Vec<u8> = row.get(1)?;
                    let record: Record = decode(&self.key.open(&id, &sealed)?)?;
                    if end.is_over(&moment(&record), &now) {
                        over.push(id);
                    }
                }
                over
            };
            let mut erase = tx.prepare_cached(
                "UPDATE records SET sealed = NULL WHERE record_id = ?1 AND state = ?2",
            )?;
            for id in &over {
                erase.execute(params![id, DELIVERED])?;
            }
            erased += over.len();
        }
        tx.commit()?;
        Ok(erased)
    }

    /// Every unsent envelope in one file, for hand delivery.
    pub fn export_batches(&self) -> Result<(Vec<u8>, usize), StoreError> {
        let unsent = self.unsent_batches()?;
        let file = encode_hand_file(unsent.iter().map(|u| u.envelope.as_slice()));
        Ok((file, unsent.len()))
    }

    /// The receipt of the most recent delivered batch, if any.
    pub fn last_receipt_at(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT max(delivered_at) FROM batches", [], |r| r.get(0))
            .optional()?
            .flatten())
    }
}

/// The oldest pending records, at most `limit`, each with its row id.
fn pending_records(
    conn: &Connection,
    key: &DataKey,
    limit: usize,
) -> Result<Vec<(i64, Record)>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT id, record_id, sealed FROM records WHERE state = ?1 AND sealed IS NOT NULL
         ORDER BY id LIMIT ?2",
    )?;
    let mut rows = statement.query(params![PENDING, limit as i64])?;
    let mut records = Vec::new();
    while let Some(row) = rows.next()? {
        let id: Vec<u8> = row.get(1)?;
        let sealed: Vec<u8> = row.get(2)?;
        records.push((row.get(0)?, decode(&key.open(&id, &sealed)?)?));
    }
    Ok(records)
}
