//! Suppression on hand-made tallies, each number checked by hand: one
//! small cell in a group, a small total, zeros beside small cells, a
//! column that must be withheld, a tally whose groups disagree.

use super::*;
use crate::domain::report::tally::{Breakdown, Comparison, Summary};

fn row(contacts: u64, people_reached: u64) -> Breakdown {
    Breakdown {
        contacts,
        people_reached,
    }
}

/// 40 contacts, 52 people, consistent in every group; tests bend it.
fn tally() -> Tally {
    let mut t = Tally {
        period: "2026-03".into(),
        contacts: 40,
        people_reached: 52,
        contacts_with_code: 30,
        contacts_without_code: 10,
        unique_people: 21,
        new_people: 6,
        returning_people: 15,
        returned_syringes: 230,
        previous: Comparison::of(
            "2026-02",
            Summary {
                contacts: 37,
                people_reached: 3,
                unique_people: 0,
            },
        ),
        last_year: Comparison::of(
            "2025-03",
            Summary {
                contacts: 4,
                people_reached: 41,
                unique_people: 18,
            },
        ),
        ..Tally::default()
    };
    t.materials = [("seringues", 400), ("condoms", 2), ("stericups", 0)]
        .map(|(k, v)| (k.to_string(), v))
        .into();
    t.referrals = [("clsc", 3), ("hebergement", 6)]
        .map(|(k, v)| (k.to_string(), v))
        .into();
    t.by_zone = [("gatineau", row(22, 30)), ("papineau", row(18, 22))]
        .map(|(k, v)| (k.to_string(), v))
        .into();
    t.by_age_band = [("18-24", row(15, 20)), ("25-34", row(25, 32))]
        .map(|(k, v)| (k.to_string(), v))
        .into();
    t.by_gender = [("femme", row(16, 20)), ("homme", row(24, 32))]
        .map(|(k, v)| (k.to_string(), v))
        .into();
    t
}

#[test]
fn a_tally_without_small_counts_is_published_whole() {
    let mut t = tally();
    t.materials.insert("condoms".into(), 12);
    t.referrals.insert("clsc".into(), 7);
    t.previous.figures.as_mut().unwrap().people_reached = 30;
    t.last_year.figures.as_mut().unwrap().contacts = 35;
    // The external version leaves the team's incidents out, nothing else.
    let mut external = PublishedTally::exact(&t);
    external.field_work = t.field_work.published(false);
    external.threshold = Some(Threshold::Five);
    assert_eq!(suppress(&t, Threshold::Five), external);
    assert_eq!(publish(&t, None), PublishedTally::exact(&t));
    // Under 10, the 7 referrals are small.
    let ten = suppress(&t, Threshold::Ten);
    assert_eq!(ten.referrals["clsc"], Cell::Small(Threshold::Ten));
    assert_eq!(ten.materials["condoms"], Cell::Count(12));
}

#[test]
fn independent_figures_get_primary_suppression_only() {
    let published = suppress(&tally(), Threshold::Five);
    assert_eq!(published.materials["condoms"], Cell::Small(Threshold::Five));
    assert_eq!(published.materials["seringues"], Cell::Count(400));
    assert_eq!(published.materials["stericups"], Cell::Count(0));
    assert_eq!(published.referrals["clsc"], Cell::Small(Threshold::Five));
    assert_eq!(published.referrals["hebergement"], Cell::Count(6));
    assert_eq!(published.previous.contacts, Cell::Count(37));
    assert_eq!(
        published.previous.people_reached,
        Cell::Small(Threshold::Five)
    );
    assert_eq!(published.previous.unique_people, Cell::Count(0));
    assert_eq!(published.last_year.contacts, Cell::Small(Threshold::Five));
    assert_eq!(published.returned_syringes, Cell::Count(230));
}

#[test]
fn one_small_part_hides_exactly_one_more_cell_of_its_group() {
    // Contacts: women 1, men 5, other 34. Hiding the 5 would leave
    // 1 + x = 6 with x at least 5: both known. So the 34 hides.
    // People: women 1, men 9, other 42. The 9 is enough: 1 + x = 10.
    let mut t = tally();
    t.by_gender = [
        ("femme", row(1, 1)),
        ("homme", row(5, 9)),
        ("autre", row(34, 42)),
    ]
    .map(|(k, v)| (k.to_string(), v))
    .into();
    let p = suppress(&t, Threshold::Five);
    assert_eq!(p.by_gender["femme"].contacts, Cell::Small(Threshold::Five));
    assert_eq!(p.by_gender["homme"].contacts, Cell::Count(5));
    assert_eq!(p.by_gender["autre"].contacts, Cell::Hidden);
    assert_eq!(
        p.by_gender["femme"].people_reached,
        Cell::Small(Threshold::Five)
    );
    assert_eq!(p.by_gender["homme"].people_reached, Cell::Hidden);
    assert_eq!(p.by_gender["autre"].people_reached, Cell::Count(42));
    for measure in Measure::ALL {
        let hidden = p
            .by_gender
            .values()
            .filter(|row| row.get(measure) == Cell::Hidden)
            .count();
        assert_eq!(hidden, 1, "{measure:?}: exactly one more cell");
    }
    assert_eq!(p.contacts, Cell::Count(40));
    assert_eq!(p.people_reached, Cell::Count(52));
    assert_eq!(p.by_zone, PublishedTally::exact(&t).by_zone);
    assert!(p.withheld.is_empty());
}

