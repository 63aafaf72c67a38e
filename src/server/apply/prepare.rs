//! From a batch's records to the facts the ledger keeps: every record is
//! checked against the catalog (retired ids stay valid: the record may
//! predate the retirement) and the protocol's bounds, and a person code is
//! replaced by its pseudonym here, so the code goes no further than this
//! function.
//!
//! A contact's date must fall in [`Window`]: not more than 24 h after the
//! batch was sealed (a phone refuses dates more than a day ahead of its
//! clock, and seals after the contact is saved), in a month reports can
//! read, and not in a month the retention policy has already purged. There
//! is no lower bound relative to sealing: a phone may keep contacts a long
//! time before it seals them (it seals at its next sync), and such a batch
//! must still apply. The bound is the batch's sealed-at, never the time of
//! applying, so a batch applied late (hand-delivered, re-applied after a
//! fix) is judged as it was when sealed.

use crate::domain::naloxone::{KitForm, KitSupply, NALOXONE_KITS};
use crate::domain::overdose::{Call911, Outcome};
use crate::domain::report::YearMonth;
use crate::domain::shift::ShiftEnd;
use crate::domain::{
    Catalog, CatalogId, Contact, IdPolicy, Incident, Kind, Overdose, Quantity, Record, RecordId,
    Section, Shift,
};
use crate::server::pseudonym::PseudonymKey;
use chrono::{DateTime, Duration, FixedOffset};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the server keeps of a contact: enough to count it, and to take it
/// back out of every figure if it is voided. No person code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactFacts {
    pub occurred_at: DateTime<FixedOffset>,
    pub month: YearMonth,
    pub zone: String,
    pub kind: Kind,
    pub people: u64,
    pub age_band: String,
    pub gender: Option<String>,
    pub materials: BTreeMap<String, u64>,
    pub returned_syringes: u64,
    pub referrals: Vec<String>,
    pub interventions: Vec<String>,
    pub duration_min: Option<u16>,
    /// Hex of the 16-byte pseudonym, when the contact had a person code.
    pub pseudonym: Option<String>,
    /// Contact version 2; facts stored before have none of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_type: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub materials_for_others: BTreeMap<String, u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naloxone: Option<NaloxoneFacts>,
}

/// The naloxone kits of a contact: how many (for the person and for
/// others), their form, first or replacement, people trained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NaloxoneFacts {
    pub kits: u64,
    pub form: KitForm,
    pub supply: KitSupply,
    pub trained: u64,
}

/// What the server keeps of a record other than a contact, by kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum EventFacts {
    Overdose(OverdoseFacts),
    Shift(ShiftFacts),
    Incident(IncidentFacts),
}

impl EventFacts {
    pub fn kind(&self) -> &'static str {
        match self {
            EventFacts::Overdose(_) => "overdose",
            EventFacts::Shift(_) => "shift",
            EventFacts::Incident(_) => "incident",
        }
    }

    pub fn month(&self) -> YearMonth {
        match self {
            EventFacts::Overdose(o) => o.month,
            EventFacts::Shift(s) => s.month,
            EventFacts::Incident(i) => i.month,
        }
    }

    pub fn occurred_at(&self) -> DateTime<FixedOffset> {
        match self {
            EventFacts::Overdose(o) => o.occurred_at,
            EventFacts::Shift(s) => s.started_at,
            EventFacts::Incident(i) => i.occurred_at,
        }
    }
}

/// An overdose response as counted: every field of the record (none of
/// them names anyone), its ids checked against the catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdoseFacts {
    pub occurred_at: DateTime<FixedOffset>,
    pub month: YearMonth,
    pub zone: String,
    pub location_type: Option<String>,
    /// Keys of [`crate::domain::overdose::Responder`].
    pub responders: Vec<String>,
    pub nasal_doses: u8,
    pub injected_doses: u8,
    pub call_911: Call911,
    pub stayed: bool,
    pub ambulance: bool,
    pub outcome: Outcome,
    pub substances: Vec<String>,
    pub debrief_wanted: bool,
}

/// An outing as counted: its start and end, the team, the zones. The
/// contacts made during it are the same phone's between the two.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftFacts {
    pub started_at: DateTime<FixedOffset>,
    pub ended_at: DateTime<FixedOffset>,
    /// The month it started in.
    pub month: YearMonth,
    pub team_size: u8,
    pub zones: Vec<String>,
    pub ended_by: ShiftEnd,
}

impl ShiftFacts {
    pub fn minutes(&self) -> i64 {
        (self.ended_at - self.started_at).num_minutes()
    }
}

