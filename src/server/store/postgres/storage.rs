//! The host's side of the storage door: [`PgHost`]'s calls with the apply
//! step off the request ([`Applier`], as on the embedded backend). Ingest
//! wakes the applier; a read waits until what was receipted before it
//! has been through apply, so a page asked for after a receipt shows that
//! receipt's records. Batches left waiting by a previous process are
//! applied as soon as the host opens.

use super::PgHost;
use crate::domain::report::YearMonth;
use crate::domain::report::{Period, Tally};
use crate::domain::wire::ReceiptStatus;
use crate::domain::{Catalog, RecordId};
use crate::server::apply::ApplyReport;
use crate::server::console::activity::{ActivityRow, ContactRow, Filter, VoidOutcome};
use crate::server::console::audit::Entry;
use crate::server::console::catalog::{Change, Refusal};
use crate::server::console::enrollment::NewCode;
use crate::server::console::incidents::{FollowUp, IncidentRow};
use crate::server::console::overdoses::OverdoseRow;
use crate::server::console::phones::Phone;
use crate::server::console::quarantine::Held;
use crate::server::console::report::{Export, Figures};
use crate::server::console::sessions::{Lifetimes, NewSession, SessionRow};
use crate::server::error::ServerError;
use crate::server::queries::{AlertRow, DeviceRow, StoredBatch};
use crate::server::retention::{Asker, Plan, Policy};
use crate::server::store::applier::Applier;
use crate::server::store::{CsvRequest, OrgId, Storage};
use crate::server::supervisors::{
    Password, StoredSecret, SupervisorError, SupervisorName, SupervisorRow,
};
use crate::server::{EnrollError, IngestError, SignedReceipt};
use std::collections::HashSet;
use std::sync::RwLock;
use uuid::Uuid;

pub struct PgStorage {
    host: PgHost,
    applier: Applier,
    /// Organizations seen to exist: never deleted, so a positive answer
    /// is kept; a call for any other is checked against the database.
    known: RwLock<HashSet<OrgId>>,
}

impl PgStorage {
    /// Connects (migrating the schema) and starts applying what waits.
    pub async fn open(url: &str) -> Result<PgStorage, ServerError> {
        PgStorage::open_with(super::parse_url(url)?).await
    }

    pub async fn open_with(config: tokio_postgres::Config) -> Result<PgStorage, ServerError> {
        let host = PgHost::connect_with(config).await?;
        let applying = host.clone();
        let applier = Applier::new(Box::new(move || {
            let host = applying.clone();
            Box::pin(async move { host.apply_pending(None).await })
        }));
        applier.stored();
        Ok(PgStorage {
            host,
            applier,
            known: RwLock::new(HashSet::new()),
        })
    }

    /// Waits until every batch stored so far, of any organization, has
    /// been through apply (before the host stops).
    pub async fn drain(&self) {
        self.applier.settled().await;
    }

    /// The host's calls that need no apply step (organizations, keys,
    /// phones, enrollment).
    pub fn host(&self) -> &PgHost {
        &self.host
    }

    /// Refuses an organization the host does not hold.
    async fn known(&self, org: OrgId) -> Result<(), ServerError> {
        if self.known.read().is_ok_and(|k| k.contains(&org)) {
            return Ok(());
        }
        let client = self.host.client().await?;
        let found = client
            .query_opt("SELECT 1 FROM organizations WHERE org_id = $1", &[&org.0])
            .await?;
        if found.is_none() {
            return Err(ServerError::UnknownOrg(org.0));
        }
        if let Ok(mut known) = self.known.write() {
            known.insert(org);
        }
        Ok(())
    }

    /// [`known`](Self::known), then waits until what was receipted has
    /// been through apply: what every call of the door does before it
    /// reads or writes, so what was receipted is what is read.
    async fn ready(&self, org: OrgId) -> Result<&PgHost, ServerError> {
        self.known(org).await?;
        self.applier.settled().await;
        Ok(&self.host)
    }
}

#[async_trait::async_trait]
impl Storage for PgStorage {
    async fn ingest(
        &self,
        org: OrgId,
        envelope: Vec<u8>,
        now_ms: i64,
    ) -> Result<SignedReceipt, IngestError> {
        let receipt = self.host.ingest(Some(org), &envelope, now_ms).await?;
        // Committed: applying it is a separate step whose failure
        // quarantines the batch, never the receipt.
        if receipt.receipt.status == ReceiptStatus::Stored {
            self.applier.stored();
        }
        Ok(receipt)
    }

    async fn settled(&self, org: OrgId) -> Result<(), ServerError> {
        self.ready(org).await.map(|_| ())
    }

