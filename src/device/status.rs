//! What the worker needs to know at a glance: what is waiting, when it last
//! went out, what went wrong and what to do about it.

use super::DayCounts;
use super::error::StoreError;
use super::store::{Listing, Store};
use super::sync_error::message_for;
use super::workday::DayEnd;
use crate::domain::Record;
use crate::domain::i18n::{Lang, Msg, tr};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Status {
    pub waiting_records: u64,
    pub waiting_batches: u64,
    pub last_sync_at: Option<String>,
    /// The last problem, in the reader's language, or none since the last success.
    pub last_error: Option<String>,
    pub last_error_kind: Option<String>,
    pub enrolled: bool,
    pub revoked: bool,
    pub server: Option<String>,
    pub device_id: Option<String>,
    pub catalog_version: u32,
    pub today: DayCounts,
    /// The last [`USUAL_DAYS`] calendar days together: what this phone
    /// usually hands out and refers to, so the form puts it first.
    #[serde(default)]
    pub usual: DayCounts,
}

/// How far back "usual" looks: four weeks, long enough for a weekly
/// outing, short enough to follow a change of season or of team.
pub const USUAL_DAYS: u64 = 28;

impl Status {
    /// What waits and when it last went out, one line each, for the app's
    /// sync screen and `tournee device status`; `when` writes the time of
    /// the last sync (relative on the phone, as stored on a terminal).
    pub fn sync_lines(&self, lang: Lang, when: impl Fn(&str) -> String) -> Vec<String> {
        vec![
            tr(
                lang,
                Msg::StatusWaiting,
                &[("count", &self.waiting_records)],
            ),
            tr(
                lang,
                Msg::StatusBatches,
                &[("count", &self.waiting_batches)],
            ),
            match &self.last_sync_at {
                Some(at) => tr(lang, Msg::StatusLastSync, &[("value", &when(at))]),
                None => Msg::StatusNeverSynced.text(lang).to_string(),
            },
        ]
    }
}

impl Store {
    /// The status with the counts of the calendar day `today`.
    pub fn status(&self, today: NaiveDate, lang: Lang) -> Result<Status, StoreError> {
        self.status_with(self.day_counts(today)?, today, lang)
    }

    /// The status with the counts of the worker's day that began on
    /// `day`: exactly the contacts [`Listing::WorkDay`] lists, so a count
    /// and the list beside it always agree.
    pub fn work_day_status(
        &self,
        day: NaiveDate,
        end: DayEnd,
        lang: Lang,
    ) -> Result<Status, StoreError> {
        self.status_with(self.work_day_counts(day, end)?, day, lang)
    }

    /// What the worker's day holds, voids taken out. Its records are never
    /// purged before it is over, so these are all of them.
    pub fn work_day_counts(&self, day: NaiveDate, end: DayEnd) -> Result<DayCounts, StoreError> {
        let mut counts = DayCounts::default();
        for listed in self.list(Listing::WorkDay(day, end))? {
            if let Record::Contact(contact) = &listed.record
                && !listed.voided
            {
                counts.add(contact);
            }
        }
        Ok(counts)
    }

    /// What this phone usually hands out: the [`USUAL_DAYS`] - 1 calendar
    /// days before `day`, then `today` (the worker's day, already
    /// counted). Day counts outlive their records, so this is the phone's
    /// own habit even after the nights' records are purged. The earlier
    /// days are read once per day, not at every view refresh: they only
    /// change when a past contact is voided, and then by one row of a
    /// ranking.
    pub fn usual_counts(&self, day: NaiveDate, today: &DayCounts) -> Result<DayCounts, StoreError> {
        let mut cached = self.earlier_days.borrow_mut();
        let mut usual = match &*cached {
            Some((read_for, earlier)) if *read_for == day => earlier.clone(),
            _ => {
                let mut earlier = DayCounts::default();
                for back in 1..USUAL_DAYS {
                    if let Some(before) = day.checked_sub_days(chrono::Days::new(back)) {
                        earlier.merge(&self.day_counts(before)?);
                    }
                }
                *cached = Some((day, earlier.clone()));
                earlier
            }
        };
        usual.merge(today);
        Ok(usual)
    }

    fn status_with(
        &self,
        today: DayCounts,
        day: NaiveDate,
        lang: Lang,
    ) -> Result<Status, StoreError> {
        let enrollment = self.enrollment()?;
        let state = self.sync_state()?;
        let last_error = state
            .last_error_kind
            .as_deref()
            .map(|kind| message_for(kind, state.last_error_detail.as_deref().unwrap_or(""), lang));
        Ok(Status {
            waiting_records: self.count_pending()?,
            waiting_batches: self.count_unsent_batches()?,
            last_sync_at: state.last_sync_at,
            last_error,
            last_error_kind: state.last_error_kind,
            enrolled: enrollment.is_some(),
            revoked: enrollment.as_ref().is_some_and(|e| e.revoked),
            server: enrollment.as_ref().map(|e| e.server_url.clone()),
            device_id: enrollment.as_ref().map(|e| e.device_id.to_string()),
            catalog_version: self.catalog()?.version,
            usual: self.usual_counts(day, &today)?,
            today,
        })
    }
}
