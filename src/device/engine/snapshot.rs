//! What one view may show, read in one go from the open store: Home's
//! counts and Today's list come from the same records.

use super::Engine;
use super::commands::now;
use super::message::{Snapshot, ViewId};
use crate::device::{Listing, Store, StoreError};

impl Engine {
    pub(super) fn snapshot(&self, view: ViewId) -> Snapshot {
        let mut state = self.state();
        let pin_wait = state.pin_wait();
        let prefs = state.prefs;
        let lang = state.lang();
        let has_store = state.open.is_some() || Store::exists(&state.location);
        let mut snapshot = Snapshot {
            has_store,
            prefs,
            pin_wait,
            sync: state.sync.clone(),
            enroll: state.enroll.clone(),
            ..Snapshot::default()
        };
        let weak = state.open.as_ref().is_some_and(|open| open.weak);
        let Ok(store) = state.store_for(view) else {
            return snapshot;
        };
        snapshot.unlocked = true;
        snapshot.weak_pin = weak;
        let end = prefs.day_end;
        let day = end.day_of(&now());
        let read = (|| -> Result<_, StoreError> {
            Ok((
                store.work_day_status(day, end, lang)?,
                store.list(Listing::WorkDay(day, end))?,
                store.catalog()?,
                store.last_receipt_at()?,
                store.open_shift()?,
            ))
        })();
        match read {
            Ok((status, today, catalog, receipt, shift)) => {
                snapshot.shift = shift;
                snapshot.enrolled = status.enrolled;
                snapshot.status = Some(status);
                snapshot.today = today;
                snapshot.catalog = Some(catalog);
                snapshot.last_receipt_at = receipt;
            }
            Err(error) => snapshot.problem = Some(error.message(lang)),
        }
        snapshot
    }
}