    async fn apply_pending(&self, org: OrgId) -> Result<ApplyReport, ServerError> {
        self.ready(org).await?.apply_pending(Some(org)).await
    }

    async fn redeem_enrollment(
        &self,
        org: OrgId,
        body: Vec<u8>,
        now_ms: i64,
    ) -> Result<serde_json::Value, EnrollError> {
        self.known(org).await?;
        self.host.redeem_enrollment(Some(org), &body, now_ms).await
    }

    async fn signed_catalog(&self, org: OrgId) -> Result<serde_json::Value, ServerError> {
        self.ready(org).await?.signed_catalog(org).await
    }

    async fn purge(
        &self,
        org: OrgId,
        policy: Policy,
        now_ms: i64,
        asker: Asker,
    ) -> Result<Plan, ServerError> {
        self.ready(org)
            .await?
            .purge(org, &policy, now_ms, asker)
            .await
    }

    async fn phones(&self, org: OrgId) -> Result<Vec<Phone>, ServerError> {
        self.ready(org).await?.phones(org).await
    }

    async fn phone_label(
        &self,
        org: OrgId,
        id: Uuid,
    ) -> Result<Option<(String, bool)>, ServerError> {
        self.ready(org).await?.phone_label(org, id).await
    }

    async fn revoke_phone(
        &self,
        org: OrgId,
        id: Uuid,
        actor: String,
        now_ms: i64,
    ) -> Result<Option<String>, ServerError> {
        self.ready(org)
            .await?
            .revoke_phone(org, id, &actor, now_ms)
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
        self.ready(org)
            .await?
            .create_enroll_code_audited(org, &actor, &label, ttl_hours, now_ms)
            .await
    }

    async fn activity_page(
        &self,
        org: OrgId,
        filter: Filter,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<ActivityRow>, u64), ServerError> {
        self.ready(org)
            .await?
            .activity_page(org, &filter, offset, limit)
            .await
    }

    async fn record_phones(&self, org: OrgId) -> Result<Vec<(Uuid, String)>, ServerError> {
        self.ready(org).await?.record_phones(org).await
    }

    async fn contact(&self, org: OrgId, id: RecordId) -> Result<Option<ContactRow>, ServerError> {
        self.ready(org).await?.contact(org, id).await
    }

    async fn void_contact(
        &self,
        org: OrgId,
        id: RecordId,
        actor: String,
        reason: String,
        now_ms: i64,
    ) -> Result<VoidOutcome, ServerError> {
        self.ready(org)
            .await?
            .void_contact(org, id, &actor, &reason, now_ms)
            .await
    }

    async fn overdoses(
        &self,
        org: OrgId,
        month: YearMonth,
    ) -> Result<Vec<OverdoseRow>, ServerError> {
        self.ready(org).await?.overdoses(org, month).await
    }

    async fn overdose(&self, org: OrgId, id: RecordId) -> Result<Option<OverdoseRow>, ServerError> {
        self.ready(org).await?.overdose(org, id).await
    }

    async fn incidents(
        &self,
        org: OrgId,
        month: YearMonth,
    ) -> Result<Vec<IncidentRow>, ServerError> {
        self.ready(org).await?.incidents(org, month).await
    }

    async fn follow_up(
        &self,
        org: OrgId,
        id: RecordId,
        action: FollowUp,
        actor: String,
        now_ms: i64,
    ) -> Result<bool, ServerError> {
        self.ready(org)
            .await?
            .follow_up(org, id, action, &actor, now_ms)
            .await
    }

    async fn catalog(&self, org: OrgId) -> Result<Catalog, ServerError> {
        self.ready(org).await?.catalog(org).await
    }

    async fn change_catalog(
        &self,
        org: OrgId,
        actor: String,
        change: Change,
        now_ms: i64,
    ) -> Result<Result<u32, Refusal>, ServerError> {
        self.ready(org)
            .await?
            .change_catalog(org, &actor, &change, now_ms)
            .await
    }

    async fn quarantined(&self, org: OrgId) -> Result<Vec<Held>, ServerError> {
        self.ready(org).await?.quarantined(org).await
    }

    async fn reapply(
        &self,
        org: OrgId,
        actor: String,
        now_ms: i64,
    ) -> Result<ApplyReport, ServerError> {
        self.ready(org)
            .await?
            .reapply_audited(org, &actor, now_ms)
            .await
    }

    async fn audit_page(
        &self,
        org: OrgId,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<Entry>, u64), ServerError> {
        self.ready(org).await?.audit_page(org, offset, limit).await
    }

