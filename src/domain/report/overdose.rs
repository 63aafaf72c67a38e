//! The overdose responses of a month, as counted for the naloxone
//! declarations and the quarterly naloxone reports: how many, the doses by
//! route, 911 called or why not, the outcome, who responded, where, the
//! substances suspected.
//!
//! Suppressed, it follows its own rule, simpler than the contacts' one
//! because its groups share nothing but their total. Outcomes, 911 and
//! zones each split every response once; location types split those with
//! a location, the rest being "not said". Such a group is published whole
//! or withheld whole: if any part, "not said" included, is from 1 to 4,
//! every part is `x`, zeros included, so no part can be worked out from
//! the total and the others. A figure that counts responses with some
//! trait (a responder, a substance, someone stayed…) is a yes/no split of
//! the total: it is `x` when it, or the count of responses without the
//! trait, is from 1 to 4. A total of 1 to 4 responses is `<5` and hides
//! everything else. Doses are quantities, not responses: `<5` only.

use super::published::{Cell, Threshold};
use crate::domain::catalog::{Catalog, Section};
use crate::domain::i18n::{Lang, Msg};
use crate::domain::overdose::{Call911, Outcome, Responder};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdoseTally {
    pub responses: u64,
    pub nasal_doses: u64,
    pub injected_doses: u64,
    /// Every outcome's key, zero or not.
    pub by_outcome: BTreeMap<String, u64>,
    /// `called` and every reason not to, zero or not.
    pub by_call_911: BTreeMap<String, u64>,
    pub by_zone: BTreeMap<String, u64>,
    /// Responses whose location type was said.
    pub by_location_type: BTreeMap<String, u64>,
    /// Responses each kind of responder took part in (one response may
    /// count under several).
    pub by_responder: BTreeMap<String, u64>,
    /// Responses where each substance was suspected (several per response).
    pub by_substance: BTreeMap<String, u64>,
    pub someone_stayed: u64,
    pub ambulance: u64,
    pub debrief_wanted: u64,
}

impl OverdoseTally {
    /// An empty tally with every fixed choice present at zero.
    pub fn with_every_choice() -> OverdoseTally {
        let keys = |keys: Vec<&str>| keys.into_iter().map(|k| (k.to_string(), 0)).collect();
        OverdoseTally {
            by_outcome: keys(Outcome::ALL.iter().map(|o| o.key()).collect()),
            by_call_911: keys(Call911::ALL.iter().map(|c| c.key()).collect()),
            by_responder: keys(Responder::ALL.iter().map(|r| r.key()).collect()),
            ..OverdoseTally::default()
        }
    }
}

/// [`OverdoseTally`] with each figure as a [`Cell`]; same fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedOverdoses {
    pub responses: Cell,
    pub nasal_doses: Cell,
    pub injected_doses: Cell,
    pub by_outcome: BTreeMap<String, Cell>,
    pub by_call_911: BTreeMap<String, Cell>,
    pub by_zone: BTreeMap<String, Cell>,
    pub by_location_type: BTreeMap<String, Cell>,
    pub by_responder: BTreeMap<String, Cell>,
    pub by_substance: BTreeMap<String, Cell>,
    pub someone_stayed: Cell,
    pub ambulance: Cell,
    pub debrief_wanted: Cell,
}

impl PublishedOverdoses {
    pub fn exact(t: &OverdoseTally) -> PublishedOverdoses {
        let counts = |map: &BTreeMap<String, u64>| {
            map.iter()
                .map(|(k, &n)| (k.clone(), Cell::Count(n)))
                .collect()
        };
        PublishedOverdoses {
            responses: Cell::Count(t.responses),
            nasal_doses: Cell::Count(t.nasal_doses),
            injected_doses: Cell::Count(t.injected_doses),
            by_outcome: counts(&t.by_outcome),
            by_call_911: counts(&t.by_call_911),
            by_zone: counts(&t.by_zone),
            by_location_type: counts(&t.by_location_type),
            by_responder: counts(&t.by_responder),
            by_substance: counts(&t.by_substance),
            someone_stayed: Cell::Count(t.someone_stayed),
            ambulance: Cell::Count(t.ambulance),
            debrief_wanted: Cell::Count(t.debrief_wanted),
        }
    }

    /// Every figure as [`Cell::Missing`] (a comparison period without data).
    pub fn set_missing(&mut self) {
        for cell in [
            &mut self.responses,
            &mut self.nasal_doses,
            &mut self.injected_doses,
            &mut self.someone_stayed,
            &mut self.ambulance,
            &mut self.debrief_wanted,
        ] {
            *cell = Cell::Missing;
        }
        for map in [
            &mut self.by_outcome,
            &mut self.by_call_911,
            &mut self.by_zone,
            &mut self.by_location_type,
            &mut self.by_responder,
            &mut self.by_substance,
        ] {
            map.values_mut().for_each(|c| *c = Cell::Missing);
        }
    }

