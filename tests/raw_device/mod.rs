//! A test "device" built from domain pieces only, with no store: an Ed25519 identity, the
//! enrollment request, and envelopes sealed and signed as a phone would.
//! Shared by the server's HTTP and CLI tests.

#![allow(dead_code)] // each test file uses its own part

use chrono::{FixedOffset, TimeZone};
use serde_json::{Value, json};
use tournee::domain::crypto::sign::Signer;
use tournee::domain::wire::batch;
use tournee::domain::wire::enroll::{Bundle, EnrollCode};
use tournee::domain::wire::envelope::{self, SealTo};
use tournee::domain::{Record, RecordId, Void};
use uuid::Uuid;

/// A fixed moment, so nothing depends on the clock.
pub const SEALED_AT_MS: i64 = 1_795_000_000_000;

pub fn enroll_body(code: &EnrollCode, signer: &Signer, label: &str) -> Value {
    json!({
        "secret": hex::encode(code.secret),
        "device_public_key": hex::encode(signer.public_key()),
        "label": label,
        "app_version": "0.1.0",
    })
}

/// A batch plaintext holding one void record (the simplest valid record).
pub fn records() -> Vec<Record> {
    let at = FixedOffset::west_opt(5 * 3600)
        .unwrap()
        .timestamp_millis_opt(SEALED_AT_MS)
        .unwrap();
    vec![Record::Void(Void::new(RecordId::new(), at))]
}

pub struct TestDevice {
    pub signer: Signer,
    pub bundle: Bundle,
}

impl TestDevice {
    pub fn server_key(&self) -> Vec<u8> {
        hex::decode(&self.bundle.server_signing_key).unwrap()
    }

    pub fn sealing_key(&self) -> ([u8; 8], [u8; 32]) {
        let key = &self.bundle.sealing_keys[0];
        (
            hex::decode(&key.kid).unwrap().try_into().unwrap(),
            hex::decode(&key.public_key).unwrap().try_into().unwrap(),
        )
    }

    /// An envelope as the device would seal batch `seq`.
    pub fn seal(&self, seq: u64) -> Vec<u8> {
        let (kid, _) = self.sealing_key();
        self.seal_as(self.bundle.org_id, kid, seq, &batch::encode(&records()))
    }

    /// An envelope with chosen header fields, still properly signed.
    pub fn seal_as(&self, org_id: Uuid, kid: [u8; 8], seq: u64, plaintext: &[u8]) -> Vec<u8> {
        self.seal_full(org_id, kid, seq, SEALED_AT_MS, plaintext)
    }

    /// Any records (or any plaintext), sealed as batch `seq` at `sealed_at_ms`.
    pub fn seal_plaintext(&self, seq: u64, sealed_at_ms: i64, plaintext: &[u8]) -> Vec<u8> {
        let (kid, _) = self.sealing_key();
        self.seal_full(self.bundle.org_id, kid, seq, sealed_at_ms, plaintext)
    }

    fn seal_full(
        &self,
        org_id: Uuid,
        kid: [u8; 8],
        seq: u64,
        sealed_at_ms: i64,
        plaintext: &[u8],
    ) -> Vec<u8> {
        let (_, recipient) = self.sealing_key();
        let to = SealTo {
            org_id,
            device_id: self.bundle.device_id,
            kid,
            recipient: &recipient,
            signer: &self.signer,
        };
        envelope::seal(&to, seq, Uuid::now_v7(), sealed_at_ms, plaintext).unwrap()
    }
}
