//! The report as the tables a person reads: one per section, each row a
//! figure with its label in the reader's language, beside the same figure
//! in the previous period and a year before. The dashboard's page and
//! print and the spreadsheet CSV all write these tables, so they show the
//! same rows, in the same order, with the same comparison columns.

use super::figures::{Figures, Unit};
use super::markdown::{Names, ordered};
use super::overdose::{self, PublishedOverdoses};
use super::published::{Axis, Cell, Measure, PublishedTally};
use crate::domain::catalog::{Catalog, Section};
use crate::domain::i18n::{Lang, Msg};
use std::collections::BTreeMap;

/// One figure as a table shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    Figure(Unit, Cell),
    /// A comparison column of a figure that has none (a key that did not
    /// exist in that period's catalog).
    NotCompared,
}

impl Value {
    fn of(unit: Unit, cell: Option<Cell>) -> Value {
        cell.map_or(Value::NotCompared, |c| Value::Figure(unit, c))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The JSON path of this period's figure (the first value).
    pub key: String,
    pub label: String,
    /// This period, the previous one, a year before; a breakdown has the
    /// three for contacts, then the three for people reached.
    pub values: Vec<Value>,
}

/// What a table is, which decides how a page lays it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The key figures, first.
    KeyFigures,
    /// A catalog section's counts: materials, referrals, interventions.
    Counts(Section),
    /// Contacts and people reached by zone, age band or gender.
    Breakdown(Axis),
    /// The head figures of a section told as figures (overdose responses,
    /// field work, modes and naloxone); the section's first table.
    Heads,
    /// One group of such a section.
    Group,
    /// A table that is a section of its own (a template's).
    Section,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub kind: Kind,
    /// The heading of the section this table opens, if it opens one.
    pub section: Option<String>,
    pub title: String,
    /// What its rows count ("Quantité", "Contacts"); a breakdown's two.
    pub measures: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug)]
pub struct Sheet {
    pub names: Names,
    pub tables: Vec<Table>,
}

type Pick = fn(&PublishedTally) -> &BTreeMap<String, Cell>;

const COUNTS: [(Section, Msg, Pick); 3] = [
    (Section::Materials, Msg::ReportQuantity, |p| &p.materials),
    (Section::Referrals, Msg::ReportContacts, |p| &p.referrals),
    (Section::Interventions, Msg::ReportContacts, |p| {
        &p.interventions
    }),
];

/// The tables of the period `this`, each row beside the comparison
/// periods' own published figures (`previous`, `last_year`, which are
/// [`PublishedTally::missing`] where the server held no data then).
pub fn sheet(
    catalog: &Catalog,
    lang: Lang,
    [this, previous, last_year]: [&PublishedTally; 3],
) -> Sheet {
    let mut tables = vec![key_figures(lang, this, previous, last_year)];
    for (section, measure, pick) in COUNTS {
        let mut rows: Vec<Row> = ordered(catalog, section, pick(this))
            .into_iter()
            .map(|(id, &cell)| Row {
                key: format!("{}.{id}", section.key()),
                label: label(catalog, section, id, lang),
                values: vec![
                    Value::Figure(Unit::Count, cell),
                    Value::of(Unit::Count, pick(previous).get(id).copied()),
                    Value::of(Unit::Count, pick(last_year).get(id).copied()),
                ],
            })
            .collect();
        // Quantities add up; referrals and interventions do not (a contact
        // may have several).
        if section == Section::Materials && !rows.is_empty() {
            rows.push(total(&rows, lang));
        }
        let title = section.title(lang).to_string();
        tables.push(Table {
            kind: Kind::Counts(section),
            section: Some(title.clone()),
            title,
            measures: vec![measure.text(lang).to_string()],
            rows,
        });
    }
    for axis in Axis::ALL {
        tables.push(breakdown(catalog, lang, axis, [this, previous, last_year]));
    }
    tables.extend(overdoses(
        catalog,
        lang,
        [&this.overdoses, &previous.overdoses, &last_year.overdoses],
    ));
    for pick in [
        (|p: &PublishedTally| &p.field_work) as fn(&PublishedTally) -> &Figures,
        |p| &p.details,
    ] {
        tables.extend(figures(
            catalog,
            lang,
            [pick(this), pick(previous), pick(last_year)],
        ));
    }
    Sheet {
        names: Names::of(this, lang),
        tables,
    }
}

/// A catalog entry's label; a retired one says so; an unknown id as is.
fn label(catalog: &Catalog, section: Section, id: &str, lang: Lang) -> String {
    match catalog.entry(section, id) {
        Some(entry) if !entry.active => {
            format!("{} {}", entry.label(lang), Msg::Retired.text(lang))
        }
        Some(entry) => entry.label(lang).to_string(),
        None => id.to_string(),
    }
}

