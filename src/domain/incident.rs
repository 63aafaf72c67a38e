//! A safety incident during outreach (a needle-stick injury, an assault,
//! a threat): its own record, so a supervisor sees it the next morning
//! and follows up. Anonymous like everything else: the type (a catalog
//! section the organization edits), the zone, the time, whether the
//! worker wants to talk it over. No free text, no one named.

use super::catalog::{Catalog, CatalogId, IdPolicy, Section};
use super::draft::{Found, required};
use super::error::{Field, Invalid};
use super::i18n::{Lang, Msg};
use super::ids::RecordId;
use super::time::check_plausible;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub record_id: RecordId,
    pub occurred_at: DateTime<FixedOffset>,
    pub zone: CatalogId,
    /// An id of the catalog's incident types.
    pub kind: CatalogId,
    pub debrief_wanted: bool,
}

impl Incident {
    pub fn local_date(&self) -> NaiveDate {
        self.occurred_at.date_naive()
    }

    /// "23:10 · Incident · Piqûre accidentelle · Gatineau", for lists.
    pub fn summary(&self, catalog: &Catalog, lang: Lang) -> String {
        [
            self.occurred_at.format("%H:%M").to_string(),
            Msg::IncidentRecord.text(lang).to_string(),
            catalog
                .label(Section::IncidentTypes, self.kind.as_str(), lang)
                .to_string(),
            catalog
                .label(Section::Zones, self.zone.as_str(), lang)
                .to_string(),
        ]
        .join(" · ")
    }
}

/// Unchecked fields of an incident, as typed in the CLI or the app.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IncidentDraft {
    pub occurred_at: Option<DateTime<FixedOffset>>,
    pub zone: String,
    pub kind: String,
    pub debrief_wanted: bool,
}

impl IncidentDraft {
    /// Checks every field against `catalog` (active entries) and `now`.
    pub fn parse(
        &self,
        catalog: &Catalog,
        now: DateTime<FixedOffset>,
    ) -> Result<Incident, Invalid> {
        let mut found = Found::default();
        let policy = IdPolicy::ActiveOnly;
        let occurred_at = self.occurred_at.unwrap_or(now);
        found.keep(check_plausible(occurred_at, now));
        let zone = found.keep(
            required(Field::Zone, &self.zone)
                .and_then(|_| catalog.check(Section::Zones, &self.zone, policy)),
        );
        let kind = found.keep(
            required(Field::IncidentType, &self.kind)
                .and_then(|_| catalog.check(Section::IncidentTypes, &self.kind, policy)),
        );
        match (zone, kind) {
            (Some(zone), Some(kind)) if found.0.is_empty() => Ok(Incident {
                record_id: RecordId::new(),
                occurred_at,
                zone,
                kind,
                debrief_wanted: self.debrief_wanted,
            }),
            _ => Err(Invalid(found.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-21T23:00:00-05:00").unwrap()
    }

    #[test]
    fn a_needle_stick_parses_and_round_trips() {
        let draft = IncidentDraft {
            zone: "gatineau".into(),
            kind: "piqure-accidentelle".into(),
            debrief_wanted: true,
            ..IncidentDraft::default()
        };
        let incident = draft.parse(&Catalog::default_quebec(), now()).unwrap();
        let json = serde_json::to_string(&incident).unwrap();
        assert_eq!(serde_json::from_str::<Incident>(&json).unwrap(), incident);
    }

    #[test]
    fn a_missing_type_and_an_unknown_zone_are_both_named() {
        let draft = IncidentDraft {
            zone: "laval".into(),
            ..IncidentDraft::default()
        };
        let Invalid(errors) = draft.parse(&Catalog::default_quebec(), now()).unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::Zone, Field::IncidentType]);
        let kind = errors[1].message(Lang::Fr);
        assert!(kind.contains("type d'incident"), "{kind}");
        let zone = errors[0].message(Lang::En);
        assert!(zone.contains("gatineau"), "{zone}");
    }
}
