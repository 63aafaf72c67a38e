//! A contact as typed: text from the CLI, a CSV row or the app's form,
//! before it is checked. [`ContactDraft::parse`] is the one way in.

use super::catalog::{Catalog, CatalogId, IdPolicy, Section};
use super::contact::{Contact, DurationMin, Kind, PeopleCount, Quantity};
use super::error::{Field, FieldError, Invalid, Problem};
use super::ids::RecordId;
use super::naloxone::{KitForm, KitSupply, NALOXONE_KITS, NaloxoneKits, Trained};
use super::person_code::PersonCode;
use super::time::check_plausible;
use chrono::{DateTime, FixedOffset};
use std::collections::{BTreeMap, BTreeSet};

/// Unchecked contact fields. Empty optional text counts as absent, so a
/// blank CSV cell and a missing flag mean the same thing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactDraft {
    /// Already parsed (see [`super::time::parse_occurred_at`]), because
    /// reading a time needs the device's time zone.
    pub occurred_at: Option<DateTime<FixedOffset>>,
    pub zone: String,
    pub kind: String,
    pub people: String,
    pub age_band: String,
    pub gender: Option<String>,
    /// (material id, quantity) pairs as typed.
    pub materials: Vec<(String, String)>,
    pub returned_syringes: Option<String>,
    pub referrals: Vec<String>,
    pub interventions: Vec<String>,
    pub code: Option<String>,
    pub duration_min: Option<String>,
    pub mode: Option<String>,
    pub location_type: Option<String>,
    /// (material id, quantity) pairs handed out for others.
    pub materials_for_others: Vec<(String, String)>,
    /// The naloxone detail: given when any of the three is.
    pub kit_form: Option<String>,
    pub kit_supply: Option<String>,
    pub people_trained: Option<String>,
}

/// Splits `id=qty` as typed for one material.
pub fn parse_material_pair(text: &str) -> Result<(String, String), FieldError> {
    match text.split_once('=') {
        Some((id, qty)) if !id.trim().is_empty() && !qty.trim().is_empty() => {
            Ok((id.trim().to_string(), qty.trim().to_string()))
        }
        _ => Err(FieldError::new(
            Field::Materials,
            Problem::BadPair {
                value: text.trim().to_string(),
            },
        )),
    }
}

