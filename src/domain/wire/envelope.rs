//! The batch envelope: a fixed header, the HPKE ciphertext, the device's
//! signature. Byte layout in the protocol specification (`wire` module).

use super::{WireError, batch, read_array, read_u32, read_u64};
use crate::domain::crypto::hpke::{self, ENC_LEN};
use crate::domain::crypto::sign::{self, Purpose, SIGNATURE_LEN, Signer};
use uuid::Uuid;

pub const MAGIC: [u8; 4] = *b"TRNB";
pub const VERSION: u8 = 1;
pub const HEADER_LEN: usize = 119;
/// An envelope is never larger than this, whatever it holds.
pub const MAX_LEN: usize = 1024 * 1024;
/// HPKE `info` for batches.
pub const INFO: &[u8] = b"tournee-batch-v1";
/// Sequence numbers run from 1 to this: SQLite stores them as i64, and
/// no phone seals 2^63 batches.
pub const MAX_SEQ: u64 = i64::MAX as u64;

/// The header fields, authenticated as the AEAD's associated data and
/// covered by the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub org_id: Uuid,
    pub device_id: Uuid,
    pub kid: [u8; 8],
    pub seq: u64,
    pub batch_id: Uuid,
    /// Milliseconds since the Unix epoch (UTC) when the device sealed it.
    pub sealed_at_ms: i64,
    pub enc: [u8; ENC_LEN],
    pub ciphertext_len: u32,
}

impl Header {
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        let mut at = 0;
        let mut put = |bytes: &[u8]| {
            out[at..at + bytes.len()].copy_from_slice(bytes);
            at += bytes.len();
        };
        put(&MAGIC);
        put(&[VERSION]);
        put(&hpke::KEM_ID.to_be_bytes());
        put(&hpke::KDF_ID.to_be_bytes());
        put(&hpke::AEAD_ID.to_be_bytes());
        put(self.org_id.as_bytes());
        put(self.device_id.as_bytes());
        put(&self.kid);
        put(&self.seq.to_be_bytes());
        put(self.batch_id.as_bytes());
        put(&self.sealed_at_ms.to_be_bytes());
        put(&self.enc);
        put(&self.ciphertext_len.to_be_bytes());
        out
    }

    /// Reads a header alone (the server keeps it after the rest is gone).
    pub fn decode(bytes: &[u8; HEADER_LEN]) -> Result<Header, WireError> {
        let mut cursor = &bytes[..];
        if read_array::<4>(&mut cursor)? != MAGIC {
            return Err(WireError::Magic);
        }
        let [version] = read_array::<1>(&mut cursor)?;
        if version != VERSION {
            return Err(WireError::Version(version));
        }
        let suite = [
            read_array::<2>(&mut cursor)?,
            read_array::<2>(&mut cursor)?,
            read_array::<2>(&mut cursor)?,
        ];
        let expected = [
            hpke::KEM_ID.to_be_bytes(),
            hpke::KDF_ID.to_be_bytes(),
            hpke::AEAD_ID.to_be_bytes(),
        ];
        if suite != expected {
            return Err(WireError::Suite);
        }
        let header = Header {
            org_id: Uuid::from_bytes(read_array(&mut cursor)?),
            device_id: Uuid::from_bytes(read_array(&mut cursor)?),
            kid: read_array(&mut cursor)?,
            seq: read_u64(&mut cursor)?,
            batch_id: Uuid::from_bytes(read_array(&mut cursor)?),
            sealed_at_ms: read_u64(&mut cursor)? as i64,
            enc: read_array(&mut cursor)?,
            ciphertext_len: read_u32(&mut cursor)?,
        };
        header.check_ranges()?;
        Ok(header)
    }

    /// The bounds the protocol gives the header's fields, checkable before
    /// the envelope is stored or opened. Sealed-at is the device's clock
    /// and is judged when the batch is applied.
    fn check_ranges(&self) -> Result<(), WireError> {
        if !(1..=MAX_SEQ).contains(&self.seq) {
            return Err(WireError::Sequence(self.seq));
        }
        if self.batch_id.get_version_num() != 7 {
            return Err(WireError::BatchId);
        }
        // The plaintext is padded to a power of two (see `batch`), so the
        // ciphertext is one of nine sizes: the header tells them apart.
        let plaintext = (self.ciphertext_len as usize).checked_sub(hpke::TAG_LEN);
        if !plaintext.is_some_and(batch::is_padded_len) {
            return Err(WireError::CiphertextLength(self.ciphertext_len));
        }
        Ok(())
    }
}

