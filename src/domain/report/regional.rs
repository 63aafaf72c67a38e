//! The regional roll-up: the figures a regional account (regional public
//! health) sees, the sum of several organizations' tallies for one period
//! ([`sum`]), suppressed after summing ([`publish_region`]) so that no
//! organization's hidden figure can be worked out from the region's
//! figures and that organization's own published ones. No I/O: the server
//! hands in the tallies.
//!
//! # What the region counts
//!
//! Every count is the sum of the organizations' counts, maps unioned (a key
//! one organization lacks counts 0 there: its maps hold every active id, so
//! an absent one had nothing). Unique, new and returning people are the
//! sums of each organization's distinct people: each organization keys its
//! person codes with its own pseudonym, so one person seen by two
//! organizations counts twice. A region's page must say "sum of the
//! organizations' distinct people", never "distinct people". A comparison
//! period has figures when at least one organization has some (the others
//! add nothing); people are unknown in the region when they are in one
//! organization.
//!
//! # The reader to beat
//!
//! The reader holds the region's published tally and every organization's
//! own ([`suppress::publish`]), and knows the rule below. An organization's
//! `<5` in a figure that is in no equation (a material, returned syringes,
//! a compared period, overdose responses and doses, a referral or an
//! intervention of an organization whose contacts are published) tells
//! exactly 1 to 4: nothing else narrows it. In a linked figure (the
//! equations of [`suppress`](mod@suppress): totals, code and history pairs,
//! breakdowns; the overdose and contact-detail groups), the organization's
//! own equations may narrow it further, and how far is known only to its
//! suppression model. So the rule treats the two kinds apart.
//!
//! # The rule
//!
//! For a figure, let `k` be the number of organizations that hide it (`<5`
//! or `x`), and `E` the sum of the others' exact counts (a "n.d." counts 0).
//!
//! - **Linked figures: the region says only what the organizations do.**
//!   The region's cell is the exact sum when no organization hides its part;
//!   `<5` when exactly one shows `<5` and every other shows 0 (the region
//!   then says just what that organization says); `x` otherwise, whatever
//!   the sum. Publishing the sum of a hidden part, or even only "at least
//!   5", is not safe: with contacts 7 = `<5` + `x`, an organization's first
//!   zone is 1 or 2; if another's is `<5` and the region showed 6, both
//!   would be known (2 and 4), though 1 to 4 each looks safe.
//! - **Figures in no equation: the region sums what it safely can.** With
//!   the hidden parts adding up to `H` (each from 1 to 4, so `H` from `k` to
//!   `4k`): no hidden part, the exact sum; one, `<5` when `E` is 0 (the
//!   region is that part), else `x`; two or more, the exact sum when `H` is
//!   at least `k + 2` and at most `4k - 2`, `<5` when the sum is from 1 to 4
//!   and `k` at most 3, `x` otherwise. An organization's `x` there (doses
//!   under a small count of responses) makes the region's `x`.
//!
//! In a region, `x` claims nothing: it may stand for any count, 0 included,
//! and the region's legend must say so. A breakdown or pair that an
//! organization withheld and that is all `x` in the region is listed as
//! withheld there too. Field work is exact everywhere, as for one
//! organization.
//!
//! # Why it is airtight
//!
//! A linked figure of the region is a function of the organizations'
//! published cells alone (an exact sum of exact parts, a `<5` that repeats
//! one, or `x`): a reader learns nothing from it, not even by replaying the
//! rule. The region's own equations (its total is the sum of its zones...)
//! are sums of the organizations' equations, which their own suppression
//! already protects, so the region needs no secondary suppression of its
//! own and nothing needs to run again: one pass is the fixed point. Every
//! `x` or `<5` of the region still has at least two possible values, since
//! it sums at least one hidden part that has two, free of the others. (This
//! leans on each organization's own suppression, airtight on the tallies a
//! server computes.)
//!
//! A figure in no equation is a sum of independent parts, each known as a
//! count or as 1 to 4, so a reader's knowledge of the parts is exactly the
//! parts whose sum `H` is in the set of sums that give the region's marker.
//! For the exact sum that set is one value, and `k + 2 ≤ H ≤ 4k - 2` leaves
//! each part at least two values (it is `1` or `4` only at `H = k` or
//! `4k`). With two hidden parts or more, every `x` set holds both `4k - 1`
//! and `4k` (at least 7, never `<5`), so each part is still 3 or 4 at
//! least, and the region's `x` 7 or 8; the `<5` set is
//! `k..=4`, leaving each part `1..=5-k`, two values when `k ≤ 3`. With one
//! hidden part the region says nothing new. A replaying reader gains
//! nothing either: these are sets of sums, not single sums. Such a figure
//! touches a linked one only through "contacts ≥ a referral", which is why
//! a referral or intervention is summed only over organizations whose
//! contacts are published, and through the overdose groups, which an
//! organization with 1 to 4 responses hides whole (`x`, any count), so a
//! narrower count of its responses pins none of them.
//!
//! Everything is written for the threshold 5 and holds for 10 with `<10`,
//! 9 and `9k` in the places of `<5`, 4 and `4k`. Not covered, as for one
//! organization ([`suppress`](mod@suppress)): what a tally's figures imply
//! beyond the documented equations (kits by form add up to the kits
//! described, say, which is why the contact details are linked here).

