//! The regional host's figures of `tournee bench --postgres URL`: ingest
//! and apply on PostgreSQL against a raw PostgreSQL insert of the same
//! rows, and a month's report there. The bench works in a database of its
//! own, made on that server and dropped at the end, so it never touches
//! an organization's data.

use super::Failure;
use super::bench_sync::sys;
use crate::domain::crypto::sign::Signer;
use crate::domain::report::{Period, YearMonth};
use crate::domain::wire::envelope::{SealTo, seal};
use crate::domain::wire::{Receipt, batch};
use crate::domain::{Contact, Record};
use crate::server::store::Storage;
use crate::server::store::postgres::parse_url;
use crate::server::store::postgres::storage::PgStorage;
use crate::server::store::slug::Slug;
use serde_json::{Value, json};
use std::time::Instant;
use tokio_postgres::{Config, NoTls};

/// Contacts per batch, as a phone seals them.
const BATCH: usize = 500;

pub struct HostFigures {
    contacts: usize,
    contacts_per_sec: f64,
    raw_insert_per_sec: f64,
    month_contacts: u64,
    tally_ms: f64,
}

impl HostFigures {
    pub fn measure(url: &str, sample: &[Contact]) -> Result<HostFigures, Failure> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(sys)?;
        runtime.block_on(async {
            let config = parse_url(url).map_err(sys)?;
            let name = format!("tournee_bench_{}", uuid::Uuid::now_v7().simple());
            let admin = connect(&config).await?;
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .await
                .map_err(sys)?;
            let mut own = config.clone();
            own.dbname(&name);
            let measured = measure_in(own, sample).await;
            let dropped = admin
                .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .await
                .map_err(sys);
            let figures = measured?;
            dropped?;
            Ok(figures)
        })
    }

    pub fn add_json(&self, value: &mut Value) {
        value["host_postgres"] = json!({
            "contacts": self.contacts,
            "ingest_contacts_per_sec": self.contacts_per_sec,
            "raw_postgres_bulk_insert_per_sec": self.raw_insert_per_sec,
            "ratio": self.contacts_per_sec / self.raw_insert_per_sec,
            "month_contacts": self.month_contacts,
            "tally_ms": self.tally_ms,
        });
    }

    pub fn print(&self) {
        println!(
            "host ingest on PostgreSQL, {} contacts {:>8.0}/s  {:>8.0}/s raw PostgreSQL bulk insert  {:.3}  (sealed, stored, receipts verified, applied; no HTTP)",
            self.contacts,
            self.contacts_per_sec,
            self.raw_insert_per_sec,
            self.contacts_per_sec / self.raw_insert_per_sec
        );
        println!(
            "host monthly report on PostgreSQL      {:>8.3} ms    ({} contacts in the month)",
            self.tally_ms, self.month_contacts
        );
    }
}

async fn connect(config: &Config) -> Result<tokio_postgres::Client, Failure> {
    let (client, connection) = config.connect(NoTls).await.map_err(sys)?;
    tokio::spawn(connection);
    Ok(client)
}

async fn measure_in(config: Config, sample: &[Contact]) -> Result<HostFigures, Failure> {
    let host = PgStorage::open_with(config.clone()).await.map_err(sys)?;
    let org = host
        .host()
        .create_org(&Slug::parse("bench").expect("slug"), "Bench", 0)
        .await
        .map_err(sys)?;
    let (signer, _) = Signer::generate().map_err(sys)?;
    let device = uuid::Uuid::now_v7();
    host.host()
        .insert_device(org.id, device, &signer.public_key(), "bench", "bench", 0)
        .await
        .map_err(sys)?;
    let (keys, _) = host.host().keys(org.id).await.map_err(sys)?;
    let signing_key = keys.signing_public_key();
    let now_ms = chrono::Utc::now().timestamp_millis();

    // As on the embedded backend's figure: from the phone's sealing to the
    // last batch counted, the receipts checked on the way.
    let start = Instant::now();
    let sealing = keys.current_sealing();
    let to = SealTo {
        org_id: org.id.0,
        device_id: device,
        kid: sealing.kid,
        recipient: &sealing.public,
        signer: &signer,
    };
    for (i, chunk) in sample.chunks(BATCH).enumerate() {
        let records: Vec<Record> = chunk.iter().cloned().map(Record::Contact).collect();
        let envelope = seal(
            &to,
            i as u64 + 1,
            uuid::Uuid::now_v7(),
            now_ms,
            &batch::encode(&records),
        )
        .map_err(sys)?;
        let signed = host
            .ingest(org.id, envelope.clone(), now_ms)
            .await
            .map_err(sys)?;
        let receipt = Receipt::verify(&signed.bytes, &signing_key).map_err(sys)?;
        if !receipt.covers(&envelope) {
            return Err(sys("a receipt does not cover its batch"));
        }
    }
    host.settled(org.id).await.map_err(sys)?;
    let secs = start.elapsed().as_secs_f64();

    let month = sample
        .first()
        .map(|c| YearMonth::of(c.occurred_at.date_naive()))
        .ok_or_else(|| sys("no contacts to measure"))?;
    let start = Instant::now();
    let tally = host
        .tally(org.id, Period::Month(month))
        .await
        .map_err(sys)?;
    let tally_ms = start.elapsed().as_secs_f64() * 1e3;

    let raw = raw_insert(&config, sample).await?;
    Ok(HostFigures {
        contacts: sample.len(),
        contacts_per_sec: sample.len() as f64 / secs,
        raw_insert_per_sec: raw,
        month_contacts: tally.contacts,
        tally_ms,
    })
}

/// Rows per second for a plain bulk insert of the same contacts: one
/// statement of arrays in one transaction, the fastest way short of COPY
/// (a statement per row measured about 10,600 rows/s here, a round trip
/// each: the same rate as ingest, so no reference).
async fn raw_insert(config: &Config, contacts: &[Contact]) -> Result<f64, Failure> {
    let mut client = connect(config).await?;
    client
        .batch_execute("CREATE TABLE raw (id bytea PRIMARY KEY, facts text NOT NULL)")
        .await
        .map_err(sys)?;
    let ids: Vec<Vec<u8>> = contacts
        .iter()
        .map(|c| c.record_id.as_bytes().to_vec())
        .collect();
    let facts: Vec<String> = contacts
        .iter()
        .map(|c| serde_json::to_string(c).expect("json"))
        .collect();
    let start = Instant::now();
    let tx = client.transaction().await.map_err(sys)?;
    tx.execute(
        "INSERT INTO raw (id, facts) SELECT * FROM unnest($1::bytea[], $2::text[])",
        &[&ids, &facts],
    )
    .await
    .map_err(sys)?;
    tx.commit().await.map_err(sys)?;
    Ok(contacts.len() as f64 / start.elapsed().as_secs_f64())
}
