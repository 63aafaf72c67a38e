//! Suppression end to end against a reader written apart from the model:
//! tallies with one breakdown, every world tried by brute force from the
//! published cells alone, and no hidden figure may come out with a single
//! possible value.

use super::properties::{Rng, check_markers, consistent, figures};
use super::*;
use crate::domain::report::tally::Breakdown;
use std::collections::{BTreeMap, BTreeSet};

/// The values a reader could see in each hidden figure of a tally with one
/// breakdown (zones), trying every world with counts up to `cap`, from the
/// published cells alone: markers, equations, people ≥ contacts in a row
/// and both zero together, unique ≤ with code and both zero together,
/// contacts ≥ each referral and intervention.
fn brute_force_reader(p: &PublishedTally, cap: u64) -> Vec<(String, BTreeSet<u64>)> {
    let withheld = |g: LinkedGroup| p.withheld.contains(&g);
    let zones_withheld = withheld(LinkedGroup::Breakdown(Axis::Zone, Measure::Contacts));
    let below = p.threshold.expect("a suppressed tally").value();
    let allowed = |cell: Cell, in_withheld: bool| -> Vec<u64> {
        match cell {
            Cell::Count(n) => vec![n],
            Cell::Missing => (0..=cap).collect(),
            Cell::Small(t) => (1..t.value()).collect(),
            Cell::Hidden if in_withheld => (0..=cap).collect(),
            Cell::Hidden => (below..=cap).collect(),
        }
    };
    let floor = p
        .referrals
        .values()
        .chain(p.interventions.values())
        .map(|c| c.count().unwrap_or(1))
        .max()
        .unwrap_or(0);
    let rows: Vec<(Vec<u64>, Vec<u64>)> = p
        .by_zone
        .values()
        .map(|r| {
            (
                allowed(r.contacts, zones_withheld),
                allowed(r.people_reached, zones_withheld),
            )
        })
        .collect();
    // Row worlds by the (contacts, people) they add up to.
    let mut worlds: Vec<Vec<(u64, u64)>> = vec![Vec::new()];
    for (cs, qs) in &rows {
        let mut longer = Vec::new();
        for world in &worlds {
            for &c in cs {
                for &q in qs.iter().filter(|&&q| c <= q && (c == 0) == (q == 0)) {
                    let mut w = world.clone();
                    w.push((c, q));
                    longer.push(w);
                }
            }
        }
        worlds = longer;
    }
    let codes_withheld = withheld(LinkedGroup::ContactsByCode);
    let history_withheld = withheld(LinkedGroup::PeopleByHistory);
    let mut codes: BTreeMap<u64, Vec<[u64; 5]>> = BTreeMap::new();
    for &with in &allowed(p.contacts_with_code, codes_withheld) {
        for &without in &allowed(p.contacts_without_code, codes_withheld) {
            for &new in &allowed(p.new_people, history_withheld) {
                for &ret in &allowed(p.returning_people, history_withheld) {
                    let unique = new + ret;
                    if allowed(p.unique_people, false).contains(&unique)
                        && unique <= with
                        && (unique == 0) == (with == 0)
                    {
                        codes
                            .entry(with + without)
                            .or_default()
                            .push([unique, with, without, new, ret]);
                    }
                }
            }
        }
    }
    let (contacts, people) = (allowed(p.contacts, false), allowed(p.people_reached, false));
    let names = ["unique", "with", "without", "new", "returning"];
    let mut seen: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    for world in &worlds {
        let t: u64 = world.iter().map(|r| r.0).sum();
        let q: u64 = world.iter().map(|r| r.1).sum();
        let Some(entries) = codes.get(&t) else {
            continue;
        };
        if t < floor || !contacts.contains(&t) || !people.contains(&q) {
            continue;
        }
        seen.entry("contacts".into()).or_default().insert(t);
        seen.entry("people".into()).or_default().insert(q);
        for (i, &(c, q)) in world.iter().enumerate() {
            seen.entry(format!("zone {i} contacts"))
                .or_default()
                .insert(c);
            seen.entry(format!("zone {i} people"))
                .or_default()
                .insert(q);
        }
        for entry in entries {
            for (name, &v) in names.iter().zip(entry) {
                seen.entry(name.to_string()).or_default().insert(v);
            }
        }
    }
    let hidden = |cell: Cell| cell.count().is_none();
    let mut cells = vec![
        ("contacts".to_string(), p.contacts),
        ("people".to_string(), p.people_reached),
        ("unique".to_string(), p.unique_people),
        ("with".to_string(), p.contacts_with_code),
        ("without".to_string(), p.contacts_without_code),
        ("new".to_string(), p.new_people),
        ("returning".to_string(), p.returning_people),
    ];
    for (i, row) in p.by_zone.values().enumerate() {
        cells.push((format!("zone {i} contacts"), row.contacts));
        cells.push((format!("zone {i} people"), row.people_reached));
    }
    cells
        .into_iter()
        .filter(|(_, cell)| hidden(*cell))
        .map(|(name, _)| {
            let values = seen.get(&name).cloned().unwrap_or_default();
            (name, values)
        })
        .collect()
}

#[test]
fn a_brute_force_reader_recovers_nothing_from_one_breakdown_tallies() {
    // Counts up to twice the threshold; the reader tries every world with
    // counts up to `cap` (fewer worlds than a reader would consider, so a
    // cell with two values here has at least two for any reader).
    one_breakdown_tallies(Threshold::Five, 200, 14);
    one_breakdown_tallies(Threshold::Ten, 80, 19);
}

fn one_breakdown_tallies(threshold: Threshold, cases: usize, cap: u64) {
    let below = threshold.value();
    let mut rng = Rng(31);
    let mut secondary = 0;
    for case in 0..cases {
        let mut tally = consistent(&mut rng);
        tally.contacts = 1 + rng.below(2 * below - 1);
        let extra = rng.below(below - 1);
        tally.people_reached = tally.contacts + extra;
        let c = rng.partition(tally.contacts, 3, &[true; 3]);
        let nonzero: Vec<bool> = c.iter().map(|&n| n > 0).collect();
        let e = rng.partition(extra, 3, &nonzero);
        tally.by_zone = ["a", "b", "c"]
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let row = Breakdown {
                    contacts: c[i],
                    people_reached: c[i] + e[i],
                };
                (id.to_string(), row)
            })
            .collect();
        tally.by_age_band.clear();
        tally.by_gender.clear();
        tally.contacts_with_code = rng.below(tally.contacts + 1);
        let with = tally.contacts_with_code;
        tally.contacts_without_code = tally.contacts - with;
        tally.unique_people = if with == 0 { 0 } else { 1 + rng.below(with) };
        tally.new_people = rng.below(tally.unique_people + 1);
        tally.returning_people = tally.unique_people - tally.new_people;
        for count in tally
            .referrals
            .values_mut()
            .chain(tally.interventions.values_mut())
        {
            *count = rng.below(tally.contacts + 1);
        }
        let p = suppress(&tally, threshold);
        check_markers(&tally, &p);
        secondary += usize::from(figures(&tally, &p).iter().any(|f| f.2 == Cell::Hidden));
        for (name, values) in brute_force_reader(&p, cap) {
            assert!(
                values.len() >= 2,
                "{threshold:?} case {case}: {name} is {values:?} in {tally:?}\n{p:?}"
            );
        }
    }
    assert!(
        secondary > cases / 4,
        "{threshold:?}: only {secondary} tallies with secondary cells"
    );
}
