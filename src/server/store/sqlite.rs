//! The embedded backend of [`Storage`]: one organization's SQLite file,
//! behind the one connection [`Db`] shares, each call on tokio's blocking
//! pool. The SQL itself stays in the modules that own each table
//! (`console`, `supervisors`, `tally`, …); this maps the door's calls to
//! them, inside one transaction where a call writes more than one row.

use super::applier::Applier;
use super::{CsvRequest, OrgId, Storage};
use crate::domain::report::Tally;
use crate::domain::report::{Period, YearMonth};
use crate::domain::{Catalog, RecordId};
use crate::server::apply::ApplyReport;
use crate::server::console::activity::{self, ActivityRow, ContactRow, Filter, VoidOutcome};
use crate::server::console::audit::{self, Action, Entry};
use crate::server::console::catalog::{self, Change, Refusal};
use crate::server::console::enrollment::{self, NewCode};
use crate::server::console::incidents::{self, FollowUp, IncidentRow};
use crate::server::console::overdoses::{self, OverdoseRow};
use crate::server::console::phones::{self, Phone};
use crate::server::console::quarantine::{self, Held};
use crate::server::console::report::{self, Export, Figures};
use crate::server::console::sessions::{self, Lifetimes, NewSession, SessionRow};
use crate::server::db::{self, Db};
use crate::server::error::ServerError;
use crate::server::pseudonym::PseudonymKey;
use crate::server::queries::{self, AlertRow, DeviceRow, StoredBatch};
use crate::server::retention::{self, Asker, Plan, Policy};
use crate::server::supervisors::{self, StoredSecret};
use crate::server::supervisors::{Password, SupervisorError, SupervisorName, SupervisorRow};
use crate::server::{EnrollError, IngestError, Parts, SignedReceipt, apply, enroll, ingest};
use crate::server::{key_changes, ledger, open_parts, tally};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use uuid::Uuid;

pub struct SqliteStorage {
    org: OrgId,
    data_dir: PathBuf,
    db: Db,
    parts: Arc<Parts>,
    applier: Applier,
}

impl SqliteStorage {
    /// Opens `data_dir` (keys and database made on first use), leaving
    /// batches not yet applied for the applier.
    pub fn open(data_dir: &Path) -> Result<SqliteStorage, ServerError> {
        SqliteStorage::open_with(data_dir, false)
    }

    /// [`open`](Self::open), then applies the batches a previous run left
    /// waiting, before anything else can reach the file (a server's start).
    pub fn open_applying(data_dir: &Path) -> Result<SqliteStorage, ServerError> {
        SqliteStorage::open_with(data_dir, true)
    }

    fn open_with(data_dir: &Path, apply_first: bool) -> Result<SqliteStorage, ServerError> {
        let (keys, mut conn) = open_parts(data_dir)?;
        let pseudonyms = PseudonymKey::load_or_create(data_dir)?;
        if apply_first {
            apply::apply_pending(&mut conn, &keys, &pseudonyms)?;
        }
        let org = OrgId(keys.org_id);
        let parts = Arc::new(Parts {
            keys: Arc::new(keys),
            pseudonyms: Arc::new(pseudonyms),
        });
        let db = Db::new(conn);
        let applier = Applier::sqlite(db.clone(), Arc::clone(&parts));
        Ok(SqliteStorage {
            org,
            data_dir: data_dir.to_path_buf(),
            db,
            parts,
            applier,
        })
    }

    /// The organization this file holds.
    pub fn org(&self) -> OrgId {
        self.org
    }

    /// The keys this file's organization signs and seals with.
    pub fn parts(&self) -> &Arc<Parts> {
        &self.parts
    }

    /// Runs `work` on the connection, for this file's organization only.
    async fn run<T: Send + 'static>(
        &self,
        org: OrgId,
        work: impl FnOnce(&mut Connection, &Parts) -> Result<T, ServerError> + Send + 'static,
    ) -> Result<T, ServerError> {
        if org != self.org {
            return Err(ServerError::UnknownOrg(org.0));
        }
        // What was receipted is read back: batches stored go through apply
        // before any read or change.
        self.applier.settled().await;
        let parts = Arc::clone(&self.parts);
        self.db.call(move |conn| work(conn, &parts)).await
    }
}

