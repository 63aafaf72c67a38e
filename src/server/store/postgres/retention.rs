//! The retention policy on the host, one organization at a time: what a
//! purge would destroy ([`PgHost::purge_plan`]) and the purge itself, all
//! or nothing, with the rules of the embedded backend
//! ([`crate::server::retention`]: a month's people kept as figures before
//! its pseudonyms go, who returns across the cut remembered, quarantined
//! envelopes destroyed with their sealed codes, old audit entries, alerts,
//! sessions and codes swept).

use super::PgHost;
use super::apply::{KEPT_FROM, apply_lock};
use super::audit;
use crate::domain::report::{Period, YearMonth};
use crate::server::console::audit::Action;
use crate::server::error::ServerError;
use crate::server::retention::{self, Asker, Plan, Policy};
use crate::server::store::OrgId;
use tokio_postgres::GenericClient;
use tokio_postgres::types::ToSql;

/// The first month of the quarter and of the fiscal year (April) of the
/// text month `month`, in SQL: `Span::start`, as the embedded backend's.
const QUARTER_OF: &str =
    "substr(month, 1, 5) || lpad(((substr(month, 6, 2)::int - 1) / 3 * 3 + 1)::text, 2, '0')";
const FISCAL_YEAR_OF: &str =
    "lpad((substr(month, 1, 4)::int - (substr(month, 6, 2)::int < 4)::int)::text, 4, '0') || '-04'";

