//! What each command does: the PIN steps, saving and voiding, the
//! worker's choices, export. Failures come back in the worker's language.

use super::message::{Answer, Command, Event, Reply, Stats, ViewId};
use super::{Engine, Open, State};
use crate::device::platform::Instant;
use crate::device::prefs::{PinTries, Prefs};
use crate::device::vault::key_derivations;
use crate::device::{Pin, PinKind, Store, StoreError};
use crate::domain::catalog::Catalog;
use crate::domain::i18n::{Lang, Msg, tr};
use chrono::{DateTime, FixedOffset, Local};
use std::time::Duration;

pub(super) fn now() -> DateTime<FixedOffset> {
    Local::now().fixed_offset()
}

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// "Too many wrong PINs in a row. Wait 1 min 30 s…", whole seconds
/// rounded up so it never says 0 s while still waiting.
pub fn pin_wait_message(wait: Duration, lang: Lang) -> String {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let words = match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    };
    tr(lang, Msg::AppPinWait, &[("value", &words)])
}

impl State {
    pub(super) fn lang(&self) -> Lang {
        self.prefs.lang
    }

    fn message(&self, error: StoreError) -> String {
        error.message(self.lang())
    }

    /// The open store, for a view that unlocked it; a locked view gets
    /// the wrong-PIN message, which sends it back to the PIN screen.
    pub(super) fn store_for(&mut self, view: ViewId) -> Result<&mut Store, String> {
        let lang = self.lang();
        let unlocked = self.views.get(&view).is_some_and(|v| v.unlocked);
        match (&mut self.open, unlocked) {
            (Some(open), true) => Ok(&mut open.store),
            _ => Err(StoreError::WrongPin.message(lang)),
        }
    }

    fn save_prefs(&mut self, change: impl FnOnce(&mut Prefs)) {
        change(&mut self.prefs);
        // Failing to write them is no reason to refuse the change now.
        let _ = self.prefs.save(&self.home);
    }

    /// How long before the next PIN may be tried, if a wait is on.
    pub(super) fn pin_wait(&mut self) -> Option<Duration> {
        let now = unix_now();
        if self
            .prefs
            .pin_tries
            .last_wrong_at
            .is_some_and(|at| at > now)
        {
            // The clock went back: the wait restarts now rather than
            // lasting until the clock catches up.
            self.save_prefs(|p| p.pin_tries.last_wrong_at = Some(now));
        }
        let tries = self.prefs.pin_tries;
        let here = self
            .last_wrong_pin
            .map(|at| tries.wait().saturating_sub(at.elapsed()))
            .unwrap_or_default();
        let wait = tries.remaining(now).max(here);
        (!wait.is_zero()).then_some(wait)
    }

    fn wrong_pin(&mut self) -> String {
        self.last_wrong_pin = Some(Instant::now());
        self.save_prefs(|p| p.pin_tries.wrong(unix_now()));
        let wrong = self.message(StoreError::WrongPin);
        match self.pin_wait() {
            Some(wait) => format!("{wrong} {}", pin_wait_message(wait, self.lang())),
            None => wrong,
        }
    }

    fn right_pin(&mut self) {
        self.last_wrong_pin = None;
        if self.prefs.pin_tries != PinTries::default() {
            self.save_prefs(|p| p.pin_tries = PinTries::default());
        }
    }

    /// The keyboard the PIN was typed on comes up first next time. It
    /// tells a thief only whether to skip the million 6-digit PINs.
    fn remember_keyboard(&mut self, kind: PinKind) {
        let letters = kind == PinKind::Passphrase;
        if self.prefs.pin_letters != letters {
            self.save_prefs(|p| p.pin_letters = letters);
        }
    }

    /// Whether `pin` is the store's: checked against the open store (one
    /// derivation, no second connection), or by opening it, which is then
    /// returned.
    fn check_pin(&self, pin: &Pin) -> Result<Option<Store>, StoreError> {
        match &self.open {
            Some(open) => open.store.check_pin(pin).map(|()| None),
            None => Store::open(&self.location, pin).map(Some),
        }
    }

    fn unlock_view(&mut self, view: ViewId) {
        if let Some(v) = self.views.get_mut(&view) {
            v.unlocked = true;
            v.last_activity = Instant::now();
        }
    }

    /// Every view but `keep` locks: after a PIN change or a wipe, what
    /// they were unlocked with no longer holds.
    fn lock_others(&mut self, keep: Option<ViewId>) {
        for (id, view) in self.views.iter_mut() {
            if Some(*id) != keep {
                view.unlocked = false;
            }
        }
    }
}