#[cfg(test)]
mod cases;
#[cfg(test)]
mod reader;
mod sum;

pub use sum::sum;

use super::figures::Figures;
use super::published::{Axis, Cell, LinkedGroup, Measure, PublishedTally, SummaryCells, Threshold};
use super::suppress;
use super::tally::Tally;
use std::borrow::Borrow;
use std::collections::BTreeMap;

/// Why tallies cannot be rolled up into one region.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RegionalError {
    #[error("a region needs at least one organization's tally")]
    NoOrganization,
    #[error(
        "the tallies cover different periods ({expected} and {found}): ask every organization for the same period"
    )]
    PeriodsDiffer { expected: String, found: String },
}

/// The region's tally as published under `threshold`, by the rule of the
/// module documentation.
pub fn publish_region(
    tallies: &[Tally],
    threshold: Threshold,
) -> Result<PublishedTally, RegionalError> {
    let total = sum(tallies)?;
    let orgs: Vec<PublishedTally> = tallies
        .iter()
        .map(|t| suppress::publish(t, Some(threshold)))
        .collect();
    // Its shape (keys, period, markers of people unknown, field work) and
    // the primary markers of the sums; every linked or summed cell below is
    // then set by the rule.
    let mut region = suppress::publish(&total, Some(threshold));
    let rule = Rule { threshold };
    rule.linked(&mut region, &orgs);
    rule.summed(&mut region, &orgs);
    rule.overdoses(&mut region, &orgs);
    // Kits, modes and places are linked (kits by form add up to the kits
    // described, modes to the contacts): the region says only what the
    // organizations do.
    let details: Vec<&Figures> = orgs.iter().map(|o| &o.details).collect();
    rule.figures(&mut region.details, &details);
    region.withheld = withheld(&region, &orgs);
    Ok(region)
}

/// What the region may show for one figure.
#[derive(Clone, Copy)]
struct Rule {
    threshold: Threshold,
}

impl Rule {
    /// A linked figure: a function of the organizations' cells alone.
    fn derived(self, region: Cell, parts: &[Cell]) -> Cell {
        if region == Cell::Missing {
            return Cell::Missing;
        }
        let mut exact = 0u64;
        let mut small = 0usize;
        for &part in parts {
            match part {
                Cell::Count(n) => exact = exact.saturating_add(n),
                Cell::Small(_) => small += 1,
                Cell::Hidden | Cell::Missing => return Cell::Hidden,
            }
        }
        match small {
            0 => Cell::Count(exact),
            1 if exact == 0 => Cell::Small(self.threshold),
            _ => Cell::Hidden,
        }
    }

    /// A figure in no equation: its sum when the hidden parts keep two
    /// values each. `region` is the sum under primary suppression.
    fn sum_of(self, region: Cell, parts: &[Cell]) -> Cell {
        let mut exact = 0u64;
        let mut small = 0u64;
        for &part in parts {
            match part {
                Cell::Count(n) => exact = exact.saturating_add(n),
                // A comparison an organization has no data for adds nothing.
                Cell::Missing => {}
                Cell::Small(_) => small += 1,
                // What a reader knows of it is not just a marker's range.
                Cell::Hidden => return Cell::Hidden,
            }
        }
        let largest = self.threshold.largest_small();
        match (small, region) {
            (_, Cell::Missing | Cell::Hidden) => region,
            (0, _) => region,
            (1, Cell::Small(_)) if exact == 0 => region,
            (1, _) => Cell::Hidden,
            (k, Cell::Small(_)) if k < largest => region,
            (_, Cell::Small(_)) => Cell::Hidden,
            (k, Cell::Count(n)) => {
                let hidden = n.checked_sub(exact);
                let safe = hidden.is_some_and(|h| k + 2 <= h && h + 2 <= k * largest);
                if safe { region } else { Cell::Hidden }
            }
        }
    }