/// A decoded envelope borrowing the bytes it came from.
#[derive(Debug, PartialEq, Eq)]
pub struct Envelope<'a> {
    pub header: Header,
    /// Bytes 0..119, the AEAD's associated data.
    pub header_bytes: &'a [u8],
    pub ciphertext: &'a [u8],
    /// Everything the signature covers: header and ciphertext.
    pub signed: &'a [u8],
    pub signature: &'a [u8],
}

impl<'a> Envelope<'a> {
    /// Checks structure only (lengths, magic, version, suite, the header's
    /// ranges); never panics.
    /// The signature and the ciphertext are checked by [`Envelope::verify`]
    /// and the server's open step.
    pub fn decode(bytes: &'a [u8]) -> Result<Envelope<'a>, WireError> {
        if bytes.len() > MAX_LEN {
            return Err(WireError::TooLarge(bytes.len()));
        }
        let header_bytes: &[u8; HEADER_LEN] = bytes
            .get(..HEADER_LEN)
            .and_then(|h| h.try_into().ok())
            .ok_or(WireError::Length {
                expected: HEADER_LEN + SIGNATURE_LEN,
                found: bytes.len(),
            })?;
        let header = Header::decode(header_bytes)?;
        let expected = HEADER_LEN + header.ciphertext_len as usize + SIGNATURE_LEN;
        if bytes.len() != expected {
            return Err(WireError::Length {
                expected,
                found: bytes.len(),
            });
        }
        let (signed, signature) = bytes.split_at(expected - SIGNATURE_LEN);
        Ok(Envelope {
            header,
            header_bytes: &bytes[..HEADER_LEN],
            ciphertext: &signed[HEADER_LEN..],
            signed,
            signature,
        })
    }

    /// Checks the device's signature with its enrolled public key.
    pub fn verify(&self, device_public_key: &[u8]) -> Result<(), WireError> {
        sign::verify(
            device_public_key,
            Purpose::Batch,
            self.signed,
            self.signature,
        )
        .map_err(|_| WireError::Signature)
    }

    /// Opens the ciphertext with the sealing key named by `kid`.
    pub fn open(&self, secret: &x25519_dalek::StaticSecret) -> Result<Vec<u8>, WireError> {
        hpke::open(
            secret,
            &self.header.enc,
            INFO,
            self.header_bytes,
            self.ciphertext,
        )
        .map_err(|_| WireError::Open)
    }
}

/// What a device needs to seal a batch.
pub struct SealTo<'a> {
    pub org_id: Uuid,
    pub device_id: Uuid,
    pub kid: [u8; 8],
    pub recipient: &'a [u8; 32],
    pub signer: &'a Signer,
}

/// Seals `plaintext` (an encoded batch) into a signed envelope.
pub fn seal(
    to: &SealTo<'_>,
    seq: u64,
    batch_id: Uuid,
    sealed_at_ms: i64,
    plaintext: &[u8],
) -> Result<Vec<u8>, WireError> {
    let ciphertext_len = plaintext.len() + hpke::TAG_LEN;
    if HEADER_LEN + ciphertext_len + SIGNATURE_LEN > MAX_LEN {
        return Err(WireError::TooLarge(
            HEADER_LEN + ciphertext_len + SIGNATURE_LEN,
        ));
    }
    let (enc, mut context) = hpke::setup_sender(to.recipient, INFO).map_err(|_| WireError::Open)?;
    let header = Header {
        org_id: to.org_id,
        device_id: to.device_id,
        kid: to.kid,
        seq,
        batch_id,
        sealed_at_ms,
        enc,
        ciphertext_len: ciphertext_len as u32,
    };
    let header_bytes = header.encode();
    let mut out = Vec::with_capacity(HEADER_LEN + ciphertext_len + SIGNATURE_LEN);
    out.extend_from_slice(&header_bytes);
    out.extend_from_slice(&context.seal(&header_bytes, plaintext));
    let signature = to.signer.sign(Purpose::Batch, &out);
    out.extend_from_slice(&signature);
    Ok(out)
}

