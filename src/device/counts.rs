//! Per-day counts for the worker's own view ("today: 12 contacts"). They
//! outlive the records they count, which are purged once the server has
//! signed for them.

use crate::domain::Contact;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCounts {
    pub contacts: u64,
    pub people: u64,
    pub returned_syringes: u64,
    /// Material id -> quantity handed out that day.
    pub materials: BTreeMap<String, u64>,
}

impl DayCounts {
    pub fn add(&mut self, contact: &Contact) {
        self.contacts += 1;
        self.people += u64::from(contact.people_count.get());
        self.returned_syringes += u64::from(contact.returned_syringes.get());
        for (id, qty) in &contact.materials {
            *self.materials.entry(id.to_string()).or_default() += u64::from(qty.get());
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
    }

    pub fn merge(&mut self, other: &DayCounts) {
        self.contacts += other.contacts;
        self.people += other.people;
        self.returned_syringes += other.returned_syringes;
        for (id, qty) in &other.materials {
            *self.materials.entry(id.clone()).or_default() += qty;
        }
    }
}

/// The text a day's tag is made from.
pub fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}
