//! A phone store as releases before the 6-digit rule left it: the data
//! key wrapped under a 4-digit PIN. Made through the vault's own API on a
//! real store file, so the `vault` row holds what the previous release
//! wrote (a fresh salt, 600,000 iterations, the sealed data key); nothing
//! else in a store depends on the PIN.

use rusqlite::{Connection, params};
use std::path::Path;
use tournee::device::vault::{DataKey, WrappedKey};
use tournee::device::{Pin, Store};
use tournee::domain::{Catalog, Contact, ContactDraft};

/// A store in `home` holding one contact of today per zone in `zones`,
/// its data key wrapped under `old_pin` as `tournee device init` and the
/// app's first run did before a new PIN needed 6 digits.
pub fn make(home: &Path, old_pin: &str, zones: &[&str]) -> Vec<Contact> {
    let made_with = "un NIP d'aujourd'hui";
    let mut store = Store::create(
        home,
        &Pin::choose(made_with).unwrap(),
        &Catalog::default_quebec(),
    )
    .unwrap();
    let contacts: Vec<Contact> = zones
        .iter()
        .map(|zone| {
            let draft = ContactDraft {
                zone: zone.to_string(),
                kind: "known".into(),
                people: "1".into(),
                age_band: "25-34".into(),
                materials: vec![("seringues".into(), "2".into())],
                code: Some("Tremblay-87".into()),
                ..Default::default()
            };
            let contact = draft
                .parse(
                    &store.catalog().unwrap(),
                    chrono::Local::now().fixed_offset(),
                )
                .unwrap();
            store.save(&contact).unwrap();
            contact
        })
        .collect();
    drop(store);
    rewrap(home, made_with, old_pin);
    contacts
}

/// Wraps the data key of the store in `home` (which `pin` opens) under
/// `old_pin`, which the vault itself never refuses.
pub fn rewrap(home: &Path, pin: &str, old_pin: &str) {
    let conn = Connection::open(Store::path_in(home)).unwrap();
    let wrapped = conn
        .query_row(
            "SELECT salt, iterations, sealed FROM vault WHERE id = 1",
            [],
            |row| {
                Ok(WrappedKey {
                    salt: row.get(0)?,
                    iterations: row.get(1)?,
                    sealed: row.get(2)?,
                })
            },
        )
        .unwrap();
    let key = DataKey::unwrap(&wrapped, &Pin::parse(pin).unwrap()).unwrap();
    let old = key.wrap(&Pin::parse(old_pin).unwrap()).unwrap();
    conn.execute(
        "UPDATE vault SET salt = ?1, iterations = ?2, sealed = ?3 WHERE id = 1",
        params![old.salt, old.iterations, old.sealed],
    )
    .unwrap();
}