/// A safety incident as counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentFacts {
    pub occurred_at: DateTime<FixedOffset>,
    pub month: YearMonth,
    pub zone: String,
    /// An id of the catalog's incident types (not `kind`: the tag of
    /// [`EventFacts`] is).
    pub incident_type: String,
    pub debrief_wanted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prepared {
    Contact {
        record_id: RecordId,
        facts: ContactFacts,
    },
    Event {
        record_id: RecordId,
        facts: EventFacts,
    },
    Void {
        record_id: RecordId,
        target: RecordId,
    },
}

/// A device's clock may run ahead a little; a contact dated more than this
/// after its batch was sealed is a broken clock or a forgery. The same
/// day the phone itself allows ahead of its clock.
const MAX_AHEAD_OF_SEALING: Duration = crate::domain::time::MAX_FUTURE;

/// The dates a batch's contacts may carry.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    /// The batch's sealed-at, from its signed header.
    pub sealed_at: DateTime<FixedOffset>,
    /// The first month still held contact by contact: earlier ones were
    /// purged by the retention policy and only their rollups remain.
    pub kept_from: Option<YearMonth>,
}

impl Window {
    fn check(&self, at: DateTime<FixedOffset>) -> Result<YearMonth, String> {
        let month = YearMonth::of(at.date_naive());
        // A signed header may carry any sealed-at chrono can hold; near its
        // last date the addition overflows (found by the apply_prepare
        // fuzz target): quarantine, never a panic.
        let latest = self
            .sealed_at
            .checked_add_signed(MAX_AHEAD_OF_SEALING)
            .ok_or("sealed-at out of range")?;
        if at > latest {
            return Err(format!(
                "occurred_at {at} is more than 24 h after the batch was sealed ({})",
                self.sealed_at
            ));
        }
        if !month.is_readable() {
            return Err(format!(
                "occurred_at {at} is outside the months a report can show (2000-01 to 2999-12)"
            ));
        }
        if let Some(kept_from) = self.kept_from
            && month < kept_from
        {
            return Err(format!(
                "occurred_at {at} is in {month}, a month the retention policy has already purged \
                 (contacts are kept from {kept_from}); its report can no longer change"
            ));
        }
        Ok(month)
    }
}

fn is_v7(id: &RecordId) -> bool {
    uuid::Uuid::from_bytes(*id.as_bytes()).get_version_num() == 7
}

/// Checks and converts every record, or says which one is wrong and why
/// (the quarantine reason a supervisor reads; it never holds a code).
pub fn prepare(
    records: Vec<Record>,
    catalog: &Catalog,
    window: Window,
    key: &PseudonymKey,
) -> Result<Vec<Prepared>, String> {
    records
        .into_iter()
        .enumerate()
        .map(|(index, record)| match record {
            Record::Contact(contact) => {
                let record_id = contact.record_id;
                facts(contact, catalog, window, key)
                    .map(|facts| Prepared::Contact { record_id, facts })
                    .map_err(|why| format!("record {} ({record_id}): {why}", index + 1))
            }
            Record::Overdose(overdose) => {
                let record_id = overdose.record_id;
                overdose_facts(overdose, catalog, window)
                    .map(|facts| Prepared::Event {
                        record_id,
                        facts: EventFacts::Overdose(facts),
                    })
                    .map_err(|why| format!("record {} ({record_id}): {why}", index + 1))
            }
            Record::Shift(shift) => {
                let record_id = shift.record_id;
                shift_facts(shift, catalog, window)
                    .map(|facts| Prepared::Event {
                        record_id,
                        facts: EventFacts::Shift(facts),
                    })
                    .map_err(|why| format!("record {} ({record_id}): {why}", index + 1))
            }
            Record::Incident(incident) => {
                let record_id = incident.record_id;
                incident_facts(incident, catalog, window)
                    .map(|facts| Prepared::Event {
                        record_id,
                        facts: EventFacts::Incident(facts),
                    })
                    .map_err(|why| format!("record {} ({record_id}): {why}", index + 1))
            }
            Record::Void(void) => {
                let (record_id, target) = (void.record_id, void.target);
                if !is_v7(&record_id) || !is_v7(&target) {
                    return Err(format!(
                        "record {} ({record_id}): a void's record_id and target must be UUIDv7",
                        index + 1
                    ));
                }
                Ok(Prepared::Void { record_id, target })
            }
        })
        .collect()
}

