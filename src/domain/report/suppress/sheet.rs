//! The linked figures as equations "total = sum of parts", what a reader
//! can deduce from them, and the search for the cells to hide.
//!
//! A [`Sheet`] knows nothing of months or catalogs: cells are numbers and
//! groups are equations. It assumes the shape of a tally, which
//! [`super::suppress`] builds: a part belongs to one group, and a total is
//! never a part (totals are hubs shared by several groups). With that
//! shape, what a reader can deduce is exact and cheap to compute (see
//! [`Sheet::span`]).

use std::cmp::Reverse;

/// Stands for "no upper bound"; far above any sum of `u64` counts.
const UNBOUNDED: i128 = 1 << 100;

/// How a cell is shown, and so what a reader knows of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shown {
    /// Published: the reader knows the value.
    Exact,
    /// `<5`: the reader knows it is from 1 to 4.
    Small,
    /// `x`: at least 5 (it is not 0, or it would be published, nor 1 to 4,
    /// or it would be `<5`), or anything at all inside a withheld group.
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
}

#[derive(Clone, Debug)]
struct Group {
    total: usize,
    parts: Vec<usize>,
    /// Every part hidden, zeros included.
    withheld: bool,
}

/// The values a reader cannot rule out for a cell: `lo..=hi`, empty when
/// the published figures contradict each other (an inconsistent tally).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Span {
    pub lo: i128,
    pub hi: i128,
}

impl Span {
    fn exact(value: u64) -> Span {
        Span {
            lo: i128::from(value),
            hi: i128::from(value),
        }
    }

    fn plus(self, other: Span) -> Span {
        Span {
            lo: self.lo + other.lo,
            hi: (self.hi + other.hi).min(UNBOUNDED),
        }
    }

    fn meet(self, other: Span) -> Span {
        Span {
            lo: self.lo.max(other.lo),
            hi: self.hi.min(other.hi),
        }
    }

    /// Exactly one value: the cell is recovered.
    pub fn is_single(self) -> bool {
        self.lo == self.hi
    }
}

#[derive(Clone, Debug, Default)]
pub(super) struct Sheet {
    slots: Vec<Slot>,
    groups: Vec<Group>,
}

impl Sheet {
    /// A cell, `<5` when it is from 1 to 4 (primary suppression).
    pub fn add_cell(&mut self, value: u64) -> usize {
        let shown = if (1..=4).contains(&value) {
            Shown::Small
        } else {
            Shown::Exact
        };
        self.slots.push(Slot {
            value,
            shown,
            part_of: None,
            total_of: Vec::new(),
        });
        self.slots.len() - 1
    }

    /// The equation `total = sum of parts`. Callers keep the shape: each
    /// part in one group, no total as a part.
    pub fn add_group(&mut self, total: usize, parts: Vec<usize>) -> usize {
        let group = self.groups.len();
        self.slots[total].total_of.push(group);
        for &part in &parts {
            self.slots[part].part_of = Some(group);
        }
        self.groups.push(Group {
            total,
            parts,
            withheld: false,
        });
        group
    }

    pub fn shown(&self, cell: usize) -> Shown {
        self.slots[cell].shown
    }

    pub fn is_withheld(&self, group: usize) -> bool {
        self.groups[group].withheld
    }

    /// What the reader knows of a cell from its marker alone.
    fn bounds(&self, cell: usize) -> Span {
        let slot = &self.slots[cell];
        match slot.shown {
            Shown::Exact => Span::exact(slot.value),
            Shown::Small => Span { lo: 1, hi: 4 },
            Shown::Hidden if slot.part_of.is_some_and(|g| self.groups[g].withheld) => Span {
                lo: 0,
                hi: UNBOUNDED,
            },
            Shown::Hidden => Span {
                lo: 5,
                hi: UNBOUNDED,
            },
        }
    }

    fn parts_sum(&self, group: usize, except: Option<usize>) -> Span {
        self.groups[group]
            .parts
            .iter()
            .filter(|&&part| Some(part) != except)
            .fold(Span::exact(0), |sum, &part| sum.plus(self.bounds(part)))
    }

    /// The values a reader cannot rule out for `cell`, using every group.
    ///
    /// Exact, not an approximation: groups share nothing but their total,
    /// so the total's possible values are its marker's range met with each
    /// group's sum of parts' ranges (each group can be satisfied on its own
    /// once the total is fixed), and a part's are then the total's minus
    /// the other parts'. Sums of integer ranges are integer ranges, so every
    /// integer in a span is reachable.
    pub fn span(&self, cell: usize) -> Span {
        let slot = &self.slots[cell];
        match slot.part_of {
            None => slot.total_of.iter().fold(self.bounds(cell), |span, &g| {
                span.meet(self.parts_sum(g, None))
            }),
            Some(group) => {
                let total = self.span(self.groups[group].total);
                if total.lo > total.hi {
                    return total;
                }
                let others = self.parts_sum(group, Some(cell));
                self.bounds(cell).meet(Span {
                    lo: total.lo - others.hi,
                    hi: total.hi - others.lo,
                })
            }
        }
    }