    async fn supervisor_secret(
        &self,
        org: OrgId,
        name: String,
    ) -> Result<StoredSecret, ServerError> {
        self.ready(org).await?.supervisor_secret(org, &name).await
    }

    async fn refuse_sign_in(
        &self,
        org: OrgId,
        typed: String,
        now_ms: i64,
    ) -> Result<(), ServerError> {
        self.ready(org)
            .await?
            .refuse_sign_in(org, &typed, now_ms)
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
        self.ready(org)
            .await?
            .start_session(org, &name, &shown, life, now_ms)
            .await
    }

    async fn find_session(
        &self,
        org: OrgId,
        token: String,
        now_ms: i64,
        life: Lifetimes,
    ) -> Result<Option<SessionRow>, ServerError> {
        self.ready(org)
            .await?
            .find_session(org, &token, now_ms, life)
            .await
    }

    async fn end_session(
        &self,
        org: OrgId,
        token: String,
        actor: String,
        now_ms: i64,
    ) -> Result<(), ServerError> {
        self.ready(org)
            .await?
            .end_session(org, &token, &actor, now_ms)
            .await
    }

    async fn report_figures(&self, org: OrgId, period: Period) -> Result<Figures, ServerError> {
        self.ready(org).await?.report_figures(org, period).await
    }

    async fn export_csv(
        &self,
        org: OrgId,
        actor: String,
        request: CsvRequest,
        now_ms: i64,
    ) -> Result<String, ServerError> {
        let export = Export {
            period: request.period,
            suppress: request.suppress,
            style: request.style,
            template: request.template.as_ref(),
            preamble: &request.preamble,
        };
        self.ready(org)
            .await?
            .export_csv(org, &actor, &export, now_ms)
            .await
    }

    async fn tally(&self, org: OrgId, period: Period) -> Result<Tally, ServerError> {
        self.ready(org).await?.tally(org, period).await
    }

    async fn devices(&self, org: OrgId) -> Result<Vec<DeviceRow>, ServerError> {
        self.ready(org).await?.devices(org).await
    }

    async fn alerts(&self, org: OrgId) -> Result<Vec<AlertRow>, ServerError> {
        self.ready(org).await?.alerts(org).await
    }

    async fn replace_catalog(&self, org: OrgId, catalog: Catalog) -> Result<(), ServerError> {
        self.ready(org).await?.replace_catalog(org, &catalog).await
    }

    async fn stored_batch(
        &self,
        org: OrgId,
        device: Uuid,
        seq: u64,
    ) -> Result<Option<StoredBatch>, ServerError> {
        self.ready(org).await?.stored_batch(org, device, seq).await
    }

    async fn purge_plan(
        &self,
        org: OrgId,
        policy: Policy,
        now_ms: i64,
    ) -> Result<Plan, ServerError> {
        self.ready(org)
            .await?
            .purge_plan(org, &policy, now_ms)
            .await
    }

    async fn create_supervisor(
        &self,
        org: OrgId,
        name: SupervisorName,
        password: Password,
        now_ms: i64,
    ) -> Result<(), SupervisorError> {
        self.ready(org)
            .await?
            .create_supervisor(org, &name, &password, now_ms)
            .await
    }

    async fn disable_supervisor(
        &self,
        org: OrgId,
        name: SupervisorName,
        now_ms: i64,
    ) -> Result<(), SupervisorError> {
        self.ready(org)
            .await?
            .disable_supervisor(org, &name, now_ms)
            .await
    }

    async fn supervisors(&self, org: OrgId) -> Result<Vec<SupervisorRow>, ServerError> {
        self.ready(org).await?.supervisors(org).await
    }

    async fn rotate_sealing_key(&self, org: OrgId) -> Result<[u8; 8], ServerError> {
        let now_ms = chrono::Utc::now().timestamp_millis();
        self.ready(org).await?.rotate_sealing_key(org, now_ms).await
    }

    async fn contact_ids(
        &self,
        org: OrgId,
        devices: Vec<Uuid>,
    ) -> Result<Vec<RecordId>, ServerError> {
        self.ready(org).await?.contact_ids(org, &devices).await
    }

    async fn rollup_check(&self, org: OrgId) -> Result<(u64, u64), ServerError> {
        self.ready(org).await?.rollup_check(org).await
    }

    async fn pending_batches(&self, org: OrgId) -> Result<u64, ServerError> {
        // Without waiting for this host's applier: what it counts is what
        // any host has left to apply.
        self.known(org).await?;
        self.host.pending_batches(org).await
    }

    async fn span_check(&self, org: OrgId) -> Result<u64, ServerError> {
        self.ready(org).await?.span_check(org).await
    }
}
