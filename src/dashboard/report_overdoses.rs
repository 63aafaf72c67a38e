//! The monthly report's overdose responses: the head figures, then one
//! table per group (outcome, 911, zone, location type, responders,
//! substances), each beside the previous month and the same month a year
//! before, as published (suppressed by their own rule when external).

use crate::domain::Catalog;
use crate::domain::i18n::{Lang, Msg};
use crate::domain::report::Cell;
use crate::domain::report::markdown::{count, ordered};
use crate::domain::report::overdose::{self, PublishedOverdoses};
use dioxus::prelude::*;
use std::collections::BTreeMap;

/// One row: its JSON path, its label, and the texts of this month and
/// the two comparison months.
pub(super) type Row = (String, String, String, String, String);

pub fn section(
    lang: Lang,
    catalog: &Catalog,
    [this, previous, last_year]: [&PublishedOverdoses; 3],
    month_headers: impl Fn() -> Element,
    not_compared: &str,
) -> Element {
    let show =
        |cell: Option<Cell>| cell.map_or_else(|| not_compared.to_string(), |c| count(c, lang));
    let heads: Vec<Row> = this
        .heads()
        .into_iter()
        .zip(previous.heads())
        .zip(last_year.heads())
        .map(|(((name, cell), (_, b)), (_, c))| {
            (
                format!("overdoses.{name}"),
                overdose::head_label(name, lang).to_string(),
                count(cell, lang),
                show(Some(b)),
                show(Some(c)),
            )
        })
        .collect();
    let groups: Vec<(&'static str, Vec<Row>)> = this
        .groups()
        .into_iter()
        .zip(previous.groups())
        .zip(last_year.groups())
        .map(|(((group, map), (_, b)), (_, c))| {
            let rows = keys(catalog, group, map)
                .into_iter()
                .map(|(id, cell)| {
                    (
                        format!("overdoses.{group}.{id}"),
                        overdose::key_label(group, id, catalog, lang),
                        count(cell, lang),
                        show(b.get(id).copied()),
                        show(c.get(id).copied()),
                    )
                })
                .collect();
            (group, rows)
        })
        .collect();
    let title = Msg::ReportOverdoses.text(lang);
    rsx! {
        h2 { "{title}" }
        {table(lang, title, Msg::ReportQuantity.text(lang), heads, &month_headers)}
        for (group, rows) in groups {
            {table(lang, overdose::group_title(group, lang), Msg::ReportOverdoseCount.text(lang), rows, &month_headers)}
        }
    }
}

/// A group's keys in the form's or the catalog's order.
fn keys<'a>(
    catalog: &Catalog,
    group: &str,
    map: &'a BTreeMap<String, Cell>,
) -> Vec<(&'a str, Cell)> {
    let mut rows: Vec<(&String, &Cell)> = match overdose::group_section(group) {
        Some(section) => ordered(catalog, section, map),
        None => map.iter().collect(),
    };
    if overdose::group_section(group).is_none() {
        rows.sort_by_key(|(id, _)| overdose::choice_rank(group, id));
    }
    rows.into_iter()
        .map(|(id, &cell)| (id.as_str(), cell))
        .collect()
}

pub(super) fn table(
    lang: Lang,
    title: &str,
    measure: &str,
    rows: Vec<Row>,
    month_headers: &impl Fn() -> Element,
) -> Element {
    rsx! {
        h3 { "{title}" }
        if rows.is_empty() {
            p { {Msg::ReportNothing.text(lang)} }
        } else {
            table { class: "figures",
                caption { "{title} — {measure}" }
                thead {
                    tr {
                        th { scope: "col", {crate::dashboard::words::Word::ReportItem.text(lang)} }
                        {month_headers()}
                    }
                }
                tbody {
                    for (key, label, a, b, c) in rows {
                        tr {
                            th { scope: "row", "{label}" }
                            td { class: "n", "data-figure": "{key}", "{a}" }
                            td { class: "n", "{b}" }
                            td { class: "n", "{c}" }
                        }
                    }
                }
            }
        }
    }
}
