//! The report page's tables, written from the report's sheet (the same
//! tables as the spreadsheet CSV): each figure beside the comparison
//! periods, a server-drawn SVG bar chart under the materials and the
//! zones.

use super::words::Word;
use crate::domain::catalog::Section;
use crate::domain::i18n::{Lang, Msg};
use crate::domain::report::figures::shown;
use crate::domain::report::markdown::{Names, count};
use crate::domain::report::sheet::{Kind, Row, Sheet, Table, Value};
use crate::domain::report::{Axis, Cell, Measure};
use dioxus::prelude::*;

/// A row's cells: each with the JSON path it carries, if any, and its text.
type Cells = Vec<(Option<String>, String)>;

/// Shown where a comparison period has no such figure.
const NOT_COMPARED: &str = "—";

fn text(value: Value, lang: Lang) -> String {
    match value {
        Value::Figure(unit, cell) => shown(unit, cell, lang),
        Value::NotCompared => NOT_COMPARED.to_string(),
    }
}

/// Every table of the sheet, in order.
pub fn tables(sheet: &Sheet, lang: Lang) -> Element {
    rsx! {
        for table in sheet.tables.iter() {
            {one(table, &sheet.names, lang)}
        }
    }
}

fn one(table: &Table, names: &Names, lang: Lang) -> Element {
    match table.kind {
        Kind::KeyFigures => key_figures(table, names, lang),
        Kind::Counts(section) => {
            let chart = (section == Section::Materials && !table.rows.is_empty())
                .then(|| chart(names, lang, &table.title, &bars(table)));
            rsx! {
                h2 { "{table.title}" }
                {plain(table, names, lang)}
                {chart}
            }
        }
        Kind::Breakdown(axis) => breakdown(table, axis, names, lang),
        Kind::Heads => {
            let section = table.section.clone().unwrap_or_default();
            rsx! {
                h2 { "{section}" }
                h3 { "{table.title}" }
                {plain(table, names, lang)}
            }
        }
        Kind::Group => rsx! {
            h3 { "{table.title}" }
            {plain(table, names, lang)}
        },
        Kind::Section => rsx! {
            h2 { "{table.title}" }
            {plain(table, names, lang)}
        },
    }
}

fn period_headers(names: &Names) -> Element {
    let (this, previous, last) = (&names.this, &names.previous, &names.last_year);
    rsx! {
        th { scope: "col", class: "n", "{this}" }
        th { scope: "col", class: "n", "{previous}" }
        th { scope: "col", class: "n", "{last}" }
    }
}

/// A row's label and its three periods, this one's with its JSON path
/// (a total has none).
fn row(r: &Row, lang: Lang) -> Element {
    let key = (!r.key.is_empty()).then(|| r.key.clone());
    let class = r.key.is_empty().then_some("total");
    let mut values = r.values.iter().map(|v| text(*v, lang));
    let (a, b, c) = (
        values.next().unwrap_or_default(),
        values.next().unwrap_or_default(),
        values.next().unwrap_or_default(),
    );
    rsx! {
        tr { class,
            th { scope: "row", "{r.label}" }
            td { class: "n", "data-figure": key, "{a}" }
            td { class: "n", "{b}" }
            td { class: "n", "{c}" }
        }
    }
}

fn key_figures(table: &Table, names: &Names, lang: Lang) -> Element {
    let measure = table.measures.first().cloned().unwrap_or_default();
    rsx! {
        h2 { id: "key-figures", "{table.title}" }
        // Named by the heading above it rather than a caption that would
        // say the same words twice.
        table { class: "figures", "aria-labelledby": "key-figures",
            thead {
                tr {
                    th { scope: "col", "{measure}" }
                    {period_headers(names)}
                }
            }
            tbody {
                for r in table.rows.iter() {
                    {row(r, lang)}
                }
            }
        }
        p { class: "hint", {Msg::ReportEstimates.text(lang)} }
    }
}

/// A table of one measure, or the sentence saying there is nothing.
fn plain(table: &Table, names: &Names, lang: Lang) -> Element {
    let caption = table.caption();
    rsx! {
        if table.rows.is_empty() {
            p { {Msg::ReportNothing.text(lang)} }
        } else {
            table { class: "figures",
                caption { "{caption}" }
                thead {
                    tr {
                        th { scope: "col", {Word::ReportItem.text(lang)} }
                        {period_headers(names)}
                    }
                }
                tbody {
                    for r in table.rows.iter() {
                        {row(r, lang)}
                    }
                }
            }
        }
    }
}