    fn linked(self, region: &mut PublishedTally, orgs: &[PublishedTally]) {
        let heads: Vec<[Cell; 7]> = orgs.iter().map(heads).collect();
        for (i, cell) in heads_mut(region).into_iter().enumerate() {
            let parts: Vec<Cell> = heads.iter().map(|h| h[i]).collect();
            *cell = self.derived(*cell, &parts);
        }
        for axis in Axis::ALL {
            for (id, row) in region.breakdown_mut(axis).iter_mut() {
                for measure in Measure::ALL {
                    let parts: Vec<Cell> = orgs
                        .iter()
                        .map(|o| o.breakdown(axis).get(id).map_or(ZERO, |r| r.get(measure)))
                        .collect();
                    let cell = row.get_mut(measure);
                    *cell = self.derived(*cell, &parts);
                }
            }
        }
    }

    fn summed(self, region: &mut PublishedTally, orgs: &[PublishedTally]) {
        let parts: Vec<Cell> = orgs.iter().map(|o| o.returned_syringes).collect();
        region.returned_syringes = self.sum_of(region.returned_syringes, &parts);
        let materials: Vec<&CellMap> = orgs.iter().map(|o| &o.materials).collect();
        self.sum_map(&mut region.materials, &materials);
        // A referral or intervention narrows its organization's contacts
        // (there are at least as many): summed only where those are shown.
        let referrals = contact_counts(orgs, |o| &o.referrals);
        self.sum_map(&mut region.referrals, &referrals);
        let interventions = contact_counts(orgs, |o| &o.interventions);
        self.sum_map(&mut region.interventions, &interventions);
        let previous: Vec<&SummaryCells> = orgs.iter().map(|o| &o.previous).collect();
        self.summary(&mut region.previous, &previous);
        let last_year: Vec<&SummaryCells> = orgs.iter().map(|o| &o.last_year).collect();
        self.summary(&mut region.last_year, &last_year);
    }

    fn summary(self, region: &mut SummaryCells, orgs: &[&SummaryCells]) {
        let cells = |s: &SummaryCells| [s.contacts, s.people_reached, s.unique_people];
        let parts: Vec<[Cell; 3]> = orgs.iter().map(|s| cells(s)).collect();
        let mut slots = [
            &mut region.contacts,
            &mut region.people_reached,
            &mut region.unique_people,
        ];
        for (i, cell) in slots.iter_mut().enumerate() {
            let column: Vec<Cell> = parts.iter().map(|p| p[i]).collect();
            **cell = self.sum_of(**cell, &column);
        }
    }

    fn sum_map<M: Borrow<CellMap>>(self, region: &mut CellMap, orgs: &[M]) {
        for (id, cell) in region.iter_mut() {
            let parts: Vec<Cell> = orgs.iter().map(|m| count_in(m.borrow(), id)).collect();
            *cell = self.sum_of(*cell, &parts);
        }
    }

    fn derive_map(self, region: &mut CellMap, orgs: &[&CellMap]) {
        for (id, cell) in region.iter_mut() {
            let parts: Vec<Cell> = orgs.iter().map(|m| count_in(m, id)).collect();
            *cell = self.derived(*cell, &parts);
        }
    }

    /// Responses and doses are summed; the groups and the traits, linked to
    /// the responses, say only what the organizations do.
    fn overdoses(self, region: &mut PublishedTally, orgs: &[PublishedTally]) {
        let od = &mut region.overdoses;
        let column = |f: fn(&PublishedTally) -> Cell| orgs.iter().map(f).collect::<Vec<_>>();
        od.responses = self.sum_of(od.responses, &column(|o| o.overdoses.responses));
        od.nasal_doses = self.sum_of(od.nasal_doses, &column(|o| o.overdoses.nasal_doses));
        od.injected_doses = self.sum_of(od.injected_doses, &column(|o| o.overdoses.injected_doses));
        od.someone_stayed =
            self.derived(od.someone_stayed, &column(|o| o.overdoses.someone_stayed));
        od.ambulance = self.derived(od.ambulance, &column(|o| o.overdoses.ambulance));
        od.debrief_wanted =
            self.derived(od.debrief_wanted, &column(|o| o.overdoses.debrief_wanted));
        // `groups()` lists them in this order too.
        let theirs: Vec<[(&str, &CellMap); 6]> =
            orgs.iter().map(|o| o.overdoses.groups()).collect();
        let mine = [
            &mut od.by_outcome,
            &mut od.by_call_911,
            &mut od.by_zone,
            &mut od.by_location_type,
            &mut od.by_responder,
            &mut od.by_substance,
        ];
        for (g, map) in mine.into_iter().enumerate() {
            let maps: Vec<&CellMap> = theirs.iter().map(|t| t[g].1).collect();
            self.derive_map(map, &maps);
        }
    }