#[test]
fn a_small_part_of_a_pair_hides_the_other_part_not_the_total() {
    let mut t = tally();
    (t.contacts_with_code, t.contacts_without_code) = (37, 3);
    (t.new_people, t.returning_people) = (21, 0);
    let p = suppress(&t, Threshold::Five);
    assert_eq!(p.contacts_without_code, Cell::Small(Threshold::Five));
    assert_eq!(p.contacts_with_code, Cell::Hidden);
    assert_eq!(p.contacts, Cell::Count(40));
    // A zero beside a published total reveals nothing: all stays.
    assert_eq!(p.new_people, Cell::Count(21));
    assert_eq!(p.returning_people, Cell::Count(0));
    assert_eq!(p.unique_people, Cell::Count(21));
}

#[test]
fn zeros_beside_small_cells_stay_zero_and_the_small_ones_stay_unrecoverable() {
    // 40 = 36 + 2 + 2 + 0 + 0: the two "<5" add up to 4, which leaves
    // each of them 1, 2 or 3. Not recovered, so nothing more hides.
    let mut t = tally();
    t.by_zone = [
        ("gatineau", row(36, 46)),
        ("papineau", row(2, 3)),
        ("pontiac", row(2, 3)),
        ("collines-de-l-outaouais", row(0, 0)),
        ("vallee-de-la-gatineau", row(0, 0)),
    ]
    .map(|(k, v)| (k.to_string(), v))
    .into();
    let p = suppress(&t, Threshold::Five);
    assert_eq!(p.by_zone["papineau"].contacts, Cell::Small(Threshold::Five));
    assert_eq!(p.by_zone["pontiac"].contacts, Cell::Small(Threshold::Five));
    assert_eq!(p.by_zone["gatineau"].contacts, Cell::Count(36));
    assert_eq!(
        p.by_zone["pontiac"].people_reached,
        Cell::Small(Threshold::Five)
    );
    assert_eq!(p.by_zone["gatineau"].people_reached, Cell::Count(46));
    for zero in ["collines-de-l-outaouais", "vallee-de-la-gatineau"] {
        assert_eq!(p.by_zone[zero].contacts, Cell::Count(0), "{zero}");
        assert_eq!(p.by_zone[zero].people_reached, Cell::Count(0), "{zero}");
    }
}

#[test]
fn two_ones_beside_zeros_hide_a_third_part_because_neither_can_be_zero() {
    let mut t = tally();
    t.by_zone = [
        ("gatineau", row(20, 26)),
        ("papineau", row(18, 24)),
        ("pontiac", row(1, 1)),
        ("collines-de-l-outaouais", row(1, 1)),
        ("vallee-de-la-gatineau", row(0, 0)),
    ]
    .map(|(k, v)| (k.to_string(), v))
    .into();
    let p = suppress(&t, Threshold::Five);
    assert_eq!(p.by_zone["pontiac"].contacts, Cell::Small(Threshold::Five));
    assert_eq!(
        p.by_zone["collines-de-l-outaouais"].contacts,
        Cell::Small(Threshold::Five)
    );
    assert_eq!(p.by_zone["papineau"].contacts, Cell::Hidden);
    assert_eq!(p.by_zone["gatineau"].contacts, Cell::Count(20));
    assert_eq!(p.by_zone["vallee-de-la-gatineau"].contacts, Cell::Count(0));
    assert_eq!(p.contacts, Cell::Count(40));
}

