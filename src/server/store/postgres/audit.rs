//! The audit log on the host: each organization's own, written in the
//! transaction of what it records (see [`crate::server::console::audit`]
//! for what is written and what never is).

use super::PgHost;
use crate::server::console::audit::{Action, Entry};
use crate::server::error::ServerError;
use crate::server::store::OrgId;
use tokio_postgres::GenericClient;

/// One entry, in the caller's transaction (or on its own).
pub async fn record(
    db: &impl GenericClient,
    org: OrgId,
    actor: &str,
    action: Action,
    target: &str,
    detail: &str,
    now_ms: i64,
) -> Result<(), ServerError> {
    db.execute(
        "INSERT INTO audit (org_id, at, actor, action, target, detail)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[&org.0, &now_ms, &actor, &action.code(), &target, &detail],
    )
    .await?;
    Ok(())
}

impl PgHost {
    /// One page of an organization's log, newest first, and its number
    /// of entries.
    pub async fn audit_page(
        &self,
        org: OrgId,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<Entry>, u64), ServerError> {
        let client = self.client().await?;
        let total: i64 = client
            .query_one("SELECT count(*) FROM audit WHERE org_id = $1", &[&org.0])
            .await?
            .get(0);
        let entries = client
            .query(
                "SELECT at, actor, action, target, detail FROM audit WHERE org_id = $1
                 ORDER BY id DESC LIMIT $2 OFFSET $3",
                &[&org.0, &i64::from(limit), &i64::from(offset)],
            )
            .await?
            .iter()
            .map(|row| Entry {
                at_ms: row.get(0),
                actor: row.get(1),
                action: Action::parse(row.get(2)),
                target: row.get(3),
                detail: row.get(4),
            })
            .collect();
        Ok((entries, total as u64))
    }
}
