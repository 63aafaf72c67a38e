//! The regional host's PostgreSQL backend, on a real PostgreSQL (see
//! `common::pg`): its schema migrates once even when two servers start
//! together, a newer schema is refused, and each organization gets keys
//! of its own that no other organization's phones or batches can use;
//! ingest judges each envelope for the organization it names.

mod common;

use common::contact_at;
use common::pg::test_db;
use tournee::domain::crypto::sign::Signer;
use tournee::domain::wire::enroll::{EnrollCode, EnrollRequest, Signed, verify_bundle};
use tournee::domain::wire::envelope::{SealTo, seal};
use tournee::domain::wire::{Receipt, ReceiptStatus, batch};
use tournee::domain::{PersonCode, Record};
use tournee::server::store::OrgId;
use tournee::server::store::postgres::{PgHost, schema};
use tournee::server::store::slug::Slug;
use tournee::server::{EnrollError, IngestError, ServerError};
use uuid::Uuid;

fn slug(text: &str) -> Slug {
    Slug::parse(text).unwrap()
}

#[tokio::test]
async fn the_schema_migrates_once_even_from_two_hosts_at_once_and_a_newer_one_is_refused() {
    let Some(db) = test_db().await else { return };
    let (a, b) = tokio::join!(PgHost::connect(&db.url), PgHost::connect(&db.url));
    let (a, _b) = (a.unwrap(), b.unwrap());
    a.create_org(&slug("cactus"), "Cactus Montréal", 1)
        .await
        .unwrap();
    // Connecting again migrates nothing and keeps what is there.
    let again = PgHost::connect(&db.url).await.unwrap();
    assert_eq!(again.orgs().await.unwrap().len(), 1);

    db.execute(&format!(
        "INSERT INTO schema_migrations (version) VALUES ({})",
        schema::VERSION + 1
    ))
    .await;
    match PgHost::connect(&db.url).await {
        Err(ServerError::Newer { found, supported }) => {
            assert_eq!((found, supported), (schema::VERSION + 1, schema::VERSION));
        }
        other => panic!("a newer schema must be refused: {other:?}"),
    }
    db.drop().await;
}

#[tokio::test]
async fn each_organization_has_keys_of_its_own() {
    let Some(db) = test_db().await else { return };
    let host = PgHost::connect(&db.url).await.unwrap();
    let cactus = host
        .create_org(&slug("cactus"), "  Cactus Montréal ", 1)
        .await
        .unwrap();
    let rue = host
        .create_org(&slug("rue-action"), "Rue Action", 2)
        .await
        .unwrap();
    assert_eq!(cactus.name, "Cactus Montréal");
    assert_ne!(cactus.id, rue.id);

    // A slug is one organization; nothing is written for a second one.
    assert!(matches!(
        host.create_org(&slug("cactus"), "Autre", 3).await,
        Err(ServerError::SlugTaken(s)) if s == "cactus"
    ));
    assert!(matches!(
        host.create_org(&slug("vide"), " ", 3).await,
        Err(ServerError::OrgName { .. })
    ));
    let listed: Vec<String> = host
        .orgs()
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.slug.to_string())
        .collect();
    assert_eq!(listed, ["cactus", "rue-action"]);
    assert_eq!(host.org(&slug("rue-action")).await.unwrap(), rue);
    assert!(matches!(
        host.org(&slug("nulle-part")).await,
        Err(ServerError::UnknownSlug(s)) if s == "nulle-part"
    ));
    let stranger = OrgId(uuid::Uuid::now_v7());
    assert!(matches!(
        host.keys(stranger).await,
        Err(ServerError::UnknownOrg(id)) if id == stranger.0
    ));

    let (cactus_keys, cactus_pseudonyms) = host.keys(cactus.id).await.unwrap();
    let (rue_keys, rue_pseudonyms) = host.keys(rue.id).await.unwrap();
    assert_eq!(cactus_keys.org_id, cactus.id.0);
    assert_eq!(cactus_keys.org_name, "Cactus Montréal");
    assert_ne!(
        cactus_keys.signing_public_key(),
        rue_keys.signing_public_key()
    );
    let (cactus_kid, rue_kid) = (
        cactus_keys.current_sealing().kid,
        rue_keys.current_sealing().kid,
    );
    assert_ne!(cactus_kid, rue_kid);
    // A batch sealed for one organization finds no key in the other's.
    assert!(rue_keys.sealing_key(&cactus_kid).is_none());
    // The same person code is not the same pseudonym across organizations:
    // the region cannot link people between them.
    let code = PersonCode::parse("Foxtrot-76").unwrap();
    assert_ne!(
        cactus_pseudonyms.pseudonym(&code),
        rue_pseudonyms.pseudonym(&code)
    );
    // Keys read twice are the same keys (nothing is made on read).
    let (reread, reread_pseudonyms) = host.keys(cactus.id).await.unwrap();
    assert_eq!(
        reread.signing_public_key(),
        cactus_keys.signing_public_key()
    );
    assert_eq!(
        reread_pseudonyms.pseudonym(&code),
        cactus_pseudonyms.pseudonym(&code)
    );
    db.drop().await;
}

