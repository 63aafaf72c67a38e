//! Back-filling from paper tally sheets: when a phone dies, workers tally
//! on paper and type the sheet into a CSV later.
//!
//! One row per contact; columns `occurred_at,zone,kind,people,age_band,
//! gender,materials,returned_syringes,referrals,interventions,code` (and an
//! optional `duration`), in any order. `materials` is `id=qty;id=qty`; list
//! columns are `;`-separated. The file is checked whole before anything is
//! saved: one bad row and nothing is imported, and every bad row is
//! reported with its line and field.

use crate::domain::draft::{parse_material_pair, split_list};
use crate::domain::time::parse_occurred_at;
use crate::domain::{Catalog, Contact, ContactDraft, Field, FieldError, Problem};
use chrono::{DateTime, FixedOffset, TimeZone};

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

/// Parses the whole file; either every row is a valid contact or the
/// result lists every problem.
pub fn parse_csv<Tz: TimeZone>(
    bytes: &[u8],
    catalog: &Catalog,
    zone: &Tz,
    now: DateTime<FixedOffset>,
) -> Result<Vec<Contact>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(bytes);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim_start_matches('\u{feff}').to_string())
            .collect(),
        Err(e) => return Err(vec![unreadable(1, &e)]),
    };
    let column = |name: &str| headers.iter().position(|h| h == name);
    let unknown = headers
        .iter()
        .any(|h| !COLUMNS.contains(&h.as_str()) && !OPTIONAL_COLUMNS.contains(&h.as_str()));
    if unknown || COLUMNS.iter().any(|c| column(c).is_none()) {
        let expected = COLUMNS
            .iter()
            .chain(&OPTIONAL_COLUMNS)
            .map(|c| c.to_string())
            .collect();
        let problem = Problem::BadColumns {
            found: headers.clone(),
            expected,
        };
        return Err(vec![RowError {
            line: 1,
            error: FieldError::new(Field::CsvColumns, problem),
        }]);
    }

    let mut contacts = Vec::new();
    let mut errors = Vec::new();
    for row in reader.records() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(unreadable(line, &e));
                continue;
            }
        };
        let line = row.position().map_or(0, |p| p.line());
        let cell = |name: &str| {
            column(name)
                .and_then(|i| row.get(i))
                .unwrap_or("")
                .to_string()
        };
        let optional = |name: &str| Some(cell(name)).filter(|c| !c.is_empty());
        let mut row_errors = Vec::new();

        let occurred_at = match cell("occurred_at").as_str() {
            "" => {
                row_errors.push(FieldError::new(Field::OccurredAt, Problem::Required));
                None
            }
            text => parse_occurred_at(text, zone)
                .map_err(|e| row_errors.push(e))
                .ok(),
        };
        let mut materials = Vec::new();
        for pair in split_list(&cell("materials")) {
            match parse_material_pair(&pair) {
                Ok(pair) => materials.push(pair),
                Err(e) => row_errors.push(e),
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
        };
        match draft.parse(catalog, now) {
            Ok(contact) if row_errors.is_empty() => contacts.push(contact),
            Ok(_) => {}
            Err(invalid) => row_errors.extend(invalid.0),
        }
        // A missing date was reported once already; the draft fell back to now.
        errors.extend(row_errors.into_iter().map(|error| RowError { line, error }));
    }
    if errors.is_empty() {
        Ok(contacts)
    } else {
        Err(errors)
    }
}

fn unreadable(line: u64, error: &csv::Error) -> RowError {
    let problem = Problem::BadColumns {
        found: vec![error.to_string()],
        expected: COLUMNS.iter().map(|c| c.to_string()).collect(),
    };
    RowError {
        line,
        error: FieldError::new(Field::CsvColumns, problem),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-21T12:00:00-05:00").unwrap()
    }

    fn zone() -> FixedOffset {
        FixedOffset::west_opt(5 * 3600).unwrap()
    }

    const HEADER: &str = "occurred_at,zone,kind,people,age_band,gender,materials,returned_syringes,referrals,interventions,code\n";

    #[test]
    fn a_good_sheet_parses_every_row() {
        let csv = format!(
            "{HEADER}2026-11-20 23:15,gatineau,known,1,25-34,femme,seringues=10;condoms=5,3,clsc,ecoute,Tremblay-87\n\
             2026-11-20T23:40:00-05:00,pontiac,group,4,18-24,,trousses-naloxone=2,,,,\n"
        );
        let contacts =
            parse_csv(csv.as_bytes(), &Catalog::default_quebec(), &zone(), now()).unwrap();
        assert_eq!(contacts.len(), 2);
        assert_eq!(
            contacts[0].occurred_at.to_rfc3339(),
            "2026-11-20T23:15:00-05:00"
        );
        assert_eq!(contacts[0].materials.len(), 2);
        assert_eq!(contacts[1].people_count.get(), 4);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_field() {
        let csv = format!(
            "{HEADER}2026-11-20 23:15,gatineau,known,1,25-34,,seringues=10,,,,\n\
             2026-11-20 23:20,laval,known,1,25-34,,,,,,\n\
             2026-11-20 23:25,gatineau,group,1,25-34,,seringues,,,,\n"
        );
        let errors =
            parse_csv(csv.as_bytes(), &Catalog::default_quebec(), &zone(), now()).unwrap_err();
        let found: Vec<(u64, Field)> = errors.iter().map(|e| (e.line, e.error.field)).collect();
        assert_eq!(
            found,
            vec![(3, Field::Zone), (4, Field::Materials), (4, Field::People)]
        );
    }

    #[test]
    fn a_missing_or_unknown_column_is_refused_before_any_row() {
        let csv = "occurred_at,zone,kind\n2026-11-20 23:15,gatineau,known\n";
        let errors =
            parse_csv(csv.as_bytes(), &Catalog::default_quebec(), &zone(), now()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].line, errors[0].error.field),
            (1, Field::CsvColumns)
        );
    }

    #[test]
    fn a_row_without_a_date_is_refused_not_dated_now() {
        let csv = format!("{HEADER},gatineau,known,1,25-34,,,,,,\n");
        let errors =
            parse_csv(csv.as_bytes(), &Catalog::default_quebec(), &zone(), now()).unwrap_err();
        assert_eq!(
            errors[0].error,
            FieldError::new(Field::OccurredAt, Problem::Required)
        );
    }
}
