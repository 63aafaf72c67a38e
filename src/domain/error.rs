//! Validation errors: which field, what is wrong, what is allowed.
//!
//! An error is data, not a sentence, so the app can show it next to the
//! field and the CLI can print it, each in the reader's language.

use super::i18n::{Lang, Msg, grouped, tr};
use std::fmt;

/// A field a person fills. `key` is the stable machine name, the same as the
/// CLI flag and the CSV column, so a message can point at what to fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    OccurredAt,
    Zone,
    Kind,
    People,
    AgeBand,
    Gender,
    Materials,
    ReturnedSyringes,
    Referrals,
    Interventions,
    PersonCode,
    Duration,
    LocationType,
    Responders,
    NasalDoses,
    InjectedDoses,
    Call911,
    Outcome,
    Substances,
    TeamSize,
    ShiftEnd,
    IncidentType,
    ContactMode,
    MaterialsForOthers,
    KitForm,
    KitSupply,
    PeopleTrained,
    RecordId,
    Pin,
    CsvColumns,
    CsvFile,
    Server,
}

impl Field {
    pub fn key(self) -> &'static str {
        match self {
            Field::OccurredAt => "occurred_at",
            Field::Zone => "zone",
            Field::Kind => "kind",
            Field::People => "people",
            Field::AgeBand => "age_band",
            Field::Gender => "gender",
            Field::Materials => "materials",
            Field::ReturnedSyringes => "returned_syringes",
            Field::Referrals => "referrals",
            Field::Interventions => "interventions",
            Field::PersonCode => "code",
            Field::Duration => "duration",
            Field::LocationType => "location_type",
            Field::Responders => "responder",
            Field::NasalDoses => "nasal_doses",
            Field::InjectedDoses => "injected_doses",
            Field::Call911 => "call_911",
            Field::Outcome => "outcome",
            Field::Substances => "substance",
            Field::TeamSize => "team",
            Field::ShiftEnd => "ended_by",
            Field::IncidentType => "kind",
            Field::ContactMode => "mode",
            Field::MaterialsForOthers => "for_others",
            Field::KitForm => "kit_form",
            Field::KitSupply => "kit",
            Field::PeopleTrained => "trained",
            Field::RecordId => "record_id",
            Field::Pin => "pin",
            Field::CsvColumns => "columns",
            Field::CsvFile => "csv",
            Field::Server => "server",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let msg = match self {
            Field::OccurredAt => Msg::FieldOccurredAt,
            Field::Zone => Msg::FieldZone,
            Field::Kind => Msg::FieldKind,
            Field::People => Msg::FieldPeople,
            Field::AgeBand => Msg::FieldAgeBand,
            Field::Gender => Msg::FieldGender,
            Field::Materials => Msg::FieldMaterials,
            Field::ReturnedSyringes => Msg::FieldReturnedSyringes,
            Field::Referrals => Msg::FieldReferrals,
            Field::Interventions => Msg::FieldInterventions,
            Field::PersonCode => Msg::FieldPersonCode,
            Field::Duration => Msg::FieldDuration,
            Field::LocationType => Msg::FieldLocationType,
            Field::Responders => Msg::FieldResponders,
            Field::NasalDoses => Msg::FieldNasalDoses,
            Field::InjectedDoses => Msg::FieldInjectedDoses,
            Field::Call911 => Msg::FieldCall911,
            Field::Outcome => Msg::FieldOutcome,
            Field::Substances => Msg::FieldSubstances,
            Field::TeamSize => Msg::FieldTeamSize,
            Field::ShiftEnd => Msg::FieldShiftEnd,
            Field::IncidentType => Msg::FieldIncidentType,
            Field::ContactMode => Msg::FieldContactMode,
            Field::MaterialsForOthers => Msg::FieldMaterialsForOthers,
            Field::KitForm => Msg::FieldKitForm,
            Field::KitSupply => Msg::FieldKitSupply,
            Field::PeopleTrained => Msg::FieldPeopleTrained,
            Field::RecordId => Msg::FieldRecordId,
            Field::Pin => Msg::FieldPin,
            Field::CsvColumns => Msg::FieldCsvColumns,
            Field::CsvFile => Msg::FieldCsvFile,
            Field::Server => Msg::FieldServer,
        };
        msg.text(lang)
    }
}

