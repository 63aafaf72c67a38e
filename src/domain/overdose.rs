//! An overdose response: what the field reports after every suspected
//! overdose (the naloxone use declaration of Québec's public health, the
//! reports of naloxone used in NEO and Take Home Naloxone). Anonymous by
//! construction: no identity, no free text, only choices and counts.

use super::catalog::{Catalog, CatalogId, IdPolicy, Section};
use super::choice::choice;
use super::contact::{bounded, parse_int};
use super::draft::{Found, present, required};
use super::error::{Field, FieldError, Invalid, Problem};
use super::ids::RecordId;
use super::time::check_plausible;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

bounded!(
    /// Naloxone doses given by one route in one response: 0 to 20 (a long
    /// wait for the ambulance takes several; more is a typo).
    Doses(u8), Field::NasalDoses, 0, 20
);

choice!(
    /// Who gave first aid or naloxone.
    Responder, Field::Responders, {
        Worker => "worker", ResponderWorker;
        Peer => "peer", ResponderPeer;
        Bystander => "bystander", ResponderBystander;
    }
);

choice!(
    /// Whether 911 was called, or why not (the reason most given in the
    /// field: fear of the police).
    Call911, Field::Call911, {
        Called => "called", Call911Called;
        FearOfPolice => "fear-of-police", Call911FearOfPolice;
        Recovered => "recovered", Call911Recovered;
        Refused => "refused", Call911Refused;
        Other => "other", Call911Other;
    }
);

choice!(
    /// How the response ended, as far as the worker knows.
    Outcome, Field::Outcome, {
        RecoveredOnSite => "recovered-on-site", OutcomeRecoveredOnSite;
        Transported => "transported", OutcomeTransported;
        RefusedTransport => "refused-transport", OutcomeRefusedTransport;
        Death => "death", OutcomeDeath;
        Unknown => "unknown", OutcomeUnknown;
    }
);

/// One overdose response. Built by [`OverdoseDraft::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overdose {
    pub record_id: RecordId,
    pub occurred_at: DateTime<FixedOffset>,
    pub zone: CatalogId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_type: Option<CatalogId>,
    /// At least one.
    pub responders: BTreeSet<Responder>,
    pub nasal_doses: Doses,
    pub injected_doses: Doses,
    pub call_911: Call911,
    pub stayed: bool,
    pub ambulance: bool,
    pub outcome: Outcome,
    #[serde(default)]
    pub substances: BTreeSet<CatalogId>,
    pub debrief_wanted: bool,
}

impl Overdose {
    pub fn local_date(&self) -> NaiveDate {
        self.occurred_at.date_naive()
    }

    pub fn doses(&self) -> u32 {
        u32::from(self.nasal_doses.get()) + u32::from(self.injected_doses.get())
    }
}

/// Unchecked fields of an overdose response, as typed in the CLI or the
/// app's form. Empty text counts as absent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OverdoseDraft {
    pub occurred_at: Option<DateTime<FixedOffset>>,
    pub zone: String,
    pub location_type: Option<String>,
    pub responders: Vec<String>,
    pub nasal_doses: Option<String>,
    pub injected_doses: Option<String>,
    pub call_911: String,
    pub stayed: bool,
    pub ambulance: bool,
    pub outcome: String,
    pub substances: Vec<String>,
    pub debrief_wanted: bool,
}

