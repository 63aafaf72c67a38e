//! Apply on the host: every organization's stored batches opened, checked
//! and counted as on the embedded backend ([`crate::server::apply`]: the
//! same opening, the same checks, the same ledger logic), one transaction
//! a batch. The ledger runs in memory ([`MemoryLedger`]): the records a
//! batch may meet are read first, in three statements, and what it
//! changed is written in a dozen, whatever its size, its rollup rows
//! summed per row.
//!
//! Each batch's transaction holds its organization's advisory lock, so
//! two hosts on one database (or a reapply beside the apply task) never
//! apply two batches of one organization at once: a void and its target
//! in two batches would each miss the other.
//!
//! The ciphertext is dropped in the commit that applies its batch.
//! PostgreSQL keeps the old row version until a vacuum reclaims it
//! (autovacuum does, soon after), not overwritten as SQLite's
//! `secure_delete` does.

use super::PgHost;
use crate::domain::RecordId;
use crate::domain::report::YearMonth;
use crate::server::apply::prepare::Prepared;
use crate::server::apply::{self, ApplyReport, Context};
use crate::server::error::ServerError;
use crate::server::ledger::counts::{Counts, Grain, Seen};
use crate::server::ledger::memory::{Known, MemoryLedger, Wanted, Writes};
use crate::server::store::OrgId;
use std::collections::BTreeMap;
use tokio_postgres::Transaction;
use uuid::Uuid;

/// The settings row holding the first month still kept contact by contact
/// (as in the data directory's database).
pub(super) const KEPT_FROM: &str = "contacts_kept_from";

/// A batch waiting, by its key.
struct Pending {
    org: OrgId,
    device: Uuid,
    seq: i64,
}

impl PgHost {
    /// Applies the batches waiting, of one organization or of all, each in
    /// the order received.
    pub async fn apply_pending(&self, only: Option<OrgId>) -> Result<ApplyReport, ServerError> {
        let client = self.client().await?;
        let pending: Vec<Pending> = client
            .query(
                "SELECT org_id, device_id, seq FROM envelopes
                 WHERE applied_at IS NULL AND quarantined_at IS NULL AND bytes IS NOT NULL
                   AND ($1::uuid IS NULL OR org_id = $1)
                 ORDER BY org_id, received_at, device_id, seq",
                &[&only.map(|org| org.0)],
            )
            .await?
            .iter()
            .map(|row| Pending {
                org: OrgId(row.get(0)),
                device: row.get(1),
                seq: row.get(2),
            })
            .collect();
        drop(client);
        let mut by_org: BTreeMap<OrgId, Vec<Pending>> = BTreeMap::new();
        for batch in pending {
            by_org.entry(batch.org).or_default().push(batch);
        }
        let mut report = ApplyReport::default();
        for (org, batches) in by_org {
            // Read after the list: a batch listed was judged against keys
            // that are all here, a rotation included.
            let (keys, pseudonyms) = self.keys(org).await?;
            for batch in batches {
                let mut client = self.client().await?;
                let tx = client.transaction().await?;
                tx.execute("SELECT pg_advisory_xact_lock($1)", &[&apply_lock(org)])
                    .await?;
                let Some(row) = tx
                    .query_opt(
                        "SELECT e.bytes, e.received_at, o.catalog, s.value
                         FROM envelopes e JOIN organizations o USING (org_id)
                         LEFT JOIN org_settings s ON s.org_id = e.org_id AND s.name = $4
                         WHERE e.org_id = $1 AND e.device_id = $2 AND e.seq = $3
                           AND e.applied_at IS NULL AND e.quarantined_at IS NULL
                           AND e.bytes IS NOT NULL",
                        &[&org.0, &batch.device, &batch.seq, &KEPT_FROM],
                    )
                    .await?
                else {
                    // Another host applied it meanwhile.
                    continue;
                };
                let bytes: Vec<u8> = row.get(0);
                let received_at_ms: i64 = row.get(1);
                let opened = stored_context(row.get(2), row.get(3)).and_then(|(catalog, kept)| {
                    let context = Context {
                        keys: &keys,
                        pseudonyms: &pseudonyms,
                        catalog: &catalog,
                        kept_from: kept,
                    };
                    apply::open(&bytes, received_at_ms, &context)
                });
                let now = chrono::Utc::now().timestamp_millis();
                let outcome = match opened {
                    Ok(records) => match count(&tx, org, batch.device, records).await? {
                        Ok(writes) => {
                            write(&tx, org, batch.device, &writes).await?;
                            tx.execute(
                                "UPDATE envelopes SET applied_at = $4, bytes = NULL
                                 WHERE org_id = $1 AND device_id = $2 AND seq = $3",
                                &[&org.0, &batch.device, &batch.seq, &now],
                            )
                            .await?;
                            Ok(())
                        }
                        Err(reason) => Err(reason),
                    },
                    Err(reason) => Err(reason),
                };
                match outcome {
                    Ok(()) => report.applied += 1,
                    Err(reason) => {
                        // The reason may quote record values: it goes to the
                        // database for supervisors, not to the logs.
                        tracing::warn!(org = %org, device = %batch.device, seq = batch.seq,
                            "batch quarantined; see the organization's quarantine page");
                        tx.execute(
                            "UPDATE envelopes SET quarantined_at = $4, quarantine_reason = $5
                             WHERE org_id = $1 AND device_id = $2 AND seq = $3",
                            &[&org.0, &batch.device, &batch.seq, &now, &reason],
                        )
                        .await?;
                        report.quarantined += 1;
                    }
                }
                tx.commit().await?;
            }
        }
        Ok(report)
    }