fn facts(
    contact: Contact,
    catalog: &Catalog,
    window: Window,
    key: &PseudonymKey,
) -> Result<ContactFacts, String> {
    let check = |section: Section, id: &str| {
        catalog
            .check(section, id, IdPolicy::AllowRetired)
            .map(|id| id.to_string())
            .map_err(|e| e.to_string())
    };
    if !is_v7(&contact.record_id) {
        return Err("record_id must be a UUIDv7".into());
    }
    let month = window.check(contact.occurred_at)?;
    if let Some((id, _)) = contact
        .materials
        .iter()
        .chain(&contact.materials_for_others)
        .find(|(_, qty)| qty.get() == 0)
    {
        return Err(format!(
            "material \"{id}\" has quantity 0; allowed: 1 to 10000"
        ));
    }
    if contact.kind == Kind::Group && contact.people_count.get() < 2 {
        return Err("a group contact counts at least 2 people".into());
    }
    let quantities = |map: &BTreeMap<CatalogId, Quantity>| {
        map.iter()
            .map(|(id, qty)| {
                Ok((
                    check(Section::Materials, id.as_str())?,
                    u64::from(qty.get()),
                ))
            })
            .collect::<Result<BTreeMap<_, _>, String>>()
    };
    let materials = quantities(&contact.materials)?;
    let materials_for_others = quantities(&contact.materials_for_others)?;
    let kits = u64::from(contact.naloxone_kits());
    if contact.naloxone.is_some() && kits == 0 {
        return Err(format!(
            "the naloxone detail describes no kit: \"{NALOXONE_KITS}\" is not among the materials"
        ));
    }
    let naloxone = contact.naloxone.map(|n| NaloxoneFacts {
        kits,
        form: n.form,
        supply: n.supply,
        trained: u64::from(n.trained.get()),
    });
    let mode = contact
        .mode
        .as_ref()
        .map(|m| check(Section::ContactModes, m.as_str()))
        .transpose()?;
    let location_type = contact
        .location_type
        .as_ref()
        .map(|l| check(Section::LocationTypes, l.as_str()))
        .transpose()?;
    let referrals = contact
        .referrals
        .iter()
        .map(|id| check(Section::Referrals, id.as_str()))
        .collect::<Result<_, _>>()?;
    let interventions = contact
        .interventions
        .iter()
        .map(|id| check(Section::Interventions, id.as_str()))
        .collect::<Result<_, _>>()?;
    Ok(ContactFacts {
        occurred_at: contact.occurred_at,
        month,
        zone: check(Section::Zones, contact.zone.as_str())?,
        kind: contact.kind,
        people: u64::from(contact.people_count.get()),
        age_band: check(Section::AgeBands, contact.age_band.as_str())?,
        gender: contact
            .gender
            .as_ref()
            .map(|g| check(Section::Genders, g.as_str()))
            .transpose()?,
        materials,
        returned_syringes: u64::from(contact.returned_syringes.get()),
        referrals,
        interventions,
        duration_min: contact.duration_min.map(|d| d.get()),
        pseudonym: contact
            .person_code
            .as_ref()
            .map(|code| hex::encode(key.pseudonym(code))),
        mode,
        location_type,
        materials_for_others,
        naloxone,
    })
}

fn overdose_facts(
    overdose: Overdose,
    catalog: &Catalog,
    window: Window,
) -> Result<OverdoseFacts, String> {
    let check = |section: Section, id: &str| {
        catalog
            .check(section, id, IdPolicy::AllowRetired)
            .map(|id| id.to_string())
            .map_err(|e| e.to_string())
    };
    if !is_v7(&overdose.record_id) {
        return Err("record_id must be a UUIDv7".into());
    }
    if overdose.responders.is_empty() {
        return Err("an overdose response names at least one responder".into());
    }
    let month = window.check(overdose.occurred_at)?;
    Ok(OverdoseFacts {
        occurred_at: overdose.occurred_at,
        month,
        zone: check(Section::Zones, overdose.zone.as_str())?,
        location_type: overdose
            .location_type
            .as_ref()
            .map(|l| check(Section::LocationTypes, l.as_str()))
            .transpose()?,
        responders: overdose
            .responders
            .iter()
            .map(|r| r.key().to_string())
            .collect(),
        nasal_doses: overdose.nasal_doses.get(),
        injected_doses: overdose.injected_doses.get(),
        call_911: overdose.call_911,
        stayed: overdose.stayed,
        ambulance: overdose.ambulance,
        outcome: overdose.outcome,
        substances: overdose
            .substances
            .iter()
            .map(|id| check(Section::Substances, id.as_str()))
            .collect::<Result<_, _>>()?,
        debrief_wanted: overdose.debrief_wanted,
    })
}

