//! Enrollment and catalog messages (JSON over HTTP), the enrollment code,
//! and the hand-delivery file. Shared by the device and the server so both
//! read and write exactly what the specification says.

use super::WireError;
use crate::domain::Catalog;
use crate::domain::crypto::sign::{self, Purpose, Signer};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SECRET_LEN: usize = 16;
pub const FINGERPRINT_PREFIX_LEN: usize = 10;

/// A one-time enrollment code: the secret, and the start of the server
/// signing key's fingerprint that lets the device check whom it talks to.
#[derive(Clone, PartialEq, Eq)]
pub struct EnrollCode {
    pub secret: [u8; SECRET_LEN],
    pub fingerprint_prefix: [u8; FINGERPRINT_PREFIX_LEN],
}

impl std::fmt::Debug for EnrollCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EnrollCode(<hidden>)")
    }
}

impl EnrollCode {
    /// Base32 in groups of 6: `ABCDEF-GHIJKL-…` (42 characters and 6 dashes).
    pub fn to_text(&self) -> String {
        let bytes = [&self.secret[..], &self.fingerprint_prefix[..]].concat();
        let text = data_encoding::BASE32_NOPAD.encode(&bytes);
        text.as_bytes()
            .chunks(6)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Reads a typed code; dashes, spaces and case do not matter.
    pub fn parse(text: &str) -> Option<EnrollCode> {
        let clean: String = text
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .collect::<String>()
            .to_ascii_uppercase();
        let bytes = data_encoding::BASE32_NOPAD.decode(clean.as_bytes()).ok()?;
        if bytes.len() != SECRET_LEN + FINGERPRINT_PREFIX_LEN {
            return None;
        }
        Some(EnrollCode {
            secret: bytes[..SECRET_LEN].try_into().ok()?,
            fingerprint_prefix: bytes[SECRET_LEN..].try_into().ok()?,
        })
    }

    /// True when `server_signing_key` is the key this code was made for.
    pub fn matches(&self, server_signing_key: &[u8]) -> bool {
        sign::fingerprint(server_signing_key).starts_with(&self.fingerprint_prefix)
    }
}

/// `POST /api/v1/enroll` request body.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EnrollRequest {
    /// Hex of the code's 16-byte secret.
    pub secret: String,
    /// Hex of the device's Ed25519 public key.
    pub device_public_key: String,
    pub label: String,
    pub app_version: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealingKey {
    /// Hex of the 8-byte key id.
    pub kid: String,
    /// Hex of the X25519 public key.
    pub public_key: String,
}

/// What the server tells a newly enrolled device, signed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub org_id: Uuid,
    pub org_name: String,
    pub device_id: Uuid,
    /// Hex of the server's Ed25519 public key.
    pub server_signing_key: String,
    /// The current key first.
    pub sealing_keys: Vec<SealingKey>,
    pub catalog: Catalog,
    pub issued_at: String,
}

/// A signed JSON document as it travels: `{"bundle"|"catalog": base64, "signature": hex}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Signed {
    #[serde(alias = "bundle", alias = "catalog")]
    pub document: String,
    pub signature: String,
}

/// Signs `value` as JSON for `purpose`; `field` names the document
/// (`bundle` or `catalog`) in the JSON that travels.
pub fn sign_json<T: Serialize>(
    signer: &Signer,
    purpose: Purpose,
    field: &str,
    value: &T,
) -> serde_json::Value {
    let bytes = serde_json::to_vec(value).expect("documents serialize");
    let signature = signer.sign(purpose, &bytes);
    serde_json::json!({ field: BASE64.encode(&bytes), "signature": hex::encode(signature) })
}

/// Checks a signed document with `key` and parses it.
pub fn verify_json<T: serde::de::DeserializeOwned>(
    signed: &Signed,
    purpose: Purpose,
    key: &[u8],
) -> Result<T, WireError> {
    let bytes = BASE64
        .decode(&signed.document)
        .map_err(|e| WireError::Batch(e.to_string()))?;
    let signature = hex::decode(&signed.signature).map_err(|_| WireError::Signature)?;
    sign::verify(key, purpose, &bytes, &signature).map_err(|_| WireError::Signature)?;
    serde_json::from_slice(&bytes).map_err(|e| WireError::Batch(e.to_string()))
}

