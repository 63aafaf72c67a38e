//! The phones enrolled with each organization on the host, and its alerts.

use super::PgHost;
use crate::server::error::ServerError;
use crate::server::queries::{AlertRow, DeviceRow};
use crate::server::store::OrgId;
use uuid::Uuid;

impl PgHost {
    /// Records a phone enrolled with `org` (the enrollment's last step).
    pub async fn insert_device(
        &self,
        org: OrgId,
        id: Uuid,
        public_key: &[u8],
        label: &str,
        app_version: &str,
        now_ms: i64,
    ) -> Result<(), ServerError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO devices (org_id, device_id, public_key, label, app_version, enrolled_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[&org.0, &id, &public_key, &label, &app_version, &now_ms],
            )
            .await?;
        Ok(())
    }

    /// Every phone of `org`, oldest first, with its batches and records.
    pub async fn devices(&self, org: OrgId) -> Result<Vec<DeviceRow>, ServerError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT d.device_id, d.public_key, d.label, d.app_version, d.enrolled_at,
                        d.revoked_at, d.last_seen_at,
                        (SELECT count(*) FROM envelopes e
                          WHERE e.org_id = d.org_id AND e.device_id = d.device_id),
                        (SELECT count(*) FROM contacts c
                          WHERE c.org_id = d.org_id AND c.device_id = d.device_id)
                        + (SELECT count(*) FROM events ev
                          WHERE ev.org_id = d.org_id AND ev.device_id = d.device_id)
                        + (SELECT count(*) FROM voids v
                          WHERE v.org_id = d.org_id AND v.device_id = d.device_id)
                 FROM devices d WHERE d.org_id = $1
                 ORDER BY d.enrolled_at, d.device_id",
                &[&org.0],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|row| DeviceRow {
                device_id: row.get(0),
                public_key: row.get(1),
                label: row.get(2),
                app_version: row.get(3),
                enrolled_at_ms: row.get(4),
                revoked_at_ms: row.get(5),
                last_seen_at_ms: row.get(6),
                batches: row.get::<_, i64>(7) as u64,
                records: row.get::<_, i64>(8) as u64,
            })
            .collect())
    }

    /// Revokes a phone of `org`; false when `org` has no such phone.
    /// Revoking twice keeps the first time.
    pub async fn revoke_device(
        &self,
        org: OrgId,
        id: Uuid,
        now_ms: i64,
    ) -> Result<bool, ServerError> {
        let client = self.client().await?;
        let found = client
            .execute(
                "UPDATE devices SET revoked_at = coalesce(revoked_at, $3)
                 WHERE org_id = $1 AND device_id = $2",
                &[&org.0, &id, &now_ms],
            )
            .await?;
        Ok(found == 1)
    }

    /// Every alert of `org` (equivocations), oldest first.
    pub async fn alerts(&self, org: OrgId) -> Result<Vec<AlertRow>, ServerError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT kind, device_id, seq, stored_sha256, offered_sha256, offered_batch_id,
                        created_at, repeats, last_at
                 FROM alerts WHERE org_id = $1 ORDER BY created_at, id",
                &[&org.0],
            )
            .await?;
        let digest = |bytes: Vec<u8>| -> Result<[u8; 32], ServerError> {
            bytes
                .try_into()
                .map_err(|_| ServerError::Damaged("alert digest".into()))
        };
        rows.iter()
            .map(|row| {
                Ok(AlertRow {
                    kind: row.get(0),
                    device_id: row.get(1),
                    seq: row.get::<_, i64>(2) as u64,
                    stored_sha256: digest(row.get(3))?,
                    offered_sha256: digest(row.get(4))?,
                    offered_batch_id: row.get(5),
                    created_at_ms: row.get(6),
                    repeats: row.get::<_, i64>(7) as u64,
                    last_at_ms: row.get(8),
                })
            })
            .collect()
    }
}
