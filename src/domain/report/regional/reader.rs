//! The region against readers written apart from the rule, who hold every
//! organization's published tally as well as the region's and try every
//! world by brute force: no hidden part of an organization, and no `<5` or
//! `x` of the region, may come out with a single possible value.

use super::*;
use crate::domain::report::tally::Breakdown;
use std::collections::{BTreeMap, BTreeSet};

/// SplitMix64: tiny, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0 to `n - 1` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    /// `total` split over `allowed.len()` parts, unevenly, only into the
    /// allowed ones (all into the first allowed if the dice say none).
    fn partition(&mut self, total: u64, allowed: &[bool]) -> Vec<u64> {
        let mut weights: Vec<u64> = allowed
            .iter()
            .map(|&a| if a { self.below(4).pow(2) } else { 0 })
            .collect();
        if weights.iter().all(|&w| w == 0)
            && let Some(first) = allowed.iter().position(|&a| a)
        {
            weights[first] = 1;
        }
        let sum: u64 = weights.iter().sum();
        let mut out = vec![0; allowed.len()];
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

/// The counts a marker allows, up to `cap` where it has no upper bound.
fn allowed(cell: Cell, threshold: Threshold, withheld: bool, cap: u64) -> Vec<u64> {
    match cell {
        Cell::Count(n) => vec![n],
        Cell::Small(t) => (1..t.value()).collect(),
        Cell::Hidden if !withheld => (threshold.value()..=cap).collect(),
        Cell::Hidden | Cell::Missing => (0..=cap).collect(),
    }
}

#[test]
fn a_reader_replaying_the_rule_recovers_no_part_of_a_summed_figure() {
    let mut checked = [0usize; 3];
    for (threshold, most) in [(Threshold::Five, 6), (Threshold::Ten, 4)] {
        let rule = Rule { threshold };
        let below = threshold.value();
        let mut rng = Rng(7);
        for case in 0..600 {
            let n = 1 + rng.below(most) as usize;
            let truth: Vec<u64> = (0..n)
                .map(|_| match rng.below(4) {
                    0 => 0,
                    1 | 2 => 1 + rng.below(below - 1),
                    _ => below + rng.below(2 * below),
                })
                .collect();
            let parts: Vec<Cell> = truth.iter().map(|&v| Cell::primary(v, threshold)).collect();
            // What the region shows in a world: its sum, primary-suppressed,
            // then the rule, beside the same published parts.
            let shown = |world: &[u64]| {
                let sum = world.iter().sum();
                rule.sum_of(Cell::primary(sum, threshold), &parts)
            };
            let region = shown(&truth);
            if let Cell::Count(r) = region {
                assert_eq!(r, truth.iter().sum::<u64>());
            }
            // Every world the parts' markers allow, kept when the region
            // would show the very same thing in it: the reader knows the rule.
            let mut worlds: Vec<Vec<u64>> = vec![Vec::new()];
            for &cell in &parts {
                let values = allowed(cell, threshold, true, 0);
                worlds = worlds
                    .iter()
                    .flat_map(|w| {
                        values.iter().map(|&v| {
                            let mut w = w.clone();
                            w.push(v);
                            w
                        })
                    })
                    .collect();
            }
            let seen: Vec<&Vec<u64>> = worlds.iter().filter(|w| shown(w) == region).collect();
            let context = format!("{threshold:?} case {case}: {truth:?} shown {region:?}");
            for (i, cell) in parts.iter().enumerate() {
                if cell.count().is_none() {
                    let values: BTreeSet<u64> = seen.iter().map(|w| w[i]).collect();
                    assert!(values.len() >= 2, "part {i} is {values:?}; {context}");
                }
            }
            if region.count().is_none() {
                let sums: BTreeSet<u64> = seen.iter().map(|w| w.iter().sum()).collect();
                assert!(sums.len() >= 2, "the region is {sums:?}; {context}");
            }
            checked[match region {
                Cell::Count(_) => 0,
                Cell::Small(_) => 1,
                _ => 2,
            }] += usize::from(parts.iter().filter(|c| c.count().is_none()).count() >= 2);
        }
    }
    assert!(
        checked.iter().all(|&n| n > 30),
        "too few sums of several small parts shown exact, small and hidden: {checked:?}"
    );
}

/// Counts up to `CAP` are tried where a marker has no upper bound: the
/// generated tallies stay under it, so the true world is always tried.
const CAP: u64 = 12;

/// An organization's month with one zone breakdown, where every group adds
/// up: contacts up to 9, people reached up to 3 more.
fn small_org(rng: &mut Rng, zones: usize) -> Tally {
    let contacts = if rng.below(5) == 0 {
        0
    } else {
        1 + rng.below(9)
    };
    let extra = if contacts == 0 { 0 } else { rng.below(4) };
    let c = rng.partition(contacts, &vec![true; zones]);
    let nonzero: Vec<bool> = c.iter().map(|&n| n > 0).collect();
    let e = rng.partition(extra, &nonzero);
    let with = rng.below(contacts + 1);
    let unique = if with == 0 { 0 } else { 1 + rng.below(with) };
    let new = rng.below(unique + 1);
    Tally {
        period: "2026-03".into(),
        contacts,
        people_reached: contacts + extra,
        contacts_with_code: with,
        contacts_without_code: contacts - with,
        unique_people: unique,
        new_people: new,
        returning_people: unique - new,
        by_zone: (0..zones)
            .map(|i| {
                let row = Breakdown {
                    contacts: c[i],
                    people_reached: c[i] + e[i],
                };
                (format!("z{i}"), row)
            })
            .collect(),
        ..Tally::default()
    }
}

/// The linked cells in one order: the seven heads (as [`heads`]), then
/// each zone's contacts and people reached.
fn cells(p: &PublishedTally) -> Vec<Cell> {
    let mut out = heads(p).to_vec();
    for row in p.by_zone.values() {
        out.extend([row.contacts, row.people_reached]);
    }
    out
}

fn truth(t: &Tally) -> Vec<u64> {
    let mut out = vec![
        t.contacts,
        t.people_reached,
        t.contacts_with_code,
        t.contacts_without_code,
        t.unique_people,
        t.new_people,
        t.returning_people,
    ];
    for row in t.by_zone.values() {
        out.extend([row.contacts, row.people_reached]);
    }
    out
}

/// Every world an organization's published tally allows, as [`cells`]:
/// markers, contacts = Σ zones = with + without code, people = Σ zones,
/// unique = new + returning, unique ≤ with code and both zero together,
/// people ≥ contacts in a row and both zero together.
fn org_worlds(p: &PublishedTally, threshold: Threshold) -> Vec<Vec<u64>> {
    let withheld = |g: LinkedGroup| p.withheld.contains(&g);
    let zones = withheld(LinkedGroup::Breakdown(Axis::Zone, Measure::Contacts));
    let cell = cells(p);
    let free = |c: Cell, w: bool| allowed(c, threshold, w, CAP);
    let (contacts, people) = (free(cell[0], false), free(cell[1], false));
    let (most_c, most_q) = (contacts[contacts.len() - 1], people[people.len() - 1]);
    let mut rows: Vec<Vec<u64>> = vec![Vec::new()];
    for row in p.by_zone.values() {
        let mut longer = Vec::new();
        for r in &rows {
            let (t, q): (u64, u64) = (r.iter().step_by(2).sum(), r.iter().skip(1).step_by(2).sum());
            for &c in free(row.contacts, zones)
                .iter()
                .filter(|&&c| t + c <= most_c)
            {
                for &n in &free(row.people_reached, zones) {
                    if c <= n && (c == 0) == (n == 0) && q + n <= most_q {
                        let mut r = r.clone();
                        r.extend([c, n]);
                        longer.push(r);
                    }
                }
            }
        }
        rows = longer;
    }
    let (codes, history) = (
        withheld(LinkedGroup::ContactsByCode),
        withheld(LinkedGroup::PeopleByHistory),
    );
    let mut pairs: BTreeMap<u64, Vec<[u64; 5]>> = BTreeMap::new();
    for &with in &free(cell[2], codes) {
        for &without in &free(cell[3], codes) {
            for &new in &free(cell[5], history) {
                for &ret in &free(cell[6], history) {
                    let unique = new + ret;
                    if free(cell[4], false).contains(&unique)
                        && unique <= with
                        && (unique == 0) == (with == 0)
                    {
                        let entry = [with, without, unique, new, ret];
                        pairs.entry(with + without).or_default().push(entry);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for r in &rows {
        let t: u64 = r.iter().step_by(2).sum();
        let q: u64 = r.iter().skip(1).step_by(2).sum();
        if !contacts.contains(&t) || !people.contains(&q) {
            continue;
        }
        for entry in pairs.get(&t).into_iter().flatten() {
            let mut world = vec![t, q];
            world.extend(entry);
            world.extend(r);
            out.push(world);
        }
    }
    out
}

#[test]
fn a_brute_force_reader_holding_every_report_recovers_nothing_linked() {
    let threshold = Threshold::Five;
    let mut rng = Rng(41);
    let mut secondary = 0;
    for (case, orgs) in (0..150).map(|c| (c, 2)).chain((150..210).map(|c| (c, 3))) {
        let zones = 2 + rng.below(if orgs == 2 { 2 } else { 1 }) as usize;
        let tallies: Vec<Tally> = (0..orgs).map(|_| small_org(&mut rng, zones)).collect();
        let published: Vec<PublishedTally> = tallies
            .iter()
            .map(|t| suppress::publish(t, Some(threshold)))
            .collect();
        let region = publish_region(&tallies, threshold).unwrap();
        let shown = cells(&region);
        let context = format!("case {case}: {tallies:?}\n{published:?}\n{region:?}");
        secondary += usize::from(shown.contains(&Cell::Hidden));
        for (c, &cell) in shown.iter().enumerate() {
            if let Cell::Count(n) = cell {
                let parts: Vec<Cell> = published.iter().map(|p| cells(p)[c]).collect();
                let exact: Option<u64> = parts.iter().map(|p| p.count()).sum();
                assert_eq!(
                    exact,
                    Some(n),
                    "cell {c} is not the sum of exact parts; {context}"
                );
            }
        }
        // Each organization's worlds, grouped by what they show in the
        // cells the region constrains (its counts and "<5"; its "x" claims
        // nothing).
        let constrained: Vec<usize> = (0..shown.len())
            .filter(|&c| shown[c] != Cell::Hidden)
            .collect();
        let grouped: Vec<BTreeMap<Vec<u64>, Vec<Vec<u64>>>> = published
            .iter()
            .zip(&tallies)
            .map(|(p, t)| {
                let worlds = org_worlds(p, threshold);
                assert!(worlds.contains(&truth(t)), "the true world; {context}");
                let mut by: BTreeMap<Vec<u64>, Vec<Vec<u64>>> = BTreeMap::new();
                for w in worlds {
                    by.entry(constrained.iter().map(|&c| w[c]).collect())
                        .or_default()
                        .push(w);
                }
                by
            })
            .collect();
        let mut combos: Vec<Vec<&Vec<u64>>> = vec![Vec::new()];
        for by in &grouped {
            combos = combos
                .iter()
                .flat_map(|combo| {
                    by.keys().map(|k| {
                        let mut combo = combo.clone();
                        combo.push(k);
                        combo
                    })
                })
                .collect();
            assert!(combos.len() < 200_000, "too many combinations; {context}");
        }
        let fits = |combo: &[&Vec<u64>]| {
            constrained.iter().enumerate().all(|(i, &c)| {
                let sum: u64 = combo.iter().map(|k| k[i]).sum();
                allowed(shown[c], threshold, true, 3 * CAP).contains(&sum)
            })
        };
        let mut org_values = vec![vec![BTreeSet::new(); shown.len()]; orgs];
        let mut region_values = vec![BTreeSet::new(); shown.len()];
        for combo in combos.iter().filter(|c| fits(c)) {
            for c in 0..shown.len() {
                let mut sums = BTreeSet::from([0u64]);
                for (o, key) in combo.iter().enumerate() {
                    let here: BTreeSet<u64> = grouped[o][*key].iter().map(|w| w[c]).collect();
                    org_values[o][c].extend(here.iter().copied());
                    sums = sums
                        .iter()
                        .flat_map(|s| here.iter().map(move |v| s + v))
                        .collect();
                }
                region_values[c].extend(sums);
            }
        }
        for (o, p) in published.iter().enumerate() {
            for (c, cell) in cells(p).into_iter().enumerate() {
                if cell.count().is_none() {
                    let values = &org_values[o][c];
                    assert!(values.len() >= 2, "org {o} cell {c}: {values:?}; {context}");
                }
            }
        }
        for (c, cell) in shown.into_iter().enumerate() {
            if cell.count().is_none() {
                let values = &region_values[c];
                assert!(values.len() >= 2, "region cell {c}: {values:?}; {context}");
            }
        }
    }
    assert!(secondary > 50, "only {secondary} regions with an x");
}
