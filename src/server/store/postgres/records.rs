//! The records an organization's supervisors read on the host: the
//! activity list and its filters, a contact's detail and its void from
//! the dashboard, the overdose responses and the incidents with their
//! follow-up. Rows are shaped by the embedded backend's code
//! (`server::console`), so both show the same thing; only the SQL is the
//! host's, every statement under its organization's id.

use super::PgHost;
use super::apply::{apply_lock, write_counts};
use super::audit;
use crate::domain::RecordId;
use crate::domain::report::YearMonth;
use crate::server::console::activity::{
    self, ActivityRow, ContactRow, Filter, RecordType, VoidOutcome,
};
use crate::server::console::audit::Action;
use crate::server::console::incidents::{self, FollowUp, IncidentRow};
use crate::server::console::overdoses::{self, OverdoseRow};
use crate::server::error::ServerError;
use crate::server::ledger::counts::Counts;
use crate::server::store::OrgId;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

/// A filter's values, `$1` being the organization.
type Values = Vec<Box<dyn ToSql + Sync + Send>>;

/// The conditions of `filter` on the contacts table (`events`: false) or
/// on the events table, numbered after the values already there; as the
/// embedded backend's, the facts read as JSON.
fn where_clause(org: OrgId, filter: &Filter, events: bool, values: &mut Values) -> String {
    let excluded = if events {
        filter.record == Some(RecordType::Contact) || filter.contacts_only()
    } else {
        filter.record.is_some_and(|r| r != RecordType::Contact)
    };
    values.push(Box::new(org.0));
    let mut conditions = vec![format!("c.org_id = ${}", values.len())];
    if excluded {
        conditions.push("false".into());
    }
    let mut add = |sql: &str, value: Box<dyn ToSql + Sync + Send>| {
        values.push(value);
        conditions.push(sql.replace('?', &format!("${}", values.len())));
    };
    if let (true, Some(kind)) = (events, filter.record) {
        add("c.kind = ?", Box::new(kind.key()));
    }
    if let Some(from) = filter.from_ms {
        add("c.occurred_at >= ?", Box::new(from));
    }
    if let Some(until) = filter.until_ms {
        add("c.occurred_at < ?", Box::new(until));
    }
    if let Some(zone) = &filter.zone {
        // A shift has the zones it covered.
        let sql = if events {
            "(c.facts::jsonb ->> 'zone' = ? OR coalesce(c.facts::jsonb -> 'zones', '[]') @> to_jsonb(?::text))"
        } else {
            "c.facts::jsonb ->> 'zone' = ?"
        };
        add(sql, Box::new(zone.clone()));
    }
    if let Some(device) = filter.device {
        add("c.device_id = ?", Box::new(device));
    }
    if let Some(material) = &filter.material {
        add(
            "coalesce((c.facts::jsonb -> 'materials' ->> ?)::bigint, 0) > 0",
            Box::new(material.clone()),
        );
    }
    if let Some(referral) = &filter.referral {
        add(
            "c.facts::jsonb -> 'referrals' @> to_jsonb(?::text)",
            Box::new(referral.clone()),
        );
    }
    if let Some(intervention) = &filter.intervention {
        add(
            "c.facts::jsonb -> 'interventions' @> to_jsonb(?::text)",
            Box::new(intervention.clone()),
        );
    }
    format!("WHERE {}", conditions.join(" AND "))
}

