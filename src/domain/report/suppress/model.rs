//! The linked figures of a tally, everything a reader knows binds them, and
//! exactly which values a reader cannot rule out for each hidden one.
//!
//! Cells `0..7` are the headline figures (see the constants); breakdown rows
//! follow, contacts then people reached. What a reader knows:
//!
//! - each cell's marker: a count, 1 to 4 for `<5` (1 to 9 for `<10`), at
//!   least 5 (10) for `x`, at least 0 for `x` inside a withheld unit;
//! - contacts = Σ contacts of each breakdown, people reached = Σ people
//!   reached of each breakdown, contacts = with code + without code,
//!   unique people = new + returning;
//! - in each breakdown row, contacts ≤ people reached (a contact reaches
//!   at least one person);
//! - unique people ≤ contacts with a code, and both are zero together (each
//!   distinct code came with at least one contact);
//! - contacts ≥ every referral and intervention count (each counts contacts).
//!
//! Given contacts and people reached, breakdowns are independent of each
//! other and of the code and history figures; so the pair is the hub, each
//! breakdown a [`Poly`] of the pairs it can add up to, and every range
//! below is exact (see [`super::range`]).

mod search;
#[cfg(test)]
mod tests;

use super::range::{Poly, Range};

pub(super) const CONTACTS: usize = 0;
pub(super) const PEOPLE: usize = 1;
pub(super) const UNIQUE: usize = 2;
pub(super) const WITH_CODE: usize = 3;
pub(super) const WITHOUT_CODE: usize = 4;
pub(super) const NEW: usize = 5;
pub(super) const RETURNING: usize = 6;

/// How a cell is shown, and so what a reader knows of it on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shown {
    Exact,
    Small,
    Hidden,
}

#[derive(Clone, Debug)]
struct Slot {
    value: u64,
    shown: Shown,
    /// The group this cell is a part of.
    part_of: Option<usize>,
    /// The groups this cell is the total of.
    total_of: Vec<usize>,
    /// The unit whose withholding hides this cell.
    unit: Option<usize>,
    /// The other column of the same breakdown row.
    partner: Option<usize>,
}

/// An equation `total = sum of parts`.
#[derive(Clone, Debug)]
struct Group {
    total: usize,
    parts: Vec<usize>,
    unit: usize,
}

/// What is withheld at once: both columns of a breakdown (one column alone
/// would still tell which rows are empty), the code pair or the history
/// pair. Units are numbered as made: codes 0, history 1, then breakdowns.
#[derive(Clone, Debug, Default)]
struct Unit {
    cells: Vec<usize>,
    withheld: bool,
}

#[derive(Clone, Debug)]
pub(super) struct Model {
    slots: Vec<Slot>,
    groups: Vec<Group>,
    units: Vec<Unit>,
    /// Per breakdown: its rows as (contacts cell, people cell).
    axes: Vec<Vec<(usize, usize)>>,
    /// A published lower bound of contacts (referrals, interventions).
    floor: u64,
    /// The threshold: cells from 1 to `below - 1` are small.
    below: u64,
}

impl Model {
    /// The headline figures in the order of the constants above, the
    /// largest count of contacts a published referral or intervention
    /// implies, and the threshold (5 or 10).
    pub fn new(heads: [u64; 7], floor: u64, below: u64) -> Model {
        let mut model = Model {
            slots: Vec::new(),
            groups: Vec::new(),
            units: Vec::new(),
            axes: Vec::new(),
            floor,
            below,
        };
        for value in heads {
            model.add_cell(value);
        }
        model.add_unit(&[(CONTACTS, vec![WITH_CODE, WITHOUT_CODE])]);
        model.add_unit(&[(UNIQUE, vec![NEW, RETURNING])]);
        model
    }

    /// A breakdown: its rows as (contacts, people reached). Returns the
    /// cells of each row, or nothing for an empty breakdown, which is no
    /// equation (a total over nothing would read as a contradiction).
    pub fn add_axis(&mut self, rows: &[(u64, u64)]) -> Option<Vec<(usize, usize)>> {
        if rows.is_empty() {
            return None;
        }
        let cells: Vec<(usize, usize)> = rows
            .iter()
            .map(|&(c, q)| {
                let (c, q) = (self.add_cell(c), self.add_cell(q));
                self.slots[c].partner = Some(q);
                self.slots[q].partner = Some(c);
                (c, q)
            })
            .collect();
        let contacts = cells.iter().map(|r| r.0).collect();
        let people = cells.iter().map(|r| r.1).collect();
        self.add_unit(&[(CONTACTS, contacts), (PEOPLE, people)]);
        self.axes.push(cells.clone());
        Some(cells)
    }

    /// A cell, small when it is under the threshold (primary suppression).
    fn add_cell(&mut self, value: u64) -> usize {
        let shown = if (1..self.below).contains(&value) {
            Shown::Small
        } else {
            Shown::Exact
        };
        self.slots.push(Slot {
            value,
            shown,
            part_of: None,
            total_of: Vec::new(),
            unit: None,
            partner: None,
        });
        self.slots.len() - 1
    }

    fn add_unit(&mut self, groups: &[(usize, Vec<usize>)]) {
        let unit = self.units.len();
        let mut cells = Vec::new();
        for (total, parts) in groups {
            let group = self.groups.len();
            self.slots[*total].total_of.push(group);
            for &part in parts {
                self.slots[part].part_of = Some(group);
                self.slots[part].unit = Some(unit);
                cells.push(part);
            }
            self.groups.push(Group {
                total: *total,
                parts: parts.clone(),
                unit,
            });
        }
        self.units.push(Unit {
            cells,
            withheld: false,
        });
    }

