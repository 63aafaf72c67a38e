//! The report figures of `tournee bench`: a month's tally read from the
//! rollups, with N contacts stored, beside a naive GROUP BY over the raw
//! contacts table computing the same headline breakdowns; then a fiscal
//! year and a range of days over the same store.
//!
//! Contacts are written straight through the server's ledger (the apply
//! step's storage), skipping envelope crypto, so that millions can be
//! stored in minutes; the tally then reads exactly what apply maintains.

use super::Failure;
use crate::domain::report::{Period, YearMonth};
use crate::domain::{Catalog, Kind, RecordId};
use crate::server::apply::prepare::ContactFacts;
use crate::server::ledger::{Ledger, SqliteLedger};
use crate::server::{db, tally};
use std::collections::BTreeMap;
use std::time::Instant;
use uuid::Uuid;

pub struct ReportFigure {
    pub contacts: usize,
    pub tally_ms: f64,
    pub naive_ms: f64,
    pub fill_secs: f64,
    /// Contacts in the measured month, as the tally found them.
    pub month_contacts: u64,
    /// Distinct people in that month, as the tally found them.
    pub month_people: u64,
    /// The fiscal year April 2024 to March 2025 (twelve whole months).
    pub year: PeriodFigure,
    /// 2024-06-15..2025-02-10: loose days at both ends around whole months.
    pub range: PeriodFigure,
}

/// A longer period's tally: its median time and what it found.
pub struct PeriodFigure {
    pub period: String,
    pub ms: f64,
    pub contacts: u64,
    pub people: u64,
}

const MONTHS: usize = 24;

fn facts(i: usize, catalog: &Catalog) -> ContactFacts {
    let pick = |list: &[crate::domain::CatalogEntry], n: usize| list[n % list.len()].id.to_string();
    let month = YearMonth {
        year: 2024 + (i % MONTHS / 12) as i32,
        month: (i % 12) as u32 + 1,
    };
    let day = 1 + (i / MONTHS) % 28;
    let at = format!("{month}-{day:02}T22:{:02}:00-05:00", i % 60);
    ContactFacts {
        occurred_at: chrono::DateTime::parse_from_rfc3339(&at).expect("valid date"),
        month,
        zone: pick(&catalog.zones, i / 7),
        kind: if i.is_multiple_of(10) {
            Kind::Group
        } else {
            Kind::Known
        },
        people: if i.is_multiple_of(10) { 3 } else { 1 },
        age_band: pick(&catalog.age_bands, i / 3),
        gender: (!i.is_multiple_of(5)).then(|| pick(&catalog.genders, i / 11)),
        materials: BTreeMap::from([
            (pick(&catalog.materials, i), (i % 20 + 1) as u64),
            (pick(&catalog.materials, i + 1), 2),
        ]),
        returned_syringes: (i % 4) as u64,
        referrals: vec![pick(&catalog.referrals, i / 13)],
        interventions: vec![pick(&catalog.interventions, i / 17)],
        duration_min: None,
        // A third of each month's contacts carry a code, among 50,000
        // people who come back month after month.
        pseudonym: (i / MONTHS).is_multiple_of(3).then(|| {
            format!(
                "{:032x}",
                (i / MONTHS / 3 % 50_000) as u128 * 0x9e37_79b9_7f4a_7c15
            )
        }),
        mode: Some(pick(&catalog.contact_modes, i / 19)),
        location_type: Some(pick(&catalog.location_types, i / 23)),
        materials_for_others: if i.is_multiple_of(8) {
            BTreeMap::from([(pick(&catalog.materials, i + 2), 5)])
        } else {
            BTreeMap::new()
        },
        naloxone: None,
    }
}

