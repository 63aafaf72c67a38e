//! The activity list: every synced record (contacts, overdose responses,
//! shifts, incidents) newest first, narrowed by filters, a contact's
//! detail, and voiding one from the dashboard (taken out of every figure
//! and written to the audit log in one transaction).

use super::audit::{self, Action};
use crate::domain::RecordId;
use crate::server::apply::prepare::{ContactFacts, EventFacts};
use crate::server::error::ServerError;
use crate::server::ledger::{Ledger, SqliteLedger};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};
use uuid::Uuid;

/// What narrows the list; `None` keeps everything. Times are UTC
/// milliseconds, `from_ms` inclusive and `until_ms` exclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub from_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub zone: Option<String>,
    pub device: Option<Uuid>,
    /// Contacts that gave any of this material.
    pub material: Option<String>,
    pub referral: Option<String>,
    pub intervention: Option<String>,
    /// One type of record; `None` lists them all.
    pub record: Option<RecordType>,
}

impl Filter {
    /// Whether only a contact can match (a material, a referral or an
    /// intervention is asked for).
    pub(crate) fn contacts_only(&self) -> bool {
        self.material.is_some() || self.referral.is_some() || self.intervention.is_some()
    }
}

/// The types of record the list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordType {
    Contact,
    Overdose,
    Shift,
    Incident,
}

impl RecordType {
    pub const ALL: [RecordType; 4] = [
        RecordType::Contact,
        RecordType::Overdose,
        RecordType::Shift,
        RecordType::Incident,
    ];

    /// As in the address, and (but for contacts) the events table's `kind`.
    pub fn key(self) -> &'static str {
        match self {
            RecordType::Contact => "contact",
            RecordType::Overdose => "overdose",
            RecordType::Shift => "shift",
            RecordType::Incident => "incident",
        }
    }

    pub fn parse(text: &str) -> Option<RecordType> {
        RecordType::ALL.into_iter().find(|t| t.key() == text)
    }
}

/// What a listed record holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    Contact(ContactFacts),
    Event(EventFacts),
}

/// One record of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityRow {
    pub record_id: RecordId,
    pub phone: String,
    pub occurred_at_ms: i64,
    pub stored: Stored,
    pub voided: bool,
}

/// One stored contact as supervisors see it (the facts hold a pseudonym
/// at most, never a person code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactRow {
    pub record_id: RecordId,
    pub device_id: Uuid,
    pub phone: String,
    pub occurred_at_ms: i64,
    pub facts: ContactFacts,
    pub voided: bool,
    pub void_reason: Option<String>,
}

/// The conditions of `filter` on the contacts table (`events`: false) or
/// on the events table, as a `WHERE` clause whose parameters are numbered
/// after those already in `values`.
fn where_clause(filter: &Filter, events: bool, values: &mut Vec<Value>) -> String {
    let excluded = if events {
        filter.record == Some(RecordType::Contact) || filter.contacts_only()
    } else {
        filter.record.is_some_and(|r| r != RecordType::Contact)
    };
    if excluded {
        return "WHERE 0".into();
    }
    let mut conditions = Vec::new();
    let mut add = |sql: &str, value: Value| {
        values.push(value);
        conditions.push(sql.replace('?', &format!("?{}", values.len())));
    };
    if let (true, Some(kind)) = (events, filter.record) {
        add("c.kind = ?", Value::Text(kind.key().into()));
    }
    if let Some(from) = filter.from_ms {
        add("c.occurred_at >= ?", Value::Integer(from));
    }
    if let Some(until) = filter.until_ms {
        add("c.occurred_at < ?", Value::Integer(until));
    }
    if let Some(zone) = &filter.zone {
        // A shift has the zones it covered.
        let sql = if events {
            "(json_extract(c.facts, '$.zone') = ? OR EXISTS (SELECT 1 FROM json_each(c.facts, '$.zones') z WHERE z.value = ?))"
        } else {
            "json_extract(c.facts, '$.zone') = ?"
        };
        add(sql, Value::Text(zone.clone()));
    }
    if let Some(device) = filter.device {
        add("c.device_id = ?", Value::Blob(device.as_bytes().to_vec()));
    }
    if let Some(material) = &filter.material {
        add(
            "EXISTS (SELECT 1 FROM json_each(c.facts, '$.materials') m WHERE m.key = ? AND m.value > 0)",
            Value::Text(material.clone()),
        );
    }
    if let Some(referral) = &filter.referral {
        add(
            "EXISTS (SELECT 1 FROM json_each(c.facts, '$.referrals') r WHERE r.value = ?)",
            Value::Text(referral.clone()),
        );
    }
    if let Some(intervention) = &filter.intervention {
        add(
            "EXISTS (SELECT 1 FROM json_each(c.facts, '$.interventions') i WHERE i.value = ?)",
            Value::Text(intervention.clone()),
        );
    }
    if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    }
}

