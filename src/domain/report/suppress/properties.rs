//! Suppression checked over hundreds of generated tallies: consistent ones
//! (random partitions of random totals, many zeros and small counts) must
//! come out safe; any tally at all must come out without panic and with
//! honest markers.

use super::model::Shown;
use super::*;
use crate::domain::report::tally::{Breakdown, Comparison, Summary};
use std::collections::BTreeMap;

/// SplitMix64: tiny, deterministic, good enough to shuffle counts.
pub(super) struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0 to `n - 1` (0 when `n` is 0).
    pub(super) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    /// A count that is often 0, often small, sometimes large.
    fn count(&mut self) -> u64 {
        match self.below(4) {
            0 => 0,
            1 => 1 + self.below(4),
            2 => self.below(12),
            _ => self.below(150),
        }
    }

    /// `total` split over `parts`, unevenly: some parts get nothing.
    pub(super) fn partition(&mut self, total: u64, parts: usize, allowed: &[bool]) -> Vec<u64> {
        let mut weights: Vec<u64> = (0..parts)
            .map(|i| if allowed[i] { self.below(4).pow(2) } else { 0 })
            .collect();
        if weights.iter().all(|&w| w == 0)
            && let Some(first) = allowed.iter().position(|&a| a)
        {
            weights[first] = 1;
        }
        let sum: u64 = weights.iter().sum();
        let mut out = vec![0; parts];
        for _ in 0..total {
            let mut pick = self.below(sum);
            for (i, &w) in weights.iter().enumerate() {
                if pick < w {
                    out[i] += 1;
                    break;
                }
                pick -= w;
            }
        }
        out
    }
}

const ZONES: [&str; 5] = ["gatineau", "papineau", "pontiac", "collines", "vallee"];
const BANDS: [&str; 4] = ["12-17", "18-24", "25-34", "inconnu"];
const GENDERS: [&str; 4] = ["femme", "homme", "non-binaire", "inconnu"];

/// A tally where every linked group adds up, as the server computes it.
pub(super) fn consistent(rng: &mut Rng) -> Tally {
    let contacts = match rng.below(3) {
        0 => rng.below(9),
        1 => rng.below(25),
        _ => rng.below(120),
    };
    let extra = if contacts == 0 {
        0
    } else {
        rng.below(contacts + 1)
    };
    let mut breakdown = |ids: &[&str]| -> BTreeMap<String, Breakdown> {
        let per_row = rng.partition(contacts, ids.len(), &vec![true; ids.len()]);
        let has_contacts: Vec<bool> = per_row.iter().map(|&c| c > 0).collect();
        let more = rng.partition(extra, ids.len(), &has_contacts);
        ids.iter()
            .zip(per_row.iter().zip(more))
            .map(|(id, (&c, m))| {
                let row = Breakdown {
                    contacts: c,
                    people_reached: c + m,
                };
                (id.to_string(), row)
            })
            .collect()
    };
    let by_zone = breakdown(&ZONES);
    let by_age_band = breakdown(&BANDS);
    let by_gender = breakdown(&GENDERS);
    let with_code = rng.below(contacts + 1);
    // Each distinct code came with a contact, and each such contact has one.
    let unique = if with_code == 0 {
        0
    } else {
        1 + rng.below(with_code)
    };
    let new = rng.below(unique + 1);
    let materials = ["seringues", "condoms", "stericups"].map(|id| (id.to_string(), rng.count()));
    // Referrals and interventions count contacts, so never more than all.
    let referrals = ["clsc", "hebergement"].map(|id| (id.to_string(), rng.below(contacts + 1)));
    let interventions = [("ecoute".to_string(), rng.below(contacts + 1))];
    Tally {
        period: "2026-03".into(),
        from: "2026-03-01".into(),
        to: "2026-03-31".into(),
        people_unknown: false,
        contacts,
        people_reached: contacts + extra,
        contacts_with_code: with_code,
        contacts_without_code: contacts - with_code,
        unique_people: unique,
        new_people: new,
        returning_people: unique - new,
        materials: materials.into(),
        referrals: referrals.into(),
        interventions: interventions.into(),
        by_zone,
        by_age_band,
        by_gender,
        returned_syringes: rng.count(),
        previous: Comparison::of(
            "2026-02",
            Summary {
                contacts: rng.count(),
                people_reached: rng.count(),
                unique_people: rng.count(),
            },
        ),
        last_year: Comparison::of(
            "2025-03",
            Summary {
                contacts: rng.count(),
                people_reached: rng.count(),
                unique_people: rng.count(),
            },
        ),
        overdoses: Default::default(),
        field_work: Default::default(),
        details: Default::default(),
    }
}