async fn count(
    db: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<u64, ServerError> {
    Ok(db.query_one(sql, params).await?.get::<_, i64>(0) as u64)
}

/// What a purge at `now_ms` would destroy, read in `db`.
async fn plan(
    db: &impl GenericClient,
    org: OrgId,
    policy: &Policy,
    now_ms: i64,
) -> Result<Plan, ServerError> {
    let stored: Option<String> = db
        .query_opt(
            "SELECT value FROM org_settings WHERE org_id = $1 AND name = $2",
            &[&org.0, &KEPT_FROM],
        )
        .await?
        .map(|row| row.get(0));
    let stored = stored
        .map(|t| {
            YearMonth::parse(&t).ok_or_else(|| ServerError::Damaged(format!("{KEPT_FROM}: {t}")))
        })
        .transpose()?;
    let cut = retention::cut(stored, policy, now_ms)?;
    let kept = cut.kept_from.to_string();
    let o = &org.0;
    let months = db
        .query(
            "SELECT month FROM contacts WHERE org_id = $1 AND month < $2
             UNION SELECT month FROM person_months WHERE org_id = $1 AND month < $2
             UNION SELECT month FROM events WHERE org_id = $1 AND month < $2
             ORDER BY 1",
            &[o, &kept],
        )
        .await?
        .iter()
        .map(|row| {
            let m: &str = row.get(0);
            retention::stored_month(m).ok_or_else(|| ServerError::Damaged(format!("month {m}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (idle_before, max_before) = policy.sessions.sweep_before(now_ms);
    Ok(Plan {
        kept_from: Some(cut.kept_from),
        months,
        contacts: count(
            db,
            "SELECT count(*) FROM contacts WHERE org_id = $1 AND month < $2",
            &[o, &kept],
        )
        .await?,
        voids: count(
            db,
            "SELECT count(*) FROM voids WHERE org_id = $1 AND target IN
                 (SELECT record_id FROM contacts WHERE org_id = $1 AND month < $2)",
            &[o, &kept],
        )
        .await?,
        pseudonym_months: count(
            db,
            "SELECT count(*) FROM person_months WHERE org_id = $1 AND month < $2",
            &[o, &kept],
        )
        .await?,
        pseudonyms_forgotten: count(
            db,
            "SELECT count(*) FROM (
                 SELECT pseudonym FROM person_months WHERE org_id = $1 AND month < $2
                 UNION SELECT pseudonym FROM pseudonyms_before_purge WHERE org_id = $1
             ) AS p WHERE NOT EXISTS (SELECT 1 FROM person_months k
                 WHERE k.org_id = $1 AND k.pseudonym = p.pseudonym AND k.month >= $2)",
            &[o, &kept],
        )
        .await?,
        quarantined: count(
            db,
            "SELECT count(*) FROM envelopes WHERE org_id = $1 AND quarantined_at IS NOT NULL
                 AND bytes IS NOT NULL AND received_at < $2",
            &[o, &cut.kept_from_ms],
        )
        .await?,
        audit_before_ms: cut.audit_before_ms,
        audit_entries: count(
            db,
            "SELECT count(*) FROM audit WHERE org_id = $1 AND at < $2",
            &[o, &cut.audit_before_ms],
        )
        .await?,
        alerts: count(
            db,
            "SELECT count(*) FROM alerts WHERE org_id = $1 AND last_at < $2",
            &[o, &cut.audit_before_ms],
        )
        .await?,
        sessions: count(
            db,
            "SELECT count(*) FROM sessions WHERE org_id = $1 AND (seen_at < $2 OR created_at < $3)",
            &[o, &idle_before, &max_before],
        )
        .await?,
        enroll_codes: count(
            db,
            "SELECT count(*) FROM enroll_codes WHERE org_id = $1 AND expires_at <= $2",
            &[o, &now_ms],
        )
        .await?,
    })
}

impl PgHost {
    /// What the retention policy would destroy at `now_ms`.
    pub async fn purge_plan(
        &self,
        org: OrgId,
        policy: &Policy,
        now_ms: i64,
    ) -> Result<Plan, ServerError> {
        let client = self.client().await?;
        plan(&**client, org, policy, now_ms).await
    }

    /// Destroys what the plan lists, all or nothing, audited as done by
    /// `asker`; what went. The organization's apply lock is held, so no
    /// batch applies into a month being purged.
    pub async fn purge(
        &self,
        org: OrgId,
        policy: &Policy,
        now_ms: i64,
        asker: Asker,
    ) -> Result<Plan, ServerError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&apply_lock(org)])
            .await?;
        let plan = plan(&*tx, org, policy, now_ms).await?;
        let kept_from = plan.kept_from.expect("a plan names its first kept month");
        let kept = kept_from.to_string();
        let o = &org.0;
        for month in &plan.months {
            // A month's people, as the tally counts them while its
            // pseudonyms are still there.
            let (unique, new) = super::tally::live_people(&*tx, org, Period::Month(*month)).await?;
            for (key, value) in [("unique", unique), ("new", new)] {
                tx.execute(
                    "INSERT INTO rollups (org_id, month, dim, key, contacts)
                     VALUES ($1, $2, 'people', $3, $4) ON CONFLICT DO NOTHING",
                    &[o, &month.to_string(), &key, &(value as i64)],
                )
                .await?;
            }
        }
        for sql in [
            // Seen before the first kept month and again since: returning.
            "INSERT INTO pseudonyms_before_purge (org_id, pseudonym)
                 SELECT DISTINCT $1::uuid, pseudonym FROM person_months
                 WHERE org_id = $1 AND month < $2 AND pseudonym IN
                     (SELECT pseudonym FROM person_months WHERE org_id = $1 AND month >= $2)
             ON CONFLICT DO NOTHING",
            // Seen in no kept month: forgotten.
            "DELETE FROM pseudonyms_before_purge WHERE org_id = $1 AND pseudonym NOT IN
                 (SELECT pseudonym FROM person_months WHERE org_id = $1 AND month >= $2)",
            "DELETE FROM voids WHERE org_id = $1 AND target IN
                 (SELECT record_id FROM contacts WHERE org_id = $1 AND month < $2)",
            "DELETE FROM contacts WHERE org_id = $1 AND month < $2",
            "DELETE FROM voids WHERE org_id = $1 AND target IN
                 (SELECT record_id FROM events WHERE org_id = $1 AND month < $2)",
            "DELETE FROM incident_followups WHERE org_id = $1 AND record_id IN
                 (SELECT record_id FROM events WHERE org_id = $1 AND month < $2)",
            "DELETE FROM events WHERE org_id = $1 AND month < $2",
            "DELETE FROM person_months WHERE org_id = $1 AND month < $2",
            // A quarter or fiscal year starting before is rebuilt below
            // from its months still kept.
            "DELETE FROM person_quarters WHERE org_id = $1 AND quarter < $2",
            "DELETE FROM person_years WHERE org_id = $1 AND fiscal_year < $2",
            // Days sort after their month's text: '2024-02-29' < '2024-03'.
            "DELETE FROM person_days WHERE org_id = $1 AND day < $2",
        ] {
            tx.execute(sql, &[o, &kept]).await?;
        }
        for (table, column, of) in [
            ("person_quarters", "quarter", QUARTER_OF),
            ("person_years", "fiscal_year", FISCAL_YEAR_OF),
        ] {
            tx.execute(
                &format!(
                    "INSERT INTO {table} (org_id, pseudonym, {column}, contacts)
                     SELECT $1, pseudonym, span, sum(contacts)::bigint FROM
                         (SELECT pseudonym, {of} AS span, contacts FROM person_months
                          WHERE org_id = $1) AS m
                     WHERE span < $2 GROUP BY pseudonym, span"
                ),
                &[o, &kept],
            )
            .await?;
        }
        let kept_from_ms = retention::month_start_ms(kept_from)?;
        tx.execute(
            "UPDATE envelopes SET bytes = NULL, purged_at = $3, quarantined_at = NULL
             WHERE org_id = $1 AND quarantined_at IS NOT NULL AND bytes IS NOT NULL
               AND received_at < $2",
            &[o, &kept_from_ms, &now_ms],
        )
        .await?;
        let (idle_before, max_before) = policy.sessions.sweep_before(now_ms);
        for (sql, value, also) in [
            (
                "DELETE FROM audit WHERE org_id = $1 AND at < $2",
                plan.audit_before_ms,
                None,
            ),
            (
                "DELETE FROM alerts WHERE org_id = $1 AND last_at < $2",
                plan.audit_before_ms,
                None,
            ),
            (
                "DELETE FROM sessions WHERE org_id = $1 AND (seen_at < $2 OR created_at < $3)",
                idle_before,
                Some(max_before),
            ),
            (
                "DELETE FROM enroll_codes WHERE org_id = $1 AND expires_at <= $2",
                now_ms,
                None,
            ),
        ] {
            match also {
                Some(third) => tx.execute(sql, &[o, &value, &third]).await?,
                None => tx.execute(sql, &[o, &value]).await?,
            };
        }
        tx.execute(
            "INSERT INTO org_settings (org_id, name, value) VALUES ($1, $2, $3)
             ON CONFLICT (org_id, name) DO UPDATE SET value = excluded.value",
            &[o, &KEPT_FROM, &kept],
        )
        .await?;
        if asker == Asker::Admin || plan.destroys_records() {
            audit::record(
                &*tx,
                org,
                asker.actor(),
                Action::Purge,
                "",
                &plan.summary(),
                now_ms,
            )
            .await?;
        }
        tx.commit().await?;
        tracing::info!(org = %org, summary = %plan.summary(), "retention purge");
        Ok(plan)
    }
}