const COLUMNS: &str = "c.record_id, c.device_id, coalesce(d.label, ''), c.occurred_at, c.facts, c.voided, c.void_reason";

/// A row as read, before its facts are parsed.
pub(crate) struct Raw {
    pub record_id: RecordId,
    pub device_id: Uuid,
    pub phone: String,
    pub occurred_at_ms: i64,
    pub json: String,
    pub voided: bool,
    pub void_reason: Option<String>,
}

fn raw_row(row: &rusqlite::Row) -> rusqlite::Result<Raw> {
    Ok(Raw {
        record_id: RecordId::from_bytes(row.get(0)?),
        device_id: Uuid::from_bytes(row.get(1)?),
        phone: row.get(2)?,
        occurred_at_ms: row.get(3)?,
        json: row.get(4)?,
        voided: row.get(5)?,
        void_reason: row.get(6)?,
    })
}

pub(crate) fn with_facts(raw: Raw) -> Result<ContactRow, ServerError> {
    let facts = serde_json::from_str(&raw.json)
        .map_err(|e| ServerError::Damaged(format!("stored contact {}: {e}", raw.record_id)))?;
    Ok(ContactRow {
        record_id: raw.record_id,
        device_id: raw.device_id,
        phone: raw.phone,
        occurred_at_ms: raw.occurred_at_ms,
        facts,
        voided: raw.voided,
        void_reason: raw.void_reason,
    })
}

