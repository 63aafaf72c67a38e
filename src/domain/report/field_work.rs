//! The month's field work: outings (shifts), hours in the field, the
//! contacts made during outings, and the team's safety incidents.
//!
//! These figures count the workers' time, not the people served, so they
//! are published exactly in both versions: an outing names no one. The
//! incidents are the exception: a needle-stick in a team of three is that
//! worker's to tell, so they appear in the internal report only, and the
//! external version leaves the incident figures out (it does not mark
//! them hidden: a funder reads an absent line as not reported).
//! The JSON and CSV carry minutes, exact, under the tally's own names;
//! pages and prints show them as hours with one decimal.

use super::published::Cell;
use crate::domain::catalog::{Catalog, Section};
use crate::domain::i18n::{Lang, Msg};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldWorkTally {
    pub outings: u64,
    /// Minutes from start to end, summed over outings.
    pub minutes: u64,
    /// Minutes times team size: the workers' time in the field.
    pub worker_minutes: u64,
    /// Contacts the same phone logged between an outing's start and end.
    pub contacts_during: u64,
    /// Outings ended with the worker's day, their end not tapped.
    pub forgotten_ends: u64,
    /// Outings that covered each zone (one outing may cover several).
    pub by_zone: BTreeMap<String, u64>,
    /// Incidents by type, every active type present.
    pub incidents: BTreeMap<String, u64>,
    pub incidents_debrief: u64,
}

/// Minutes as hours with one decimal, in the reader's way of writing
/// numbers: "6,5" in French, "6.5" in English.
pub fn hours(minutes: u64, lang: Lang) -> String {
    let tenths = (minutes * 10 + 30) / 60;
    let text = format!("{}.{}", tenths / 10, tenths % 10);
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

/// Whether a head figure is a number of minutes.
pub fn is_minutes(name: &str) -> bool {
    matches!(name, "minutes" | "worker_minutes")
}

/// A head figure as a page shows it: minutes as hours.
pub fn shown(name: &str, cell: Cell, lang: Lang) -> String {
    match cell.count() {
        Some(minutes) if is_minutes(name) => hours(minutes, lang),
        _ => super::markdown::count(cell, lang),
    }
}

/// Published field work: its figures by JSON name, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedFieldWork {
    pub heads: Vec<(&'static str, Cell)>,
    pub groups: Vec<(&'static str, BTreeMap<String, Cell>)>,
}

impl PublishedFieldWork {
    /// Every figure; `internal` adds the incidents.
    pub fn of(t: &FieldWorkTally, internal: bool) -> PublishedFieldWork {
        let counts = |map: &BTreeMap<String, u64>| {
            map.iter()
                .map(|(k, &n)| (k.clone(), Cell::Count(n)))
                .collect::<BTreeMap<_, _>>()
        };
        let mut heads = vec![
            ("outings", Cell::Count(t.outings)),
            ("minutes", Cell::Count(t.minutes)),
            ("worker_minutes", Cell::Count(t.worker_minutes)),
            ("contacts_during", Cell::Count(t.contacts_during)),
            ("forgotten_ends", Cell::Count(t.forgotten_ends)),
        ];
        let mut groups = vec![("by_zone", counts(&t.by_zone))];
        if internal {
            heads.push(("incidents_debrief", Cell::Count(t.incidents_debrief)));
            groups.push(("incidents", counts(&t.incidents)));
        }
        PublishedFieldWork { heads, groups }
    }
}

/// What a head figure is called, by its JSON name.
pub fn head_label(name: &str, lang: Lang) -> &'static str {
    match name {
        "outings" => Msg::ReportOutings,
        "minutes" => Msg::ReportHoursInField,
        "worker_minutes" => Msg::ReportWorkerHours,
        "contacts_during" => Msg::ReportContactsDuringOutings,
        "forgotten_ends" => Msg::ReportEndNotTapped,
        _ => Msg::ReportIncidentsDebrief,
    }
    .text(lang)
}

pub fn group_title(group: &str, lang: Lang) -> &'static str {
    match group {
        "by_zone" => Msg::ReportOutingsByZone,
        _ => Msg::SectionIncidentTypes,
    }
    .text(lang)
}

/// What a group's rows count.
pub fn group_measure(group: &str, lang: Lang) -> &'static str {
    match group {
        "by_zone" => Msg::ReportOutings,
        _ => Msg::ReportIncidents,
    }
    .text(lang)
}

pub fn group_section(group: &str) -> Section {
    match group {
        "by_zone" => Section::Zones,
        _ => Section::IncidentTypes,
    }
}

pub fn key_label(group: &str, id: &str, catalog: &Catalog, lang: Lang) -> String {
    catalog.label(group_section(group), id, lang).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_show_as_hours_and_incidents_stay_internal() {
        assert_eq!(hours(390, Lang::Fr), "6,5");
        assert_eq!(hours(389, Lang::En), "6.5");
        assert_eq!(hours(2, Lang::En), "0.0");
        let mut t = FieldWorkTally {
            outings: 3,
            minutes: 390,
            ..FieldWorkTally::default()
        };
        t.incidents.insert("agression".into(), 1);
        let internal = PublishedFieldWork::of(&t, true);
        let external = PublishedFieldWork::of(&t, false);
        assert!(internal.groups.iter().any(|(n, _)| *n == "incidents"));
        let names: Vec<&str> = external.heads.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "outings",
                "minutes",
                "worker_minutes",
                "contacts_during",
                "forgotten_ends"
            ]
        );
        assert!(external.groups.iter().all(|(n, _)| *n != "incidents"));
        assert_eq!(shown("minutes", Cell::Count(390), Lang::Fr), "6,5");
        assert_eq!(shown("outings", Cell::Count(3), Lang::Fr), "3");
    }
}
