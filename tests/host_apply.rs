//! Apply and the tally on the regional host's PostgreSQL against the
//! embedded SQLite backend: the same records, sealed by one phone to each,
//! give the same figures for every kind of period, voids arriving after,
//! with or before their targets included, and each organization's figures
//! on one host are what they would be alone.

mod common;

use chrono::{DateTime, Duration};
use common::contact_at;
use common::pg::test_db;
use tournee::domain::crypto::sign::Signer;
use tournee::domain::overdose::OverdoseDraft;
use tournee::domain::report::{Period, Tally};
use tournee::domain::wire::enroll::{EnrollCode, EnrollRequest};
use tournee::domain::wire::envelope::{SealTo, seal};
use tournee::domain::wire::{ReceiptStatus, batch};
use tournee::domain::{Catalog, CatalogId, OpenShift, Record, RecordId, ShiftEnd, Void};
use tournee::server::keys::ServerKeys;
use tournee::server::store::postgres::storage::PgStorage;
use tournee::server::store::slug::Slug;
use tournee::server::store::sqlite::SqliteStorage;
use tournee::server::store::{OrgId, Storage};
use uuid::Uuid;

/// A deterministic generator (xorshift), so a failure replays.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

const ZONES: [&str; 3] = ["gatineau", "papineau", "pontiac"];
const CODES: [&str; 6] = [
    "Foxtrot-76",
    "Alpha-12",
    "Bravo-33",
    "Charlie-54",
    "Delta-91",
    "Echo-08",
];

/// Twelve batches over four months: contacts (some with a person code),
/// overdoses and outings, and voids of records sent before, in the same
/// batch, or in a later one than the void itself.
fn batches(seed: u64) -> Vec<Vec<Record>> {
    let mut rng = Rng(seed);
    let catalog = Catalog::default_quebec();
    let start = DateTime::parse_from_rfc3339("2026-08-03T19:00:00-04:00").unwrap();
    let mut sent: Vec<RecordId> = Vec::new();
    let mut batches: Vec<Vec<Record>> = Vec::new();
    let mut void_ahead: Vec<(usize, Void)> = Vec::new();
    for b in 0..12usize {
        let night = start + Duration::days(b as i64 * 9);
        let mut records = Vec::new();
        let shift = OpenShift::start(night, "2", &[ZONES[b % 3].to_string()], &catalog)
            .unwrap()
            .end(
                night + Duration::hours(4),
                ShiftEnd::Worker,
                [CatalogId::parse(ZONES[(b + 1) % 3]).unwrap()],
            );
        records.push(Record::Shift(shift));
        for i in 0..(5 + rng.below(6)) {
            let at = night + Duration::minutes(20 * i as i64 + 5);
            let code = (rng.below(3) > 0).then(|| CODES[rng.below(6) as usize]);
            let zone = ZONES[rng.below(3) as usize];
            let contact = contact_at(
                &at.to_rfc3339(),
                zone,
                "known",
                1 + rng.below(3) as u32,
                code,
                &[("seringues", rng.below(12) as u32)],
            );
            records.push(Record::Contact(contact));
        }
        if rng.below(2) == 0 {
            let overdose = OverdoseDraft {
                occurred_at: Some(night + Duration::hours(3)),
                zone: ZONES[b % 3].into(),
                location_type: Some("rue-parc".into()),
                responders: vec!["worker".into()],
                nasal_doses: Some("2".into()),
                call_911: "called".into(),
                stayed: true,
                ambulance: b % 4 == 0,
                outcome: "transported".into(),
                substances: vec!["opioides".into()],
                ..OverdoseDraft::default()
            }
            .parse(&catalog, night + Duration::hours(5))
            .unwrap();
            records.push(Record::Overdose(overdose));
        }
        let ids: Vec<RecordId> = records.iter().map(record_id).collect();
        let later = night + Duration::hours(6);
        // A void of a record sent before, and of one in this batch.
        if !sent.is_empty() {
            let target = sent[rng.below(sent.len() as u64) as usize];
            records.push(Record::Void(Void::new(target, later)));
        }
        records.push(Record::Void(Void::new(
            ids[1 + rng.below(3) as usize],
            later,
        )));
        // A void of this batch's record that reaches the server first.
        if b % 3 == 1 {
            void_ahead.push((b, Void::new(ids[2], later)));
        }
        sent.extend(ids);
        batches.push(records);
    }
    // Each void-ahead rides in the batch before its target's.
    for (b, void) in void_ahead {
        batches[b - 1].push(Record::Void(void));
    }
    batches
}

fn record_id(record: &Record) -> RecordId {
    match record {
        Record::Contact(c) => c.record_id,
        Record::Void(v) => v.record_id,
        Record::Overdose(o) => o.record_id,
        Record::Shift(s) => s.record_id,
        Record::Incident(i) => i.record_id,
    }
}

fn seal_all(
    keys: &ServerKeys,
    org: OrgId,
    phone: &(Uuid, Signer),
    batches: &[Vec<Record>],
) -> Vec<Vec<u8>> {
    let sealing = keys.current_sealing();
    let to = SealTo {
        org_id: org.0,
        device_id: phone.0,
        kid: sealing.kid,
        recipient: &sealing.public,
        signer: &phone.1,
    };
    batches
        .iter()
        .enumerate()
        .map(|(i, records)| {
            seal(
                &to,
                i as u64 + 1,
                Uuid::now_v7(),
                NOW_MS,
                &batch::encode(records),
            )
            .unwrap()
        })
        .collect()
}

