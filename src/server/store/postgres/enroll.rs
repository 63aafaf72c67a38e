//! Enrollment on the host: codes made for one organization, redeemed by
//! a phone that does not say which organization it joins; the code does
//! (it is looked up by its secret's digest, the only form stored). The
//! checks and the signed bundle are the embedded backend's
//! ([`crate::server::enroll`]).

use super::PgHost;
use crate::domain::Catalog;
use crate::domain::wire::enroll::EnrollCode;
use crate::server::enroll::{self, EnrollError};
use crate::server::error::ServerError;
use crate::server::keys::ServerKeys;
use crate::server::store::OrgId;
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// Makes a code with `keys` (those of `org`) and stores it through `db`,
/// a connection or the caller's transaction.
pub(super) async fn insert_code(
    db: &impl GenericClient,
    org: OrgId,
    keys: &ServerKeys,
    label: &str,
    ttl_hours: u32,
    now_ms: i64,
) -> Result<EnrollCode, ServerError> {
    let (code, row) = enroll::new_code(keys, label, ttl_hours, now_ms)?;
    db.execute(
        "INSERT INTO enroll_codes (secret_sha256, org_id, label, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &row.secret_sha256.as_slice(),
            &org.0,
            &row.label,
            &now_ms,
            &row.expires_ms,
        ],
    )
    .await?;
    Ok(code)
}

/// A catalog as `organizations.catalog` holds it.
pub(super) fn parse_catalog(json: &str) -> Result<Catalog, ServerError> {
    serde_json::from_str(json).map_err(|e| ServerError::Damaged(format!("catalog: {e}")))
}

impl PgHost {
    /// A one-time code for a phone to join `org`, valid `ttl_hours`.
    pub async fn create_enroll_code(
        &self,
        org: OrgId,
        label: &str,
        ttl_hours: u32,
        now_ms: i64,
    ) -> Result<EnrollCode, ServerError> {
        let (keys, _) = self.keys(org).await?;
        let client = self.client().await?;
        insert_code(&**client, org, &keys, label, ttl_hours, now_ms).await
    }

    /// Redeems a code from a `POST /api/v1/enroll` body: creates the
    /// device in the code's organization and marks the code used (one
    /// transaction), then answers that organization's signed bundle.
    /// Unknown, used and expired codes get the same refusal, and so does
    /// a code of another organization than `only` (the one whose address
    /// the phone reached), when given.
    pub async fn redeem_enrollment(
        &self,
        only: Option<OrgId>,
        body: &[u8],
        now_ms: i64,
    ) -> Result<serde_json::Value, EnrollError> {
        let request = enroll::check(body)?;
        let digest = enroll::secret_sha256(&request.secret);
        let device_id = Uuid::now_v7();
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(ServerError::from)?;
        // Locked until the commit: two phones racing with one code cannot
        // both win.
        let org = tx
            .query_opt(
                "SELECT org_id FROM enroll_codes
                 WHERE secret_sha256 = $1 AND used_at IS NULL AND expires_at > $2
                   AND ($3::uuid IS NULL OR org_id = $3)
                 FOR UPDATE",
                &[&digest.as_slice(), &now_ms, &only.map(|o| o.0)],
            )
            .await
            .map_err(ServerError::from)?
            .map(|row| OrgId(row.get(0)))
            .ok_or(EnrollError::Refused)?;
        tx.execute(
            "INSERT INTO devices (org_id, device_id, public_key, label, app_version, enrolled_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &org.0,
                &device_id,
                &request.public_key.as_slice(),
                &request.label,
                &request.app_version,
                &now_ms,
            ],
        )
        .await
        .map_err(ServerError::from)?;
        tx.execute(
            "UPDATE enroll_codes SET used_at = $2, device_id = $3 WHERE secret_sha256 = $1",
            &[&digest.as_slice(), &now_ms, &device_id],
        )
        .await
        .map_err(ServerError::from)?;
        tx.commit().await.map_err(ServerError::from)?;
        tracing::info!(device = %device_id, org = %org, "device enrolled");
        let (keys, _) = self.keys(org).await?;
        let catalog = self.catalog(org).await?;
        Ok(enroll::signed_bundle(&keys, device_id, catalog, now_ms))
    }

    /// `org`'s current catalog.
    pub async fn catalog(&self, org: OrgId) -> Result<Catalog, ServerError> {
        let client = self.client().await?;
        let json: String = client
            .query_opt(
                "SELECT catalog FROM organizations WHERE org_id = $1",
                &[&org.0],
            )
            .await?
            .ok_or(ServerError::UnknownOrg(org.0))?
            .get(0);
        parse_catalog(&json)
    }

    /// Replaces `org`'s catalog with one validated by the caller.
    pub async fn replace_catalog(&self, org: OrgId, catalog: &Catalog) -> Result<(), ServerError> {
        let json = serde_json::to_string(catalog).expect("catalog serializes");
        let client = self.client().await?;
        let found = client
            .execute(
                "UPDATE organizations SET catalog = $2 WHERE org_id = $1",
                &[&org.0, &json],
            )
            .await?;
        if found == 0 {
            return Err(ServerError::UnknownOrg(org.0));
        }
        Ok(())
    }
}
