//! The server figures of `tournee bench` (feature `server`): ingest end
//! to end over loopback HTTP (seal, upload, verify receipts, apply)
//! against a raw SQLite bulk insert of the same rows, and the monthly
//! report (see `bench_report`). Two bounds say where the ingest's time
//! goes: the phone's own store work in the same sync (what the rate could
//! not pass with a server that cost nothing), and the same rows inserted
//! into the server's own contacts table with its indexes (what writing
//! only the contacts, with no counting, costs).

use super::Failure;
use super::bench_report::{self, ReportFigure};
use super::bench_sync::sys;
use crate::device::sync::{StoreAccess, sync_with};
use crate::device::{Pin, Store, StoreError, SyncError, SyncOptions, enroll};
use crate::domain::{Catalog, Contact};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

pub struct IngestFigure {
    pub contacts: usize,
    pub contacts_per_sec: f64,
    pub receipts_verified: usize,
    pub raw_insert_per_sec: f64,
    /// The phone's store work in the sync (sealing, recording receipts,
    /// the purge), in seconds.
    pub phone_secs: f64,
    /// The same rows into the server's `contacts` table, rows per second.
    pub contacts_table_per_sec: f64,
}

/// A store whose every use by the sync is timed.
struct Timed<'a> {
    store: &'a mut Store,
    busy: Duration,
}

impl StoreAccess for Timed<'_> {
    fn with<T>(
        &mut self,
        work: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, SyncError> {
        let start = Instant::now();
        let done = work(self.store);
        self.busy += start.elapsed();
        Ok(done?)
    }
}

/// Everything `tournee bench` measures on the server side.
pub struct ServerFigures {
    ingest: IngestFigure,
    reports: Vec<ReportFigure>,
}

impl ServerFigures {
    pub fn measure(sample: &[Contact], quick: bool) -> Result<ServerFigures, Failure> {
        let sizes: &[usize] = if quick {
            &[20_000, 100_000]
        } else {
            &[1_000_000, 10_000_000]
        };
        let ingest = ingest(sample)?;
        let reports = sizes
            .iter()
            .map(|&n| bench_report::measure(n))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ServerFigures { ingest, reports })
    }

    /// Adds `server_ingest` and `monthly_report` to the JSON figures.
    pub fn add_json(&self, value: &mut Value) {
        let (ingest, reports) = (&self.ingest, &self.reports);
        value["server_ingest"] = json!({
            "contacts": ingest.contacts,
            "contacts_per_sec": ingest.contacts_per_sec,
            "receipts_verified": ingest.receipts_verified,
            "raw_sqlite_insert_per_sec": ingest.raw_insert_per_sec,
            "ratio": ingest.contacts_per_sec / ingest.raw_insert_per_sec,
            "phone_store_ms": ingest.phone_secs * 1e3,
            "phone_bound_contacts_per_sec": ingest.contacts as f64 / ingest.phone_secs,
            "contacts_table_insert_per_sec": ingest.contacts_table_per_sec,
        });
        value["monthly_report"] = reports
            .iter()
            .map(|r| {
                json!({
                    "contacts_stored": r.contacts,
                    "month_contacts": r.month_contacts,
                    "month_unique_people": r.month_people,
                    "tally_ms": r.tally_ms,
                    "naive_group_by_ms": r.naive_ms,
                    "ratio": r.tally_ms / r.naive_ms,
                    "fill_seconds": r.fill_secs,
                    "longer_periods": ([&r.year, &r.range]).map(|p| json!({
                        "period": p.period,
                        "tally_ms": p.ms,
                        "contacts": p.contacts,
                        "unique_people": p.people,
                    })),
                })
            })
            .collect();
    }

    /// The table's server lines.
    pub fn print(&self) {
        let ingest = &self.ingest;
        println!(
            "server ingest over HTTP, {} contacts {:>8.0}/s  {:>8.0}/s raw SQLite insert   {:.3}  ({} receipts verified)",
            ingest.contacts,
            ingest.contacts_per_sec,
            ingest.raw_insert_per_sec,
            ingest.contacts_per_sec / ingest.raw_insert_per_sec,
            ingest.receipts_verified
        );
        let phone = ingest.contacts as f64 / ingest.phone_secs;
        println!(
            "  the phone's store work alone        {:>8.0}/s  ({:.0} ms of the sync)                {:.3}",
            phone,
            ingest.phone_secs * 1e3,
            phone / ingest.raw_insert_per_sec
        );
        println!(
            "  the server's contacts table alone   {:>8.0}/s  (its indexes, no counting)           {:.3}",
            ingest.contacts_table_per_sec,
            ingest.contacts_table_per_sec / ingest.raw_insert_per_sec
        );
        for r in &self.reports {
            println!(
                "monthly report, {} contacts     {:>8.3} ms    {:>8.1} ms (naive GROUP BY)  {:.4}",
                r.contacts,
                r.tally_ms,
                r.naive_ms,
                r.tally_ms / r.naive_ms
            );
            for p in [&r.year, &r.range] {
                println!(
                    "  report {}, same store {:>8.3} ms    ({} contacts, {} people)",
                    p.period, p.ms, p.contacts, p.people
                );
            }
        }
    }
}