#[tokio::test]
async fn a_rotation_takes_effect_at_once_for_that_organization_only() {
    let Some(db) = test_db().await else { return };
    let host = PgHost::connect(&db.url).await.unwrap();
    let (cactus, rue) = two_orgs(&host).await;
    let old = host.keys(cactus).await.unwrap().0.current_sealing().kid;
    let rue_before = host.keys(rue).await.unwrap().0.current_sealing().kid;

    let new = host.rotate_sealing_key(cactus, 5).await.unwrap();
    assert_ne!(new, old);
    let (keys, _) = host.keys(cactus).await.unwrap();
    assert_eq!(keys.current_sealing().kid, new, "no restart needed");
    assert!(keys.sealing_key(&old).is_some(), "late batches still open");
    assert_eq!(
        host.keys(rue).await.unwrap().0.current_sealing().kid,
        rue_before
    );
    let stranger = OrgId(uuid::Uuid::now_v7());
    assert!(matches!(
        host.rotate_sealing_key(stranger, 6).await,
        Err(ServerError::UnknownOrg(_))
    ));
    db.drop().await;
}

#[tokio::test]
async fn an_unreachable_database_is_named_plainly() {
    // A port nothing listens on: the host says the database does not answer.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let error = PgHost::connect(&format!("postgres://tournee:secret@127.0.0.1:{port}/x"))
        .await
        .unwrap_err();
    let text = error.message(tournee::domain::i18n::Lang::En);
    assert!(
        text.starts_with("The server's database does not answer"),
        "{text}"
    );
    assert!(
        !text.contains("secret"),
        "the password is never shown: {text}"
    );
}

/// Cactus and Rue Action, hosted together.
async fn two_orgs(host: &PgHost) -> (OrgId, OrgId) {
    let cactus = host.create_org(&slug("cactus"), "Cactus", 1).await.unwrap();
    let rue = host
        .create_org(&slug("rue-action"), "Rue Action", 1)
        .await
        .unwrap();
    (cactus.id, rue.id)
}

/// A phone enrolled with `org` on the host: its id and signing key.
async fn phone(host: &PgHost, org: OrgId, label: &str) -> (Uuid, Signer) {
    let (signer, _) = Signer::generate().unwrap();
    let id = Uuid::now_v7();
    host.insert_device(org, id, &signer.public_key(), label, "0.1.0", 1)
        .await
        .unwrap();
    (id, signer)
}

/// Batch `seq` of one contact with `syringes`, sealed to `org`'s current
/// key (or claiming `claimed` as its organization).
async fn envelope(
    host: &PgHost,
    org: OrgId,
    claimed: OrgId,
    (device_id, signer): &(Uuid, Signer),
    seq: u64,
    syringes: u32,
) -> Vec<u8> {
    let (keys, _) = host.keys(org).await.unwrap();
    let sealing = keys.current_sealing();
    let to = SealTo {
        org_id: claimed.0,
        device_id: *device_id,
        kid: sealing.kid,
        recipient: &sealing.public,
        signer,
    };
    let contact = contact_at(
        "2026-11-20T22:00:00-05:00",
        "gatineau",
        "known",
        1,
        Some("Foxtrot-76"),
        &[("seringues", syringes)],
    );
    seal(
        &to,
        seq,
        Uuid::now_v7(),
        0,
        &batch::encode(&[Record::Contact(contact)]),
    )
    .unwrap()
}

