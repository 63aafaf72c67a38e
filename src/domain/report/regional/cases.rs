//! The region on hand-made organizations, each number checked by hand: the
//! sums, a small part beside an exact one, two small parts at their least
//! and their most, a linked figure, one organization alone.

use super::*;
use crate::domain::report::fixtures::sample;
use crate::domain::report::tally::{Breakdown, Comparison, Summary};

const FIVE: Threshold = Threshold::Five;

fn row(contacts: u64) -> Breakdown {
    Breakdown {
        contacts,
        people_reached: contacts,
    }
}

/// An organization with these zones, every other figure large or 0, and
/// these condoms and responses: what each test bends.
fn org(zones: &[(&str, u64)], condoms: u64, responses: u64) -> Tally {
    let contacts = zones.iter().map(|z| z.1).sum();
    let mut t = Tally {
        period: "2026-03".into(),
        from: "2026-03-01".into(),
        to: "2026-03-31".into(),
        contacts,
        people_reached: contacts,
        contacts_with_code: contacts,
        unique_people: contacts,
        new_people: contacts,
        returned_syringes: 40,
        previous: Comparison::of("2026-02", Summary::default()),
        last_year: Comparison::of("2025-03", Summary::default()),
        ..Tally::default()
    };
    t.by_zone = zones.iter().map(|&(id, n)| (id.into(), row(n))).collect();
    t.by_age_band = [("inconnu".into(), row(contacts))].into();
    t.by_gender = [("inconnu".into(), row(contacts))].into();
    t.materials = [("condoms".into(), condoms), ("stericups".into(), 0)].into();
    t.overdoses.responses = responses;
    t.overdoses.by_outcome = [("transported".into(), responses)].into();
    t
}

fn condoms(parts: &[u64], threshold: Threshold) -> Cell {
    let tallies: Vec<Tally> = parts.iter().map(|&n| org(&[("a", 40)], n, 0)).collect();
    publish_region(&tallies, threshold).unwrap().materials["condoms"]
}

#[test]
fn twelve_beside_an_exact_ten_would_give_the_small_part_away() {
    assert_eq!(condoms(&[10, 2], FIVE), Cell::Hidden, "12 - 10 = 2");
    assert_eq!(condoms(&[10, 0], FIVE), Cell::Count(10));
    assert_eq!(condoms(&[10, 20], FIVE), Cell::Count(30));
    // Alone with zeros, the small part is the region's: it stays "<5".
    assert_eq!(condoms(&[0, 3, 0], FIVE), Cell::Small(FIVE));
}

#[test]
fn two_small_parts_show_their_sum_only_away_from_their_least_and_most() {
    // 2 would be 1 + 1, but "<5" only says 2 to 4: each is 1 to 3.
    assert_eq!(condoms(&[1, 1], FIVE), Cell::Small(FIVE));
    assert_eq!(condoms(&[2, 3], FIVE), Cell::Count(5));
    assert_eq!(condoms(&[4, 2], FIVE), Cell::Count(6));
    // 8 is 4 + 4; 7 is hidden too, so that an "x" there is 7 or 8, and
    // each part still 3 or 4.
    assert_eq!(condoms(&[4, 3], FIVE), Cell::Hidden);
    assert_eq!(condoms(&[4, 4], FIVE), Cell::Hidden);
    assert_eq!(condoms(&[4, 3, 3], FIVE), Cell::Count(10));
    assert_eq!(
        condoms(&[4, 4, 3], FIVE),
        Cell::Hidden,
        "one under 4 + 4 + 4"
    );
}

#[test]
fn four_small_parts_in_a_small_sum_are_all_ones_so_the_sum_is_hidden() {
    assert_eq!(condoms(&[1, 1, 1, 1], FIVE), Cell::Hidden);
    assert_eq!(condoms(&[1, 2, 1], FIVE), Cell::Small(FIVE));
    // Six parts adding up to 6 are all ones, large as 6 is.
    assert_eq!(condoms(&[1, 1, 1, 1, 1, 1], FIVE), Cell::Hidden);
}

#[test]
fn at_ten_the_same_rule_runs_with_nine_in_the_place_of_four() {
    let ten = Threshold::Ten;
    assert_eq!(condoms(&[9, 1], ten), Cell::Count(10));
    assert_eq!(condoms(&[9, 8], ten), Cell::Hidden, "one under 9 + 9");
    assert_eq!(condoms(&[9, 7], ten), Cell::Count(16));
    assert_eq!(condoms(&[3, 4], ten), Cell::Small(ten));
    assert_eq!(condoms(&[12, 4], ten), Cell::Hidden);
}

#[test]
fn a_linked_figure_never_shows_a_sum_of_hidden_parts() {
    // Contacts 7 = 2 + 5: the first zone is "<5", the second "x" beside
    // it, so a reader knows the first is 1 or 2. With another's "<5" of 4
    // in the same zone, a region's 6 would give both away.
    let a = org(&[("a", 2), ("b", 5)], 0, 0);
    let b = org(&[("a", 4), ("b", 30)], 0, 0);
    for t in [&a, &b] {
        let p = suppress::publish(t, Some(FIVE));
        assert_eq!(p.by_zone["a"].contacts, Cell::Small(FIVE));
        assert_eq!(p.by_zone["b"].contacts, Cell::Hidden);
    }
    let region = publish_region(&[a, b], FIVE).unwrap();
    assert_eq!(region.contacts, Cell::Count(41));
    assert_eq!(region.by_zone["a"].contacts, Cell::Hidden);
    assert_eq!(region.by_zone["b"].contacts, Cell::Hidden);
    assert_eq!(region.by_age_band["inconnu"].contacts, Cell::Count(41));
}

