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

use super::figures::{Figures, Group, Head, Keys, Unit, cells};
use super::published::Cell;
use crate::domain::catalog::Section;
use crate::domain::i18n::Msg;
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

impl FieldWorkTally {
    /// Every figure; `internal` adds the incidents.
    pub fn published(&self, internal: bool) -> Figures {
        let head = |name, label, unit, n| Head {
            name,
            label,
            unit,
            cell: Cell::Count(n),
        };
        let mut heads = vec![
            head("outings", Msg::ReportOutings, Unit::Count, self.outings),
            head(
                "minutes",
                Msg::ReportHoursInField,
                Unit::Minutes,
                self.minutes,
            ),
            head(
                "worker_minutes",
                Msg::ReportWorkerHours,
                Unit::Minutes,
                self.worker_minutes,
            ),
            head(
                "contacts_during",
                Msg::ReportContactsDuringOutings,
                Unit::Count,
                self.contacts_during,
            ),
            head(
                "forgotten_ends",
                Msg::ReportEndNotTapped,
                Unit::Count,
                self.forgotten_ends,
            ),
        ];
        let mut groups = vec![Group {
            name: "by_zone",
            title: Msg::ReportOutingsByZone,
            measure: (Msg::ReportOutings, "count"),
            keys: Keys::Catalog(Section::Zones),
            cells: cells(&self.by_zone, Cell::Count),
        }];
        if internal {
            heads.push(head(
                "incidents_debrief",
                Msg::ReportIncidentsDebrief,
                Unit::Count,
                self.incidents_debrief,
            ));
            groups.push(Group {
                name: "incidents",
                title: Msg::SectionIncidentTypes,
                measure: (Msg::ReportIncidents, "count"),
                keys: Keys::Catalog(Section::IncidentTypes),
                cells: cells(&self.incidents, Cell::Count),
            });
        }
        Figures {
            name: "field_work",
            title: Msg::ReportFieldWork,
            heads,
            groups,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::Lang;
    use crate::domain::report::figures::{hours, shown};

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
        let internal = t.published(true);
        let external = t.published(false);
        assert!(internal.groups.iter().any(|g| g.name == "incidents"));
        let names: Vec<&str> = external.heads.iter().map(|h| h.name).collect();
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
        assert!(external.groups.iter().all(|g| g.name != "incidents"));
        assert_eq!(shown(Unit::Minutes, Cell::Count(390), Lang::Fr), "6,5");
        assert_eq!(shown(Unit::Count, Cell::Count(3), Lang::Fr), "3");
    }
}
