//! The host's side of the storage door: [`PgHost`]'s calls with the apply
//! step off the request ([`Applier`], as on the embedded backend). Ingest
//! wakes the applier; a read waits until what was receipted before it
//! has been through apply, so a page asked for after a receipt shows that
//! receipt's records. Batches left waiting by a previous process are
//! applied as soon as the host opens.

use super::PgHost;
use crate::domain::report::{Period, Tally};
use crate::domain::wire::ReceiptStatus;
use crate::server::apply::ApplyReport;
use crate::server::error::ServerError;
use crate::server::store::OrgId;
use crate::server::store::applier::Applier;
use crate::server::{IngestError, SignedReceipt};

pub struct PgStorage {
    host: PgHost,
    applier: Applier,
}

impl PgStorage {
    /// Connects (migrating the schema) and starts applying what waits.
    pub async fn open(url: &str) -> Result<PgStorage, ServerError> {
        let host = PgHost::connect(url).await?;
        let applying = host.clone();
        let applier = Applier::new(Box::new(move || {
            let host = applying.clone();
            Box::pin(async move { host.apply_pending(None).await })
        }));
        applier.stored();
        Ok(PgStorage { host, applier })
    }

    /// The host's calls that need no apply step (organizations, keys,
    /// phones, enrollment).
    pub fn host(&self) -> &PgHost {
        &self.host
    }

    /// Judges and stores one envelope; its records are counted soon after.
    pub async fn ingest(&self, envelope: &[u8], now_ms: i64) -> Result<SignedReceipt, IngestError> {
        let receipt = self.host.ingest(envelope, now_ms).await?;
        if receipt.receipt.status == ReceiptStatus::Stored {
            self.applier.stored();
        }
        Ok(receipt)
    }

    /// Waits until every batch stored so far has been through apply.
    pub async fn settled(&self) {
        self.applier.settled().await;
    }

    /// Tries an organization's quarantined batches again.
    pub async fn reapply(&self, org: OrgId) -> Result<ApplyReport, ServerError> {
        self.settled().await;
        self.host.reapply(org).await
    }

    /// The period's tally, once what was receipted is counted.
    pub async fn tally(&self, org: OrgId, period: Period) -> Result<Tally, ServerError> {
        self.settled().await;
        self.host.tally(org, period).await
    }
}
