//! The import read as a worker's file would be: good sheets, bad rows,
//! and files that are not sheets at all.

use super::*;
use crate::device::pin::Pin;

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-21T12:00:00-05:00").unwrap()
}

fn zone() -> FixedOffset {
    FixedOffset::west_opt(5 * 3600).unwrap()
}

const HEADER: &str = "occurred_at,zone,kind,people,age_band,gender,materials,returned_syringes,referrals,interventions,code\n";
const GOOD_ROW: &str = "2026-11-20 23:15,gatineau,known,1,25-34,,seringues=10,,,,\n";
const BAD_ROW: &str = "2026-11-20 23:15,mars,known,1,25-34,,,,,,\n";

fn parse(input: impl Read) -> Result<Vec<Contact>, ImportError> {
    parse_csv(input, &Catalog::default_quebec(), &zone(), now())
}

fn rejected(input: impl Read) -> Rejected {
    match parse(input) {
        Err(ImportError::Rejected(r)) => r,
        other => panic!("not rejected: {other:?}"),
    }
}

fn found(r: &Rejected) -> Vec<(u64, Field)> {
    r.problems.iter().map(|e| (e.line, e.error.field)).collect()
}

#[test]
fn a_good_sheet_parses_every_row() {
    let csv = format!(
        "{HEADER}2026-11-20 23:15,gatineau,known,1,25-34,femme,seringues=10;condoms=5,3,clsc,ecoute,Tremblay-87\n\
         2026-11-20T23:40:00-05:00,pontiac,group,4,18-24,,trousses-naloxone=2,,,,\n"
    );
    let contacts = parse(csv.as_bytes()).unwrap();
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
        "{HEADER}{GOOD_ROW}\
         2026-11-20 23:20,laval,known,1,25-34,,,,,,\n\
         2026-11-20 23:25,gatineau,group,1,25-34,,seringues,,,,\n"
    );
    let r = rejected(csv.as_bytes());
    assert_eq!(
        found(&r),
        vec![(3, Field::Zone), (4, Field::Materials), (4, Field::People)]
    );
    assert_eq!(r.more, 0);
}

#[test]
fn a_missing_or_unknown_column_is_refused_before_any_row() {
    let r = rejected("occurred_at,zone,kind\n2026-11-20 23:15,gatineau,known\n".as_bytes());
    assert_eq!(found(&r), vec![(1, Field::CsvColumns)]);
}

#[test]
fn a_column_given_twice_is_refused_and_named() {
    let csv = format!("zone,{HEADER}gatineau,{GOOD_ROW}");
    let r = rejected(csv.as_bytes());
    assert_eq!(found(&r), vec![(1, Field::CsvColumns)]);
    let text = r.problems[0].error.message_with_key(Lang::En);
    assert_eq!(text, "file columns (columns): \"zone\" appears twice.");
}

#[test]
fn a_row_without_a_date_is_refused_not_dated_now() {
    let csv = format!("{HEADER},gatineau,known,1,25-34,,,,,,\n");
    let r = rejected(csv.as_bytes());
    assert_eq!(
        r.problems[0].error,
        FieldError::new(Field::OccurredAt, Problem::Required)
    );
}

#[test]
fn rows_with_the_wrong_number_of_columns_or_not_utf8_are_reported_and_reading_goes_on() {
    let mut csv = format!("{HEADER}2026-11-20 23:15,gatineau\n").into_bytes();
    csv.extend_from_slice(b"2026-11-20 23:15,gatin\xe9au,known,1,25-34,,,,,,\n");
    csv.extend_from_slice(BAD_ROW.as_bytes());
    let r = rejected(&csv[..]);
    assert_eq!(
        found(&r),
        vec![
            (2, Field::CsvColumns),
            (3, Field::CsvFile),
            (4, Field::Zone)
        ]
    );
    assert_eq!(
        r.problems[0].error.message_with_key(Lang::En),
        "file columns (columns): this line has 2 columns and the header has 11. \
         Allowed: as many columns as the header (a comma inside a field goes between double quotes)."
    );
}

