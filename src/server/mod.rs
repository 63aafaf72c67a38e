//! The central server: the organization's end of the sync loop. It enrolls
//! devices, takes sealed batch envelopes (over HTTP or from a hand-delivery
//! file), stores them durably and answers signed receipts.
//!
//! Everything lives under one data directory: the keys ([`keys`]) and one
//! SQLite file ([`db`], [`queries`]), reached through one door,
//! [`store::Storage`]: typed async calls, each for one organization. The
//! logic is in [`ingest`] and [`enroll`] (their judgement apart from
//! their SQL, which the regional host's PostgreSQL backend,
//! [`store::postgres`], shares); [`http`] is a thin axum layer over
//! [`Server`], and [`admin`] gives the supervisor's commands the same
//! door without a network. Applying batches (opening, validating,
//! tallying, [`apply`]) follows ingest off the request and reads the
//! envelopes stored here. Settings come from [`config`] (defaults,
//! file, environment); [`supervisors`] holds the dashboard's accounts and
//! [`key_changes`] renames the organization and rotates sealing keys.
//! [`retention`] destroys what the retention policy no longer allows.
//! Depends on `domain` only.

pub mod admin;
pub mod apply;
pub mod config;
pub mod console;
pub mod db;
pub mod enroll;
pub mod error;
pub mod http;
pub mod ingest;
pub mod key_changes;
pub mod keys;
pub mod ledger;
pub mod limiter;
pub mod migrate;
pub mod pseudonym;
pub mod queries;
pub mod retention;
pub mod store;
pub mod supervisors;
pub mod tally;

pub use config::Config;
pub use enroll::EnrollError;
pub use error::ServerError;
pub use http::serve;
pub use ingest::{IngestError, SignedReceipt};
pub use keys::ServerKeys;

use limiter::FailureLimiter;
use pseudonym::PseudonymKey;
use rusqlite::Connection;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The running server's state, cheap to clone into each request.
#[derive(Clone)]
pub struct Server {
    inner: Arc<Inner>,
}

struct Inner {
    keys: Arc<ServerKeys>,
    storage: Arc<dyn store::Storage>,
    limiter: FailureLimiter,
    request_timeout: Duration,
    retention: retention::Policy,
    templates: Arc<Vec<crate::domain::report::template::Template>>,
}

/// The keys a storage call may need besides the database.
pub struct Parts {
    pub keys: Arc<ServerKeys>,
    pub pseudonyms: Arc<PseudonymKey>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("keys", &self.inner.keys)
            .finish_non_exhaustive()
    }
}

/// The keys and a migrated database under `data_dir`, made on first use,
/// with a receipt kept for every envelope (older releases kept none).
fn open_parts(data_dir: &Path) -> Result<(ServerKeys, Connection), ServerError> {
    let keys = ServerKeys::load_or_create(data_dir)?;
    let mut conn = db::open(data_dir)?;
    ingest::backfill_receipts(&mut conn, &keys)?;
    Ok((keys, conn))
}

/// How often `serve` applies the retention policy (`[retention] daily_purge`).
pub const PURGE_EVERY: Duration = Duration::from_secs(24 * 3600);