#[test]
fn a_small_total_hides_every_nonzero_part_and_publishes_its_zeros() {
    let t = Tally {
        period: "2026-03".into(),
        contacts: 3,
        people_reached: 3,
        contacts_with_code: 3,
        unique_people: 2,
        new_people: 2,
        by_zone: [
            ("gatineau", row(2, 2)),
            ("pontiac", row(1, 1)),
            ("papineau", row(0, 0)),
        ]
        .map(|(k, v)| (k.to_string(), v))
        .into(),
        by_age_band: [("18-24", row(3, 3)), ("25-34", row(0, 0))]
            .map(|(k, v)| (k.to_string(), v))
            .into(),
        by_gender: [("femme", row(3, 3))]
            .map(|(k, v)| (k.to_string(), v))
            .into(),
        ..Tally::default()
    };
    let p = suppress(&t, Threshold::Five);
    assert_eq!(p.contacts, Cell::Small(Threshold::Five));
    assert_eq!(p.people_reached, Cell::Small(Threshold::Five));
    assert_eq!(p.by_zone["gatineau"].contacts, Cell::Small(Threshold::Five));
    assert_eq!(p.by_zone["pontiac"].contacts, Cell::Small(Threshold::Five));
    assert_eq!(p.by_zone["papineau"].contacts, Cell::Count(0));
    assert_eq!(
        p.by_age_band["18-24"].contacts,
        Cell::Small(Threshold::Five)
    );
    assert_eq!(p.by_age_band["25-34"].contacts, Cell::Count(0));
    assert_eq!(p.contacts_with_code, Cell::Small(Threshold::Five));
    assert_eq!(p.contacts_without_code, Cell::Count(0));
    assert_eq!(p.new_people, Cell::Small(Threshold::Five));
    assert_eq!(p.returning_people, Cell::Count(0));
    assert!(p.withheld.is_empty());
}

#[test]
fn four_single_contacts_under_a_small_total_withhold_their_breakdown() {
    // 4 contacts, one per zone: "<5" over four "<5" can only be 1 each.
    let zones = ["gatineau", "papineau", "pontiac", "collines-de-l-outaouais"];
    let mut t = Tally {
        period: "2026-03".into(),
        contacts: 4,
        people_reached: 9,
        contacts_with_code: 4,
        unique_people: 3,
        new_people: 3,
        by_age_band: [("18-24", row(2, 4)), ("25-34", row(2, 5))]
            .map(|(k, v)| (k.to_string(), v))
            .into(),
        by_gender: [("femme", row(2, 5)), ("homme", row(2, 4))]
            .map(|(k, v)| (k.to_string(), v))
            .into(),
        ..Tally::default()
    };
    t.by_zone = zones.map(|z| (z.to_string(), row(1, 2))).into();
    t.by_zone.insert("pontiac".into(), row(1, 3));
    t.by_zone.insert("vallee-de-la-gatineau".into(), row(0, 0));
    let p = suppress(&t, Threshold::Five);
    // Both columns go: published people would tell which zones are empty.
    assert_eq!(
        p.withheld,
        vec![
            LinkedGroup::Breakdown(Axis::Zone, Measure::Contacts),
            LinkedGroup::Breakdown(Axis::Zone, Measure::PeopleReached),
        ]
    );
    for (zone, cells) in &p.by_zone {
        assert_eq!(cells.contacts, Cell::Hidden, "{zone}: zero included");
        assert_eq!(cells.people_reached, Cell::Hidden, "{zone}: zero included");
    }
    assert_eq!(
        p.by_age_band["18-24"].contacts,
        Cell::Small(Threshold::Five)
    );
    assert_eq!(p.contacts, Cell::Small(Threshold::Five));
    assert_eq!(p.people_reached, Cell::Count(9));
}

#[test]
fn a_month_where_every_coded_person_came_once_withholds_the_code_pair() {
    // 39 distinct people among 39 contacts with a code, 1 without. Hiding
    // the 39 is not enough: a reader knows contacts with a code are at
    // least the distinct people, so 39 ≤ x = 40 - "<5", and the "<5" is 1.
    let mut t = tally();
    (t.contacts_with_code, t.contacts_without_code) = (39, 1);
    (t.unique_people, t.new_people, t.returning_people) = (39, 6, 33);
    let p = suppress(&t, Threshold::Five);
    assert_eq!(p.withheld, vec![LinkedGroup::ContactsByCode]);
    assert_eq!(p.contacts_with_code, Cell::Hidden);
    assert_eq!(
        p.contacts_without_code,
        Cell::Hidden,
        "0 or 1, a reader cannot tell"
    );
    assert_eq!(p.unique_people, Cell::Count(39));
    assert_eq!(p.contacts, Cell::Count(40));
}

#[test]
fn a_tally_whose_groups_disagree_is_still_published_without_panic() {
    let mut t = tally();
    t.contacts = 3;
    t.by_gender.clear();
    t.by_zone.insert("pontiac".into(), row(7, 2));
    let p = suppress(&t, Threshold::Five);
    assert_eq!(p.contacts, Cell::Small(Threshold::Five));
    assert_eq!(
        p.by_zone["pontiac"].people_reached,
        Cell::Small(Threshold::Five)
    );
}
