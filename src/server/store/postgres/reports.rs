//! An organization's reports, quarantine and stored envelopes on the
//! host, and the checks of what is stored (for tests and `simulate`):
//! the figures are read by [`super::tally`] and shaped and written out by
//! the embedded backend's code (`console::report`), so a download is the
//! same on both.

use super::PgHost;
use super::apply::KEPT_FROM;
use super::audit;
use crate::domain::RecordId;
use crate::domain::crypto::sign::Purpose;
use crate::domain::report::{Period, YearMonth, span};
use crate::domain::wire::enroll::sign_json;
use crate::server::apply::ApplyReport;
use crate::server::console::audit::Action;
use crate::server::console::quarantine::Held;
use crate::server::console::report::{self, Export, Figures};
use crate::server::error::ServerError;
use crate::server::ledger::person_table;
use crate::server::queries::StoredBatch;
use crate::server::store::OrgId;
use uuid::Uuid;

impl PgHost {
    /// A period's figures with their comparison periods' full figures.
    pub async fn report_figures(&self, org: OrgId, period: Period) -> Result<Figures, ServerError> {
        Ok(Figures {
            this: self.tally(org, period).await?,
            previous: self.figures(org, period.previous()).await?,
            last_year: self.figures(org, period.a_year_before()).await?,
            catalog: self.catalog(org).await?,
        })
    }

    /// A CSV download, audited as an export.
    pub async fn export_csv(
        &self,
        org: OrgId,
        actor: &str,
        export: &Export<'_>,
        now_ms: i64,
    ) -> Result<String, ServerError> {
        let csv = report::render(export, &self.report_figures(org, export.period).await?)?;
        let client = self.client().await?;
        audit::record(
            &**client,
            org,
            actor,
            Action::Export,
            &export.period.to_string(),
            &report::detail(export),
            now_ms,
        )
        .await?;
        Ok(csv)
    }

    /// The catalog as the phones fetch it, signed with the organization's key.
    pub async fn signed_catalog(&self, org: OrgId) -> Result<serde_json::Value, ServerError> {
        let (keys, _) = self.keys(org).await?;
        let catalog = self.catalog(org).await?;
        Ok(sign_json(
            keys.signer(),
            Purpose::Catalog,
            "catalog",
            &catalog,
        ))
    }

    /// Batches held in quarantine, oldest received first.
    pub async fn quarantined(&self, org: OrgId) -> Result<Vec<Held>, ServerError> {
        Ok(self
            .client()
            .await?
            .query(
                "SELECT coalesce(d.label, ''), e.seq, e.received_at,
                        coalesce(e.quarantine_reason, ''), e.device_id
                 FROM envelopes e LEFT JOIN devices d
                     ON d.org_id = e.org_id AND d.device_id = e.device_id
                 WHERE e.org_id = $1 AND e.quarantined_at IS NOT NULL
                 ORDER BY e.received_at, e.seq",
                &[&org.0],
            )
            .await?
            .iter()
            .map(|row| Held {
                phone: row.get(0),
                seq: row.get::<_, i64>(1) as u64,
                received_at_ms: row.get(2),
                reason: row.get(3),
                device_id: row.get(4),
            })
            .collect())
    }

    /// Tries every quarantined batch again; audited with what came of it.
    pub async fn reapply_audited(
        &self,
        org: OrgId,
        actor: &str,
        now_ms: i64,
    ) -> Result<ApplyReport, ServerError> {
        let report = self.reapply(org).await?;
        let detail = format!(
            "applied {}, quarantined {}",
            report.applied, report.quarantined
        );
        let client = self.client().await?;
        audit::record(&**client, org, actor, Action::Reapply, "", &detail, now_ms).await?;
        Ok(report)
    }