    /// The rule of the module's documentation.
    pub fn suppressed(t: &OverdoseTally, threshold: Threshold) -> PublishedOverdoses {
        let small = |n: u64| threshold.is_small(n);
        let total = t.responses;
        let hide_all = small(total);
        let partition = |map: &BTreeMap<String, u64>| {
            let rest = total.saturating_sub(map.values().sum());
            let withheld = hide_all || small(rest) || map.values().any(|&n| small(n));
            map.iter()
                .map(|(k, &n)| {
                    let cell = if withheld {
                        Cell::Hidden
                    } else {
                        Cell::Count(n)
                    };
                    (k.clone(), cell)
                })
                .collect::<BTreeMap<_, _>>()
        };
        let trait_cell = |n: u64| {
            if hide_all || small(n) || small(total.saturating_sub(n)) {
                Cell::Hidden
            } else {
                Cell::Count(n)
            }
        };
        let traits = |map: &BTreeMap<String, u64>| {
            map.iter()
                .map(|(k, &n)| (k.clone(), trait_cell(n)))
                .collect::<BTreeMap<_, _>>()
        };
        let dose = |n: u64| {
            if hide_all {
                Cell::Hidden
            } else {
                Cell::primary(n, threshold)
            }
        };
        PublishedOverdoses {
            responses: Cell::primary(total, threshold),
            nasal_doses: dose(t.nasal_doses),
            injected_doses: dose(t.injected_doses),
            by_outcome: partition(&t.by_outcome),
            by_call_911: partition(&t.by_call_911),
            by_zone: partition(&t.by_zone),
            by_location_type: partition(&t.by_location_type),
            by_responder: traits(&t.by_responder),
            by_substance: traits(&t.by_substance),
            someone_stayed: trait_cell(t.someone_stayed),
            ambulance: trait_cell(t.ambulance),
            debrief_wanted: trait_cell(t.debrief_wanted),
        }
    }

    /// The figures by their JSON names, heads first, then each group.
    pub fn heads(&self) -> [(&'static str, Cell); 6] {
        [
            ("responses", self.responses),
            ("nasal_doses", self.nasal_doses),
            ("injected_doses", self.injected_doses),
            ("someone_stayed", self.someone_stayed),
            ("ambulance", self.ambulance),
            ("debrief_wanted", self.debrief_wanted),
        ]
    }

    pub fn groups(&self) -> [(&'static str, &BTreeMap<String, Cell>); 6] {
        [
            ("by_outcome", &self.by_outcome),
            ("by_call_911", &self.by_call_911),
            ("by_zone", &self.by_zone),
            ("by_location_type", &self.by_location_type),
            ("by_responder", &self.by_responder),
            ("by_substance", &self.by_substance),
        ]
    }

    pub fn has_markers(&self) -> bool {
        self.heads()
            .iter()
            .map(|(_, c)| *c)
            .chain(self.groups().iter().flat_map(|(_, m)| m.values().copied()))
            .any(|c| c.count().is_none())
    }
}

/// What a head figure is called, by its JSON name.
pub fn head_label(name: &str, lang: Lang) -> &'static str {
    match name {
        "responses" => Msg::ReportOverdoseResponses,
        "nasal_doses" => Msg::FieldNasalDoses,
        "injected_doses" => Msg::FieldInjectedDoses,
        "someone_stayed" => Msg::ReportOverdoseStayed,
        "ambulance" => Msg::ReportOverdoseAmbulance,
        _ => Msg::ReportOverdoseDebrief,
    }
    .text(lang)
}

/// A group's title, by its JSON name.
pub fn group_title(group: &str, lang: Lang) -> &'static str {
    match group {
        "by_outcome" => Msg::FieldOutcome,
        "by_call_911" => Msg::FieldCall911,
        "by_zone" => Msg::SectionZones,
        "by_location_type" => Msg::FieldLocationType,
        "by_responder" => Msg::FieldResponders,
        _ => Msg::FieldSubstances,
    }
    .text(lang)
}

/// The catalog section a group's keys come from; `None` for fixed choices.
pub fn group_section(group: &str) -> Option<Section> {
    match group {
        "by_zone" => Some(Section::Zones),
        "by_location_type" => Some(Section::LocationTypes),
        "by_substance" => Some(Section::Substances),
        _ => None,
    }
}