    /// A section of head figures and groups, every figure linked.
    fn figures(self, region: &mut Figures, orgs: &[&Figures]) {
        for head in &mut region.heads {
            let parts: Vec<Cell> = orgs
                .iter()
                .map(|f| f.head(head.name).unwrap_or(ZERO))
                .collect();
            head.cell = self.derived(head.cell, &parts);
        }
        for group in &mut region.groups {
            for (id, cell) in group.cells.iter_mut() {
                let parts: Vec<Cell> = orgs
                    .iter()
                    .map(|f| f.cell(group.name, id).unwrap_or(ZERO))
                    .collect();
                *cell = self.derived(*cell, &parts);
            }
        }
    }
}

/// What an organization without a key counts there.
const ZERO: Cell = Cell::Count(0);

type CellMap = BTreeMap<String, Cell>;

fn count_in(map: &CellMap, id: &str) -> Cell {
    map.get(id).copied().unwrap_or(ZERO)
}

/// Each organization's referrals or interventions, a `<5` counted as `x`
/// where that organization's contacts are hidden: a region's sum could then
/// narrow its contacts, which its own suppression did not plan for.
fn contact_counts(orgs: &[PublishedTally], pick: fn(&PublishedTally) -> &CellMap) -> Vec<CellMap> {
    orgs.iter()
        .map(|org| {
            let shown = matches!(org.contacts, Cell::Count(_));
            pick(org)
                .iter()
                .map(|(id, &c)| {
                    let c = if shown || c.count().is_some() {
                        c
                    } else {
                        Cell::Hidden
                    };
                    (id.clone(), c)
                })
                .collect()
        })
        .collect()
}

/// The linked head figures, in one order for reading and for writing.
fn heads(p: &PublishedTally) -> [Cell; 7] {
    [
        p.contacts,
        p.people_reached,
        p.contacts_with_code,
        p.contacts_without_code,
        p.unique_people,
        p.new_people,
        p.returning_people,
    ]
}

fn heads_mut(p: &mut PublishedTally) -> [&mut Cell; 7] {
    [
        &mut p.contacts,
        &mut p.people_reached,
        &mut p.contacts_with_code,
        &mut p.contacts_without_code,
        &mut p.unique_people,
        &mut p.new_people,
        &mut p.returning_people,
    ]
}

/// The groups some organization withheld and the region shows all in `x`:
/// there too a reader must not take them for counts of at least 5.
fn withheld(region: &PublishedTally, orgs: &[PublishedTally]) -> Vec<LinkedGroup> {
    let parts = |group: LinkedGroup| -> Vec<Cell> {
        match group {
            LinkedGroup::Breakdown(axis, measure) => region
                .breakdown(axis)
                .values()
                .map(|row| row.get(measure))
                .collect(),
            LinkedGroup::ContactsByCode => {
                vec![region.contacts_with_code, region.contacts_without_code]
            }
            LinkedGroup::PeopleByHistory => vec![region.new_people, region.returning_people],
        }
    };
    // In the order single-organization suppression lists them.
    let pairs = [LinkedGroup::ContactsByCode, LinkedGroup::PeopleByHistory];
    let breakdowns = Axis::ALL
        .into_iter()
        .flat_map(|axis| Measure::ALL.map(|m| LinkedGroup::Breakdown(axis, m)));
    pairs
        .into_iter()
        .chain(breakdowns)
        .filter(|&g| orgs.iter().any(|o| o.withheld.contains(&g)))
        .filter(|&g| {
            let cells = parts(g);
            !cells.is_empty() && cells.iter().all(|&c| c == Cell::Hidden)
        })
        .collect()
}
