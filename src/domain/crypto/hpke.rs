//! HPKE (RFC 9180) in base mode for one suite: DHKEM(X25519, HKDF-SHA256),
//! HKDF-SHA256, ChaCha20-Poly1305.
//!
//! The device side (encapsulation) uses ring's ephemeral X25519; the
//! server side (decapsulation with its long-term key) uses x25519-dalek's
//! `StaticSecret`, because ring has no static agreement keys (ring #331).
//! Everything else (HKDF, the AEAD) is ring. Both sides share the same
//! key schedule, which is checked against the RFC's Appendix A.2 vectors.

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use ring::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey, X25519};
use ring::hkdf::{self, HKDF_SHA256, KeyType};
use ring::hmac;
use ring::rand::SystemRandom;
use zeroize::Zeroizing;

pub const KEM_ID: u16 = 0x0020;
pub const KDF_ID: u16 = 0x0001;
pub const AEAD_ID: u16 = 0x0003;
/// Length of `enc` (the ephemeral X25519 public key).
pub const ENC_LEN: usize = 32;
pub const PUBLIC_KEY_LEN: usize = 32;
pub const TAG_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const MODE_BASE: u8 = 0x00;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum HpkeError {
    #[error("the recipient public key is not a usable X25519 key")]
    BadPublicKey,
    #[error("the ciphertext does not open: wrong key, altered bytes or altered associated data")]
    Open,
    #[error("no system randomness")]
    Random,
}

fn kem_suite_id() -> [u8; 5] {
    let id = KEM_ID.to_be_bytes();
    [b'K', b'E', b'M', id[0], id[1]]
}

fn hpke_suite_id() -> [u8; 10] {
    let (k, d, a) = (
        KEM_ID.to_be_bytes(),
        KDF_ID.to_be_bytes(),
        AEAD_ID.to_be_bytes(),
    );
    [b'H', b'P', b'K', b'E', k[0], k[1], d[0], d[1], a[0], a[1]]
}

/// RFC 9180 LabeledExtract: HKDF-Extract(salt, "HPKE-v1" || suite || label || ikm).
/// Written with HMAC because the key schedule needs the PRK's bytes
/// (`psk_id_hash`, `info_hash`), which ring's `hkdf::Prk` keeps opaque.
fn labeled_extract(suite: &[u8], salt: &[u8], label: &[u8], ikm: &[u8]) -> Zeroizing<Vec<u8>> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, salt);
    let mut context = hmac::Context::with_key(&key);
    for part in [b"HPKE-v1".as_slice(), suite, label, ikm] {
        context.update(part);
    }
    Zeroizing::new(context.sign().as_ref().to_vec())
}

struct Len(usize);

impl KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// RFC 9180 LabeledExpand: HKDF-Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite || label || info, L).
fn labeled_expand(
    suite: &[u8],
    prk: &[u8],
    label: &[u8],
    info: &[u8],
    len: usize,
) -> Zeroizing<Vec<u8>> {
    let length = (len as u16).to_be_bytes();
    let parts = [length.as_slice(), b"HPKE-v1", suite, label, info];
    let prk = hkdf::Prk::new_less_safe(HKDF_SHA256, prk);
    let mut out = Zeroizing::new(vec![0u8; len]);
    prk.expand(&parts, Len(len))
        .and_then(|okm| okm.fill(&mut out))
        .expect("HPKE output lengths are far below HKDF's limit");
    out
}

/// DHKEM's ExtractAndExpand: the KEM shared secret from the DH output and
/// `enc || pkR`.
fn shared_secret(dh: &[u8], enc: &[u8], recipient: &[u8]) -> Zeroizing<Vec<u8>> {
    let suite = kem_suite_id();
    let prk = labeled_extract(&suite, b"", b"eae_prk", dh);
    let kem_context = [enc, recipient].concat();
    labeled_expand(&suite, &prk, b"shared_secret", &kem_context, 32)
}

/// An HPKE context after the base-mode key schedule: the AEAD key and
/// base nonce, and the sequence number of the next message.
pub struct Context {
    key: LessSafeKey,
    base_nonce: [u8; NONCE_LEN],
    seq: u64,
}

