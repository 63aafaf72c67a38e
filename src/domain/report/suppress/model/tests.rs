//! The model against a brute-force reader, and its search on small cases.

use super::*;
use std::collections::{BTreeMap, BTreeSet};

/// SplitMix64, for repeatable generated cases.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The values of a cell allowed by its marker, up to `cap`.
fn allowed(model: &Model, cell: usize, cap: u64) -> Vec<u64> {
    let b = model.bounds(cell);
    (0..=cap).filter(|&v| b.contains(i128::from(v))).collect()
}

/// Every value a reader could see in each cell, by trying every world with
/// counts up to `cap`: the markers, the equations, people ≥ contacts in a
/// row and both zero together, unique ≤ with code and both zero together,
/// contacts ≥ the floor. Written apart from the model, on purpose.
fn brute_force(model: &Model, cap: u64) -> Vec<BTreeSet<u64>> {
    type Rows = Vec<(u64, u64)>;
    let mut seen = vec![BTreeSet::new(); model.slots.len()];
    // Each breakdown: its row assignments by the (contacts, people) they sum to.
    let mut axes: Vec<BTreeMap<(u64, u64), Vec<Rows>>> = Vec::new();
    for rows in &model.axes {
        let mut sums: BTreeMap<(u64, u64), Vec<Rows>> = BTreeMap::new();
        let mut partial: Vec<Rows> = vec![Vec::new()];
        for &(c, q) in rows {
            let mut longer = Vec::new();
            for prefix in &partial {
                for x in allowed(model, c, cap) {
                    for y in allowed(model, q, cap) {
                        if x <= y && (x == 0) == (y == 0) {
                            let mut p = prefix.clone();
                            p.push((x, y));
                            longer.push(p);
                        }
                    }
                }
            }
            partial = longer;
        }
        for assignment in partial {
            let t: u64 = assignment.iter().map(|r| r.0).sum();
            let p: u64 = assignment.iter().map(|r| r.1).sum();
            sums.entry((t, p)).or_default().push(assignment);
        }
        axes.push(sums);
    }
    // The code and history figures, by the contacts they sum to.
    let mut codes: BTreeMap<u64, Vec<[u64; 5]>> = BTreeMap::new();
    for with in allowed(model, WITH_CODE, cap) {
        for without in allowed(model, WITHOUT_CODE, cap) {
            for new in allowed(model, NEW, cap) {
                for ret in allowed(model, RETURNING, cap) {
                    let unique = new + ret;
                    let fits = model.bounds(UNIQUE).contains(i128::from(unique))
                        && unique <= with
                        && (unique == 0) == (with == 0);
                    if fits {
                        let entry = [unique, with, without, new, ret];
                        codes.entry(with + without).or_default().push(entry);
                    }
                }
            }
        }
    }
    for t in allowed(model, CONTACTS, 2 * cap) {
        if t < model.floor || !codes.contains_key(&t) {
            continue;
        }
        for p in allowed(model, PEOPLE, 2 * cap) {
            if !axes.iter().all(|sums| sums.contains_key(&(t, p))) {
                continue;
            }
            seen[CONTACTS].insert(t);
            seen[PEOPLE].insert(p);
            for entry in &codes[&t] {
                for (cell, value) in [UNIQUE, WITH_CODE, WITHOUT_CODE, NEW, RETURNING]
                    .into_iter()
                    .zip(entry)
                {
                    seen[cell].insert(*value);
                }
            }
            for (a, sums) in axes.iter().enumerate() {
                for assignment in &sums[&(t, p)] {
                    for (&(c, q), &(x, y)) in model.axes[a].iter().zip(assignment) {
                        seen[c].insert(x);
                        seen[q].insert(y);
                    }
                }
            }
        }
    }
    seen
}

/// A small consistent tally under threshold `below`: two breakdowns of two
/// rows, codes, history.
fn small_model(state: &mut u64, below: u64) -> Model {
    let contacts = next(state) % (below + 3);
    let extra = if contacts == 0 { 0 } else { next(state) % 3 };
    let with = next(state) % (contacts + 1);
    let unique = if with == 0 { 0 } else { 1 + next(state) % with };
    let new = next(state) % (unique + 1);
    let floor = next(state) % (contacts + 1) * (next(state) % 2);
    let heads = [
        contacts,
        contacts + extra,
        unique,
        with,
        contacts - with,
        new,
        unique - new,
    ];
    let mut model = Model::new(heads, floor, below);
    for _ in 0..2 {
        let c0 = next(state) % (contacts + 1);
        let e0 = if c0 == 0 {
            0
        } else {
            next(state) % (extra + 1)
        };
        let (c1, e1) = (contacts - c0, extra - e0);
        // People beyond contacts go to a row with contacts.
        let (e0, e1) = if c1 == 0 { (extra, 0) } else { (e0, e1) };
        model.add_axis(&[(c0, c0 + e0), (c1, c1 + e1)]);
    }
    model
}

#[test]
fn spans_match_a_brute_force_reader_on_small_tallies() {
    // Counts up to 9 where a cell is at most 6 need no world beyond 16;
    // under 10, counts up to 14 where a cell is at most 11, none beyond 31.
    spans_match(5, 150, 16, 6);
    spans_match(10, 40, 31, 11);
}

