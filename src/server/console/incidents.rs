//! The safety incidents a supervisor follows up: a month of them, newest
//! first, each with its follow-up (what was done, by whom, when) or none
//! yet. Recording a follow-up writes the audit log in the same
//! transaction. Nothing here names a worker: the phone by its label.

use super::audit::{self, Action};
use crate::domain::RecordId;
use crate::domain::report::YearMonth;
use crate::server::apply::prepare::{EventFacts, IncidentFacts};
use crate::server::error::ServerError;
use rusqlite::{Connection, OptionalExtension};

/// What a supervisor did about an incident: a closed list, so that the
/// log and the page say it in either language and nothing is typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowUp {
    /// Talked it over with the worker or the team.
    Debriefed,
    /// Sent to care (after a needle-stick: post-exposure prophylaxis).
    CareReferred,
    /// Declared as a work accident.
    Declared,
    NothingNeeded,
}

impl FollowUp {
    pub const ALL: [FollowUp; 4] = [
        FollowUp::Debriefed,
        FollowUp::CareReferred,
        FollowUp::Declared,
        FollowUp::NothingNeeded,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FollowUp::Debriefed => "debriefed",
            FollowUp::CareReferred => "care-referred",
            FollowUp::Declared => "declared",
            FollowUp::NothingNeeded => "nothing-needed",
        }
    }

    pub fn parse(code: &str) -> Option<FollowUp> {
        FollowUp::ALL.into_iter().find(|f| f.code() == code.trim())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Followed {
    /// `None` for a code a newer version wrote.
    pub action: Option<FollowUp>,
    pub supervisor: String,
    pub at_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncidentRow {
    pub record_id: RecordId,
    pub phone: String,
    pub facts: IncidentFacts,
    pub voided: bool,
    pub followed: Option<Followed>,
}

/// The month's incidents, voided ones included (marked), newest first.
pub fn month(conn: &Connection, month: YearMonth) -> Result<Vec<IncidentRow>, ServerError> {
    let mut statement = conn.prepare_cached(
        "SELECT e.record_id, coalesce(d.label, ''), e.facts, e.voided,
                f.action, f.supervisor, f.at
         FROM events e
         LEFT JOIN devices d ON d.device_id = e.device_id
         LEFT JOIN incident_followups f ON f.record_id = e.record_id
         WHERE e.kind = 'incident' AND e.month = ?1
         ORDER BY e.occurred_at DESC",
    )?;
    let raw = statement
        .query_map([month.to_string()], |row| {
            Ok((
                RecordId::from_bytes(row.get(0)?),
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, bool>(3)?,
                row.get::<_, Option<String>>(4)?,
                row.get::<_, Option<String>>(5)?,
                row.get::<_, Option<i64>>(6)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    raw.into_iter()
        .map(|(record_id, phone, json, voided, action, supervisor, at)| {
            incident_row(record_id, phone, &json, voided, action, supervisor, at)
        })
        .collect()
}

/// An incident from its columns and its follow-up's, if any.
pub(crate) fn incident_row(
    record_id: RecordId,
    phone: String,
    json: &str,
    voided: bool,
    action: Option<String>,
    supervisor: Option<String>,
    at: Option<i64>,
) -> Result<IncidentRow, ServerError> {
    let facts = match serde_json::from_str::<EventFacts>(json) {
        Ok(EventFacts::Incident(facts)) => facts,
        Ok(_) => {
            return Err(ServerError::Damaged(format!(
                "stored record {record_id} is filed as an incident but is not one"
            )));
        }
        Err(e) => {
            return Err(ServerError::Damaged(format!(
                "stored record {record_id}: {e}"
            )));
        }
    };
    let followed = match (action, supervisor, at) {
        (Some(action), Some(supervisor), Some(at_ms)) => Some(Followed {
            action: FollowUp::parse(&action),
            supervisor,
            at_ms,
        }),
        _ => None,
    };
    Ok(IncidentRow {
        record_id,
        phone,
        facts,
        voided,
        followed,
    })
}

/// Records what was done about incident `id`, replacing an earlier
/// follow-up (both stay in the audit log). False when no such incident.
pub fn follow_up(
    conn: &mut Connection,
    id: RecordId,
    action: FollowUp,
    actor: &str,
    now_ms: i64,
) -> Result<bool, ServerError> {
    let tx = conn.transaction()?;
    let known: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM events WHERE kind = 'incident' AND record_id = ?1",
            [id.as_bytes().as_slice()],
            |row| row.get(0),
        )
        .optional()?;
    if known.is_none() {
        return Ok(false);
    }
    tx.execute(
        "INSERT INTO incident_followups (record_id, action, supervisor, at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (record_id) DO UPDATE SET
           action = excluded.action, supervisor = excluded.supervisor, at = excluded.at",
        (id.as_bytes().as_slice(), action.code(), actor, now_ms),
    )?;
    audit::record(
        &tx,
        actor,
        Action::FollowUp,
        &format!("incidents/{id}"),
        action.code(),
        now_ms,
    )?;
    tx.commit()?;
    Ok(true)
}