fn key_figures(
    lang: Lang,
    p: &PublishedTally,
    prev: &PublishedTally,
    last: &PublishedTally,
) -> Table {
    // The first three comparisons are the period's own summary (as in the
    // machine CSV); the others come from the comparison periods' tallies.
    let (sp, sl) = (&p.previous, &p.last_year);
    let rows: [(Msg, &str, Cell, Cell, Cell); 8] = [
        (
            Msg::ReportContacts,
            "contacts",
            p.contacts,
            sp.contacts,
            sl.contacts,
        ),
        (
            Msg::ReportPeopleReached,
            "people_reached",
            p.people_reached,
            sp.people_reached,
            sl.people_reached,
        ),
        (
            Msg::ReportUniquePeople,
            "unique_people",
            p.unique_people,
            sp.unique_people,
            sl.unique_people,
        ),
        (
            Msg::ReportWithCode,
            "contacts_with_code",
            p.contacts_with_code,
            prev.contacts_with_code,
            last.contacts_with_code,
        ),
        (
            Msg::ReportWithoutCode,
            "contacts_without_code",
            p.contacts_without_code,
            prev.contacts_without_code,
            last.contacts_without_code,
        ),
        (
            Msg::ReportNewPeople,
            "new_people",
            p.new_people,
            prev.new_people,
            last.new_people,
        ),
        (
            Msg::ReportReturningPeople,
            "returning_people",
            p.returning_people,
            prev.returning_people,
            last.returning_people,
        ),
        (
            Msg::ReportReturnedSyringes,
            "returned_syringes",
            p.returned_syringes,
            prev.returned_syringes,
            last.returned_syringes,
        ),
    ];
    let title = Msg::ReportKeyFigures.text(lang).to_string();
    Table {
        kind: Kind::KeyFigures,
        section: Some(title.clone()),
        title,
        measures: vec![Msg::ReportFigure.text(lang).to_string()],
        rows: rows
            .into_iter()
            .map(|(msg, key, a, b, c)| Row {
                key: key.to_string(),
                label: msg.text(lang).to_string(),
                values: [a, b, c]
                    .map(|cell| Value::Figure(Unit::Count, cell))
                    .to_vec(),
            })
            .collect(),
    }
}

fn breakdown(
    catalog: &Catalog,
    lang: Lang,
    axis: Axis,
    [this, previous, last_year]: [&PublishedTally; 3],
) -> Table {
    let section = axis.section();
    let mut rows: Vec<Row> = ordered(catalog, section, this.breakdown(axis))
        .into_iter()
        .map(|(id, cells)| {
            let mut values = Vec::new();
            for measure in Measure::ALL {
                values.push(Value::Figure(Unit::Count, cells.get(measure)));
                for other in [previous, last_year] {
                    let cell = other.breakdown(axis).get(id).map(|c| c.get(measure));
                    values.push(Value::of(Unit::Count, cell));
                }
            }
            Row {
                key: format!("{}.{id}", axis.key()),
                label: label(catalog, section, id, lang),
                values,
            }
        })
        .collect();
    // Every contact has one zone, age band and gender: the total is the
    // key figures' contacts and people reached, as published there.
    if !rows.is_empty() {
        let mut values = Vec::new();
        for measure in Measure::ALL {
            let pick = |contacts: Cell, people: Cell| match measure {
                Measure::Contacts => contacts,
                Measure::PeopleReached => people,
            };
            values.push(pick(this.contacts, this.people_reached));
            for s in [&this.previous, &this.last_year] {
                values.push(pick(s.contacts, s.people_reached));
            }
        }
        rows.push(Row {
            key: String::new(),
            label: Msg::ReportTotal.text(lang).to_string(),
            values: values
                .into_iter()
                .map(|c| Value::Figure(Unit::Count, c))
                .collect(),
        });
    }
    let title = section.title(lang).to_string();
    Table {
        kind: Kind::Breakdown(axis),
        section: Some(title.clone()),
        title,
        measures: vec![
            Msg::ReportContacts.text(lang).to_string(),
            Msg::ReportPeopleReached.text(lang).to_string(),
        ],
        rows,
    }
}

fn overdoses(
    catalog: &Catalog,
    lang: Lang,
    [this, previous, last_year]: [&PublishedOverdoses; 3],
) -> Vec<Table> {
    let heads = this
        .heads()
        .into_iter()
        .zip(previous.heads())
        .zip(last_year.heads())
        .map(|(((name, a), (_, b)), (_, c))| Row {
            key: format!("overdoses.{name}"),
            label: overdose::head_label(name, lang).to_string(),
            values: [a, b, c]
                .map(|cell| Value::Figure(Unit::Count, cell))
                .to_vec(),
        })
        .collect();
    let mut tables = vec![heads_table(Msg::ReportOverdoses, lang, heads)];
    for (((group, map), (_, b)), (_, c)) in this
        .groups()
        .into_iter()
        .zip(previous.groups())
        .zip(last_year.groups())
    {
        let rows = overdose_keys(catalog, group, map)
            .into_iter()
            .map(|(id, cell)| Row {
                key: format!("overdoses.{group}.{id}"),
                label: overdose::key_label(group, id, catalog, lang),
                values: vec![
                    Value::Figure(Unit::Count, cell),
                    Value::of(Unit::Count, b.get(id).copied()),
                    Value::of(Unit::Count, c.get(id).copied()),
                ],
            })
            .collect();
        tables.push(Table {
            kind: Kind::Group,
            section: None,
            title: overdose::group_title(group, lang).to_string(),
            measures: vec![Msg::ReportOverdoseCount.text(lang).to_string()],
            rows,
        });
    }
    tables
}

