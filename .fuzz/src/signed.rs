//! Checks for the signed JSON documents a phone receives: the enrollment
//! bundle and the catalog. Each input is read twice: as the JSON that
//! travels (`{"bundle"|"catalog": base64, "signature": hex}`), and as the
//! document itself, signed here with the server key, so that everything
//! behind the signature is read as a hostile but well-signed server would
//! have it read.

use crate::fixtures::fixtures;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use tournee::device::enrollment::Enrollment;
use tournee::domain::crypto::sign::{Purpose, fingerprint};
use tournee::domain::wire::enroll::{Bundle, EnrollCode, Signed, verify_bundle, verify_json};
use tournee::domain::{Catalog, IdPolicy, Section};

/// `document` signed by the fixed server key, as it travels.
pub fn sign(purpose: Purpose, document: &[u8]) -> Signed {
    Signed {
        document: BASE64.encode(document),
        signature: hex::encode(fixtures().server.sign(purpose, document)),
    }
}

/// The code a supervisor hands out for the fixed server.
pub fn code() -> EnrollCode {
    let print = fingerprint(&fixtures().server.public_key());
    EnrollCode {
        secret: [7; 16],
        fingerprint_prefix: print[..10].try_into().expect("10 bytes"),
    }
}

/// The enrollment bundle, then what the phone checks before keeping it.
pub fn bundle(data: &[u8]) -> bool {
    let code = code();
    let travelled = serde_json::from_slice::<Signed>(data)
        .ok()
        .and_then(|signed| verify_bundle(&signed, &code).ok());
    let signed_here = || verify_bundle(&sign(Purpose::Enrollment, data), &code).ok();
    let Some(bundle) = travelled.or_else(signed_here) else {
        return false;
    };
    let json = serde_json::to_vec(&bundle).expect("a bundle serializes");
    let again: Bundle = serde_json::from_slice(&json).expect("reads back");
    assert_eq!(again, bundle, "round trip");
    let catalog_ok = checked(&bundle.catalog);
    let enrollment = Enrollment {
        server_url: "https://tournee.example".into(),
        org_id: bundle.org_id,
        org_name: bundle.org_name,
        device_id: bundle.device_id,
        label: "fuzz".into(),
        server_signing_key: bundle.server_signing_key,
        sealing_keys: bundle.sealing_keys,
        enrolled_at: String::new(),
        revoked: false,
    };
    assert_eq!(
        enrollment.signing_key().ok(),
        Some(fixtures().server.public_key().to_vec()),
        "only the code's server gets this far"
    );
    enrollment.sealing_key().is_ok() && catalog_ok
}

/// The catalog a phone fetches at every sync.
pub fn catalog(data: &[u8]) -> bool {
    let key = fixtures().server.public_key();
    let read = |signed: &Signed| verify_json::<Catalog>(signed, Purpose::Catalog, &key).ok();
    let travelled = serde_json::from_slice::<Signed>(data)
        .ok()
        .and_then(|signed| read(&signed));
    let Some(catalog) = travelled.or_else(|| read(&sign(Purpose::Catalog, data))) else {
        return false;
    };
    let json = serde_json::to_vec(&catalog).expect("a catalog serializes");
    let again: Catalog = serde_json::from_slice(&json).expect("reads back");
    assert_eq!(again, catalog, "round trip");
    checked(&catalog)
}

/// What a phone does with a received catalog: validate it, then every
/// active id must resolve as itself; labels of unknown ids fall back.
fn checked(catalog: &Catalog) -> bool {
    if catalog.validate().is_err() {
        return false;
    }
    for section in Section::ALL {
        for id in catalog.active_ids(section) {
            let found = catalog.check(section, &id, IdPolicy::ActiveOnly);
            assert_eq!(found.map(|id| id.to_string()).as_deref(), Ok(id.as_str()));
        }
        let unknown = "not-in-any-catalog-0";
        if catalog.entry(section, unknown).is_none() {
            let lang = tournee::domain::Lang::Fr;
            assert_eq!(catalog.label(section, unknown, lang), unknown);
            assert!(
                catalog
                    .check(section, unknown, IdPolicy::AllowRetired)
                    .is_err()
            );
        }
    }
    true
}
