//! Per-day counts for the worker's own view ("today: 12 contacts"). They
//! outlive the records they count, which are purged once the server has
//! signed for them and the worker's day is over. They follow calendar
//! days; the app's "today" is the worker's day, counted from its records
//! (see `Store::work_day_counts`). Stored sealed, one row per day under its blind tag.

use super::error::StoreError;
use super::store::{decode, padded_json};
use super::vault::DataKey;
use crate::domain::Contact;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCounts {
    pub contacts: u64,
    pub people: u64,
    pub returned_syringes: u64,
    /// Material id -> quantity handed out that day.
    pub materials: BTreeMap<String, u64>,
    /// Referral id -> contacts with that referral (kept since fast entry:
    /// a day counted by an earlier release has none).
    #[serde(default)]
    pub referrals: BTreeMap<String, u64>,
}

impl DayCounts {
    pub fn add(&mut self, contact: &Contact) {
        self.contacts += 1;
        self.people += u64::from(contact.people_count.get());
        self.returned_syringes += u64::from(contact.returned_syringes.get());
        for (id, qty) in &contact.materials {
            *self.materials.entry(id.to_string()).or_default() += u64::from(qty.get());
        }
        for id in &contact.referrals {
            *self.referrals.entry(id.to_string()).or_default() += 1;
        }
    }

    /// Undoes [`DayCounts::add`] for a voided contact.
    pub fn remove(&mut self, contact: &Contact) {
        self.contacts = self.contacts.saturating_sub(1);
        self.people = self
            .people
            .saturating_sub(u64::from(contact.people_count.get()));
        self.returned_syringes = self
            .returned_syringes
            .saturating_sub(u64::from(contact.returned_syringes.get()));
        for (id, qty) in &contact.materials {
            if let Some(total) = self.materials.get_mut(id.as_str()) {
                *total = total.saturating_sub(u64::from(qty.get()));
                if *total == 0 {
                    self.materials.remove(id.as_str());
                }
            }
        }
        for id in &contact.referrals {
            if let Some(total) = self.referrals.get_mut(id.as_str()) {
                *total = total.saturating_sub(1);
                if *total == 0 {
                    self.referrals.remove(id.as_str());
                }
            }
        }
    }

    pub fn merge(&mut self, other: &DayCounts) {
        self.contacts += other.contacts;
        self.people += other.people;
        self.returned_syringes += other.returned_syringes;
        for (id, qty) in &other.materials {
            *self.materials.entry(id.clone()).or_default() += qty;
        }
        for (id, count) in &other.referrals {
            *self.referrals.entry(id.clone()).or_default() += count;
        }
    }
}

/// The blind tag of a local day: equal days give equal tags, and the tag
/// does not say which day it is without the data key.
pub(super) fn day_tag(key: &DataKey, day: NaiveDate) -> Vec<u8> {
    key.tag(b"day", day.format("%Y-%m-%d").to_string().as_bytes())
}

fn counts_aad(tag: &[u8]) -> Vec<u8> {
    [b"day-counts:".as_slice(), tag].concat()
}

pub(super) fn read(
    conn: &Connection,
    key: &DataKey,
    day: NaiveDate,
) -> Result<DayCounts, StoreError> {
    let tag = day_tag(key, day);
    let sealed: Option<Vec<u8>> = conn
        .query_row(
            "SELECT sealed FROM day_counts WHERE day_tag = ?1",
            [&tag],
            |row| row.get(0),
        )
        .optional()?;
    match sealed {
        Some(sealed) => decode(&key.open(&counts_aad(&tag), &sealed)?),
        None => Ok(DayCounts::default()),
    }
}

pub(super) fn update(
    tx: &Transaction<'_>,
    key: &DataKey,
    day: NaiveDate,
    change: impl FnOnce(&mut DayCounts),
) -> Result<(), StoreError> {
    let mut counts = read(tx, key, day)?;
    change(&mut counts);
    let tag = day_tag(key, day);
    let sealed = key.seal(&counts_aad(&tag), &padded_json(&counts))?;
    tx.execute(
        "INSERT INTO day_counts (day_tag, sealed) VALUES (?1, ?2)
         ON CONFLICT (day_tag) DO UPDATE SET sealed = excluded.sealed",
        params![tag, sealed],
    )?;
    Ok(())
}
