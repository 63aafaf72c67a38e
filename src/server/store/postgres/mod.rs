//! The host's backend: every organization a regional host serves, in one
//! PostgreSQL database reached through a pool of connections
//! (tokio-postgres with deadpool). [`PgHost::connect`] migrates the
//! schema ([`schema`]) before anything else reads it; [`orgs`] creates
//! the organizations and keeps each one's keys, never shared and never
//! derived from another's, wrapped with the host's key ([`host_key`]).
//!
//! Each file holds one part of what [`storage::PgStorage`] answers for
//! the storage door, every statement under its organization's id:
//! organizations, their keys and host names ([`orgs`]), phones and alerts
//! ([`devices`]), codes and the catalog ([`enroll`]), ingest ([`ingest`]),
//! apply with the ledger in memory ([`apply`]), the tally ([`tally`]),
//! the dashboard's records ([`records`]), reports, quarantine and checks
//! ([`reports`]), retention ([`retention`]), supervisors, sessions,
//! catalog changes and the phones page ([`accounts`]), the audit log
//! ([`audit`]), the regional accounts ([`regional`]) and an organization
//! moved in from a data directory ([`import`]).

pub mod accounts;
pub mod apply;
pub mod audit;
pub mod devices;
pub mod enroll;
pub mod host_key;
pub mod import;
pub mod ingest;
pub mod orgs;
pub mod records;
pub mod regional;
pub mod reports;
pub mod retention;
pub mod schema;
pub mod storage;
pub mod tally;

use crate::server::error::ServerError;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use host_key::HostKey;
use std::path::Path;
use std::sync::Arc;
use tokio_postgres::NoTls;

/// Connections kept open to the database: enough for a host's requests
/// and its apply task on a small machine.
const POOL_SIZE: usize = 16;

#[derive(Clone)]
pub struct PgHost {
    pool: Pool,
    key: Arc<HostKey>,
}

impl std::fmt::Debug for PgHost {
    // The address may hold a password: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgHost").finish_non_exhaustive()
    }
}

impl PgHost {
    /// Connects to `url` (`postgres://user:password@host:port/database`)
    /// and brings its schema to this release's.
    ///
    /// The connection is not encrypted (no TLS): the database belongs on
    /// the host's own machine or private network, never across the
    /// internet.
    pub async fn connect(url: &str) -> Result<PgHost, ServerError> {
        PgHost::connect_with(parse_url(url)?).await
    }

    /// [`connect`](Self::connect) with a configuration already parsed,
    /// and the host key where [`host_key::location`] says.
    pub async fn connect_with(config: tokio_postgres::Config) -> Result<PgHost, ServerError> {
        PgHost::connect_keyed(config, &host_key::location()?).await
    }

    /// Connects with the host key in `key_file` (made there if this
    /// database has none yet), which must be the key this database's keys
    /// are wrapped with; wraps any key a host before schema 5 left bare.
    pub async fn connect_keyed(
        config: tokio_postgres::Config,
        key_file: &Path,
    ) -> Result<PgHost, ServerError> {
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|e| ServerError::Unreachable(e.to_string()))?;
        let mut client = pool
            .get()
            .await
            .map_err(|e| ServerError::Unreachable(e.to_string()))?;
        schema::migrate(&mut client).await?;
        let keyed = client
            .query_opt("SELECT 1 FROM host_key_check", &[])
            .await?
            .is_some();
        let key = if keyed {
            HostKey::load(key_file)?
        } else {
            HostKey::load_or_create(key_file)?
        };
        let host = PgHost {
            pool,
            key: Arc::new(key),
        };
        host.adopt_key(&mut client).await?;
        Ok(host)
    }

    /// The host key, for the organizations' keys.
    pub(crate) fn host_key(&self) -> &HostKey {
        &self.key
    }

    /// One connection from the pool, returned to it when dropped.
    pub(crate) async fn client(&self) -> Result<Object, ServerError> {
        self.pool
            .get()
            .await
            .map_err(|e| ServerError::Unreachable(e.to_string()))
    }
}

/// A database's address, parsed; a bad one is named without repeating it
/// (it may hold a password).
pub fn parse_url(url: &str) -> Result<tokio_postgres::Config, ServerError> {
    url.parse()
        .map_err(|e: tokio_postgres::Error| ServerError::Unreachable(format!("address: {e}")))
}
