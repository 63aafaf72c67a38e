//! The sync figures of `tournee bench`: sealing throughput against raw
//! ChaCha20-Poly1305, wire bytes per contact against one JSON document per
//! contact. Server ingest is in `bench_ingest` (feature `server`).

use super::Failure;
use crate::domain::crypto::hpke::generate_static_secret;
use crate::domain::crypto::sign::Signer;
use crate::domain::wire::batch;
use crate::domain::wire::envelope::{SealTo, kid, seal};
use crate::domain::{Contact, Record};
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

pub(super) fn sys(e: impl std::fmt::Display) -> Failure {
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
