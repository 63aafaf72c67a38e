//! Sealing-key rotation as an operator does it: a server with an enrolled
//! phone, `tournee admin rotate-seal-key` (the real binary) on its data
//! directory, a restart, then phones sealing to the old and the new epoch
//! over real HTTP.

mod raw_device;

use raw_device::{TestDevice, enroll_body};
use reqwest::StatusCode;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use tokio::sync::oneshot;
use tournee::domain::crypto::sign::Signer;
use tournee::domain::wire::enroll::{EnrollCode, Signed, verify_bundle};
use tournee::domain::wire::envelope::HEADER_LEN;
use tournee::domain::wire::{Header, Receipt, ReceiptStatus};
use tournee::server::admin::Admin;
use tournee::server::{Server, ServerKeys, serve};

struct Running {
    server: Server,
    address: SocketAddr,
    client: reqwest::Client,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    async fn start(data: &Path) -> Running {
        let server = Server::open(data).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, server.clone(), async {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        Running {
            server,
            address,
            client,
            stop,
            task,
        }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.unwrap().unwrap();
    }

    async fn enroll(&self, data: &Path) -> TestDevice {
        let text = Admin::open(data)
            .unwrap()
            .create_enroll_code("Nuit 3", 24)
            .await
            .unwrap();
        let code = EnrollCode::parse(&text).unwrap();
        let (signer, _) = Signer::generate().unwrap();
        let response = self
            .client
            .post(format!("http://{}/api/v1/enroll", self.address))
            .header("content-type", "application/json")
            .body(enroll_body(&code, &signer, "Nuit 3").to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let signed: Signed = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        let bundle = verify_bundle(&signed, &code).unwrap();
        TestDevice { signer, bundle }
    }

    async fn upload(&self, device: &TestDevice, envelope: &[u8]) -> Receipt {
        let response = self
            .client
            .post(format!("http://{}/api/v1/batches", self.address))
            .header("content-type", "application/octet-stream")
            .body(envelope.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let receipt = Receipt::verify(&response.bytes().await.unwrap(), &device.server_key());
        // Applying runs off the request: wait for it before reading.
        self.server.settled().await.unwrap();
        receipt.unwrap()
    }
}

fn rotate(data: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tournee"))
        .args(["--lang", "en", "admin", "rotate-seal-key", "--data"])
        .arg(data)
        .env_remove("TOURNEE_SERVER_DATA")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("Old keys stay to open late batches"),
        "{text}"
    );
    text.lines().last().unwrap().to_string()
}

/// The stored envelope opened with the server's key for its kid: it
/// applied, and only its header (with the kid) is kept. Returns the kid.
async fn applied_with_stored_key(data: &Path, device: &TestDevice, seq: u64) -> [u8; 8] {
    let keys = ServerKeys::load_or_create(data).unwrap();
    let stored = Admin::open(data)
        .unwrap()
        .stored_batch(device.bundle.device_id, seq)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.applied_at_ms.is_some() && stored.quarantined_at_ms.is_none());
    assert_eq!(stored.envelope, None, "the ciphertext is gone once applied");
    let header: [u8; HEADER_LEN] = stored.header.unwrap().try_into().unwrap();
    let kid = Header::decode(&header).unwrap().kid;
    assert!(keys.sealing_key(&kid).is_some());
    kid
}

#[tokio::test]
async fn after_a_rotation_batches_sealed_to_the_old_and_the_new_key_are_both_accepted() {
    let data = tempfile::tempdir().unwrap();
    let running = Running::start(data.path()).await;
    let early = running.enroll(data.path()).await;
    running.stop().await;
    let (old_kid, _) = early.sealing_key();

    let new_kid = rotate(data.path());
    assert_eq!(new_kid.len(), 16, "the kid alone on the last line");
    assert_ne!(new_kid, hex::encode(old_kid));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let file = data.path().join(format!("keys/seal/{new_kid}.key"));
        let mode = std::fs::metadata(file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let running = Running::start(data.path()).await;
    let late = running.enroll(data.path()).await;
    assert_eq!(
        late.bundle.sealing_keys[0].kid, new_kid,
        "the new key first"
    );
    assert_eq!(late.server_key(), early.server_key(), "same signing key");
    assert_eq!(late.bundle.org_id, early.bundle.org_id);

    let old = running.upload(&early, &early.seal(1)).await;
    assert_eq!(old.status, ReceiptStatus::Stored);
    let new = running.upload(&late, &late.seal(1)).await;
    assert_eq!(new.status, ReceiptStatus::Stored);
    running.stop().await;

    let kids = [
        applied_with_stored_key(data.path(), &early, 1).await,
        applied_with_stored_key(data.path(), &late, 1).await,
    ];
    assert_eq!(kids, [old_kid, late.sealing_key().0]);
    assert!(
        Admin::open(data.path())
            .unwrap()
            .quarantined()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_rotation_while_the_server_runs_leaves_it_answering_with_the_key_it_loaded() {
    let data = tempfile::tempdir().unwrap();
    let running = Running::start(data.path()).await;
    let first = running.enroll(data.path()).await;
    let new_kid = rotate(data.path());
    let second = running.enroll(data.path()).await;
    assert_eq!(second.bundle.sealing_keys, first.bundle.sealing_keys);
    assert_ne!(second.bundle.sealing_keys[0].kid, new_kid);
    running.upload(&second, &second.seal(1)).await;
    running.stop().await;
}