/// What a phone sends to redeem `code`.
fn enroll_body(code: &EnrollCode, signer: &Signer) -> Vec<u8> {
    serde_json::to_vec(&EnrollRequest {
        secret: hex::encode(code.secret),
        device_public_key: hex::encode(signer.public_key()),
        label: "Nuit".into(),
        app_version: "0.1.0".into(),
    })
    .unwrap()
}

const NOW_MS: i64 = 1_796_000_000_000; // December 2026

fn periods() -> Vec<Period> {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    [
        "2026-08",
        "2026-09",
        "2026-10",
        "2026-11",
        "2026-Q3",
        "2026-Q4",
        "FY2026-2027",
        "2026-08-20..2026-10-11",
        "2026-09-12..2026-09-12",
    ]
    .iter()
    .map(|text| Period::parse(text, today).unwrap())
    .collect()
}

/// The embedded backend's tallies of `batches`, sent by one enrolled phone.
async fn alone_on_sqlite(batches: &[Vec<Record>]) -> Vec<Tally> {
    let dir = tempfile::tempdir().unwrap();
    let storage = SqliteStorage::open(dir.path()).unwrap();
    let org = storage.org();
    let code = storage
        .create_enroll_code(org, "test".into(), "Nuit".into(), 24, NOW_MS)
        .await
        .unwrap();
    let code = EnrollCode::parse(&code.text).unwrap();
    let (signer, _) = Signer::generate().unwrap();
    storage
        .redeem_enrollment(org, enroll_body(&code, &signer), NOW_MS)
        .await
        .unwrap();
    let device = storage.devices(org).await.unwrap()[0].device_id;
    let keys = storage.parts().keys.clone();
    for envelope in seal_all(&keys, org, &(device, signer), batches) {
        let receipt = storage.ingest(org, envelope, NOW_MS).await.unwrap();
        assert_eq!(receipt.receipt.status, ReceiptStatus::Stored);
    }
    let held = storage.quarantined(org).await.unwrap();
    assert!(
        held.is_empty(),
        "{:?}",
        held.iter().map(|h| &h.reason).collect::<Vec<_>>()
    );
    let mut tallies = Vec::new();
    for period in periods() {
        tallies.push(storage.tally(org, period).await.unwrap());
    }
    tallies
}

/// Enrolls a phone with `org` on the host through a real code.
async fn host_phone(host: &PgStorage, org: OrgId) -> (Uuid, Signer) {
    let code = host
        .host()
        .create_enroll_code(org, "Nuit", 24, NOW_MS)
        .await
        .unwrap();
    let (signer, _) = Signer::generate().unwrap();
    host.host()
        .redeem_enrollment(Some(org), &enroll_body(&code, &signer), NOW_MS)
        .await
        .unwrap();
    let device = host.host().devices(org).await.unwrap()[0].device_id;
    (device, signer)
}

#[tokio::test]
async fn the_host_counts_what_the_embedded_backend_counts_for_each_organization() {
    let Some(db) = test_db().await else { return };
    let host = PgStorage::open(&db.url).await.unwrap();
    let mut orgs = Vec::new();
    for (slug, seed) in [("cactus", 7), ("rue-action", 1234)] {
        let org = host
            .host()
            .create_org(&Slug::parse(slug).unwrap(), slug, 1)
            .await
            .unwrap()
            .id;
        orgs.push((org, batches(seed)));
    }
    // Both organizations' batches, interleaved, as their phones sync.
    let mut sealed = Vec::new();
    for (org, batches) in &orgs {
        let phone = host_phone(&host, *org).await;
        let (keys, _) = host.host().keys(*org).await.unwrap();
        sealed.push(seal_all(&keys, *org, &phone, batches));
    }
    for i in 0..12 {
        for ((org, _), envelopes) in orgs.iter().zip(&sealed) {
            let receipt = host
                .ingest(*org, envelopes[i].clone(), NOW_MS)
                .await
                .unwrap();
            assert_eq!(receipt.receipt.status, ReceiptStatus::Stored);
        }
    }
    for (org, batches) in &orgs {
        let expected = alone_on_sqlite(batches).await;
        for (period, alone) in periods().into_iter().zip(expected) {
            let hosted = host.tally(*org, period).await.unwrap();
            assert_eq!(hosted, alone, "{period}");
        }
    }
    // The figures are not empty ones: voided records are out of them.
    let (cactus, batches) = &orgs[0];
    let fy = periods()[6];
    let tally = host.tally(*cactus, fy).await.unwrap();
    let voided: std::collections::HashSet<RecordId> = batches
        .iter()
        .flatten()
        .filter_map(|r| match r {
            Record::Void(v) => Some(v.target),
            _ => None,
        })
        .collect();
    let live_contacts = batches
        .iter()
        .flatten()
        .filter(|r| matches!(r, Record::Contact(c) if !voided.contains(&c.record_id)))
        .count() as u64;
    assert!(live_contacts > 30);
    assert_eq!(tally.contacts, live_contacts);
    assert!(tally.unique_people > 0 && tally.field_work.outings > 0);
    assert!(tally.field_work.contacts_during > 0);
    db.drop().await;
}