#[tokio::test]
async fn ingest_stores_each_batch_for_the_organization_it_names_and_no_other() {
    let Some(db) = test_db().await else { return };
    let host = PgHost::connect(&db.url).await.unwrap();
    let (cactus, rue) = two_orgs(&host).await;
    let night = phone(&host, cactus, "Nuit 1").await;
    let cactus_key = host.keys(cactus).await.unwrap().0.signing_public_key();
    let rue_key = host.keys(rue).await.unwrap().0.signing_public_key();

    let first = envelope(&host, cactus, cactus, &night, 1, 10).await;
    let stored = host.ingest(None, &first, 1_000).await.unwrap();
    assert_eq!(stored.receipt.status, ReceiptStatus::Stored);
    let receipt = Receipt::verify(&stored.bytes, &cactus_key).unwrap();
    assert!(receipt.covers(&first));
    assert!(
        Receipt::verify(&stored.bytes, &rue_key).is_err(),
        "signed by its own organization's key only"
    );
    // The same bytes again: the first receipt's facts, nothing stored twice.
    let again = host.ingest(None, &first, 9_000).await.unwrap();
    assert_eq!(again.receipt.status, ReceiptStatus::Duplicate);
    assert_eq!(again.receipt.received_at_ms, 1_000);
    let devices = host.devices(cactus).await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(
        (devices[0].batches, devices[0].last_seen_at_ms),
        (1, Some(9_000))
    );
    assert!(host.devices(rue).await.unwrap().is_empty());

    // A batch that names the other organization finds no phone there.
    let astray = envelope(&host, cactus, rue, &night, 2, 1).await;
    assert!(matches!(
        host.ingest(None, &astray, 2_000).await,
        Err(IngestError::UnknownDevice)
    ));
    // A phone of the other organization cannot seal to this one's key.
    let rue_phone = phone(&host, rue, "Rue 1").await;
    let wrong_key = envelope(&host, cactus, rue, &rue_phone, 1, 1).await;
    assert!(matches!(
        host.ingest(None, &wrong_key, 2_000).await,
        Err(IngestError::UnknownKey)
    ));

    // Different bytes under a stored number: one alert, its repeats counted,
    // for this organization only.
    let forged = envelope(&host, cactus, cactus, &night, 1, 99).await;
    for _ in 0..2 {
        assert!(matches!(
            host.ingest(None, &forged, 3_000).await,
            Err(IngestError::Equivocation)
        ));
    }
    let alerts = host.alerts(cactus).await.unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!((alerts[0].seq, alerts[0].repeats), (1, 2));
    assert!(host.alerts(rue).await.unwrap().is_empty());

    // A revoked phone is refused; the other organization cannot revoke it.
    assert!(!host.revoke_device(rue, night.0, 4_000).await.unwrap());
    assert!(host.revoke_device(cactus, night.0, 4_000).await.unwrap());
    let late = envelope(&host, cactus, cactus, &night, 2, 1).await;
    assert!(matches!(
        host.ingest(None, &late, 5_000).await,
        Err(IngestError::Revoked)
    ));
    db.drop().await;
}

#[tokio::test]
async fn one_envelope_uploaded_four_times_at_once_is_stored_once() {
    let Some(db) = test_db().await else { return };
    let host = PgHost::connect(&db.url).await.unwrap();
    let (cactus, _) = two_orgs(&host).await;
    let night = phone(&host, cactus, "Nuit 1").await;
    let bytes = envelope(&host, cactus, cactus, &night, 1, 3).await;
    let uploads = (0..4).map(|i| {
        let (host, bytes) = (host.clone(), bytes.clone());
        tokio::spawn(async move { host.ingest(None, &bytes, 1_000 + i).await.unwrap() })
    });
    let mut statuses = Vec::new();
    let mut received = Vec::new();
    for upload in uploads {
        let signed = upload.await.unwrap();
        statuses.push(signed.receipt.status);
        received.push(signed.receipt.received_at_ms);
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == ReceiptStatus::Stored)
            .count(),
        1,
        "{statuses:?}"
    );
    assert!(received.windows(2).all(|w| w[0] == w[1]), "{received:?}");
    assert_eq!(host.devices(cactus).await.unwrap()[0].batches, 1);
    db.drop().await;
}

