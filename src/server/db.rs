//! The server's SQLite file (`DATA/server.db`): its settings, its schema
//! migrated forward by `PRAGMA user_version`, and [`Db`], the handle that
//! runs blocking SQLite work off the async runtime. The typed queries live
//! in [`super::queries`].
//!
//! Ids are stored as their 16 raw bytes and times as i64 milliseconds.
//! Sequence numbers are u64 on the wire and i64 in SQLite: the protocol
//! keeps them within 1 to `i64::MAX`, so they are stored as themselves.

use super::error::ServerError;
use super::keys;
use crate::domain::Catalog;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub const FILE_NAME: &str = "server.db";

/// Migration N (1-based) brings the schema from version N-1 to N. A
/// migration is appended, never edited: servers in the field hold every
/// past version.
const MIGRATIONS: &[&str] = &[
    // 1: enrolled devices, one-time enrollment codes (only the hash of the
    // secret), stored envelopes as received, alerts for supervisors, and
    // named settings (the catalog).
    "CREATE TABLE devices (
        device_id BLOB PRIMARY KEY,
        public_key BLOB NOT NULL,
        label TEXT NOT NULL,
        app_version TEXT NOT NULL,
        enrolled_at INTEGER NOT NULL,
        revoked_at INTEGER,
        last_seen_at INTEGER
    ) STRICT;
    CREATE TABLE enroll_codes (
        secret_sha256 BLOB PRIMARY KEY,
        label TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER,
        device_id BLOB REFERENCES devices (device_id)
    ) STRICT;
    CREATE TABLE envelopes (
        device_id BLOB NOT NULL REFERENCES devices (device_id),
        seq INTEGER NOT NULL,
        batch_id BLOB NOT NULL,
        sha256 BLOB NOT NULL,
        bytes BLOB NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (device_id, seq)
    ) STRICT;
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        device_id BLOB NOT NULL,
        seq INTEGER NOT NULL,
        stored_sha256 BLOB NOT NULL,
        offered_sha256 BLOB NOT NULL,
        offered_batch_id BLOB NOT NULL,
        created_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;",
    // 2: applying batches. An envelope is pending until applied or
    // quarantined (with its reason, never deleted). Contacts keep the facts
    // needed to take them back out of the rollups when voided; no person
    // code, only its pseudonym in `person_months`. Voids are kept by target
    // so a void that arrives before its contact still takes effect.
    "ALTER TABLE envelopes ADD COLUMN applied_at INTEGER;
    ALTER TABLE envelopes ADD COLUMN quarantined_at INTEGER;
    ALTER TABLE envelopes ADD COLUMN quarantine_reason TEXT;
    CREATE INDEX envelopes_pending ON envelopes (received_at) WHERE applied_at IS NULL AND quarantined_at IS NULL;
    CREATE TABLE contacts (
        record_id BLOB PRIMARY KEY,
        device_id BLOB NOT NULL,
        month TEXT NOT NULL,
        facts TEXT NOT NULL,
        voided INTEGER NOT NULL DEFAULT 0
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX contacts_by_device ON contacts (device_id);
    CREATE TABLE voids (
        record_id BLOB PRIMARY KEY,
        target BLOB NOT NULL,
        device_id BLOB NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX voids_by_target ON voids (target);
    CREATE INDEX voids_by_device ON voids (device_id);
    CREATE TABLE rollups (
        month TEXT NOT NULL,
        dim TEXT NOT NULL,
        key TEXT NOT NULL,
        contacts INTEGER NOT NULL DEFAULT 0,
        people INTEGER NOT NULL DEFAULT 0,
        quantity INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (month, dim, key)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE person_months (
        pseudonym BLOB NOT NULL,
        month TEXT NOT NULL,
        contacts INTEGER NOT NULL,
        PRIMARY KEY (pseudonym, month)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX person_months_by_month ON person_months (month, pseudonym);",
    // 3: supervisor accounts (see `supervisors`): `name_key` is the name
    // folded (NFKC, lowercase) so that names are unique whatever the
    // capitals; only a PBKDF2 hash of the password, with its salt and
    // iteration count. Self-contained: it reads no other table.
    "CREATE TABLE supervisors (
        name_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        salt BLOB NOT NULL,
        iterations INTEGER NOT NULL,
        hash BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        disabled_at INTEGER
    ) STRICT;",
    // 4: the dashboard. Sessions keep only the SHA-256 of their cookie
    // token. The audit log is append-only: who did what, when. Contacts get
    // their time as UTC milliseconds (filled from the stored facts for
    // older rows) so the activity list pages newest first by index, and the
    // reason a supervisor gave when voiding one.
    "CREATE TABLE sessions (
        token_sha256 BLOB PRIMARY KEY,
        name_key TEXT NOT NULL,
        csrf TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        seen_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        detail TEXT NOT NULL
    ) STRICT;
    ALTER TABLE contacts ADD COLUMN occurred_at INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE contacts ADD COLUMN void_reason TEXT;
    UPDATE contacts SET occurred_at =
        CAST(round(unixepoch(json_extract(facts, '$.occurred_at'), 'subsec') * 1000) AS INTEGER);
    CREATE INDEX contacts_by_time ON contacts (occurred_at);",
    // 5: codes gone after apply. An applied envelope keeps its header
    // (bytes 0..119), its SHA-256, the device's signature and the signed
    // receipt, but not its ciphertext (`bytes` becomes NULL), which holds
    // the person codes. Rebuilt because `bytes` was NOT NULL; the old
    // table's pages are zeroed (`secure_delete`) and the file is vacuumed
    // once after this migration (see `open`). `purged_at`: a quarantined
    // batch whose contents the retention policy destroyed.
    "CREATE TABLE envelopes_v5 (
        device_id BLOB NOT NULL REFERENCES devices (device_id),
        seq INTEGER NOT NULL,
        batch_id BLOB NOT NULL,
        sha256 BLOB NOT NULL,
        bytes BLOB,
        received_at INTEGER NOT NULL,
        applied_at INTEGER,
        quarantined_at INTEGER,
        quarantine_reason TEXT,
        header BLOB,
        signature BLOB,
        receipt BLOB,
        purged_at INTEGER,
        PRIMARY KEY (device_id, seq)
    ) STRICT;
    INSERT INTO envelopes_v5 (device_id, seq, batch_id, sha256, bytes, received_at,
                              applied_at, quarantined_at, quarantine_reason, header, signature)
        SELECT device_id, seq, batch_id, sha256,
               CASE WHEN applied_at IS NULL THEN bytes END,
               received_at, applied_at, quarantined_at, quarantine_reason,
               substr(bytes, 1, 119), substr(bytes, length(bytes) - 63, 64)
        FROM envelopes;
    DROP TABLE envelopes;
    ALTER TABLE envelopes_v5 RENAME TO envelopes;
    CREATE INDEX envelopes_pending ON envelopes (received_at)
        WHERE applied_at IS NULL AND quarantined_at IS NULL AND bytes IS NOT NULL;",
    // 6: one alert per equivocating (device, seq), however often the other
    // envelope is offered: `repeats` counts the offers, `last_at` the latest.
    "ALTER TABLE alerts ADD COLUMN repeats INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE alerts ADD COLUMN last_at INTEGER NOT NULL DEFAULT 0;
    UPDATE alerts SET
        repeats = (SELECT count(*) FROM alerts o
                   WHERE o.kind = alerts.kind AND o.device_id = alerts.device_id AND o.seq = alerts.seq),
        last_at = (SELECT max(o.created_at) FROM alerts o
                   WHERE o.kind = alerts.kind AND o.device_id = alerts.device_id AND o.seq = alerts.seq);
    DELETE FROM alerts WHERE id NOT IN (SELECT min(id) FROM alerts GROUP BY kind, device_id, seq);
    CREATE UNIQUE INDEX alerts_once ON alerts (kind, device_id, seq);",
    // 7: retention (see `retention`). When a month's contacts are purged,
    // its distinct and new people are kept as rollups (`dim = 'people'`),
    // and the pseudonyms seen in purged months that are still seen later
    // are kept here, without a month, so those people still count as
    // returning. Indexes let the purge find old rows without a scan.
    "CREATE TABLE pseudonyms_before_purge (
        pseudonym BLOB PRIMARY KEY
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX contacts_by_month ON contacts (month);
    CREATE INDEX audit_by_time ON audit (at);",
    // 8: records other than contacts (batch schema 2: overdose responses),
    // one row each with its kind and its checked facts, voidable like a
    // contact; counted in the same rollups under dimensions of their own.
    "CREATE TABLE events (
        record_id BLOB PRIMARY KEY,
        device_id BLOB NOT NULL,
        kind TEXT NOT NULL,
        month TEXT NOT NULL,
        occurred_at INTEGER NOT NULL,
        facts TEXT NOT NULL,
        voided INTEGER NOT NULL DEFAULT 0
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX events_by_time ON events (kind, occurred_at);
    CREATE INDEX events_by_month ON events (month);
    CREATE INDEX events_by_device ON events (device_id);",
    // 9: shifts and incidents (still batch schema 2). A shift's end, so
    // the contacts made during it are found by phone and time; and the
    // supervisor's follow-up of an incident, one row per incident.
    "ALTER TABLE events ADD COLUMN ended_at INTEGER;
    CREATE INDEX contacts_by_device_time ON contacts (device_id, occurred_at);
    CREATE TABLE incident_followups (
        record_id BLOB PRIMARY KEY,
        action TEXT NOT NULL,
        supervisor TEXT NOT NULL,
        at INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;",
    // 10: reports over any period (quarters, fiscal years, ranges of
    // days). The rollups and who was seen, by local day as well as by
    // month, and each event's local day; filled from the stored facts of
    // the records already applied (see `ledger::SqliteLedger::backfill_days`).
    "CREATE TABLE day_rollups (
        day TEXT NOT NULL,
        dim TEXT NOT NULL,
        key TEXT NOT NULL,
        contacts INTEGER NOT NULL DEFAULT 0,
        people INTEGER NOT NULL DEFAULT 0,
        quantity INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, dim, key)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE person_days (
        pseudonym BLOB NOT NULL,
        day TEXT NOT NULL,
        contacts INTEGER NOT NULL,
        PRIMARY KEY (pseudonym, day)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX person_days_by_day ON person_days (day, pseudonym);
    ALTER TABLE events ADD COLUMN day TEXT;
    CREATE INDEX events_by_day ON events (kind, day);",
    // 11: who was seen by quarter and by fiscal year too, each named by its
    // first month, so that a long period's distinct people are one index
    // range; filled from the monthly rows (see `ledger::fill_spans`).
    "CREATE TABLE person_quarters (
        pseudonym BLOB NOT NULL,
        quarter TEXT NOT NULL,
        contacts INTEGER NOT NULL,
        PRIMARY KEY (pseudonym, quarter)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX person_quarters_by_quarter ON person_quarters (quarter, pseudonym);
    CREATE TABLE person_years (
        pseudonym BLOB NOT NULL,
        fiscal_year TEXT NOT NULL,
        contacts INTEGER NOT NULL,
        PRIMARY KEY (pseudonym, fiscal_year)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX person_years_by_year ON person_years (fiscal_year, pseudonym);",
    // 12: `contacts_by_device` is a prefix of `contacts_by_device_time`
    // (9), which serves every lookup by phone; each contact applied paid
    // for writing both.
    "DROP INDEX contacts_by_device;",
];

/// The migration whose tables are filled from the records already stored.
const DAYS_ADDED: usize = 10;

/// The migration whose tables are filled from who was seen each month.
const SPANS_ADDED: usize = 11;

/// The first version whose applied envelopes keep no ciphertext: a file
/// migrated from before it is vacuumed once, so that no free page keeps
/// an old copy.
const CIPHERTEXT_DROPPED: i64 = 5;

pub const VERSION: i64 = MIGRATIONS.len() as i64;

pub const CATALOG: &str = "catalog";

pub fn path_in(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// Opens (creating if needed) the database under `data_dir`, migrated and
/// with a catalog. Several processes may open it at once (the server and
/// an admin command): WAL and the busy timeout let them take turns.
pub fn open(data_dir: &Path) -> Result<Connection, ServerError> {
    keys::make_private_dir(data_dir)?;
    let path = path_in(data_dir);
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(&path, flags)?;
    // SQLite gives the WAL and shared-memory files the database's mode.
    keys::set_mode(&path, 0o600)?;
    configure(&conn)?;
    let from = migrate(&mut conn)?;
    if from > 0 && from < CIPHERTEXT_DROPPED {
        // Rows rewritten by the old release left copies of envelopes in
        // free pages that `secure_delete` never saw.
        conn.execute_batch("VACUUM")?;
        checkpoint(&conn)?;
    }
    seed(&conn)?;
    Ok(conn)
}

/// Copies the WAL into the database and truncates it, so that pages just
/// freed (a dropped ciphertext, purged rows) leave no older copy behind.
/// Best effort: a reader in another process (an admin command) may keep
/// part of the WAL until the next checkpoint, which SQLite also runs on
/// its own every 1,000 pages.
pub fn checkpoint(conn: &Connection) -> Result<(), ServerError> {
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
    if busy != 0 {
        tracing::debug!("WAL checkpoint deferred: another connection is reading");
    }
    Ok(())
}

/// `synchronous=FULL` makes each commit durable across a power cut: a
/// receipt promises the envelope is on disk, and the device then purges.
/// `secure_delete` overwrites deleted content with zeros, so a dropped
/// ciphertext or a purged contact does not linger in free space.
fn configure(conn: &Connection) -> Result<(), ServerError> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(ServerError::Damaged(format!(
            "journal mode {mode} instead of WAL"
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
/// transaction, and returns the version the file had. A file newer than
/// this program is left untouched.
fn migrate(conn: &mut Connection) -> Result<i64, ServerError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current > VERSION {
        return Err(ServerError::Newer {
            found: current,
            supported: VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        if index + 1 == DAYS_ADDED {
            super::ledger::SqliteLedger::new(&tx).backfill_days()?;
        }
        if index + 1 == SPANS_ADDED {
            super::ledger::fill_spans(&tx, None)?;
        }
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(current)
}

/// A new server starts with the default Québec catalog; a supervisor's
/// edits (a later issue) replace it and are never overwritten here.
fn seed(conn: &Connection) -> Result<(), ServerError> {
    let json = serde_json::to_string(&Catalog::default_quebec()).expect("catalog serializes");
    conn.execute(
        "INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
        (CATALOG, json),
    )?;
    Ok(())
}

/// Replaces the catalog (validated by the caller).
pub fn put_catalog(conn: &Connection, catalog: &Catalog) -> Result<(), ServerError> {
    conn.execute(
        "UPDATE settings SET value = ?1 WHERE name = ?2",
        (
            serde_json::to_string(catalog).expect("catalog serializes"),
            CATALOG,
        ),
    )?;
    Ok(())
}

pub fn catalog(conn: &Connection) -> Result<Catalog, ServerError> {
    let json: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE name = ?1",
            [CATALOG],
            |row| row.get(0),
        )
        .optional()?;
    let json = json.ok_or_else(|| ServerError::Damaged("no catalog".into()))?;
    serde_json::from_str(&json).map_err(|e| ServerError::Damaged(format!("catalog: {e}")))
}

/// One connection shared by the async server. SQLite calls block, so each
/// runs on tokio's blocking pool; the mutex also makes each ingest's
/// look-up-then-insert a single step within this process.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    pub fn new(conn: Connection) -> Db {
        Db {
            conn: Arc::new(Mutex::new(conn)),
        }
    }

    /// Runs `work` with the connection on the blocking pool.
    pub async fn call<T, E>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<ServerError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic in another call poisons the mutex, but its transaction
            // was rolled back when dropped: the connection is still sound.
            let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut conn)
        })
        .await
        .map_err(|e| E::from(ServerError::Damaged(format!("database task failed: {e}"))))?
    }
}

#[cfg(test)]
mod tests;
