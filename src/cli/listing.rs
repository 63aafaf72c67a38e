//! How `tournee device` shows records, status and the catalog: plain text
//! for a person, JSON for scripts. Person codes are never printed; a record
//! only says whether it has one. Labels come from the server's signed
//! catalog; they are printed with control characters escaped all the
//! same, as every message is.

use crate::device::{Listed, Status};
use crate::domain::escape::printable;
use crate::domain::i18n::{Lang, Msg, counted, tr};
use crate::domain::{Catalog, Record, Section};
use serde_json::Value;
use std::fmt::Write;

pub fn records_json(records: &[Listed]) -> String {
    let rows: Vec<Value> = records
        .iter()
        .map(|listed| {
            let mut value = serde_json::to_value(&listed.record).expect("records serialize");
            if let Value::Object(map) = &mut value {
                let had_code = map.remove("person_code").is_some();
                if matches!(listed.record, Record::Contact(_)) {
                    map.insert("has_code".into(), Value::Bool(had_code));
                }
                if !matches!(listed.record, Record::Void(_)) {
                    map.insert("voided".into(), Value::Bool(listed.voided));
                    map.insert("sent".into(), Value::Bool(listed.delivered));
                }
            }
            value
        })
        .collect();
    serde_json::to_string_pretty(&rows).expect("json")
}

pub fn records_text(records: &[Listed], catalog: &Catalog, lang: Lang) -> String {
    if records.is_empty() {
        return format!("{}\n", Msg::ListEmpty.text(lang));
    }
    let mut out = String::new();
    for listed in records {
        match &listed.record {
            Record::Contact(c) => {
                let materials: Vec<String> = c
                    .materials
                    .iter()
                    .map(|(id, qty)| {
                        format!(
                            "{} ×{}",
                            printable(catalog.label(Section::Materials, id.as_str(), lang)),
                            qty.get()
                        )
                    })
                    .collect();
                let mut line = format!(
                    "{}  {}  {}  {} {}  {}",
                    c.occurred_at.format("%Y-%m-%d %H:%M"),
                    printable(catalog.label(Section::Zones, c.zone.as_str(), lang)),
                    c.kind.label(lang),
                    c.people_count.get(),
                    Msg::People.text(lang),
                    printable(catalog.label(Section::AgeBands, c.age_band.as_str(), lang)),
                );
                if !materials.is_empty() {
                    let _ = write!(line, "  {}", materials.join(", "));
                }
                if c.person_code.is_some() {
                    let _ = write!(line, "  [{}]", Msg::WithCode.text(lang));
                }
                state_tags(&mut line, listed, lang);
                let _ = writeln!(out, "{line}  {}", c.record_id);
            }
            Record::Overdose(o) => {
                let mut line = format!(
                    "{}  {}  {}  {}  {}",
                    o.occurred_at.format("%Y-%m-%d %H:%M"),
                    Msg::OverdoseResponse.text(lang),
                    printable(catalog.label(Section::Zones, o.zone.as_str(), lang)),
                    counted(
                        lang,
                        o.doses().into(),
                        Msg::NaloxoneDose,
                        Msg::NaloxoneDoses
                    ),
                    o.outcome.label(lang),
                );
                state_tags(&mut line, listed, lang);
                let _ = writeln!(out, "{line}  {}", o.record_id);
            }
            Record::Shift(s) => {
                let mut line = format!(
                    "{}  {}",
                    s.started_at.format("%Y-%m-%d"),
                    printable(&s.summary(catalog, lang))
                );
                state_tags(&mut line, listed, lang);
                let _ = writeln!(out, "{line}  {}", s.record_id);
            }
            Record::Incident(i) => {
                let mut line = format!(
                    "{}  {}",
                    i.occurred_at.format("%Y-%m-%d"),
                    printable(&i.summary(catalog, lang))
                );
                state_tags(&mut line, listed, lang);
                let _ = writeln!(out, "{line}  {}", i.record_id);
            }
            Record::Void(v) => {
                let what = tr(lang, Msg::VoidOf, &[("value", &v.target)]);
                let _ = writeln!(
                    out,
                    "{}  {what}  {}",
                    v.voided_at.format("%Y-%m-%d %H:%M"),
                    v.record_id
                );
            }
        }
    }
    out
}

/// "[envoyé]", "[retiré]" after a record's line, as they apply.
fn state_tags(line: &mut String, listed: &Listed, lang: Lang) {
    if listed.delivered {
        let _ = write!(line, "  [{}]", Msg::AppSent.text(lang));
    }
    if listed.voided {
        let _ = write!(line, "  [{}]", Msg::Voided.text(lang));
    }
}

pub fn status_json(status: &Status) -> String {
    serde_json::to_string_pretty(status).expect("json")
}

pub fn status_text(status: &Status, lang: Lang) -> String {
    let mut lines = status.sync_lines(lang, str::to_string);
    if let Some(problem) = &status.last_error {
        lines.push(tr(lang, Msg::StatusLastError, &[("value", problem)]));
    }
    lines.push(match (&status.server, &status.device_id) {
        (Some(server), Some(id)) => tr(lang, Msg::StatusServer, &[("value", server), ("id", id)]),
        _ => Msg::StatusNotEnrolled.text(lang).to_string(),
    });
    lines.push(tr(
        lang,
        Msg::StatusToday,
        &[
            ("count", &status.today.contacts),
            ("value", &status.today.people),
        ],
    ));
    lines.push(tr(
        lang,
        Msg::StatusCatalog,
        &[("value", &status.catalog_version)],
    ));
    lines.iter().map(|line| format!("{line}\n")).collect()
}

pub fn catalog_text(catalog: &Catalog, lang: Lang) -> String {
    let mut out = String::new();
    for section in Section::ALL {
        let _ = writeln!(out, "{}", section.title(lang));
        for entry in catalog.section(section) {
            let retired = if entry.active {
                String::new()
            } else {
                format!(" {}", Msg::Retired.text(lang))
            };
            let _ = writeln!(
                out,
                "  {:<28} {}{retired}",
                entry.id.as_str(),
                printable(entry.label(lang))
            );
        }
    }
    out
}
