//! The CSV form of a month's report (`--format csv`): one row per figure,
//! in a long layout that a spreadsheet opens, filters and pivots cleanly.
//!
//! ```text
//! month,section,key,measure,value,previous_month,same_month_last_year
//! 2026-03,totals,,contacts,40,35,0
//! 2026-03,totals,,contacts_with_code,30,,
//! 2026-03,materials,condoms,quantity,<5,,
//! 2026-03,referrals,clsc,contacts,0,,
//! 2026-03,by_zone,papineau,contacts,x,,
//! 2026-03,by_zone,papineau,people_reached,x,,
//! ```
//!
//! - `month` on every row, so that months can be stacked in one sheet: the
//!   period's canonical text (`2026-03`, `2026-Q3`, `FY2026-2027`,
//!   `2026-04-01..2026-04-15`; the column keeps its first release's name).
//! - `section`: `totals`, `materials`, `referrals`, `interventions`,
//!   `by_zone`, `by_age_band`, `by_gender`, then the overdose responses:
//!   `overdoses` (their head figures, the measure naming each) and one
//!   `overdoses_<group>` per group (`overdoses_by_outcome`, …, measure
//!   `responses`), then the field work: `field_work` (its head figures)
//!   and `field_work_<group>` (`field_work_by_zone`, and in the internal
//!   version `field_work_incidents`, measure `count`); its times are minutes;
//!   then `details` (naloxone kits described, people trained) and
//!   `details_<group>`: `details_by_mode` and `details_by_location_type`
//!   (measure `contacts`), `details_materials_for_others` (`quantity`),
//!   `details_kits_by_form` and `details_kits_by_supply` (`kits`).
//! - `key`: the catalog id (empty for totals); ids are slugs, never labels,
//!   so a sheet keeps working when a label is renamed.
//! - `measure`: what is counted, named as in the JSON: a total's field name;
//!   `quantity` for materials; `contacts` for referrals and interventions
//!   (contacts with that referral); `contacts` and `people_reached`, one row
//!   each, for a breakdown row.
//! - `value`: the count, or `<5` or `x` as in the JSON.
//! - `previous_month`, `same_month_last_year`: filled only for the three
//!   figures the comparison months have (contacts, people reached, unique
//!   people); empty means "not compared", never zero; `n.d.` that the
//!   comparison period has no figure (no data held yet then).
//!
//! The JSON path of a value: `<measure>` for totals (`previous_month.<measure>`
//! for the comparison columns), `<section>.<key>` for materials, referrals
//! and interventions, `<section>.<key>.<measure>` for breakdowns,
//! `overdoses.<measure>` and `overdoses.<group>.<key>` for overdoses, and
//! the same for `field_work` and `details`. Every
//! field is ASCII, so no spreadsheet misreads the encoding.
//!
//! Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a
//! formula. The text columns (`month` to `measure`) go through
//! [`spreadsheet_text`], which puts an apostrophe before such a start;
//! the counts are written as they are. Today's text is all program names
//! and catalog slugs (which start with a letter or digit), so nothing
//! changes; the rule is there so that no later text column can carry a
//! formula into a funder's spreadsheet.

use super::published::{Axis, Cell, Measure, PublishedTally, Threshold};
use super::suppress::publish;
use super::tally::Tally;
use crate::domain::escape::spreadsheet_text;
use std::collections::BTreeMap;

/// The columns, in order.
pub const HEADER: [&str; 7] = [
    "month",
    "section",
    "key",
    "measure",
    "value",
    "previous_month",
    "same_month_last_year",
];

/// Why the CSV could not be written. Writing to memory does not fail in
/// practice; the `csv` crate's API says it may, and a report never panics.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("could not write the CSV report: {0}")]
    Write(#[from] csv::Error),
}

/// The report as CSV, with `--suppress` applied when asked.
pub fn to_csv(tally: &Tally, suppress: Option<Threshold>) -> Result<String, CsvError> {
    render(&publish(tally, suppress))
}

