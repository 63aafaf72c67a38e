//! The JSON form of a month's report (`--format json`): exactly the fields
//! and names of [`Tally`], which scripts and funders' templates read.
//!
//! A published count is a JSON number; `<5` and `x` are the strings
//! [`Threshold::marker`] and [`Cell::HIDDEN`]. Unsuppressed, the output is the
//! tally's own serialization, number for number (a test holds it to that).
//! Built by hand rather than through serde so that it cannot fail.

use super::published::{BreakdownCells, Cell, PublishedTally, SummaryCells, Threshold};
use super::suppress::publish;
use super::tally::{Tally, YearMonth};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The report as JSON, with `--suppress` applied when asked.
pub fn to_json(tally: &Tally, suppress: Option<Threshold>) -> Value {
    render(&publish(tally, suppress))
}

/// The JSON of an already published tally.
pub fn render(p: &PublishedTally) -> Value {
    let mut out = Map::new();
    for (name, text) in [("period", &p.period), ("from", &p.from), ("to", &p.to)] {
        out.insert(name.into(), Value::String(text.clone()));
    }
    // The month-only release's names, which scripts read, for a month.
    let month = YearMonth::parse(&p.period).is_some();
    if month {
        out.insert("month".into(), Value::String(p.period.clone()));
    }
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
    for (name, month_name, compared) in [
        ("previous_period", "previous_month", &p.previous),
        (
            "same_period_last_year",
            "same_month_last_year",
            &p.last_year,
        ),
    ] {
        let mut figures = summary(compared);
        if month {
            out.insert(month_name.into(), Value::Object(figures.clone()));
        }
        figures.insert("period".into(), Value::String(compared.period.clone()));
        out.insert(name.into(), Value::Object(figures));
    }
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

/// A count as a number, a marker as a string, no figure as null.
pub fn cell(cell: Cell) -> Value {
    match (cell, cell.count(), cell.marker()) {
        (Cell::Missing, _, _) => Value::Null,
        (_, Some(n), _) => Value::from(n),
        (_, None, marker) => Value::from(marker.unwrap_or(Cell::HIDDEN)),
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

fn summary(s: &SummaryCells) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("contacts".into(), cell(s.contacts));
    out.insert("people_reached".into(), cell(s.people_reached));
    out.insert("unique_people".into(), cell(s.unique_people));
    out
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
        let json = to_json(&tally, None);
        for (name, value) in expected.as_object().unwrap() {
            match name.as_str() {
                "previous" | "last_year" => {}
                "people_unknown" => assert!(json.get(name).is_none()),
                _ => assert_eq!(&json[name], value, "{name}"),
            }
        }
        let figures = &expected["previous"]["figures"];
        for name in ["previous_month", "previous_period"] {
            for measure in ["contacts", "people_reached", "unique_people"] {
                assert_eq!(json[name][measure], figures[measure], "{name}.{measure}");
            }
        }
        assert_eq!(json["previous_period"]["period"], "2026-02");
        assert_eq!(json["month"], "2026-03");
        assert_eq!(
            (json["from"].as_str(), json["to"].as_str()),
            (Some("2026-03-01"), Some("2026-03-31"))
        );
    }

    #[test]
    fn a_comparison_without_data_is_null_and_a_quarter_has_no_month_names() {
        let mut tally = sample();
        tally.period = "2026-Q1".into();
        tally.last_year.figures = None;
        tally.people_unknown = true;
        let json = to_json(&tally, Some(Threshold::Five));
        assert!(json.get("month").is_none() && json.get("previous_month").is_none());
        assert_eq!(
            json["same_period_last_year"],
            json!({"period": "2025-03", "contacts": null, "people_reached": null, "unique_people": null})
        );
        assert_eq!(json["unique_people"], Value::Null);
        assert_eq!(json["contacts"], json!(40));
    }

    #[test]
    fn suppressed_json_keeps_the_names_and_writes_markers_as_strings() {
        let value = to_json(&sample(), Some(Threshold::Five));
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
        assert_eq!(names(&value), names(&to_json(&sample(), None)));
    }
}
