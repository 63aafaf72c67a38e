//! The monthly report's field work: outings, hours in the field, contacts
//! made during outings, then outings by zone and (internal version only)
//! the safety incidents by type, each beside the comparison months.

use super::report_overdoses::{Row, table};
use crate::domain::Catalog;
use crate::domain::i18n::{Lang, Msg};
use crate::domain::report::Cell;
use crate::domain::report::field_work::{self, PublishedFieldWork};
use crate::domain::report::markdown::{count, ordered};
use dioxus::prelude::*;

pub fn section(
    lang: Lang,
    catalog: &Catalog,
    [this, previous, last_year]: [&PublishedFieldWork; 3],
    month_headers: impl Fn() -> Element,
    not_compared: &str,
) -> Element {
    let show =
        |cell: Option<Cell>| cell.map_or_else(|| not_compared.to_string(), |c| count(c, lang));
    let show_head = |name: &str, cell: Option<Cell>| {
        cell.map_or_else(
            || not_compared.to_string(),
            |c| field_work::shown(name, c, lang),
        )
    };
    let find = |of: &PublishedFieldWork, name: &str| {
        of.heads.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
    };
    let heads: Vec<Row> = this
        .heads
        .iter()
        .map(|&(name, cell)| {
            (
                format!("field_work.{name}"),
                field_work::head_label(name, lang).to_string(),
                field_work::shown(name, cell, lang),
                show_head(name, find(previous, name)),
                show_head(name, find(last_year, name)),
            )
        })
        .collect();
    let group_of = |of: &PublishedFieldWork, group: &str, id: &str| {
        of.groups
            .iter()
            .find(|(g, _)| *g == group)
            .and_then(|(_, map)| map.get(id).copied())
    };
    let groups: Vec<(&'static str, Vec<Row>)> = this
        .groups
        .iter()
        .map(|(group, map)| {
            let rows = ordered(catalog, field_work::group_section(group), map)
                .into_iter()
                .map(|(id, &cell)| {
                    (
                        format!("field_work.{group}.{id}"),
                        field_work::key_label(group, id, catalog, lang),
                        count(cell, lang),
                        show(group_of(previous, group, id)),
                        show(group_of(last_year, group, id)),
                    )
                })
                .collect();
            (*group, rows)
        })
        .collect();
    let title = Msg::ReportFieldWork.text(lang);
    rsx! {
        h2 { "{title}" }
        {table(lang, title, Msg::ReportQuantity.text(lang), heads, &month_headers)}
        for (group, rows) in groups {
            {table(lang, field_work::group_title(group, lang), field_work::group_measure(group, lang), rows, &month_headers)}
        }
    }
}