/// What is wrong with a value, with what would have been allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Required,
    UnknownId {
        value: String,
        allowed: Vec<String>,
    },
    Retired {
        value: String,
        allowed: Vec<String>,
    },
    OutOfRange {
        value: i64,
        min: i64,
        max: i64,
    },
    NotANumber {
        value: String,
        min: i64,
        max: i64,
    },
    BadDateTime {
        value: String,
    },
    TooFarInFuture {
        value: String,
    },
    TooFarInPast {
        value: String,
    },
    GroupNeedsTwo,
    /// The naloxone detail of a contact that hands out no kit (`material`).
    NoKits {
        material: String,
    },
    Duplicate {
        value: String,
    },
    BadPair {
        value: String,
    },
    CodeLength {
        min: usize,
        max: usize,
    },
    BadRecordId {
        value: String,
    },
    Length {
        min: usize,
        max: usize,
    },
    BadColumns {
        found: Vec<String>,
        expected: Vec<String>,
    },
    /// A line of a file over `max_kib` KiB.
    LineTooLong {
        max_kib: usize,
    },
    /// A file over `max_mib` MiB.
    FileTooLarge {
        max_mib: usize,
    },
    /// A file with more than `max` rows.
    TooManyRows {
        max: usize,
    },
    /// A line of a file that is not UTF-8 text.
    NotUtf8,
    /// A row with another number of columns than the header.
    ColumnCount {
        found: u64,
        expected: u64,
    },
    /// Not `http(s)://host[:port][/path]`.
    BadAddress {
        value: String,
    },
    /// A new PIN too easy to guess from a copied store: neither `digits`
    /// digits nor a passphrase of `passphrase` characters with a letter.
    WeakPin {
        digits: usize,
        passphrase: usize,
    },
}

