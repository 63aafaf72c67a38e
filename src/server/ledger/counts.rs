//! What applying records changes in the rollups, summed in memory: each
//! record adds to (or, voided, takes from) the rows of its day and month
//! by dimension and key, and who was seen by day, month, quarter and
//! fiscal year. Both backends write these sums once per batch, each row
//! once, instead of about eleven upserts a contact for its month and as
//! many for its day.

use crate::domain::report::YearMonth;
use crate::domain::report::span::Span;
use crate::domain::report::tally::NO_GENDER;
use crate::server::apply::prepare::{ContactFacts, EventFacts};
use crate::server::error::ServerError;
use std::borrow::Borrow;
use std::collections::BTreeMap;

/// Counts not yet written: per (grain, month or day, dimension, key) the
/// contacts, people and quantity to add; per (span, when, pseudonym) the
/// contacts to add.
pub struct Counts {
    /// Whether counts go to the monthly rows as well as the daily ones
    /// (not when the day rows of records already counted by month are
    /// filled in).
    months: bool,
    /// Nested, not keyed by tuples, so that a row already there is found
    /// by borrowed strings: a contact bumps about 22 rows, and tuple keys
    /// made two owned strings for each (counting was about a sixth of
    /// apply's time in a profile of the ingest bench).
    rollups: BTreeMap<Grain, BTreeMap<String, Dims>>,
    people: BTreeMap<Seen, BTreeMap<String, BTreeMap<Vec<u8>, i64>>>,
    /// Rows so far, kept as they are made: the ledger asks after every
    /// record whether to write early.
    rows: usize,
}

/// One day's or month's sums: by dimension, then key, the contacts,
/// people and quantity to add.
type Dims = BTreeMap<&'static str, BTreeMap<String, [i64; 3]>>;

/// The value at `key`, made (its key allocated) only when missing; and
/// whether it was made.
fn slot<'m, Q, V>(map: &'m mut BTreeMap<Q::Owned, V>, key: &Q) -> (&'m mut V, bool)
where
    Q: ToOwned + Ord + ?Sized,
    Q::Owned: Ord + Borrow<Q>,
    V: Default,
{
    let made = !map.contains_key(key);
    if made {
        map.insert(key.to_owned(), V::default());
    }
    (map.get_mut(key).expect("present or just made"), made)
}

/// The rollup rows of a month, or of a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grain {
    Month,
    Day,
}

impl Grain {
    /// Its table and the column naming its month or day.
    pub fn table(self) -> (&'static str, &'static str) {
        match self {
            Grain::Month => ("rollups", "month"),
            Grain::Day => ("day_rollups", "day"),
        }
    }
}

/// What who was seen is kept by: a day, or a span of whole months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Seen {
    Day,
    In(Span),
}

impl Seen {
    /// Its table and the column naming its day or span.
    pub fn table(self) -> (&'static str, &'static str) {
        match self {
            Seen::Day => ("person_days", "day"),
            Seen::In(span) => super::person_table(span),
        }
    }
}

/// One rollup row's change.
pub struct RollupChange<'a> {
    pub grain: Grain,
    pub when: &'a str,
    pub dim: &'static str,
    pub key: &'a str,
    pub contacts: i64,
    pub people: i64,
    pub quantity: i64,
}

/// One row of who was seen: its change in contacts.
pub struct SeenChange<'a> {
    pub seen: Seen,
    pub when: &'a str,
    pub pseudonym: &'a [u8],
    pub contacts: i64,
}

/// Where a record counts: its local day, month, quarter and fiscal year
/// (the last two named by their first month).
struct Day {
    month: String,
    quarter: String,
    fiscal_year: String,
    day: String,
    /// Whether the month's rows are written too (not when the day rows of
    /// records already counted by month are filled in).
    months: bool,
}

impl Counts {
    pub fn new(months: bool) -> Counts {
        Counts {
            months,
            rollups: BTreeMap::new(),
            people: BTreeMap::new(),
            rows: 0,
        }
    }