#[test]
fn a_small_linked_part_beside_zeros_stays_small() {
    let a = org(&[("a", 3), ("b", 30)], 0, 0);
    let b = org(&[("a", 0), ("b", 30)], 0, 0);
    let region = publish_region(&[a, b], FIVE).unwrap();
    assert_eq!(region.by_zone["a"].contacts, Cell::Small(FIVE));
    assert_eq!(region.by_zone["b"].contacts, Cell::Hidden);
}

#[test]
fn one_organization_alone_is_published_as_it_publishes_itself() {
    let t = sample();
    for threshold in Threshold::ALL {
        let alone = publish_region(std::slice::from_ref(&t), threshold).unwrap();
        assert_eq!(
            alone,
            suppress::publish(&t, Some(threshold)),
            "{threshold:?}"
        );
    }
    // Four zones of 1 under a total of "<5": withheld whole.
    let small = org(&[("a", 1), ("b", 1), ("c", 1), ("d", 1)], 2, 3);
    let alone = publish_region(std::slice::from_ref(&small), FIVE).unwrap();
    assert_eq!(alone, suppress::publish(&small, Some(FIVE)));
    assert!(
        !alone.withheld.is_empty(),
        "its zones are withheld there too"
    );
}

#[test]
fn large_counts_everywhere_give_the_exact_sums_and_zeros_stay_zero() {
    let a = org(&[("a", 40), ("b", 0)], 12, 6);
    let b = org(&[("a", 25), ("c", 9)], 30, 0);
    let total = sum(&[a.clone(), b.clone()]).unwrap();
    let region = publish_region(&[a, b], FIVE).unwrap();
    assert!(!region.has_markers(), "{region:?}");
    assert_eq!(region, suppress::publish(&total, Some(FIVE)));
    assert_eq!(region.contacts, Cell::Count(74));
    assert_eq!(region.by_zone["b"].contacts, Cell::Count(0));
    assert_eq!(region.by_zone["c"].contacts, Cell::Count(9));
    assert_eq!(region.materials["stericups"], Cell::Count(0));
    assert_eq!(region.overdoses.responses, Cell::Count(6));
}

#[test]
fn small_responses_are_summed_but_what_they_hide_stays_hidden() {
    let a = org(&[("a", 40)], 0, 2);
    let b = org(&[("a", 40)], 0, 3);
    let region = publish_region(&[a.clone(), b], FIVE).unwrap();
    assert_eq!(region.overdoses.responses, Cell::Count(5));
    assert_eq!(region.overdoses.by_outcome["transported"], Cell::Hidden);
    assert_eq!(region.overdoses.nasal_doses, Cell::Hidden, "hidden by each");
    let c = org(&[("a", 40)], 0, 4);
    let region = publish_region(&[a, c], FIVE).unwrap();
    assert_eq!(region.overdoses.responses, Cell::Count(6));
}

#[test]
fn a_referral_of_an_organization_with_hidden_contacts_is_not_summed() {
    let mut a = org(&[("a", 3)], 0, 0);
    let mut b = org(&[("a", 40)], 0, 0);
    a.referrals = [("clsc".into(), 2)].into();
    b.referrals = [("clsc".into(), 3)].into();
    let both = publish_region(&[a.clone(), b.clone()], FIVE).unwrap();
    assert_eq!(
        both.referrals["clsc"],
        Cell::Hidden,
        "it would bound a's contacts"
    );
    let mut c = b.clone();
    c.referrals = [("clsc".into(), 2)].into();
    let shown = publish_region(&[b, c], FIVE).unwrap();
    assert_eq!(shown.referrals["clsc"], Cell::Count(5));
}

#[test]
fn the_sum_adds_every_count_and_keys_a_comparison_to_whoever_has_one() {
    let mut a = sample();
    let mut b = sample();
    b.previous.figures = None;
    b.people_unknown = true;
    a.last_year.figures = None;
    b.last_year.figures = None;
    b.by_zone.insert("collines".into(), row(2));
    let total = sum(&[a.clone(), b.clone()]).unwrap();
    assert_eq!(total.contacts, 80);
    assert_eq!(total.by_zone["gatineau"].people_reached, 80);
    assert_eq!(total.by_zone["collines"].contacts, 2);
    assert_eq!(total.materials["seringues"], 800);
    assert_eq!(total.overdoses.by_outcome["recovered-on-site"], 10);
    assert_eq!(total.details.kits_by_form["nasal"], 14);
    assert_eq!(total.previous.figures, a.previous.figures, "b had no data");
    assert_eq!(total.last_year.figures, None);
    assert!(total.people_unknown);
    let region = publish_region(&[a, b], FIVE).unwrap();
    assert_eq!(region.unique_people, Cell::Missing);
    assert_eq!(region.last_year.contacts, Cell::Missing);
}

#[test]
fn tallies_of_different_periods_or_none_are_refused() {
    let a = sample();
    let mut b = sample();
    b.period = "2026-04".into();
    assert!(matches!(
        sum(&[a.clone(), b]),
        Err(RegionalError::PeriodsDiffer { .. })
    ));
    assert_eq!(sum(&[]), Err(RegionalError::NoOrganization));
    assert_eq!(
        publish_region(&[], FIVE),
        Err(RegionalError::NoOrganization)
    );
    assert!(sum(&[a]).is_ok());
}
