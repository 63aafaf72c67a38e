//! The monthly report's sections told as figures (field work; modes,
//! places and naloxone): the head figures, then each group, every figure
//! beside the comparison months.

use super::report_overdoses::{Row, table};
use crate::domain::Catalog;
use crate::domain::i18n::{Lang, Msg};
use crate::domain::report::Cell;
use crate::domain::report::figures::{Figures, Unit, shown};
use dioxus::prelude::*;

pub fn section(
    lang: Lang,
    catalog: &Catalog,
    [this, previous, last_year]: [&Figures; 3],
    month_headers: impl Fn() -> Element,
    not_compared: &str,
) -> Element {
    let show = |unit: Unit, cell: Option<Cell>| {
        cell.map_or_else(|| not_compared.to_string(), |c| shown(unit, c, lang))
    };
    let name = this.name;
    let heads: Vec<Row> = this
        .heads
        .iter()
        .map(|head| {
            (
                format!("{name}.{}", head.name),
                head.label.text(lang).to_string(),
                shown(head.unit, head.cell, lang),
                show(head.unit, previous.head(head.name)),
                show(head.unit, last_year.head(head.name)),
            )
        })
        .collect();
    let groups: Vec<(&'static str, &'static str, Vec<Row>)> = this
        .groups
        .iter()
        .map(|group| {
            let rows = group
                .rows(catalog, lang)
                .into_iter()
                .map(|(id, label, cell)| {
                    (
                        format!("{name}.{}.{id}", group.name),
                        label,
                        shown(Unit::Count, cell, lang),
                        show(Unit::Count, previous.cell(group.name, id)),
                        show(Unit::Count, last_year.cell(group.name, id)),
                    )
                })
                .collect();
            (group.title.text(lang), group.measure.0.text(lang), rows)
        })
        .collect();
    let title = this.title.text(lang);
    rsx! {
        h2 { "{title}" }
        {table(lang, title, Msg::ReportQuantity.text(lang), heads, &month_headers)}
        for (group_title, measure, rows) in groups {
            {table(lang, group_title, measure, rows, &month_headers)}
        }
    }
}
