//! Codes gone after apply: the server keeps an envelope (whose ciphertext
//! holds the person codes, sealed to keys it also keeps) only until it
//! applies. Every file of the data directory is read back, byte by byte:
//! no stretch of the ciphertext is left anywhere (not in the SQLite file,
//! not in its WAL), no stored blob opens with the server's keys, and the
//! code is nowhere in clear. Dedup and the audit still work from what
//! stays: the header, the digest, the signature and the receipt.

mod common;
mod raw_device;

use common::{TestServer, admin, contact_at};
use reqwest::StatusCode;
use rusqlite::types::ValueRef;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use tournee::domain::Record;
use tournee::domain::wire::enroll::{EnrollCode, Signed, encode_hand_file, verify_bundle};
use tournee::domain::wire::{Envelope, Receipt, ReceiptStatus, batch};
use tournee::server::{ServerKeys, db};

/// The canonical form of the code the contacts carry ("Tremblay-87").
const CODE: &str = "TREMBLAY87";

async fn enroll(server: &TestServer, client: &reqwest::Client) -> raw_device::TestDevice {
    let code = EnrollCode::parse(&server.code().await).unwrap();
    let (signer, _) = tournee::domain::crypto::sign::Signer::generate().unwrap();
    let body = raw_device::enroll_body(&code, &signer, "Téléphone 7").to_string();
    let response = client
        .post(format!("{}/api/v1/enroll", server.url))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let signed: Signed = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    raw_device::TestDevice {
        signer,
        bundle: verify_bundle(&signed, &code).unwrap(),
    }
}

async fn upload(
    server: &TestServer,
    client: &reqwest::Client,
    envelope: &[u8],
) -> (StatusCode, Vec<u8>) {
    let response = client
        .post(format!("{}/api/v1/batches", server.url))
        .header("content-type", "application/octet-stream")
        .body(envelope.to_vec())
        .send()
        .await
        .unwrap();
    let answer = (response.status(), response.bytes().await.unwrap().to_vec());
    // Applying runs off the request: wait for it before reading.
    server.settled().await;
    answer
}

/// A batch of contacts with the code, in `zone`, sealed as batch `seq`.
fn sealed(device: &raw_device::TestDevice, seq: u64, zone: &str) -> Vec<u8> {
    let records: Vec<Record> = (0..40)
        .map(|i| {
            Record::Contact(contact_at(
                &format!("2026-11-17T{:02}:{:02}:00-05:00", i % 24, i),
                zone,
                "known",
                1,
                Some("Tremblay-87"),
                &[("seringues", 10)],
            ))
        })
        .collect();
    device.seal_plaintext(seq, raw_device::SEALED_AT_MS, &batch::encode(&records))
}