/// Reads the bundle's document without trusting it yet: the device needs
/// the signing key inside to check the fingerprint, then the signature.
pub fn verify_bundle(signed: &Signed, code: &EnrollCode) -> Result<Bundle, WireError> {
    let bytes = BASE64
        .decode(&signed.document)
        .map_err(|e| WireError::Batch(e.to_string()))?;
    let claimed: Bundle =
        serde_json::from_slice(&bytes).map_err(|e| WireError::Batch(e.to_string()))?;
    let key = hex::decode(&claimed.server_signing_key).map_err(|_| WireError::Signature)?;
    if !code.matches(&key) {
        return Err(WireError::Signature);
    }
    verify_json(signed, Purpose::Enrollment, &key)
}

pub const HAND_FILE_MAGIC: &[u8] = b"TOURNEE-BATCHES 1\n";

/// The hand-delivery file: a magic line, then length-prefixed envelopes.
pub fn encode_hand_file<'a>(envelopes: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = HAND_FILE_MAGIC.to_vec();
    for envelope in envelopes {
        out.extend_from_slice(&(envelope.len() as u32).to_be_bytes());
        out.extend_from_slice(envelope);
    }
    out
}

/// Splits a hand-delivery file into envelopes (each still to be checked).
pub fn decode_hand_file(bytes: &[u8]) -> Result<Vec<&[u8]>, WireError> {
    let mut rest = bytes
        .strip_prefix(HAND_FILE_MAGIC)
        .ok_or(WireError::Magic)?;
    let mut envelopes = Vec::new();
    while !rest.is_empty() {
        let len = super::read_u32(&mut rest)? as usize;
        if len > super::envelope::MAX_LEN {
            return Err(WireError::TooLarge(len));
        }
        let envelope = rest.get(..len).ok_or(WireError::Length {
            expected: len,
            found: rest.len(),
        })?;
        envelopes.push(envelope);
        rest = &rest[len..];
    }
    Ok(envelopes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_round_trips_through_text_whatever_the_case_and_dashes() {
        let code = EnrollCode {
            secret: [7; 16],
            fingerprint_prefix: [9; 10],
        };
        let text = code.to_text();
        assert_eq!(text.len(), 42 + 6);
        assert_eq!(
            EnrollCode::parse(&text.to_lowercase().replace('-', " ")),
            Some(code)
        );
        assert_eq!(EnrollCode::parse("ABC"), None);
        assert!(!format!("{:?}", EnrollCode::parse(&text).unwrap()).contains(&text[..6]));
    }

    #[test]
    fn a_bundle_from_another_server_is_refused_even_when_well_signed() {
        let (server, _) = Signer::generate().unwrap();
        let (impostor, _) = Signer::generate().unwrap();
        let code = EnrollCode {
            secret: [1; 16],
            fingerprint_prefix: sign::fingerprint(&server.public_key())[..10]
                .try_into()
                .unwrap(),
        };
        let bundle = |signer: &Signer| Bundle {
            org_id: Uuid::now_v7(),
            org_name: "Org".into(),
            device_id: Uuid::now_v7(),
            server_signing_key: hex::encode(signer.public_key()),
            sealing_keys: vec![],
            catalog: Catalog::default_quebec(),
            issued_at: "2026-11-21T00:00:00Z".into(),
        };
        let signed = |signer: &Signer| -> Signed {
            serde_json::from_value(sign_json(
                signer,
                Purpose::Enrollment,
                "bundle",
                &bundle(signer),
            ))
            .unwrap()
        };
        assert!(verify_bundle(&signed(&server), &code).is_ok());
        assert_eq!(
            verify_bundle(&signed(&impostor), &code),
            Err(WireError::Signature)
        );
        // The right key inside, but signed by someone else.
        let mut forged = signed(&impostor);
        let honest = signed(&server);
        forged.document = honest.document.clone();
        assert_eq!(verify_bundle(&forged, &code), Err(WireError::Signature));
    }

    #[test]
    fn the_hand_file_round_trips_and_refuses_garbage() {
        let a = vec![1u8; 10];
        let b = vec![2u8; 300];
        let file = encode_hand_file([a.as_slice(), b.as_slice()]);
        assert_eq!(
            decode_hand_file(&file).unwrap(),
            vec![a.as_slice(), b.as_slice()]
        );
        assert_eq!(decode_hand_file(b"PK\x03\x04"), Err(WireError::Magic));
        assert!(decode_hand_file(&file[..file.len() - 1]).is_err());
    }
}