    /// Puts an organization's quarantined batches back in line and applies
    /// them again (those whose contents a purge destroyed stay out).
    pub async fn reapply(&self, org: OrgId) -> Result<ApplyReport, ServerError> {
        self.client()
            .await?
            .execute(
                "UPDATE envelopes SET quarantined_at = NULL, quarantine_reason = NULL
                 WHERE org_id = $1 AND quarantined_at IS NOT NULL AND bytes IS NOT NULL",
                &[&org.0],
            )
            .await?;
        self.apply_pending(Some(org)).await
    }
}

/// The advisory lock of an organization's applies: a number from its id
/// (two organizations sharing one would only wait for each other).
pub(super) fn apply_lock(org: OrgId) -> i64 {
    let bytes = org.0.as_bytes();
    let mut high = [0u8; 8];
    high.copy_from_slice(&bytes[..8]);
    i64::from_be_bytes(high) ^ 0x0061_7070_6c79 // "apply"
}

/// The catalog and the first month kept, as the organization's rows hold
/// them; a damaged one quarantines the batch, as on the embedded backend.
fn stored_context(
    catalog: String,
    kept_from: Option<String>,
) -> Result<(crate::domain::Catalog, Option<YearMonth>), String> {
    let catalog = serde_json::from_str(&catalog).map_err(|e| format!("catalog: {e}"))?;
    let kept_from = kept_from
        .map(|text| YearMonth::parse(&text).ok_or_else(|| format!("{KEPT_FROM}: {text}")))
        .transpose()?;
    Ok((catalog, kept_from))
}