fn breakdown(table: &Table, axis: Axis, names: &Names, lang: Lang) -> Element {
    // This period's cells (the first of each measure's three) carry their
    // JSON path, for scripts and tests.
    let rows: Vec<(String, bool, Cells)> = table
        .rows
        .iter()
        .map(|r| {
            let cells = r
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let key = (i % 3 == 0 && !r.key.is_empty())
                        .then(|| format!("{}.{}", r.key, Measure::ALL[i / 3].key()));
                    (key, text(*v, lang))
                })
                .collect();
            (r.label.clone(), r.key.is_empty(), cells)
        })
        .collect();
    let chart = (axis == Axis::Zone).then(|| {
        let what = format!("{} — {}", table.title, Msg::ReportContacts.text(lang));
        chart(names, lang, &what, &bars(table))
    });
    let measures = table.measures.clone();
    rsx! {
        h2 { "{table.title}" }
        table { class: "figures",
            caption { "{table.title}" }
            thead {
                tr {
                    td {}
                    for m in measures {
                        th { scope: "colgroup", colspan: "3", class: "n", "{m}" }
                    }
                }
                tr {
                    th { scope: "col", {Word::ReportItem.text(lang)} }
                    for _ in Measure::ALL {
                        {period_headers(names)}
                    }
                }
            }
            tbody {
                for (label, total, cells) in rows {
                    tr { class: total.then_some("total"),
                        th { scope: "row", "{label}" }
                        for (key, value) in cells {
                            td { class: "n", "data-figure": key, "{value}" }
                        }
                    }
                }
            }
        }
        {chart}
    }
}

/// Each row's label and this period's first figure, totals left out.
fn bars(table: &Table) -> Vec<(String, Cell)> {
    table
        .rows
        .iter()
        .filter(|r| !r.key.is_empty())
        .map(|r| {
            let cell = match r.values.first() {
                Some(Value::Figure(_, cell)) => *cell,
                _ => Cell::Missing,
            };
            (r.label.clone(), cell)
        })
        .collect()
}

/// Horizontal bars, one per row, the number written after each bar; a
/// suppressed count draws no bar and shows its marker. The label column
/// is as wide as the longest label needs ("Bandelettes de détection du
/// fentanyl" was cut at a fixed width), counting 8 px a character at 14 px
/// (Liberation Sans averages under 7), within 120 to 420 px.
fn chart(names: &Names, lang: Lang, what: &str, bars: &[(String, Cell)]) -> Element {
    const ROW: usize = 26;
    const SPAN: usize = 340;
    let longest = bars
        .iter()
        .map(|(name, _)| name.chars().count())
        .max()
        .unwrap_or(0);
    let label_width = (longest * 8 + 16).clamp(120, 420);
    let width = label_width + SPAN + 70;
    let label = Word::ReportChart.fill(lang, &[("what", &what), ("month", &names.this)]);
    let max = bars
        .iter()
        .filter_map(|(_, c)| c.count())
        .max()
        .unwrap_or(0)
        .max(1);
    let height = bars.len() * ROW + 4;
    let rows: Vec<(usize, String, usize, String)> = bars
        .iter()
        .enumerate()
        .map(|(i, (name, cell))| {
            let n = cell.count().unwrap_or(0);
            let bar = (n as usize * SPAN).div_ceil(max as usize);
            (i * ROW, name.clone(), bar, count(*cell, lang))
        })
        .collect();
    rsx! {
        svg {
            class: "chart",
            role: "img",
            "aria-label": "{label}",
            width: "{width}",
            height: "{height}",
            view_box: "0 0 {width} {height}",
            xmlns: "http://www.w3.org/2000/svg",
            title { "{label}" }
            for (y, name, bar, value) in rows {
                g {
                    text { x: "{label_width - 8}", y: "{y + 18}", text_anchor: "end", font_size: "14", fill: "currentColor", "{name}" }
                    rect { x: "{label_width}", y: "{y + 4}", width: "{bar}", height: "{ROW - 8}", fill: "currentColor", opacity: "0.7" }
                    text { x: "{label_width + bar + 6}", y: "{y + 18}", font_size: "14", fill: "currentColor", "{value}" }
                }
            }
        }
    }
}
