//! The one door to what the server stores: typed, async calls, each for
//! one organization ([`OrgId`]). The dashboard goes through [`Storage`]
//! and never sees a connection or a line of SQL; a backend keeps them.
//! [`sqlite::SqliteStorage`] is the embedded one, a single organization's
//! data directory; [`postgres::storage::PgStorage`] is a regional host's,
//! many organizations in one PostgreSQL database, behind the same calls.
//! A call for an organization a backend does not hold is refused
//! ([`ServerError::UnknownOrg`]), never answered with another's data.
//!
//! Arguments are owned, since a call may run on another thread (SQLite's
//! calls block, so they run on tokio's blocking pool).

pub mod applier;
pub mod postgres;
pub mod slug;
pub mod sqlite;

use super::apply::ApplyReport;
use super::console::activity::{ActivityRow, ContactRow, Filter, VoidOutcome};
use super::console::audit::Entry;
use super::console::catalog::{Change, Refusal};
use super::console::enrollment::NewCode;
use super::console::incidents::{FollowUp, IncidentRow};
use super::console::overdoses::OverdoseRow;
use super::console::phones::Phone;
use super::console::quarantine::Held;
use super::console::report::{CsvStyle, Figures};
use super::console::sessions::{Lifetimes, NewSession, SessionRow};
use super::error::ServerError;
use super::queries::{AlertRow, DeviceRow, StoredBatch};
use super::retention::{Asker, Plan, Policy};
use super::supervisors::{Password, StoredSecret, SupervisorError, SupervisorName, SupervisorRow};
use super::{EnrollError, IngestError, SignedReceipt};
use crate::domain::report::template::Template;
use crate::domain::report::{Period, Tally, Threshold, YearMonth};
use crate::domain::{Catalog, RecordId};
use std::fmt;
use uuid::Uuid;

/// An organization, by the id its phones seal into every envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgId(pub Uuid);

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A CSV download, as [`console::report::Export`](super::console::report::Export)
/// but owned.
#[derive(Clone, Debug)]
pub struct CsvRequest {
    pub period: Period,
    /// `None`: the internal version.
    pub suppress: Option<Threshold>,
    pub style: CsvStyle,
    pub template: Option<Template>,
    /// Lines above a spreadsheet's tables.
    pub preamble: Vec<String>,
}

#[async_trait::async_trait]
pub trait Storage: Send + Sync {
    // The phones' side (the device API).
    /// Judges and stores one envelope that reached `org`'s address: one
    /// naming another organization is refused (`WrongOrganization`).
    async fn ingest(
        &self,
        org: OrgId,
        envelope: Vec<u8>,
        now_ms: i64,
    ) -> Result<SignedReceipt, IngestError>;
    /// Waits until every batch stored so far has been through the apply
    /// step, which runs off the request (every other call waits for it
    /// too, so what was receipted is what is read).
    async fn settled(&self, org: OrgId) -> Result<(), ServerError>;
    /// Applies the organization's stored batches not applied yet.
    async fn apply_pending(&self, org: OrgId) -> Result<ApplyReport, ServerError>;
    /// Redeems an enrollment request at `org`'s address: a code of
    /// another organization is refused as an unknown one would be.
    async fn redeem_enrollment(
        &self,
        org: OrgId,
        body: Vec<u8>,
        now_ms: i64,
    ) -> Result<serde_json::Value, EnrollError>;
    /// The catalog as the phones fetch it, signed with the organization's key.
    async fn signed_catalog(&self, org: OrgId) -> Result<serde_json::Value, ServerError>;
    /// Applies the retention policy (audited as done by `asker`).
    async fn purge(
        &self,
        org: OrgId,
        policy: Policy,
        now_ms: i64,
        asker: Asker,
    ) -> Result<Plan, ServerError>;

    // Phones and enrollment codes.
    /// Every phone enrolled, with what it sent.
    async fn phones(&self, org: OrgId) -> Result<Vec<Phone>, ServerError>;
    /// A phone's label and whether it is revoked.
    async fn phone_label(
        &self,
        org: OrgId,
        id: Uuid,
    ) -> Result<Option<(String, bool)>, ServerError>;
    /// Revokes a phone (audited); its label, or `None` when unknown.
    async fn revoke_phone(
        &self,
        org: OrgId,
        id: Uuid,
        actor: String,
        now_ms: i64,
    ) -> Result<Option<String>, ServerError>;
    /// A one-time enrollment code (audited).
    async fn create_enroll_code(
        &self,
        org: OrgId,
        actor: String,
        label: String,
        ttl_hours: u32,
        now_ms: i64,
    ) -> Result<NewCode, ServerError>;

    // Records applied.
    /// One page of contacts matching `filter`, newest first, and how many match.
    async fn activity_page(
        &self,
        org: OrgId,
        filter: Filter,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<ActivityRow>, u64), ServerError>;
    /// Every phone that ever sent a record, for the activity filter.
    async fn record_phones(&self, org: OrgId) -> Result<Vec<(Uuid, String)>, ServerError>;
    async fn contact(&self, org: OrgId, id: RecordId) -> Result<Option<ContactRow>, ServerError>;
    /// Takes a contact out of every figure (audited).
    async fn void_contact(
        &self,
        org: OrgId,
        id: RecordId,
        actor: String,
        reason: String,
        now_ms: i64,
    ) -> Result<VoidOutcome, ServerError>;
    async fn overdoses(
        &self,
        org: OrgId,
        month: YearMonth,
    ) -> Result<Vec<OverdoseRow>, ServerError>;
    async fn overdose(&self, org: OrgId, id: RecordId) -> Result<Option<OverdoseRow>, ServerError>;
    async fn incidents(
        &self,
        org: OrgId,
        month: YearMonth,
    ) -> Result<Vec<IncidentRow>, ServerError>;
    /// Records a supervisor's follow-up of an incident (audited); false
    /// when there is no such incident.
    async fn follow_up(
        &self,
        org: OrgId,
        id: RecordId,
        action: FollowUp,
        actor: String,
        now_ms: i64,
    ) -> Result<bool, ServerError>;

