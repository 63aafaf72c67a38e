//! Ingest on the host: the same judgement as the embedded backend
//! ([`crate::server::ingest`]: decode, who sent it, dedup, the signed
//! receipt), the organization found from the envelope's own org id. The
//! device's row is locked until the commit, so two uploads of one
//! (device, seq) are judged one after the other, and the envelope is
//! committed before its receipt leaves.

use super::PgHost;
use crate::domain::wire::ReceiptStatus;
use crate::domain::wire::envelope::HEADER_LEN;
use crate::server::error::ServerError;
use crate::server::ingest::{self, IngestError, Judged, SignedReceipt};
use crate::server::queries::{AlertRow, DeviceKey, StoredEnvelope};
use crate::server::store::OrgId;
use tokio_postgres::Transaction;
use uuid::Uuid;

/// The signature closes every envelope.
const SIGNATURE_LEN: usize = crate::domain::crypto::sign::SIGNATURE_LEN;

impl PgHost {
    /// Judges and stores one envelope, for the organization it names;
    /// with `only`, the one whose address it reached, any other's is
    /// refused.
    pub async fn ingest(
        &self,
        only: Option<OrgId>,
        bytes: &[u8],
        now_ms: i64,
    ) -> Result<SignedReceipt, IngestError> {
        let envelope = ingest::decode(bytes)?;
        let header = &envelope.header;
        let org = OrgId(header.org_id);
        if only.is_some_and(|only| only != org) {
            return Err(IngestError::WrongOrganization);
        }
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(ServerError::from)?;
        let device = tx
            .query_opt(
                "SELECT public_key, revoked_at IS NOT NULL FROM devices
                 WHERE org_id = $1 AND device_id = $2 FOR UPDATE",
                &[&org.0, &header.device_id],
            )
            .await
            .map_err(ServerError::from)?
            .map(|row| DeviceKey {
                public_key: row.get(0),
                revoked: row.get(1),
            });
        // A device enrolled here belongs to an organization hosted here.
        let Some(device) = device else {
            return Err(IngestError::UnknownDevice);
        };
        let (keys, _) = self.keys(org).await?;
        ingest::check_sender(&envelope, Some(&device), &keys)?;
        tx.execute(
            "UPDATE devices SET last_seen_at = greatest(coalesce(last_seen_at, $3), $3)
             WHERE org_id = $1 AND device_id = $2",
            &[&org.0, &header.device_id, &now_ms],
        )
        .await
        .map_err(ServerError::from)?;
        let seq = header.seq as i64;
        let existing = tx
            .query_opt(
                "SELECT batch_id, sha256, received_at FROM envelopes
                 WHERE org_id = $1 AND device_id = $2 AND seq = $3",
                &[&org.0, &header.device_id, &seq],
            )
            .await
            .map_err(ServerError::from)?
            .map(|row| stored_envelope(row.get(0), row.get(1), row.get(2)))
            .transpose()?;
        let (stored, status) = match ingest::judge(header, bytes, existing, now_ms) {
            Judged::Equivocation(alert) => {
                insert_alert(&tx, org, &alert).await?;
                tx.commit().await.map_err(ServerError::from)?;
                return Err(IngestError::Equivocation);
            }
            Judged::Duplicate(stored) => (stored, ReceiptStatus::Duplicate),
            Judged::New(stored) => (stored, ReceiptStatus::Stored),
        };
        let signed = ingest::signed_receipt(&keys, header, &stored, status);
        if status == ReceiptStatus::Stored {
            let head = &bytes[..HEADER_LEN.min(bytes.len())];
            let signature = &bytes[bytes.len().saturating_sub(SIGNATURE_LEN)..];
            tx.execute(
                "INSERT INTO envelopes (org_id, device_id, seq, batch_id, sha256, bytes,
                                        received_at, header, signature, receipt)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                &[
                    &org.0,
                    &header.device_id,
                    &seq,
                    &stored.batch_id,
                    &stored.sha256.as_slice(),
                    &bytes,
                    &stored.received_at_ms,
                    &head,
                    &signature,
                    &signed.bytes,
                ],
            )
            .await
            .map_err(ServerError::from)?;
        }
        tx.commit().await.map_err(ServerError::from)?;
        ingest::received(header, status);
        Ok(signed)
    }
}

fn stored_envelope(
    batch_id: Uuid,
    sha256: Vec<u8>,
    received_at_ms: i64,
) -> Result<StoredEnvelope, ServerError> {
    Ok(StoredEnvelope {
        batch_id,
        sha256: sha256
            .try_into()
            .map_err(|_| ServerError::Damaged("envelope digest".into()))?,
        received_at_ms,
    })
}

/// Once per (device, seq) however often it is offered: repeats counted.
async fn insert_alert(
    tx: &Transaction<'_>,
    org: OrgId,
    alert: &AlertRow,
) -> Result<(), ServerError> {
    tx.execute(
        "INSERT INTO alerts (org_id, kind, device_id, seq, stored_sha256, offered_sha256,
                             offered_batch_id, created_at, repeats, last_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $8)
         ON CONFLICT (org_id, kind, device_id, seq) DO UPDATE SET
             repeats = alerts.repeats + 1,
             last_at = greatest(alerts.last_at, excluded.last_at)",
        &[
            &org.0,
            &alert.kind,
            &alert.device_id,
            &(alert.seq as i64),
            &alert.stored_sha256.as_slice(),
            &alert.offered_sha256.as_slice(),
            &alert.offered_batch_id,
            &alert.created_at_ms,
        ],
    )
    .await?;
    Ok(())
}
