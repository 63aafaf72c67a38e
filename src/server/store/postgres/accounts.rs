//! The dashboard's accounts and settings on the host: supervisor
//! accounts, their sign-ins and sessions, the phones page (revoking a
//! phone included), enrollment codes made from the dashboard and catalog
//! changes. Every statement names the organization's id, so one
//! organization's supervisors, sessions, phones and catalog are never
//! found, changed or ended from another's.
//!
//! Only the SQL is here: the rules are the embedded backend's own
//! functions ([`supervisors`] for passwords, [`sessions`] for tokens and
//! lifetimes, [`Change::apply`] for the catalog, [`phones::phone`] for
//! gaps, [`enrollment`] for what a code's audit entry says), so both
//! backends refuse, store and record alike. A write and its audit entry
//! share one transaction.

use super::enroll::{insert_code, parse_catalog};
use super::{PgHost, audit};
use crate::server::console::audit::Action;
use crate::server::console::catalog::{Change, Refusal};
use crate::server::console::enrollment::{self, NewCode};
use crate::server::console::phones::{self, Phone};
use crate::server::console::sessions::{self, Lifetimes, NewSession, SessionRow, Verdict};
use crate::server::error::ServerError;
use crate::server::store::OrgId;
use crate::server::supervisors::{
    self, Password, StoredSecret, SupervisorError, SupervisorName, SupervisorRow,
};
use std::collections::HashMap;
use tokio_postgres::error::SqlState;
use uuid::Uuid;

/// `error`, or [`ServerError::UnknownOrg`] when it is a row refused
/// because `org` has no organization row (`<table>_org_id_fkey`): the
/// embedded backend refuses a call for an organization it does not hold
/// the same way.
fn unknown_org(org: OrgId) -> impl FnOnce(ServerError) -> ServerError {
    move |error| {
        let missing = match &error {
            ServerError::Postgres(e) => e.as_db_error().is_some_and(|db| {
                let organizations = format!("{}_org_id_fkey", db.table().unwrap_or_default());
                *db.code() == SqlState::FOREIGN_KEY_VIOLATION
                    && db.constraint() == Some(organizations.as_str())
            }),
            _ => false,
        };
        if missing {
            ServerError::UnknownOrg(org.0)
        } else {
            error
        }
    }
}

/// What a password is checked against, from a row of `salt, iterations,
/// hash, disabled` (the dummy secret when there is none); `what` names
/// a damaged iteration count.
pub(super) fn secret_of(
    row: Option<&tokio_postgres::Row>,
    what: &str,
) -> Result<StoredSecret, ServerError> {
    let Some(row) = row else {
        return Ok(StoredSecret::new(None));
    };
    let iterations =
        u32::try_from(row.get::<_, i64>(1)).map_err(|_| ServerError::Damaged(what.into()))?;
    Ok(StoredSecret::new(Some((
        row.get(0),
        iterations,
        row.get(2),
        row.get(3),
    ))))
}