/// Splits a `;`-separated list cell, dropping blanks.
pub fn split_list(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub(super) fn present(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ContactDraft {
    /// Checks every field against `catalog` (active entries only: this is a
    /// contact being logged now) and `now` (the device clock), collecting
    /// every problem so a form can show them all at once.
    pub fn parse(&self, catalog: &Catalog, now: DateTime<FixedOffset>) -> Result<Contact, Invalid> {
        let mut found = Found::default();
        let policy = IdPolicy::ActiveOnly;
        let pick = |section: Section, field: Field, text: &str| {
            required(field, text).and_then(|_| catalog.check(section, text, policy))
        };

        let occurred_at = self.occurred_at.unwrap_or(now);
        found.keep(check_plausible(occurred_at, now));
        let zone = found.keep(pick(Section::Zones, Field::Zone, &self.zone));
        let kind =
            found.keep(required(Field::Kind, &self.kind).and_then(|_| Kind::parse(&self.kind)));
        let people = found.keep(
            required(Field::People, &self.people)
                .and_then(|_| PeopleCount::parse(Field::People, &self.people)),
        );
        let age_band = found.keep(pick(Section::AgeBands, Field::AgeBand, &self.age_band));
        let gender = present(&self.gender)
            .and_then(|g| found.keep(catalog.check(Section::Genders, g, policy)));
        let returned = match present(&self.returned_syringes) {
            Some(text) => found.keep(Quantity::parse(Field::ReturnedSyringes, text)),
            None => Quantity::new(Field::ReturnedSyringes, 0).ok(),
        };
        let person_code = present(&self.code).and_then(|c| found.keep(PersonCode::parse(c)));
        let duration_min = present(&self.duration_min)
            .and_then(|d| found.keep(DurationMin::parse(Field::Duration, d)));

        let materials = found.quantities(catalog, Field::Materials, &self.materials);
        let mode = present(&self.mode)
            .and_then(|m| found.keep(catalog.check(Section::ContactModes, m, policy)));
        let location_type = present(&self.location_type)
            .and_then(|l| found.keep(catalog.check(Section::LocationTypes, l, policy)));
        let materials_for_others = found.quantities(
            catalog,
            Field::MaterialsForOthers,
            &self.materials_for_others,
        );
        let naloxone = self.naloxone(&mut found);
        let referrals = found.chips(catalog, Section::Referrals, &self.referrals);
        let interventions = found.chips(catalog, Section::Interventions, &self.interventions);

        if kind == Some(Kind::Group) && people.is_some_and(|p| p.get() < 2) {
            found.push(Field::People, Problem::GroupNeedsTwo);
        }
        let gives_kits = [&materials, &materials_for_others]
            .iter()
            .any(|m| m.keys().any(|id| id.as_str() == NALOXONE_KITS));
        let detailed = [&self.kit_form, &self.kit_supply, &self.people_trained]
            .into_iter()
            .any(|text| present(text).is_some());
        if detailed && !gives_kits {
            let material = NALOXONE_KITS.to_string();
            found.push(Field::KitForm, Problem::NoKits { material });
        }

        match (zone, kind, people, age_band, returned) {
            (
                Some(zone),
                Some(kind),
                Some(people_count),
                Some(age_band),
                Some(returned_syringes),
            ) if found.0.is_empty() => Ok(Contact {
                record_id: RecordId::new(),
                occurred_at,
                zone,
                kind,
                people_count,
                age_band,
                gender,
                materials,
                returned_syringes,
                referrals,
                interventions,
                person_code,
                duration_min,
                mode,
                location_type,
                materials_for_others,
                naloxone,
            }),
            _ => Err(Invalid(found.0)),
        }
    }
}

impl ContactDraft {
    /// The naloxone detail, when any of its fields is given: the form and
    /// first-or-replacement are then both needed.
    fn naloxone(&self, found: &mut Found) -> Option<NaloxoneKits> {
        let (form, supply, trained) = (
            present(&self.kit_form),
            present(&self.kit_supply),
            present(&self.people_trained),
        );
        if form.is_none() && supply.is_none() && trained.is_none() {
            return None;
        }
        let form = found.keep(
            required(Field::KitForm, form.unwrap_or_default())
                .and_then(|_| KitForm::parse(form.unwrap_or_default())),
        );
        let supply = found.keep(
            required(Field::KitSupply, supply.unwrap_or_default())
                .and_then(|_| KitSupply::parse(supply.unwrap_or_default())),
        );
        let trained = match trained {
            Some(text) => found.keep(Trained::parse(Field::PeopleTrained, text)),
            None => Trained::new(Field::PeopleTrained, 0).ok(),
        };
        Some(NaloxoneKits {
            form: form?,
            supply: supply?,
            trained: trained?,
        })
    }
}

pub(super) fn required(field: Field, text: &str) -> Result<(), FieldError> {
    if text.trim().is_empty() {
        Err(FieldError::new(field, Problem::Required))
    } else {
        Ok(())
    }
}

/// The problems found so far, in field order.
#[derive(Default)]
pub(super) struct Found(pub(super) Vec<FieldError>);

impl Found {
    pub(super) fn keep<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|error| self.0.push(error)).ok()
    }

    pub(super) fn push(&mut self, field: Field, problem: Problem) {
        self.0.push(FieldError::new(field, problem));
    }

    /// Typed (material, quantity) pairs for `field`: each material once,
    /// zeros dropped (a stepper left at zero is not a gift).
    fn quantities(
        &mut self,
        catalog: &Catalog,
        field: Field,
        typed: &[(String, String)],
    ) -> BTreeMap<CatalogId, Quantity> {
        let mut out = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for (id, qty) in typed {
            let id = self.keep(
                catalog
                    .check(Section::Materials, id, IdPolicy::ActiveOnly)
                    .map_err(|e| FieldError::new(field, e.problem)),
            );
            let qty = self.keep(Quantity::parse(field, qty));
            let (Some(id), Some(qty)) = (id, qty) else {
                continue;
            };
            if !seen.insert(id.clone()) {
                self.push(
                    field,
                    Problem::Duplicate {
                        value: id.to_string(),
                    },
                );
            } else if qty.get() > 0 {
                out.insert(id, qty);
            }
        }
        out
    }

    /// A set of chips: duplicates collapse, since picking twice means once.
    pub(super) fn chips(
        &mut self,
        catalog: &Catalog,
        section: Section,
        typed: &[String],
    ) -> BTreeSet<CatalogId> {
        typed
            .iter()
            .filter_map(|t| self.keep(catalog.check(section, t, IdPolicy::ActiveOnly)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;
    use chrono::Duration;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-21T23:00:00-05:00").unwrap()
    }

    fn typical() -> ContactDraft {
        ContactDraft {
            zone: "gatineau".into(),
            kind: "known".into(),
            people: "1".into(),
            age_band: "25-34".into(),
            gender: Some("femme".into()),
            materials: vec![
                ("seringues".into(), "10".into()),
                ("condoms".into(), "0".into()),
            ],
            returned_syringes: Some("4".into()),
            referrals: vec!["clsc".into(), "clsc".into()],
            interventions: vec!["ecoute".into()],
            code: Some("tremblay-87".into()),
            ..Default::default()
        }
    }

    fn problems(draft: &ContactDraft) -> Vec<(Field, Problem)> {
        let invalid = draft
            .parse(&crate::domain::Catalog::default_quebec(), now())
            .unwrap_err();
        invalid
            .0
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect()
    }

    #[test]
    fn a_typical_contact_parses_with_zero_quantities_dropped_and_chips_deduplicated() {
        let contact = typical()
            .parse(&crate::domain::Catalog::default_quebec(), now())
            .unwrap();
        assert_eq!(contact.occurred_at, now());
        assert_eq!(contact.materials.len(), 1);
        assert_eq!(contact.referrals.len(), 1);
        assert_eq!(contact.returned_syringes.get(), 4);
        assert_eq!(contact.person_code.unwrap().canonical(), "TREMBLAY87");
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut draft = typical();
        draft.zone = "laval".into();
        draft.people = "0".into();
        draft.materials.push(("seringues".into(), "10001".into()));
        let found = problems(&draft);
        let fields: Vec<Field> = found.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec![Field::Zone, Field::People, Field::Materials]);
    }

    #[test]
    fn a_version_2_contact_carries_mode_place_materials_for_others_and_its_kits() {
        let mut draft = typical();
        draft.mode = Some("telephone-texto".into());
        draft.location_type = Some("refuge".into());
        draft
            .materials
            .push(("trousses-naloxone".into(), "2".into()));
        draft.materials_for_others = vec![("seringues".into(), "20".into())];
        draft.kit_form = Some("nasal".into());
        draft.kit_supply = Some("stolen".into());
        draft.people_trained = Some("3".into());
        let catalog = crate::domain::Catalog::default_quebec();
        let contact = draft.parse(&catalog, now()).unwrap();
        assert_eq!(contact.naloxone_kits(), 2);
        assert_eq!(contact.materials_for_others.len(), 1);
        let kits = contact.naloxone.unwrap();
        assert_eq!(
            (kits.form.key(), kits.supply.key(), kits.trained.get()),
            ("nasal", "stolen", 3)
        );
        assert_eq!(crate::domain::Record::Contact(contact).schema(), 2);
        let plain = typical().parse(&catalog, now()).unwrap();
        assert_eq!(
            crate::domain::Record::Contact(plain).schema(),
            1,
            "v1 servers still read it"
        );
    }

    #[test]
    fn a_naloxone_detail_needs_kits_a_form_and_first_or_replacement() {
        let mut draft = typical();
        draft.kit_form = Some("spray".into());
        draft.people_trained = Some("51".into());
        draft.materials_for_others = vec![("seringues".into(), "dix".into())];
        draft.mode = Some("pigeon".into());
        let found = problems(&draft);
        let fields: Vec<Field> = found.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                Field::ContactMode,
                Field::MaterialsForOthers,
                Field::KitForm,
                Field::KitSupply,
                Field::PeopleTrained,
                Field::KitForm
            ]
        );
        assert!(matches!(found[3].1, Problem::Required));
        let message = FieldError::new(found[5].0, found[5].1.clone()).message(Lang::Fr);
        assert!(
            message.contains("aucune trousse de naloxone (trousses-naloxone)"),
            "{message}"
        );
    }

    #[test]
    fn required_fields_say_they_are_required() {
        let found = problems(&ContactDraft::default());
        for field in [Field::Zone, Field::Kind, Field::People, Field::AgeBand] {
            assert!(found.contains(&(field, Problem::Required)), "{field:?}");
        }
    }

    #[test]
    fn a_group_of_one_is_refused() {
        let mut draft = typical();
        draft.kind = "group".into();
        assert_eq!(
            problems(&draft),
            vec![(Field::People, Problem::GroupNeedsTwo)]
        );
        draft.people = "3".into();
        assert!(
            draft
                .parse(&crate::domain::Catalog::default_quebec(), now())
                .is_ok()
        );
    }

    #[test]
    fn more_than_a_day_in_the_future_is_refused() {
        let mut draft = typical();
        draft.occurred_at = Some(now() + Duration::hours(25));
        assert!(matches!(
            problems(&draft)[0],
            (Field::OccurredAt, Problem::TooFarInFuture { .. })
        ));
    }

    #[test]
    fn a_retired_material_is_refused_for_a_new_contact() {
        let mut catalog = crate::domain::Catalog::default_quebec();
        catalog
            .materials
            .iter_mut()
            .find(|m| m.id.as_str() == "seringues")
            .unwrap()
            .active = false;
        let error = typical().parse(&catalog, now()).unwrap_err();
        assert!(matches!(error.0[0].problem, Problem::Retired { .. }));
        assert!(error.messages(Lang::Fr)[0].contains("retiré"));
    }

    #[test]
    fn the_same_material_twice_is_ambiguous() {
        let mut draft = typical();
        draft.materials.push(("seringues".into(), "5".into()));
        assert_eq!(
            problems(&draft),
            vec![(
                Field::Materials,
                Problem::Duplicate {
                    value: "seringues".into()
                }
            )]
        );
    }

    #[test]
    fn quantities_and_people_outside_their_ranges_name_the_range() {
        let mut draft = typical();
        draft.people = "501".into();
        draft.returned_syringes = Some("-1".into());
        draft.duration_min = Some("0".into());
        assert_eq!(
            problems(&draft),
            vec![
                (
                    Field::People,
                    Problem::OutOfRange {
                        value: 501,
                        min: 1,
                        max: 500
                    }
                ),
                (
                    Field::ReturnedSyringes,
                    Problem::OutOfRange {
                        value: -1,
                        min: 0,
                        max: 10000
                    }
                ),
                (
                    Field::Duration,
                    Problem::OutOfRange {
                        value: 0,
                        min: 1,
                        max: 720
                    }
                ),
            ]
        );
    }

    #[test]
    fn material_pairs_must_be_id_equals_quantity() {
        assert_eq!(
            parse_material_pair(" condoms = 3 ").unwrap(),
            ("condoms".into(), "3".into())
        );
        assert!(parse_material_pair("condoms").is_err());
        assert!(parse_material_pair("=3").is_err());
    }
}
