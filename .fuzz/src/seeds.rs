//! Valid inputs for every check, made with the real encoders and the fixed
//! keys: the seed corpora in `.fuzz/seeds/<target>/`, so that mutations
//! start past the magic numbers, signatures and DEFLATE, deep in each
//! decoder. Rewritten by `cargo test --test decoders_fuzz -- --ignored`.

use crate::fixtures::fixtures;
use crate::signed::{code, sign};
use tournee::domain::crypto::sign::Purpose;
use tournee::domain::wire::enroll::{Bundle, SealingKey, encode_hand_file};
use tournee::domain::wire::enroll_link::EnrollLink;
use tournee::domain::wire::envelope::{SealTo, kid, seal};
use tournee::domain::wire::{Receipt, ReceiptStatus, batch, receipt::envelope_digest};
use tournee::domain::{ContactDraft, Record, RecordId, Void};
use uuid::Uuid;

const ORG: Uuid = Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0001);
const DEVICE: Uuid = Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0002);

/// Three records: a contact with a person code and materials, a group, and
/// a void of the first.
pub fn records() -> Vec<Record> {
    let keys = fixtures();
    let at = |text: &str| chrono::DateTime::parse_from_rfc3339(text).expect("a date");
    let first = ContactDraft {
        occurred_at: Some(at("2026-11-20T23:15:00-05:00")),
        zone: "gatineau".into(),
        kind: "known".into(),
        people: "1".into(),
        age_band: "25-34".into(),
        gender: Some("femme".into()),
        materials: vec![
            ("seringues".into(), "10".into()),
            ("condoms".into(), "5".into()),
        ],
        returned_syringes: Some("3".into()),
        referrals: vec!["clsc".into()],
        interventions: vec!["ecoute".into()],
        code: Some("Tremblay-87".into()),
        duration_min: Some("15".into()),
        ..Default::default()
    }
    .parse(&keys.catalog, keys.now)
    .expect("a valid contact");
    let group = ContactDraft {
        occurred_at: Some(at("2026-11-21T01:40:00-05:00")),
        zone: "pontiac".into(),
        kind: "group".into(),
        people: "4".into(),
        age_band: "18-24".into(),
        materials: vec![("trousses-naloxone".into(), "2".into())],
        ..Default::default()
    }
    .parse(&keys.catalog, keys.now)
    .expect("a valid contact");
    let void = Void {
        // A UUIDv7, as the phone makes: apply refuses any other version.
        record_id: RecordId::from_bytes(
            Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0003).into_bytes(),
        ),
        target: first.record_id,
        voided_at: at("2026-11-21T02:00:00-05:00"),
    };
    vec![
        Record::Contact(first),
        Record::Contact(group),
        Record::Void(void),
    ]
}

fn envelope(seq: u64, records: &[Record]) -> Vec<u8> {
    let keys = fixtures();
    let to = SealTo {
        org_id: ORG,
        device_id: DEVICE,
        kid: kid(&keys.sealing_public),
        recipient: &keys.sealing_public,
        signer: &keys.device,
    };
    let batch_id = Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0100 + seq as u128);
    seal(
        &to,
        seq,
        batch_id,
        keys.now.timestamp_millis(),
        &batch::encode(records),
    )
    .expect("seals")
}

/// Every seed: (target, file name, bytes).
pub fn seeds() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let keys = fixtures();
    let records = records();
    let document = serde_json::json!({ "records": records });
    let json = serde_json::to_vec(&document).expect("records serialize");
    let sealed = envelope(1, &records);
    let second = envelope(2, &records[1..2]);
    let receipt = Receipt {
        device_id: DEVICE,
        seq: 1,
        batch_id: Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0101),
        envelope_sha256: envelope_digest(&sealed),
        received_at_ms: keys.now.timestamp_millis() + 1_000,
        status: ReceiptStatus::Stored,
    }
    .sign(&keys.server);
    let bundle = Bundle {
        org_id: ORG,
        org_name: "Travail de rue Outaouais".into(),
        device_id: DEVICE,
        server_signing_key: hex::encode(keys.server.public_key()),
        sealing_keys: vec![SealingKey {
            kid: hex::encode(kid(&keys.sealing_public)),
            public_key: hex::encode(keys.sealing_public),
        }],
        catalog: keys.catalog.clone(),
        issued_at: "2026-11-21T12:00:00-05:00".into(),
    };
    let bundle_json = serde_json::to_vec(&bundle).expect("a bundle serializes");
    let catalog_json = serde_json::to_vec(&keys.catalog).expect("a catalog serializes");
    let travelling = |signed: tournee::domain::wire::enroll::Signed| {
        serde_json::to_vec(&signed).expect("serializes")
    };
    let code_text = code().to_text();
    let mut prepare_seed = vec![0];
    prepare_seed.extend_from_slice(&keys.now.timestamp_millis().to_be_bytes());
    prepare_seed.extend_from_slice(&json);
    let csv = "\u{feff}occurred_at,zone,kind,people,age_band,gender,materials,returned_syringes,referrals,interventions,code,duration\n\
        2026-11-20 23:15,gatineau,known,1,25-34,femme,seringues=10;condoms=5,3,clsc,ecoute,Tremblay-87,15\n\
        2026-11-20T23:40:00-05:00,pontiac,group,4,18-24,,trousses-naloxone=2,,,,,\n\
        \"2026-11-21 01:05\",gatineau,first,1,35-49,homme,,,hebergement;clsc,,\"Côté, 2001\",\n";
    vec![
        ("envelope", "sealed", sealed.clone()),
        ("receipt", "stored", receipt),
        ("hand_file", "two", encode_hand_file([sealed.as_slice(), second.as_slice()])),
        ("batch", "three-records", batch::encode(&records)),
        ("apply_prepare", "three-records", prepare_seed),
        ("bundle", "document", bundle_json.clone()),
        ("bundle", "signed", travelling(sign(Purpose::Enrollment, &bundle_json))),
        ("catalog", "default", catalog_json.clone()),
        ("catalog", "signed", travelling(sign(Purpose::Catalog, &catalog_json))),
        (
            "enroll_link",
            "link",
            EnrollLink::to_text("https://tournee.example:8443", &code_text).into_bytes(),
        ),
        ("enroll_link", "code", code_text.to_lowercase().into_bytes()),
        ("csv_import", "sheet", csv.as_bytes().to_vec()),
        ("person_code", "typed", "Éloïse-Gagné 2007".as_bytes().to_vec()),
        ("person_code", "stored", br#"{"v":1,"code":"TREMBLAY87"}"#.to_vec()),
        (
            "dashboard_query",
            "filter",
            format!("from=2026-11-01&to=2026-11-30&zone=gatineau&device={DEVICE}&material=seringues&page=2")
                .into_bytes(),
        ),
        ("dashboard_query", "month", b"2026-11".to_vec()),
        ("dashboard_query", "language", b"fr-CA,fr;q=0.9,en;q=0.8".to_vec()),
    ]
}