#[async_trait::async_trait]
impl Storage for SqliteStorage {
    async fn ingest(
        &self,
        org: OrgId,
        envelope: Vec<u8>,
        now_ms: i64,
    ) -> Result<SignedReceipt, IngestError> {
        // The file's own organization is the only one it takes (ingest
        // checks the envelope's against it).
        if org != self.org {
            return Err(ServerError::UnknownOrg(org.0).into());
        }
        let parts = Arc::clone(&self.parts);
        let receipt = self
            .db
            .call(move |conn| ingest::ingest(conn, &parts.keys, &envelope, now_ms))
            .await?;
        // Committed: applying it is a separate step whose failure
        // quarantines the batch, never the receipt.
        if receipt.receipt.status == crate::domain::wire::ReceiptStatus::Stored {
            self.applier.stored();
        }
        Ok(receipt)
    }

    async fn settled(&self, org: OrgId) -> Result<(), ServerError> {
        if org != self.org {
            return Err(ServerError::UnknownOrg(org.0));
        }
        self.applier.settled().await;
        Ok(())
    }

    async fn apply_pending(&self, org: OrgId) -> Result<ApplyReport, ServerError> {
        self.run(org, |conn, parts| {
            apply::apply_pending(conn, &parts.keys, &parts.pseudonyms)
        })
        .await
    }

    async fn redeem_enrollment(
        &self,
        org: OrgId,
        body: Vec<u8>,
        now_ms: i64,
    ) -> Result<serde_json::Value, EnrollError> {
        if org != self.org {
            return Err(ServerError::UnknownOrg(org.0).into());
        }
        let parts = Arc::clone(&self.parts);
        self.db
            .call(move |conn| enroll::redeem(conn, &parts.keys, &body, now_ms))
            .await
    }

    async fn signed_catalog(&self, org: OrgId) -> Result<serde_json::Value, ServerError> {
        self.run(org, |conn, parts| {
            let catalog = db::catalog(conn)?;
            Ok(crate::domain::wire::enroll::sign_json(
                parts.keys.signer(),
                crate::domain::crypto::sign::Purpose::Catalog,
                "catalog",
                &catalog,
            ))
        })
        .await
    }

    async fn purge(
        &self,
        org: OrgId,
        policy: Policy,
        now_ms: i64,
        asker: Asker,
    ) -> Result<Plan, ServerError> {
        self.run(org, move |conn, _| {
            retention::purge(conn, &policy, now_ms, asker)
        })
        .await
    }

    async fn phones(&self, org: OrgId) -> Result<Vec<Phone>, ServerError> {
        self.run(org, |conn, _| phones::phones(conn)).await
    }

    async fn phone_label(
        &self,
        org: OrgId,
        id: Uuid,
    ) -> Result<Option<(String, bool)>, ServerError> {
        self.run(org, move |conn, _| phones::label(conn, id)).await
    }

    async fn revoke_phone(
        &self,
        org: OrgId,
        id: Uuid,
        actor: String,
        now_ms: i64,
    ) -> Result<Option<String>, ServerError> {
        self.run(org, move |conn, _| phones::revoke(conn, id, &actor, now_ms))
            .await
    }

    async fn create_enroll_code(
        &self,
        org: OrgId,
        actor: String,
        label: String,
        ttl_hours: u32,
        now_ms: i64,
    ) -> Result<NewCode, ServerError> {
        self.run(org, move |conn, parts| {
            enrollment::create(conn, &parts.keys, &actor, &label, ttl_hours, now_ms)
        })
        .await
    }

    async fn activity_page(
        &self,
        org: OrgId,
        filter: Filter,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<ActivityRow>, u64), ServerError> {
        self.run(org, move |conn, _| {
            activity::page(conn, &filter, offset, limit)
        })
        .await
    }

    async fn record_phones(&self, org: OrgId) -> Result<Vec<(Uuid, String)>, ServerError> {
        self.run(org, |conn, _| activity::phones(conn)).await
    }

    async fn contact(&self, org: OrgId, id: RecordId) -> Result<Option<ContactRow>, ServerError> {
        self.run(org, move |conn, _| activity::contact(conn, id))
            .await
    }

    async fn void_contact(
        &self,
        org: OrgId,
        id: RecordId,
        actor: String,
        reason: String,
        now_ms: i64,
    ) -> Result<VoidOutcome, ServerError> {
        self.run(org, move |conn, _| {
            activity::void(conn, id, &actor, &reason, now_ms)
        })
        .await
    }

