//! Small-cell suppression for figures that leave the organization
//! (`tournee report --suppress`): no count from 1 to 4 can be read, or
//! worked out from the other figures. The threshold is 5 unless
//! `[reports] suppress_below = 10`; everything below is written for 5 and
//! holds for 10 with `<10`, 1 to 9 and "at least 10" in their places.
//!
//! # Markers
//!
//! - A count from 1 to 4 is written `<5` ([`Cell::Small`]): primary
//!   suppression, on every figure of the tally.
//! - A count hidden only so that a `<5` cannot be worked out is written `x`
//!   ([`Cell::Hidden`]): secondary suppression. It is at least 5, except in
//!   a withheld unit (below), where `x` may stand for any count, 0 included.
//! - 0 stays 0. A true zero tells a funder that nothing of that kind
//!   happened, which they need to know, and no one is behind it to single
//!   out. The price: a reader knows that no `<5` or `x` is 0, and the rules
//!   below account for it.
//!
//! # What a reader can combine
//!
//! The equations ([`LinkedGroup`]):
//!
//! - `contacts` = Σ of each breakdown's contacts column (zones, age bands,
//!   genders: each splits every contact once), and the same for
//!   `people_reached`;
//! - `contacts` = `contacts_with_code` + `contacts_without_code`;
//! - `unique_people` = `new_people` + `returning_people`.
//!
//! And what the figures mean, which narrows hidden values too: in a
//! breakdown row, people reached ≥ contacts; unique people ≤ contacts with a
//! code; contacts ≥ any referral or intervention count. Treating the
//! columns apart is not enough: with contacts 9 = `<5` + `<5` + `<5` and
//! people 11 = `<5` + 6 + `<5`, the rows give the first and last contacts
//! at most 5 together, so the middle one is 4.
//!
//! Materials, returned syringes and the comparison months are in no
//! equation: primary suppression alone.
//!
//! # The rule, and why it is airtight
//!
//! A hidden cell is *exposed* when it is the only unpublished cell of a
//! group, or when everything above leaves it a single possible value.
//! Counting hidden cells is not enough: in 40 = 20 + 18 + `<5` + `<5`, the
//! two small ones add up to 2 and neither is 0, so both are 1. Nor is
//! "hide the smallest other part": in 36 = 30 + 5 + 1, hiding the 5 leaves
//! 1 + `x` = 6 with `x` at least 5, so both are known.
//!
//! So, while some `<5` or `x` is exposed:
//!
//! 1. if one more hidden cell makes an exposed cell safe, hide it (the
//!    first such cell, trying the parts of its own group from the smallest,
//!    the other column of its row, the total of its group, then any other
//!    from the smallest); settling these first matters, since one fix is
//!    often what another needs (contacts pinned by their row's people);
//! 2. otherwise, for the first exposed cell, hide two parts among its eight
//!    likeliest (totals stay out: a hidden total spreads to all its groups);
//! 3. otherwise withhold one unit, its own first: both columns of a
//!    breakdown, the code pair or the history pair become `x`, zeros
//!    included, so the reader no longer knows which are empty (both columns
//!    go together: one would tell which rows of the other are empty);
//! 4. otherwise hide one cell that lowers its exposure, or withhold every
//!    unit.
//!
//! What a reader can deduce is computed exactly, not estimated (see
//! `model` and `range`; two brute-force readers check them). The one
//! approximation is inside a withheld breakdown, where the model also
//! allows a row with people but no contacts: its ranges there are wider,
//! never narrower, and such cells always keep two values anyway. Hiding
//! more only widens what a reader must consider, so a cell once safe stays
//! safe and the loop ends. On a tally the server computes (every relation
//! above holds), every `<5` and every `x` then has at least two possible
//! values and no group has exactly one unpublished cell; on one that does
//! not, the loop still ends and nothing panics.
//!
//! A small total is the case not to miss: with `contacts` from 1 to 4,
//! every non-zero part is `<5` already, but four `<5` zones under a `<5`
//! total can only be four 1s. Nothing published is left to hide, so step 2
//! withholds the zones.
//!
//! Not covered: a contact reaches at most 500 people, so people reached is
//! at most 500 × contacts (it can only matter when contacts average
//! hundreds of people); materials per contact are bounded the same way; and
//! a reader who replays the choice of secondary cells could learn that some
//! published parts did not qualify, as with any suppression method.

#[cfg(test)]
mod cases;
mod model;
#[cfg(test)]
mod properties;
mod range;
#[cfg(test)]
mod reader;