impl Context {
    fn from_shared_secret(shared: &[u8], info: &[u8]) -> Context {
        let suite = hpke_suite_id();
        let psk_id_hash = labeled_extract(&suite, b"", b"psk_id_hash", b"");
        let info_hash = labeled_extract(&suite, b"", b"info_hash", info);
        let schedule = [&[MODE_BASE][..], &psk_id_hash, &info_hash].concat();
        let secret = labeled_extract(&suite, shared, b"secret", b"");
        let key = labeled_expand(&suite, &secret, b"key", &schedule, 32);
        let nonce = labeled_expand(&suite, &secret, b"base_nonce", &schedule, NONCE_LEN);
        let key = LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &key).expect("32-byte key"));
        Context {
            key,
            base_nonce: nonce.as_slice().try_into().expect("12 bytes"),
            seq: 0,
        }
    }

    fn next_nonce(&mut self) -> Nonce {
        let mut nonce = self.base_nonce;
        for (byte, seq) in nonce[NONCE_LEN - 8..]
            .iter_mut()
            .zip(self.seq.to_be_bytes())
        {
            *byte ^= seq;
        }
        // A context seals a handful of messages, never 2^64.
        self.seq += 1;
        Nonce::assume_unique_for_key(nonce)
    }

    /// Seals the next message: ciphertext || 16-byte tag.
    pub fn seal(&mut self, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let nonce = self.next_nonce();
        let mut out = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(nonce, Aad::from(aad), &mut out)
            .expect("ChaCha20-Poly1305 seals any length we produce");
        out
    }

    /// Opens the next message.
    pub fn open(&mut self, aad: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, HpkeError> {
        let nonce = self.next_nonce();
        let mut buffer = ciphertext.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(aad), &mut buffer)
            .map_err(|_| HpkeError::Open)?;
        Ok(plain.to_vec())
    }
}

/// Sender side: a fresh ephemeral key, `enc`, and a sealing context for
/// `recipient` (the server's current X25519 sealing key).
pub fn setup_sender(
    recipient: &[u8; PUBLIC_KEY_LEN],
    info: &[u8],
) -> Result<([u8; ENC_LEN], Context), HpkeError> {
    let ephemeral = EphemeralPrivateKey::generate(&X25519, &SystemRandom::new())
        .map_err(|_| HpkeError::Random)?;
    let enc: [u8; ENC_LEN] = ephemeral
        .compute_public_key()
        .map_err(|_| HpkeError::Random)?
        .as_ref()
        .try_into()
        .expect("X25519 public keys are 32 bytes");
    let dh = agreement::agree_ephemeral(
        ephemeral,
        &UnparsedPublicKey::new(&X25519, recipient),
        |dh| Zeroizing::new(dh.to_vec()),
    )
    .map_err(|_| HpkeError::BadPublicKey)?;
    let shared = shared_secret(&dh, &enc, recipient);
    Ok((enc, Context::from_shared_secret(&shared, info)))
}

/// Receiver side, with the server's static key.
pub fn setup_receiver(
    secret: &x25519_dalek::StaticSecret,
    enc: &[u8; ENC_LEN],
    info: &[u8],
) -> Result<Context, HpkeError> {
    let dh = secret.diffie_hellman(&x25519_dalek::PublicKey::from(*enc));
    // An all-zero output means a small-order `enc`: RFC 9180 §7.1.4.
    if !dh.was_contributory() {
        return Err(HpkeError::Open);
    }
    let recipient = x25519_dalek::PublicKey::from(secret);
    let shared = shared_secret(dh.as_bytes(), enc, recipient.as_bytes());
    Ok(Context::from_shared_secret(&shared, info))
}

/// A new long-term X25519 secret for the server, from the system's randomness.
pub fn generate_static_secret() -> Result<x25519_dalek::StaticSecret, HpkeError> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    ring::rand::SecureRandom::fill(&SystemRandom::new(), bytes.as_mut())
        .map_err(|_| HpkeError::Random)?;
    Ok(x25519_dalek::StaticSecret::from(*bytes))
}