#[test]
fn endless_zeros_stop_at_the_first_line_limit() {
    let r = rejected(std::io::repeat(0));
    assert_eq!(found(&r), vec![(1, Field::CsvFile)]);
    assert_eq!(
        r.problems[0].error.problem,
        Problem::LineTooLong { max_kib: 4 }
    );
    let endless_rows = std::io::repeat(b'\n');
    assert_eq!(
        rejected(HEADER.as_bytes().chain(endless_rows)).problems[0]
            .error
            .problem,
        Problem::FileTooLarge { max_mib: 4 },
    );
}

#[test]
fn a_line_just_within_the_limit_is_read_and_one_byte_more_is_not() {
    let padding = |n: usize| {
        format!(
            "{HEADER}2026-11-20 23:15,gatineau,known,1,25-34,,,,,,{}\n",
            "x".repeat(n)
        )
    };
    let row = padding(0).len() - HEADER.len() - 1;
    let fits = padding(MAX_LINE_BYTES - row);
    // The code column is far too long, but the line is read: a row problem.
    assert_eq!(
        found(&rejected(fits.as_bytes())),
        vec![(2, Field::PersonCode)]
    );
    let over = padding(MAX_LINE_BYTES - row + 1);
    assert_eq!(
        rejected(over.as_bytes()).problems[0].error.problem,
        Problem::LineTooLong { max_kib: 4 }
    );
}

#[test]
fn more_rows_than_allowed_are_refused_with_the_limit() {
    let csv = format!("{HEADER}{}", GOOD_ROW.repeat(MAX_ROWS + 1));
    let r = rejected(csv.as_bytes());
    assert_eq!(found(&r), vec![(MAX_ROWS as u64 + 2, Field::CsvFile)]);
    assert_eq!(
        r.problems[0].error.message_with_key(Lang::Fr),
        "fichier CSV (csv) : plus de 10\u{a0}000 contacts. Permis : au plus 10\u{a0}000 contacts \
         par fichier; coupez-le en plusieurs fichiers."
    );
    let csv = format!("{HEADER}{}", GOOD_ROW.repeat(MAX_ROWS));
    assert_eq!(parse(csv.as_bytes()).unwrap().len(), MAX_ROWS);
}

#[test]
fn only_the_first_hundred_problems_are_kept_and_the_rest_are_counted() {
    let csv = format!("{HEADER}{}", BAD_ROW.repeat(5_000));
    let r = rejected(csv.as_bytes());
    assert_eq!(r.problems.len(), MAX_PROBLEMS);
    assert_eq!(r.more, 4_900);
    assert_eq!(r.problems.last().unwrap().line, 101);
    let lines = r.lines(Lang::En);
    assert_eq!(lines.len(), MAX_PROBLEMS + 2);
    assert_eq!(lines[MAX_PROBLEMS], "… and 4,900 more problems.");
    assert!(lines[MAX_PROBLEMS + 1].contains("5,000"), "{lines:?}");
    let one_more = format!("{HEADER}{}", BAD_ROW.repeat(MAX_PROBLEMS + 1));
    assert_eq!(
        rejected(one_more.as_bytes()).lines(Lang::Fr)[MAX_PROBLEMS],
        "… et 1 autre problème."
    );
}

#[test]
fn a_streamed_file_is_recognized_as_the_same_file_imported_before() {
    let dir = tempfile::tempdir().unwrap();
    let pin = Pin::parse("482193").unwrap();
    let mut store = Store::create(dir.path(), &pin, &Catalog::default_quebec()).unwrap();
    let sheet = format!("{HEADER}{GOOD_ROW}");
    let contacts = parse(sheet.as_bytes()).unwrap();
    store.save_import(sheet.as_bytes(), &contacts).unwrap();
    let again = import_csv(&mut store, sheet.as_bytes(), &zone(), now());
    assert!(
        matches!(again, Err(ImportError::Store(StoreError::AlreadyImported))),
        "{again:?}"
    );
    let other = format!("{HEADER}{GOOD_ROW}{GOOD_ROW}");
    assert_eq!(
        import_csv(&mut store, other.as_bytes(), &zone(), now()).unwrap(),
        2
    );
    assert_eq!(store.count_pending().unwrap(), 3);
}
