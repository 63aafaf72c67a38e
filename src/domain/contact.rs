//! Records: an anonymized outreach contact, and the void that corrects one.
//!
//! Nothing synced is ever edited in place: a mistake is corrected by a
//! [`Void`] naming the original `record_id`, which removes it from every
//! figure. The value types here only hold what their parse constructors
//! allow, so a [`Contact`] read back from storage is still a valid one.

use super::catalog::CatalogId;
use super::error::{Field, FieldError, Problem};
use super::i18n::{Lang, Msg};
use super::ids::RecordId;
use super::person_code::PersonCode;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Parses a whole number for `field` within `min..=max`.
pub fn parse_int(field: Field, text: &str, min: i64, max: i64) -> Result<i64, FieldError> {
    let text = text.trim();
    let value: i64 = text.parse().map_err(|_| {
        FieldError::new(
            field,
            Problem::NotANumber {
                value: text.to_string(),
                min,
                max,
            },
        )
    })?;
    if !(min..=max).contains(&value) {
        return Err(FieldError::new(
            field,
            Problem::OutOfRange { value, min, max },
        ));
    }
    Ok(value)
}

macro_rules! bounded {
    ($(#[$doc:meta])* $name:ident($inner:ty), $field:expr, $min:expr, $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "i64", into = "i64")]
        pub struct $name($inner);

        impl $name {
            pub const MIN: $inner = $min;
            pub const MAX: $inner = $max;

            pub fn new(field: Field, value: i64) -> Result<Self, FieldError> {
                if !(Self::MIN as i64..=Self::MAX as i64).contains(&value) {
                    return Err(FieldError::new(
                        field,
                        Problem::OutOfRange { value, min: Self::MIN as i64, max: Self::MAX as i64 },
                    ));
                }
                Ok($name(value as $inner))
            }

            pub fn parse(field: Field, text: &str) -> Result<Self, FieldError> {
                let value = parse_int(field, text, Self::MIN as i64, Self::MAX as i64)?;
                Ok($name(value as $inner))
            }

            pub fn get(self) -> $inner {
                self.0
            }
        }

        impl TryFrom<i64> for $name {
            type Error = String;
            fn try_from(value: i64) -> Result<Self, String> {
                $name::new($field, value).map_err(|e| e.to_string())
            }
        }

        impl From<$name> for i64 {
            fn from(value: $name) -> i64 {
                value.0 as i64
            }
        }
    };
}

pub(crate) use bounded;

bounded!(
    /// People met in one contact: 1 to 500 (a big encampment, not a crowd).
    PeopleCount(u16), Field::People, 1, 500
);
bounded!(
    /// A quantity of material or returned syringes: 0 to 10,000 (a box of
    /// syringes for a whole crew, but not a typo with three extra zeros).
    Quantity(u32), Field::Materials, 0, 10_000
);
bounded!(
    /// Minutes spent with the person: 1 to 720.
    DurationMin(u16), Field::Duration, 1, 720
);

/// First contact, a person already known, or a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    First,
    Known,
    Group,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::First, Kind::Known, Kind::Group];

    pub fn key(self) -> &'static str {
        match self {
            Kind::First => "first",
            Kind::Known => "known",
            Kind::Group => "group",
        }
    }

    pub fn parse(text: &str) -> Result<Kind, FieldError> {
        let text = text.trim();
        Kind::ALL
            .into_iter()
            .find(|k| k.key() == text)
            .ok_or_else(|| {
                FieldError::new(
                    Field::Kind,
                    Problem::UnknownId {
                        value: text.to_string(),
                        allowed: Kind::ALL.iter().map(|k| k.key().to_string()).collect(),
                    },
                )
            })
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Kind::First => Msg::KindFirst,
            Kind::Known => Msg::KindKnown,
            Kind::Group => Msg::KindGroup,
        }
        .text(lang)
    }
}

/// One anonymized outreach contact. Built by [`super::ContactDraft::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub record_id: RecordId,
    pub occurred_at: DateTime<FixedOffset>,
    pub zone: CatalogId,
    pub kind: Kind,
    pub people_count: PeopleCount,
    pub age_band: CatalogId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<CatalogId>,
    /// Only quantities above zero; a stepper left at zero is not a gift.
    #[serde(default)]
    pub materials: BTreeMap<CatalogId, Quantity>,
    pub returned_syringes: Quantity,
    #[serde(default)]
    pub referrals: BTreeSet<CatalogId>,
    #[serde(default)]
    pub interventions: BTreeSet<CatalogId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_code: Option<PersonCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_min: Option<DurationMin>,
    /// Since contact version 2 (batch schema 2): how the worker and the
    /// person were in touch, a [`Section::ContactModes`](super::Section) id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<CatalogId>,
    /// Since version 2: where, a location type of the catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_type: Option<CatalogId>,
    /// Since version 2: materials handed to the person to pass on to
    /// others (secondary distribution), counted apart from `materials`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub materials_for_others: BTreeMap<CatalogId, Quantity>,
    /// Since version 2: what the naloxone kits handed out were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naloxone: Option<super::naloxone::NaloxoneKits>,
}