fn spans_match(below: u64, cases: usize, cap: u64, seen: u64) {
    let mut state = 5;
    for case in 0..cases {
        let mut model = small_model(&mut state, below);
        for cell in 0..model.slots.len() {
            if model.slots[cell].value >= below && next(&mut state).is_multiple_of(3) {
                model.slots[cell].shown = Shown::Hidden;
            }
        }
        for unit in 0..model.units.len() {
            if next(&mut state).is_multiple_of(6) {
                model.withhold(unit);
            }
        }
        let truth = brute_force(&model, cap);
        for (cell, values) in truth.iter().enumerate() {
            if model.shown(cell) == Shown::Exact {
                continue;
            }
            let span = model.span(cell);
            assert!(
                values.len() >= 2 || span.is_single(),
                "case {case}: cell {cell} is pinned to {values:?}, the model says {span:?}"
            );
            // A withheld breakdown's own cells: the model allows a row of no
            // contacts but some people, which no reader would; its ranges
            // are wider there, never narrower, and never wrongly pinned.
            let withheld_row = model.slots[cell].partner.is_some()
                && model.slots[cell]
                    .unit
                    .is_some_and(|u| model.units[u].withheld);
            for value in 0..=seen {
                let v = i128::from(value);
                if withheld_row {
                    assert!(!values.contains(&value) || span.contains(v), "case {case}");
                } else {
                    assert_eq!(
                        values.contains(&value),
                        span.contains(v),
                        "case {case}: cell {cell} = {value}, span {span:?}, truth {values:?}"
                    );
                }
            }
        }
    }
}

fn model_with_zones(
    contacts: u64,
    people: u64,
    zones: &[(u64, u64)],
) -> (Model, Vec<(usize, usize)>) {
    let heads = [contacts, people, 0, 0, contacts, 0, 0];
    let mut model = Model::new(heads, 0, 5);
    let cells = model.add_axis(zones).unwrap_or_default();
    (model, cells)
}

#[test]
fn two_ones_beside_a_published_total_are_recovered_until_a_third_cell_hides() {
    // 40 = 20 + 18 + 1 + 1: neither "<5" is 0, and they add up to 2.
    let (mut model, zones) = model_with_zones(40, 60, &[(20, 30), (18, 28), (1, 1), (1, 1)]);
    assert!(model.span(zones[2].0).is_single());
    model.protect();
    assert_eq!(
        model.shown(zones[1].0),
        Shown::Hidden,
        "the smaller of 20 and 18"
    );
    assert_eq!(model.shown(zones[0].0), Shown::Exact);
    assert_eq!(model.shown(CONTACTS), Shown::Exact);
    assert_eq!(model.span(zones[2].0), Range::new(1, 4));
}

#[test]
fn a_five_next_to_a_one_is_skipped_for_a_part_that_protects() {
    // Hiding the 5 would leave 1 + x = 6 with x at least 5: both known.
    let (mut model, zones) = model_with_zones(36, 50, &[(30, 40), (5, 9), (1, 1)]);
    model.protect();
    assert_eq!(model.shown(zones[1].0), Shown::Exact);
    assert_eq!(model.shown(zones[0].0), Shown::Hidden);
    assert_eq!(model.span(zones[2].0), Range::new(1, 4));
}

#[test]
fn a_row_of_people_pins_contacts_until_its_other_column_hides() {
    // Contacts 9 = <5 + <5 + <5 alone leaves each 1 to 4; but people
    // 11 = <5 + 6 + <5 caps the first and last rows' contacts at 5
    // together, so the middle row's are 4, until the 6 hides.
    let (mut model, zones) = model_with_zones(9, 11, &[(2, 2), (4, 6), (3, 3)]);
    assert_eq!(model.span(zones[1].0), Range::new(4, 4));
    model.protect();
    assert_eq!(model.shown(zones[1].1), Shown::Hidden);
    assert_eq!(model.shown(CONTACTS), Shown::Exact);
    assert_eq!(model.span(zones[1].0), Range::new(3, 4));
}

#[test]
fn unique_people_bound_contacts_with_a_code_so_the_code_pair_is_withheld() {
    // 12 contacts, 11 with a code, 11 distinct people, 1 without a code.
    // Hiding the 11 with a code is not enough: 11 ≤ with code = 12 - "<5",
    // so the "<5" is 1. Withheld, the pair could also be 12 and 0.
    let mut model = Model::new([12, 15, 11, 11, 1, 4, 7], 0, 5);
    model.add_axis(&[(12, 15)]);
    model.slots[WITH_CODE].shown = Shown::Hidden;
    assert_eq!(model.span(WITHOUT_CODE), Range::new(1, 1));
    let mut model = Model::new([12, 15, 11, 11, 1, 4, 7], 0, 5);
    model.add_axis(&[(12, 15)]);
    model.protect();
    assert!(model.is_withheld(0), "the code pair");
    assert_eq!(model.span(WITHOUT_CODE), Range::new(0, 1));
    assert_eq!(model.shown(UNIQUE), Shown::Exact);
    assert_eq!(
        model.shown(RETURNING),
        Shown::Hidden,
        "beside the 4 new people"
    );
}

#[test]
fn four_ones_under_a_small_total_withhold_their_breakdown() {
    // Total "<5" over four "<5" zones: each at least 1, together at most 4.
    let mut model = Model::new([4, 8, 0, 0, 4, 0, 0], 0, 5);
    let zones = model
        .add_axis(&[(1, 2), (1, 2), (1, 2), (1, 2), (0, 0)])
        .unwrap_or_default();
    model.add_axis(&[(2, 4), (2, 4)]);
    assert!(model.span(CONTACTS).is_single());
    model.protect();
    assert!(model.is_withheld(2), "the zones");
    assert!(!model.is_withheld(3), "the age bands");
    assert_eq!(
        model.shown(zones[4].0),
        Shown::Hidden,
        "the empty zone hides too"
    );
    assert_eq!(model.span(CONTACTS), Range::new(2, 4));
    assert!((0..model.cells()).all(|c| model.exposure(c) == 0));
}
