//! Ed25519 signatures with domain separation: what is signed is always
//! `label || 0x00 || message`, so a signature made for one purpose (a
//! receipt) can never be replayed as another (a catalog).

use ring::rand::SystemRandom;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};

pub const SIGNATURE_LEN: usize = 64;
pub const PUBLIC_KEY_LEN: usize = 32;

/// What a signature is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// A device's sealed batch envelope.
    Batch,
    /// The server's receipt for a stored envelope.
    Receipt,
    /// The server's enrollment bundle for a new device.
    Enrollment,
    /// The server's catalog.
    Catalog,
}

impl Purpose {
    pub fn label(self) -> &'static [u8] {
        match self {
            Purpose::Batch => b"tournee-batch-v1",
            Purpose::Receipt => b"tournee-receipt-v1",
            Purpose::Enrollment => b"tournee-enrollment-v1",
            Purpose::Catalog => b"tournee-catalog-v1",
        }
    }

    fn message(self, body: &[u8]) -> Vec<u8> {
        [self.label(), &[0], body].concat()
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("the signature does not verify")]
    BadSignature,
    #[error("the signing key is not a valid Ed25519 PKCS#8 document")]
    BadKey,
    #[error("no system randomness")]
    Random,
}

/// An Ed25519 key pair kept as its PKCS#8 document (what is stored on disk).
pub struct Signer {
    pair: Ed25519KeyPair,
}

impl Signer {
    /// A new key; returns the signer and its PKCS#8 bytes to store.
    pub fn generate() -> Result<(Signer, Vec<u8>), SignError> {
        let document =
            Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| SignError::Random)?;
        let bytes = document.as_ref().to_vec();
        Ok((Signer::from_pkcs8(&bytes)?, bytes))
    }

    pub fn from_pkcs8(bytes: &[u8]) -> Result<Signer, SignError> {
        Ed25519KeyPair::from_pkcs8(bytes)
            .map(|pair| Signer { pair })
            .map_err(|_| SignError::BadKey)
    }

    pub fn public_key(&self) -> [u8; PUBLIC_KEY_LEN] {
        self.pair
            .public_key()
            .as_ref()
            .try_into()
            .expect("Ed25519 public keys are 32 bytes")
    }

    pub fn sign(&self, purpose: Purpose, body: &[u8]) -> [u8; SIGNATURE_LEN] {
        self.pair
            .sign(&purpose.message(body))
            .as_ref()
            .try_into()
            .expect("Ed25519 signatures are 64 bytes")
    }
}

/// Checks `signature` over `body` for `purpose` with `public_key`.
pub fn verify(
    public_key: &[u8],
    purpose: Purpose,
    body: &[u8],
    signature: &[u8],
) -> Result<(), SignError> {
    UnparsedPublicKey::new(&ED25519, public_key)
        .verify(&purpose.message(body), signature)
        .map_err(|_| SignError::BadSignature)
}

/// SHA-256 of a public key, the fingerprint carried by enrollment codes.
pub fn fingerprint(public_key: &[u8]) -> [u8; 32] {
    ring::digest::digest(&ring::digest::SHA256, public_key)
        .as_ref()
        .try_into()
        .expect("SHA-256 is 32 bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_purpose_body_and_key() {
        let (signer, pkcs8) = Signer::generate().unwrap();
        let public = signer.public_key();
        let signature = signer.sign(Purpose::Receipt, b"body");
        assert!(verify(&public, Purpose::Receipt, b"body", &signature).is_ok());
        assert_eq!(
            verify(&public, Purpose::Catalog, b"body", &signature),
            Err(SignError::BadSignature)
        );
        assert_eq!(
            verify(&public, Purpose::Receipt, b"bodY", &signature),
            Err(SignError::BadSignature)
        );
        let (other, _) = Signer::generate().unwrap();
        assert!(verify(&other.public_key(), Purpose::Receipt, b"body", &signature).is_err());
        // Reloaded from its stored form, the key signs the same way (Ed25519 is deterministic).
        let again = Signer::from_pkcs8(&pkcs8).unwrap();
        assert_eq!(again.sign(Purpose::Receipt, b"body"), signature);
    }

    #[test]
    fn labels_are_distinct() {
        let purposes = [
            Purpose::Batch,
            Purpose::Receipt,
            Purpose::Enrollment,
            Purpose::Catalog,
        ];
        for (i, a) in purposes.iter().enumerate() {
            for b in &purposes[i + 1..] {
                assert_ne!(a.label(), b.label());
            }
        }
    }
}