impl PgHost {
    /// Every phone of `org`, oldest enrollment first, with its gaps and
    /// quarantined batches.
    pub async fn phones(&self, org: OrgId) -> Result<Vec<Phone>, ServerError> {
        let devices = self.devices(org).await?;
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT device_id, seq, quarantined_at IS NOT NULL FROM envelopes
                 WHERE org_id = $1",
                &[&org.0],
            )
            .await?;
        let mut envelopes: HashMap<Uuid, Vec<(i64, bool)>> = HashMap::new();
        for row in &rows {
            envelopes
                .entry(row.get(0))
                .or_default()
                .push((row.get(1), row.get(2)));
        }
        Ok(devices
            .into_iter()
            .map(|device| {
                let sent = envelopes.remove(&device.device_id).unwrap_or_default();
                phones::phone(device, &sent)
            })
            .collect())
    }

    /// One phone's label and whether it is revoked, if `org` enrolled it.
    pub async fn phone_label(
        &self,
        org: OrgId,
        id: Uuid,
    ) -> Result<Option<(String, bool)>, ServerError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT label, revoked_at IS NOT NULL FROM devices
                 WHERE org_id = $1 AND device_id = $2",
                &[&org.0, &id],
            )
            .await?;
        Ok(row.map(|row| (row.get(0), row.get(1))))
    }

    /// Revokes a phone of `org` and audits it (target: its label; a
    /// second revocation is audited too and keeps the first time).
    /// Returns the label, or `None` when `org` has no such phone.
    pub async fn revoke_phone(
        &self,
        org: OrgId,
        id: Uuid,
        actor: &str,
        now_ms: i64,
    ) -> Result<Option<String>, ServerError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let Some(row) = tx
            .query_opt(
                "UPDATE devices SET revoked_at = coalesce(revoked_at, $3)
                 WHERE org_id = $1 AND device_id = $2 RETURNING label",
                &[&org.0, &id, &now_ms],
            )
            .await?
        else {
            return Ok(None);
        };
        let label: String = row.get(0);
        audit::record(
            &*tx,
            org,
            actor,
            Action::Revoke,
            &label,
            &id.to_string(),
            now_ms,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(label))
    }

    /// A one-time code for `org` made from the dashboard: the code and its
    /// audit entry (the label, never the code) in one transaction.
    pub async fn create_enroll_code_audited(
        &self,
        org: OrgId,
        actor: &str,
        label: &str,
        ttl_hours: u32,
        now_ms: i64,
    ) -> Result<NewCode, ServerError> {
        let (keys, _) = self.keys(org).await?;
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let code = insert_code(&*tx, org, &keys, label, ttl_hours, now_ms).await?;
        let (target, detail) = enrollment::audit_entry(label, ttl_hours);
        audit::record(
            &*tx,
            org,
            actor,
            Action::EnrollCode,
            target,
            &detail,
            now_ms,
        )
        .await?;
        tx.commit().await?;
        Ok(NewCode::of(&code, ttl_hours, now_ms))
    }

    /// Applies a supervisor's change to `org`'s catalog: the new version
    /// and its audit entry together, or why not (`Ok(Err(_))`, nothing
    /// written).
    pub async fn change_catalog(
        &self,
        org: OrgId,
        actor: &str,
        change: &Change,
        now_ms: i64,
    ) -> Result<Result<u32, Refusal>, ServerError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // Locked until the commit: a change made meanwhile waits and then
        // applies to this one's version, so neither is lost.
        let json: String = tx
            .query_opt(
                "SELECT catalog FROM organizations WHERE org_id = $1 FOR UPDATE",
                &[&org.0],
            )
            .await?
            .ok_or(ServerError::UnknownOrg(org.0))?
            .get(0);
        let applied = match change.apply(&parse_catalog(&json)?) {
            Ok(applied) => applied,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let json = serde_json::to_string(&applied.catalog).expect("catalog serializes");
        tx.execute(
            "UPDATE organizations SET catalog = $2 WHERE org_id = $1",
            &[&org.0, &json],
        )
        .await?;
        audit::record(
            &*tx,
            org,
            actor,
            Action::CatalogChange,
            &applied.target,
            &applied.what,
            now_ms,
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(applied.catalog.version))
    }

    /// What a password typed for `name` in `org` is checked against; the
    /// dummy secret when `org` has no such account (or the name is not
    /// one an account can have), so both cost one full derivation.
    pub async fn supervisor_secret(
        &self,
        org: OrgId,
        name: &str,
    ) -> Result<StoredSecret, ServerError> {
        let Some(key) = supervisors::lookup_key(name) else {
            return Ok(StoredSecret::new(None));
        };
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT salt, iterations, hash, disabled_at IS NOT NULL FROM supervisors
                 WHERE org_id = $1 AND name_key = $2",
                &[&org.0, &key],
            )
            .await?;
        secret_of(row.as_ref(), "a supervisor's iteration count")
    }

    /// Stores a new account of `org`. The hash is derived before a
    /// connection is taken from the pool.
    pub async fn create_supervisor(
        &self,
        org: OrgId,
        name: &SupervisorName,
        password: &Password,
        now_ms: i64,
    ) -> Result<(), SupervisorError> {
        let secret = supervisors::new_secret(password)?;
        let client = self.client().await?;
        let added = client
            .execute(
                "INSERT INTO supervisors
                     (org_id, name_key, name, salt, iterations, hash, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (org_id, name_key) DO NOTHING",
                &[
                    &org.0,
                    &name.key(),
                    &name.as_str(),
                    &secret.salt.as_slice(),
                    &i64::from(secret.iterations),
                    &secret.hash.as_slice(),
                    &now_ms,
                ],
            )
            .await
            .map_err(|e| unknown_org(org)(e.into()))?;
        if added == 0 {
            // Accounts are never deleted: the one that clashed is there.
            let existing: String = client
                .query_one(
                    "SELECT name FROM supervisors WHERE org_id = $1 AND name_key = $2",
                    &[&org.0, &name.key()],
                )
                .await
                .map_err(ServerError::from)?
                .get(0);
            return Err(SupervisorError::Exists(existing));
        }
        tracing::info!(org = %org, supervisor = %name.as_str(), "supervisor account created");
        Ok(())
    }

    /// Disables an account of `org`: it can no longer sign in, and its
    /// sessions end at their next request. Disabling twice keeps the
    /// first time.
    pub async fn disable_supervisor(
        &self,
        org: OrgId,
        name: &SupervisorName,
        now_ms: i64,
    ) -> Result<(), SupervisorError> {
        let client = self.client().await?;
        let changed = client
            .execute(
                "UPDATE supervisors SET disabled_at = coalesce(disabled_at, $3)
                 WHERE org_id = $1 AND name_key = $2",
                &[&org.0, &name.key(), &now_ms],
            )
            .await
            .map_err(ServerError::from)?;
        if changed == 0 {
            return Err(SupervisorError::Unknown(name.as_str().to_string()));
        }
        Ok(())
    }

    /// Every account of `org`, oldest first.
    pub async fn supervisors(&self, org: OrgId) -> Result<Vec<SupervisorRow>, ServerError> {
        let client = self.client().await?;
        // "C": ties in byte order, as SQLite compares text.
        let rows = client
            .query(
                "SELECT name, created_at, disabled_at FROM supervisors WHERE org_id = $1
                 ORDER BY created_at, name_key COLLATE \"C\"",
                &[&org.0],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|row| SupervisorRow {
                name: row.get(0),
                created_at_ms: row.get(1),
                disabled_at_ms: row.get(2),
            })
            .collect())
    }

    /// Audits a refused sign-in to `org` under the name typed (cut by the
    /// caller).
    pub async fn refuse_sign_in(
        &self,
        org: OrgId,
        typed: &str,
        now_ms: i64,
    ) -> Result<(), ServerError> {
        let client = self.client().await?;
        audit::record(&**client, org, typed, Action::SignInRefused, "", "", now_ms)
            .await
            .map_err(unknown_org(org))
    }

    /// Starts a session of `org` for `name`, an account just verified
    /// (audited as `shown`), first deleting `org`'s sessions past a
    /// limit, so the table stays the size of the live ones.
    pub async fn start_session(
        &self,
        org: OrgId,
        name: &str,
        shown: &str,
        life: Lifetimes,
        now_ms: i64,
    ) -> Result<NewSession, ServerError> {
        let (key, session) = sessions::new_session(name)?;
        let (seen_before, made_before) = life.sweep_before(now_ms);
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "DELETE FROM sessions WHERE org_id = $1 AND (seen_at < $2 OR created_at < $3)",
            &[&org.0, &seen_before, &made_before],
        )
        .await?;
        tx.execute(
            "INSERT INTO sessions (token_sha256, org_id, name_key, csrf, created_at, seen_at)
             VALUES ($1, $2, $3, $4, $5, $5)",
            &[
                &sessions::token_hash(&session.token),
                &org.0,
                &key,
                &session.csrf,
                &now_ms,
            ],
        )
        .await?;
        audit::record(&*tx, org, shown, Action::SignIn, "", "", now_ms).await?;
        tx.commit().await?;
        Ok(session)
    }

    /// The live session of `org` for a cookie's token, its idle time
    /// renewed; `None` when unknown (or another organization's), expired
    /// or its account disabled (an ended one is deleted on the way).
    pub async fn find_session(
        &self,
        org: OrgId,
        token: &str,
        now_ms: i64,
        life: Lifetimes,
    ) -> Result<Option<SessionRow>, ServerError> {
        let hash = sessions::token_hash(token);
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT s.csrf, v.name, s.created_at, s.seen_at, v.disabled_at IS NOT NULL
                 FROM sessions s
                 JOIN supervisors v ON v.org_id = s.org_id AND v.name_key = s.name_key
                 WHERE s.token_sha256 = $1 AND s.org_id = $2",
                &[&hash, &org.0],
            )
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        match Verdict::of(row.get(2), row.get(3), row.get(4), now_ms, life) {
            Verdict::End => {
                client
                    .execute(
                        "DELETE FROM sessions WHERE token_sha256 = $1 AND org_id = $2",
                        &[&hash, &org.0],
                    )
                    .await?;
                return Ok(None);
            }
            Verdict::Touch => {
                client
                    .execute(
                        "UPDATE sessions SET seen_at = $3 WHERE token_sha256 = $1 AND org_id = $2",
                        &[&hash, &org.0, &now_ms],
                    )
                    .await?;
            }
            Verdict::Live => {}
        }
        Ok(Some(SessionRow {
            name: row.get(1),
            csrf: row.get(0),
        }))
    }

    /// Ends `org`'s session for `token` (sign-out, audited as `actor`);
    /// a token `org` does not know ends nothing, and is audited all the
    /// same, as on the embedded backend.
    pub async fn end_session(
        &self,
        org: OrgId,
        token: &str,
        actor: &str,
        now_ms: i64,
    ) -> Result<(), ServerError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "DELETE FROM sessions WHERE token_sha256 = $1 AND org_id = $2",
            &[&sessions::token_hash(token), &org.0],
        )
        .await?;
        audit::record(&*tx, org, actor, Action::SignOut, "", "", now_ms)
            .await
            .map_err(unknown_org(org))?;
        tx.commit().await?;
        Ok(())
    }
}
