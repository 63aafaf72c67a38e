//! The search for the cells to hide: until no `<5` or `x` is exposed, hide
//! one more cell or withhold one more unit, preferring what hides least.

use super::{Model, Shown};
use std::cmp::Reverse;

impl Model {
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
    /// the only unpublished cell, one more if a reader can tell its value.
    /// Zero means safe. (On a tally that adds up the first implies the
    /// second; counting both covers one that does not, and lets the search
    /// see progress when a cell is alone in two groups.)
    pub fn exposure(&self, cell: usize) -> usize {
        if self.slots[cell].shown == Shown::Exact {
            return 0;
        }
        let alone = self
            .groups_of(cell)
            .filter(|&g| self.hidden_members(g) == 1)
            .count();
        let span = self.span(cell);
        alone + usize::from(!span.is_empty() && span.is_single())
    }

    /// Hides cells and withholds units until no `<5` or `x` is exposed, or
    /// nothing more can be done (only a tally that does not add up gets
    /// there). Each step hides a cell or withholds a unit, so the loop ends;
    /// hiding only widens what a reader must consider, so a cell once safe
    /// stays safe.
    pub fn protect(&mut self) {
        let mut given_up = vec![false; self.slots.len()];
        loop {
            let exposed: Vec<usize> = (0..self.slots.len())
                .filter(|&c| !given_up[c] && self.exposure(c) > 0)
                .collect();
            let Some(&first) = exposed.first() else {
                return;
            };
            // A cell one hidden cell settles goes first: its fix may be what
            // another needs (contacts pinned by their row's people, say).
            let settled = exposed.iter().any(|&target| {
                let candidates = self.candidates(target);
                candidates.iter().any(|&c| self.try_hide(target, &[c], 0))
            });
            if !settled && !self.shield(first) {
                given_up[first] = true;
            }
        }
    }

    /// For a cell no single hidden cell settles, in order of preference:
    /// two hidden parts among the likeliest; one withheld unit; one hidden
    /// cell that lowers its exposure; every unit withheld. False when
    /// nothing changed.
    fn shield(&mut self, target: usize) -> bool {
        /// How many of the first candidates are tried in pairs.
        const PAIRS_AMONG: usize = 8;
        let before = self.exposure(target);
        let candidates = self.candidates(target);
        // Totals stay out of pairs: a hidden total spreads to all its
        // groups, and it is a key figure.
        let likeliest: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&c| self.slots[c].total_of.is_empty())
            .take(PAIRS_AMONG)
            .collect();
        for (i, &a) in likeliest.iter().enumerate() {
            for &b in &likeliest[i + 1..] {
                if self.try_hide(target, &[a, b], 0) {
                    return true;
                }
            }
        }
        for unit in self.units_around(target) {
            if !self.units[unit].withheld && self.try_withhold(target, unit) {
                return true;
            }
        }
        for &cell in &candidates {
            if self.try_hide(target, &[cell], before - 1) {
                return true;
            }
        }
        let mut changed = false;
        for unit in 0..self.units.len() {
            changed |= !self.units[unit].withheld;
            self.withhold(unit);
        }
        changed
    }

    /// Hides `cells`; keeps them hidden if the target's exposure is then at
    /// most `at_most`.
    fn try_hide(&mut self, target: usize, cells: &[usize], at_most: usize) -> bool {
        for &cell in cells {
            self.slots[cell].shown = Shown::Hidden;
        }
        if self.exposure(target) <= at_most {
            return true;
        }
        for &cell in cells {
            self.slots[cell].shown = Shown::Exact;
        }
        false
    }

    fn try_withhold(&mut self, target: usize, unit: usize) -> bool {
        let saved: Vec<Shown> = self.units[unit]
            .cells
            .iter()
            .map(|&c| self.slots[c].shown)
            .collect();
        self.withhold(unit);
        if self.exposure(target) == 0 {
            return true;
        }
        self.units[unit].withheld = false;
        for (&cell, shown) in self.units[unit].cells.iter().zip(saved) {
            self.slots[cell].shown = shown;
        }
        false
    }

    pub(in crate::domain::report::suppress) fn withhold(&mut self, unit: usize) {
        self.units[unit].withheld = true;
        for &cell in &self.units[unit].cells {
            self.slots[cell].shown = Shown::Hidden;
        }
    }

    /// Every unit, those holding the cell's own groups first: withholding
    /// them is the smallest change.
    fn units_around(&self, cell: usize) -> Vec<usize> {
        let own: Vec<usize> = self.groups_of(cell).map(|g| self.groups[g].unit).collect();
        let mut units: Vec<usize> = (0..self.units.len()).collect();
        units.sort_by_key(|u| Reverse(own.contains(u)));
        units
    }

    /// Published non-zero cells that could be hidden for `target`: parts of
    /// its own groups, smallest first (hide as little as possible); the
    /// other column of its row; the totals of its groups (hiding a total
    /// spreads to all its groups); then any other, smallest first.
    fn candidates(&self, target: usize) -> Vec<usize> {
        let own: Vec<usize> = self.groups_of(target).collect();
        let rank = |cell: usize| {
            let slot = &self.slots[cell];
            if slot.part_of.is_some_and(|g| own.contains(&g)) {
                0
            } else if self.slots[target].partner == Some(cell) {
                1
            } else if slot.total_of.iter().any(|g| own.contains(g)) {
                2
            } else {
                3
            }
        };
        let mut cells: Vec<usize> = (0..self.slots.len())
            .filter(|&c| c != target)
            .filter(|&c| self.slots[c].shown == Shown::Exact && self.slots[c].value > 0)
            .collect();
        cells.sort_by_key(|&c| (rank(c), self.slots[c].value, c));
        cells
    }
}