/// The sum of each column of `rows`: exact where every part is a count,
/// else `x` (a total beside a marked part would tell the marked parts'
/// sum, and a single marked part outright), "n.d." where they all are.
fn total(rows: &[Row], lang: Lang) -> Row {
    let columns = rows.first().map_or(0, |r| r.values.len());
    let values = (0..columns)
        .map(|column| {
            let cells: Vec<Value> = rows.iter().map(|r| r.values[column]).collect();
            if cells
                .iter()
                .all(|v| matches!(v, Value::Figure(_, Cell::Missing)))
            {
                return Value::Figure(Unit::Count, Cell::Missing);
            }
            let mut sum = 0u64;
            for v in cells {
                match v {
                    Value::Figure(_, Cell::Count(n)) => sum = sum.saturating_add(n),
                    Value::NotCompared => {}
                    Value::Figure(..) => return Value::Figure(Unit::Count, Cell::Hidden),
                }
            }
            Value::Figure(Unit::Count, Cell::Count(sum))
        })
        .collect();
    Row {
        key: String::new(),
        label: Msg::ReportTotal.text(lang).to_string(),
        values,
    }
}

/// The head figures of a section told as figures, opening it.
fn heads_table(title: Msg, lang: Lang, rows: Vec<Row>) -> Table {
    let title = title.text(lang).to_string();
    Table {
        kind: Kind::Heads,
        section: Some(title.clone()),
        title,
        measures: vec![Msg::ReportQuantity.text(lang).to_string()],
        rows,
    }
}

/// An overdose group's keys in the form's or the catalog's order.
fn overdose_keys<'a>(
    catalog: &Catalog,
    group: &str,
    map: &'a BTreeMap<String, Cell>,
) -> Vec<(&'a str, Cell)> {
    let rows: Vec<(&String, &Cell)> = match overdose::group_section(group) {
        Some(section) => ordered(catalog, section, map),
        None => {
            let mut rows: Vec<(&String, &Cell)> = map.iter().collect();
            rows.sort_by_key(|(id, _)| overdose::choice_rank(group, id));
            rows
        }
    };
    rows.into_iter()
        .map(|(id, &cell)| (id.as_str(), cell))
        .collect()
}

fn figures(
    catalog: &Catalog,
    lang: Lang,
    [this, previous, last_year]: [&Figures; 3],
) -> Vec<Table> {
    let name = this.name;
    let heads = this
        .heads
        .iter()
        .map(|head| Row {
            key: format!("{name}.{}", head.name),
            label: head.label.text(lang).to_string(),
            values: vec![
                Value::Figure(head.unit, head.cell),
                Value::of(head.unit, previous.head(head.name)),
                Value::of(head.unit, last_year.head(head.name)),
            ],
        })
        .collect();
    let mut tables = vec![heads_table(this.title, lang, heads)];
    for group in &this.groups {
        let rows = group
            .rows(catalog, lang)
            .into_iter()
            .map(|(id, label, cell)| Row {
                key: format!("{name}.{}.{id}", group.name),
                label,
                values: vec![
                    Value::Figure(Unit::Count, cell),
                    Value::of(Unit::Count, previous.cell(group.name, id)),
                    Value::of(Unit::Count, last_year.cell(group.name, id)),
                ],
            })
            .collect();
        tables.push(Table {
            kind: Kind::Group,
            section: None,
            title: group.title.text(lang).to_string(),
            measures: vec![group.measure.0.text(lang).to_string()],
            rows,
        });
    }
    tables
}

impl Table {
    /// The column headers after the label's, each measure's three periods
    /// ("Quantité — novembre 2025"): a period's name alone, such as
    /// "novembre 2025", a spreadsheet would read as a date.
    pub fn headers(&self, names: &Names) -> Vec<String> {
        let periods = [&names.this, &names.previous, &names.last_year];
        self.measures
            .iter()
            .flat_map(|m| periods.map(|p| format!("{m} — {p}")))
            .collect()
    }

    /// The caption: its title and what its rows count.
    pub fn caption(&self) -> String {
        match (self.kind, self.measures.first()) {
            (Kind::Breakdown(_) | Kind::KeyFigures, _) | (_, None) => self.title.clone(),
            (_, Some(measure)) => format!("{} — {measure}", self.title),
        }
    }
}