/// A real server on 127.0.0.1 (served by the caller's runtime) and a
/// phone store enrolled with it, PIN "bench-pin": the server's data
/// folder, the phone's home, its open store, the server.
pub(super) async fn enrolled_phone() -> Result<
    (
        tempfile::TempDir,
        tempfile::TempDir,
        Store,
        crate::server::Server,
    ),
    Failure,
> {
    let data = tempfile::tempdir().map_err(sys)?;
    let server = crate::server::Server::open(data.path()).map_err(sys)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(sys)?;
    let url = format!("http://{}", listener.local_addr().map_err(sys)?);
    tokio::spawn(crate::server::serve(
        listener,
        server.clone(),
        std::future::pending(),
    ));
    let code = server
        .admin()
        .create_enroll_code("bench", 1)
        .await
        .map_err(sys)?;
    let home = tempfile::tempdir().map_err(sys)?;
    let mut store = Store::create(
        home.path(),
        &Pin::parse("bench-pin").expect("pin"),
        &Catalog::default_quebec(),
    )
    .map_err(sys)?;
    let client = crate::device::Client::new(&SyncOptions::default()).map_err(sys)?;
    enroll(&mut store, &client, &url, &code, "bench")
        .await
        .map_err(sys)?;
    Ok((data, home, store, server))
}

fn ingest(contacts: &[Contact]) -> Result<IngestFigure, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(sys)?;
    runtime.block_on(async {
        let (_data, _home, mut store, server) = enrolled_phone().await?;
        store.save_all(contacts).map_err(sys)?;

        // Until the last batch is counted: the server applies off the
        // request, overlapping the phone's next upload.
        let mut timed = Timed {
            store: &mut store,
            busy: Duration::ZERO,
        };
        let start = Instant::now();
        let report = sync_with(&mut timed, &SyncOptions::default())
            .await
            .map_err(sys)?;
        server.settled().await.map_err(sys)?;
        let secs = start.elapsed().as_secs_f64();

        let raw = raw_insert(contacts)?;
        Ok(IngestFigure {
            contacts: contacts.len(),
            contacts_per_sec: contacts.len() as f64 / secs,
            receipts_verified: report.delivered,
            raw_insert_per_sec: raw,
            phone_secs: timed.busy.as_secs_f64(),
            contacts_table_per_sec: contacts_table_insert(contacts)?,
        })
    })
}

/// The bench's contacts as rows: id and JSON.
fn rows(contacts: &[Contact]) -> Vec<(Vec<u8>, String)> {
    contacts
        .iter()
        .map(|c| {
            (
                c.record_id.as_bytes().to_vec(),
                serde_json::to_string(c).expect("json"),
            )
        })
        .collect()
}

/// Rows per second for a plain SQLite bulk insert of the same contacts.
fn raw_insert(contacts: &[Contact]) -> Result<f64, Failure> {
    let dir = tempfile::tempdir().map_err(sys)?;
    let mut conn = rusqlite::Connection::open(dir.path().join("raw.db")).map_err(sys)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; CREATE TABLE raw (id BLOB PRIMARY KEY, facts TEXT NOT NULL);",
    )
    .map_err(sys)?;
    let rows = rows(contacts);
    let start = Instant::now();
    let tx = conn.transaction().map_err(sys)?;
    for (id, facts) in &rows {
        tx.execute("INSERT INTO raw (id, facts) VALUES (?1, ?2)", (id, facts))
            .map_err(sys)?;
    }
    tx.commit().map_err(sys)?;
    Ok(rows.len() as f64 / start.elapsed().as_secs_f64())
}

/// Rows per second for the same contacts inserted, as apply inserts them,
/// into a fresh data directory's `contacts` table (its indexes, its
/// pragmas: `synchronous=FULL`, `secure_delete`), in batches of 500, each
/// its own transaction; the contact's JSON stands for its facts.
fn contacts_table_insert(contacts: &[Contact]) -> Result<f64, Failure> {
    let dir = tempfile::tempdir().map_err(sys)?;
    let mut conn = crate::server::db::open(dir.path()).map_err(sys)?;
    let rows: Vec<_> = rows(contacts)
        .into_iter()
        .zip(contacts)
        .map(|((id, facts), c)| {
            let month = crate::domain::report::YearMonth::of(c.local_date()).to_string();
            (id, facts, month, c.occurred_at.timestamp_millis())
        })
        .collect();
    let device = uuid::Uuid::now_v7();
    let start = Instant::now();
    for batch in rows.chunks(crate::domain::wire::batch::MAX_RECORDS) {
        let tx = conn.transaction().map_err(sys)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO contacts (record_id, device_id, month, facts, voided, occurred_at)
                     VALUES (?1, ?2, ?3, ?4, 0, ?5)",
                )
                .map_err(sys)?;
            for (id, facts, month, at) in batch {
                insert
                    .execute(rusqlite::params![
                        id,
                        device.as_bytes().as_slice(),
                        month,
                        facts,
                        at
                    ])
                    .map_err(sys)?;
            }
        }
        tx.commit().map_err(sys)?;
    }
    Ok(rows.len() as f64 / start.elapsed().as_secs_f64())
}