fn shift_facts(shift: Shift, catalog: &Catalog, window: Window) -> Result<ShiftFacts, String> {
    if !is_v7(&shift.record_id) {
        return Err("record_id must be a UUIDv7".into());
    }
    shift.check()?;
    // Its end, the later moment, must be no later than sealing allows.
    window.check(shift.ended_at)?;
    let month = window.check(shift.started_at)?;
    Ok(ShiftFacts {
        started_at: shift.started_at,
        ended_at: shift.ended_at,
        month,
        team_size: shift.team_size.get(),
        zones: shift
            .zones
            .iter()
            .map(|z| checked(catalog, Section::Zones, z.as_str()))
            .collect::<Result<_, _>>()?,
        ended_by: shift.ended_by,
    })
}

fn incident_facts(
    incident: Incident,
    catalog: &Catalog,
    window: Window,
) -> Result<IncidentFacts, String> {
    if !is_v7(&incident.record_id) {
        return Err("record_id must be a UUIDv7".into());
    }
    Ok(IncidentFacts {
        occurred_at: incident.occurred_at,
        month: window.check(incident.occurred_at)?,
        zone: checked(catalog, Section::Zones, incident.zone.as_str())?,
        incident_type: checked(catalog, Section::IncidentTypes, incident.kind.as_str())?,
        debrief_wanted: incident.debrief_wanted,
    })
}