/// The sealing key id: the first 8 bytes of SHA-256 of the X25519 public key.
pub fn kid(public_key: &[u8; 32]) -> [u8; 8] {
    sign::fingerprint(public_key)[..8]
        .try_into()
        .expect("8 bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Keys {
        device: Signer,
        server_secret: x25519_dalek::StaticSecret,
        server_public: [u8; 32],
    }

    fn keys() -> Keys {
        let (device, _) = Signer::generate().unwrap();
        let server_secret = hpke::generate_static_secret().unwrap();
        let server_public = *x25519_dalek::PublicKey::from(&server_secret).as_bytes();
        Keys {
            device,
            server_secret,
            server_public,
        }
    }

    fn sealed(keys: &Keys, plaintext: &[u8]) -> Vec<u8> {
        sealed_as(keys, 3, Uuid::now_v7(), 1_795_000_000_000, plaintext)
    }

    fn sealed_as(
        keys: &Keys,
        seq: u64,
        batch_id: Uuid,
        sealed_at: i64,
        plaintext: &[u8],
    ) -> Vec<u8> {
        let to = SealTo {
            org_id: Uuid::now_v7(),
            device_id: Uuid::now_v7(),
            kid: kid(&keys.server_public),
            recipient: &keys.server_public,
            signer: &keys.device,
        };
        seal(&to, seq, batch_id, sealed_at, plaintext).unwrap()
    }

    /// A plaintext of the smallest padded size.
    fn padded(text: &[u8]) -> Vec<u8> {
        let mut out = text.to_vec();
        out.resize(1024, 0);
        out
    }

    #[test]
    fn an_envelope_decodes_verifies_and_opens_to_its_plaintext() {
        let keys = keys();
        let bytes = sealed(&keys, &padded(b"padded batch plaintext"));
        assert_eq!(bytes.len(), 183 + 1024 + 16);
        let envelope = Envelope::decode(&bytes).unwrap();
        assert_eq!(envelope.header.seq, 3);
        assert_eq!(envelope.header.kid, kid(&keys.server_public));
        envelope.verify(&keys.device.public_key()).unwrap();
        assert_eq!(
            envelope.open(&keys.server_secret).unwrap(),
            padded(b"padded batch plaintext")
        );
    }

    #[test]
    fn every_byte_altered_in_turn_is_caught_by_decode_signature_or_open() {
        let keys = keys();
        let bytes = sealed(&keys, &padded(b"contacts"));
        for index in 0..bytes.len() {
            let mut altered = bytes.clone();
            altered[index] ^= 0x40;
            let caught = match Envelope::decode(&altered) {
                Err(_) => true,
                Ok(envelope) => {
                    envelope.verify(&keys.device.public_key()).is_err()
                        || envelope.open(&keys.server_secret).is_err()
                }
            };
            assert!(caught, "byte {index} altered went through");
        }
    }

    #[test]
    fn a_valid_signature_does_not_save_an_altered_header_from_the_aead() {
        // Re-signing after altering the header (a device key thief) still
        // fails to open: the header is the AEAD's associated data.
        let keys = keys();
        let bytes = sealed(&keys, &padded(b"contacts"));
        let mut altered = bytes[..bytes.len() - 64].to_vec();
        altered[51 + 7] ^= 1; // the sequence number
        let signature = keys.device.sign(Purpose::Batch, &altered);
        altered.extend_from_slice(&signature);
        let envelope = Envelope::decode(&altered).unwrap();
        envelope.verify(&keys.device.public_key()).unwrap();
        assert_eq!(envelope.open(&keys.server_secret), Err(WireError::Open));
    }

    #[test]
    fn structure_errors_are_named_and_nothing_panics() {
        let keys = keys();
        let bytes = sealed(&keys, &padded(b"contacts"));
        assert!(matches!(
            Envelope::decode(&[]),
            Err(WireError::Length { .. })
        ));
        assert!(matches!(
            Envelope::decode(&bytes[..bytes.len() - 1]),
            Err(WireError::Length { .. })
        ));
        let mut magic = bytes.clone();
        magic[0] = b'X';
        assert_eq!(Envelope::decode(&magic), Err(WireError::Magic));
        let mut version = bytes.clone();
        version[4] = 2;
        assert_eq!(Envelope::decode(&version), Err(WireError::Version(2)));
        let mut suite = bytes.clone();
        suite[10] = 1;
        assert_eq!(Envelope::decode(&suite), Err(WireError::Suite));
        let mut huge = bytes.clone();
        huge[115..119].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(
            Envelope::decode(&huge),
            Err(WireError::CiphertextLength(u32::MAX))
        );
        let mut longer = bytes.clone();
        longer[115..119].copy_from_slice(&2064u32.to_be_bytes());
        longer.resize(183 + 2064, 0);
        assert!(matches!(
            Envelope::decode(&longer[..183 + 2064 - 1]),
            Err(WireError::Length { .. })
        ));
        assert!(matches!(
            Envelope::decode(&vec![0u8; MAX_LEN + 1]),
            Err(WireError::TooLarge(_))
        ));
        // Arbitrary prefixes of arbitrary bytes.
        for len in 0..300 {
            let noise: Vec<u8> = (0..len).map(|i| (i * 31 + 7) as u8).collect();
            let _ = Envelope::decode(&noise);
        }
    }

    #[test]
    fn header_fields_outside_their_ranges_are_refused_before_any_key_is_used() {
        let keys = keys();
        let plaintext = padded(b"contacts");
        let at = 1_795_000_000_000;
        let v7 = Uuid::now_v7();
        for seq in [0, MAX_SEQ + 1, u64::MAX] {
            assert_eq!(
                Envelope::decode(&sealed_as(&keys, seq, v7, at, &plaintext)),
                Err(WireError::Sequence(seq))
            );
        }
        for seq in [1, MAX_SEQ] {
            assert!(Envelope::decode(&sealed_as(&keys, seq, v7, at, &plaintext)).is_ok());
        }
        let v4 = Uuid::from_bytes([0x42; 16]);
        assert_eq!(
            Envelope::decode(&sealed_as(&keys, 1, v4, at, &plaintext)),
            Err(WireError::BatchId)
        );
        // Any clock: a wrong one is the apply step's to judge.
        for sealed_at in [-2_208_988_800_000, -1, i64::MAX] {
            assert!(Envelope::decode(&sealed_as(&keys, 1, v7, sealed_at, &plaintext)).is_ok());
        }
        // A ciphertext that no padded plaintext makes, though well signed.
        for len in [16, 1000, 1025, 2048 + 1, 512 * 1024] {
            let bytes = sealed_as(&keys, 1, v7, at, &vec![0; len]);
            assert_eq!(
                Envelope::decode(&bytes),
                Err(WireError::CiphertextLength(len as u32 + 16)),
                "{len}"
            );
        }
        for len in [1024, 2048, 256 * 1024] {
            assert!(Envelope::decode(&sealed_as(&keys, 1, v7, at, &vec![0; len])).is_ok());
        }
    }

    #[test]
    fn sealing_more_than_the_limit_is_refused() {
        let keys = keys();
        let to = SealTo {
            org_id: Uuid::now_v7(),
            device_id: Uuid::now_v7(),
            kid: [0; 8],
            recipient: &keys.server_public,
            signer: &keys.device,
        };
        let big = vec![0u8; MAX_LEN];
        assert!(matches!(
            seal(&to, 1, Uuid::now_v7(), 0, &big),
            Err(WireError::TooLarge(_))
        ));
    }
}
