//! Shared pieces of the sync tests: a real server on 127.0.0.1:0, headless
//! devices with real store files, and a hostile network in between (a real
//! HTTP relay that can drop, replace or alter what the server answers).

#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;
use tournee::device::{Pin, Store, SyncOptions};
use tournee::domain::{Catalog, Contact, ContactDraft};

pub mod app_e2e;
pub mod browser;
pub mod cli;
pub mod old_store;
pub mod pg;
pub mod proxy;
pub mod ssr;
pub mod web;

pub struct TestServer {
    pub data: tempfile::TempDir,
    /// On a regional host (`TOURNEE_TEST_BACKEND=postgres`): its
    /// database's address; the organization's slug is `test`.
    pub database: Option<String>,
    pub url: String,
    /// The running server, for waiting on its apply step.
    pub server: tournee::server::Server,
    stop: Option<oneshot::Sender<()>>,
}

impl TestServer {
    /// `tournee report --data` on this server's directory: its standard output.
    pub fn report(&self, args: &[&str]) -> Vec<u8> {
        let out = self
            .report_command()
            .args(args)
            .env_remove("TOURNEE_LANG")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    /// `tournee report` on this server's data, wherever they are.
    pub fn report_command(&self) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tournee"));
        command.arg("report");
        match &self.database {
            Some(url) => command.args(["--database", url, "--org", "test"]),
            None => command.arg("--data").arg(self.data.path()),
        };
        command
    }

    /// Waits until every batch this server has receipted has been through
    /// its apply step (which runs off the request): what a test reads from
    /// the data directory afterwards counts them.
    pub async fn settled(&self) {
        self.server.settled().await.unwrap();
    }

    /// A phone's sync, then [`TestServer::settled`].
    pub async fn sync(
        &self,
        store: &mut tournee::device::Store,
        options: &tournee::device::SyncOptions,
    ) -> Result<tournee::device::SyncReport, tournee::device::SyncError> {
        let report = tournee::device::sync(store, options).await;
        self.settled().await;
        report
    }

    pub async fn spawn() -> TestServer {
        TestServer::spawn_in(tempfile::tempdir().unwrap()).await
    }

    /// A server over a data directory already filled (a copy of one an
    /// earlier release wrote, say).
    pub async fn spawn_in(data: tempfile::TempDir) -> TestServer {
        TestServer::spawn_with(data, &Default::default()).await
    }

