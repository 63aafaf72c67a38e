//! The host's administration: the `tournee admin` commands (and the
//! tests' checks of what is stored), through the storage door like the
//! dashboard, for one organization. [`Admin::open`] opens a data directory
//! for a command run beside the server or without it (SQLite's WAL and
//! busy timeout let both write in turn, and the server reads revocations
//! and codes on every request, so a change takes effect at once);
//! [`Server::admin`](super::Server::admin) administers a running server
//! from within.

use super::apply::ApplyReport;
use super::console::quarantine::Held;
use super::error::ServerError;
use super::ingest::{IngestError, SignedReceipt};
use super::now_ms;
use super::queries::{AlertRow, DeviceRow, StoredBatch};
use super::retention::{Asker, Plan, Policy};
use super::store::sqlite::SqliteStorage;
use super::store::{OrgId, Storage};
use super::supervisors::{self, Password, SupervisorError, SupervisorName, SupervisorRow};
use crate::domain::report::{Period, Tally, Threshold, YearMonth};
use crate::domain::wire::Envelope;
use crate::domain::wire::enroll::decode_hand_file;
use crate::domain::{Catalog, RecordId};
use std::path::Path;
use std::sync::Arc;
use uuid::Uuid;

/// Who the audit log names for what these commands change.
pub const ACTOR: &str = "tournee admin";

/// What became of one envelope of a hand-delivery file.
#[derive(Debug)]
pub struct ImportedBatch {
    /// The sequence number and batch id, when the header could be read.
    pub seq: Option<u64>,
    pub batch_id: Option<Uuid>,
    pub result: Result<SignedReceipt, IngestError>,
}

/// One organization's administration, through the storage door.
#[derive(Clone)]
pub struct Admin {
    storage: Arc<dyn Storage>,
    org: OrgId,
}

impl Admin {
    /// Opens the organization of a data directory (keys and database made
    /// on first use).
    pub fn open(data_dir: &Path) -> Result<Admin, ServerError> {
        let storage = SqliteStorage::open(data_dir)?;
        let org = storage.org();
        Ok(Admin::new(Arc::new(storage), org))
    }

    /// Opens one organization of a regional host (`--database`, `--org`).
    pub async fn hosted(url: &str, slug: &str) -> Result<Admin, ServerError> {
        let slug = crate::server::store::slug::Slug::parse(slug)?;
        let storage = crate::server::store::postgres::storage::PgStorage::open(url).await?;
        let org = storage.host().org(&slug).await?.id;
        Ok(Admin::new(Arc::new(storage), org))
    }

    pub fn new(storage: Arc<dyn Storage>, org: OrgId) -> Admin {
        Admin { storage, org }
    }

    pub fn org(&self) -> OrgId {
        self.org
    }

    /// Creates a one-time enrollment code valid `ttl_hours` ([`super::enroll::DEFAULT_TTL_HOURS`]
    /// in the CLI; 0 makes a code that is already expired) and returns its
    /// text, `ABCDEF-GHIJKL-…`, to show the person enrolling a phone.
    pub async fn create_enroll_code(
        &self,
        label: &str,
        ttl_hours: u32,
    ) -> Result<String, ServerError> {
        let code = self
            .storage
            .create_enroll_code(self.org, ACTOR.into(), label.into(), ttl_hours, now_ms())
            .await?;
        Ok(code.text)
    }

    /// Revokes a device: its next upload is refused with 403. Revoking
    /// twice keeps the first time.
    pub async fn revoke_device(&self, device_id: Uuid) -> Result<(), ServerError> {
        match self
            .storage
            .revoke_phone(self.org, device_id, ACTOR.into(), now_ms())
            .await?
        {
            Some(_) => {
                tracing::info!(device = %device_id, "device revoked");
                Ok(())
            }
            None => Err(ServerError::UnknownDevice(device_id)),
        }
    }

    /// Every enrolled device, oldest first, with its count of stored batches.
    pub async fn list_devices(&self) -> Result<Vec<DeviceRow>, ServerError> {
        self.storage.devices(self.org).await
    }

    /// Every alert (equivocations), oldest first.
    pub async fn list_alerts(&self) -> Result<Vec<AlertRow>, ServerError> {
        self.storage.alerts(self.org).await
    }

    /// Imports a hand-delivery file: each envelope goes through the same
    /// checks and dedup as an HTTP upload, in its own transaction, so one
    /// bad envelope does not keep the others out; returns once every batch
    /// stored has been applied. A file that is not a hand-delivery file at
    /// all imports nothing.
    pub async fn import_batches(&self, file: &[u8]) -> Result<Vec<ImportedBatch>, ServerError> {
        let envelopes = decode_hand_file(file).map_err(ServerError::HandFile)?;
        let mut imported = Vec::with_capacity(envelopes.len());
        for bytes in envelopes {
            let header = Envelope::decode(bytes).ok().map(|e| e.header);
            let result = self
                .storage
                .ingest(self.org, bytes.to_vec(), now_ms())
                .await;
            imported.push(ImportedBatch {
                seq: header.as_ref().map(|h| h.seq),
                batch_id: header.as_ref().map(|h| h.batch_id),
                result,
            });
        }
        self.storage.settled(self.org).await?;
        Ok(imported)
    }

    /// Applies stored batches not yet applied (normally done at once by
    /// the server; this catches up after a crash or an import).
    pub async fn apply_pending(&self) -> Result<ApplyReport, ServerError> {
        self.storage.apply_pending(self.org).await
    }