/// Now, as the database stores times (milliseconds since the epoch, UTC).
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Server {
    /// Opens the server's data directory with the default settings,
    /// creating keys and database on the first start.
    pub fn open(data_dir: &Path) -> Result<Server, ServerError> {
        Server::open_with(data_dir, &Config::default())
    }

    /// Opens the server's data directory with `config`: the organization
    /// takes `[org] name` if set, and enrollment and requests get their limits.
    pub fn open_with(data_dir: &Path, config: &Config) -> Result<Server, ServerError> {
        if let Some(name) = &config.org.name {
            key_changes::set_org_name(data_dir, name)?;
        }
        // Batches stored but not applied when the last run stopped.
        let storage = store::sqlite::SqliteStorage::open_applying(data_dir)?;
        let limiter =
            FailureLimiter::new(config.enroll.max_failures as usize, config.failure_window());
        Ok(Server {
            inner: Arc::new(Inner {
                keys: Arc::clone(&storage.parts().keys),
                storage: Arc::new(storage),
                limiter,
                request_timeout: config.request_timeout(),
                retention: retention::Policy::from_config(config),
                templates: Arc::new(console::report::templates(data_dir)?),
            }),
        })
    }

    /// One organization of a regional host, behind the host's door: its
    /// keys as they were when it was opened (the dashboard shows its name
    /// and the host names its fingerprint), the built-in funders'
    /// templates.
    pub fn hosted(
        storage: Arc<dyn store::Storage>,
        keys: ServerKeys,
        config: &Config,
    ) -> Result<Server, ServerError> {
        let limiter =
            FailureLimiter::new(config.enroll.max_failures as usize, config.failure_window());
        Ok(Server {
            inner: Arc::new(Inner {
                keys: Arc::new(keys),
                storage,
                limiter,
                request_timeout: config.request_timeout(),
                retention: retention::Policy::from_config(config),
                templates: Arc::new(crate::domain::report::template::Template::all(&[])?),
            }),
        })
    }

    /// How long one HTTP request may take, `[limits] request_timeout_secs`.
    pub fn request_timeout(&self) -> Duration {
        self.inner.request_timeout
    }

    /// The funders' templates: the built-in ones and `DATA/templates/*.toml`.
    pub fn templates(&self) -> &[crate::domain::report::template::Template] {
        &self.inner.templates
    }

    pub fn keys(&self) -> &ServerKeys {
        &self.inner.keys
    }

    /// Judges and stores one envelope (see [`ingest::ingest`]); it is
    /// applied soon after, off the request.
    pub async fn ingest<B>(&self, envelope: B) -> Result<SignedReceipt, IngestError>
    where
        B: AsRef<[u8]> + Send + 'static,
    {
        self.storage()
            .ingest(self.org(), envelope.as_ref().to_vec(), now_ms())
            .await
    }

    /// Waits until every batch stored so far has been through the apply
    /// step (see [`store::applier`]).
    pub async fn settled(&self) -> Result<(), ServerError> {
        self.storage().settled(self.org()).await
    }

    /// Applies the retention policy now (see [`retention::purge`]).
    pub async fn purge(&self, asker: retention::Asker) -> Result<retention::Plan, ServerError> {
        let policy = self.inner.retention;
        self.storage()
            .purge(self.org(), policy, now_ms(), asker)
            .await
    }

    /// Applies the retention policy at once and then every [`PURGE_EVERY`],
    /// for as long as the server runs. A failed purge is logged and tried
    /// again the next day; nothing is half-done (one transaction).
    pub async fn purge_daily(self) {
        let mut every = tokio::time::interval(PURGE_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(error) = self.purge(retention::Asker::Daily).await {
                tracing::error!(error = %error, "retention purge failed; retried tomorrow");
            }
        }
    }

    /// Redeems an enrollment request from `client`; see [`enroll::redeem`].
    pub async fn enroll<B>(&self, client: IpAddr, body: B) -> Result<serde_json::Value, EnrollError>
    where
        B: AsRef<[u8]> + Send + 'static,
    {
        let limiter = &self.inner.limiter;
        if !limiter.allows(&client, Instant::now()) {
            return Err(EnrollError::TooManyAttempts);
        }
        let answer = self
            .storage()
            .redeem_enrollment(self.org(), body.as_ref().to_vec(), now_ms())
            .await;
        if matches!(answer, Err(EnrollError::Refused)) {
            limiter.record_failure(&client, Instant::now());
        }
        answer
    }

    /// The door to what the server stores, for the dashboard.
    pub fn storage(&self) -> &dyn store::Storage {
        self.inner.storage.as_ref()
    }

    /// The administration of this server's organization, through its door.
    pub fn admin(&self) -> admin::Admin {
        admin::Admin::new(Arc::clone(&self.inner.storage), self.org())
    }

    /// The organization this server holds.
    pub fn org(&self) -> store::OrgId {
        store::OrgId(self.inner.keys.org_id)
    }

    /// The catalog as `GET /api/v1/catalog` answers it, signed.
    pub async fn signed_catalog(&self) -> Result<serde_json::Value, ServerError> {
        self.storage().signed_catalog(self.org()).await
    }
}
