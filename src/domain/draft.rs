//! A contact as typed: text from the CLI, a CSV row or the app's form,
//! before it is checked. [`ContactDraft::parse`] is the one way in.

use super::catalog::{Catalog, CatalogId, IdPolicy, Section};
use super::contact::{Contact, DurationMin, Kind, PeopleCount, Quantity};
use super::error::{Field, FieldError, Invalid, Problem};
use super::ids::RecordId;
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

        let mut materials = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for (id, qty) in &self.materials {
            let id = found.keep(catalog.check(Section::Materials, id, policy));
            let qty = found.keep(Quantity::parse(Field::Materials, qty));
            let (Some(id), Some(qty)) = (id, qty) else {
                continue;
            };
            if !seen.insert(id.clone()) {
                found.push(
                    Field::Materials,
                    Problem::Duplicate {
                        value: id.to_string(),
                    },
                );
            } else if qty.get() > 0 {
                materials.insert(id, qty);
            }
        }
        let referrals = found.chips(catalog, Section::Referrals, &self.referrals);
        let interventions = found.chips(catalog, Section::Interventions, &self.interventions);

        if kind == Some(Kind::Group) && people.is_some_and(|p| p.get() < 2) {
            found.push(Field::People, Problem::GroupNeedsTwo);
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
            }),
            _ => Err(Invalid(found.0)),
        }
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