/// The CSV of an already published tally.
pub fn render(p: &PublishedTally) -> Result<String, CsvError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER)?;
    let mut row =
        |section: &str, key: &str, measure: &str, value: Cell, compared: [Option<Cell>; 2]| {
            let [previous, last_year] =
                compared.map(|c| c.map(|c| c.to_string()).unwrap_or_default());
            let text = [p.period.as_str(), section, key, measure].map(spreadsheet_text);
            let [month, section, key, measure] = text.each_ref().map(|t| t.as_ref());
            out.write_record([
                month,
                section,
                key,
                measure,
                &value.to_string(),
                &previous,
                &last_year,
            ])
        };
    let (prev, last) = (&p.previous, &p.last_year);
    let totals = [
        (
            "contacts",
            p.contacts,
            [Some(prev.contacts), Some(last.contacts)],
        ),
        (
            "people_reached",
            p.people_reached,
            [Some(prev.people_reached), Some(last.people_reached)],
        ),
        ("contacts_with_code", p.contacts_with_code, [None, None]),
        (
            "contacts_without_code",
            p.contacts_without_code,
            [None, None],
        ),
        (
            "unique_people",
            p.unique_people,
            [Some(prev.unique_people), Some(last.unique_people)],
        ),
        ("new_people", p.new_people, [None, None]),
        ("returning_people", p.returning_people, [None, None]),
        ("returned_syringes", p.returned_syringes, [None, None]),
    ];
    for (measure, value, compared) in totals {
        row("totals", "", measure, value, compared)?;
    }
    let maps: [(&str, &str, &BTreeMap<String, Cell>); 3] = [
        ("materials", "quantity", &p.materials),
        ("referrals", "contacts", &p.referrals),
        ("interventions", "contacts", &p.interventions),
    ];
    for (section, measure, map) in maps {
        for (id, &value) in map {
            row(section, id, measure, value, [None, None])?;
        }
    }
    for axis in Axis::ALL {
        for (id, cells) in p.breakdown(axis) {
            for measure in Measure::ALL {
                row(
                    axis.key(),
                    id,
                    measure.key(),
                    cells.get(measure),
                    [None, None],
                )?;
            }
        }
    }
    for (measure, value) in p.overdoses.heads() {
        row("overdoses", "", measure, value, [None, None])?;
    }
    for (group, map) in p.overdoses.groups() {
        for (id, &value) in map {
            row(
                &format!("overdoses_{group}"),
                id,
                "responses",
                value,
                [None, None],
            )?;
        }
    }
    for figures in [&p.field_work, &p.details] {
        for head in &figures.heads {
            row(figures.name, "", head.name, head.cell, [None, None])?;
        }
        for group in &figures.groups {
            let section = format!("{}_{}", figures.name, group.name);
            for (id, &value) in &group.cells {
                row(&section, id, group.measure.1, value, [None, None])?;
            }
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    // Every field came from a `String`, so the bytes are UTF-8.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::fixtures::sample;
    use crate::domain::report::json::to_json;
    use serde_json::Value;

    /// The JSON value a CSV row stands for, as the module doc maps it.
    fn json_at<'a>(json: &'a Value, section: &str, key: &str, measure: &str) -> &'a Value {
        match section {
            "totals" => &json[measure],
            "materials" | "referrals" | "interventions" => &json[section][key],
            "overdoses" => &json["overdoses"][measure],
            "field_work" | "details" => &json[section][measure],
            _ if section.starts_with("field_work_") => {
                &json["field_work"][&section["field_work_".len()..]][key]
            }
            _ if section.starts_with("details_") => {
                &json["details"][&section["details_".len()..]][key]
            }
            _ if section.starts_with("overdoses_") => {
                &json["overdoses"][&section["overdoses_".len()..]][key]
            }
            _ => &json[section][key][measure],
        }
    }

    fn as_field(value: &Value) -> String {
        match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    fn parse(text: &str) -> Vec<csv::StringRecord> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            reader
                .headers()
                .expect("a header")
                .iter()
                .collect::<Vec<_>>(),
            HEADER
        );
        reader
            .records()
            .map(|r| r.expect("a well-formed row"))
            .collect()
    }

    #[test]
    fn every_csv_row_parses_back_to_the_same_figure_as_the_json() {
        for suppress in [None, Some(Threshold::Five), Some(Threshold::Ten)] {
            let tally = sample();
            let json = to_json(&tally, suppress);
            let rows = parse(&to_csv(&tally, suppress).expect("csv"));
            // 8 totals, 2 + 1 + 1 catalog counts, 2 measures x (3 + 1 + 1)
            // rows; 6 overdose figures, 3 outcomes and 1 call.
            // 5 field-work figures, 6 with the internal one's incidents;
            // 2 details heads, 2 modes, 1 material for others, 1 form.
            let field_work = if suppress.is_some() { 5 } else { 6 };
            assert_eq!(
                rows.len(),
                8 + 4 + 10 + 6 + 4 + field_work + 6,
                "one row per figure"
            );
            for row in &rows {
                let (section, key, measure) = (&row[1], &row[2], &row[3]);
                assert_eq!(&row[0], "2026-03");
                let expected = json_at(&json, section, key, measure);
                assert!(
                    !expected.is_null(),
                    "{section}/{key}/{measure} is not in the JSON"
                );
                assert_eq!(row[4], as_field(expected), "{section}/{key}/{measure}");
                for (column, month) in [(5, "previous_month"), (6, "same_month_last_year")] {
                    match &json[month][measure] {
                        compared if section == "totals" && !compared.is_null() => {
                            assert_eq!(row[column], as_field(compared), "{month}.{measure}")
                        }
                        _ => assert_eq!(&row[column], "", "{section}/{key}/{measure}"),
                    }
                }
            }
        }
    }

    #[test]
    fn a_text_cell_that_starts_like_a_formula_is_neutralized_and_counts_are_not() {
        let mut tally = sample();
        tally
            .materials
            .insert("=HYPERLINK(\"http://evil\",\"x\")".into(), 3);
        tally.materials.insert("-cmd".into(), 1_234);
        let rows = parse(&to_csv(&tally, None).expect("csv"));
        let row = |key: &str| {
            rows.iter()
                .find(|r| &r[2] == key)
                .unwrap_or_else(|| panic!("no row {key}"))
        };
        assert_eq!(&row("'=HYPERLINK(\"http://evil\",\"x\")")[4], "3");
        assert_eq!(&row("'-cmd")[4], "1234");
        assert_eq!(&row("seringues")[4], "400", "a slug is left alone");
        for row in &rows {
            for cell in row.iter().take(4) {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{row:?}"
                );
            }
        }
    }

    #[test]
    fn suppressed_csv_writes_the_same_markers_as_the_json() {
        let text = to_csv(&sample(), Some(Threshold::Five)).expect("csv");
        assert!(
            text.contains("2026-03,totals,,contacts,40,35,0\n"),
            "{text}"
        );
        assert!(
            text.contains("2026-03,totals,,unique_people,21,<5,0\n"),
            "{text}"
        );
        assert!(
            text.contains("2026-03,materials,condoms,quantity,<5,,\n"),
            "{text}"
        );
        assert!(
            text.contains("2026-03,by_zone,papineau,contacts,x,,\n"),
            "{text}"
        );
        assert!(
            text.contains("2026-03,by_zone,pontiac,people_reached,<5,,\n"),
            "{text}"
        );
        assert!(
            text.contains("2026-03,referrals,clsc,contacts,0,,\n"),
            "{text}"
        );
        let plain = to_csv(&sample(), None).expect("csv");
        assert!(
            plain.contains("2026-03,by_zone,pontiac,people_reached,1,,\n"),
            "{plain}"
        );
        assert!(!plain.contains("<5") && !plain.contains(",x,"), "{plain}");
    }
}