impl OverdoseDraft {
    /// Checks every field against `catalog` (active entries) and `now`,
    /// collecting every problem at once.
    pub fn parse(
        &self,
        catalog: &Catalog,
        now: DateTime<FixedOffset>,
    ) -> Result<Overdose, Invalid> {
        let mut found = Found::default();
        let policy = IdPolicy::ActiveOnly;
        let occurred_at = self.occurred_at.unwrap_or(now);
        found.keep(check_plausible(occurred_at, now));
        let zone = found.keep(
            required(Field::Zone, &self.zone)
                .and_then(|_| catalog.check(Section::Zones, &self.zone, policy)),
        );
        let location_type = present(&self.location_type)
            .and_then(|l| found.keep(catalog.check(Section::LocationTypes, l, policy)));
        let responders: BTreeSet<Responder> = self
            .responders
            .iter()
            .filter_map(|r| found.keep(Responder::parse(r)))
            .collect();
        if responders.is_empty() && found.0.iter().all(|e| e.field != Field::Responders) {
            found.push(Field::Responders, Problem::Required);
        }
        let doses = |found: &mut Found, field: Field, text: &Option<String>| match present(text) {
            Some(text) => found.keep(Doses::parse(field, text)),
            None => Doses::new(field, 0).ok(),
        };
        let nasal_doses = doses(&mut found, Field::NasalDoses, &self.nasal_doses);
        let injected_doses = doses(&mut found, Field::InjectedDoses, &self.injected_doses);
        let call_911 = found.keep(
            required(Field::Call911, &self.call_911).and_then(|_| Call911::parse(&self.call_911)),
        );
        let outcome = found.keep(
            required(Field::Outcome, &self.outcome).and_then(|_| Outcome::parse(&self.outcome)),
        );
        let substances = found.chips(catalog, Section::Substances, &self.substances);
        match (zone, nasal_doses, injected_doses, call_911, outcome) {
            (
                Some(zone),
                Some(nasal_doses),
                Some(injected_doses),
                Some(call_911),
                Some(outcome),
            ) if found.0.is_empty() => Ok(Overdose {
                record_id: RecordId::new(),
                occurred_at,
                zone,
                location_type,
                responders,
                nasal_doses,
                injected_doses,
                call_911,
                stayed: self.stayed,
                ambulance: self.ambulance,
                outcome,
                substances,
                debrief_wanted: self.debrief_wanted,
            }),
            _ => Err(Invalid(found.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-21T23:00:00-05:00").unwrap()
    }

    fn typical() -> OverdoseDraft {
        OverdoseDraft {
            zone: "gatineau".into(),
            location_type: Some("rue-parc".into()),
            responders: vec!["worker".into(), "bystander".into()],
            nasal_doses: Some("2".into()),
            call_911: "fear-of-police".into(),
            stayed: true,
            outcome: "recovered-on-site".into(),
            substances: vec!["opioides".into()],
            ..OverdoseDraft::default()
        }
    }

    #[test]
    fn a_typical_response_parses_and_round_trips_as_json() {
        let overdose = typical().parse(&Catalog::default_quebec(), now()).unwrap();
        assert_eq!(overdose.doses(), 2);
        assert_eq!(overdose.call_911, Call911::FearOfPolice);
        assert_eq!(overdose.responders.len(), 2);
        let json = serde_json::to_string(&overdose).unwrap();
        assert!(json.contains("\"call_911\":\"fear-of-police\""), "{json}");
        assert_eq!(serde_json::from_str::<Overdose>(&json).unwrap(), overdose);
    }

    #[test]
    fn every_problem_is_named_with_what_is_allowed() {
        let draft = OverdoseDraft {
            zone: "laval".into(),
            responders: vec![],
            nasal_doses: Some("25".into()),
            call_911: "maybe".into(),
            outcome: String::new(),
            ..OverdoseDraft::default()
        };
        let Invalid(errors) = draft.parse(&Catalog::default_quebec(), now()).unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                Field::Zone,
                Field::Responders,
                Field::NasalDoses,
                Field::Call911,
                Field::Outcome
            ]
        );
        let call = errors[3].message(Lang::En);
        assert!(call.contains("called, fear-of-police, recovered"), "{call}");
        let doses = errors[2].message(Lang::Fr);
        assert!(doses.contains("20"), "{doses}");
    }

    #[test]
    fn stored_values_are_checked_again_when_read() {
        let overdose = typical().parse(&Catalog::default_quebec(), now()).unwrap();
        let json = serde_json::to_string(&overdose)
            .unwrap()
            .replace("\"nasal_doses\":2", "\"nasal_doses\":99");
        assert!(serde_json::from_str::<Overdose>(&json).is_err());
    }
}
