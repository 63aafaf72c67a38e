//! Out-of-spec batches through the real HTTP stack (wire/protocol.md,
//! "Bounds"): a header outside its ranges is refused before anything is
//! stored; a well-signed batch that breaks a bound inside its ciphertext is
//! stored, receipted and quarantined with a reason a supervisor can read,
//! never applied half-way and never lost. One alert per equivocating
//! (device, seq), however often the other envelope comes back.

mod common;
mod raw_device;

use common::{TestServer, contact_at};
use reqwest::StatusCode;
use serde_json::Value;
use tournee::domain::wire::enroll::{EnrollCode, Signed, verify_bundle};
use tournee::domain::wire::{Receipt, batch, envelope::MAX_SEQ};
use tournee::domain::{Record, RecordId, Void};

struct Site {
    server: TestServer,
    client: reqwest::Client,
}

impl Site {
    async fn start() -> Site {
        Site {
            server: TestServer::spawn().await,
            client: reqwest::Client::builder().no_proxy().build().unwrap(),
        }
    }

    /// A phone made of domain pieces, enrolled over HTTP.
    async fn enroll(&self) -> raw_device::TestDevice {
        let code = EnrollCode::parse(&self.server.code().await).unwrap();
        let (signer, _) = tournee::domain::crypto::sign::Signer::generate().unwrap();
        let body = raw_device::enroll_body(&code, &signer, "Téléphone 5");
        let response = self
            .client
            .post(format!("{}/api/v1/enroll", self.server.url))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let signed: Signed = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        let bundle = verify_bundle(&signed, &code).unwrap();
        raw_device::TestDevice { signer, bundle }
    }

    async fn upload(&self, envelope: &[u8]) -> (StatusCode, Vec<u8>) {
        let response = self
            .client
            .post(format!("{}/api/v1/batches", self.server.url))
            .header("content-type", "application/octet-stream")
            .body(envelope.to_vec())
            .send()
            .await
            .unwrap();
        let answer = (response.status(), response.bytes().await.unwrap().to_vec());
        // Applying runs off the request: wait for it before reading.
        self.server.settled().await;
        answer
    }

    /// Uploads and checks that a receipt came back for exactly these bytes.
    async fn stored(&self, device: &raw_device::TestDevice, envelope: &[u8]) {
        let (status, body) = self.upload(envelope).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        let receipt = Receipt::verify(&body, &device.server_key()).unwrap();
        assert!(receipt.covers(envelope));
    }

    /// The quarantine reason of batch `seq`, if it is held.
    async fn held(&self, seq: u64) -> Option<String> {
        self.server
            .server
            .admin()
            .quarantined()
            .await
            .unwrap()
            .into_iter()
            .find(|q| q.seq == seq)
            .map(|q| q.reason)
    }
}

fn voids(n: usize) -> Vec<Record> {
    let at = chrono::DateTime::from_timestamp_millis(raw_device::SEALED_AT_MS)
        .unwrap()
        .fixed_offset();
    (0..n)
        .map(|_| Record::Void(Void::new(RecordId::new(), at)))
        .collect()
}

fn contact(at: &str) -> Record {
    Record::Contact(contact_at(
        at,
        "gatineau",
        "known",
        1,
        Some("Tremblay-87"),
        &[("seringues", 10)],
    ))
}

#[tokio::test]
async fn sequence_numbers_0_and_2_to_the_64_minus_1_get_400_and_nothing_is_stored() {
    let site = Site::start().await;
    let device = site.enroll().await;
    let plaintext = batch::encode(&voids(1));
    for seq in [0, MAX_SEQ + 1, u64::MAX] {
        let (status, body) = site
            .upload(&device.seal_plaintext(seq, raw_device::SEALED_AT_MS, &plaintext))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "seq {seq}");
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"], "malformed_envelope");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("sequence number"),
            "{body}"
        );
    }
    assert_eq!(site.server.envelopes().await, 0);
    // The last allowed number is stored as itself, not as a negative.
    site.stored(
        &device,
        &device.seal_plaintext(MAX_SEQ, raw_device::SEALED_AT_MS, &plaintext),
    )
    .await;
    let devices = site.server.server.admin().list_devices().await.unwrap();
    assert_eq!(devices[0].batches, 1);
    assert!(
        site.server
            .server
            .admin()
            .stored_batch(device.bundle.device_id, MAX_SEQ)
            .await
            .unwrap()
            .is_some_and(|b| b.applied_at_ms.is_some())
    );
}

#[tokio::test]
async fn a_ciphertext_no_padded_batch_makes_gets_400_before_it_is_stored() {
    let site = Site::start().await;
    let device = site.enroll().await;
    for len in [100, 1500, 512 * 1024] {
        let (status, _) = site
            .upload(&device.seal_plaintext(1, raw_device::SEALED_AT_MS, &vec![0; len]))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{len}");
    }
    assert_eq!(site.server.envelopes().await, 0);
}

