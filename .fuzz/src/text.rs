//! Checks for text typed, scanned or sent by a person: the enrollment link
//! and code, a CSV of paper tally sheets, a person code, and the query
//! strings, forms and headers the dashboard reads by hand.

use crate::fixtures::fixtures;
use tournee::dashboard::activity::{ActivityQuery, parse_filter};
use tournee::dashboard::auth::{form_csrf, language};
use tournee::device::import::{ImportError, parse_csv};
use tournee::domain::person_code::{MAX_LEN, MIN_LEN, canonicalize_v1};
use tournee::domain::report::YearMonth;
use tournee::domain::time::check_plausible;
use tournee::domain::wire::enroll::EnrollCode;
use tournee::domain::wire::enroll_link::EnrollLink;
use tournee::domain::{Contact, Lang, PersonCode};

/// A scanned or pasted enrollment text, and a typed code.
pub fn enroll_link(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    if let Some(code) = EnrollCode::parse(text) {
        assert_eq!(EnrollCode::parse(&code.to_text()), Some(code), "round trip");
    }
    let Some(link) = EnrollLink::parse(text) else {
        return false;
    };
    assert!(
        EnrollCode::parse(&link.code).is_some(),
        "a link holds a code"
    );
    if let Some(server) = &link.server {
        assert!(server.starts_with("http://") || server.starts_with("https://"));
        assert!(!server.chars().any(char::is_control), "{server:?}");
        let again = EnrollLink::parse(&EnrollLink::to_text(server, &link.code));
        assert_eq!(again.as_ref(), Some(&link), "round trip");
    }
    // Whatever address a text carries, a link made from it reads back with
    // its code, and with the address only when it is one.
    let made = EnrollLink::parse(&EnrollLink::to_text(text, &link.code)).expect("reads back");
    assert_eq!(made.code, link.code);
    if let Some(server) = made.server {
        assert_eq!(server, text.trim());
    }
    true
}

/// A CSV of paper tally sheets, as `tournee device import --csv` reads it.
pub fn csv_import(data: &[u8]) -> bool {
    let keys = fixtures();
    let zone = chrono::FixedOffset::west_opt(5 * 3600).expect("an offset");
    let lines = data.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u64 + 1;
    match parse_csv(data, &keys.catalog, &zone, keys.now) {
        Ok(contacts) => {
            assert!(contacts.len() as u64 <= lines);
            for contact in &contacts {
                check_plausible(contact.occurred_at, keys.now).expect("a plausible date");
                // What the phone stores reads back as the same contact.
                let json = serde_json::to_vec(contact).expect("a contact serializes");
                let again: Contact = serde_json::from_slice(&json).expect("reads back");
                assert_eq!(&again, contact, "round trip");
            }
            true
        }
        Err(ImportError::Rejected(rejected)) => {
            assert!(rejected.total() > 0, "a refusal says why");
            assert!(rejected.problems.len() <= 100, "at most 100 problems kept");
            for row in &rejected.problems {
                assert!(row.line <= lines, "line {} of {lines}", row.line);
                for lang in [Lang::Fr, Lang::En] {
                    assert!(!row.error.message_with_key(lang).is_empty());
                }
            }
            for lang in [Lang::Fr, Lang::En] {
                assert!(rejected.lines(lang).len() <= 102, "a bounded report");
            }
            false
        }
        // Bytes in memory always read to their end, and parsing saves nothing.
        Err(other) => panic!("parse_csv over bytes in memory: {other}"),
    }
}

/// A typed person code, and its stored form.
pub fn person_code(data: &[u8]) -> bool {
    if let Ok(code) = serde_json::from_slice::<PersonCode>(data) {
        let json = serde_json::to_string(&code).expect("a code serializes");
        assert_eq!(serde_json::from_str::<PersonCode>(&json).ok(), Some(code));
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    match PersonCode::parse(text) {
        Ok(code) => {
            let canon = code.canonical();
            assert!((MIN_LEN..=MAX_LEN).contains(&canon.len()));
            assert!(
                canon
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            );
            assert_eq!(canonicalize_v1(canon), canon, "canonical is a fixed point");
            assert_eq!(PersonCode::parse(canon).as_ref(), Ok(&code));
            let json = serde_json::to_string(&code).expect("a code serializes");
            assert_eq!(serde_json::from_str::<PersonCode>(&json).ok(), Some(code));
            true
        }
        Err(error) => {
            assert!(!error.message(Lang::Fr).is_empty() && !error.message(Lang::En).is_empty());
            false
        }
    }
}

/// The activity filter (`GET /activity?…`), a form's CSRF field, a month
/// (`?month=YYYY-MM`) and the language headers, all read by hand.
pub fn dashboard_query(data: &[u8]) -> bool {
    let _ = form_csrf(data);
    let mut accepted = false;
    if let Ok(query) = serde_urlencoded::from_bytes::<ActivityQuery>(data) {
        for lang in [Lang::Fr, Lang::En] {
            match parse_filter(&query, lang) {
                Ok(filter) => {
                    if let (Some(from), Some(until)) = (filter.from_ms, filter.until_ms) {
                        assert!(from < until, "from {from} until {until}");
                    }
                    accepted = true;
                }
                Err(message) => assert!(!message.is_empty()),
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Some(month) = YearMonth::parse(text)
    {
        assert_eq!(
            YearMonth::parse(&month.to_string()),
            Some(month),
            "round trip"
        );
        assert!(month.previous() < month && month.a_year_before() < month);
        accepted = true;
    }
    if let Ok(value) = axum::http::HeaderValue::from_bytes(data) {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(axum::http::header::ACCEPT_LANGUAGE, value.clone());
        let _ = language(&headers);
        headers.insert(axum::http::header::COOKIE, value);
        let _ = language(&headers);
    }
    accepted
}
