//! The database file's tests: opening, migrating (from the previous
//! release's files too) and the catalog seed.

use super::*;

#[test]
fn opening_twice_is_harmless_and_reaches_the_latest_version_with_a_catalog() {
    let data = tempfile::tempdir().unwrap();
    drop(open(data.path()).unwrap());
    let conn = open(data.path()).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, VERSION);
    assert_eq!(catalog(&conn).unwrap(), Catalog::default_quebec());
}

#[test]
fn contacts_stored_before_version_4_get_their_time_in_utc_milliseconds() {
    let mut conn = Connection::open_in_memory().unwrap();
    for sql in &MIGRATIONS[..3] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", 3).unwrap();
    let facts = r#"{"occurred_at":"2025-10-31T23:30:00.250-04:00","month":"2025-10","zone":"gatineau","kind":"known","people":1,"age_band":"18-24","gender":null,"materials":{},"returned_syringes":0,"referrals":[],"interventions":[],"duration_min":null,"pseudonym":null}"#;
    conn.execute(
        "INSERT INTO contacts (record_id, device_id, month, facts) VALUES (x'01', x'02', '2025-10', ?1)",
        [facts],
    )
    .unwrap();
    migrate(&mut conn).unwrap();
    let stored: i64 = conn
        .query_row("SELECT occurred_at FROM contacts", [], |r| r.get(0))
        .unwrap();
    let expected = chrono::DateTime::parse_from_rfc3339("2025-10-31T23:30:00.250-04:00")
        .unwrap()
        .timestamp_millis();
    assert_eq!(stored, expected);
    // Migration 10 counted it by its local day, not its UTC one.
    let day: String = conn
        .query_row("SELECT day FROM day_rollups WHERE dim = 'all'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(day, "2025-10-31");
}

fn random(len: usize) -> Vec<u8> {
    use ring::rand::SecureRandom;
    let mut bytes = vec![0u8; len];
    ring::rand::SystemRandom::new().fill(&mut bytes).unwrap();
    bytes
}

/// Whether any file under `dir` holds a 32-byte stretch of `needle`.
fn on_disk(dir: &Path, needle: &[u8]) -> bool {
    let chunks: std::collections::HashSet<&[u8]> = needle.chunks_exact(32).collect();
    std::fs::read_dir(dir).unwrap().any(|entry| {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        bytes.windows(32).any(|w| chunks.contains(w))
    })
}

/// A data directory as the previous release (schema 4) left it.
fn previous_release(dir: &Path, applied: &[u8], pending: &[u8]) {
    let mut conn = Connection::open(path_in(dir)).unwrap();
    let _: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .unwrap();
    for sql in &MIGRATIONS[..4] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", 4).unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute(
        "INSERT INTO devices (device_id, public_key, label, app_version, enrolled_at)
         VALUES (x'0101010101010101010101010101010A', x'02', 'Téléphone 1', '0.1.0', 1)",
        [],
    )
    .unwrap();
    for (seq, bytes) in [(1, applied), (2, pending)] {
        tx.execute(
            "INSERT INTO envelopes (device_id, seq, batch_id, sha256, bytes, received_at)
             VALUES (x'0101010101010101010101010101010A', ?1, x'03', x'04', ?2, 10)",
            (seq, bytes),
        )
        .unwrap();
    }
    tx.execute("UPDATE envelopes SET applied_at = 11 WHERE seq = 1", [])
        .unwrap();
    // Old releases never zeroed freed pages: rows rewritten or dropped
    // left copies in the free list, which no later table owns.
    tx.execute_batch(
        "CREATE TABLE scratch (b BLOB); INSERT INTO scratch VALUES (randomblob(8000));",
    )
    .unwrap();
    tx.execute("INSERT INTO scratch VALUES (?1)", [applied])
        .unwrap();
    tx.execute_batch("DROP TABLE scratch;").unwrap();
    for (seq, at) in [(1, 20), (1, 25), (1, 30), (2, 40)] {
        tx.execute(
            "INSERT INTO alerts (kind, device_id, seq, stored_sha256, offered_sha256, offered_batch_id, created_at)
             VALUES ('equivocation', x'0101010101010101010101010101010A', ?1, zeroblob(32), zeroblob(32), x'0606060606060606060606060606060B', ?2)",
            (seq, at),
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

#[test]
fn the_previous_releases_files_open_without_the_ciphertext_of_applied_batches() {
    let data = tempfile::tempdir().unwrap();
    let (applied, pending) = (random(6000), random(3000));
    previous_release(data.path(), &applied, &pending);
    // The ciphertext: what lies between the header and the signature.
    let ciphertext = &applied[119..applied.len() - 64];
    assert!(on_disk(data.path(), ciphertext), "the old file holds it");
    let conn = open(data.path()).unwrap();
    type Kept = (Option<Vec<u8>>, Vec<u8>, Vec<u8>);
    let rows: Vec<Kept> = conn
        .prepare("SELECT bytes, header, signature FROM envelopes ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows[0].0, None, "applied: dropped");
    assert_eq!(rows[0].1, applied[..119]);
    assert_eq!(rows[0].2, applied[applied.len() - 64..]);
    assert_eq!(
        rows[1].0.as_deref(),
        Some(pending.as_slice()),
        "pending: kept"
    );
    assert!(
        !on_disk(data.path(), ciphertext),
        "no copy left in any file"
    );
    assert!(on_disk(data.path(), &pending));
    drop(conn);
    // A second open finds nothing more to do and changes nothing.
    let conn = open(data.path()).unwrap();
    let kept: i64 = conn
        .query_row(
            "SELECT count(*) FROM envelopes WHERE bytes IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 1);
}

#[test]
fn repeated_equivocation_alerts_of_the_previous_release_become_one_per_device_and_seq() {
    let data = tempfile::tempdir().unwrap();
    previous_release(data.path(), &random(200), &random(200));
    let conn = open(data.path()).unwrap();
    let alerts = crate::server::queries::alerts(&conn).unwrap();
    let seen: Vec<(u64, u64, i64, i64)> = alerts
        .iter()
        .map(|a| (a.seq, a.repeats, a.created_at_ms, a.last_at_ms))
        .collect();
    assert_eq!(seen, [(1, 3, 20, 30), (2, 1, 40, 40)]);
}

#[test]
fn a_newer_database_is_refused_untouched() {
    let data = tempfile::tempdir().unwrap();
    let conn = open(data.path()).unwrap();
    conn.pragma_update(None, "user_version", VERSION + 1)
        .unwrap();
    drop(conn);
    assert!(matches!(
        open(data.path()),
        Err(ServerError::Newer { found, .. }) if found == VERSION + 1
    ));
}

#[test]
fn a_catalog_already_stored_is_kept_on_the_next_open() {
    let data = tempfile::tempdir().unwrap();
    let conn = open(data.path()).unwrap();
    let mut edited = Catalog::default_quebec();
    edited.version += 1;
    conn.execute(
        "UPDATE settings SET value = ?1 WHERE name = ?2",
        (serde_json::to_string(&edited).unwrap(), CATALOG),
    )
    .unwrap();
    drop(conn);
    assert_eq!(catalog(&open(data.path()).unwrap()).unwrap(), edited);
}

#[test]
fn migration_11_sums_who_was_seen_each_month_into_quarters_and_fiscal_years() {
    use crate::domain::report::YearMonth;
    use crate::domain::report::span::Span;
    let mut conn = Connection::open_in_memory().unwrap();
    for sql in &MIGRATIONS[..SPANS_ADDED - 1] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", SPANS_ADDED as i64 - 1)
        .unwrap();
    // One person seen every month of two calendar years, twice in March.
    let months: Vec<YearMonth> = (0..24)
        .map(|i| YearMonth {
            year: 2025 + i / 12,
            month: (i % 12) as u32 + 1,
        })
        .collect();
    for m in &months {
        let contacts = if m.month == 3 { 2 } else { 1 };
        conn.execute(
            "INSERT INTO person_months (pseudonym, month, contacts) VALUES (x'aa', ?1, ?2)",
            rusqlite::params![m.to_string(), contacts],
        )
        .unwrap();
    }
    migrate(&mut conn).unwrap();
    for (span, table, column) in [
        (Span::Quarter, "person_quarters", "quarter"),
        (Span::FiscalYear, "person_years", "fiscal_year"),
    ] {
        let mut expected = std::collections::BTreeMap::<String, i64>::new();
        for m in &months {
            *expected.entry(span.start(*m).to_string()).or_default() +=
                if m.month == 3 { 2 } else { 1 };
        }
        let stored: std::collections::BTreeMap<String, i64> = conn
            .prepare(&format!("SELECT {column}, contacts FROM {table}"))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(stored, expected, "{table}");
    }
    assert_eq!(crate::server::ledger::span_mismatches(&conn).unwrap(), 0);
    conn.execute("UPDATE person_years SET contacts = 1", [])
        .unwrap();
    assert_eq!(crate::server::ledger::span_mismatches(&conn).unwrap(), 6);
}
