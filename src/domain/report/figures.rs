//! A report section told as a few head figures and groups of rows (field
//! work, modes and places, naloxone kits): each figure carries its own
//! label, each group where its keys come from, so the page, the print,
//! the JSON and the CSV write every such section the same way.

use super::published::Cell;
use crate::domain::catalog::{Catalog, Section};
use crate::domain::i18n::{Lang, Msg};
use std::collections::BTreeMap;

/// What a figure counts, which decides how a page writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A count, written with the reader's thousands separator.
    Count,
    /// Minutes, written as hours with one decimal ("6,5").
    Minutes,
    /// Tenths, written with one decimal ("1,5" seringues par visite).
    Tenths,
    /// A percentage ("85 %").
    Percent,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    /// Its JSON name.
    pub name: &'static str,
    pub label: Msg,
    pub unit: Unit,
    pub cell: Cell,
}

/// Where a group's keys come from, and so their labels and order.
#[derive(Clone, Copy, Debug)]
pub enum Keys {
    Catalog(Section),
    /// A closed list known to every release: its keys in the form's
    /// order, and each key's label.
    Fixed(
        &'static [&'static str],
        fn(&str, Lang) -> Option<&'static str>,
    ),
}

/// Two fixed lists are the same when their keys are: a function's address
/// says nothing.
impl PartialEq for Keys {
    fn eq(&self, other: &Keys) -> bool {
        match (self, other) {
            (Keys::Catalog(a), Keys::Catalog(b)) => a == b,
            (Keys::Fixed(a, _), Keys::Fixed(b, _)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Keys {}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Its JSON name.
    pub name: &'static str,
    pub title: Msg,
    /// What its rows count, as a page says it and as the CSV's `measure`.
    pub measure: (Msg, &'static str),
    pub keys: Keys,
    pub cells: BTreeMap<String, Cell>,
}

impl Group {
    /// Its rows in the catalog's or the form's order (unknown keys last,
    /// in key order), each with its label in `lang`; a retired catalog
    /// entry says so.
    pub fn rows(&self, catalog: &Catalog, lang: Lang) -> Vec<(&str, String, Cell)> {
        let mut rows: Vec<(usize, &str, String, Cell)> = self
            .cells
            .iter()
            .map(|(id, &cell)| {
                let (rank, label) = match self.keys {
                    Keys::Catalog(section) => {
                        let entries = catalog.section(section);
                        let rank = entries.iter().position(|e| e.id.as_str() == id);
                        let label = match catalog.entry(section, id) {
                            Some(e) if !e.active => {
                                format!("{} {}", e.label(lang), Msg::Retired.text(lang))
                            }
                            Some(e) => e.label(lang).to_string(),
                            None => id.clone(),
                        };
                        (rank, label)
                    }
                    // A key a newer release added shows as itself.
                    Keys::Fixed(keys, label) => {
                        let rank = keys.iter().position(|k| k == id);
                        (rank, label(id, lang).unwrap_or(id).to_string())
                    }
                };
                (rank.unwrap_or(usize::MAX), id.as_str(), label, cell)
            })
            .collect();
        // Stable: unknown keys share a rank and keep the map's order.
        rows.sort_by_key(|row| row.0);
        rows.into_iter()
            .map(|(_, id, label, cell)| (id, label, cell))
            .collect()
    }
}

/// A section of figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figures {
    /// Its JSON key, the CSV's section prefix and the page's test ids.
    pub name: &'static str,
    pub title: Msg,
    pub heads: Vec<Head>,
    pub groups: Vec<Group>,
}

impl Figures {
    pub fn head(&self, name: &str) -> Option<Cell> {
        self.heads.iter().find(|h| h.name == name).map(|h| h.cell)
    }

    pub fn cell(&self, group: &str, id: &str) -> Option<Cell> {
        self.groups
            .iter()
            .find(|g| g.name == group)
            .and_then(|g| g.cells.get(id).copied())
    }

    /// Every figure as [`Cell::Missing`] (a comparison period without data).
    pub fn set_missing(&mut self) {
        self.heads.iter_mut().for_each(|h| h.cell = Cell::Missing);
        for group in &mut self.groups {
            group.cells.values_mut().for_each(|c| *c = Cell::Missing);
        }
    }

    pub fn has_markers(&self) -> bool {
        self.heads
            .iter()
            .map(|h| h.cell)
            .chain(self.groups.iter().flat_map(|g| g.cells.values().copied()))
            .any(|c| c.count().is_none())
    }
}

/// A figure as a page writes it.
pub fn shown(unit: Unit, cell: Cell, lang: Lang) -> String {
    match (unit, cell.count()) {
        (Unit::Minutes, Some(minutes)) => hours(minutes, lang),
        (Unit::Tenths, Some(tenths)) => decimal(tenths, lang),
        (Unit::Percent, Some(n)) => match lang {
            Lang::Fr => format!("{n}\u{a0}%"),
            Lang::En => format!("{n}%"),
        },
        _ => super::markdown::count(cell, lang),
    }
}

/// Minutes as hours with one decimal, in the reader's way of writing
/// numbers: "6,5" in French, "6.5" in English.
pub fn hours(minutes: u64, lang: Lang) -> String {
    decimal((minutes * 10 + 30) / 60, lang)
}

/// Tenths with one decimal, in the reader's way of writing numbers.
pub fn decimal(tenths: u64, lang: Lang) -> String {
    let text = format!("{}.{}", tenths / 10, tenths % 10);
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

/// Every count of `map` as published by `cell`.
pub fn cells(map: &BTreeMap<String, u64>, cell: impl Fn(u64) -> Cell) -> BTreeMap<String, Cell> {
    map.iter().map(|(k, &n)| (k.clone(), cell(n))).collect()
}