fn params(values: &Values) -> Vec<&(dyn ToSql + Sync)> {
    values
        .iter()
        .map(|v| v.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

/// A contact row's columns, joined to its phone's label.
const COLUMNS: &str = "c.record_id, c.device_id, coalesce(d.label, ''), c.occurred_at, c.facts,
     c.voided <> 0, c.void_reason
     FROM contacts c LEFT JOIN devices d ON d.org_id = c.org_id AND d.device_id = c.device_id";

fn contact_row(row: &Row) -> Result<ContactRow, ServerError> {
    activity::with_facts(activity::Raw {
        record_id: RecordId::from_uuid(row.get(0)),
        device_id: row.get(1),
        phone: row.get(2),
        occurred_at_ms: row.get(3),
        json: row.get(4),
        voided: row.get(5),
        void_reason: row.get(6),
    })
}

impl PgHost {
    /// One page of records of every type, newest first, and how many match.
    pub async fn activity_page(
        &self,
        org: OrgId,
        filter: &Filter,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<ActivityRow>, u64), ServerError> {
        let mut values = Values::new();
        let contacts = where_clause(org, filter, false, &mut values);
        let events = where_clause(org, filter, true, &mut values);
        let client = self.client().await?;
        let total: i64 = client
            .query_one(
                &format!(
                    "SELECT (SELECT count(*) FROM contacts c {contacts})
                          + (SELECT count(*) FROM events c {events})"
                ),
                &params(&values),
            )
            .await?
            .get(0);
        let at = values.len();
        values.push(Box::new(i64::from(limit)));
        values.push(Box::new(i64::from(offset)));
        let sql = format!(
            "SELECT c.record_id, coalesce(d.label, ''), c.occurred_at, 'contact', c.facts,
                    c.voided <> 0
             FROM contacts c LEFT JOIN devices d
                 ON d.org_id = c.org_id AND d.device_id = c.device_id {contacts}
             UNION ALL
             SELECT c.record_id, coalesce(d.label, ''), c.occurred_at, c.kind, c.facts,
                    c.voided <> 0
             FROM events c LEFT JOIN devices d
                 ON d.org_id = c.org_id AND d.device_id = c.device_id {events}
             ORDER BY 3 DESC, 1 DESC LIMIT ${} OFFSET ${}",
            at + 1,
            at + 2
        );
        let rows = client
            .query(&sql, &params(&values))
            .await?
            .iter()
            .map(|row| {
                activity::activity_row(
                    RecordId::from_uuid(row.get(0)),
                    row.get(1),
                    row.get(2),
                    row.get(3),
                    row.get(4),
                    row.get(5),
                )
            })
            .collect::<Result<_, _>>()?;
        Ok((rows, total as u64))
    }

    /// Every phone ever enrolled, for the device filter: id and label.
    pub async fn record_phones(&self, org: OrgId) -> Result<Vec<(Uuid, String)>, ServerError> {
        Ok(self
            .client()
            .await?
            .query(
                "SELECT device_id, label FROM devices WHERE org_id = $1 ORDER BY label",
                &[&org.0],
            )
            .await?
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect())
    }

    /// One contact, if stored.
    pub async fn contact(
        &self,
        org: OrgId,
        id: RecordId,
    ) -> Result<Option<ContactRow>, ServerError> {
        self.client()
            .await?
            .query_opt(
                &format!("SELECT {COLUMNS} WHERE c.org_id = $1 AND c.record_id = $2"),
                &[&org.0, &id.uuid()],
            )
            .await?
            .map(|row| contact_row(&row))
            .transpose()
    }

    /// Voids a contact with the supervisor's reason: marked voided, taken
    /// out of every rollup, and audited, in one transaction that holds the
    /// organization's apply lock (a void from the phone cannot take it out
    /// a second time meanwhile).
    pub async fn void_contact(
        &self,
        org: OrgId,
        id: RecordId,
        actor: &str,
        reason: &str,
        now_ms: i64,
    ) -> Result<VoidOutcome, ServerError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&apply_lock(org)])
            .await?;
        let Some(row) = tx
            .query_opt(
                "SELECT facts, voided <> 0 FROM contacts WHERE org_id = $1 AND record_id = $2",
                &[&org.0, &id.uuid()],
            )
            .await?
        else {
            return Ok(VoidOutcome::NotFound);
        };
        if row.get::<_, bool>(1) {
            return Ok(VoidOutcome::AlreadyVoided);
        }
        let facts = serde_json::from_str(row.get(0))
            .map_err(|e| ServerError::Damaged(format!("stored contact {id}: {e}")))?;
        let mut counts = Counts::new(true);
        counts.count(&facts, -1)?;
        write_counts(&tx, org, &counts).await?;
        tx.execute(
            "UPDATE contacts SET voided = 1, void_reason = $3 WHERE org_id = $1 AND record_id = $2",
            &[&org.0, &id.uuid(), &reason],
        )
        .await?;
        audit::record(
            &*tx,
            org,
            actor,
            Action::Void,
            &id.to_string(),
            reason,
            now_ms,
        )
        .await?;
        tx.commit().await?;
        Ok(VoidOutcome::Voided)
    }

    /// The month's overdose responses, voided ones included, newest first.
    pub async fn overdoses(
        &self,
        org: OrgId,
        month: YearMonth,
    ) -> Result<Vec<OverdoseRow>, ServerError> {
        self.overdose_rows(org, "e.month = $2", &month.to_string())
            .await
    }

    /// One response, if stored.
    pub async fn overdose(
        &self,
        org: OrgId,
        id: RecordId,
    ) -> Result<Option<OverdoseRow>, ServerError> {
        let rows = self
            .overdose_rows(org, "e.record_id = $2", &id.uuid())
            .await?;
        Ok(rows.into_iter().next())
    }

    async fn overdose_rows(
        &self,
        org: OrgId,
        condition: &str,
        value: &(dyn ToSql + Sync),
    ) -> Result<Vec<OverdoseRow>, ServerError> {
        self.client()
            .await?
            .query(
                &format!(
                    "SELECT e.record_id, coalesce(d.label, ''), e.facts, e.voided <> 0
                     FROM events e LEFT JOIN devices d
                         ON d.org_id = e.org_id AND d.device_id = e.device_id
                     WHERE e.org_id = $1 AND e.kind = 'overdose' AND {condition}
                     ORDER BY e.occurred_at DESC"
                ),
                &[&org.0, value],
            )
            .await?
            .iter()
            .map(overdose_row)
            .collect()
    }

    /// The month's incidents with their follow-up, newest first.
    pub async fn incidents(
        &self,
        org: OrgId,
        month: YearMonth,
    ) -> Result<Vec<IncidentRow>, ServerError> {
        self.client()
            .await?
            .query(
                "SELECT e.record_id, coalesce(d.label, ''), e.facts, e.voided <> 0,
                        f.action, f.supervisor, f.at
                 FROM events e
                 LEFT JOIN devices d ON d.org_id = e.org_id AND d.device_id = e.device_id
                 LEFT JOIN incident_followups f
                     ON f.org_id = e.org_id AND f.record_id = e.record_id
                 WHERE e.org_id = $1 AND e.kind = 'incident' AND e.month = $2
                 ORDER BY e.occurred_at DESC",
                &[&org.0, &month.to_string()],
            )
            .await?
            .iter()
            .map(|row| {
                incidents::incident_row(
                    RecordId::from_uuid(row.get(0)),
                    row.get(1),
                    row.get(2),
                    row.get(3),
                    row.get(4),
                    row.get(5),
                    row.get(6),
                )
            })
            .collect()
    }

    /// Records what was done about an incident (audited), replacing an
    /// earlier follow-up; false when the organization has no such incident.
    pub async fn follow_up(
        &self,
        org: OrgId,
        id: RecordId,
        action: FollowUp,
        actor: &str,
        now_ms: i64,
    ) -> Result<bool, ServerError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let known = tx
            .query_opt(
                "SELECT 1 FROM events WHERE org_id = $1 AND kind = 'incident' AND record_id = $2",
                &[&org.0, &id.uuid()],
            )
            .await?;
        if known.is_none() {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO incident_followups (org_id, record_id, action, supervisor, at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (org_id, record_id) DO UPDATE SET
               action = excluded.action, supervisor = excluded.supervisor, at = excluded.at",
            &[&org.0, &id.uuid(), &action.code(), &actor, &now_ms],
        )
        .await?;
        audit::record(
            &*tx,
            org,
            actor,
            Action::FollowUp,
            &format!("incidents/{id}"),
            action.code(),
            now_ms,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

fn overdose_row(row: &Row) -> Result<OverdoseRow, ServerError> {
    overdoses::read((
        RecordId::from_uuid(row.get(0)),
        row.get(1),
        row.get(2),
        row.get(3),
    ))
}