    /// What is kept of one envelope.
    pub async fn stored_batch(
        &self,
        org: OrgId,
        device: Uuid,
        seq: u64,
    ) -> Result<Option<StoredBatch>, ServerError> {
        let Some(row) = self
            .client()
            .await?
            .query_opt(
                "SELECT sha256, received_at, header, signature, receipt, bytes,
                        applied_at, quarantined_at, purged_at
                 FROM envelopes WHERE org_id = $1 AND device_id = $2 AND seq = $3",
                &[&org.0, &device, &(seq as i64)],
            )
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(StoredBatch {
            sha256: row
                .get::<_, Vec<u8>>(0)
                .try_into()
                .map_err(|_| ServerError::Damaged("envelope digest".into()))?,
            received_at_ms: row.get(1),
            header: row.get(2),
            signature: row.get(3),
            receipt: row.get(4),
            envelope: row.get(5),
            applied_at_ms: row.get(6),
            quarantined_at_ms: row.get(7),
            purged_at_ms: row.get(8),
        }))
    }

    /// Record ids of the contacts applied from these phones.
    pub async fn contact_ids(
        &self,
        org: OrgId,
        devices: &[Uuid],
    ) -> Result<Vec<RecordId>, ServerError> {
        Ok(self
            .client()
            .await?
            .query(
                "SELECT record_id FROM contacts WHERE org_id = $1 AND device_id = ANY($2)",
                &[&org.0, &devices],
            )
            .await?
            .iter()
            .map(|row| RecordId::from_uuid(row.get(0)))
            .collect())
    }

    /// Contacts counted by the rollups over the months still kept contact
    /// by contact, and live contact rows: equal unless something was
    /// counted twice or missed.
    pub async fn rollup_check(&self, org: OrgId) -> Result<(u64, u64), ServerError> {
        let row = self
            .client()
            .await?
            .query_one(
                "SELECT
                   (SELECT coalesce(sum(contacts), 0)::bigint FROM rollups
                    WHERE org_id = $1 AND dim = 'all' AND month >= coalesce(
                        (SELECT value FROM org_settings WHERE org_id = $1 AND name = $2), '')),
                   (SELECT count(*) FROM contacts WHERE org_id = $1 AND voided = 0)",
                &[&org.0, &KEPT_FROM],
            )
            .await?;
        Ok((row.get::<_, i64>(0) as u64, row.get::<_, i64>(1) as u64))
    }

    /// Batches stored and not yet through apply (by any host).
    pub async fn pending_batches(&self, org: OrgId) -> Result<u64, ServerError> {
        let n: i64 = self
            .client()
            .await?
            .query_one(
                "SELECT count(*) FROM envelopes WHERE org_id = $1
                   AND applied_at IS NULL AND quarantined_at IS NULL AND bytes IS NOT NULL",
                &[&org.0],
            )
            .await?
            .get(0);
        Ok(n as u64)
    }

    /// Rows of who was seen by quarter or fiscal year that are not the
    /// sum of their months (0 when all agree).
    pub async fn span_check(&self, org: OrgId) -> Result<u64, ServerError> {
        let client = self.client().await?;
        // The months' rows summed by span here, rather than in SQL: the
        // span of a month is the domain's rule (a fiscal year starts in
        // April), written once.
        let mut by_span = std::collections::BTreeMap::new();
        for row in client
            .query(
                "SELECT pseudonym, month, contacts FROM person_months WHERE org_id = $1",
                &[&org.0],
            )
            .await?
        {
            let month = YearMonth::parse(row.get(1))
                .ok_or_else(|| ServerError::Damaged("person_months month".into()))?;
            let pseudonym: Vec<u8> = row.get(0);
            for span in [span::Span::Quarter, span::Span::FiscalYear] {
                *by_span
                    .entry((span, span.start(month).to_string(), pseudonym.clone()))
                    .or_insert(0i64) += row.get::<_, i64>(2);
            }
        }
        let mut wrong = 0;
        for span in [span::Span::Quarter, span::Span::FiscalYear] {
            let (table, column) = person_table(span);
            let rows = client
                .query(
                    &format!("SELECT pseudonym, {column}, contacts FROM {table} WHERE org_id = $1"),
                    &[&org.0],
                )
                .await?;
            let mut expected: std::collections::BTreeMap<_, _> = by_span
                .iter()
                .filter(|((s, _, _), _)| *s == span)
                .map(|((_, when, p), n)| ((when.clone(), p.clone()), *n))
                .collect();
            for row in rows {
                let key = (row.get::<_, String>(1), row.get::<_, Vec<u8>>(0));
                match expected.remove(&key) {
                    Some(n) if n == row.get::<_, i64>(2) => {}
                    Some(_) => wrong += 2,
                    None => wrong += 1,
                }
            }
            wrong += expected.len() as u64;
        }
        Ok(wrong)
    }
}
