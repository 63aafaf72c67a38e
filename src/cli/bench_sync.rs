//! The sync figures of `tournee bench`: sealing throughput against raw
//! ChaCha20-Poly1305, wire bytes per contact against one JSON document per
//! contact, and server ingest end to end over loopback HTTP (seal, upload,
//! verify receipts, apply) against a raw SQLite bulk insert of the same rows.

use super::Failure;
use crate::device::{Pin, Store, SyncOptions, enroll, sync};
use crate::domain::crypto::hpke::generate_static_secret;
use crate::domain::crypto::sign::Signer;
use crate::domain::wire::batch;
use crate::domain::wire::envelope::{SealTo, kid, seal};
use crate::domain::{Catalog, Contact, Record};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use std::time::Instant;

pub struct SealFigure {
    pub records: usize,
    pub records_per_sec: f64,
    pub mb_per_sec: f64,
    pub raw_aead_mb_per_sec: f64,
}

pub struct WireFigure {
    pub bytes_per_contact: f64,
    pub json_bytes_per_contact: f64,
}

pub struct IngestFigure {
    pub contacts: usize,
    pub contacts_per_sec: f64,
    pub receipts_verified: usize,
    pub raw_insert_per_sec: f64,
}

fn sys(e: impl std::fmt::Display) -> Failure {
    Failure::system(e.to_string())
}

fn records(contacts: &[Contact]) -> Vec<Record> {
    contacts.iter().cloned().map(Record::Contact).collect()
}

pub fn sealing(contacts: &[Contact]) -> Result<(SealFigure, WireFigure), Failure> {
    let (signer, _) = Signer::generate().map_err(sys)?;
    let secret = generate_static_secret().map_err(sys)?;
    let public = *x25519_dalek::PublicKey::from(&secret).as_bytes();
    let to = SealTo {
        org_id: uuid::Uuid::now_v7(),
        device_id: uuid::Uuid::now_v7(),
        kid: kid(&public),
        recipient: &public,
        signer: &signer,
    };
    let all = records(contacts);
    let json_len: usize = all
        .iter()
        .map(|r| serde_json::to_vec(r).map_or(0, |v| v.len()))
        .sum();

    let start = Instant::now();
    for (seq, chunk) in all.chunks(500).enumerate() {
        seal(
            &to,
            seq as u64 + 1,
            uuid::Uuid::now_v7(),
            0,
            &batch::encode(chunk),
        )
        .map_err(sys)?;
    }
    let secs = start.elapsed().as_secs_f64();

    let key = LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &[7; 32]).expect("key"));
    let plain: Vec<Vec<u8>> = all
        .chunks(500)
        .map(|c| serde_json::to_vec(c).expect("json"))
        .collect();
    let start = Instant::now();
    for (n, chunk) in plain.iter().enumerate() {
        let mut buffer = chunk.clone();
        let mut nonce = [0u8; 12];
        nonce[..8].copy_from_slice(&(n as u64).to_be_bytes());
        key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::empty(),
            &mut buffer,
        )
        .map_err(|_| sys("aead"))?;
    }
    let raw_secs = start.elapsed().as_secs_f64();

    let mb = json_len as f64 / 1e6;
    // Wire size of one realistic 200-contact batch.
    let batch_200 = seal(
        &to,
        1,
        uuid::Uuid::now_v7(),
        0,
        &batch::encode(&all[..200.min(all.len())]),
    )
    .map_err(sys)?;
    Ok((
        SealFigure {
            records: all.len(),
            records_per_sec: all.len() as f64 / secs,
            mb_per_sec: mb / secs,
            raw_aead_mb_per_sec: mb / raw_secs,
        },
        WireFigure {
            bytes_per_contact: batch_200.len() as f64 / 200.min(all.len()) as f64,
            json_bytes_per_contact: json_len as f64 / all.len() as f64,
        },
    ))
}

pub fn ingest(contacts: &[Contact]) -> Result<IngestFigure, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(sys)?;
    runtime.block_on(async {
        let data = tempfile::tempdir().map_err(sys)?;
        let server = crate::server::Server::open(data.path()).map_err(sys)?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(sys)?;
        let url = format!("http://{}", listener.local_addr().map_err(sys)?);
        tokio::spawn(crate::server::serve(
            listener,
            server,
            std::future::pending(),
        ));
        let code =
            crate::server::admin::create_enroll_code(data.path(), "bench", 1).map_err(sys)?;
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
        store.save_all(contacts).map_err(sys)?;

        let start = Instant::now();
        let report = sync(&mut store, &SyncOptions::default())
            .await
            .map_err(sys)?;
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
