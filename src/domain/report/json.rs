//! The JSON form of a month's report (`--format json`): exactly the fields
//! and names of [`MonthTally`], which scripts and funders' templates read.
//!
//! A published count is a JSON number; `<5` and `x` are the strings
//! [`Cell::SMALL`] and [`Cell::HIDDEN`]. Unsuppressed, the output is the
//! tally's own serialization, number for number (a test holds it to that).
//! Built by hand rather than through serde so that it cannot fail.

use super::published::{BreakdownCells, Cell, PublishedTally, SummaryCells};
use super::suppress::publish;
use super::tally::MonthTally;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The report as JSON, with `--suppress` applied when asked.
pub fn to_json(tally: &MonthTally, suppress: bool) -> Value {
    render(&publish(tally, suppress))
}

/// The JSON of an already published tally.
pub fn render(p: &PublishedTally) -> Value {
    let mut out = Map::new();
    out.insert("month".into(), Value::String(p.month.clone()));
    let heads = [
        ("contacts", p.contacts),
        ("people_reached", p.people_reached),
        ("contacts_with_code", p.contacts_with_code),
        ("contacts_without_code", p.contacts_without_code),
        ("unique_people", p.unique_people),
        ("new_people", p.new_people),
        ("returning_people", p.returning_people),
        ("returned_syringes", p.returned_syringes),
    ];
    for (name, value) in heads {
        out.insert(name.into(), cell(value));
    }
    out.insert("materials".into(), counts(&p.materials));
    out.insert("referrals".into(), counts(&p.referrals));
    out.insert("interventions".into(), counts(&p.interventions));
    out.insert("by_zone".into(), rows(&p.by_zone));
    out.insert("by_age_band".into(), rows(&p.by_age_band));
    out.insert("by_gender".into(), rows(&p.by_gender));
    out.insert("previous_month".into(), summary(&p.previous_month));
    out.insert(
        "same_month_last_year".into(),
        summary(&p.same_month_last_year),
    );
    let mut overdoses = Map::new();
    for (name, value) in p.overdoses.heads() {
        overdoses.insert(name.into(), cell(value));
    }
    for (name, map) in p.overdoses.groups() {
        overdoses.insert(name.into(), counts(map));
    }
    out.insert("overdoses".into(), Value::Object(overdoses));
    for figures in [&p.field_work, &p.details] {
        let mut section = Map::new();
        for head in &figures.heads {
            section.insert(head.name.into(), cell(head.cell));
        }
        for group in &figures.groups {
            section.insert(group.name.into(), counts(&group.cells));
        }
        out.insert(figures.name.into(), Value::Object(section));
    }
    Value::Object(out)
}

/// A count as a number, a marker as a string.
pub fn cell(cell: Cell) -> Value {
    match (cell.count(), cell.marker()) {
        (Some(n), _) => Value::from(n),
        (None, marker) => Value::from(marker.unwrap_or(Cell::HIDDEN)),
    }
}

fn counts(map: &BTreeMap<String, Cell>) -> Value {
    Value::Object(map.iter().map(|(id, &c)| (id.clone(), cell(c))).collect())
}

fn rows(map: &BTreeMap<String, BreakdownCells>) -> Value {
    let row = |r: &BreakdownCells| {
        let mut out = Map::new();
        out.insert("contacts".into(), cell(r.contacts));
        out.insert("people_reached".into(), cell(r.people_reached));
        Value::Object(out)
    };
    Value::Object(map.iter().map(|(id, r)| (id.clone(), row(r))).collect())
}

fn summary(s: &SummaryCells) -> Value {
    let mut out = Map::new();
    out.insert("contacts".into(), cell(s.contacts));
    out.insert("people_reached".into(), cell(s.people_reached));
    out.insert("unique_people".into(), cell(s.unique_people));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::fixtures::sample;
    use serde_json::json;

    #[test]
    fn unsuppressed_json_is_the_tally_itself_field_for_field() {
        let tally = sample();
        let expected = serde_json::to_value(&tally).expect("a tally serializes");
        assert_eq!(to_json(&tally, false), expected);
    }

    #[test]
    fn suppressed_json_keeps_the_names_and_writes_markers_as_strings() {
        let value = to_json(&sample(), true);
        assert_eq!(value["month"], json!("2026-03"));
        assert_eq!(value["contacts"], json!(40));
        assert_eq!(
            value["materials"],
            json!({"seringues": 400, "condoms": "<5"})
        );
        assert_eq!(value["referrals"], json!({"clsc": 0}));
        assert_eq!(
            value["by_zone"],
            json!({
                "gatineau": {"contacts": 30, "people_reached": 40},
                "papineau": {"contacts": "x", "people_reached": "x"},
                "pontiac": {"contacts": "<5", "people_reached": "<5"},
            })
        );
        assert_eq!(
            value["previous_month"],
            json!({"contacts": 35, "people_reached": 44, "unique_people": "<5"})
        );
        assert_eq!(
            value["same_month_last_year"],
            json!({"contacts": 0, "people_reached": 0, "unique_people": 0})
        );
        let names = |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
        let exact = serde_json::to_value(sample()).expect("a tally serializes");
        assert_eq!(names(&value), names(&exact));
    }
}