/// One field's problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: Field, problem: Problem) -> Self {
        FieldError { field, problem }
    }

    /// The message with the field's label, e.g. for display beside the field.
    pub fn message(&self, lang: Lang) -> String {
        self.render(lang, self.field.label(lang))
    }

    /// The message naming the field as the CLI and CSV know it too:
    /// "nombre de personnes (people) : …".
    pub fn message_with_key(&self, lang: Lang) -> String {
        let (label, key) = (self.field.label(lang), self.field.key());
        if label == key {
            return self.render(lang, label);
        }
        self.render(lang, &format!("{label} ({key})"))
    }

    fn render(&self, lang: Lang, field: &str) -> String {
        let join = |list: &[String]| list.join(", ");
        match &self.problem {
            Problem::Required => tr(lang, Msg::ProblemRequired, &[("field", &field)]),
            Problem::UnknownId { value, allowed } => tr(
                lang,
                Msg::ProblemUnknownId,
                &[
                    ("field", &field),
                    ("value", value),
                    ("allowed", &join(allowed)),
                ],
            ),
            Problem::Retired { value, allowed } => tr(
                lang,
                Msg::ProblemRetired,
                &[
                    ("field", &field),
                    ("value", value),
                    ("allowed", &join(allowed)),
                ],
            ),
            Problem::OutOfRange { value, min, max } => tr(
                lang,
                Msg::ProblemOutOfRange,
                &[
                    ("field", &field),
                    ("value", value),
                    ("min", min),
                    ("max", max),
                ],
            ),
            Problem::NotANumber { value, min, max } => tr(
                lang,
                Msg::ProblemNotANumber,
                &[
                    ("field", &field),
                    ("value", value),
                    ("min", min),
                    ("max", max),
                ],
            ),
            Problem::BadDateTime { value } => tr(
                lang,
                Msg::ProblemBadDateTime,
                &[("field", &field), ("value", value)],
            ),
            Problem::TooFarInFuture { value } => tr(
                lang,
                Msg::ProblemTooFarInFuture,
                &[("field", &field), ("value", value)],
            ),
            Problem::TooFarInPast { value } => tr(
                lang,
                Msg::ProblemTooFarInPast,
                &[("field", &field), ("value", value)],
            ),
            Problem::GroupNeedsTwo => tr(lang, Msg::ProblemGroupNeedsTwo, &[("field", &field)]),
            Problem::NoKits { material } => tr(
                lang,
                Msg::ProblemNoKits,
                &[("field", &field), ("material", material)],
            ),
            Problem::Duplicate { value } => tr(
                lang,
                Msg::ProblemDuplicate,
                &[("field", &field), ("value", value)],
            ),
            Problem::BadPair { value } => tr(
                lang,
                Msg::ProblemBadPair,
                &[("field", &field), ("value", value)],
            ),
            Problem::CodeLength { min, max } => tr(
                lang,
                Msg::ProblemCodeLength,
                &[("field", &field), ("min", min), ("max", max)],
            ),
            Problem::BadRecordId { value } => tr(
                lang,
                Msg::ProblemBadRecordId,
                &[("field", &field), ("value", value)],
            ),
            Problem::Length { min, max } => tr(
                lang,
                Msg::ProblemTooLong,
                &[("field", &field), ("min", min), ("max", max)],
            ),
            Problem::LineTooLong { max_kib } => tr(
                lang,
                Msg::ProblemLineTooLong,
                &[("field", &field), ("max", max_kib)],
            ),
            Problem::FileTooLarge { max_mib } => tr(
                lang,
                Msg::ProblemFileTooLarge,
                &[("field", &field), ("max", max_mib)],
            ),
            Problem::TooManyRows { max } => tr(
                lang,
                Msg::ProblemTooManyRows,
                &[("field", &field), ("max", &grouped(*max as u64, lang))],
            ),
            Problem::NotUtf8 => tr(lang, Msg::ProblemNotUtf8, &[("field", &field)]),
            Problem::ColumnCount { found, expected } => tr(
                lang,
                Msg::ProblemColumnCount,
                &[("field", &field), ("found", found), ("expected", expected)],
            ),
            Problem::BadAddress { value } => tr(
                lang,
                Msg::ProblemBadAddress,
                &[("field", &field), ("value", value)],
            ),
            Problem::BadColumns { found, expected } => tr(
                lang,
                Msg::ProblemBadColumns,
                &[
                    ("field", &field),
                    ("value", &join(found)),
                    ("allowed", &join(expected)),
                ],
            ),
            Problem::WeakPin { digits, passphrase } => tr(
                lang,
                Msg::ProblemWeakPin,
                &[("field", &field), ("digits", digits), ("chars", passphrase)],
            ),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_with_key(Lang::En))
    }
}

impl std::error::Error for FieldError {}

/// Every problem found in one input: a form shows them all at once rather
/// than making the worker fix one field per attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn messages(&self, lang: Lang) -> Vec<String> {
        self.0.iter().map(|e| e.message_with_key(lang)).collect()
    }

    /// The first problem for a field, for display beside that field.
    pub fn for_field(&self, field: Field) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }
}

impl From<FieldError> for Invalid {
    fn from(error: FieldError) -> Self {
        Invalid(vec![error])
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.messages(Lang::En).join(" "))
    }
}

impl std::error::Error for Invalid {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_out_of_range_message_names_the_field_and_the_allowed_range_in_both_languages() {
        let error = FieldError::new(
            Field::People,
            Problem::OutOfRange {
                value: 0,
                min: 1,
                max: 500,
            },
        );
        assert_eq!(
            error.message_with_key(Lang::Fr),
            "nombre de personnes (people) : 0 est hors limites. Permis : de 1 à 500."
        );
        assert_eq!(
            error.message_with_key(Lang::En),
            "number of people (people): 0 is out of range. Allowed: 1 to 500."
        );
    }

    #[test]
    fn an_unknown_id_message_lists_what_is_allowed() {
        let error = FieldError::new(
            Field::Zone,
            Problem::UnknownId {
                value: "mars".into(),
                allowed: vec!["gatineau".into(), "pontiac".into()],
            },
        );
        let text = error.message(Lang::En);
        assert!(text.contains("\"mars\""), "{text}");
        assert!(text.contains("gatineau, pontiac"), "{text}");
    }
}