/// Where a fixed choice's key comes in its list (the order of the form);
/// keys of catalog groups all rank the same.
pub fn choice_rank(group: &str, id: &str) -> usize {
    let position = |keys: Vec<&str>| keys.iter().position(|k| *k == id);
    let rank = match group {
        "by_outcome" => position(Outcome::ALL.iter().map(|o| o.key()).collect()),
        "by_call_911" => position(Call911::ALL.iter().map(|c| c.key()).collect()),
        "by_responder" => position(Responder::ALL.iter().map(|r| r.key()).collect()),
        _ => None,
    };
    rank.unwrap_or(usize::MAX)
}

/// A key's label in a group: the fixed choice's, or the catalog's (the id
/// itself when no longer known).
pub fn key_label(group: &str, id: &str, catalog: &Catalog, lang: Lang) -> String {
    let fixed = match group {
        "by_outcome" => Outcome::parse(id).ok().map(|o| o.label(lang)),
        "by_call_911" => Call911::parse(id).ok().map(|c| c.label(lang)),
        "by_responder" => Responder::parse(id).ok().map(|r| r.label(lang)),
        _ => None,
    };
    match (fixed, group_section(group)) {
        (Some(text), _) => text.to_string(),
        (None, Some(section)) => catalog.label(section, id, lang).to_string(),
        (None, None) => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(total: u64, outcomes: &[(&str, u64)]) -> OverdoseTally {
        let mut t = OverdoseTally::with_every_choice();
        t.responses = total;
        for (k, n) in outcomes {
            t.by_outcome.insert(k.to_string(), *n);
        }
        t
    }

    #[test]
    fn a_group_with_a_small_part_is_withheld_whole_zeros_included() {
        let t = tally(12, &[("recovered-on-site", 9), ("transported", 3)]);
        let p = PublishedOverdoses::suppressed(&t, Threshold::Five);
        assert_eq!(p.responses, Cell::Count(12));
        assert!(p.by_outcome.values().all(|&c| c == Cell::Hidden));
        let t = tally(12, &[("recovered-on-site", 7), ("transported", 5)]);
        let p = PublishedOverdoses::suppressed(&t, Threshold::Five);
        assert_eq!(p.by_outcome["transported"], Cell::Count(5));
        assert_eq!(p.by_outcome["death"], Cell::Count(0));
    }

    #[test]
    fn a_trait_is_hidden_when_its_complement_is_small() {
        let mut t = tally(10, &[("recovered-on-site", 10)]);
        t.someone_stayed = 8;
        t.ambulance = 5;
        let p = PublishedOverdoses::suppressed(&t, Threshold::Five);
        assert_eq!(p.someone_stayed, Cell::Hidden, "2 without someone staying");
        assert_eq!(p.ambulance, Cell::Count(5));
        assert_eq!(p.debrief_wanted, Cell::Count(0));
    }

    #[test]
    fn a_small_total_hides_everything_else_and_a_location_not_said_counts_as_a_part() {
        let p = PublishedOverdoses::suppressed(&tally(3, &[("death", 3)]), Threshold::Five);
        assert!(p.responses.count().is_none());
        assert!(p.by_outcome.values().all(|&c| c == Cell::Hidden));
        let mut t = tally(9, &[("unknown", 9)]);
        t.by_location_type.insert("rue-parc".into(), 7);
        let p = PublishedOverdoses::suppressed(&t, Threshold::Five);
        assert_eq!(p.by_location_type["rue-parc"], Cell::Hidden, "2 not said");
    }

    #[test]
    fn at_ten_a_part_or_a_complement_under_ten_hides_as_under_five_at_five() {
        let t = tally(16, &[("recovered-on-site", 9), ("transported", 7)]);
        assert_eq!(
            PublishedOverdoses::suppressed(&t, Threshold::Five).by_outcome["transported"],
            Cell::Count(7)
        );
        let p = PublishedOverdoses::suppressed(&t, Threshold::Ten);
        assert_eq!(p.responses, Cell::Count(16));
        assert!(p.by_outcome.values().all(|&c| c == Cell::Hidden));
        let p = PublishedOverdoses::suppressed(&tally(9, &[("death", 9)]), Threshold::Ten);
        assert_eq!(p.responses, Cell::Small(Threshold::Ten));
        assert_eq!(p.responses.to_string(), "<10");
        let mut t = tally(30, &[("recovered-on-site", 30)]);
        t.someone_stayed = 22;
        t.nasal_doses = 6;
        let p = PublishedOverdoses::suppressed(&t, Threshold::Ten);
        assert_eq!(p.someone_stayed, Cell::Hidden, "8 without someone staying");
        assert_eq!(p.nasal_doses, Cell::Small(Threshold::Ten));
    }
}
