//! Retention (Québec's Loi 25): personal information is kept only as long
//! as needed and then destroyed by a documented rule, `[retention]` in the
//! settings ([`Policy`]). [`plan`] says what the rule would destroy now
//! (`tournee admin purge --dry-run`); [`purge`] destroys it in one
//! transaction and writes one audit entry saying what went.
//!
//! - Contact-level rows (contacts, their voids, pseudonyms by month) are
//!   kept `contact_months` full months after their month ends: the month
//!   `M` goes once the current month is later than `M + contact_months`.
//!   Then only the monthly rollups remain, and the month is closed: a late
//!   batch with a contact in it is quarantined, since its report can no
//!   longer change.
//! - Before a month's pseudonyms go, its distinct and new people are kept
//!   as rollups, so its report (and the comparisons of later reports that
//!   name it) comes out the same. A pseudonym seen in a purged month that
//!   is still seen in a kept month is kept, without its months, in
//!   `pseudonyms_before_purge`, so that person still counts as returning;
//!   a person seen in no kept month is forgotten entirely and counts as
//!   new if they come back.
//! - Quarantined batches received before the first kept month have their
//!   envelope (with its sealed person codes) destroyed.
//! - The audit log and alerts are kept `audit_months`; dashboard sessions
//!   past their limits and enrollment codes past their expiry go at once.
//!
//! Months are the contacts' local months; "now" is read in the server's
//! local time zone.

use super::console::audit::{self, Action};
use super::console::sessions::Lifetimes;
use super::error::ServerError;
use crate::domain::report::YearMonth;
use chrono::{Local, Months, TimeZone};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// The settings row holding the first month still kept contact by contact.
const KEPT_FROM: &str = "contacts_kept_from";

/// The rule in force, from `[retention]` and the dashboard's session limits.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub contact_months: u32,
    pub audit_months: u32,
    pub sessions: Lifetimes,
}

impl Policy {
    pub fn from_config(config: &super::Config) -> Policy {
        let dashboard = &config.dashboard;
        Policy {
            contact_months: config.retention.contact_months,
            audit_months: config.retention.audit_months,
            sessions: Lifetimes {
                idle_ms: i64::from(dashboard.session_idle_minutes) * 60_000,
                max_ms: i64::from(dashboard.session_max_hours) * 3_600_000,
            },
        }
    }
}

/// What a purge at `now_ms` destroys, kind by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The first month kept contact by contact after the purge.
    pub kept_from: Option<YearMonth>,
    /// Months whose contact-level rows go (only their rollups stay).
    pub months: Vec<YearMonth>,
    pub contacts: u64,
    pub voids: u64,
    /// Rows "this pseudonym was seen in this month".
    pub pseudonym_months: u64,
    /// Pseudonyms that leave the server entirely.
    pub pseudonyms_forgotten: u64,
    /// Quarantined batches whose envelope (and sealed codes) goes.
    pub quarantined: u64,
    /// Audit entries and alerts before this time go.
    pub audit_before_ms: i64,
    pub audit_entries: u64,
    pub alerts: u64,
    pub sessions: u64,
    pub enroll_codes: u64,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.contacts
            + self.voids
            + self.pseudonym_months
            + self.pseudonyms_forgotten
            + self.quarantined
            + self.audit_entries
            + self.alerts
            + self.sessions
            + self.enroll_codes
            == 0
    }

    /// Whether anything but expired sessions and codes goes: a daily purge
    /// that only sweeps those leaves no entry in the audit log.
    pub fn destroys_records(&self) -> bool {
        self.contacts
            + self.voids
            + self.pseudonym_months
            + self.pseudonyms_forgotten
            + self.quarantined
            + self.audit_entries
            + self.alerts
            > 0
    }

    /// One line for the audit log: counts only, never a record's content.
    pub fn summary(&self) -> String {
        let months = match (self.months.first(), self.months.last()) {
            (Some(first), Some(last)) if first == last => first.to_string(),
            (Some(first), Some(last)) => format!("{first} to {last}"),
            _ => "none".to_string(),
        };
        let kept = self.kept_from.map_or("-".to_string(), |m| m.to_string());
        format!(
            "months {months}; contacts {}, voids {}, pseudonym-months {}, pseudonyms forgotten {}, \
             quarantined batches {}, audit entries {}, alerts {}, sessions {}, enrollment codes {}; \
             contacts kept from {kept}",
            self.contacts,
            self.voids,
            self.pseudonym_months,
            self.pseudonyms_forgotten,
            self.quarantined,
            self.audit_entries,
            self.alerts,
            self.sessions,
            self.enroll_codes
        )
    }
}

/// The first month still held contact by contact, once a purge has run.
pub fn kept_from(conn: &Connection) -> Result<Option<YearMonth>, ServerError> {
    let text: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE name = ?1",
            [KEPT_FROM],
            |r| r.get(0),
        )
        .optional()?;
    text.map(|t| {
        YearMonth::parse(&t).ok_or_else(|| ServerError::Damaged(format!("{KEPT_FROM}: {t}")))
    })
    .transpose()
}

