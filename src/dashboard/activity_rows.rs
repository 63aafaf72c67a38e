//! One line of the activity list for any record type: its type, zone,
//! a short description and where its detail is, in the reader's language.

use super::words::Word;
use crate::domain::i18n::{Lang, Msg, counted, tr};
use crate::domain::{Catalog, Section};
use crate::server::apply::prepare::EventFacts;
use crate::server::console::activity::{ActivityRow, RecordType, Stored};

/// What the list shows of a record.
pub struct Line {
    pub id: String,
    pub when: String,
    /// Where its detail is, when it has a page.
    pub href: Option<String>,
    pub kind: &'static str,
    pub zone: String,
    pub detail: String,
    pub voided: bool,
}

pub fn type_label(kind: RecordType, lang: Lang) -> &'static str {
    match kind {
        RecordType::Contact => Word::RecordContact,
        RecordType::Overdose => Word::RecordOverdose,
        RecordType::Shift => Word::RecordShift,
        RecordType::Incident => Word::RecordIncident,
    }
    .text(lang)
}

pub fn line(row: &ActivityRow, catalog: &Catalog, lang: Lang) -> Line {
    let id = row.record_id.to_string();
    let zone = |id: &str| catalog.label(Section::Zones, id, lang).to_string();
    let (kind, href, zone, detail) = match &row.stored {
        Stored::Contact(f) => (
            RecordType::Contact,
            Some(format!("/activity/{id}")),
            zone(&f.zone),
            [
                f.kind.label(lang).to_string(),
                counted(lang, f.people, Msg::PeopleOne, Msg::PeopleMany),
                super::activity::materials_summary(&f.materials, catalog, lang),
            ]
            .join(" · "),
        ),
        Stored::Event(EventFacts::Overdose(o)) => (
            RecordType::Overdose,
            Some(format!("/overdoses/{id}")),
            zone(&o.zone),
            [
                o.outcome.label(lang).to_string(),
                counted(
                    lang,
                    u64::from(o.nasal_doses) + u64::from(o.injected_doses),
                    Msg::NaloxoneDose,
                    Msg::NaloxoneDoses,
                ),
                o.call_911.label(lang).to_string(),
            ]
            .join(" · "),
        ),
        Stored::Event(EventFacts::Shift(s)) => {
            let mut parts = vec![
                format!(
                    "{}–{}",
                    s.started_at.format("%H:%M"),
                    s.ended_at.format("%H:%M")
                ),
                tr(lang, Msg::ShiftTeam, &[("count", &s.team_size)]),
            ];
            if s.ended_by == crate::domain::ShiftEnd::DayOver {
                parts.push(s.ended_by.label(lang).to_string());
            }
            let zones: Vec<String> = s.zones.iter().map(|z| zone(z)).collect();
            (RecordType::Shift, None, zones.join(", "), parts.join(" · "))
        }
        Stored::Event(EventFacts::Incident(i)) => {
            let mut detail = catalog
                .label(Section::IncidentTypes, &i.incident_type, lang)
                .to_string();
            if i.debrief_wanted {
                detail = format!("{detail} · {}", Word::IncidentDebriefWanted.text(lang));
            }
            (
                RecordType::Incident,
                Some(format!("/incidents?month={}", i.month)),
                zone(&i.zone),
                detail,
            )
        }
    };
    Line {
        id,
        when: super::page::when(row.occurred_at_ms),
        href,
        kind: type_label(kind, lang),
        zone,
        detail,
        voided: row.voided,
    }
}