    /// A server with these settings (those of the dashboard and reports;
    /// the address and data folder are the test's).
    pub async fn spawn_with(
        data: tempfile::TempDir,
        config: &tournee::server::Config,
    ) -> TestServer {
        let (server, database) = match std::env::var("TOURNEE_TEST_BACKEND").as_deref() {
            Ok("postgres") => {
                let (server, url) = hosted(config).await;
                (server, Some(url))
            }
            Ok("sqlite") | Err(_) => (tournee::server::Server::open(data.path()).unwrap(), None),
            Ok(other) => panic!("TOURNEE_TEST_BACKEND is sqlite or postgres, not {other}"),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        // The whole site, as `tournee serve` runs it: device API and dashboard.
        let site = tournee::dashboard::site(server.clone(), config);
        tokio::spawn(tournee::server::http::serve_router(
            listener,
            site,
            async move {
                let _ = stopped.await;
            },
        ));
        TestServer {
            data,
            database,
            url,
            server,
            stop: Some(stop),
        }
    }

    pub async fn code(&self) -> String {
        self.server
            .admin()
            .create_enroll_code("test", 24)
            .await
            .unwrap()
    }

    /// How many envelopes the server holds for all devices.
    pub async fn envelopes(&self) -> u64 {
        self.server
            .admin()
            .list_devices()
            .await
            .unwrap()
            .iter()
            .map(|d| d.batches)
            .sum()
    }

    /// How many records (contacts and voids) the server applied.
    pub async fn records(&self) -> u64 {
        self.server
            .admin()
            .list_devices()
            .await
            .unwrap()
            .iter()
            .map(|d| d.records)
            .sum()
    }
}

/// One organization on a regional host of its own, in a new database of
/// the test cluster (`TOURNEE_TEST_BACKEND=postgres`: the suites that go
/// through HTTP and the door run on the host's backend too). The
/// database stays until the cluster goes, as CI's does.
async fn hosted(config: &tournee::server::Config) -> (tournee::server::Server, String) {
    use tournee::server::store::postgres::storage::PgStorage;
    let db = pg::test_db()
        .await
        .expect("TOURNEE_TEST_BACKEND=postgres needs TOURNEE_TEST_POSTGRES");
    let storage = PgStorage::open(&db.url).await.unwrap();
    let slug = tournee::server::store::slug::Slug::parse("test").unwrap();
    let org = storage
        .host()
        .create_org(&slug, tournee::server::keys::DEFAULT_ORG_NAME, 1)
        .await
        .unwrap();
    let (keys, _) = storage.host().keys(org.id).await.unwrap();
    let server =
        tournee::server::Server::hosted(std::sync::Arc::new(storage), keys, config).unwrap();
    (server, db.url)
}

impl TestServer {
    /// Changes the database by hand, as a bug or an old release would:
    /// `sqlite` on a data directory's file, `postgres` on a host's.
    pub async fn by_hand(&self, sqlite: &str, postgres: &str) {
        match &self.database {
            Some(url) => {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                    .await
                    .unwrap();
                let task = tokio::spawn(connection);
                client.batch_execute(postgres).await.expect(postgres);
                drop(client);
                let _ = task.await;
            }
            None => {
                let conn = tournee::server::db::open(self.data.path()).unwrap();
                conn.execute_batch(sqlite).expect(sqlite);
            }
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub struct TestDevice {
    pub home: tempfile::TempDir,
    pub store: Store,
}

pub fn pin() -> Pin {
    Pin::parse("482193").unwrap()
}

impl TestDevice {
    pub fn new() -> TestDevice {
        let home = tempfile::tempdir().unwrap();
        let store = Store::create(home.path(), &pin(), &Catalog::default_quebec()).unwrap();
        TestDevice { home, store }
    }

    pub async fn enroll(server: &TestServer) -> TestDevice {
        let mut device = TestDevice::new();
        let client = tournee::device::Client::new(&SyncOptions::default()).unwrap();
        tournee::device::enroll(
            &mut device.store,
            &client,
            &server.url,
            &server.code().await,
            "test phone",
        )
        .await
        .unwrap();
        device
    }

    pub fn log(&mut self, zone: &str, syringes: u32) -> Contact {
        let draft = ContactDraft {
            zone: zone.into(),
            kind: "known".into(),
            people: "1".into(),
            age_band: "18-24".into(),
            materials: vec![("seringues".into(), syringes.to_string())],
            code: Some("Tremblay-87".into()),
            ..Default::default()
        };
        let contact = draft
            .parse(
                &self.store.catalog().unwrap(),
                chrono::Local::now().fixed_offset(),
            )
            .unwrap();
        self.store.save(&contact).unwrap();
        contact
    }

    pub fn path(&self) -> PathBuf {
        self.home.path().to_path_buf()
    }

    /// Adds an active zone `id` to the phone's own catalog, one the server
    /// does not know: a batch that uses it will not fit the server's.
    /// Returns the phone's catalog with it.
    pub fn learn_zone(&mut self, id: &str) -> Catalog {
        let mut catalog = self.store.catalog().unwrap();
        catalog.zones.push(tournee::domain::CatalogEntry {
            id: tournee::domain::CatalogId::parse(id).unwrap(),
            fr: id.into(),
            en: id.into(),
            active: true,
        });
        self.store.replace_catalog(&catalog).unwrap();
        catalog
    }
}

/// Fast retries, so failure paths do not wait for seconds.
pub fn options(server: Option<&str>) -> SyncOptions {
    SyncOptions {
        server: server.map(str::to_string),
        attempts: 2,
        base_delay: std::time::Duration::from_millis(5),
        max_delay: std::time::Duration::from_millis(20),
        ..SyncOptions::default()
    }
}

/// What the relay does to upload answers (`POST /api/v1/batches`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mischief {
    /// Pass everything through.
    None,
    /// Forward the upload, let the server commit, then answer 502.
    DropResponse,
    /// Pass this many uploads (counted from when it is set), then act as
    /// `DropResponse`.
    DropResponsesAfter(usize),
    /// Never reach the server; answer 200 with a Wi-Fi sign-in page.
    CaptivePortal,
    /// Forward, then cut the receipt short.
    Truncate,
    /// Forward, then flip one byte of the receipt.
    Alter,
    /// Forward, then answer a receipt signed by another key.
    Forge,
}

pub struct Relay {
    pub url: String,
    pub mischief: Arc<Mutex<Mischief>>,
    uploads: Arc<std::sync::atomic::AtomicUsize>,
}

#[derive(Clone)]
struct RelayState {
    upstream: String,
    mischief: Arc<Mutex<Mischief>>,
    uploads: Arc<std::sync::atomic::AtomicUsize>,
    http: reqwest::Client,
}

impl Relay {
    pub async fn spawn(upstream: &str) -> Relay {
        let mischief = Arc::new(Mutex::new(Mischief::None));
        let uploads = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let state = RelayState {
            upstream: upstream.to_string(),
            mischief: mischief.clone(),
            uploads: uploads.clone(),
            http: reqwest::Client::new(),
        };
        let app = axum::Router::new().fallback(relay).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Relay {
            url: format!("http://{addr}"),
            mischief,
            uploads,
        }
    }

    pub fn set(&self, mischief: Mischief) {
        *self.mischief.lock().unwrap() = mischief;
        self.uploads.store(0, std::sync::atomic::Ordering::SeqCst);
    }
}

async fn relay(State(state): State<RelayState>, method: Method, uri: Uri, body: Bytes) -> Response {
    let mischief = *state.mischief.lock().unwrap();
    let upload = method == Method::POST && uri.path() == "/api/v1/batches";
    if upload && mischief == Mischief::CaptivePortal {
        return (
            StatusCode::OK,
            [("content-type", "text/html")],
            "<!DOCTYPE html><html><body>Connexion au Wi-Fi</body></html>",
        )
            .into_response();
    }
    let forwarded = state
        .http
        .request(method.clone(), format!("{}{}", state.upstream, uri))
        .header(
            "content-type",
            if upload {
                "application/octet-stream"
            } else {
                "application/json"
            },
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = StatusCode::from_u16(forwarded.status().as_u16()).unwrap();
    let mut bytes = forwarded.bytes().await.unwrap().to_vec();
    if upload && status == StatusCode::OK {
        let before = state
            .uploads
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let mischief = match mischief {
            Mischief::DropResponsesAfter(n) if before >= n => Mischief::DropResponse,
            other => other,
        };
        match mischief {
            Mischief::DropResponse => return StatusCode::BAD_GATEWAY.into_response(),
            Mischief::Truncate => bytes.truncate(bytes.len() / 2),
            Mischief::Alter => bytes[40] ^= 0x01,
            Mischief::Forge => {
                let (forger, _) = tournee::domain::crypto::sign::Signer::generate().unwrap();
                let body = &bytes[..bytes.len() - 64];
                let signature = forger.sign(tournee::domain::crypto::sign::Purpose::Receipt, body);
                bytes = [body, &signature[..]].concat();
            }
            _ => {}
        }
    }
    (status, bytes).into_response()
}

/// A contact at a fixed time (RFC 3339), validated as of that time so a
/// test does not depend on today's date: aged 18-24, a woman, referred to
/// the CLSC, with `materials`.
pub fn contact_at(
    time: &str,
    zone: &str,
    kind: &str,
    people: u32,
    code: Option<&str>,
    materials: &[(&str, u32)],
) -> Contact {
    let when = chrono::DateTime::parse_from_rfc3339(time).unwrap();
    ContactDraft {
        occurred_at: Some(when),
        zone: zone.into(),
        kind: kind.into(),
        people: people.to_string(),
        age_band: "18-24".into(),
        gender: Some("femme".into()),
        materials: materials
            .iter()
            .map(|(id, q)| (id.to_string(), q.to_string()))
            .collect(),
        referrals: vec!["clsc".into()],
        code: code.map(str::to_string),
        ..Default::default()
    }
    .parse(&Catalog::default_quebec(), when)
    .unwrap()
}

/// The server's tally of a month written `YYYY-MM`.
pub async fn month_tally(server: &TestServer, text: &str) -> tournee::domain::report::Tally {
    server
        .server
        .admin()
        .month_tally(tournee::domain::report::YearMonth::parse(text).unwrap())
        .await
        .unwrap()
}

/// The administration of the organization in a data directory, as
/// `tournee admin` opens it (beside a running server or without one).
pub fn admin(data: &std::path::Path) -> tournee::server::admin::Admin {
    tournee::server::admin::Admin::open(data).expect("the data directory opens")
}
