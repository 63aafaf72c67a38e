//! The server's receipt: proof that an envelope is stored durably. Only a
//! receipt that verifies, for the exact bytes the device sent, lets the
//! device mark a batch delivered.

use super::{WireError, read_array, read_u64};
use crate::domain::crypto::sign::{self, Purpose, SIGNATURE_LEN, Signer};
use uuid::Uuid;

pub const MAGIC: [u8; 4] = *b"TRNR";
pub const VERSION: u8 = 1;
const BODY_LEN: usize = 86;
pub const LEN: usize = BODY_LEN + SIGNATURE_LEN;

/// Whether this upload stored the envelope or found it already stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiptStatus {
    Stored = 1,
    Duplicate = 2,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub device_id: Uuid,
    pub seq: u64,
    pub batch_id: Uuid,
    /// SHA-256 of the whole envelope as received.
    pub envelope_sha256: [u8; 32],
    pub received_at_ms: i64,
    pub status: ReceiptStatus,
}

pub fn envelope_digest(envelope: &[u8]) -> [u8; 32] {
    ring::digest::digest(&ring::digest::SHA256, envelope)
        .as_ref()
        .try_into()
        .expect("32 bytes")
}

impl Receipt {
    fn body(&self) -> [u8; BODY_LEN] {
        let mut out = [0u8; BODY_LEN];
        let parts: [&[u8]; 8] = [
            &MAGIC,
            &[VERSION],
            self.device_id.as_bytes(),
            &self.seq.to_be_bytes(),
            self.batch_id.as_bytes(),
            &self.envelope_sha256,
            &self.received_at_ms.to_be_bytes(),
            &[self.status as u8],
        ];
        let mut at = 0;
        for part in parts {
            out[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        out
    }

    /// The signed receipt, exactly [`LEN`] bytes.
    pub fn sign(&self, signer: &Signer) -> Vec<u8> {
        let body = self.body();
        [&body[..], &signer.sign(Purpose::Receipt, &body)].concat()
    }

    /// Decodes and verifies a receipt with the server's signing key. Any
    /// length but [`LEN`], another magic or version, an unknown status, or a
    /// signature that does not verify is refused; never panics.
    pub fn verify(bytes: &[u8], server_key: &[u8]) -> Result<Receipt, WireError> {
        if bytes.len() != LEN {
            return Err(WireError::Length {
                expected: LEN,
                found: bytes.len(),
            });
        }
        let (body, signature) = bytes.split_at(BODY_LEN);
        let mut cursor = body;
        if read_array::<4>(&mut cursor)? != MAGIC {
            return Err(WireError::Magic);
        }
        let [version] = read_array::<1>(&mut cursor)?;
        if version != VERSION {
            return Err(WireError::Version(version));
        }
        sign::verify(server_key, Purpose::Receipt, body, signature)
            .map_err(|_| WireError::Signature)?;
        let receipt = Receipt {
            device_id: Uuid::from_bytes(read_array(&mut cursor)?),
            seq: read_u64(&mut cursor)?,
            batch_id: Uuid::from_bytes(read_array(&mut cursor)?),
            envelope_sha256: read_array(&mut cursor)?,
            received_at_ms: read_u64(&mut cursor)? as i64,
            status: match read_array::<1>(&mut cursor)? {
                [1] => ReceiptStatus::Stored,
                [2] => ReceiptStatus::Duplicate,
                [other] => return Err(WireError::Status(other)),
            },
        };
        Ok(receipt)
    }

    /// True when this receipt is for exactly `envelope` (same device, seq,
    /// batch and bytes): what the device checks before purging anything.
    pub fn covers(&self, envelope: &[u8]) -> bool {
        match super::Envelope::decode(envelope) {
            Ok(sealed) => {
                sealed.header.device_id == self.device_id
                    && sealed.header.seq == self.seq
                    && sealed.header.batch_id == self.batch_id
                    && envelope_digest(envelope) == self.envelope_sha256
            }
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt() -> Receipt {
        Receipt {
            device_id: Uuid::now_v7(),
            seq: 7,
            batch_id: Uuid::now_v7(),
            envelope_sha256: [9; 32],
            received_at_ms: 1_795_000_000_000,
            status: ReceiptStatus::Stored,
        }
    }

    #[test]
    fn a_signed_receipt_is_150_bytes_and_verifies_with_the_server_key() {
        let (signer, _) = Signer::generate().unwrap();
        let receipt = receipt();
        let bytes = receipt.sign(&signer);
        assert_eq!(bytes.len(), 150);
        assert_eq!(
            Receipt::verify(&bytes, &signer.public_key()).unwrap(),
            receipt
        );
    }

    #[test]
    fn truncated_extended_altered_or_forged_receipts_are_refused() {
        let (signer, _) = Signer::generate().unwrap();
        let bytes = receipt().sign(&signer);
        let key = signer.public_key();
        assert!(Receipt::verify(&bytes[..149], &key).is_err());
        assert!(Receipt::verify(&[bytes.clone(), vec![0]].concat(), &key).is_err());
        for index in 0..bytes.len() {
            let mut altered = bytes.clone();
            altered[index] ^= 0x01;
            assert!(Receipt::verify(&altered, &key).is_err(), "byte {index}");
        }
        let (forger, _) = Signer::generate().unwrap();
        assert_eq!(
            Receipt::verify(&receipt().sign(&forger), &key),
            Err(WireError::Signature)
        );
        assert!(Receipt::verify(b"<html>Wi-Fi sign-in</html>", &key).is_err());
    }
}
