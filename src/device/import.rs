//! Back-filling from paper tally sheets: when a phone dies, workers tally
//! on paper and type the sheet into a CSV later.
//!
//! One row per contact; columns `occurred_at,zone,kind,people,age_band,
//! gender,materials,returned_syringes,referrals,interventions,code` (and an
//! optional `duration`), in any order, each once. `materials` is
//! `id=qty;id=qty`; list columns are `;`-separated. The file is checked
//! whole before anything is saved: one bad row and nothing is imported,
//! and bad rows are reported with their line and field.
//!
//! Whatever the file holds (`/dev/zero`, a photo, a million bad rows),
//! memory stays bounded: the file is read as a stream, never held whole;
//! a line over [`MAX_LINE_BYTES`], a file over [`MAX_FILE_BYTES`] or over
//! [`MAX_ROWS`] rows is refused where reading reaches it; and only the
//! first [`MAX_PROBLEMS`] problems are kept, the others counted.

mod limits;

use super::error::StoreError;
use super::store::Store;
use crate::domain::draft::{parse_material_pair, split_list};
use crate::domain::i18n::{Lang, Msg, grouped, tr};
use crate::domain::time::parse_occurred_at;
use crate::domain::{Catalog, Contact, ContactDraft, Field, FieldError, Problem};
use chrono::{DateTime, FixedOffset, TimeZone};
use limits::{Bounded, Tagging};
use std::io::Read;

pub use limits::{MAX_FILE_BYTES, MAX_LINE_BYTES, MAX_PROBLEMS, MAX_ROWS};

pub const COLUMNS: [&str; 11] = [
    "occurred_at",
    "zone",
    "kind",
    "people",
    "age_band",
    "gender",
    "materials",
    "returned_syringes",
    "referrals",
    "interventions",
    "code",
];
const OPTIONAL_COLUMNS: [&str; 1] = ["duration"];

/// A problem on one line of the file (line 1 is the header).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub error: FieldError,
}

/// The problems that kept a file out: the first [`MAX_PROBLEMS`], in file
/// order, and how many more there were.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rejected {
    pub problems: Vec<RowError>,
    pub more: u64,
}

impl Rejected {
    fn one(line: u64, error: FieldError) -> Rejected {
        Rejected {
            problems: vec![RowError { line, error }],
            more: 0,
        }
    }

    fn push(&mut self, problem: RowError) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(problem);
        } else {
            self.more += 1;
        }
    }

    pub fn total(&self) -> u64 {
        self.problems.len() as u64 + self.more
    }

    /// One line per kept problem, then the count of the others, then what
    /// happened: at most [`MAX_PROBLEMS`] + 2 lines, however bad the file.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        let mut lines: Vec<String> = self
            .problems
            .iter()
            .map(|r| {
                format!(
                    "{} — {}",
                    tr(lang, Msg::ImportLine, &[("line", &r.line)]),
                    r.error.message_with_key(lang)
                )
            })
            .collect();
        match self.more {
            0 => {}
            1 => lines.push(Msg::ImportOneMore.text(lang).to_string()),
            more => lines.push(tr(
                lang,
                Msg::ImportMore,
                &[("count", &grouped(more, lang))],
            )),
        }
        let total = grouped(self.total(), lang);
        lines.push(tr(lang, Msg::ImportRejected, &[("count", &total)]));
        lines
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read to its end (not its content's fault).
    #[error("the file could not be read: {0}")]
    Unreadable(std::io::Error),
    #[error("problems in the file: {}; nothing imported", .0.total())]
    Rejected(Rejected),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads `input` to its end, checks every row against the store's
/// catalog and saves them all in one transaction, or nothing. Returns how
/// many contacts were imported.
pub fn import_csv<R: Read, Tz: TimeZone>(
    store: &mut Store,
    input: R,
    zone: &Tz,
    now: DateTime<FixedOffset>,
) -> Result<usize, ImportError> {
    let catalog = store.catalog()?;
    let mut tagging = Tagging {
        inner: input,
        tag: store.import_tag(),
    };
    let contacts = parse_csv(&mut tagging, &catalog, zone, now)?;
    store.save_import_tagged(tagging.tag, &contacts)?;
    Ok(contacts.len())
}

/// Parses the whole file; either every row is a valid contact or the
/// result says what is wrong.
pub fn parse_csv<R: Read, Tz: TimeZone>(
    input: R,
    catalog: &Catalog,
    zone: &Tz,
    now: DateTime<FixedOffset>,
) -> Result<Vec<Contact>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(Bounded::new(input));
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim_start_matches('\u{feff}').to_string())
            .collect(),
        Err(e) => return Err(unreadable(reader.get_ref(), e)),
    };
    check_headers(&headers).map_err(|error| ImportError::Rejected(Rejected::one(1, error)))?;
    let column = |name: &str| headers.iter().position(|h| h == name);

    let mut contacts = Vec::new();
    let mut rejected = Rejected::default();
    let mut row = csv::StringRecord::new();
    let mut rows = 0;
    loop {
        match reader.read_record(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => match unreadable(reader.get_ref(), e) {
                // A line that is not a proper row: note it, read on.
                ImportError::Rejected(one) if !is_limit(&one) => {
                    contacts = Vec::new();
                    one.problems.into_iter().for_each(|p| rejected.push(p));
                    continue;
                }
                fatal => return Err(fatal),
            },
        }
        let line = row.position().map_or(0, |p| p.line());
        rows += 1;
        if rows > MAX_ROWS {
            let error = FieldError::new(Field::CsvFile, Problem::TooManyRows { max: MAX_ROWS });
            return Err(ImportError::Rejected(Rejected::one(line, error)));
        }
        let cell = |name: &str| {
            column(name)
                .and_then(|i| row.get(i))
                .unwrap_or("")
                .to_string()
        };
        match parse_row(&cell, catalog, zone, now) {
            Ok(contact) if rejected.problems.is_empty() => contacts.push(contact),
            Ok(_) => {}
            Err(errors) => {
                // Nothing will be saved now: no need to keep what parsed.
                contacts = Vec::new();
                for error in errors {
                    rejected.push(RowError { line, error });
                }
            }
        }
    }
    if rejected.problems.is_empty() {
        Ok(contacts)
    } else {
        Err(ImportError::Rejected(rejected))
    }
}