#[tokio::test]
async fn six_hundred_records_are_quarantined_whole_and_five_hundred_apply() {
    let site = Site::start().await;
    let device = site.enroll().await;
    let at = raw_device::SEALED_AT_MS;
    site.stored(
        &device,
        &device.seal_plaintext(1, at, &batch::encode(&voids(600))),
    )
    .await;
    let reason = site.held(1).await.expect("quarantined, not lost");
    assert!(
        reason.contains("600 records in one batch; at most 500"),
        "{reason}"
    );
    assert_eq!(site.server.records().await, 0, "nothing applied half-way");
    site.stored(
        &device,
        &device.seal_plaintext(2, at, &batch::encode(&voids(500))),
    )
    .await;
    assert_eq!(site.held(2).await, None);
    assert_eq!(site.server.records().await, 500);
    // Still held after a re-apply: the bound is the protocol's, not a setting.
    site.server.server.admin().reapply().await.unwrap();
    assert!(site.held(1).await.is_some());
}

#[tokio::test]
async fn padding_beyond_the_required_length_is_quarantined_even_when_all_zero() {
    let site = Site::start().await;
    let device = site.enroll().await;
    let mut plaintext = batch::encode(&voids(1));
    assert_eq!(plaintext.len(), 1024);
    plaintext.resize(4096, 0);
    site.stored(
        &device,
        &device.seal_plaintext(1, raw_device::SEALED_AT_MS, &plaintext),
    )
    .await;
    let reason = site.held(1).await.unwrap();
    assert!(
        reason.contains("padded to 4096 bytes") && reason.contains("exactly 1024"),
        "{reason}"
    );
    assert_eq!(site.server.records().await, 0);
}

#[tokio::test]
async fn a_contact_dated_1900_is_quarantined_and_no_month_a_report_cannot_read_is_stored() {
    let site = Site::start().await;
    let device = site.enroll().await;
    let at = raw_device::SEALED_AT_MS;
    let records = [contact("1900-01-01T12:00:00-05:00")];
    site.stored(
        &device,
        &device.seal_plaintext(1, at, &batch::encode(&records)),
    )
    .await;
    let reason = site.held(1).await.unwrap();
    assert!(
        reason.contains("1900-01-01") && reason.contains("2000-01 to 2999-12"),
        "{reason}"
    );
    assert!(
        !reason.to_uppercase().contains("TREMBLAY"),
        "no code in a reason: {reason}"
    );
    assert_eq!(site.server.records().await, 0);
}

#[tokio::test]
async fn dates_are_judged_against_the_batchs_sealed_at_not_the_day_it_arrives() {
    let site = Site::start().await;
    let device = site.enroll().await;
    // Sealed 2026-11-18 (EST): a contact two years before still applies,
    // even arriving later than that; one more than a day after is held.
    let sealed = raw_device::SEALED_AT_MS;
    let late = [contact("2024-10-02T20:00:00-04:00")];
    site.stored(
        &device,
        &device.seal_plaintext(1, sealed, &batch::encode(&late)),
    )
    .await;
    assert_eq!(site.held(1).await, None);
    assert_eq!(
        common::month_tally(&site.server, "2024-10").await.contacts,
        1
    );
    let ahead = [contact("2026-11-20T12:00:00-05:00")];
    site.stored(
        &device,
        &device.seal_plaintext(2, sealed, &batch::encode(&ahead)),
    )
    .await;
    assert!(
        site.held(2)
            .await
            .unwrap()
            .contains("more than 24 h after the batch was sealed")
    );
    assert_eq!(
        common::month_tally(&site.server, "2026-11").await.contacts,
        0
    );
}

#[tokio::test]
async fn a_batch_sealed_two_days_after_it_arrives_is_kept_in_quarantine_not_refused() {
    let site = Site::start().await;
    let device = site.enroll().await;
    let ahead = chrono::Utc::now().timestamp_millis() + 48 * 3_600_000;
    // Refusing it would block the phone's queue for good (same bytes,
    // sent in order); it is stored, receipted and held instead.
    site.stored(
        &device,
        &device.seal_plaintext(1, ahead, &batch::encode(&voids(1))),
    )
    .await;
    let reason = site.held(1).await.unwrap();
    assert!(reason.contains("clock was ahead"), "{reason}");
    site.stored(
        &device,
        &device.seal_plaintext(2, raw_device::SEALED_AT_MS, &batch::encode(&voids(1))),
    )
    .await;
    assert_eq!(
        site.server.records().await,
        1,
        "the next batch is not blocked"
    );
}

#[tokio::test]
async fn a_conflicting_envelope_posted_200_times_raises_one_alert_per_device_and_seq() {
    let site = Site::start().await;
    let device = site.enroll().await;
    site.stored(&device, &device.seal(1)).await;
    site.stored(&device, &device.seal(2)).await;
    let other = device.seal(1);
    for _ in 0..200 {
        assert_eq!(site.upload(&other).await.0, StatusCode::CONFLICT);
    }
    let alerts = site.server.server.admin().list_alerts().await.unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!((alerts[0].seq, alerts[0].repeats), (1, 200));
    assert!(alerts[0].last_at_ms >= alerts[0].created_at_ms);
    // Another envelope for seq 2 is another alert; still one each.
    for _ in 0..3 {
        assert_eq!(site.upload(&device.seal(2)).await.0, StatusCode::CONFLICT);
    }
    let alerts = site.server.server.admin().list_alerts().await.unwrap();
    let counts: Vec<(u64, u64)> = alerts.iter().map(|a| (a.seq, a.repeats)).collect();
    assert_eq!(counts, [(1, 200), (2, 3)]);
}