    async fn overdoses(
        &self,
        org: OrgId,
        month: YearMonth,
    ) -> Result<Vec<OverdoseRow>, ServerError> {
        self.run(org, move |conn, _| overdoses::month(conn, month))
            .await
    }

    async fn overdose(&self, org: OrgId, id: RecordId) -> Result<Option<OverdoseRow>, ServerError> {
        self.run(org, move |conn, _| overdoses::one(conn, id)).await
    }

    async fn incidents(
        &self,
        org: OrgId,
        month: YearMonth,
    ) -> Result<Vec<IncidentRow>, ServerError> {
        self.run(org, move |conn, _| incidents::month(conn, month))
            .await
    }

    async fn follow_up(
        &self,
        org: OrgId,
        id: RecordId,
        action: FollowUp,
        actor: String,
        now_ms: i64,
    ) -> Result<bool, ServerError> {
        self.run(org, move |conn, _| {
            incidents::follow_up(conn, id, action, &actor, now_ms)
        })
        .await
    }

    async fn catalog(&self, org: OrgId) -> Result<Catalog, ServerError> {
        self.run(org, |conn, _| db::catalog(conn)).await
    }

    async fn change_catalog(
        &self,
        org: OrgId,
        actor: String,
        change: Change,
        now_ms: i64,
    ) -> Result<Result<u32, Refusal>, ServerError> {
        self.run(org, move |conn, _| {
            catalog::change(conn, &actor, &change, now_ms)
        })
        .await
    }

    async fn quarantined(&self, org: OrgId) -> Result<Vec<Held>, ServerError> {
        self.run(org, |conn, _| quarantine::held(conn)).await
    }

    async fn reapply(
        &self,
        org: OrgId,
        actor: String,
        now_ms: i64,
    ) -> Result<ApplyReport, ServerError> {
        self.run(org, move |conn, parts| {
            quarantine::reapply(conn, parts, &actor, now_ms)
        })
        .await
    }

    async fn audit_page(
        &self,
        org: OrgId,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<Entry>, u64), ServerError> {
        self.run(org, move |conn, _| audit::page(conn, offset, limit))
            .await
    }

    async fn supervisor_secret(
        &self,
        org: OrgId,
        name: String,
    ) -> Result<StoredSecret, ServerError> {
        self.run(org, move |conn, _| supervisors::stored_secret(conn, &name))
            .await
    }

    async fn refuse_sign_in(
        &self,
        org: OrgId,
        typed: String,
        now_ms: i64,
    ) -> Result<(), ServerError> {
        self.run(org, move |conn, _| {
            audit::record(conn, &typed, Action::SignInRefused, "", "", now_ms)
        })
        .await
    }

    async fn start_session(
        &self,
        org: OrgId,
        name: String,
        shown: String,
        life: Lifetimes,
        now_ms: i64,
    ) -> Result<NewSession, ServerError> {
        self.run(org, move |conn, _| {
            let tx = conn.transaction()?;
            // Sessions nobody came back to are deleted here, so the table
            // stays the size of the live ones.
            sessions::sweep(&tx, now_ms, life)?;
            let session = sessions::start(&tx, &name, now_ms)?;
            audit::record(&tx, &shown, Action::SignIn, "", "", now_ms)?;
            tx.commit()?;
            Ok(session)
        })
        .await
    }

    async fn find_session(
        &self,
        org: OrgId,
        token: String,
        now_ms: i64,
        life: Lifetimes,
    ) -> Result<Option<SessionRow>, ServerError> {
        self.run(org, move |conn, _| {
            sessions::find(conn, &token, now_ms, life)
        })
        .await
    }