    fn at(&self, occurred_at: chrono::DateTime<chrono::FixedOffset>) -> Day {
        let month = YearMonth::of(occurred_at.date_naive());
        Day {
            month: month.to_string(),
            quarter: Span::Quarter.start(month).to_string(),
            fiscal_year: Span::FiscalYear.start(month).to_string(),
            day: occurred_at.date_naive().to_string(),
            months: self.months,
        }
    }

    /// Rows changed so far.
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The counts so far, leaving none.
    pub fn take(&mut self) -> Counts {
        std::mem::replace(self, Counts::new(self.months))
    }

    /// The rollup rows to change, in key order; those whose changes cancel
    /// out (a contact and its void in one batch) are left out.
    pub fn rollups(&self) -> impl Iterator<Item = RollupChange<'_>> {
        self.rollups.iter().flat_map(|(grain, whens)| {
            whens.iter().flat_map(move |(when, dims)| {
                dims.iter().flat_map(move |(dim, keys)| {
                    keys.iter().filter(|(_, sums)| **sums != [0; 3]).map(
                        move |(key, [contacts, people, quantity])| RollupChange {
                            grain: *grain,
                            when,
                            dim,
                            key,
                            contacts: *contacts,
                            people: *people,
                            quantity: *quantity,
                        },
                    )
                })
            })
        })
    }

    /// The rows of who was seen to change, in key order, none that cancel out.
    pub fn seen_rows(&self) -> impl Iterator<Item = SeenChange<'_>> {
        self.people.iter().flat_map(|(seen, whens)| {
            whens.iter().flat_map(move |(when, rows)| {
                rows.iter()
                    .filter(|(_, sign)| **sign != 0)
                    .map(move |(pseudonym, contacts)| SeenChange {
                        seen: *seen,
                        when,
                        pseudonym,
                        contacts: *contacts,
                    })
            })
        })
    }

    fn bump(
        &mut self,
        at: &Day,
        dim: &'static str,
        key: &str,
        contacts: i64,
        people: i64,
        quantity: i64,
    ) {
        let grains = [(Grain::Day, &at.day), (Grain::Month, &at.month)];
        for (grain, when) in &grains[..if at.months { 2 } else { 1 }] {
            let (dims, _) = slot(self.rollups.entry(*grain).or_default(), when.as_str());
            let (sum, made) = slot(dims.entry(dim).or_default(), key);
            self.rows += usize::from(made);
            sum[0] += contacts;
            sum[1] += people;
            sum[2] += quantity;
        }
    }

    /// Counts `pseudonym` as seen (`sign` = 1) or not (-1) on the day and
    /// in the month, quarter and fiscal year.
    fn seen(&mut self, at: &Day, pseudonym: &str, sign: i64) -> Result<(), ServerError> {
        let bytes = hex::decode(pseudonym).map_err(|_| ServerError::Damaged("pseudonym".into()))?;
        let mut spans = vec![(Seen::Day, &at.day)];
        if at.months {
            spans.extend([
                (Seen::In(Span::Month), &at.month),
                (Seen::In(Span::Quarter), &at.quarter),
                (Seen::In(Span::FiscalYear), &at.fiscal_year),
            ]);
        }
        for (span, when) in spans {
            let (rows, _) = slot(self.people.entry(span).or_default(), when.as_str());
            let (contacts, made) = slot(rows, bytes.as_slice());
            *contacts += sign;
            self.rows += usize::from(made);
        }
        Ok(())
    }

    /// Adds (`sign` = 1) or removes (`sign` = -1) a contact from every rollup.
    pub fn count(&mut self, facts: &ContactFacts, sign: i64) -> Result<(), ServerError> {
        let month = self.at(facts.occurred_at);
        let people = sign * facts.people as i64;
        self.bump(
            &month,
            "all",
            "",
            sign,
            people,
            sign * facts.returned_syringes as i64,
        );
        let code = if facts.pseudonym.is_some() {
            "with"
        } else {
            "without"
        };
        self.bump(&month, "code", code, sign, people, 0);
        self.bump(&month, "zone", &facts.zone, sign, people, 0);
        self.bump(&month, "age_band", &facts.age_band, sign, people, 0);
        self.bump(
            &month,
            "gender",
            facts.gender.as_deref().unwrap_or(NO_GENDER),
            sign,
            people,
            0,
        );
        for (id, quantity) in &facts.materials {
            self.bump(&month, "material", id, 0, 0, sign * *quantity as i64);
        }
        for id in &facts.referrals {
            self.bump(&month, "referral", id, sign, 0, 0);
        }
        if let Some(mode) = &facts.mode {
            self.bump(&month, "mode", mode, sign, people, 0);
        }
        if let Some(place) = &facts.location_type {
            self.bump(&month, "location", place, sign, people, 0);
        }
        for (id, quantity) in &facts.materials_for_others {
            self.bump(&month, "material_others", id, 0, 0, sign * *quantity as i64);
        }
        if let Some(kits) = &facts.naloxone {
            let n = sign * kits.kits as i64;
            self.bump(&month, "kit_form", kits.form.key(), sign, 0, n);
            self.bump(&month, "kit_supply", kits.supply.key(), sign, 0, n);
            self.bump(
                &month,
                "kit_trained",
                "",
                sign,
                0,
                sign * kits.trained as i64,
            );
        }
        for id in &facts.interventions {
            self.bump(&month, "intervention", id, sign, 0, 0);
        }
        if let Some(pseudonym) = &facts.pseudonym {
            self.seen(&month, pseudonym, sign)?;
        }
        Ok(())
    }

    /// Adds or removes a record other than a contact from its rollups.
    pub fn count_event(&mut self, facts: &EventFacts, sign: i64) {
        match facts {
            EventFacts::Overdose(o) => {
                let month = self.at(o.occurred_at);
                let doses = i64::from(o.nasal_doses) + i64::from(o.injected_doses);
                self.bump(&month, "overdose", "", sign, 0, sign * doses);
                self.bump(&month, "od_outcome", o.outcome.key(), sign, 0, 0);
                self.bump(&month, "od_911", o.call_911.key(), sign, 0, 0);
                self.bump(&month, "od_zone", &o.zone, sign, 0, 0);
                if let Some(place) = &o.location_type {
                    self.bump(&month, "od_location", place, sign, 0, 0);
                }
                for (route, given) in [("nasal", o.nasal_doses), ("injected", o.injected_doses)] {
                    if given > 0 {
                        self.bump(&month, "od_route", route, sign, 0, sign * i64::from(given));
                    }
                }
                for responder in &o.responders {
                    self.bump(&month, "od_responder", responder, sign, 0, 0);
                }
                for substance in &o.substances {
                    self.bump(&month, "od_substance", substance, sign, 0, 0);
                }
                for (flag, set) in [
                    ("stayed", o.stayed),
                    ("ambulance", o.ambulance),
                    ("debrief", o.debrief_wanted),
                ] {
                    if set {
                        self.bump(&month, "od_flag", flag, sign, 0, 0);
                    }
                }
            }
            // An outing: `people` is its team, `quantity` its minutes.
            EventFacts::Shift(s) => {
                let month = self.at(s.started_at);
                let (team, minutes) = (i64::from(s.team_size), s.minutes());
                self.bump(&month, "shift", "", sign, sign * team, sign * minutes);
                self.bump(&month, "shift_staff", "", 0, 0, sign * minutes * team);
                self.bump(&month, "shift_end", s.ended_by.key(), sign, 0, 0);
                for zone in &s.zones {
                    self.bump(&month, "shift_zone", zone, sign, 0, 0);
                }
            }
            EventFacts::Incident(i) => {
                let month = self.at(i.occurred_at);
                self.bump(&month, "incident", &i.incident_type, sign, 0, 0);
                if i.debrief_wanted {
                    self.bump(&month, "incident_flag", "debrief", sign, 0, 0);
                }
            }
        }
    }
}