    /// Retries every quarantined batch (after the catalog or the server was fixed).
    pub async fn reapply(&self) -> Result<ApplyReport, ServerError> {
        self.storage.reapply(self.org, ACTOR.into(), now_ms()).await
    }

    /// Batches that failed to apply, and why, oldest received first.
    pub async fn quarantined(&self) -> Result<Vec<Held>, ServerError> {
        self.storage.quarantined(self.org).await
    }

    /// Replaces the organization's catalog (validated first). Phones get it
    /// at their next sync when its version is higher than theirs.
    pub async fn replace_catalog(&self, catalog: &Catalog) -> Result<(), ServerError> {
        catalog
            .validate()
            .map_err(|e| ServerError::Damaged(format!("catalog: {e}")))?;
        self.storage
            .replace_catalog(self.org, catalog.clone())
            .await
    }

    /// The organization's current catalog.
    pub async fn catalog(&self) -> Result<Catalog, ServerError> {
        self.storage.catalog(self.org).await
    }

    /// Record ids of the contacts applied from these devices (for checking
    /// a simulation against what it generated).
    pub async fn contact_ids(&self, devices: &[Uuid]) -> Result<Vec<RecordId>, ServerError> {
        self.storage.contact_ids(self.org, devices.to_vec()).await
    }

    /// Contacts counted by the rollups and live contact rows, over the
    /// months still kept contact by contact: equal unless something was
    /// counted twice or missed.
    pub async fn rollup_check(&self) -> Result<(u64, u64), ServerError> {
        self.storage.rollup_check(self.org).await
    }

    /// Batches stored and not yet through the apply step, by this process
    /// or another (a running server applies them within moments).
    pub async fn pending_batches(&self) -> Result<u64, ServerError> {
        self.storage.pending_batches(self.org).await
    }

    /// Who was seen by quarter and fiscal year against who was seen each
    /// month: the rows that disagree (0 when every span is its months' sum).
    pub async fn span_check(&self) -> Result<u64, ServerError> {
        self.storage.span_check(self.org).await
    }

    /// The month's exact figures (see [`crate::server::tally`]).
    pub async fn month_tally(&self, month: YearMonth) -> Result<Tally, ServerError> {
        self.tally(Period::Month(month)).await
    }

    /// The period's exact figures, with its comparisons.
    pub async fn tally(&self, period: Period) -> Result<Tally, ServerError> {
        self.storage.tally(self.org, period).await
    }

    /// The spreadsheet CSV of `period` (`tournee report --format
    /// spreadsheet`): the report's tables in `lang`, `preamble` lines above.
    pub async fn spreadsheet(
        &self,
        period: Period,
        suppress: Option<Threshold>,
        lang: crate::domain::i18n::Lang,
        preamble: &[String],
    ) -> Result<String, ServerError> {
        let figures = self.storage.report_figures(self.org, period).await?;
        let published = figures.published(suppress);
        let sheet = figures.sheet(&published, lang);
        Ok(crate::domain::report::spreadsheet::to_spreadsheet(
            &sheet, lang, preamble,
        ))
    }

    /// What is kept of one envelope: the envelope itself until it applies,
    /// then its header, digest, signature and receipt.
    pub async fn stored_batch(
        &self,
        device_id: Uuid,
        seq: u64,
    ) -> Result<Option<StoredBatch>, ServerError> {
        self.storage.stored_batch(self.org, device_id, seq).await
    }

    /// What the retention policy would destroy now (`admin purge --dry-run`).
    pub async fn purge_plan(&self, policy: &Policy, now_ms: i64) -> Result<Plan, ServerError> {
        self.storage.purge_plan(self.org, *policy, now_ms).await
    }

    /// Destroys what the retention policy no longer allows (audited).
    pub async fn purge(&self, policy: &Policy, now_ms: i64) -> Result<Plan, ServerError> {
        self.storage
            .purge(self.org, *policy, now_ms, Asker::Admin)
            .await
    }

    /// Creates a supervisor account (see [`supervisors`]). The name and the
    /// password are parsed by the caller, so nothing is written for bad input.
    pub async fn create_supervisor(
        &self,
        name: &SupervisorName,
        password: &Password,
    ) -> Result<(), SupervisorError> {
        self.storage
            .create_supervisor(self.org, name.clone(), password.clone(), now_ms())
            .await
    }

    /// Disables a supervisor account; it can no longer sign in.
    pub async fn disable_supervisor(&self, name: &SupervisorName) -> Result<(), SupervisorError> {
        self.storage
            .disable_supervisor(self.org, name.clone(), now_ms())
            .await
    }

    /// Every supervisor account, oldest first.
    pub async fn list_supervisors(&self) -> Result<Vec<SupervisorRow>, ServerError> {
        self.storage.supervisors(self.org).await
    }

    /// True only for an active account and its password; see [`supervisors::check`].
    pub async fn verify_supervisor(&self, name: &str, password: &str) -> Result<bool, ServerError> {
        let secret = self
            .storage
            .supervisor_secret(self.org, name.to_string())
            .await?;
        supervisors::check(&secret, password)
    }

    /// Adds a sealing epoch and makes it current; returns its kid. A
    /// running server keeps its keys in memory and hands out the new key
    /// once restarted.
    pub async fn rotate_seal_key(&self) -> Result<[u8; 8], ServerError> {
        self.storage.rotate_sealing_key(self.org).await
    }
}