/// An id of `section`, retired ones included: the record may predate the
/// retirement.
fn checked(catalog: &Catalog, section: Section, id: &str) -> Result<String, String> {
    catalog
        .check(section, id, IdPolicy::AllowRetired)
        .map(|id| id.to_string())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ContactDraft;

    fn contact(zone: &str, at: &str) -> Record {
        let draft = ContactDraft {
            occurred_at: Some(DateTime::parse_from_rfc3339(at).unwrap()),
            zone: zone.into(),
            kind: "known".into(),
            people: "1".into(),
            age_band: "18-24".into(),
            code: Some("Côté-2001".into()),
            ..Default::default()
        };
        let now = DateTime::parse_from_rfc3339(at).unwrap();
        Record::Contact(draft.parse(&Catalog::default_quebec(), now).unwrap())
    }

    fn sealed_at(text: &str) -> Window {
        Window {
            sealed_at: DateTime::parse_from_rfc3339(text).unwrap(),
            kept_from: None,
        }
    }

    #[test]
    fn months_follow_the_local_date_and_codes_become_pseudonyms() {
        let key = PseudonymKey::from_bytes(&[1; 32]);
        let sealed = sealed_at("2026-12-01T06:00:00-05:00");
        // 23:30 local on Nov 30 is already Dec 1 in UTC: it counts in November.
        let records = vec![contact("gatineau", "2026-11-30T23:30:00-05:00")];
        let prepared = prepare(records, &Catalog::default_quebec(), sealed, &key).unwrap();
        let Prepared::Contact { facts, .. } = &prepared[0] else {
            panic!()
        };
        assert_eq!(facts.month.to_string(), "2026-11");
        assert_eq!(facts.pseudonym.as_deref().map(str::len), Some(32));
        assert!(!serde_json::to_string(facts).unwrap().contains("COTE"));
    }

    #[test]
    fn a_retired_zone_is_still_valid_but_an_unknown_one_names_the_record() {
        let key = PseudonymKey::from_bytes(&[1; 32]);
        let sealed = sealed_at("2026-11-21T06:00:00-05:00");
        let mut catalog = Catalog::default_quebec();
        catalog
            .zones
            .iter_mut()
            .for_each(|z| z.active = z.id.as_str() != "pontiac");
        let records = vec![contact("pontiac", "2026-11-20T23:00:00-05:00")];
        assert!(prepare(records, &catalog, sealed, &key).is_ok());
        catalog.zones.retain(|z| z.id.as_str() != "pontiac");
        let records = vec![
            contact("gatineau", "2026-11-20T23:00:00-05:00"),
            contact("pontiac", "2026-11-20T23:00:00-05:00"),
        ];
        let why = prepare(records, &catalog, sealed, &key).unwrap_err();
        assert!(why.starts_with("record 2 ("), "{why}");
        assert!(why.contains("\"pontiac\" does not exist"), "{why}");
    }

    #[test]
    fn a_batch_sealed_at_the_end_of_time_is_refused_not_a_panic() {
        // Found by fuzzing (.fuzz, target apply_prepare): the sealing time
        // is the envelope header's, chosen by whoever holds a device key;
        // adding the 24 hours a clock may run ahead overflowed.
        let key = PseudonymKey::from_bytes(&[1; 32]);
        let window = Window {
            sealed_at: chrono::DateTime::<chrono::Utc>::MAX_UTC.fixed_offset(),
            kept_from: None,
        };
        let records = vec![contact("gatineau", "2026-11-20T23:00:00-05:00")];
        let why = prepare(records, &Catalog::default_quebec(), window, &key).unwrap_err();
        assert!(why.contains("sealed-at out of range"), "{why}");
    }

    #[test]
    fn a_contact_dated_a_day_after_its_sealing_is_refused() {
        let key = PseudonymKey::from_bytes(&[1; 32]);
        let sealed = sealed_at("2026-11-18T06:00:00-05:00");
        let records = vec![contact("gatineau", "2026-11-20T23:00:00-05:00")];
        assert!(
            prepare(records, &Catalog::default_quebec(), sealed, &key)
                .unwrap_err()
                .contains("24 h")
        );
        let records = vec![contact("gatineau", "2026-11-19T06:00:00-05:00")];
        assert!(prepare(records, &Catalog::default_quebec(), sealed, &key).is_ok());
    }

    #[test]
    fn a_contact_long_before_its_sealing_applies_but_not_before_2000_or_in_a_purged_month() {
        let key = PseudonymKey::from_bytes(&[1; 32]);
        let catalog = Catalog::default_quebec();
        let mut window = sealed_at("2026-11-18T06:00:00-05:00");
        // Saved on a phone that then stayed shut for two years: still applies.
        let late = vec![contact("gatineau", "2024-10-02T20:00:00-04:00")];
        assert!(prepare(late.clone(), &catalog, window, &key).is_ok());
        let old = vec![contact("gatineau", "1900-01-01T12:00:00-05:00")];
        let why = prepare(old, &catalog, window, &key).unwrap_err();
        assert!(why.contains("2000-01 to 2999-12"), "{why}");
        window.kept_from = YearMonth::parse("2024-11");
        let why = prepare(late, &catalog, window, &key).unwrap_err();
        assert!(
            why.contains("2024-10") && why.contains("retention"),
            "{why}"
        );
        let kept = vec![contact("gatineau", "2024-11-01T00:00:00-04:00")];
        assert!(prepare(kept, &catalog, window, &key).is_ok());
    }

    #[test]
    fn a_zero_quantity_or_an_id_that_is_not_v7_is_refused() {
        let key = PseudonymKey::from_bytes(&[1; 32]);
        let catalog = Catalog::default_quebec();
        let window = sealed_at("2026-11-21T06:00:00-05:00");
        let Record::Contact(good) = contact("gatineau", "2026-11-20T23:00:00-05:00") else {
            panic!()
        };
        let mut zero = good.clone();
        zero.materials.insert(
            crate::domain::CatalogId::parse("condoms").unwrap(),
            crate::domain::Quantity::new(crate::domain::Field::Materials, 0).unwrap(),
        );
        let why = prepare(vec![Record::Contact(zero)], &catalog, window, &key).unwrap_err();
        assert!(why.contains("\"condoms\" has quantity 0"), "{why}");
        let mut for_others = good.clone();
        for_others.materials_for_others.insert(
            crate::domain::CatalogId::parse("seringues").unwrap(),
            crate::domain::Quantity::new(crate::domain::Field::Materials, 0).unwrap(),
        );
        let why = prepare(vec![Record::Contact(for_others)], &catalog, window, &key).unwrap_err();
        assert!(why.contains("\"seringues\" has quantity 0"), "{why}");
        let mut no_kit = good.clone();
        no_kit.naloxone = Some(crate::domain::naloxone::NaloxoneKits {
            form: crate::domain::naloxone::KitForm::Nasal,
            supply: crate::domain::naloxone::KitSupply::First,
            trained: crate::domain::naloxone::Trained::new(crate::domain::Field::PeopleTrained, 0)
                .unwrap(),
        });
        let why = prepare(vec![Record::Contact(no_kit)], &catalog, window, &key).unwrap_err();
        assert!(why.contains("describes no kit"), "{why}");
        let mut v4 = good.clone();
        v4.record_id = RecordId::from_bytes([0x42; 16]);
        let why = prepare(vec![Record::Contact(v4)], &catalog, window, &key).unwrap_err();
        assert!(why.contains("UUIDv7"), "{why}");
        let void = crate::domain::Void {
            record_id: RecordId::new(),
            target: RecordId::from_bytes([0x42; 16]),
            voided_at: window.sealed_at,
        };
        let why = prepare(vec![Record::Void(void)], &catalog, window, &key).unwrap_err();
        assert!(why.starts_with("record 1 ("), "{why}");
    }
}