/// Each column once, every required one there, no other.
fn check_headers(headers: &[String]) -> Result<(), FieldError> {
    if let Some(twice) = headers
        .iter()
        .enumerate()
        .find(|(i, h)| headers[..*i].contains(h))
        .map(|(_, h)| h)
    {
        let problem = Problem::Duplicate {
            value: twice.clone(),
        };
        return Err(FieldError::new(Field::CsvColumns, problem));
    }
    let known =
        |h: &String| COLUMNS.contains(&h.as_str()) || OPTIONAL_COLUMNS.contains(&h.as_str());
    let missing = COLUMNS.iter().any(|c| !headers.iter().any(|h| h == c));
    if missing || !headers.iter().all(known) {
        let expected = COLUMNS
            .iter()
            .chain(&OPTIONAL_COLUMNS)
            .map(|c| c.to_string())
            .collect();
        let problem = Problem::BadColumns {
            found: headers.to_vec(),
            expected,
        };
        return Err(FieldError::new(Field::CsvColumns, problem));
    }
    Ok(())
}

/// One row as a contact, or every problem it has.
fn parse_row<Tz: TimeZone>(
    cell: &dyn Fn(&str) -> String,
    catalog: &Catalog,
    zone: &Tz,
    now: DateTime<FixedOffset>,
) -> Result<Contact, Vec<FieldError>> {
    let optional = |name: &str| Some(cell(name)).filter(|c| !c.is_empty());
    let mut errors = Vec::new();
    let occurred_at = match cell("occurred_at").as_str() {
        "" => {
            errors.push(FieldError::new(Field::OccurredAt, Problem::Required));
            None
        }
        text => parse_occurred_at(text, zone)
            .map_err(|e| errors.push(e))
            .ok(),
    };
    let mut materials = Vec::new();
    for pair in split_list(&cell("materials")) {
        match parse_material_pair(&pair) {
            Ok(pair) => materials.push(pair),
            Err(e) => errors.push(e),
        }
    }
    let draft = ContactDraft {
        occurred_at,
        zone: cell("zone"),
        kind: cell("kind"),
        people: cell("people"),
        age_band: cell("age_band"),
        gender: optional("gender"),
        materials,
        returned_syringes: optional("returned_syringes"),
        referrals: split_list(&cell("referrals")),
        interventions: split_list(&cell("interventions")),
        code: optional("code"),
        duration_min: optional("duration"),

        ..ContactDraft::default()
    };
    // A missing date was reported once already; the draft fell back to now.
    match draft.parse(catalog, now) {
        Ok(contact) if errors.is_empty() => Ok(contact),
        Ok(_) => Err(errors),
        Err(invalid) => {
            errors.extend(invalid.0);
            Err(errors)
        }
    }
}

/// A limit ends reading: the rest of the file is not looked at.
fn is_limit(rejected: &Rejected) -> bool {
    rejected.problems.iter().any(|r| {
        matches!(
            r.error.problem,
            Problem::LineTooLong { .. }
                | Problem::FileTooLarge { .. }
                | Problem::TooManyRows { .. }
        )
    })
}

/// What a CSV error means here: a limit the reader tripped, the file
/// failing to read, or one line that is not a proper row.
fn unreadable<R>(bounded: &Bounded<R>, error: csv::Error) -> ImportError {
    let rejected = |line, field, problem| {
        ImportError::Rejected(Rejected::one(line, FieldError::new(field, problem)))
    };
    if let Some((line, problem)) = bounded.tripped() {
        return rejected(line, Field::CsvFile, problem);
    }
    let line = error.position().map_or(bounded.line(), |p| p.line());
    let text = error.to_string();
    match error.into_kind() {
        csv::ErrorKind::Io(e) => ImportError::Unreadable(e),
        csv::ErrorKind::Utf8 { .. } => rejected(line, Field::CsvFile, Problem::NotUtf8),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => rejected(
            line,
            Field::CsvColumns,
            Problem::ColumnCount {
                found: len,
                expected: expected_len,
            },
        ),
        // Seeking and serde are not used here; kept readable all the same.
        _ => rejected(
            line,
            Field::CsvColumns,
            Problem::BadColumns {
                found: vec![text],
                expected: COLUMNS.iter().map(|c| c.to_string()).collect(),
            },
        ),
    }
}

#[cfg(test)]
mod tests;