use super::published::{Axis, Cell, LinkedGroup, Measure, PublishedTally, Threshold};
use super::tally::Tally;
use model::{Model, Shown};

/// The tally as published: exact (`None`), or suppressed under the
/// threshold (`tournee report --suppress`, the external version).
pub fn publish(tally: &Tally, suppress: Option<Threshold>) -> PublishedTally {
    let mut published = match suppress {
        Some(threshold) => self::suppress(tally, threshold),
        None => PublishedTally::exact(tally),
    };
    published.mark_people_unknown(tally);
    published
}

/// Primary and secondary suppression, as the module documentation says,
/// under `threshold`.
pub fn suppress(tally: &Tally, threshold: Threshold) -> PublishedTally {
    let mut published = PublishedTally::primary(tally, threshold);
    let mut linked = Linked::of(tally, threshold);
    linked.model.protect();
    linked.write(&mut published);
    published
}

/// Where a linked figure sits in the tally.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Place {
    Contacts,
    PeopleReached,
    UniquePeople,
    WithCode,
    WithoutCode,
    NewPeople,
    ReturningPeople,
    Row(Axis, String, Measure),
}

impl Place {
    fn cell_mut<'a>(&self, published: &'a mut PublishedTally) -> Option<&'a mut Cell> {
        Some(match self {
            Place::Contacts => &mut published.contacts,
            Place::PeopleReached => &mut published.people_reached,
            Place::UniquePeople => &mut published.unique_people,
            Place::WithCode => &mut published.contacts_with_code,
            Place::WithoutCode => &mut published.contacts_without_code,
            Place::NewPeople => &mut published.new_people,
            Place::ReturningPeople => &mut published.returning_people,
            Place::Row(axis, id, measure) => published
                .breakdown_mut(*axis)
                .get_mut(id)?
                .get_mut(*measure),
        })
    }
}

/// The linked figures of a tally as a [`Model`], with where each came from.
struct Linked {
    model: Model,
    /// `places[cell]`: the figure behind a model cell.
    places: Vec<Place>,
    /// `units[unit]`: the groups a unit withholds.
    units: Vec<Vec<LinkedGroup>>,
    threshold: Threshold,
}

impl Linked {
    fn of(tally: &Tally, threshold: Threshold) -> Linked {
        let heads = [
            tally.contacts,
            tally.people_reached,
            tally.unique_people,
            tally.contacts_with_code,
            tally.contacts_without_code,
            tally.new_people,
            tally.returning_people,
        ];
        // A referral or intervention count is a number of contacts; "<5"
        // (or "<10") still says at least one.
        let floor = tally
            .referrals
            .values()
            .chain(tally.interventions.values())
            .map(|&n| if threshold.is_small(n) { 1 } else { n })
            .max()
            .unwrap_or(0);
        let mut linked = Linked {
            model: Model::new(heads, floor, threshold.value()),
            places: vec![
                Place::Contacts,
                Place::PeopleReached,
                Place::UniquePeople,
                Place::WithCode,
                Place::WithoutCode,
                Place::NewPeople,
                Place::ReturningPeople,
            ],
            units: vec![
                vec![LinkedGroup::ContactsByCode],
                vec![LinkedGroup::PeopleByHistory],
            ],
            threshold,
        };
        for axis in Axis::ALL {
            let rows: Vec<(u64, u64)> = axis
                .of(tally)
                .values()
                .map(|row| (row.contacts, row.people_reached))
                .collect();
            if linked.model.add_axis(&rows).is_some() {
                for id in axis.of(tally).keys() {
                    for measure in Measure::ALL {
                        linked.places.push(Place::Row(axis, id.clone(), measure));
                    }
                }
                linked.units.push(
                    Measure::ALL
                        .map(|m| LinkedGroup::Breakdown(axis, m))
                        .to_vec(),
                );
            }
        }
        linked
    }

    /// Copies the model's markers and withheld units into `published`.
    fn write(&self, published: &mut PublishedTally) {
        for (cell, place) in self.places.iter().enumerate() {
            if let Some(slot) = place.cell_mut(published) {
                *slot = match self.model.shown(cell) {
                    Shown::Exact => *slot,
                    Shown::Small => Cell::Small(self.threshold),
                    Shown::Hidden => Cell::Hidden,
                };
            }
        }
        published.withheld = (0..self.units.len())
            .filter(|&u| self.model.is_withheld(u))
            .flat_map(|u| self.units[u].iter().copied())
            .collect();
    }
}