/// Any counts at all, groups adding up or not.
fn arbitrary(rng: &mut Rng) -> Tally {
    let mut tally = consistent(rng);
    tally.contacts = rng.count();
    tally.people_reached = rng.count();
    tally.unique_people = rng.count();
    tally.contacts_with_code = rng.count();
    for row in tally.by_zone.values_mut() {
        row.contacts = rng.count();
    }
    if rng.below(4) == 0 {
        tally.by_gender.clear();
    }
    tally
}

/// Every figure with its exact value and how it was published.
pub(super) fn figures(tally: &Tally, p: &PublishedTally) -> Vec<(String, u64, Cell)> {
    let mut out = vec![
        ("contacts".into(), tally.contacts, p.contacts),
        (
            "people_reached".into(),
            tally.people_reached,
            p.people_reached,
        ),
        (
            "with".into(),
            tally.contacts_with_code,
            p.contacts_with_code,
        ),
        (
            "without".into(),
            tally.contacts_without_code,
            p.contacts_without_code,
        ),
        ("unique".into(), tally.unique_people, p.unique_people),
        ("new".into(), tally.new_people, p.new_people),
        (
            "returning".into(),
            tally.returning_people,
            p.returning_people,
        ),
        (
            "syringes".into(),
            tally.returned_syringes,
            p.returned_syringes,
        ),
    ];
    let summaries = [
        (&tally.previous, &p.previous),
        (&tally.last_year, &p.last_year),
    ];
    for (i, (s, c)) in summaries.into_iter().enumerate() {
        let s = s.figures.expect("a compared period");
        out.push((format!("{i}.contacts"), s.contacts, c.contacts));
        out.push((format!("{i}.people"), s.people_reached, c.people_reached));
        out.push((format!("{i}.unique"), s.unique_people, c.unique_people));
    }
    let maps = [
        (&tally.materials, &p.materials),
        (&tally.referrals, &p.referrals),
        (&tally.interventions, &p.interventions),
    ];
    for (exact, cells) in maps {
        for (id, &n) in exact {
            out.push((id.clone(), n, cells[id]));
        }
    }
    for axis in Axis::ALL {
        for (id, row) in axis.of(tally) {
            for measure in Measure::ALL {
                let cell = p.breakdown(axis)[id].get(measure);
                out.push((format!("{id}.{measure:?}"), measure.of(row), cell));
            }
        }
    }
    out
}

/// The reader's view: the published markers over the same model.
fn reader(tally: &Tally, p: &PublishedTally) -> Linked {
    let mut linked = Linked::of(tally, p.threshold.expect("a suppressed tally"));
    let mut copy = p.clone();
    for (cell, place) in linked.places.iter().enumerate() {
        let shown = match place.cell_mut(&mut copy).copied() {
            Some(Cell::Small(_)) => Shown::Small,
            Some(Cell::Hidden) => Shown::Hidden,
            Some(Cell::Count(_) | Cell::Missing) | None => Shown::Exact,
        };
        linked.model.set_shown(cell, shown);
    }
    for (unit, groups) in linked.units.iter().enumerate() {
        if groups.iter().any(|g| p.withheld.contains(g)) {
            linked.model.set_withheld(unit);
        }
    }
    linked
}