/// `now_ms` in the server's time zone.
fn local(now_ms: i64) -> Result<chrono::DateTime<Local>, ServerError> {
    Local
        .timestamp_millis_opt(now_ms)
        .earliest()
        .ok_or_else(|| ServerError::Damaged(format!("time {now_ms} ms")))
}

/// Milliseconds at the start of `month` in local time.
pub(crate) fn month_start_ms(month: YearMonth) -> Result<i64, ServerError> {
    chrono::NaiveDate::from_ymd_opt(month.year, month.month, 1)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .and_then(|t| Local.from_local_datetime(&t).earliest())
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| ServerError::Damaged(format!("month {month}")))
}

/// A month as stored, `YYYY-MM`, whatever the year: an older release
/// stored contacts dated 1900, which reports cannot show but the purge
/// must still name and destroy.
pub(crate) fn stored_month(text: &str) -> Option<YearMonth> {
    let (year, month) = text.split_once('-')?;
    let month = month.parse().ok().filter(|m| (1..=12).contains(m))?;
    Some(YearMonth {
        year: year.parse().ok()?,
        month,
    })
}

fn count(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<u64, ServerError> {
    Ok(conn.query_row(sql, params, |r| r.get::<_, i64>(0))? as u64)
}

/// Where a purge at `now_ms` cuts.
pub(crate) struct Cut {
    /// The first month kept contact by contact.
    pub kept_from: YearMonth,
    /// Its first millisecond, local time: quarantined batches received
    /// before go.
    pub kept_from_ms: i64,
    /// Audit entries and alerts before this go.
    pub audit_before_ms: i64,
}

/// The cut of `policy` at `now_ms`, given the first month kept so far.
pub(crate) fn cut(
    kept_so_far: Option<YearMonth>,
    policy: &Policy,
    now_ms: i64,
) -> Result<Cut, ServerError> {
    let now = local(now_ms)?;
    let current = YearMonth::of(now.date_naive());
    // A longer rule later does not bring back what a shorter one destroyed.
    let kept_from = kept_so_far
        .into_iter()
        .chain([current.months_before(policy.contact_months)])
        .max()
        .expect("one month at least");
    Ok(Cut {
        kept_from,
        kept_from_ms: month_start_ms(kept_from)?,
        audit_before_ms: now
            .checked_sub_months(Months::new(policy.audit_months))
            .map_or(i64::MIN, |t| t.timestamp_millis()),
    })
}

/// What [`purge`] would destroy at `now_ms`, without changing anything.
pub fn plan(conn: &Connection, policy: &Policy, now_ms: i64) -> Result<Plan, ServerError> {
    let Cut {
        kept_from,
        kept_from_ms,
        audit_before_ms,
    } = cut(kept_from(conn)?, policy, now_ms)?;
    let kept = kept_from.to_string();
    let mut months = conn.prepare(
        "SELECT month FROM contacts WHERE month < ?1 UNION SELECT month FROM person_months WHERE month < ?1
         UNION SELECT month FROM events WHERE month < ?1
         ORDER BY 1",
    )?;
    let months = months
        .query_map([&kept], |r| r.get::<_, String>(0))?
        .map(|m| {
            let m = m?;
            stored_month(&m).ok_or_else(|| ServerError::Damaged(format!("month {m}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let life = policy.sessions;
    Ok(Plan {
        kept_from: Some(kept_from),
        months,
        contacts: count(
            conn,
            "SELECT count(*) FROM contacts WHERE month < ?1",
            [&kept],
        )?,
        voids: count(
            conn,
            "SELECT count(*) FROM voids WHERE target IN (SELECT record_id FROM contacts WHERE month < ?1)",
            [&kept],
        )?,
        pseudonym_months: count(
            conn,
            "SELECT count(*) FROM person_months WHERE month < ?1",
            [&kept],
        )?,
        pseudonyms_forgotten: count(
            conn,
            "SELECT count(*) FROM (
                 SELECT pseudonym FROM person_months WHERE month < ?1
                 UNION SELECT pseudonym FROM pseudonyms_before_purge
             ) AS p WHERE NOT EXISTS
                 (SELECT 1 FROM person_months k WHERE k.pseudonym = p.pseudonym AND k.month >= ?1)",
            [&kept],
        )?,
        quarantined: count(
            conn,
            "SELECT count(*) FROM envelopes
             WHERE quarantined_at IS NOT NULL AND bytes IS NOT NULL AND received_at < ?1",
            [kept_from_ms],
        )?,
        audit_before_ms,
        audit_entries: count(
            conn,
            "SELECT count(*) FROM audit WHERE at < ?1",
            [audit_before_ms],
        )?,
        alerts: count(
            conn,
            "SELECT count(*) FROM alerts WHERE last_at < ?1",
            [audit_before_ms],
        )?,
        sessions: count(
            conn,
            "SELECT count(*) FROM sessions WHERE seen_at < ?1 OR created_at < ?2",
            (now_ms - life.idle_ms, now_ms - life.max_ms),
        )?,
        enroll_codes: count(
            conn,
            "SELECT count(*) FROM enroll_codes WHERE expires_at <= ?1",
            [now_ms],
        )?,
    })
}

/// Who asked for a purge, as the audit log names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asker {
    /// `tournee admin purge`: always audited, even when nothing went.
    Admin,
    /// `serve`'s daily run: audited when records went.
    Daily,
}

impl Asker {
    pub(crate) fn actor(self) -> &'static str {
        match self {
            Asker::Admin => "tournee admin purge",
            Asker::Daily => "tournee serve (daily purge)",
        }
    }
}

/// Destroys what [`plan`] lists, all or nothing, and records it in the
/// audit log as done by `asker`. Returns what went.
pub fn purge(
    conn: &mut Connection,
    policy: &Policy,
    now_ms: i64,
    asker: Asker,
) -> Result<Plan, ServerError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let plan = plan(&tx, policy, now_ms)?;
    let kept_from = plan.kept_from.expect("a plan names its first kept month");
    let kept = kept_from.to_string();
    for month in &plan.months {
        freeze_people(&tx, &month.to_string())?;
    }
    for sql in [
        // Seen before the first kept month and again since: still returning.
        "INSERT OR IGNORE INTO pseudonyms_before_purge (pseudonym)
             SELECT DISTINCT pseudonym FROM person_months WHERE month < ?1
             AND pseudonym IN (SELECT pseudonym FROM person_months WHERE month >= ?1)",
        // Seen in no kept month: forgotten.
        "DELETE FROM pseudonyms_before_purge WHERE pseudonym NOT IN
             (SELECT pseudonym FROM person_months WHERE month >= ?1)",
        "DELETE FROM voids WHERE target IN (SELECT record_id FROM contacts WHERE month < ?1)",
        "DELETE FROM contacts WHERE month < ?1",
        "DELETE FROM voids WHERE target IN (SELECT record_id FROM events WHERE month < ?1)",
        // What a supervisor did about an incident goes with it.
        "DELETE FROM incident_followups WHERE record_id IN (SELECT record_id FROM events WHERE month < ?1)",
        "DELETE FROM events WHERE month < ?1",
        "DELETE FROM person_months WHERE month < ?1",
        // A quarter or fiscal year starting before is rebuilt below from
        // its months still kept.
        "DELETE FROM person_quarters WHERE quarter < ?1",
        "DELETE FROM person_years WHERE fiscal_year < ?1",
        // Days sort after their month's text: '2024-02-29' < '2024-03'.
        "DELETE FROM person_days WHERE day < ?1",
    ] {
        tx.execute(sql, [&kept])?;
    }
    super::ledger::fill_spans(&tx, Some(&kept))?;
    tx.execute(
        "UPDATE envelopes SET bytes = NULL, purged_at = ?2, quarantined_at = NULL
         WHERE quarantined_at IS NOT NULL AND bytes IS NOT NULL AND received_at < ?1",
        params![month_start_ms(kept_from)?, now_ms],
    )?;
    tx.execute("DELETE FROM audit WHERE at < ?1", [plan.audit_before_ms])?;
    tx.execute(
        "DELETE FROM alerts WHERE last_at < ?1",
        [plan.audit_before_ms],
    )?;
    super::console::sessions::sweep(&tx, now_ms, policy.sessions)?;
    tx.execute("DELETE FROM enroll_codes WHERE expires_at <= ?1", [now_ms])?;
    tx.execute(
        "INSERT INTO settings (name, value) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (KEPT_FROM, &kept),
    )?;
    if asker == Asker::Admin || plan.destroys_records() {
        audit::record(
            &tx,
            asker.actor(),
            Action::Purge,
            "",
            &plan.summary(),
            now_ms,
        )?;
    }
    tx.commit()?;
    super::db::checkpoint(conn)?;
    tracing::info!(summary = %plan.summary(), "retention purge");
    Ok(plan)
}

/// Keeps `month`'s distinct and new people as rollups, computed exactly as
/// [`super::tally`] does while its pseudonyms are still there.
fn freeze_people(conn: &Connection, month: &str) -> Result<(), ServerError> {
    let period = stored_month(month)
        .map(crate::domain::report::Period::Month)
        .ok_or_else(|| ServerError::Damaged(format!("month {month}")))?;
    let (unique, new) = super::tally::live_people(conn, period)?;
    for (key, value) in [("unique", unique), ("new", new)] {
        conn.execute(
            "INSERT INTO rollups (month, dim, key, contacts) VALUES (?1, 'people', ?2, ?3)
             ON CONFLICT (month, dim, key) DO NOTHING",
            params![month, key, value as i64],
        )?;
    }
    Ok(())
}
