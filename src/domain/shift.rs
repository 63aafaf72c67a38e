//! A shift (une tournée, une sortie): when a team went out, how many they
//! were and which zones they covered. The number of outings and the hours
//! in the field are what every street-work funder asks for. The phone
//! keeps an [`OpenShift`] from "Début de tournée" and makes the [`Shift`]
//! record at "Fin de tournée" (or at the end of the worker's day, when
//! the end was forgotten). Contacts made in between belong to it: the
//! server finds them by phone and time, so a contact carries nothing more.

use super::catalog::{Catalog, CatalogId, Section};
use super::choice::choice;
use super::contact::{bounded, parse_int};
use super::draft::Found;
use super::error::{Field, FieldError, Invalid, Problem};
use super::i18n::{Lang, Msg, tr};
use super::ids::RecordId;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

bounded!(
    /// Workers on the team, the one holding the phone included.
    TeamSize(u8), Field::TeamSize, 1, 20
);

choice!(
    /// How a shift ended: the worker said so, or the day ended without it.
    ShiftEnd, Field::ShiftEnd, {
        Worker => "worker", ShiftEndWorker;
        DayOver => "day-over", ShiftEndDayOver;
    }
);

/// No outing lasts longer; a longer one is a forgotten end.
pub const MAX_SHIFT: Duration = Duration::hours(16);

/// A shift under way, kept (encrypted) on the phone until it ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenShift {
    pub started_at: DateTime<FixedOffset>,
    pub team_size: TeamSize,
    /// The zones planned or covered so far.
    #[serde(default)]
    pub zones: BTreeSet<CatalogId>,
}

impl OpenShift {
    /// A shift starting at `now` with `team_size` (typed) and the zones
    /// picked, checked against the catalog's active zones.
    pub fn start(
        now: DateTime<FixedOffset>,
        team_size: &str,
        zones: &[String],
        catalog: &Catalog,
    ) -> Result<OpenShift, Invalid> {
        let mut found = Found::default();
        let team_size = found.keep(TeamSize::parse(Field::TeamSize, team_size));
        let zones = found.chips(catalog, Section::Zones, zones);
        match team_size {
            Some(team_size) if found.0.is_empty() => Ok(OpenShift {
                started_at: now,
                team_size,
                zones,
            }),
            _ => Err(Invalid(found.0)),
        }
    }

    /// The record of this shift ended at `at` (never before its start,
    /// never longer than [`MAX_SHIFT`]), its zones joined by `visited`.
    pub fn end(
        self,
        at: DateTime<FixedOffset>,
        by: ShiftEnd,
        visited: impl IntoIterator<Item = CatalogId>,
    ) -> Shift {
        let ended_at = at.max(self.started_at).min(self.started_at + MAX_SHIFT);
        let mut zones = self.zones;
        zones.extend(visited);
        Shift {
            record_id: RecordId::new(),
            started_at: self.started_at,
            ended_at,
            team_size: self.team_size,
            zones,
            ended_by: by,
        }
    }
}

/// One outing, as the phone sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub record_id: RecordId,
    pub started_at: DateTime<FixedOffset>,
    pub ended_at: DateTime<FixedOffset>,
    pub team_size: TeamSize,
    pub zones: BTreeSet<CatalogId>,
    pub ended_by: ShiftEnd,
}

impl Shift {
    /// Counted on the day it started, like a night that runs past midnight.
    pub fn local_date(&self) -> NaiveDate {
        self.started_at.date_naive()
    }

    /// Whole minutes in the field.
    pub fn minutes(&self) -> i64 {
        (self.ended_at - self.started_at).num_minutes()
    }

    /// "19:04–01:34 · Tournée · Équipe : 2 · Gatineau, Hull", for lists.
    pub fn summary(&self, catalog: &Catalog, lang: Lang) -> String {
        let mut parts = vec![
            format!(
                "{}–{}",
                self.started_at.format("%H:%M"),
                self.ended_at.format("%H:%M")
            ),
            Msg::ShiftRecord.text(lang).to_string(),
            tr(lang, Msg::ShiftTeam, &[("count", &self.team_size.get())]),
        ];
        if !self.zones.is_empty() {
            let zones: Vec<&str> = self
                .zones
                .iter()
                .map(|z| catalog.label(Section::Zones, z.as_str(), lang))
                .collect();
            parts.push(zones.join(", "));
        }
        if self.ended_by == ShiftEnd::DayOver {
            parts.push(self.ended_by.label(lang).to_string());
        }
        parts.join(" · ")
    }

    /// Why a received shift cannot be counted, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        if self.ended_at < self.started_at {
            return Err("a shift cannot end before it starts".into());
        }
        if self.ended_at - self.started_at > MAX_SHIFT {
            return Err(format!(
                "a shift lasts at most {} hours",
                MAX_SHIFT.num_hours()
            ));
        }
        Ok(())
    }
}

/// The team size as typed, for the CLI (`--team 2`).
pub fn parse_team_size(text: &str) -> Result<TeamSize, FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new(Field::TeamSize, Problem::Required));
    }
    TeamSize::parse(Field::TeamSize, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    #[test]
    fn a_night_shift_counts_its_minutes_and_the_day_it_started() {
        let catalog = Catalog::default_quebec();
        let open = OpenShift::start(
            at("2026-11-21T19:04:00-05:00"),
            "2",
            &["gatineau".into()],
            &catalog,
        )
        .unwrap();
        let zone = CatalogId::parse("hull").unwrap();
        let shift = open.end(at("2026-11-22T01:34:30-05:00"), ShiftEnd::Worker, [zone]);
        assert_eq!(shift.minutes(), 390);
        assert_eq!(shift.local_date().to_string(), "2026-11-21");
        assert_eq!(shift.zones.len(), 2);
        assert!(shift.check().is_ok());
        let json = serde_json::to_string(&shift).unwrap();
        assert!(json.contains("\"ended_by\":\"worker\""), "{json}");
        assert_eq!(serde_json::from_str::<Shift>(&json).unwrap(), shift);
    }

    #[test]
    fn an_end_is_never_before_the_start_nor_past_sixteen_hours() {
        let open = OpenShift::start(
            at("2026-11-21T19:00:00-05:00"),
            "1",
            &[],
            &Catalog::default_quebec(),
        )
        .unwrap();
        let early = open
            .clone()
            .end(at("2026-11-21T18:00:00-05:00"), ShiftEnd::Worker, []);
        assert_eq!(early.minutes(), 0);
        let late = open.end(at("2026-11-23T19:00:00-05:00"), ShiftEnd::DayOver, []);
        assert_eq!(late.minutes(), 16 * 60);
        let mut forged = late.clone();
        forged.ended_at = forged.started_at + Duration::hours(17);
        assert!(forged.check().unwrap_err().contains("16 hours"));
    }

    #[test]
    fn a_bad_team_size_or_zone_is_named_with_what_is_allowed() {
        let Invalid(errors) = OpenShift::start(
            at("2026-11-21T19:00:00-05:00"),
            "30",
            &["laval".into()],
            &Catalog::default_quebec(),
        )
        .unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::TeamSize, Field::Zone]);
        assert!(errors[0].message(Lang::Fr).contains("20"));
        assert_eq!(parse_team_size(" ").unwrap_err().field, Field::TeamSize);
        assert!(serde_json::from_str::<TeamSize>("0").is_err());
    }
}