/// The linear groups, written out from the published tally: each with its
/// total first, as (exact value, published cell).
fn groups(t: &Tally, p: &PublishedTally) -> Vec<(LinkedGroup, Vec<(u64, Cell)>)> {
    let mut out = vec![
        (
            LinkedGroup::ContactsByCode,
            vec![
                (t.contacts, p.contacts),
                (t.contacts_with_code, p.contacts_with_code),
                (t.contacts_without_code, p.contacts_without_code),
            ],
        ),
        (
            LinkedGroup::PeopleByHistory,
            vec![
                (t.unique_people, p.unique_people),
                (t.new_people, p.new_people),
                (t.returning_people, p.returning_people),
            ],
        ),
    ];
    for axis in Axis::ALL {
        for measure in Measure::ALL {
            let total = match measure {
                Measure::Contacts => (t.contacts, p.contacts),
                Measure::PeopleReached => (t.people_reached, p.people_reached),
            };
            let parts = axis
                .of(t)
                .iter()
                .map(|(id, row)| (measure.of(row), p.breakdown(axis)[id].get(measure)));
            out.push((
                LinkedGroup::Breakdown(axis, measure),
                std::iter::once(total).chain(parts).collect(),
            ));
        }
    }
    out
}

/// What any output must satisfy, even for a tally that does not add up.
pub(super) fn check_markers(tally: &Tally, p: &PublishedTally) {
    let withheld = !p.withheld.is_empty();
    let threshold = p.threshold.expect("a suppressed tally");
    let below = threshold.value();
    for (name, value, cell) in figures(tally, p) {
        match cell {
            Cell::Count(n) => {
                assert_eq!(n, value, "{name}: a published count never changes");
                assert!(n == 0 || n >= below, "{name}: {n} published under {below}");
            }
            Cell::Small(t) => {
                assert_eq!(t, threshold, "{name}: one threshold per tally");
                assert!((1..below).contains(&value), "{name}: {t:?} for {value}");
            }
            Cell::Hidden => assert!(value >= below || withheld, "{name}: x for {value}"),
            Cell::Missing => panic!("{name}: a counted figure is never n.d."),
        }
    }
}

#[test]
fn consistent_tallies_come_out_with_no_recoverable_cell() {
    for threshold in Threshold::ALL {
        no_recoverable_cell(threshold);
    }
}

fn no_recoverable_cell(threshold: Threshold) {
    let mut rng = Rng(2026);
    let mut seen_secondary = 0;
    let mut seen_withheld = 0;
    for case in 0..400 {
        let tally = consistent(&mut rng);
        let p = suppress(&tally, threshold);
        check_markers(&tally, &p);
        for (group, members) in groups(&tally, &p) {
            let hidden = members.iter().filter(|m| m.1.count().is_none());
            let nonzero = hidden.clone().filter(|m| m.0 > 0).count();
            let hidden = hidden.count();
            assert!(
                hidden != 1,
                "case {case}, {group:?}: one cell alone unpublished"
            );
            if !p.withheld.contains(&group) {
                assert!(
                    nonzero != 1,
                    "case {case}, {group:?}: one non-zero cell alone"
                );
            }
        }
        let linked = reader(&tally, &p);
        for (cell, place) in linked.places.iter().enumerate() {
            if linked.model.shown(cell) != Shown::Exact {
                let span = linked.model.span(cell);
                assert!(
                    !span.is_single(),
                    "{threshold:?} case {case}: {place:?} is recovered: {tally:?}"
                );
            }
        }
        seen_secondary += usize::from(figures(&tally, &p).iter().any(|f| f.2 == Cell::Hidden));
        seen_withheld += usize::from(!p.withheld.is_empty());
    }
    // The generator must reach the interesting cases, or the test proves little.
    assert!(
        seen_secondary > 100,
        "{threshold:?}: {seen_secondary} tallies with secondary cells"
    );
    assert!(
        seen_withheld > 0,
        "{threshold:?}: no tally needed a withheld column"
    );
}

#[test]
fn any_tally_comes_out_with_honest_markers_and_unchanged_counts() {
    let mut rng = Rng(4);
    for case in 0..600 {
        let tally = arbitrary(&mut rng);
        let threshold = Threshold::ALL[case % 2];
        check_markers(&tally, &suppress(&tally, threshold));
    }
}