impl Contact {
    /// The local date the contact belongs to (its own offset, not UTC).
    pub fn local_date(&self) -> NaiveDate {
        self.occurred_at.date_naive()
    }

    /// Whether it carries a field of contact version 2, which a server of
    /// the previous release could not read.
    pub fn is_v2(&self) -> bool {
        self.mode.is_some()
            || self.location_type.is_some()
            || !self.materials_for_others.is_empty()
            || self.naloxone.is_some()
    }

    /// Naloxone kits handed out, for the person and for others.
    pub fn naloxone_kits(&self) -> u32 {
        [&self.materials, &self.materials_for_others]
            .iter()
            .flat_map(|m| m.iter())
            .filter(|(id, _)| id.as_str() == super::naloxone::NALOXONE_KITS)
            .map(|(_, q)| q.get())
            .sum()
    }

    /// The same shape at a new time with a new id: "repeat the last".
    pub fn repeated_at(&self, at: DateTime<FixedOffset>) -> Contact {
        Contact {
            record_id: RecordId::new(),
            occurred_at: at,
            ..self.clone()
        }
    }
}

/// A correction: removes `target` from every figure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Void {
    pub record_id: RecordId,
    pub target: RecordId,
    pub voided_at: DateTime<FixedOffset>,
}

impl Void {
    pub fn new(target: RecordId, now: DateTime<FixedOffset>) -> Void {
        Void {
            record_id: RecordId::new(),
            target,
            voided_at: now,
        }
    }
}

/// What the device stores and the server receives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Record {
    Contact(Contact),
    Void(Void),
    /// Since batch schema 2.
    Overdose(super::overdose::Overdose),
    /// Since batch schema 2.
    Shift(super::shift::Shift),
    /// Since batch schema 2.
    Incident(super::incident::Incident),
}

impl Record {
    /// The oldest batch schema that carries this record.
    pub fn schema(&self) -> u8 {
        match self {
            Record::Contact(c) if c.is_v2() => 2,
            Record::Contact(_) | Record::Void(_) => 1,
            Record::Overdose(_) | Record::Shift(_) | Record::Incident(_) => 2,
        }
    }

    pub fn record_id(&self) -> RecordId {
        match self {
            Record::Contact(c) => c.record_id,
            Record::Void(v) => v.record_id,
            Record::Overdose(o) => o.record_id,
            Record::Shift(s) => s.record_id,
            Record::Incident(i) => i.record_id,
        }
    }

    /// The local date the record is counted under on the device.
    pub fn local_date(&self) -> NaiveDate {
        match self {
            Record::Contact(c) => c.local_date(),
            Record::Void(v) => v.voided_at.date_naive(),
            Record::Overdose(o) => o.local_date(),
            Record::Shift(s) => s.local_date(),
            Record::Incident(i) => i.local_date(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_numbers_refuse_values_outside_their_range() {
        assert!(PeopleCount::new(Field::People, 0).is_err());
        assert!(PeopleCount::new(Field::People, 501).is_err());
        assert_eq!(PeopleCount::new(Field::People, 500).unwrap().get(), 500);
        let error = Quantity::parse(Field::Materials, "10001").unwrap_err();
        assert_eq!(
            error.problem,
            Problem::OutOfRange {
                value: 10001,
                min: 0,
                max: 10000
            }
        );
        let error = Quantity::parse(Field::ReturnedSyringes, "dix").unwrap_err();
        assert_eq!(error.field, Field::ReturnedSyringes);
        assert!(matches!(error.problem, Problem::NotANumber { .. }));
    }

    #[test]
    fn deserializing_rechecks_bounds() {
        assert!(serde_json::from_str::<PeopleCount>("0").is_err());
        assert!(serde_json::from_str::<Quantity>("-1").is_err());
        assert_eq!(serde_json::from_str::<Quantity>("7").unwrap().get(), 7);
    }

    #[test]
    fn kind_parse_lists_the_allowed_kinds() {
        assert_eq!(Kind::parse(" group ").unwrap(), Kind::Group);
        let error = Kind::parse("crowd").unwrap_err();
        assert!(error.message(Lang::En).contains("first, known, group"));
    }
}