    // The catalog.
    async fn catalog(&self, org: OrgId) -> Result<Catalog, ServerError>;
    /// Applies a supervisor's change (audited): the new version, or why not.
    async fn change_catalog(
        &self,
        org: OrgId,
        actor: String,
        change: Change,
        now_ms: i64,
    ) -> Result<Result<u32, Refusal>, ServerError>;

    // Envelopes.
    /// Batches held in quarantine, with their reasons.
    async fn quarantined(&self, org: OrgId) -> Result<Vec<Held>, ServerError>;
    /// Tries every quarantined batch again (audited).
    async fn reapply(
        &self,
        org: OrgId,
        actor: String,
        now_ms: i64,
    ) -> Result<ApplyReport, ServerError>;

    // The audit log.
    async fn audit_page(
        &self,
        org: OrgId,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<Entry>, u64), ServerError>;

    // Supervisors and their sessions.
    /// What a supervisor's password is checked against (a dummy one for a
    /// name that has no account, so both take the same time).
    async fn supervisor_secret(
        &self,
        org: OrgId,
        name: String,
    ) -> Result<StoredSecret, ServerError>;
    /// Audits a refused sign-in under the name typed (cut to its first
    /// characters by the caller).
    async fn refuse_sign_in(
        &self,
        org: OrgId,
        typed: String,
        now_ms: i64,
    ) -> Result<(), ServerError>;
    /// Starts a session for `name` (audited as `shown`), sweeping the
    /// sessions nobody came back to.
    async fn start_session(
        &self,
        org: OrgId,
        name: String,
        shown: String,
        life: Lifetimes,
        now_ms: i64,
    ) -> Result<NewSession, ServerError>;
    /// The live session of a cookie's token, its idle time renewed.
    async fn find_session(
        &self,
        org: OrgId,
        token: String,
        now_ms: i64,
        life: Lifetimes,
    ) -> Result<Option<SessionRow>, ServerError>;
    /// Ends a session (audited as `actor`).
    async fn end_session(
        &self,
        org: OrgId,
        token: String,
        actor: String,
        now_ms: i64,
    ) -> Result<(), ServerError>;

    // Reports.
    /// A period's figures with their comparison periods' full figures.
    async fn report_figures(&self, org: OrgId, period: Period) -> Result<Figures, ServerError>;
    /// A CSV download (audited as an export).
    async fn export_csv(
        &self,
        org: OrgId,
        actor: String,
        request: CsvRequest,
        now_ms: i64,
    ) -> Result<String, ServerError>;
    /// A period's exact figures, with its comparisons (`tournee report`).
    async fn tally(&self, org: OrgId, period: Period) -> Result<Tally, ServerError>;

    // The host's administration (`tournee admin`).
    /// Every enrolled phone, oldest first, with its count of stored batches.
    async fn devices(&self, org: OrgId) -> Result<Vec<DeviceRow>, ServerError>;
    /// Every alert (equivocations), oldest first.
    async fn alerts(&self, org: OrgId) -> Result<Vec<AlertRow>, ServerError>;
    /// Replaces the catalog with one validated by the caller.
    async fn replace_catalog(&self, org: OrgId, catalog: Catalog) -> Result<(), ServerError>;
    /// What is kept of one envelope.
    async fn stored_batch(
        &self,
        org: OrgId,
        device: Uuid,
        seq: u64,
    ) -> Result<Option<StoredBatch>, ServerError>;
    /// What the retention policy would destroy at `now_ms`.
    async fn purge_plan(
        &self,
        org: OrgId,
        policy: Policy,
        now_ms: i64,
    ) -> Result<Plan, ServerError>;
    async fn create_supervisor(
        &self,
        org: OrgId,
        name: SupervisorName,
        password: Password,
        now_ms: i64,
    ) -> Result<(), SupervisorError>;
    async fn disable_supervisor(
        &self,
        org: OrgId,
        name: SupervisorName,
        now_ms: i64,
    ) -> Result<(), SupervisorError>;
    /// Every supervisor account, oldest first.
    async fn supervisors(&self, org: OrgId) -> Result<Vec<SupervisorRow>, ServerError>;
    /// Adds a sealing epoch and makes it current; its kid.
    async fn rotate_sealing_key(&self, org: OrgId) -> Result<[u8; 8], ServerError>;

    // Checks of what is stored, for tests and `tournee simulate`.
    /// Record ids of the contacts applied from these phones.
    async fn contact_ids(
        &self,
        org: OrgId,
        devices: Vec<Uuid>,
    ) -> Result<Vec<RecordId>, ServerError>;
    /// Contacts counted by the rollups and live contact rows over the
    /// months still kept contact by contact: equal unless something was
    /// counted twice or missed.
    async fn rollup_check(&self, org: OrgId) -> Result<(u64, u64), ServerError>;
    /// Batches stored and not yet through apply (by any process).
    async fn pending_batches(&self, org: OrgId) -> Result<u64, ServerError>;
    /// Rows of who was seen by quarter or fiscal year that are not the
    /// sum of their months (0 when all agree).
    async fn span_check(&self, org: OrgId) -> Result<u64, ServerError>;
}