impl Engine {
    /// Handles one command from `view`.
    pub fn handle(&self, view: ViewId, command: Command) -> Reply {
        // A view already closed (its socket gone while a PIN step was on
        // its way) gets nothing unlocked, nothing kept.
        let known = self.state().views.contains_key(&view);
        if !known
            && !matches!(
                command,
                Command::Snapshot | Command::CloseView | Command::Stats
            )
        {
            let lang = self.state().lang();
            return Err(StoreError::WrongPin.message(lang));
        }
        match command {
            Command::Snapshot => Ok(Answer::Snapshot(Box::new(self.snapshot(view)))),
            Command::Create { pin, again } => self.create(view, &pin, &again),
            Command::Unlock { pin } => self.unlock(view, &pin),
            Command::Lock => {
                if let Some(v) = self.state().views.get_mut(&view) {
                    v.unlocked = false;
                }
                self.forget_key_if_unused();
                self.tell_others(view, Event::Lock);
                Ok(Answer::Done)
            }
            Command::CloseView => {
                self.state().views.remove(&view);
                self.forget_key_if_unused();
                Ok(Answer::Done)
            }
            Command::Touch => {
                if let Some(v) = self.state().views.get_mut(&view) {
                    v.last_activity = Instant::now();
                }
                Ok(Answer::Done)
            }
            Command::Save { contact } => self.change_records(view, |store| store.save(&contact)),
            Command::SaveOverdose { overdose } => {
                self.change_records(view, |store| store.save_overdose(&overdose))
            }
            Command::StartShift { shift } => {
                self.change_records(view, |store| store.put_open_shift(&shift))
            }
            Command::EndShift => {
                let day_end = self.state().prefs.day_end;
                self.change_records(view, |store| {
                    store
                        .end_shift(now(), crate::domain::ShiftEnd::Worker, day_end)
                        .map(drop)
                })
            }
            Command::SaveIncident { incident } => {
                self.change_records(view, |store| store.save_incident(&incident))
            }
            Command::Void { target } => {
                self.change_records(view, |store| store.void(target, now()).map(drop))
            }
            Command::SyncNow => {
                self.state().store_for(view)?;
                Ok(Answer::Started(self.start_sync()))
            }
            Command::Enroll {
                server,
                code,
                label,
            } => {
                self.state().store_for(view)?;
                Ok(Answer::Started(self.start_enroll(server, code, label)))
            }
            Command::Export => self.export(view),
            Command::ChangePin {
                current,
                new,
                again,
            } => self.change_pin(view, Some(&current), &new, &again),
            Command::StrengthenPin { new, again } => self.change_pin(view, None, &new, &again),
            Command::Wipe { pin } => self.wipe(view, &pin),
            Command::SetPrefs { prefs } => {
                let mut state = self.state();
                // Behind the PIN screen only the language and theme may
                // change: the auto-lock delay and the end of the day
                // decide how long the phone stays open and keeps records.
                let guarded = |p: &Prefs| (p.lock_after, p.day_end, p.pin_letters);
                if guarded(&prefs) != guarded(&state.prefs) {
                    state.store_for(view)?;
                }
                let tries = state.prefs.pin_tries;
                state.save_prefs(|p| {
                    *p = Prefs {
                        pin_tries: tries,
                        ..prefs
                    }
                });
                drop(state);
                self.tell_others(view, Event::Prefs);
                Ok(Answer::Done)
            }
            Command::Stats => {
                let state = self.state();
                Ok(Answer::Stats(Stats {
                    key_derivations: key_derivations(),
                    unlocked_views: state.views.values().filter(|v| v.unlocked).count(),
                    holds_key: state.open.is_some(),
                    ..state.stats
                }))
            }
        }
    }

    /// First run: the PIN typed twice, then an empty store with the
    /// default catalog (enrollment replaces it later). The PIN must meet
    /// the rule for new ones.
    fn create(&self, view: ViewId, pin: &str, again: &str) -> Reply {
        let mut state = self.state();
        let lang = state.lang();
        let parsed = Pin::choose(pin).map_err(|e| e.message(lang))?;
        if pin != again {
            return Err(Msg::PinMismatch.text(lang).to_string());
        }
        // The store makes its folder (owner-only) itself.
        let store = Store::create(&state.location, &parsed, &Catalog::default_quebec())
            .map_err(|e| e.message(lang))?;
        state.open = Some(Open { store, weak: false });
        state.unlock_view(view);
        state.remember_keyboard(parsed.kind());
        drop(state);
        self.tell_others(view, Event::Lock);
        Ok(Answer::Done)
    }

