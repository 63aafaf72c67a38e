//! The sheet against a brute-force reader, and its search on small cases.

use super::*;

/// For each cell, the values a reader could see in it: every assignment
/// of the unpublished parts in `0..=cap` (the total follows from the
/// first group) that fits every marker's range and every equation.
fn worlds(sheet: &Sheet, cap: u64) -> Vec<Vec<bool>> {
    let n = sheet.slots.len();
    let hidden: Vec<usize> = (0..n)
        .filter(|&c| sheet.slots[c].part_of.is_some())
        .filter(|&c| sheet.slots[c].shown != Shown::Exact)
        .collect();
    let total = sheet.groups[0].total;
    let mut values: Vec<u64> = sheet.slots.iter().map(|s| s.value).collect();
    let mut seen = vec![vec![false; cap as usize * 2 + 1]; n];
    for mut code in 0..(cap + 1).pow(hidden.len() as u32) {
        for &c in &hidden {
            values[c] = code % (cap + 1);
            code /= cap + 1;
        }
        if sheet.slots[total].shown != Shown::Exact {
            values[total] = sheet.groups[0].parts.iter().map(|&p| values[p]).sum();
        }
        let fits = (0..n).all(|c| {
            let b = sheet.bounds(c);
            b.lo <= i128::from(values[c]) && i128::from(values[c]) <= b.hi
        });
        let sums = sheet
            .groups
            .iter()
            .all(|g| values[g.total] == g.parts.iter().map(|&p| values[p]).sum::<u64>());
        if fits && sums {
            for c in 0..n {
                seen[c][values[c] as usize] = true;
            }
        }
    }
    seen
}

/// Tiny deterministic generator (SplitMix64), for repeatable tests.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[test]
fn spans_match_a_brute_force_reader_on_small_sheets() {
    // A total shared by two groups of two parts, values up to 8: a
    // world where a cell is at most 6 never needs a value above 16, so
    // below 7 the brute force sees everything a reader could.
    let (cap, seen) = (16, 6);
    let mut state = 7;
    for _ in 0..200 {
        let a = [next(&mut state) % 5, next(&mut state) % 5];
        let total = a[0] + a[1];
        let b0 = next(&mut state) % (total + 1);
        let mut sheet = Sheet::default();
        let t = sheet.add_cell(total);
        let pa = vec![sheet.add_cell(a[0]), sheet.add_cell(a[1])];
        let pb = vec![sheet.add_cell(b0), sheet.add_cell(total - b0)];
        let first = sheet.add_group(t, pa.clone());
        sheet.add_group(t, pb.clone());
        for &c in pa.iter().chain(&pb).chain([&t]) {
            if sheet.slots[c].value >= 5 && next(&mut state).is_multiple_of(2) {
                sheet.slots[c].shown = Shown::Hidden;
            }
        }
        if next(&mut state).is_multiple_of(4) {
            sheet.withhold(first);
        }
        let worlds = worlds(&sheet, cap);
        for (c, possible) in worlds.iter().enumerate() {
            if sheet.slots[c].shown == Shown::Exact {
                continue;
            }
            let span = sheet.span(c);
            for value in 0..=seen {
                let v = i128::from(value);
                assert_eq!(
                    possible[value as usize],
                    span.lo <= v && v <= span.hi,
                    "cell {c} = {value} in {total} = {a:?} = [{b0}, ..]: span {span:?}"
                );
            }
        }
    }
}

#[test]
fn two_ones_beside_a_published_total_are_recovered_until_a_third_cell_hides() {
    // 40 = 20 + 18 + 1 + 1: a reader knows each "<5" is at least 1,
    // and the two of them add up to 2.
    let mut sheet = Sheet::default();
    let total = sheet.add_cell(40);
    let parts: Vec<usize> = [20, 18, 1, 1].iter().map(|&v| sheet.add_cell(v)).collect();
    sheet.add_group(total, parts.clone());
    assert_eq!(sheet.span(parts[2]), Span { lo: 1, hi: 1 });
    assert!(sheet.exposure(parts[2]) > 0);
    sheet.protect();
    assert_eq!(
        sheet.shown(parts[1]),
        Shown::Hidden,
        "the smaller of 20 and 18"
    );
    assert_eq!(sheet.shown(parts[0]), Shown::Exact);
    assert_eq!(sheet.shown(total), Shown::Exact);
    assert_eq!(sheet.span(parts[2]), Span { lo: 1, hi: 4 });
}

#[test]
fn a_five_next_to_a_one_is_skipped_for_a_part_that_protects() {
    // Hiding the 5 would leave 1 + x = 6 with x at least 5: both known.
    let mut sheet = Sheet::default();
    let total = sheet.add_cell(36);
    let parts: Vec<usize> = [30, 5, 1].iter().map(|&v| sheet.add_cell(v)).collect();
    sheet.add_group(total, parts.clone());
    sheet.protect();
    assert_eq!(sheet.shown(parts[1]), Shown::Exact);
    assert_eq!(sheet.shown(parts[0]), Shown::Hidden);
    assert_eq!(sheet.span(parts[2]), Span { lo: 1, hi: 4 });
}

#[test]
fn four_ones_under_a_small_total_withhold_the_column() {
    // Total "<5" over four "<5" parts: each part is at least 1 and they
    // add up to at most 4, so every one is 1 and the total is 4.
    let mut sheet = Sheet::default();
    let total = sheet.add_cell(4);
    let parts: Vec<usize> = [1, 1, 1, 1, 0].iter().map(|&v| sheet.add_cell(v)).collect();
    let zones = sheet.add_group(total, parts.clone());
    let bands: Vec<usize> = [2, 2, 0].iter().map(|&v| sheet.add_cell(v)).collect();
    let ages = sheet.add_group(total, bands);
    assert!(sheet.span(total).is_single());
    sheet.protect();
    assert!(sheet.is_withheld(zones));
    assert!(!sheet.is_withheld(ages));
    assert_eq!(sheet.shown(parts[4]), Shown::Hidden, "the zero hides too");
    assert_eq!(sheet.span(total), Span { lo: 2, hi: 4 });
    assert!((0..sheet.slots.len()).all(|c| sheet.exposure(c) == 0));
}
