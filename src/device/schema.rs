//! The device store's schema, migrated forward by version number
//! (`PRAGMA user_version`). A migration is appended, never edited: phones in
//! the field hold every past version.

use super::error::StoreError;
use rusqlite::Connection;

/// Migration N (1-based) brings the schema from version N-1 to N.
const MIGRATIONS: &[&str] = &[
    // 1: the wrapped data key; sealed records with their blind day tag;
    // sealed per-day counts; sealed named values (catalog, settings);
    // tags of imported files, so a paper sheet is never imported twice.
    "CREATE TABLE vault (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        salt BLOB NOT NULL,
        iterations INTEGER NOT NULL,
        sealed BLOB NOT NULL
    ) STRICT;
    CREATE TABLE records (
        id INTEGER PRIMARY KEY,
        record_id BLOB NOT NULL UNIQUE,
        day_tag BLOB NOT NULL,
        state INTEGER NOT NULL DEFAULT 0,
        voided INTEGER NOT NULL DEFAULT 0,
        sealed BLOB
    ) STRICT;
    CREATE INDEX records_by_day ON records (day_tag);
    CREATE INDEX records_by_state ON records (state, id);
    CREATE TABLE day_counts (
        day_tag BLOB PRIMARY KEY,
        sealed BLOB NOT NULL
    ) STRICT;
    CREATE TABLE sealed_values (
        name TEXT PRIMARY KEY,
        sealed BLOB NOT NULL
    ) STRICT;
    CREATE TABLE imports (
        file_tag BLOB PRIMARY KEY
    ) STRICT;",
    // 2: the outbox. A batch's envelope is sealed once, to the server's
    // key, and kept byte for byte until a receipt covers it; records point
    // at the batch that carries them.
    "ALTER TABLE records ADD COLUMN batch_seq INTEGER;
    CREATE INDEX records_by_batch ON records (batch_seq);
    CREATE TABLE batches (
        seq INTEGER PRIMARY KEY,
        batch_id BLOB NOT NULL UNIQUE,
        envelope BLOB NOT NULL,
        records INTEGER NOT NULL,
        sealed_at INTEGER NOT NULL,
        delivered_at INTEGER,
        receipt BLOB
    ) STRICT;",
    // 3: a delivered batch keeps its receipt, not its envelope (the
    // previous release kept both); `secure_delete` zeroes the freed pages.
    "UPDATE batches SET envelope = X'' WHERE delivered_at IS NOT NULL;",
];

pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// The journal: natively a WAL (readers do not wait for the writer: the
/// app's screens and its background sync). In a browser the OPFS pool has
/// no shared memory for a WAL (SQLite answers `delete`), and the engine
/// has one connection anyway: a rollback journal, truncated rather than
/// deleted at each commit, so the pool keeps its file (no slot given back
/// and taken again per transaction) and no copy of old pages stays in it.
#[cfg(not(target_arch = "wasm32"))]
const JOURNAL_MODE: &str = "WAL";
#[cfg(target_arch = "wasm32")]
const JOURNAL_MODE: &str = "TRUNCATE";

/// Settings every connection needs. `synchronous=FULL` makes each commit
/// durable across a power cut (a phone battery dying mid-save);
/// `secure_delete` zeroes freed pages; `temp_store=MEMORY` keeps SQLite
/// from writing temporary files next to the store.
pub fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mode: String = conn.query_row(
        &format!("PRAGMA journal_mode = {JOURNAL_MODE}"),
        [],
        |row| row.get(0),
    )?;
    if !mode.eq_ignore_ascii_case(JOURNAL_MODE) {
        return Err(StoreError::Damaged(format!(
            "journal mode {mode} instead of {JOURNAL_MODE}"
        )));
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA foreign_keys = ON;",
    )?;
    Ok(())
}

/// Applies every migration newer than the file, each in its own
/// transaction. A file newer than this app is left untouched.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current > VERSION {
        return Err(StoreError::Newer {
            found: current,
            supported: VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_harmless_and_reaches_the_latest_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, VERSION);
    }

    #[test]
    fn a_previous_release_store_drops_delivered_envelopes_and_keeps_waiting_ones() {
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = conn.transaction().unwrap();
        for sql in &MIGRATIONS[..2] {
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", 2).unwrap();
        tx.execute_batch(
            "INSERT INTO batches (seq, batch_id, envelope, records, sealed_at, delivered_at, receipt)
                 VALUES (1, X'01', X'AABBCC', 2, 10, 20, X'EE'),
                        (2, X'02', X'DDEEFF', 1, 30, NULL, NULL);",
        )
        .unwrap();
        tx.commit().unwrap();
        migrate(&mut conn).unwrap();
        let rows: Vec<(i64, Vec<u8>, Option<Vec<u8>>)> = conn
            .prepare("SELECT seq, envelope, receipt FROM batches ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            rows,
            vec![
                (1, vec![], Some(vec![0xEE])),
                (2, vec![0xDD, 0xEE, 0xFF], None)
            ]
        );
    }

    #[test]
    fn a_newer_file_is_refused_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", VERSION + 1)
            .unwrap();
        assert!(matches!(migrate(&mut conn), Err(StoreError::Newer { .. })));
    }
}
