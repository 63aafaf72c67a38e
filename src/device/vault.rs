//! The device's data key: made at random, wrapped by the worker's PIN,
//! and the only key that ever touches record plaintext.
//!
//! Changing the PIN re-wraps this key; records are never re-encrypted.
//! Two sub-keys are derived from it with HKDF so that one secret never
//! serves two purposes: an AEAD key for records and an HMAC key for the
//! blind index tags (days, imported files).

use super::error::StoreError;
use super::pin::Pin;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{hkdf, hmac, pbkdf2};
use std::num::NonZeroU32;
use zeroize::Zeroizing;

/// OWASP's 2023 figure for PBKDF2-HMAC-SHA256. A store asking for fewer is
/// refused: it can only be a downgrade.
pub const PBKDF2_ITERATIONS: u32 = 600_000;
const SALT_LEN: usize = 16;
const KEY_LEN: usize = 32;
const WRAP_LABEL: &[u8] = b"tournee-device-data-key-v1";

/// The data key as stored: sealed under a key derived from the PIN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrappedKey {
    pub salt: Vec<u8>,
    pub iterations: u32,
    pub sealed: Vec<u8>,
}

pub struct DataKey {
    secret: Zeroizing<[u8; KEY_LEN]>,
    records: LessSafeKey,
    index: hmac::Key,
}

fn random<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0u8; N];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| StoreError::Damaged("no system randomness".into()))?;
    Ok(bytes)
}

/// Seals with a fresh random nonce; output is nonce || ciphertext || tag.
/// Random 96-bit nonces are safe far beyond the millions of records a phone
/// will ever hold under one key.
fn seal_with(key: &LessSafeKey, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, StoreError> {
    let nonce_bytes: [u8; NONCE_LEN] = random()?;
    let mut out = Vec::with_capacity(NONCE_LEN + plaintext.len() + CHACHA20_POLY1305.tag_len());
    out.extend_from_slice(&nonce_bytes);
    out.extend_from_slice(plaintext);
    let tag = key
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(nonce_bytes),
            Aad::from(aad),
            &mut out[NONCE_LEN..],
        )
        .map_err(|_| StoreError::Damaged("sealing failed".into()))?;
    out.extend_from_slice(tag.as_ref());
    Ok(out)
}

fn open_with(key: &LessSafeKey, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < NONCE_LEN + CHACHA20_POLY1305.tag_len() {
        return None;
    }
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut body = body.to_vec();
    let plain = key.open_in_place(nonce, Aad::from(aad), &mut body).ok()?;
    Some(plain.to_vec())
}

thread_local! {
    /// PBKDF2 runs on this thread: `tournee bench` shows that a background
    /// sync costs none (only unlock, a PIN change and wipe do). Per thread
    /// because an engine does all its work on its own thread (a Web Worker
    /// in the browser), so two engines in one process (tests run in
    /// parallel) never count each other's unlocks.
    static DERIVATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many keys were derived from a PIN on the calling thread so far.
pub fn key_derivations() -> u64 {
    DERIVATIONS.with(|d| d.get())
}

fn pin_key(pin: &Pin, salt: &[u8], iterations: u32) -> Result<LessSafeKey, StoreError> {
    DERIVATIONS.with(|d| d.set(d.get() + 1));
    let rounds = NonZeroU32::new(iterations)
        .filter(|n| n.get() >= PBKDF2_ITERATIONS)
        .ok_or_else(|| {
            StoreError::Damaged(format!("key wrapped with only {iterations} iterations"))
        })?;
    let mut kek = Zeroizing::new([0u8; KEY_LEN]);
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        rounds,
        salt,
        pin.bytes(),
        kek.as_mut(),
    );
    let unbound = UnboundKey::new(&CHACHA20_POLY1305, kek.as_ref()).expect("32-byte key");
    Ok(LessSafeKey::new(unbound))
}

/// The wrap's associated data binds the salt and iteration count, so a
/// tampered header fails like a wrong PIN instead of deriving a weaker key.
fn wrap_aad(salt: &[u8], iterations: u32) -> Vec<u8> {
    [WRAP_LABEL, salt, &iterations.to_be_bytes()].concat()
}

impl DataKey {
    pub fn generate() -> Result<DataKey, StoreError> {
        Ok(DataKey::from_secret(Zeroizing::new(random()?)))
    }