    /// Opens the store with `pin` (or checks it against the store another
    /// view opened). After five wrong PINs in a row on this phone,
    /// whichever views typed them, it refuses to try until the wait is
    /// over, and says how long.
    fn unlock(&self, view: ViewId, pin: &str) -> Reply {
        let mut state = self.state();
        let lang = state.lang();
        if let Some(wait) = state.pin_wait() {
            return Err(pin_wait_message(wait, lang));
        }
        // A too-short PIN cannot be right; say "wrong PIN" rather than
        // teach lengths. It is not counted: it costs no key derivation.
        let parsed = Pin::parse(pin).map_err(|_| StoreError::WrongPin.message(lang))?;
        match state.check_pin(&parsed) {
            Ok(opened) => {
                state.right_pin();
                if let Some(mut store) = opened {
                    // Records of a day already over, signed for by the
                    // server, leave the phone now rather than at the next
                    // sync. A failure keeps them for that sync: it must
                    // not keep the worker out.
                    let retention = state.options.sync.retention.as_millis() as i64;
                    let _ = store.purge_delivered(now(), state.prefs.day_end, retention);
                    state.open = Some(Open {
                        store,
                        weak: parsed.is_weak(),
                    });
                }
                state.unlock_view(view);
                state.remember_keyboard(parsed.kind());
            }
            Err(StoreError::WrongPin) => return Err(state.wrong_pin()),
            Err(other) => return Err(other.message(lang)),
        }
        drop(state);
        self.tell_others(view, Event::Lock);
        self.start_sync();
        Ok(Answer::Done)
    }

    /// A save or a void: the records change, every view hears of it, and
    /// a sync follows shortly.
    fn change_records(
        &self,
        view: ViewId,
        change: impl FnOnce(&mut Store) -> Result<(), StoreError>,
    ) -> Reply {
        let mut state = self.state();
        let lang = state.lang();
        let store = state.store_for(view)?;
        change(store).map_err(|e| e.message(lang))?;
        let due = Instant::now() + state.options.after_save;
        if state.sync_due.is_none_or(|at| at > due) {
            state.sync_due = Some(due);
        }
        if let Some(v) = state.views.get_mut(&view) {
            v.last_activity = Instant::now();
        }
        drop(state);
        self.tell_others(view, Event::Records);
        Ok(Answer::Done)
    }

    /// The new PIN twice, with the current one (Settings) or, right after
    /// unlocking with a weak PIN, without (`current` is `None`): the PIN
    /// just typed stands for it. The other views lock: they must show
    /// they know the new PIN.
    fn change_pin(&self, view: ViewId, current: Option<&str>, new: &str, again: &str) -> Reply {
        let mut state = self.state();
        let lang = state.lang();
        let wrong = || StoreError::WrongPin.message(lang);
        let current = current
            .map(|pin| Pin::parse(pin).map_err(|_| wrong()))
            .transpose()?;
        let new_pin = Pin::choose(new).map_err(|e| e.message(lang))?;
        if new != again {
            return Err(Msg::PinMismatch.text(lang).to_string());
        }
        state.store_for(view)?;
        let open = state.open.as_mut().ok_or_else(wrong)?;
        match &current {
            Some(current) => open.store.change_pin(current, &new_pin),
            None if open.weak => open.store.replace_weak_pin(&new_pin),
            None => return Err(wrong()),
        }
        .map_err(|e| e.message(lang))?;
        open.weak = false;
        state.lock_others(Some(view));
        state.remember_keyboard(new_pin.kind());
        drop(state);
        self.tell_others(view, Event::Lock);
        Ok(Answer::Done)
    }

    /// Erases the store, its journal files and everything in them, once
    /// the PIN proves the person holding the phone may. Every view locks.
    fn wipe(&self, view: ViewId, pin: &str) -> Reply {
        let mut state = self.state();
        let lang = state.lang();
        let parsed = Pin::parse(pin).map_err(|_| StoreError::WrongPin.message(lang))?;
        state.check_pin(&parsed).map_err(|e| e.message(lang))?;
        state.open = None;
        state.lock_others(None);
        Store::erase(&state.location).map_err(|e| e.message(lang))?;
        state.sync = Default::default();
        state.enroll = Default::default();
        drop(state);
        self.tell_others(view, Event::Lock);
        Ok(Answer::Done)
    }

    /// Seals what is waiting and writes every unsent batch to a file in
    /// the phone's `exports` folder, for a supervisor to import by hand.
    fn export(&self, view: ViewId) -> Reply {
        let mut state = self.state();
        let lang = state.lang();
        let home = state.home.clone();
        let store = state.store_for(view)?;
        let enrolled = store.enrollment().map_err(|e| e.message(lang))?;
        if enrolled.is_none() {
            return Err(Msg::SyncNotEnrolled.text(lang).to_string());
        }
        let (bytes, count) = store
            .seal_pending(chrono::Utc::now().timestamp_millis())
            .and_then(|_| store.export_batches())
            .map_err(|e| e.message(lang))?;
        let dir = home.join("exports");
        let path = dir.join(format!(
            "tournee-{}.batches",
            Local::now().format("%Y%m%d-%H%M%S")
        ));
        let unwritable = |e: std::io::Error| {
            tr(
                lang,
                Msg::FileUnreadable,
                &[("path", &path.display()), ("value", &e)],
            )
        };
        std::fs::create_dir_all(&dir).map_err(unwritable)?;
        std::fs::write(&path, bytes).map_err(unwritable)?;
        drop(state);
        self.tell_others(view, Event::Records);
        Ok(Answer::Exported {
            count,
            file: path.display().to_string(),
        })
    }
}
