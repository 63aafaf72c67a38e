//! The server through its real HTTP stack: `serve` on 127.0.0.1:0 over a
//! real data directory, driven by reqwest and a test device made of domain
//! pieces (see `raw_device`). Statuses are the protocol's (wire/protocol.md).

mod raw_device;

use raw_device::{TestDevice, enroll_body};
use reqwest::StatusCode;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::SocketAddr;
use tokio::sync::oneshot;
use tournee::domain::Catalog;
use tournee::domain::crypto::sign::{Purpose, Signer};
use tournee::domain::wire::enroll::{
    EnrollCode, Signed, encode_hand_file, verify_bundle, verify_json,
};
use tournee::domain::wire::{Receipt, ReceiptStatus, batch};
use tournee::server::{Server, serve};
use uuid::Uuid;

struct TestApp {
    data: tempfile::TempDir,
    server: Server,
    address: SocketAddr,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl TestApp {
    async fn spawn() -> TestApp {
        TestApp::spawn_in(tempfile::tempdir().unwrap()).await
    }

    /// Starts a server on `data`, which may hold a previous run's files.
    async fn spawn_in(data: tempfile::TempDir) -> TestApp {
        let server = Server::open(data.path()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, server.clone(), async {
            let _ = stopped.await;
        }));
        // No proxy: the environment's HTTP_PROXY must not catch 127.0.0.1.
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        TestApp {
            data,
            server,
            address,
            client,
            stop: Some(stop),
            task,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    async fn code(&self, label: &str, ttl_hours: u32) -> EnrollCode {
        let text = self
            .server
            .admin()
            .create_enroll_code(label, ttl_hours)
            .await
            .unwrap();
        EnrollCode::parse(&text).unwrap()
    }

    async fn post_enroll(&self, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/enroll"))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(body).unwrap())
            .send()
            .await
            .unwrap()
    }

    /// Enrolls a new device with a fresh code, checking the bundle as a phone would.
    async fn enroll(&self) -> TestDevice {
        let code = self.code("Téléphone de nuit 3", 24).await;
        let (signer, _) = Signer::generate().unwrap();
        let response = self
            .post_enroll(&enroll_body(&code, &signer, "Téléphone de nuit 3"))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let signed: Signed = json(response).await;
        let bundle = verify_bundle(&signed, &code).unwrap();
        TestDevice { signer, bundle }
    }

    async fn upload(&self, envelope: Vec<u8>) -> reqwest::Response {
        let response = self
            .client
            .post(self.url("/api/v1/batches"))
            .header("content-type", "application/octet-stream")
            .body(envelope)
            .send()
            .await
            .unwrap();
        // Applying runs off the request: wait for it before reading.
        self.server.settled().await.unwrap();
        response
    }

    /// Uploads and returns the receipt, which must verify and cover the envelope.
    async fn upload_ok(&self, device: &TestDevice, envelope: &[u8]) -> Receipt {
        let response = self.upload(envelope.to_vec()).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"],
            "application/vnd.tournee.receipt"
        );
        let bytes = response.bytes().await.unwrap();
        let receipt = Receipt::verify(&bytes, &device.server_key()).unwrap();
        assert!(receipt.covers(envelope));
        receipt
    }

    async fn stored_batches(&self) -> u64 {
        self.server
            .admin()
            .list_devices()
            .await
            .unwrap()
            .iter()
            .map(|d| d.batches)
            .sum()
    }

    /// Shuts down gracefully (`serve` must return Ok) and hands back the data.
    async fn stop(mut self) -> tempfile::TempDir {
        let _ = self.stop.take().unwrap().send(());
        self.task.await.unwrap().unwrap();
        self.data
    }
}

/// The body as JSON (reqwest's `json` feature is not needed for this).
async fn json<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> T {
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

async fn error_code(response: reqwest::Response) -> String {
    let body: Value = json(response).await;
    assert!(body["message"].is_string(), "{body}");
    body["error"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_device_enrolls_with_a_code_and_gets_a_bundle_signed_by_this_server() {
    let app = TestApp::spawn().await;
    let device = app.enroll().await;
    let keys = app.server.keys();
    assert_eq!(device.bundle.org_id, keys.org_id);
    assert_eq!(device.server_key(), keys.signing_public_key());
    assert_eq!(device.sealing_key().0, keys.current_sealing().kid);
    assert_eq!(device.sealing_key().1, keys.current_sealing().public);
    assert_eq!(device.bundle.catalog, Catalog::default_quebec());
    let devices = app.server.admin().list_devices().await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].device_id, device.bundle.device_id);
    assert_eq!(devices[0].public_key, device.signer.public_key());
    assert_eq!(devices[0].label, "Téléphone de nuit 3");
    assert_eq!(devices[0].device_id.get_version_num(), 7);
    app.stop().await;
}

#[tokio::test]
async fn used_expired_and_guessed_codes_get_one_and_the_same_403() {
    let app = TestApp::spawn().await;
    let used = app.code("", 24).await;
    let (signer, _) = Signer::generate().unwrap();
    let first = app.post_enroll(&enroll_body(&used, &signer, "a")).await;
    assert_eq!(first.status(), StatusCode::OK);
    let expired = app.code("", 0).await;
    let guessed = EnrollCode {
        secret: [0x5a; 16],
        ..used.clone()
    };
    let mut bodies = Vec::new();
    for code in [&used, &expired, &guessed] {
        let response = app.post_enroll(&enroll_body(code, &signer, "b")).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        bodies.push(response.text().await.unwrap());
    }
    assert!(bodies.iter().all(|b| b == &bodies[0]), "{bodies:?}");
    assert_eq!(app.server.admin().list_devices().await.unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn malformed_enrollment_requests_get_400_and_use_no_code() {
    let app = TestApp::spawn().await;
    let code = app.code("", 24).await;
    let (signer, _) = Signer::generate().unwrap();
    let mut short_key = enroll_body(&code, &signer, "a");
    short_key["device_public_key"] = "abcd".into();
    let mut no_secret = enroll_body(&code, &signer, "a");
    no_secret.as_object_mut().unwrap().remove("secret");
    for body in [short_key, no_secret, Value::String("hello".into())] {
        let response = app.post_enroll(&body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_code(response).await, "malformed_request");
    }
    let response = app.post_enroll(&enroll_body(&code, &signer, "a")).await;
    assert_eq!(response.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn after_ten_failed_codes_an_address_gets_429_even_with_a_good_code() {
    let app = TestApp::spawn().await;
    let (signer, _) = Signer::generate().unwrap();
    let good = app.code("", 24).await;
    for guess in 0..10u8 {
        let code = EnrollCode {
            secret: [guess; 16],
            ..good.clone()
        };
        let response = app.post_enroll(&enroll_body(&code, &signer, "a")).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "guess {guess}");
    }
    let response = app.post_enroll(&enroll_body(&good, &signer, "a")).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error_code(response).await, "too_many_attempts");
    assert!(app.server.admin().list_devices().await.unwrap().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn an_upload_earns_a_receipt_and_once_applied_only_its_header_digest_signature_and_receipt_stay()
 {
    let app = TestApp::spawn().await;
    let device = app.enroll().await;
    let envelope = device.seal(1);
    let response = app.upload(envelope.clone()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let sent = response.bytes().await.unwrap().to_vec();
    let receipt = Receipt::verify(&sent, &device.server_key()).unwrap();
    assert_eq!(receipt.status, ReceiptStatus::Stored);
    assert_eq!(receipt.device_id, device.bundle.device_id);
    assert_eq!(receipt.seq, 1);
    let stored = app
        .server
        .admin()
        .stored_batch(device.bundle.device_id, 1)
        .await
        .unwrap()
        .unwrap();
    // Applied at once (its key opened it), then its ciphertext dropped.
    assert!(stored.applied_at_ms.is_some(), "{stored:?}");
    assert_eq!(stored.envelope, None);
    assert_eq!(stored.sha256, receipt.envelope_sha256);
    assert!(receipt.covers(&envelope));
    assert_eq!(stored.header.as_deref(), Some(&envelope[..119]));
    assert_eq!(
        stored.signature.as_deref(),
        Some(&envelope[envelope.len() - 64..])
    );
    assert_eq!(stored.receipt.as_deref(), Some(sent.as_slice()));
    assert_eq!(stored.received_at_ms, receipt.received_at_ms);
    let row = &app.server.admin().list_devices().await.unwrap()[0];
    assert_eq!((row.batches, row.records), (1, 1));
    assert!(row.last_seen_at_ms.is_some());
    app.stop().await;
}

#[tokio::test]
async fn the_same_bytes_again_get_a_duplicate_receipt_and_are_stored_once() {
    let app = TestApp::spawn().await;
    let device = app.enroll().await;
    let envelope = device.seal(1);
    let first = app.upload_ok(&device, &envelope).await;
    let again = app.upload_ok(&device, &envelope).await;
    assert_eq!(again.status, ReceiptStatus::Duplicate);
    assert_eq!(again.received_at_ms, first.received_at_ms);
    assert_eq!(app.stored_batches().await, 1);
    app.upload_ok(&device, &device.seal(2)).await;
    assert_eq!(app.stored_batches().await, 2);
    app.stop().await;
}

#[tokio::test]
async fn a_different_envelope_under_a_stored_sequence_number_is_409_and_an_alert() {
    let app = TestApp::spawn().await;
    let device = app.enroll().await;
    let original = device.seal(1);
    app.upload_ok(&device, &original).await;
    let response = app.upload(device.seal(1)).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(response).await, "equivocation");
    let alerts = app.server.admin().list_alerts().await.unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        (alerts[0].device_id, alerts[0].seq),
        (device.bundle.device_id, 1)
    );
    let stored = app
        .server
        .admin()
        .stored_batch(device.bundle.device_id, 1)
        .await
        .unwrap()
        .unwrap();
    assert!(
        Receipt::verify(stored.receipt.as_deref().unwrap(), &device.server_key())
            .unwrap()
            .covers(&original)
    );
    // The original still earns its duplicate receipt.
    let again = app.upload_ok(&device, &original).await;
    assert_eq!(again.status, ReceiptStatus::Duplicate);
    app.stop().await;
}

#[tokio::test]
async fn every_altered_field_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let device = app.enroll().await;
    let envelope = device.seal(1);
    let n = envelope.len() - 183;
    // (field, offset of a byte in it, expected status)
    let cases = [
        ("magic", 0, 400),
        ("version", 4, 400),
        ("kem", 6, 400),
        ("kdf", 8, 400),
        ("aead", 10, 400),
        ("org id", 11, 422),
        ("device id", 27, 401),
        ("kid", 43, 422),
        ("seq", 58, 400), // 1 becomes 0, outside 1 to 2^63 - 1
        ("batch id", 59, 422),
        ("sealed at", 82, 422),
        ("enc", 83, 422),
        ("ciphertext length", 118, 400),
        ("ciphertext", 119 + n / 2, 422),
        ("signature", 119 + n + 10, 422),
    ];
    for (field, offset, status) in cases {
        let mut altered = envelope.clone();
        altered[offset] ^= 0x01;
        let response = app.upload(altered).await;
        assert_eq!(response.status().as_u16(), status, "{field}");
    }
    let truncated = envelope[..envelope.len() - 1].to_vec();
    let extended = [envelope.clone(), vec![0]].concat();
    for altered in [truncated, extended, b"<html>hello</html>".to_vec(), vec![]] {
        assert_eq!(app.upload(altered).await.status(), StatusCode::BAD_REQUEST);
    }
    assert_eq!(app.stored_batches().await, 0);
    assert!(app.server.admin().list_alerts().await.unwrap().is_empty());
    // None of it blocks the genuine envelope.
    let receipt = app.upload_ok(&device, &envelope).await;
    assert_eq!(receipt.status, ReceiptStatus::Stored);
    app.stop().await;
}

#[tokio::test]
async fn a_well_signed_envelope_for_another_org_or_an_unknown_key_is_422() {
    let app = TestApp::spawn().await;
    let device = app.enroll().await;
    let (kid, _) = device.sealing_key();
    let plaintext = batch::encode(&raw_device::records());
    let other_org = device.seal_as(Uuid::now_v7(), kid, 1, &plaintext);
    let response = app.upload(other_org).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(response).await, "wrong_organization");
    let unknown_kid = device.seal_as(device.bundle.org_id, [7; 8], 1, &plaintext);
    let response = app.upload(unknown_kid).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(response).await, "unknown_key");
    // Another device's key cannot sign for this one.
    let (thief, _) = Signer::generate().unwrap();
    let forged = TestDevice {
        signer: thief,
        bundle: device.bundle.clone(),
    };
    let response = app.upload(forged.seal(1)).await;
    assert_eq!(error_code(response).await, "bad_signature");
    assert_eq!(app.stored_batches().await, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_revoked_device_gets_403_and_an_unknown_one_401() {
    let app = TestApp::spawn().await;
    let device = app.enroll().await;
    app.upload_ok(&device, &device.seal(1)).await;
    app.server
        .admin()
        .revoke_device(device.bundle.device_id)
        .await
        .unwrap();
    let response = app.upload(device.seal(2)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(response).await, "device_revoked");
    let (signer, _) = Signer::generate().unwrap();
    let mut bundle = device.bundle.clone();
    bundle.device_id = Uuid::now_v7();
    let stranger = TestDevice { signer, bundle };
    let response = app.upload(stranger.seal(1)).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(response).await, "unknown_device");
    assert_eq!(app.stored_batches().await, 1);
    let listed = app.server.admin().list_devices().await.unwrap();
    assert!(listed[0].revoked());
    app.stop().await;
}

/// Sends raw bytes and returns the response's status line and headers.
/// Raw TCP because the point is what the server does before reading a body.
async fn raw_exchange(address: SocketAddr, request: Vec<u8>) -> String {
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        // A guard against hanging forever, not an assertion on time.
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(60)))
            .unwrap();
        stream.write_all(&request).unwrap();
        let mut response = Vec::new();
        let mut buffer = [0u8; 4096];
        while !response.windows(4).any(|w| w == b"\r\n\r\n") {
            let read = stream.read(&mut buffer).unwrap();
            assert!(read > 0, "closed without a response");
            response.extend_from_slice(&buffer[..read]);
        }
        String::from_utf8_lossy(&response).into_owned()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_declared_body_over_1_mib_gets_413_before_a_byte_of_it_is_sent() {
    let app = TestApp::spawn().await;
    let request = b"POST /api/v1/batches HTTP/1.1\r\nHost: test\r\n\
        Content-Type: application/octet-stream\r\nContent-Length: 1048577\r\n\r\n";
    let response = raw_exchange(app.address, request.to_vec()).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.to_ascii_lowercase().contains("connection: close"));
    app.stop().await;
}

#[tokio::test]
async fn a_chunked_body_is_cut_off_with_413_once_past_1_mib() {
    let app = TestApp::spawn().await;
    let mut request = b"POST /api/v1/batches HTTP/1.1\r\nHost: test\r\n\
        Transfer-Encoding: chunked\r\n\r\n"
        .to_vec();
    let chunk = vec![0u8; 64 * 1024];
    for _ in 0..16 {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(&chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"1\r\nx\r\n"); // byte 1,048,577; no final chunk
    let response = raw_exchange(app.address, request).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert_eq!(app.stored_batches().await, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_hand_delivered_batch_then_uploaded_gets_a_duplicate_receipt() {
    let app = TestApp::spawn().await;
    let device = app.enroll().await;
    let (one, two) = (device.seal(1), device.seal(2));
    let file = encode_hand_file([one.as_slice(), two.as_slice(), b"garbage".as_slice()]);
    let results = app.server.admin().import_batches(&file).await.unwrap();
    assert_eq!(results.len(), 3);
    for (result, seq) in results[..2].iter().zip([1, 2]) {
        let signed = result.result.as_ref().unwrap();
        assert_eq!(result.seq, Some(seq));
        assert_eq!(signed.receipt.status, ReceiptStatus::Stored);
        let checked = Receipt::verify(&signed.bytes, &device.server_key()).unwrap();
        assert_eq!(&checked, &signed.receipt);
    }
    assert!(results[2].result.is_err() && results[2].seq.is_none());
    let receipt = app.upload_ok(&device, &one).await;
    assert_eq!(receipt.status, ReceiptStatus::Duplicate);
    assert_eq!(app.stored_batches().await, 2);
    app.stop().await;
}

#[tokio::test]
async fn the_catalog_is_signed_by_the_server_and_health_says_ok() {
    let app = TestApp::spawn().await;
    let device = app.enroll().await;
    let response = app
        .client
        .get(app.url("/api/v1/catalog"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = json(response).await;
    assert!(body["catalog"].is_string());
    let signed: Signed = serde_json::from_value(body).unwrap();
    let catalog: Catalog = verify_json(&signed, Purpose::Catalog, &device.server_key()).unwrap();
    assert_eq!(catalog, Catalog::default_quebec());
    // A catalog signature is not an enrollment signature.
    assert!(verify_json::<Catalog>(&signed, Purpose::Enrollment, &device.server_key()).is_err());
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.text().await.unwrap(), "ok");
    let nowhere = app
        .client
        .get(app.url("/api/v2/batches"))
        .send()
        .await
        .unwrap();
    assert_eq!(nowhere.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(nowhere).await, "not_found");
    app.stop().await;
}

#[tokio::test]
async fn a_restarted_server_keeps_its_keys_devices_and_envelopes() {
    let app = TestApp::spawn().await;
    let device = app.enroll().await;
    let envelope = device.seal(1);
    app.upload_ok(&device, &envelope).await;
    let app = TestApp::spawn_in(app.stop().await).await;
    let receipt = app.upload_ok(&device, &envelope).await;
    assert_eq!(receipt.status, ReceiptStatus::Duplicate);
    app.upload_ok(&device, &device.seal(2)).await;
    app.stop().await;
}