/// One page of records of every type, newest first, and how many match
/// in all. One compound query: each arm reads its table in time order.
pub fn page(
    conn: &Connection,
    filter: &Filter,
    offset: u32,
    limit: u32,
) -> Result<(Vec<ActivityRow>, u64), ServerError> {
    let mut values = Vec::new();
    let contacts = where_clause(filter, false, &mut values);
    let events = where_clause(filter, true, &mut values);
    let total: i64 = conn.query_row(
        &format!(
            "SELECT (SELECT count(*) FROM contacts c {contacts}) + (SELECT count(*) FROM events c {events})"
        ),
        params_from_iter(values.iter()),
        |r| r.get(0),
    )?;
    let at = values.len();
    values.push(Value::Integer(i64::from(limit)));
    values.push(Value::Integer(i64::from(offset)));
    let sql = format!(
        "SELECT c.record_id, coalesce(d.label, ''), c.occurred_at, 'contact', c.facts, c.voided
         FROM contacts c LEFT JOIN devices d ON d.device_id = c.device_id {contacts}
         UNION ALL
         SELECT c.record_id, coalesce(d.label, ''), c.occurred_at, c.kind, c.facts, c.voided
         FROM events c LEFT JOIN devices d ON d.device_id = c.device_id {events}
         ORDER BY 3 DESC, 1 DESC LIMIT ?{} OFFSET ?{}",
        at + 1,
        at + 2
    );
    let mut statement = conn.prepare(&sql)?;
    let raw = statement
        .query_map(params_from_iter(values.iter()), |row| {
            Ok((
                RecordId::from_bytes(row.get(0)?),
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, bool>(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let rows = raw
        .into_iter()
        .map(|(record_id, phone, occurred_at_ms, kind, json, voided)| {
            activity_row(record_id, phone, occurred_at_ms, &kind, &json, voided)
        })
        .collect::<Result<_, ServerError>>()?;
    Ok((rows, total as u64))
}

/// A listed record from its columns: `kind` is `contact` or the events
/// table's kind.
pub(crate) fn activity_row(
    record_id: RecordId,
    phone: String,
    occurred_at_ms: i64,
    kind: &str,
    json: &str,
    voided: bool,
) -> Result<ActivityRow, ServerError> {
    let damaged =
        |e: serde_json::Error| ServerError::Damaged(format!("stored record {record_id}: {e}"));
    let stored = if kind == "contact" {
        Stored::Contact(serde_json::from_str(json).map_err(damaged)?)
    } else {
        Stored::Event(serde_json::from_str(json).map_err(damaged)?)
    };
    Ok(ActivityRow {
        record_id,
        phone,
        occurred_at_ms,
        stored,
        voided,
    })
}

/// One contact, if stored.
pub fn contact(conn: &Connection, id: RecordId) -> Result<Option<ContactRow>, ServerError> {
    let raw = conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM contacts c LEFT JOIN devices d ON d.device_id = c.device_id
                 WHERE c.record_id = ?1"
            ),
            [id.as_bytes().as_slice()],
            raw_row,
        )
        .optional()?;
    raw.map(with_facts).transpose()
}

/// What became of a void asked from the dashboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoidOutcome {
    Voided,
    AlreadyVoided,
    NotFound,
}

/// Voids a contact with the supervisor's reason: marked voided, taken out
/// of every rollup (and of its person's month), and audited, all in one
/// transaction. A contact already voided (here or from its phone) is left
/// as it is.
pub fn void(
    conn: &mut Connection,
    id: RecordId,
    actor: &str,
    reason: &str,
    now_ms: i64,
) -> Result<VoidOutcome, ServerError> {
    let tx = conn.transaction()?;
    let outcome = {
        let mut ledger = SqliteLedger::new(&tx);
        match ledger.contact(id)? {
            None => VoidOutcome::NotFound,
            Some((_, true)) => VoidOutcome::AlreadyVoided,
            Some((facts, false)) => {
                ledger.mark_voided(id)?;
                ledger.count(&facts, -1)?;
                ledger.flush()?;
                tx.execute(
                    "UPDATE contacts SET void_reason = ?1 WHERE record_id = ?2",
                    (reason, id.as_bytes().as_slice()),
                )?;
                audit::record(&tx, actor, Action::Void, &id.to_string(), reason, now_ms)?;
                VoidOutcome::Voided
            }
        }
    };
    tx.commit()?;
    Ok(outcome)
}

/// Every phone ever enrolled, for the device filter: id and label.
pub fn phones(conn: &Connection) -> Result<Vec<(Uuid, String)>, ServerError> {
    let mut statement = conn.prepare("SELECT device_id, label FROM devices ORDER BY label")?;
    let rows = statement
        .query_map([], |r| Ok((Uuid::from_bytes(r.get(0)?), r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Kind;
    use crate::domain::report::YearMonth;
    use crate::server::apply::apply_records;
    use crate::server::apply::prepare::Prepared;
    use std::collections::BTreeMap;

    fn facts(at: &str, zone: &str, materials: &[(&str, u64)], code: bool) -> ContactFacts {
        let occurred_at = chrono::DateTime::parse_from_rfc3339(at).unwrap();
        ContactFacts {
            occurred_at,
            month: YearMonth::of(occurred_at.date_naive()),
            zone: zone.into(),
            kind: Kind::Known,
            people: 1,
            age_band: "18-24".into(),
            gender: None,
            materials: materials.iter().map(|(k, q)| (k.to_string(), *q)).collect(),
            returned_syringes: 0,
            referrals: vec!["clsc".into()],
            interventions: Vec::new(),
            duration_min: None,
            pseudonym: code.then(|| "00112233445566778899aabbccddeeff".into()),
            mode: None,
            location_type: None,
            materials_for_others: BTreeMap::new(),
            naloxone: None,
        }
    }

    fn store(conn: &mut Connection, device: Uuid, records: Vec<Prepared>) {
        conn.execute(
            "INSERT OR IGNORE INTO devices (device_id, public_key, label, app_version, enrolled_at)
             VALUES (?1, x'00', 'Téléphone 1', '0.1.0', 0)",
            [device.as_bytes().as_slice()],
        )
        .unwrap();
        let tx = conn.transaction().unwrap();
        apply_records(&mut SqliteLedger::new(&tx), device, records).unwrap();
        tx.commit().unwrap();
    }

    fn stored(id: RecordId, facts: ContactFacts) -> Prepared {
        Prepared::Contact {
            record_id: id,
            facts,
        }
    }

    fn sum(conn: &Connection, dim: &str, key: &str) -> (i64, i64) {
        conn.query_row(
            "SELECT coalesce(sum(contacts), 0), coalesce(sum(quantity), 0) FROM rollups WHERE dim = ?1 AND key = ?2",
            (dim, key),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    }

    #[test]
    fn the_list_is_newest_first_and_filters_narrow_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::server::db::open(dir.path()).unwrap();
        let device = Uuid::now_v7();
        let (a, b, c) = (RecordId::new(), RecordId::new(), RecordId::new());
        store(
            &mut conn,
            device,
            vec![
                stored(
                    a,
                    facts(
                        "2026-11-01T20:00:00-04:00",
                        "gatineau",
                        &[("seringues", 5)],
                        false,
                    ),
                ),
                stored(
                    b,
                    facts(
                        "2026-11-03T20:00:00-05:00",
                        "pontiac",
                        &[("trousses-naloxone", 1)],
                        true,
                    ),
                ),
                stored(
                    c,
                    facts("2026-11-02T20:00:00-05:00", "gatineau", &[], false),
                ),
            ],
        );
        let (all, total) = page(&conn, &Filter::default(), 0, 50).unwrap();
        assert_eq!(total, 3);
        let order: Vec<_> = all.iter().map(|r| r.record_id).collect();
        assert_eq!(order, vec![b, c, a]);
        assert_eq!(all[0].phone, "Téléphone 1");
        let Stored::Contact(newest) = &all[0].stored else {
            panic!("a contact")
        };
        assert_eq!(newest.materials["trousses-naloxone"], 1);

        let zone = Filter {
            zone: Some("gatineau".into()),
            ..Filter::default()
        };
        assert_eq!(page(&conn, &zone, 0, 50).unwrap().1, 2);
        let material = Filter {
            material: Some("trousses-naloxone".into()),
            ..Filter::default()
        };
        let (found, _) = page(&conn, &material, 0, 50).unwrap();
        assert_eq!(found.iter().map(|r| r.record_id).collect::<Vec<_>>(), [b]);
        let referral = Filter {
            referral: Some("clsc".into()),
            device: Some(device),
            ..Filter::default()
        };
        assert_eq!(page(&conn, &referral, 0, 50).unwrap().1, 3);
        let none = Filter {
            intervention: Some("dépistage".into()),
            ..Filter::default()
        };
        assert_eq!(page(&conn, &none, 0, 50).unwrap().1, 0);
        let from = chrono::DateTime::parse_from_rfc3339("2026-11-02T00:00:00-05:00")
            .unwrap()
            .timestamp_millis();
        let dates = Filter {
            from_ms: Some(from),
            until_ms: Some(from + 86_400_000),
            ..Filter::default()
        };
        let (found, _) = page(&conn, &dates, 0, 50).unwrap();
        assert_eq!(found.iter().map(|r| r.record_id).collect::<Vec<_>>(), [c]);
        // Paging.
        let (second, total) = page(&conn, &Filter::default(), 2, 2).unwrap();
        assert_eq!((second.len(), total), (1, 3));
        assert_eq!(second[0].record_id, a);
    }

    #[test]
    fn shifts_and_incidents_are_listed_among_contacts_and_filtered_by_type_and_zone() {
        use crate::domain::shift::ShiftEnd;
        use crate::server::apply::prepare::{IncidentFacts, ShiftFacts};
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::server::db::open(dir.path()).unwrap();
        let device = Uuid::now_v7();
        let time = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap();
        let (contact, shift, incident) = (RecordId::new(), RecordId::new(), RecordId::new());
        let month = YearMonth::parse("2026-11").unwrap();
        let event = |record_id, facts| Prepared::Event { record_id, facts };
        store(
            &mut conn,
            device,
            vec![
                stored(
                    contact,
                    facts("2026-11-02T21:00:00-05:00", "gatineau", &[], false),
                ),
                event(
                    shift,
                    EventFacts::Shift(ShiftFacts {
                        started_at: time("2026-11-02T19:00:00-05:00"),
                        ended_at: time("2026-11-03T01:00:00-05:00"),
                        month,
                        team_size: 2,
                        zones: vec!["pontiac".into(), "gatineau".into()],
                        ended_by: ShiftEnd::Worker,
                    }),
                ),
                event(
                    incident,
                    EventFacts::Incident(IncidentFacts {
                        occurred_at: time("2026-11-02T22:00:00-05:00"),
                        month,
                        zone: "papineau".into(),
                        incident_type: "menace".into(),
                        debrief_wanted: false,
                    }),
                ),
            ],
        );
        let ids = |filter: Filter| -> Vec<RecordId> {
            let (rows, total) = page(&conn, &filter, 0, 50).unwrap();
            assert_eq!(rows.len() as u64, total);
            rows.iter().map(|r| r.record_id).collect()
        };
        assert_eq!(ids(Filter::default()), [incident, contact, shift]);
        let only = |record| Filter {
            record: Some(record),
            ..Filter::default()
        };
        assert_eq!(ids(only(RecordType::Shift)), [shift]);
        assert_eq!(ids(only(RecordType::Contact)), [contact]);
        assert_eq!(ids(only(RecordType::Overdose)), []);
        let pontiac = Filter {
            zone: Some("pontiac".into()),
            ..Filter::default()
        };
        assert_eq!(ids(pontiac), [shift], "a shift is in every zone it covered");
        let referral = Filter {
            referral: Some("clsc".into()),
            ..Filter::default()
        };
        assert_eq!(ids(referral), [contact], "only a contact has referrals");
    }

    #[test]
    fn a_void_takes_the_contact_out_once_and_is_audited() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::server::db::open(dir.path()).unwrap();
        let device = Uuid::now_v7();
        let (kept, voided) = (RecordId::new(), RecordId::new());
        store(
            &mut conn,
            device,
            vec![
                stored(
                    kept,
                    facts(
                        "2026-11-01T20:00:00-04:00",
                        "gatineau",
                        &[("seringues", 5)],
                        false,
                    ),
                ),
                stored(
                    voided,
                    facts(
                        "2026-11-01T21:00:00-04:00",
                        "gatineau",
                        &[("seringues", 7)],
                        true,
                    ),
                ),
            ],
        );
        let people: i64 = conn
            .query_row("SELECT count(*) FROM person_months", [], |r| r.get(0))
            .unwrap();
        assert_eq!(people, 1);
        assert_eq!(sum(&conn, "material", "seringues"), (0, 12));

        let outcome = void(&mut conn, voided, "Marie", "doublon", 5).unwrap();
        assert_eq!(outcome, VoidOutcome::Voided);
        assert_eq!(sum(&conn, "material", "seringues"), (0, 5));
        assert_eq!(sum(&conn, "all", ""), (1, 0));
        let people: i64 = conn
            .query_row("SELECT count(*) FROM person_months", [], |r| r.get(0))
            .unwrap();
        assert_eq!(people, 0, "the person's month is taken out too");
        let row = contact(&conn, voided).unwrap().unwrap();
        assert!(row.voided);
        assert_eq!(row.void_reason.as_deref(), Some("doublon"));
        let (entries, _) = audit::page(&conn, 0, 10).unwrap();
        assert_eq!(entries[0].action, Some(Action::Void));
        assert_eq!(entries[0].target, voided.to_string());
        assert_eq!(entries[0].detail, "doublon");

        // Twice: refused, nothing moves.
        assert_eq!(
            void(&mut conn, voided, "Marie", "encore", 6).unwrap(),
            VoidOutcome::AlreadyVoided
        );
        assert_eq!(
            void(&mut conn, RecordId::new(), "Marie", "?", 6).unwrap(),
            VoidOutcome::NotFound
        );
        // The phone's own void of the same record arrives later: no second subtraction.
        store(
            &mut conn,
            device,
            vec![Prepared::Void {
                record_id: RecordId::new(),
                target: voided,
            }],
        );
        assert_eq!(sum(&conn, "material", "seringues"), (0, 5));
        assert_eq!(sum(&conn, "all", ""), (1, 0));
        assert_eq!(audit::page(&conn, 0, 10).unwrap().1, 1);
    }
}
