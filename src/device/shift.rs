//! The shift under way on this phone and the records that end it: the
//! open shift is a sealed value (its start, team and zones say where a
//! team is, so it is kept like a contact), and its end writes the
//! [`Shift`] record and forgets the open one in one transaction.

use super::error::StoreError;
use super::listing::moment;
use super::store::{Store, insert_record};
use super::workday::DayEnd;
use crate::domain::{CatalogId, Incident, OpenShift, Record, Shift, ShiftEnd};
use chrono::{DateTime, FixedOffset};

const OPEN_SHIFT: &str = "open_shift";

impl Store {
    /// The shift started and not yet ended, if any.
    pub fn open_shift(&self) -> Result<Option<OpenShift>, StoreError> {
        self.value(OPEN_SHIFT)
    }

    /// Starts a shift, or changes the team or zones of the one under way
    /// (its start stays).
    pub fn put_open_shift(&mut self, shift: &OpenShift) -> Result<(), StoreError> {
        let kept = match self.open_shift()? {
            Some(open) => OpenShift {
                started_at: open.started_at,
                ..shift.clone()
            },
            None => shift.clone(),
        };
        self.put_value(OPEN_SHIFT, &kept)
    }

    /// Ends the shift under way at `at`: its record joins the outbox with
    /// the zones of every record made since it started.
    pub fn end_shift(
        &mut self,
        at: DateTime<FixedOffset>,
        by: ShiftEnd,
        day_end: DayEnd,
    ) -> Result<Shift, StoreError> {
        let open = self.open_shift()?.ok_or(StoreError::NoShift)?;
        let visited = self.zones_between(&open, at, by == ShiftEnd::Worker, day_end)?;
        let shift = open.end(at, by, visited);
        let tx = self.conn.transaction()?;
        insert_record(&tx, &self.key, &Record::Shift(shift.clone()))?;
        tx.execute("DELETE FROM sealed_values WHERE name = ?1", [OPEN_SHIFT])?;
        tx.commit()?;
        Ok(shift)
    }

    /// Ends a shift whose worker's day is over at `now` (the end was not
    /// tapped): it ends at its last record, or at its start when it has
    /// none, so forgotten ends do not count hours nobody worked.
    pub fn end_shift_if_day_over(
        &mut self,
        now: DateTime<FixedOffset>,
        day_end: DayEnd,
    ) -> Result<Option<Shift>, StoreError> {
        let Some(open) = self.open_shift()? else {
            return Ok(None);
        };
        if !day_end.is_over(&open.started_at, &now) {
            return Ok(None);
        }
        // Only the start's day: records after the day ended are the next
        // day's, not the forgotten shift's.
        let last = self
            .records_between(&open, now, false, day_end)?
            .iter()
            .map(moment)
            .max()
            .unwrap_or(open.started_at);
        self.end_shift(last, ShiftEnd::DayOver, day_end).map(Some)
    }

    /// Saves a safety incident, sealed like a contact.
    pub fn save_incident(&mut self, incident: &Incident) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        insert_record(&tx, &self.key, &Record::Incident(incident.clone()))?;
        tx.commit()?;
        Ok(())
    }

    /// The records made from the shift's start to `until`, voided ones
    /// out, in the work day of its start and, when `past_day_end` (a
    /// shift the team ended itself may go on past the hour the day ends;
    /// it lasts at most 16 hours), in that of `until`.
    fn records_between(
        &self,
        open: &OpenShift,
        until: DateTime<FixedOffset>,
        past_day_end: bool,
        day_end: DayEnd,
    ) -> Result<Vec<Record>, StoreError> {
        let first = day_end.day_of(&open.started_at);
        let last = day_end.day_of(&until);
        let mut listed = self.list(super::Listing::WorkDay(first, day_end))?;
        if past_day_end && last != first {
            listed.extend(self.list(super::Listing::WorkDay(last, day_end))?);
        }
        Ok(listed
            .into_iter()
            .filter(|l| !l.voided && (open.started_at..=until).contains(&moment(&l.record)))
            .map(|l| l.record)
            .filter(|r| !matches!(r, Record::Void(_) | Record::Shift(_)))
            .collect())
    }

    fn zones_between(
        &self,
        open: &OpenShift,
        until: DateTime<FixedOffset>,
        past_day_end: bool,
        day_end: DayEnd,
    ) -> Result<Vec<CatalogId>, StoreError> {
        Ok(self
            .records_between(open, until, past_day_end, day_end)?
            .into_iter()
            .filter_map(|record| match record {
                Record::Contact(c) => Some(c.zone),
                Record::Overdose(o) => Some(o.zone),
                Record::Incident(i) => Some(i.zone),
                Record::Void(_) | Record::Shift(_) => None,
            })
            .collect())
    }
}