    fn groups_of(&self, cell: usize) -> impl Iterator<Item = usize> + '_ {
        let slot = &self.slots[cell];
        slot.part_of
            .into_iter()
            .chain(slot.total_of.iter().copied())
    }

    fn hidden_members(&self, group: usize) -> usize {
        let g = &self.groups[group];
        std::iter::once(g.total)
            .chain(g.parts.iter().copied())
            .filter(|&c| self.slots[c].shown != Shown::Exact)
            .count()
    }

    /// How exposed a `<5` or `x` cell is: one for each group where it is
    /// the only one not published, one more if its value can be deduced.
    /// Zero means safe. (On a consistent tally the first implies the
    /// second; counting both keeps an inconsistent tally covered too, and
    /// lets the search see progress when a cell is alone in two groups.)
    pub fn exposure(&self, cell: usize) -> usize {
        if self.slots[cell].shown == Shown::Exact {
            return 0;
        }
        let alone = self
            .groups_of(cell)
            .filter(|&g| self.hidden_members(g) == 1)
            .count();
        let span = self.span(cell);
        alone + usize::from(span.lo <= span.hi && span.is_single())
    }

    /// Hides cells and withholds groups until no `<5` or `x` cell is
    /// exposed, or nothing more can be hidden (only an inconsistent tally
    /// gets there). Every step hides one more cell or withholds one more
    /// group, so the loop ends; and hiding only widens what a reader must
    /// consider, so a cell once safe stays safe.
    pub fn protect(&mut self) {
        let mut given_up = vec![false; self.slots.len()];
        while let Some(target) =
            (0..self.slots.len()).find(|&c| !given_up[c] && self.exposure(c) > 0)
        {
            if !self.shield(target) {
                given_up[target] = true;
            }
        }
    }

    /// One step for an exposed cell, in order of preference: hide one more
    /// published cell that makes it safe; withhold one group that makes it
    /// safe; hide one cell that at least lowers its exposure; withhold
    /// every group around it. False when nothing changed.
    fn shield(&mut self, target: usize) -> bool {
        let before = self.exposure(target);
        let candidates = self.candidates(target);
        for &cell in &candidates {
            if self.try_hide(target, cell, 0) {
                return true;
            }
        }
        for group in self.neighbourhood(target) {
            if !self.groups[group].withheld && self.try_withhold(target, group) {
                return true;
            }
        }
        for &cell in &candidates {
            if self.try_hide(target, cell, before - 1) {
                return true;
            }
        }
        let mut changed = false;
        for group in self.neighbourhood(target) {
            changed |= !self.groups[group].withheld;
            self.withhold(group);
        }
        changed
    }

    fn try_hide(&mut self, target: usize, cell: usize, at_most: usize) -> bool {
        self.slots[cell].shown = Shown::Hidden;
        if self.exposure(target) <= at_most {
            return true;
        }
        self.slots[cell].shown = Shown::Exact;
        false
    }

    fn try_withhold(&mut self, target: usize, group: usize) -> bool {
        let saved: Vec<Shown> = self.groups[group]
            .parts
            .iter()
            .map(|&p| self.slots[p].shown)
            .collect();
        self.withhold(group);
        if self.exposure(target) == 0 {
            return true;
        }
        self.groups[group].withheld = false;
        for (&part, shown) in self.groups[group].parts.iter().zip(saved) {
            self.slots[part].shown = shown;
        }
        false
    }

    fn withhold(&mut self, group: usize) {
        self.groups[group].withheld = true;
        for &part in &self.groups[group].parts {
            self.slots[part].shown = Shown::Hidden;
        }
    }

    /// The hub (the total) of the cell's groups and all of its groups: the
    /// only figures that can bear on the cell.
    fn neighbourhood(&self, cell: usize) -> Vec<usize> {
        let hub = match self.slots[cell].part_of {
            Some(group) => self.groups[group].total,
            None => cell,
        };
        let mut groups = self.slots[hub].total_of.clone();
        // The cell's own group first: withholding it is the smallest change.
        groups.sort_by_key(|&g| Reverse(self.slots[cell].part_of == Some(g)));
        groups
    }

    /// Published non-zero cells that could be hidden for `target`: parts of
    /// its own groups, smallest first (hide as little as possible), then the
    /// total of its group (hiding a total spreads to all its groups), then
    /// the parts of the other groups around the same total.
    fn candidates(&self, target: usize) -> Vec<usize> {
        let own: Vec<usize> = self.groups_of(target).collect();
        let mut ranked = Vec::new();
        for group in self.neighbourhood(target) {
            let g = &self.groups[group];
            let is_own = own.contains(&group);
            for &part in &g.parts {
                ranked.push((if is_own { 0 } else { 2 }, part));
            }
            if g.total != target {
                ranked.push((1, g.total));
            }
        }
        ranked.retain(|&(_, c)| self.slots[c].shown == Shown::Exact && self.slots[c].value > 0);
        ranked.sort_by_key(|&(rank, c)| (rank, self.slots[c].value, c));
        ranked.dedup_by_key(|&mut (_, c)| c);
        ranked.into_iter().map(|(_, c)| c).collect()
    }
}

/// The reader's side, for the property tests: a sheet set to what a
/// published tally shows.
#[cfg(test)]
impl Sheet {
    pub fn set_shown(&mut self, cell: usize, shown: Shown) {
        self.slots[cell].shown = shown;
    }

    pub fn set_withheld(&mut self, group: usize) {
        self.groups[group].withheld = true;
    }

    /// The total and the parts of a group: value and how it is shown.
    pub fn members(&self, group: usize) -> Vec<(u64, Shown)> {
        let g = &self.groups[group];
        std::iter::once(g.total)
            .chain(g.parts.iter().copied())
            .map(|c| (self.slots[c].value, self.slots[c].shown))
            .collect()
    }
}

#[cfg(test)]
mod tests;
