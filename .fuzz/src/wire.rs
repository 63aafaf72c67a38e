//! Checks for the binary formats the server and the phone read from the
//! network or a file: envelope, receipt, hand-delivery file, batch
//! plaintext, and what the server's apply step does with the records.

use crate::fixtures::fixtures;
use tournee::domain::Record;
use tournee::domain::crypto::sign::{Purpose, SIGNATURE_LEN};
use tournee::domain::wire::enroll::{decode_hand_file, encode_hand_file};
use tournee::domain::wire::receipt::{self, envelope_digest};
use tournee::domain::wire::{Envelope, Receipt, ReceiptStatus, WireError, batch};
use tournee::server::apply::prepare::{Prepared, Window, prepare};

/// What the server's apply step does once a batch is open: the sealing
/// time as `apply` reads it from the header, then [`prepare`].
pub fn prepared(records: Vec<Record>, sealed_at_ms: i64) -> bool {
    let Some(sealed_at) = chrono::DateTime::from_timestamp_millis(sealed_at_ms) else {
        return false;
    };
    let count = records.len();
    match prepare(
        records,
        &fixtures().catalog,
        Window {
            sealed_at: sealed_at.fixed_offset(),
            kept_from: None,
        },
        &fixtures().pseudonyms,
    ) {
        Ok(prepared) => {
            assert_eq!(prepared.len(), count, "one fact per record");
            for fact in &prepared {
                if let Prepared::Contact { facts, .. } = fact {
                    assert!(facts.pseudonym.as_ref().is_none_or(|p| p.len() == 32));
                }
            }
            true
        }
        Err(reason) => {
            assert!(reason.starts_with("record "), "{reason}");
            false
        }
    }
}

/// An envelope as `POST /api/v1/batches` receives it, then what the server
/// does with one that verifies: open, decode, prepare.
pub fn envelope(data: &[u8]) -> bool {
    let keys = fixtures();
    let probe = Receipt {
        device_id: uuid::Uuid::nil(),
        seq: 0,
        batch_id: uuid::Uuid::nil(),
        envelope_sha256: [0; 32],
        received_at_ms: 0,
        status: ReceiptStatus::Stored,
    };
    assert!(
        !probe.covers(data),
        "a receipt for other bytes covers nothing"
    );
    let Ok(envelope) = Envelope::decode(data) else {
        return false;
    };
    // The structure re-encodes to the bytes it came from.
    assert_eq!(&envelope.header.encode()[..], envelope.header_bytes);
    assert_eq!(envelope.signed.len() + SIGNATURE_LEN, data.len());
    assert_eq!(
        envelope.ciphertext.len(),
        envelope.header.ciphertext_len as usize
    );
    let header = &envelope.header;
    let receipt = Receipt {
        device_id: header.device_id,
        seq: header.seq,
        batch_id: header.batch_id,
        envelope_sha256: envelope_digest(data),
        received_at_ms: 0,
        status: ReceiptStatus::Stored,
    };
    assert!(receipt.covers(data), "its own receipt covers it");
    if envelope.verify(&keys.device.public_key()).is_err() {
        return false;
    }
    let Ok(plaintext) = envelope.open(&keys.sealing) else {
        return false;
    };
    match batch::decode(&plaintext) {
        Ok(records) => prepared(records, header.sealed_at_ms),
        Err(_) => false,
    }
}

/// A receipt as the phone receives it; then the same body signed by the
/// server key, so the fields behind the signature are read too.
pub fn receipt(data: &[u8]) -> bool {
    let keys = fixtures();
    let key = keys.server.public_key();
    if let Ok(receipt) = Receipt::verify(data, &key) {
        assert_eq!(
            receipt.sign(&keys.server),
            data,
            "re-signs to the same bytes"
        );
    }
    let Some(body) = data.get(..receipt::LEN - SIGNATURE_LEN) else {
        return false;
    };
    let signed = [body, &keys.server.sign(Purpose::Receipt, body)].concat();
    match Receipt::verify(&signed, &key) {
        Ok(receipt) => {
            assert_eq!(receipt.sign(&keys.server), signed, "re-encodes exactly");
            true
        }
        Err(error) => {
            assert!(
                matches!(
                    error,
                    WireError::Magic | WireError::Version(_) | WireError::Status(_)
                ),
                "a well-signed receipt fails only on its fields: {error:?}"
            );
            false
        }
    }
}

/// The hand-delivery file `tournee admin import` reads.
pub fn hand_file(data: &[u8]) -> bool {
    let Ok(envelopes) = decode_hand_file(data) else {
        return false;
    };
    assert_eq!(
        encode_hand_file(envelopes.iter().copied()),
        data,
        "re-encodes exactly"
    );
    // Every envelope is checked, even after one that does not open.
    let mut all = true;
    for bytes in envelopes {
        all &= envelope(bytes);
    }
    all
}

/// The batch plaintext as an opened envelope holds it (DEFLATE inside).
pub fn batch(data: &[u8]) -> bool {
    let Ok(records) = batch::decode(data) else {
        return false;
    };
    assert!(data.len() >= 6, "at least the prefix");
    let again = batch::encode(&records);
    assert_eq!(batch::decode(&again).as_ref(), Ok(&records), "round trip");
    prepared(records, fixtures().now.timestamp_millis())
}

/// Records as JSON, framed here as a batch (a fuzzer cannot mutate through
/// DEFLATE), sealed at a time set by the first 9 bytes: what the apply
/// step reads from a device that holds its own signing key.
pub fn apply_prepare(data: &[u8]) -> bool {
    let Some((&[mode, ..], rest)) = data.split_first_chunk::<1>() else {
        return false;
    };
    let Some((value, json)) = rest.split_first_chunk::<8>() else {
        return false;
    };
    let plaintext = frame(json);
    let Ok(records) = batch::decode(&plaintext) else {
        return false;
    };
    let again = batch::encode(&records);
    assert_eq!(batch::decode(&again).as_ref(), Ok(&records), "round trip");
    prepared(records, sealed_at_ms(mode, i64::from_be_bytes(*value)))
}

/// The sealing time: `value` itself, or up to 2^28 ms (three days)
/// inside either end of the dates chrono holds, where edge cases live.
pub fn sealed_at_ms(mode: u8, value: i64) -> i64 {
    let near = (value as u64 % (1 << 28)) as i64;
    match mode % 3 {
        0 => value,
        1 => chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp_millis() - near,
        _ => chrono::DateTime::<chrono::Utc>::MIN_UTC.timestamp_millis() + near,
    }
}

/// `json` as a batch plaintext: version, DEFLATE, length, padding.
pub fn frame(json: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(json).expect("writing to memory");
    frame_compressed(&encoder.finish().expect("writing to memory"))
}

/// A DEFLATE stream as a batch plaintext.
pub fn frame_compressed(compressed: &[u8]) -> Vec<u8> {
    let mut out = vec![batch::SCHEMA_VERSION, 1];
    out.extend_from_slice(&(compressed.len() as u32).to_be_bytes());
    out.extend_from_slice(compressed);
    out.resize(batch::padded_len(out.len()), 0);
    out
}
