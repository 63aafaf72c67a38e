//! The server figures of `tournee bench` (feature `server`): ingest end
//! to end over loopback HTTP (seal, upload, verify receipts, apply)
//! against a raw SQLite bulk insert of the same rows, and the monthly
//! report (see `bench_report`).

use super::Failure;
use super::bench_report::{self, ReportFigure};
use super::bench_sync::sys;
use crate::device::{Pin, Store, SyncOptions, enroll, sync};
use crate::domain::{Catalog, Contact};
use serde_json::{Value, json};
use std::time::Instant;

pub struct IngestFigure {
    pub contacts: usize,
    pub contacts_per_sec: f64,
    pub receipts_verified: usize,
    pub raw_insert_per_sec: f64,
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
        let start = Instant::now();
        let report = sync(&mut store, &SyncOptions::default())
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
        })
    })
}

/// Rows per second for a plain SQLite bulk insert of the same contacts.
fn raw_insert(contacts: &[Contact]) -> Result<f64, Failure> {
    let dir = tempfile::tempdir().map_err(sys)?;
    let mut conn = rusqlite::Connection::open(dir.path().join("raw.db")).map_err(sys)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; CREATE TABLE raw (id BLOB PRIMARY KEY, facts TEXT NOT NULL);",
    )
    .map_err(sys)?;
    let rows: Vec<(Vec<u8>, String)> = contacts
        .iter()
        .map(|c| {
            (
                c.record_id.as_bytes().to_vec(),
                serde_json::to_string(c).expect("json"),
            )
        })
        .collect();
    let start = Instant::now();
    let tx = conn.transaction().map_err(sys)?;
    for (id, facts) in &rows {
        tx.execute("INSERT INTO raw (id, facts) VALUES (?1, ?2)", (id, facts))
            .map_err(sys)?;
    }
    tx.commit().map_err(sys)?;
    Ok(rows.len() as f64 / start.elapsed().as_secs_f64())
}