/// Runs the ledger logic over one batch's records, on what the database
/// holds of them: what to write, or why the batch is quarantined.
async fn count(
    tx: &Transaction<'_>,
    org: OrgId,
    device: Uuid,
    records: Vec<Prepared>,
) -> Result<Result<Writes, String>, ServerError> {
    let Wanted(ids) = Wanted::of(&records);
    let mut known = Known::default();
    let damaged = |e: ServerError| e.to_string();
    for row in tx
        .query(
            "SELECT record_id, facts, voided <> 0 FROM contacts
             WHERE org_id = $1 AND record_id = ANY($2)",
            &[&org.0, &ids],
        )
        .await?
    {
        if let Err(e) = known.contact(RecordId::from_uuid(row.get(0)), row.get(1), row.get(2)) {
            return Ok(Err(damaged(e)));
        }
    }
    for row in tx
        .query(
            "SELECT record_id, facts, voided <> 0 FROM events
             WHERE org_id = $1 AND record_id = ANY($2)",
            &[&org.0, &ids],
        )
        .await?
    {
        if let Err(e) = known.event(RecordId::from_uuid(row.get(0)), row.get(1), row.get(2)) {
            return Ok(Err(damaged(e)));
        }
    }
    for row in tx
        .query(
            "SELECT record_id, target FROM voids
             WHERE org_id = $1 AND (record_id = ANY($2) OR target = ANY($2))",
            &[&org.0, &ids],
        )
        .await?
    {
        known.void(
            RecordId::from_uuid(row.get(0)),
            RecordId::from_uuid(row.get(1)),
        );
    }
    let mut ledger = MemoryLedger::new(known);
    Ok(match apply::apply_records(&mut ledger, device, records) {
        Ok(()) => Ok(ledger.writes),
        Err(e) => Err(e.to_string()),
    })
}

/// Writes one batch's changes: new records, voids, then the summed counts.
async fn write(
    tx: &Transaction<'_>,
    org: OrgId,
    device: Uuid,
    writes: &Writes,
) -> Result<(), ServerError> {
    if !writes.contacts.is_empty() {
        let (mut ids, mut months, mut facts, mut voided, mut at) =
            (vec![], vec![], vec![], vec![], vec![]);
        for (id, fact, is_voided) in &writes.contacts {
            ids.push(id.uuid());
            months.push(fact.month.to_string());
            facts.push(serde_json::to_string(fact).expect("facts serialize"));
            voided.push(i32::from(*is_voided));
            at.push(fact.occurred_at.timestamp_millis());
        }
        tx.execute(
            "INSERT INTO contacts (org_id, device_id, record_id, month, facts, voided, occurred_at)
             SELECT $1, $2, * FROM unnest($3::uuid[], $4::text[], $5::text[], $6::int[], $7::bigint[])",
            &[&org.0, &device, &ids, &months, &facts, &voided, &at],
        )
        .await?;
    }
    if !writes.events.is_empty() {
        let mut columns = EventColumns::default();
        for (id, fact, is_voided) in &writes.events {
            columns.push(*id, fact, *is_voided);
        }
        let c = &columns;
        tx.execute(
            "INSERT INTO events (org_id, device_id, record_id, kind, month, occurred_at, facts,
                                 voided, ended_at, day)
             SELECT $1, $2, * FROM unnest($3::uuid[], $4::text[], $5::text[], $6::bigint[],
                                          $7::text[], $8::int[], $9::bigint[], $10::text[])",
            &[
                &org.0, &device, &c.ids, &c.kinds, &c.months, &c.at, &c.facts, &c.voided, &c.ended,
                &c.days,
            ],
        )
        .await?;
    }
    if !writes.voids.is_empty() {
        let ids: Vec<Uuid> = writes.voids.iter().map(|(id, _)| id.uuid()).collect();
        let targets: Vec<Uuid> = writes.voids.iter().map(|(_, t)| t.uuid()).collect();
        tx.execute(
            "INSERT INTO voids (org_id, device_id, record_id, target)
             SELECT $1, $2, * FROM unnest($3::uuid[], $4::uuid[])",
            &[&org.0, &device, &ids, &targets],
        )
        .await?;
    }
    for (table, voided) in [
        ("contacts", &writes.voided_contacts),
        ("events", &writes.voided_events),
    ] {
        if !voided.is_empty() {
            let ids: Vec<Uuid> = voided.iter().map(RecordId::uuid).collect();
            tx.execute(
                &format!("UPDATE {table} SET voided = 1 WHERE org_id = $1 AND record_id = ANY($2)"),
                &[&org.0, &ids],
            )
            .await?;
        }
    }
    write_counts(tx, org, &writes.counts).await
}