fn naive(conn: &rusqlite::Connection, month: &str) -> Result<f64, rusqlite::Error> {
    let start = Instant::now();
    let queries = [
        "SELECT count(*), sum(json_extract(facts, '$.people')), sum(json_extract(facts, '$.returned_syringes'))
         FROM contacts WHERE month = ?1 AND voided = 0",
        "SELECT json_extract(facts, '$.zone'), count(*), sum(json_extract(facts, '$.people'))
         FROM contacts WHERE month = ?1 AND voided = 0 GROUP BY 1",
        "SELECT json_extract(facts, '$.age_band'), count(*), sum(json_extract(facts, '$.people'))
         FROM contacts WHERE month = ?1 AND voided = 0 GROUP BY 1",
        "SELECT json_extract(facts, '$.gender'), count(*), sum(json_extract(facts, '$.people'))
         FROM contacts WHERE month = ?1 AND voided = 0 GROUP BY 1",
        "SELECT m.key, sum(m.value) FROM contacts, json_each(contacts.facts, '$.materials') AS m
         WHERE month = ?1 AND voided = 0 GROUP BY 1",
        "SELECT count(DISTINCT json_extract(facts, '$.pseudonym')) FROM contacts WHERE month = ?1 AND voided = 0",
    ];
    for sql in queries {
        let mut statement = conn.prepare(sql)?;
        let mut rows = statement.query([month])?;
        while rows.next()?.is_some() {}
    }
    Ok(start.elapsed().as_secs_f64() * 1e3)
}

pub fn measure(contacts: usize) -> Result<ReportFigure, Failure> {
    let sys = |e: String| Failure::system(e);
    let dir = tempfile::tempdir().map_err(|e| sys(e.to_string()))?;
    let mut conn = db::open(dir.path()).map_err(|e| sys(e.to_string()))?;
    conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -200000;")
        .map_err(|e| sys(e.to_string()))?;
    let catalog = db::catalog(&conn).map_err(|e| sys(e.to_string()))?;
    let device = Uuid::now_v7();
    let fill = Instant::now();
    for chunk_start in (0..contacts).step_by(100_000) {
        let tx = conn.transaction().map_err(|e| sys(e.to_string()))?;
        let mut ledger = SqliteLedger::new(&tx);
        for i in chunk_start..(chunk_start + 100_000).min(contacts) {
            let facts = facts(i, &catalog);
            ledger
                .insert_contact(RecordId::new(), device, &facts, false)
                .map_err(|e| sys(e.to_string()))?;
            ledger.count(&facts, 1).map_err(|e| sys(e.to_string()))?;
        }
        ledger.flush().map_err(|e| sys(e.to_string()))?;
        tx.commit().map_err(|e| sys(e.to_string()))?;
    }
    let fill_secs = fill.elapsed().as_secs_f64();
    let month = YearMonth {
        year: 2025,
        month: 6,
    };
    let (mut month_contacts, mut month_people) = (0, 0);
    let mut runs: Vec<f64> = (0..5)
        .map(|_| {
            let start = Instant::now();
            tally::month_tally(&conn, &catalog, month).map(|t| {
                (month_contacts, month_people) = (t.contacts, t.unique_people);
                start.elapsed().as_secs_f64() * 1e3
            })
        })
        .collect::<Result<_, _>>()
        .map_err(|e| sys(e.to_string()))?;
    runs.sort_by(f64::total_cmp);
    let year = period(&conn, &catalog, Period::FiscalYear(2024))?;
    let range = period(
        &conn,
        &catalog,
        Period::Range {
            from: chrono::NaiveDate::from_ymd_opt(2024, 6, 15).expect("date"),
            to: chrono::NaiveDate::from_ymd_opt(2025, 2, 10).expect("date"),
        },
    )?;
    let naive_ms = naive(&conn, &month.to_string()).map_err(|e| sys(e.to_string()))?;
    Ok(ReportFigure {
        contacts,
        tally_ms: runs[2],
        naive_ms,
        fill_secs,
        month_contacts,
        month_people,
        year,
        range,
    })
}

/// The median of three tallies of `period`.
fn period(
    conn: &rusqlite::Connection,
    catalog: &Catalog,
    period: Period,
) -> Result<PeriodFigure, Failure> {
    let mut found = (0, 0);
    let mut runs = (0..3)
        .map(|_| {
            let start = Instant::now();
            tally::tally(conn, catalog, period).map(|t| {
                found = (t.contacts, t.unique_people);
                start.elapsed().as_secs_f64() * 1e3
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::system(e.to_string()))?;
    runs.sort_by(f64::total_cmp);
    Ok(PeriodFigure {
        period: period.to_string(),
        ms: runs[1],
        contacts: found.0,
        people: found.1,
    })
}
