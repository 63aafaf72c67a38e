//! A ledger held in memory for one batch, for a backend whose calls are
//! async (the host's PostgreSQL): what the store already holds of the
//! batch's records is read first ([`Wanted`] says which), the apply logic
//! runs on it unchanged, and what it changed ([`Writes`]) is written
//! after in a few statements, the rollups summed per row. The backend
//! must keep other applies of the same organization out meanwhile (it
//! holds a lock until its commit), or two batches could each miss the
//! other's records.

use super::Ledger;
use super::counts::Counts;
use crate::domain::RecordId;
use crate::server::apply::prepare::{ContactFacts, EventFacts, Prepared};
use crate::server::error::ServerError;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Every record id a batch's apply may look up: its own records' ids and
/// the targets of its voids (a superset is harmless).
pub struct Wanted(pub Vec<Uuid>);

impl Wanted {
    pub fn of(records: &[Prepared]) -> Wanted {
        let mut ids = Vec::with_capacity(records.len());
        for record in records {
            match record {
                Prepared::Contact { record_id, .. } | Prepared::Event { record_id, .. } => {
                    ids.push(record_id.uuid());
                }
                Prepared::Void { record_id, target } => {
                    ids.push(record_id.uuid());
                    ids.push(target.uuid());
                }
            }
        }
        Wanted(ids)
    }
}

/// What the store holds of the wanted records.
#[derive(Default)]
pub struct Known {
    contacts: HashMap<RecordId, (ContactFacts, bool)>,
    events: HashMap<RecordId, (EventFacts, bool)>,
    voids: HashSet<RecordId>,
    void_targets: HashSet<RecordId>,
}

impl Known {
    /// A stored contact, from its stored facts (JSON) and voided flag.
    pub fn contact(&mut self, id: RecordId, facts: &str, voided: bool) -> Result<(), ServerError> {
        let facts = serde_json::from_str(facts)
            .map_err(|e| ServerError::Damaged(format!("stored record {id}: {e}")))?;
        self.contacts.insert(id, (facts, voided));
        Ok(())
    }

    pub fn event(&mut self, id: RecordId, facts: &str, voided: bool) -> Result<(), ServerError> {
        let facts = serde_json::from_str(facts)
            .map_err(|e| ServerError::Damaged(format!("stored record {id}: {e}")))?;
        self.events.insert(id, (facts, voided));
        Ok(())
    }

    pub fn void(&mut self, id: RecordId, target: RecordId) {
        self.voids.insert(id);
        self.void_targets.insert(target);
    }
}

/// What one batch's apply changed, to be written in its transaction.
pub struct Writes {
    pub contacts: Vec<(RecordId, ContactFacts, bool)>,
    pub events: Vec<(RecordId, EventFacts, bool)>,
    pub voids: Vec<(RecordId, RecordId)>,
    /// Records stored before (or just above) that are voided now.
    pub voided_contacts: Vec<RecordId>,
    pub voided_events: Vec<RecordId>,
    pub counts: Counts,
}

pub struct MemoryLedger {
    known: Known,
    pub writes: Writes,
}

impl MemoryLedger {
    pub fn new(known: Known) -> MemoryLedger {
        MemoryLedger {
            known,
            writes: Writes {
                contacts: Vec::new(),
                events: Vec::new(),
                voids: Vec::new(),
                voided_contacts: Vec::new(),
                voided_events: Vec::new(),
                counts: Counts::new(true),
            },
        }
    }
}

impl Ledger for MemoryLedger {
    fn contact(&mut self, id: RecordId) -> Result<Option<(ContactFacts, bool)>, ServerError> {
        Ok(self.known.contacts.get(&id).cloned())
    }

    fn void_known(&mut self, void_id: RecordId) -> Result<bool, ServerError> {
        Ok(self.known.voids.contains(&void_id))
    }

    fn voided_in_advance(&mut self, target: RecordId) -> Result<bool, ServerError> {
        Ok(self.known.void_targets.contains(&target))
    }

    fn insert_contact(
        &mut self,
        id: RecordId,
        _device: Uuid,
        facts: &ContactFacts,
        voided: bool,
    ) -> Result<(), ServerError> {
        self.known.contacts.insert(id, (facts.clone(), voided));
        self.writes.contacts.push((id, facts.clone(), voided));
        Ok(())
    }

    fn insert_void(
        &mut self,
        void_id: RecordId,
        target: RecordId,
        _device: Uuid,
    ) -> Result<(), ServerError> {
        self.known.void(void_id, target);
        self.writes.voids.push((void_id, target));
        Ok(())
    }

    fn mark_voided(&mut self, id: RecordId) -> Result<(), ServerError> {
        if let Some((_, voided)) = self.known.contacts.get_mut(&id) {
            *voided = true;
        }
        self.writes.voided_contacts.push(id);
        Ok(())
    }

    fn count(&mut self, facts: &ContactFacts, sign: i64) -> Result<(), ServerError> {
        self.writes.counts.count(facts, sign)
    }

    fn event(&mut self, id: RecordId) -> Result<Option<(EventFacts, bool)>, ServerError> {
        Ok(self.known.events.get(&id).cloned())
    }

    fn insert_event(
        &mut self,
        id: RecordId,
        _device: Uuid,
        facts: &EventFacts,
        voided: bool,
    ) -> Result<(), ServerError> {
        self.known.events.insert(id, (facts.clone(), voided));
        self.writes.events.push((id, facts.clone(), voided));
        Ok(())
    }

    fn mark_event_voided(&mut self, id: RecordId) -> Result<(), ServerError> {
        if let Some((_, voided)) = self.known.events.get_mut(&id) {
            *voided = true;
        }
        self.writes.voided_events.push(id);
        Ok(())
    }

    fn count_event(&mut self, facts: &EventFacts, sign: i64) -> Result<(), ServerError> {
        self.writes.counts.count_event(facts, sign);
        Ok(())
    }

    /// Nothing to write yet: the backend writes [`MemoryLedger::writes`].
    fn flush(&mut self) -> Result<(), ServerError> {
        Ok(())
    }
}