/// The events' columns, one array each, for one `unnest`.
#[derive(Default)]
struct EventColumns {
    ids: Vec<Uuid>,
    kinds: Vec<&'static str>,
    months: Vec<String>,
    at: Vec<i64>,
    facts: Vec<String>,
    voided: Vec<i32>,
    ended: Vec<Option<i64>>,
    days: Vec<String>,
}

impl EventColumns {
    fn push(
        &mut self,
        id: RecordId,
        facts: &crate::server::apply::prepare::EventFacts,
        voided: bool,
    ) {
        use crate::server::apply::prepare::EventFacts;
        self.ids.push(id.uuid());
        self.kinds.push(facts.kind());
        self.months.push(facts.month().to_string());
        self.at.push(facts.occurred_at().timestamp_millis());
        self.facts
            .push(serde_json::to_string(facts).expect("facts serialize"));
        self.voided.push(i32::from(voided));
        self.ended.push(match facts {
            EventFacts::Shift(s) => Some(s.ended_at.timestamp_millis()),
            _ => None,
        });
        self.days.push(facts.occurred_at().date_naive().to_string());
    }
}

/// Pseudonyms, days or spans, and changes in contacts: one `unnest`.
type SeenColumns<'a> = (Vec<&'a [u8]>, Vec<&'a str>, Vec<i64>);

/// Writes summed counts: one statement per table, each row once; a row
/// of who was seen that falls to 0 goes.
pub(super) async fn write_counts(
    tx: &Transaction<'_>,
    org: OrgId,
    counts: &Counts,
) -> Result<(), ServerError> {
    for grain in [Grain::Month, Grain::Day] {
        let (mut when, mut dims, mut keys, mut contacts, mut people, mut quantity) =
            (vec![], vec![], vec![], vec![], vec![], vec![]);
        for row in counts.rollups().filter(|row| row.grain == grain) {
            when.push(row.when);
            dims.push(row.dim);
            keys.push(row.key);
            contacts.push(row.contacts);
            people.push(row.people);
            quantity.push(row.quantity);
        }
        if when.is_empty() {
            continue;
        }
        let (table, column) = grain.table();
        tx.execute(
            &format!(
                "INSERT INTO {table} (org_id, {column}, dim, key, contacts, people, quantity)
                 SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[],
                                          $5::bigint[], $6::bigint[], $7::bigint[])
                 ON CONFLICT (org_id, {column}, dim, key) DO UPDATE SET
                   contacts = {table}.contacts + excluded.contacts,
                   people = {table}.people + excluded.people,
                   quantity = {table}.quantity + excluded.quantity"
            ),
            &[&org.0, &when, &dims, &keys, &contacts, &people, &quantity],
        )
        .await?;
    }
    let mut by_table: BTreeMap<Seen, SeenColumns> = BTreeMap::new();
    for row in counts.seen_rows() {
        let (pseudonyms, when, contacts) = by_table.entry(row.seen).or_default();
        pseudonyms.push(row.pseudonym);
        when.push(row.when);
        contacts.push(row.contacts);
    }
    for (seen, (pseudonyms, when, contacts)) in by_table {
        let (table, column) = seen.table();
        tx.execute(
            &format!(
                "INSERT INTO {table} (org_id, pseudonym, {column}, contacts)
                 SELECT $1, * FROM unnest($2::bytea[], $3::text[], $4::bigint[])
                 ON CONFLICT (org_id, pseudonym, {column}) DO UPDATE SET
                   contacts = {table}.contacts + excluded.contacts"
            ),
            &[&org.0, &pseudonyms, &when, &contacts],
        )
        .await?;
        if contacts.iter().any(|&n| n < 0) {
            tx.execute(
                &format!(
                    "DELETE FROM {table} t USING unnest($2::bytea[], $3::text[]) AS c(p, w)
                     WHERE t.org_id = $1 AND t.pseudonym = c.p AND t.{column} = c.w
                       AND t.contacts <= 0"
                ),
                &[&org.0, &pseudonyms, &when],
            )
            .await?;
        }
    }
    Ok(())
}