/// What a phone sends to redeem `code`, with its own signing key.
fn enroll_body(code: &EnrollCode, signer: &Signer, label: &str) -> Vec<u8> {
    serde_json::to_vec(&EnrollRequest {
        secret: hex::encode(code.secret),
        device_public_key: hex::encode(signer.public_key()),
        label: label.into(),
        app_version: "0.1.0".into(),
    })
    .unwrap()
}

#[tokio::test]
async fn a_code_enrolls_its_phone_with_its_own_organization_once() {
    let Some(db) = test_db().await else { return };
    let host = PgHost::connect(&db.url).await.unwrap();
    let (cactus, rue) = two_orgs(&host).await;
    let mut catalog = host.catalog(rue).await.unwrap();
    catalog.version += 1;
    host.replace_catalog(rue, &catalog).await.unwrap();

    let (signer, _) = Signer::generate().unwrap();
    let code = host
        .create_enroll_code(rue, "Rue 1", 24, 1_000)
        .await
        .unwrap();
    let signed = host
        .redeem_enrollment(None, &enroll_body(&code, &signer, "Rue 1"), 2_000)
        .await
        .unwrap();
    let signed: Signed = serde_json::from_value(signed).unwrap();
    // The phone checks the bundle against the code's fingerprint: it is the
    // code's organization that answered.
    let bundle = verify_bundle(&signed, &code).unwrap();
    let (rue_keys, _) = host.keys(rue).await.unwrap();
    assert_eq!(bundle.org_id, rue.0);
    assert_eq!(bundle.org_name, "Rue Action");
    assert_eq!(
        bundle.server_signing_key,
        hex::encode(rue_keys.signing_public_key())
    );
    assert_eq!(
        bundle.sealing_keys[0].kid,
        hex::encode(rue_keys.current_sealing().kid)
    );
    assert_eq!(bundle.catalog.version, catalog.version);
    assert_eq!(
        host.catalog(cactus).await.unwrap().version,
        catalog.version - 1,
        "the other organization's catalog is its own"
    );
    let devices = host.devices(rue).await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].device_id, bundle.device_id);
    assert_eq!(devices[0].label, "Rue 1");
    assert!(host.devices(cactus).await.unwrap().is_empty());

    // Used, expired and unknown codes get one refusal, and make no phone.
    let (other, _) = Signer::generate().unwrap();
    let expired = host.create_enroll_code(cactus, "", 0, 3_000).await.unwrap();
    let unknown = EnrollCode::parse(&code.to_text()).map(|mut c| {
        c.secret[0] ^= 1;
        c
    });
    for refused in [Some(code), Some(expired), unknown] {
        let body = enroll_body(&refused.unwrap(), &other, "");
        assert!(matches!(
            host.redeem_enrollment(None, &body, 4_000).await,
            Err(EnrollError::Refused)
        ));
    }
    assert!(host.devices(cactus).await.unwrap().is_empty());
    assert!(matches!(
        host.create_enroll_code(cactus, "", 24 * 365, 1).await,
        Err(ServerError::Ttl { .. })
    ));

    // The phone's first batch, sealed as its bundle says, is stored for Rue Action.
    let phone = (bundle.device_id, signer);
    let bytes = envelope(&host, rue, rue, &phone, 1, 4).await;
    let receipt = host.ingest(None, &bytes, 5_000).await.unwrap();
    assert_eq!(receipt.receipt.status, ReceiptStatus::Stored);
    assert_eq!(host.devices(rue).await.unwrap()[0].batches, 1);
    db.drop().await;
}