    fn from_secret(secret: Zeroizing<[u8; KEY_LEN]>) -> DataKey {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"tournee-device-v1").extract(secret.as_ref());
        let records: UnboundKey = prk
            .expand(&[b"records"], &CHACHA20_POLY1305)
            .expect("HKDF output of one key length")
            .into();
        let index: hmac::Key = prk
            .expand(&[b"index"], hmac::HMAC_SHA256)
            .expect("HKDF output of one key length")
            .into();
        DataKey {
            secret,
            records: LessSafeKey::new(records),
            index,
        }
    }

    pub fn wrap(&self, pin: &Pin) -> Result<WrappedKey, StoreError> {
        let salt: [u8; SALT_LEN] = random()?;
        let kek = pin_key(pin, &salt, PBKDF2_ITERATIONS)?;
        let sealed = seal_with(
            &kek,
            &wrap_aad(&salt, PBKDF2_ITERATIONS),
            self.secret.as_ref(),
        )?;
        Ok(WrappedKey {
            salt: salt.to_vec(),
            iterations: PBKDF2_ITERATIONS,
            sealed,
        })
    }

    /// Fails closed: a wrong PIN and a tampered wrap both give `WrongPin`,
    /// and nothing else is read.
    pub fn unwrap(wrapped: &WrappedKey, pin: &Pin) -> Result<DataKey, StoreError> {
        let kek = pin_key(pin, &wrapped.salt, wrapped.iterations)?;
        let plain = Zeroizing::new(
            open_with(
                &kek,
                &wrap_aad(&wrapped.salt, wrapped.iterations),
                &wrapped.sealed,
            )
            .ok_or(StoreError::WrongPin)?,
        );
        let secret: [u8; KEY_LEN] = plain
            .as_slice()
            .try_into()
            .map_err(|_| StoreError::Damaged("data key has the wrong length".into()))?;
        Ok(DataKey::from_secret(Zeroizing::new(secret)))
    }

    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, StoreError> {
        seal_with(&self.records, aad, plaintext)
    }

    /// A sealed value that does not open under this key is damage (or
    /// tampering), never something to skip silently.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        open_with(&self.records, aad, sealed)
            .ok_or_else(|| StoreError::Damaged("a sealed value does not open".into()))
    }

    /// A blind index tag: equal inputs give equal tags, and the tag says
    /// nothing about the input to someone without the key.
    pub fn tag(&self, label: &[u8], value: &[u8]) -> Vec<u8> {
        let mut stream = self.tag_stream(label);
        stream.update(value);
        stream.finish()
    }

    /// The same tag, for a value that arrives in pieces (a file read as a
    /// stream, never held whole).
    pub fn tag_stream(&self, label: &[u8]) -> TagStream {
        let mut context = hmac::Context::with_key(&self.index);
        context.update(label);
        context.update(&[0]);
        TagStream(context)
    }
}

/// A blind index tag being computed; see [`DataKey::tag_stream`].
pub struct TagStream(hmac::Context);

impl TagStream {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn finish(self) -> Vec<u8> {
        self.0.sign().as_ref()[..16].to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_associated_data() {
        let key = DataKey::generate().unwrap();
        let sealed = key.seal(b"id-1", b"hello").unwrap();
        assert_eq!(key.open(b"id-1", &sealed).unwrap(), b"hello");
        assert!(key.open(b"id-2", &sealed).is_err());
        let mut flipped = sealed.clone();
        flipped[NONCE_LEN] ^= 1;
        assert!(key.open(b"id-1", &flipped).is_err());
        assert!(key.open(b"id-1", &sealed[..10]).is_err());
    }

    #[test]
    fn the_wrap_opens_with_the_pin_and_fails_closed_otherwise() {
        let key = DataKey::generate().unwrap();
        let pin = Pin::parse("246813").unwrap();
        let wrapped = key.wrap(&pin).unwrap();
        let again = DataKey::unwrap(&wrapped, &pin).unwrap();
        assert_eq!(again.secret.as_ref(), key.secret.as_ref());
        let wrong = Pin::parse("135791").unwrap();
        assert!(matches!(
            DataKey::unwrap(&wrapped, &wrong),
            Err(StoreError::WrongPin)
        ));
        let mut weaker = wrapped.clone();
        weaker.iterations = 1000;
        assert!(matches!(
            DataKey::unwrap(&weaker, &pin),
            Err(StoreError::Damaged(_))
        ));
    }

    #[test]
    fn a_tag_over_pieces_is_the_tag_over_the_whole() {
        let key = DataKey::generate().unwrap();
        let mut stream = key.tag_stream(b"import-file");
        for piece in [&b"occurred_at,"[..], b"", b"zone\n2026"] {
            stream.update(piece);
        }
        assert_eq!(
            stream.finish(),
            key.tag(b"import-file", b"occurred_at,zone\n2026")
        );
    }

    #[test]
    fn tags_are_stable_per_key_and_differ_across_keys() {
        let a = DataKey::generate().unwrap();
        let b = DataKey::generate().unwrap();
        assert_eq!(a.tag(b"day", b"2026-11-21"), a.tag(b"day", b"2026-11-21"));
        assert_ne!(a.tag(b"day", b"2026-11-21"), a.tag(b"day", b"2026-11-22"));
        assert_ne!(a.tag(b"day", b"2026-11-21"), b.tag(b"day", b"2026-11-21"));
    }
}