/// One-shot seal: `enc` and the ciphertext of a single message.
pub fn seal(
    recipient: &[u8; PUBLIC_KEY_LEN],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<([u8; ENC_LEN], Vec<u8>), HpkeError> {
    let (enc, mut context) = setup_sender(recipient, info)?;
    Ok((enc, context.seal(aad, plaintext)))
}

/// One-shot open of a single message.
pub fn open(
    secret: &x25519_dalek::StaticSecret,
    enc: &[u8; ENC_LEN],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>, HpkeError> {
    setup_receiver(secret, enc, info)?.open(aad, ciphertext)
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 9180 Appendix A.2.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
    // ChaCha20Poly1305, base mode.
    const INFO: &str = "4f6465206f6e2061204772656369616e2055726e";
    const SK_EM: &str = "f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600";
    const PK_EM: &str = "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a";
    const SK_RM: &str = "8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb";
    const PK_RM: &str = "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a";
    const SHARED_SECRET: &str = "0bbe78490412b4bbea4812666f7916932b828bba79942424abb65244930d69a7";
    const KEY: &str = "ad2744de8e17f4ebba575b3f5f5a8fa1f69c2a07f6e7500bc60ca6e3e3ec1c91";
    const BASE_NONCE: &str = "5c4d98150661b848853b547f";
    const PT: &str = "4265617574792069732074727574682c20747275746820626561757479";
    /// (sequence number, ciphertext); the associated data is "Count-<seq>".
    const ENCRYPTIONS: &[(u64, &str)] = &[
        (
            0,
            "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28",
        ),
        (
            1,
            "6b53c051e4199c518de79594e1c4ab18b96f081549d45ce015be002090bb119e85285337cc95ba5f59992dc98c",
        ),
        (
            2,
            "71146bd6795ccc9c49ce25dda112a48f202ad220559502cef1f34271e0cb4b02b4f10ecac6f48c32f878fae86b",
        ),
        (
            4,
            "63357a2aa291f5a4e5f27db6baa2af8cf77427c7c1a909e0b37214dd47db122bb153495ff0b02e9e54a50dbe16",
        ),
        (
            255,
            "18ab939d63ddec9f6ac2b60d61d36a7375d2070c9b683861110757062c52b8880a5f6b3936da9cd6c23ef2a95c",
        ),
        (
            256,
            "7a4a13e9ef23978e2c520fd4d2e757514ae160cd0cd05e556ef692370ca53076214c0c40d4c728d6ed9e727a5b",
        ),
    ];

    fn bytes(text: &str) -> Vec<u8> {
        hex::decode(text).unwrap()
    }

    fn key32(text: &str) -> [u8; 32] {
        bytes(text).try_into().unwrap()
    }

    fn aad(seq: u64) -> Vec<u8> {
        format!("Count-{seq}").into_bytes()
    }

    #[test]
    fn the_kem_gives_the_vectors_shared_secret_from_the_sender_side() {
        let ephemeral = x25519_dalek::StaticSecret::from(key32(SK_EM));
        assert_eq!(
            x25519_dalek::PublicKey::from(&ephemeral).as_bytes(),
            &key32(PK_EM)
        );
        let dh = ephemeral.diffie_hellman(&x25519_dalek::PublicKey::from(key32(PK_RM)));
        assert_eq!(
            *shared_secret(dh.as_bytes(), &bytes(PK_EM), &bytes(PK_RM)),
            bytes(SHARED_SECRET)
        );
    }

    #[test]
    fn the_key_schedule_gives_the_vectors_key_and_base_nonce() {
        let context = Context::from_shared_secret(&bytes(SHARED_SECRET), &bytes(INFO));
        assert_eq!(context.base_nonce.to_vec(), bytes(BASE_NONCE));
        // The AEAD key is opaque in ring: prove it by sealing with a key built from KEY.
        let expected = LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &bytes(KEY)).unwrap());
        let mut sealed = bytes(PT);
        let nonce = Nonce::try_assume_unique_for_key(&bytes(BASE_NONCE)).unwrap();
        expected
            .seal_in_place_append_tag(nonce, Aad::from(aad(0)), &mut sealed)
            .unwrap();
        assert_eq!(sealed, bytes(ENCRYPTIONS[0].1));
    }

    #[test]
    fn sealing_reproduces_the_vectors_ciphertexts_at_every_sequence_number() {
        let mut context = Context::from_shared_secret(&bytes(SHARED_SECRET), &bytes(INFO));
        for &(seq, expected) in ENCRYPTIONS {
            context.seq = seq;
            assert_eq!(
                context.seal(&aad(seq), &bytes(PT)),
                bytes(expected),
                "seq {seq}"
            );
        }
    }

    #[test]
    fn the_receiver_opens_the_vectors_ciphertexts_with_its_static_key() {
        let secret = x25519_dalek::StaticSecret::from(key32(SK_RM));
        assert_eq!(
            x25519_dalek::PublicKey::from(&secret).as_bytes(),
            &key32(PK_RM)
        );
        let mut context = setup_receiver(&secret, &key32(PK_EM), &bytes(INFO)).unwrap();
        for &(seq, ciphertext) in ENCRYPTIONS {
            context.seq = seq;
            assert_eq!(
                context.open(&aad(seq), &bytes(ciphertext)).unwrap(),
                bytes(PT),
                "seq {seq}"
            );
        }
    }

    #[test]
    fn a_ring_sender_and_a_dalek_receiver_agree() {
        let secret = generate_static_secret().unwrap();
        let public = *x25519_dalek::PublicKey::from(&secret).as_bytes();
        let (enc, sealed) = seal(&public, b"info", b"header", b"batch").unwrap();
        assert_eq!(
            open(&secret, &enc, b"info", b"header", &sealed).unwrap(),
            b"batch"
        );
        assert_eq!(
            open(&secret, &enc, b"info", b"other header", &sealed),
            Err(HpkeError::Open)
        );
        assert_eq!(
            open(&secret, &enc, b"other info", b"header", &sealed),
            Err(HpkeError::Open)
        );
        let stranger = generate_static_secret().unwrap();
        assert_eq!(
            open(&stranger, &enc, b"info", b"header", &sealed),
            Err(HpkeError::Open)
        );
    }

    #[test]
    fn a_small_order_enc_is_refused() {
        let secret = generate_static_secret().unwrap();
        assert_eq!(
            setup_receiver(&secret, &[0u8; 32], b"").err(),
            Some(HpkeError::Open)
        );
    }
}
