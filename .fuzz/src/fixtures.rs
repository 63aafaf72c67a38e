//! Fixed keys, clock and catalog for the decoder checks, and the list of
//! checks by target name: the same for every run, so a seed sealed and
//! signed once (`.fuzz/seeds/`) still opens and verifies in every later run.

use chrono::{DateTime, FixedOffset};
use std::sync::OnceLock;
use tournee::domain::Catalog;
use tournee::domain::crypto::sign::Signer;
use tournee::server::pseudonym::PseudonymKey;

/// A check: feeds untrusted bytes to one decoder and panics only when a
/// property fails; returns true when the input was accepted all the way.
pub type Check = fn(&[u8]) -> bool;

/// Every check, by the name of its fuzz target and its seed folder.
pub const TARGETS: &[(&str, Check)] = &[
    ("envelope", crate::wire::envelope),
    ("receipt", crate::wire::receipt),
    ("hand_file", crate::wire::hand_file),
    ("batch", crate::wire::batch),
    ("apply_prepare", crate::wire::apply_prepare),
    ("bundle", crate::signed::bundle),
    ("catalog", crate::signed::catalog),
    ("enroll_link", crate::text::enroll_link),
    ("csv_import", crate::text::csv_import),
    ("person_code", crate::text::person_code),
    ("dashboard_query", crate::text::dashboard_query),
];

// Test keys only, made for these checks (Ed25519 PKCS#8 v2 as ring stores
// them, and an X25519 secret): they guard nothing.
const DEVICE_PKCS8: &str = "3053020101300506032b657004220420e1d4c8adf022af1899296d7d25804a76ddcaacfb7000ccddca339cbd22344e3ba1230321002a7329d78358d26bab5bba2b188d92d765e5db33ab5bbe85302db4d579189508";
const SERVER_PKCS8: &str = "3053020101300506032b657004220420c8fca5f7ce91a90e809dcb995a578d0bc40cb25a2a364ea72c51a2cbe6bfbca8a12303210024bec129eec3984e37c16c3a8e4e40f7a605e777d06980ef0d971af90ba7d7a4";
const SEALING_SECRET: &str = "f2388eb10d41b9fea83309b3807f8b288e6eef5e21b35eb32bcb7b2784fc8b35";

pub struct Fixtures {
    /// The phone's signing key (envelopes).
    pub device: Signer,
    /// The server's signing key (receipts, bundles, catalogs).
    pub server: Signer,
    /// The server's sealing key (HPKE) and its public half.
    pub sealing: x25519_dalek::StaticSecret,
    pub sealing_public: [u8; 32],
    pub pseudonyms: PseudonymKey,
    pub catalog: Catalog,
    /// The device clock for checks that need "now".
    pub now: DateTime<FixedOffset>,
}

pub fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let signer = |hex_text: &str| {
            Signer::from_pkcs8(&hex::decode(hex_text).expect("hex")).expect("a valid test key")
        };
        let secret: [u8; 32] = hex::decode(SEALING_SECRET)
            .expect("hex")
            .try_into()
            .expect("32 bytes");
        let sealing = x25519_dalek::StaticSecret::from(secret);
        let sealing_public = *x25519_dalek::PublicKey::from(&sealing).as_bytes();
        // The pseudonym key is only made from a data directory; its value
        // changes no property checked here.
        let dir = tempfile::tempdir().expect("a temporary directory");
        let pseudonyms = PseudonymKey::load_or_create(dir.path()).expect("a pseudonym key");
        Fixtures {
            device: signer(DEVICE_PKCS8),
            server: signer(SERVER_PKCS8),
            sealing,
            sealing_public,
            pseudonyms,
            catalog: Catalog::default_quebec(),
            now: DateTime::parse_from_rfc3339("2026-11-21T12:00:00-05:00").expect("a date"),
        }
    })
}