    pub fn shown(&self, cell: usize) -> Shown {
        self.slots[cell].shown
    }

    pub fn is_withheld(&self, unit: usize) -> bool {
        self.units[unit].withheld
    }

    /// What a reader knows of a cell from its marker alone.
    fn bounds(&self, cell: usize) -> Range {
        let slot = &self.slots[cell];
        match slot.shown {
            Shown::Exact => Range::exact(slot.value),
            Shown::Small => Range::new(1, i128::from(self.below) - 1),
            Shown::Hidden if slot.unit.is_some_and(|u| self.units[u].withheld) => {
                Range::at_least(0)
            }
            Shown::Hidden => Range::at_least(i128::from(self.below)),
        }
    }

    fn row(&self, (c, q): (usize, usize)) -> Poly {
        Poly {
            x: self.bounds(c),
            y: self.bounds(q),
            d: Range::at_least(0),
        }
    }

    /// The (contacts, people reached) pairs a breakdown's rows can add up
    /// to, leaving out one row if asked.
    fn axis(&self, axis: usize, except: Option<usize>) -> Poly {
        self.axes[axis]
            .iter()
            .enumerate()
            .filter(|&(i, _)| Some(i) != except)
            .fold(Poly::point(0, 0), |sum, (_, &row)| sum.plus(self.row(row)))
    }

    /// Unique people, from its marker and new + returning.
    fn unique_box(&self) -> Range {
        let parts = self.bounds(NEW).plus(self.bounds(RETURNING));
        self.bounds(UNIQUE).meet(parts)
    }

    /// Contacts with a code, from its marker and unique people: at least
    /// the fewest unique people possible, and zero if there are none.
    fn with_code_box(&self) -> Range {
        let unique = self.unique_box();
        let with = self.bounds(WITH_CODE);
        if unique.is_empty() {
            return unique;
        }
        if unique.hi <= 0 {
            return with.meet(Range::exact(0));
        }
        with.meet(Range::at_least(unique.lo.max(0)))
    }

    /// The (contacts, people reached) pairs every constraint allows, but
    /// breakdown `skip` and, if `codes` is false, the code figures.
    fn hub(&self, skip: Option<usize>, codes: bool) -> Poly {
        let mut contacts = self
            .bounds(CONTACTS)
            .meet(Range::at_least(i128::from(self.floor)));
        if codes {
            contacts = contacts.meet(self.with_code_box().plus(self.bounds(WITHOUT_CODE)));
        }
        let start = Poly {
            x: contacts,
            y: self.bounds(PEOPLE),
            d: Range::ANY,
        };
        (0..self.axes.len())
            .filter(|&a| Some(a) != skip)
            .fold(start, |hub, a| hub.meet(self.axis(a, None)))
            .tight()
    }

    /// The values a reader cannot rule out for `cell`; empty when the
    /// published figures contradict each other.
    pub fn span(&self, cell: usize) -> Range {
        match cell {
            CONTACTS => self.hub(None, true).x,
            PEOPLE => self.hub(None, true).y,
            WITH_CODE => {
                let contacts = self.hub(None, false).x;
                self.with_code_box()
                    .meet(contacts.minus(self.bounds(WITHOUT_CODE)))
            }
            WITHOUT_CODE => {
                let contacts = self.hub(None, false).x;
                self.bounds(WITHOUT_CODE)
                    .meet(contacts.minus(self.with_code_box()))
            }
            UNIQUE => self.unique_span(),
            NEW => self
                .bounds(NEW)
                .meet(self.unique_span().minus(self.bounds(RETURNING))),
            RETURNING => self
                .bounds(RETURNING)
                .meet(self.unique_span().minus(self.bounds(NEW))),
            _ => self.row_span(cell),
        }
    }

    /// Unique people: at most the most contacts with a code there can be,
    /// and not zero if there must be some.
    fn unique_span(&self) -> Range {
        let contacts = self.hub(None, false).x;
        let with = self
            .bounds(WITH_CODE)
            .meet(contacts.minus(self.bounds(WITHOUT_CODE)));
        if with.is_empty() {
            return with;
        }
        let lo = if with.lo <= 0 { 0 } else { 1 };
        self.unique_box().meet(Range::new(lo, with.hi))
    }

    /// A breakdown cell: the row's pair must fit the row, and what the
    /// other rows add up to must be a pair every other constraint allows.
    fn row_span(&self, cell: usize) -> Range {
        let Some((axis, index)) = self.axes.iter().enumerate().find_map(|(a, rows)| {
            let i = rows.iter().position(|&(c, q)| c == cell || q == cell)?;
            Some((a, i))
        }) else {
            return Range::new(1, 0);
        };
        let (c, _) = self.axes[axis][index];
        let rest = self.hub(Some(axis), true);
        let others = self.axis(axis, Some(index));
        let pair = self
            .row(self.axes[axis][index])
            .meet(rest.plus(others.neg()))
            .tight();
        if cell == c { pair.x } else { pair.y }
    }
}

/// The reader's side, for tests: a model set to what a published tally
/// shows.
#[cfg(test)]
impl Model {
    pub fn set_shown(&mut self, cell: usize, shown: Shown) {
        self.slots[cell].shown = shown;
    }

    pub fn set_withheld(&mut self, unit: usize) {
        self.units[unit].withheld = true;
    }

    pub fn cells(&self) -> usize {
        self.slots.len()
    }
}