    async fn end_session(
        &self,
        org: OrgId,
        token: String,
        actor: String,
        now_ms: i64,
    ) -> Result<(), ServerError> {
        self.run(org, move |conn, _| {
            let tx = conn.transaction()?;
            sessions::end(&tx, &token)?;
            audit::record(&tx, &actor, Action::SignOut, "", "", now_ms)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn report_figures(&self, org: OrgId, period: Period) -> Result<Figures, ServerError> {
        self.run(org, move |conn, _| report::figures(conn, period))
            .await
    }

    async fn export_csv(
        &self,
        org: OrgId,
        actor: String,
        request: CsvRequest,
        now_ms: i64,
    ) -> Result<String, ServerError> {
        self.run(org, move |conn, _| {
            let export = Export {
                period: request.period,
                suppress: request.suppress,
                style: request.style,
                template: request.template.as_ref(),
                preamble: &request.preamble,
            };
            report::export_csv(conn, &actor, &export, now_ms)
        })
        .await
    }

    async fn tally(&self, org: OrgId, period: Period) -> Result<Tally, ServerError> {
        self.run(org, move |conn, _| {
            let catalog = db::catalog(conn)?;
            tally::tally(conn, &catalog, period)
        })
        .await
    }

    async fn devices(&self, org: OrgId) -> Result<Vec<DeviceRow>, ServerError> {
        self.run(org, |conn, _| Ok(queries::devices(conn)?)).await
    }

    async fn alerts(&self, org: OrgId) -> Result<Vec<AlertRow>, ServerError> {
        self.run(org, |conn, _| Ok(queries::alerts(conn)?)).await
    }

    async fn replace_catalog(&self, org: OrgId, catalog: Catalog) -> Result<(), ServerError> {
        self.run(org, move |conn, _| db::put_catalog(conn, &catalog))
            .await
    }

    async fn stored_batch(
        &self,
        org: OrgId,
        device: Uuid,
        seq: u64,
    ) -> Result<Option<StoredBatch>, ServerError> {
        self.run(org, move |conn, _| {
            Ok(queries::stored_batch(conn, device, seq)?)
        })
        .await
    }

    async fn purge_plan(
        &self,
        org: OrgId,
        policy: Policy,
        now_ms: i64,
    ) -> Result<Plan, ServerError> {
        self.run(org, move |conn, _| retention::plan(conn, &policy, now_ms))
            .await
    }

    async fn create_supervisor(
        &self,
        org: OrgId,
        name: SupervisorName,
        password: Password,
        now_ms: i64,
    ) -> Result<(), SupervisorError> {
        self.run(org, move |conn, _| {
            Ok(supervisors::create(conn, &name, &password, now_ms))
        })
        .await?
    }

    async fn disable_supervisor(
        &self,
        org: OrgId,
        name: SupervisorName,
        now_ms: i64,
    ) -> Result<(), SupervisorError> {
        self.run(org, move |conn, _| {
            Ok(supervisors::disable(conn, &name, now_ms))
        })
        .await?
    }

    async fn supervisors(&self, org: OrgId) -> Result<Vec<SupervisorRow>, ServerError> {
        self.run(org, |conn, _| supervisors::list(conn)).await
    }

    async fn rotate_sealing_key(&self, org: OrgId) -> Result<[u8; 8], ServerError> {
        if org != self.org {
            return Err(ServerError::UnknownOrg(org.0));
        }
        // The keys live in files beside the database; this process's
        // copy in memory keeps the old epoch current until it restarts.
        let data_dir = self.data_dir.clone();
        tokio::task::spawn_blocking(move || key_changes::rotate_sealing_key(&data_dir))
            .await
            .map_err(|e| ServerError::Damaged(format!("key rotation stopped: {e}")))?
    }

    async fn contact_ids(
        &self,
        org: OrgId,
        devices: Vec<Uuid>,
    ) -> Result<Vec<RecordId>, ServerError> {
        self.run(org, move |conn, _| {
            Ok(queries::contact_ids(conn, &devices)?)
        })
        .await
    }

    async fn rollup_check(&self, org: OrgId) -> Result<(u64, u64), ServerError> {
        self.run(org, |conn, _| {
            let from = retention::kept_from(conn)?.map_or_else(String::new, |m| m.to_string());
            Ok(queries::rollup_check(conn, &from)?)
        })
        .await
    }

    async fn pending_batches(&self, org: OrgId) -> Result<u64, ServerError> {
        // Not `run`: it must not wait for this process's applier, since
        // what it counts is what any process has left to apply.
        if org != self.org {
            return Err(ServerError::UnknownOrg(org.0));
        }
        self.db
            .call(|conn| Ok(queries::pending_batches(conn)?))
            .await
    }

    async fn span_check(&self, org: OrgId) -> Result<u64, ServerError> {
        self.run(org, |conn, _| ledger::span_mismatches(conn)).await
    }
}