fn every_file(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(every_file(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

/// Files of the data directory holding any 32-byte stretch of `ciphertext`
/// at a 32-byte boundary (any copy of 64 bytes or more holds one).
fn files_holding(dir: &Path, ciphertext: &[u8]) -> Vec<PathBuf> {
    let chunks: HashSet<&[u8]> = ciphertext.chunks_exact(32).collect();
    every_file(dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(32).any(|w| chunks.contains(w)))
        .map(|(path, _)| path)
        .collect()
}

/// Every blob in every table of the server's database that opens, as an
/// envelope, with one of the server's sealing keys; and the plaintexts.
fn blobs_that_open(data: &Path) -> Vec<Vec<u8>> {
    let keys = ServerKeys::load_or_create(data).unwrap();
    let conn = db::open(data).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut opened = Vec::new();
    for table in tables {
        let mut statement = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = statement.column_count();
        let mut rows = statement.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for column in 0..columns {
                if let ValueRef::Blob(bytes) = row.get_ref(column).unwrap()
                    && let Ok(envelope) = Envelope::decode(bytes)
                    && let Some(key) = keys.sealing_key(&envelope.header.kid)
                    && let Ok(plaintext) = envelope.open(key.secret())
                {
                    opened.push(plaintext);
                }
            }
        }
    }
    opened
}

fn code_in_clear(dir: &Path) -> bool {
    every_file(dir)
        .iter()
        .any(|(_, bytes)| bytes.windows(CODE.len()).any(|w| w == CODE.as_bytes()))
}

fn ciphertext(envelope: &[u8]) -> &[u8] {
    Envelope::decode(envelope).unwrap().ciphertext
}

#[tokio::test]
async fn once_applied_no_file_of_the_data_directory_holds_the_ciphertext_or_the_code() {
    let server = TestServer::spawn().await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let device = enroll(&server, &client).await;
    let envelope = sealed(&device, 1, "gatineau");
    let (status, first) = upload(&server, &client, &envelope).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        common::month_tally(&server, "2026-11")
            .await
            .contacts_with_code,
        40
    );

    let data = server.data.path();
    assert!(
        files_holding(data, ciphertext(&envelope)).is_empty(),
        "{:?}",
        files_holding(data, ciphertext(&envelope))
    );
    assert!(blobs_that_open(data).is_empty());
    assert!(!code_in_clear(data));
    let stored = admin(data)
        .stored_batch(device.bundle.device_id, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.envelope, None);

    // The same bytes again: the same facts, now as a duplicate.
    let (status, again) = upload(&server, &client, &envelope).await;
    assert_eq!(status, StatusCode::OK);
    let (first, again) = (
        Receipt::verify(&first, &device.server_key()).unwrap(),
        Receipt::verify(&again, &device.server_key()).unwrap(),
    );
    assert_eq!(again.status, ReceiptStatus::Duplicate);
    assert_eq!(
        Receipt {
            status: ReceiptStatus::Stored,
            ..again
        },
        first,
        "same device, seq, batch, digest and received-at"
    );
    // Another envelope under the same number is still an equivocation.
    let (status, _) = upload(&server, &client, &sealed(&device, 1, "gatineau")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(admin(data).list_alerts().await.unwrap().len(), 1);

    // And the files at rest say the same, reopened by another process's
    // way in (a fresh connection migrates and reads them).
    let mut server = server;
    let kept = std::mem::replace(&mut server.data, tempfile::tempdir().unwrap());
    drop(server);
    let data = kept.path();
    assert!(
        every_file(data)
            .iter()
            .any(|(p, _)| p.ends_with("server.db"))
    );
    assert!(files_holding(data, ciphertext(&envelope)).is_empty());
    assert!(blobs_that_open(data).is_empty());
    assert!(!code_in_clear(data));
}

#[tokio::test]
async fn a_quarantined_batch_keeps_its_ciphertext_until_it_applies_then_it_goes() {
    let server = TestServer::spawn().await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let data = server.data.path().to_path_buf();
    let device = enroll(&server, &client).await;
    // The server's catalog loses a zone the phone still uses: held.
    let full = admin(&data).catalog().await.unwrap();
    let mut smaller = full.clone();
    smaller.zones.retain(|z| z.id.as_str() != "pontiac");
    smaller.version += 1;
    admin(&data).replace_catalog(&smaller).await.unwrap();
    let envelope = sealed(&device, 1, "pontiac");
    assert_eq!(upload(&server, &client, &envelope).await.0, StatusCode::OK);
    assert_eq!(admin(&data).quarantined().await.unwrap().len(), 1);
    // Kept whole: this is what lets a supervisor fix and re-apply.
    assert_eq!(
        admin(&data)
            .stored_batch(device.bundle.device_id, 1)
            .await
            .unwrap()
            .unwrap()
            .envelope,
        Some(envelope.clone())
    );
    assert_eq!(blobs_that_open(&data).len(), 1);
    assert!(
        !files_holding(&data, ciphertext(&envelope)).is_empty(),
        "the test can see a copy"
    );

    let mut fixed = full;
    fixed.version = smaller.version + 1;
    admin(&data).replace_catalog(&fixed).await.unwrap();
    assert_eq!(admin(&data).reapply().await.unwrap().applied, 1);
    assert_eq!(
        common::month_tally(&server, "2026-11").await.by_zone["pontiac"].contacts,
        40
    );
    assert!(files_holding(&data, ciphertext(&envelope)).is_empty());
    assert!(blobs_that_open(&data).is_empty());
    assert!(!code_in_clear(&data));
}

#[tokio::test]
async fn a_hand_delivered_file_leaves_no_ciphertext_and_its_batches_dedup_by_digest() {
    let server = TestServer::spawn().await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let data = server.data.path().to_path_buf();
    let device = enroll(&server, &client).await;
    let (one, two) = (
        sealed(&device, 1, "gatineau"),
        sealed(&device, 2, "papineau"),
    );
    let file = encode_hand_file([one.as_slice(), two.as_slice()]);
    let imported = admin(&data).import_batches(&file).await.unwrap();
    assert!(imported.iter().all(|b| b.result.is_ok()));
    for envelope in [&one, &two] {
        assert!(files_holding(&data, ciphertext(envelope)).is_empty());
    }
    assert!(blobs_that_open(&data).is_empty());
    // The same file again, and the same batch over the network: duplicates.
    let again = admin(&data).import_batches(&file).await.unwrap();
    let statuses: Vec<_> = again
        .iter()
        .map(|b| b.result.as_ref().unwrap().receipt.status)
        .collect();
    assert_eq!(
        statuses,
        [ReceiptStatus::Duplicate, ReceiptStatus::Duplicate]
    );
    let (status, body) = upload(&server, &client, &two).await;
    assert_eq!(status, StatusCode::OK);
    let receipt = Receipt::verify(&body, &device.server_key()).unwrap();
    assert_eq!(receipt.status, ReceiptStatus::Duplicate);
    assert_eq!(common::month_tally(&server, "2026-11").await.contacts, 80);
}

#[tokio::test]
async fn an_envelope_stored_without_its_receipt_gets_the_very_bytes_it_was_answered_with() {
    let server = TestServer::spawn().await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let data = server.data.path().to_path_buf();
    let device = enroll(&server, &client).await;
    let (status, sent) = upload(&server, &client, &sealed(&device, 1, "gatineau")).await;
    assert_eq!(status, StatusCode::OK);
    // As the previous release left it: no receipt kept.
    let conn = rusqlite::Connection::open(db::path_in(&data)).unwrap();
    conn.execute("UPDATE envelopes SET receipt = NULL", [])
        .unwrap();
    drop(conn);
    // Any admin command that opens the keys signs it again.
    admin(&data).apply_pending().await.unwrap();
    let stored = admin(&data)
        .stored_batch(device.bundle.device_id, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.receipt, Some(sent));
}
