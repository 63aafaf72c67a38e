//! A period's tally, read from the rollups kept by the apply step: the
//! monthly rows of its whole months and the daily rows of its loose days
//! (a few hundred rows a month, a few thousand for a fiscal year, whatever
//! the number of contacts stored), plus the distinct pseudonyms seen in it.
//! For a month the retention policy purged, the people figures were kept
//! as rollups (`dim = 'people'`) before its pseudonyms went.

use super::error::ServerError;
use crate::domain::report::span;
use crate::domain::report::tally::NO_GENDER;
use crate::domain::report::{
    Breakdown, Comparison, DetailsTally, OverdoseTally, Part, Period, Summary, Tally, YearMonth,
};
use crate::domain::{Catalog, Section};
use rusqlite::{Connection, params, params_from_iter};
use std::collections::BTreeMap;

/// A month's tally (the report of the month-only release).
pub fn month_tally(
    conn: &Connection,
    catalog: &Catalog,
    month: YearMonth,
) -> Result<Tally, ServerError> {
    tally(conn, catalog, Period::Month(month))
}

/// The period's tally with its two comparisons.
pub fn tally(conn: &Connection, catalog: &Catalog, period: Period) -> Result<Tally, ServerError> {
    let mut tally = figures(conn, catalog, period)?;
    tally.previous = comparison(conn, period.previous())?;
    tally.last_year = comparison(conn, period.a_year_before())?;
    Ok(tally)
}

/// The period's figures without comparisons (a comparison period's own
/// full figures, for the report's comparison columns).
pub fn figures(conn: &Connection, catalog: &Catalog, period: Period) -> Result<Tally, ServerError> {
    let (from, to) = period.span();
    let read = Read {
        rows: rows(conn, period)?,
        contacts_during: contacts_during_outings(conn, from, to)?,
        people: people(conn, period)?,
    };
    Ok(shape(catalog, period, read))
}

/// What a backend reads for a period's figures.
pub struct Read {
    pub rows: Rows,
    /// Contacts logged during the period's outings.
    pub contacts_during: u64,
    /// Distinct and new people, `None` when they cannot be counted.
    pub people: Option<(u64, u64)>,
}

/// The period's figures from what was read: every active catalog id
/// present, the rows sorted into their places.
pub fn shape(catalog: &Catalog, period: Period, read: Read) -> Tally {
    let (from, to) = period.span();
    let mut tally = Tally {
        period: period.to_string(),
        from: from.to_string(),
        to: to.to_string(),
        ..Tally::default()
    };
    // Every active id is present, zero or not; retired ids only when counted.
    for (section, map) in [
        (Section::Materials, &mut tally.materials),
        (Section::Referrals, &mut tally.referrals),
        (Section::Interventions, &mut tally.interventions),
    ] {
        zeros(map, catalog, section, 0);
    }
    for (section, map) in [
        (Section::Zones, &mut tally.by_zone),
        (Section::AgeBands, &mut tally.by_age_band),
        (Section::Genders, &mut tally.by_gender),
    ] {
        zeros(map, catalog, section, Breakdown::default());
    }
    tally.by_gender.entry(NO_GENDER.to_string()).or_default();
    tally.overdoses = OverdoseTally::with_every_choice();
    tally.details = DetailsTally::with_every_choice();
    for (section, map) in [
        (Section::Zones, &mut tally.overdoses.by_zone),
        (
            Section::LocationTypes,
            &mut tally.overdoses.by_location_type,
        ),
        (Section::Substances, &mut tally.overdoses.by_substance),
        (Section::Zones, &mut tally.field_work.by_zone),
        (Section::IncidentTypes, &mut tally.field_work.incidents),
        (Section::ContactModes, &mut tally.details.by_mode),
        (Section::LocationTypes, &mut tally.details.by_location_type),
        (Section::Materials, &mut tally.details.materials_for_others),
    ] {
        zeros(map, catalog, section, 0);
    }

    for ((dim, id), (contacts, people, quantity)) in read.rows {
        let breakdown = Breakdown {
            contacts,
            people_reached: people,
        };
        match dim.as_str() {
            "all" => {
                (
                    tally.contacts,
                    tally.people_reached,
                    tally.returned_syringes,
                ) = (contacts, people, quantity)
            }
            "code" if id == "with" => tally.contacts_with_code = contacts,
            "code" => tally.contacts_without_code = contacts,
            "zone" => _ = tally.by_zone.insert(id, breakdown),
            "age_band" => _ = tally.by_age_band.insert(id, breakdown),
            "gender" => _ = tally.by_gender.insert(id, breakdown),
            "material" => _ = tally.materials.insert(id, quantity),
            "referral" => _ = tally.referrals.insert(id, contacts),
            "intervention" => _ = tally.interventions.insert(id, contacts),
            "overdose" => tally.overdoses.responses = contacts,
            "od_route" if id == "nasal" => tally.overdoses.nasal_doses = quantity,
            "od_route" => tally.overdoses.injected_doses = quantity,
            "od_outcome" => _ = tally.overdoses.by_outcome.insert(id, contacts),
            "od_911" => _ = tally.overdoses.by_call_911.insert(id, contacts),
            "od_zone" => _ = tally.overdoses.by_zone.insert(id, contacts),
            "od_location" => _ = tally.overdoses.by_location_type.insert(id, contacts),
            "od_responder" => _ = tally.overdoses.by_responder.insert(id, contacts),
            "od_substance" => _ = tally.overdoses.by_substance.insert(id, contacts),
            "shift" => {
                tally.field_work.outings = contacts;
                tally.field_work.minutes = quantity;
            }
            "shift_staff" => tally.field_work.worker_minutes = quantity,
            "shift_end" if id == "day-over" => tally.field_work.forgotten_ends = contacts,
            "shift_zone" => _ = tally.field_work.by_zone.insert(id, contacts),
            "incident" => _ = tally.field_work.incidents.insert(id, contacts),
            "incident_flag" => tally.field_work.incidents_debrief = contacts,
            "mode" => _ = tally.details.by_mode.insert(id, contacts),
            "location" => _ = tally.details.by_location_type.insert(id, contacts),
            "material_others" => _ = tally.details.materials_for_others.insert(id, quantity),
            "kit_form" => {
                tally.details.kits_detailed += quantity;
                tally.details.kits_by_form.insert(id, quantity);
            }
            "kit_supply" => _ = tally.details.kits_by_supply.insert(id, quantity),
            "kit_trained" => tally.details.people_trained = quantity,
            "od_flag" => match id.as_str() {
                "stayed" => tally.overdoses.someone_stayed = contacts,
                "ambulance" => tally.overdoses.ambulance = contacts,
                _ => tally.overdoses.debrief_wanted = contacts,
            },
            _ => {}
        }
    }
    // Drop retired ids that ended at zero (all their contacts voided).
    for (section, map) in [
        (Section::Materials, &mut tally.materials),
        (Section::Referrals, &mut tally.referrals),
        (Section::Interventions, &mut tally.interventions),
        (Section::Zones, &mut tally.overdoses.by_zone),
        (
            Section::LocationTypes,
            &mut tally.overdoses.by_location_type,
        ),
        (Section::Substances, &mut tally.overdoses.by_substance),
        (Section::Zones, &mut tally.field_work.by_zone),
        (Section::IncidentTypes, &mut tally.field_work.incidents),
        (Section::ContactModes, &mut tally.details.by_mode),
        (Section::LocationTypes, &mut tally.details.by_location_type),
        (Section::Materials, &mut tally.details.materials_for_others),
    ] {
        map.retain(|id, n| *n > 0 || catalog.entry(section, id).is_some_and(|e| e.active));
    }

    tally.field_work.contacts_during = read.contacts_during;
    match read.people {
        Some((unique, new)) => {
            tally.unique_people = unique;
            tally.new_people = new;
            tally.returning_people = unique - new;
        }
        None => tally.people_unknown = true,
    }
    tally
}

/// Every (dimension, key) of the period, summed over its whole months'
/// rows and its loose days' rows.
pub type Rows = BTreeMap<(String, String), (u64, u64, u64)>;

fn rows(conn: &Connection, period: Period) -> Result<Rows, ServerError> {
    let mut sums = Rows::new();
    for part in period.parts() {
        let (sql, a, b) = match part {
            Part::Months { first, last } => (
                "SELECT dim, key, sum(contacts), sum(people), sum(quantity) FROM rollups
                 WHERE month BETWEEN ?1 AND ?2 AND dim != 'people' GROUP BY dim, key",
                first.to_string(),
                last.to_string(),
            ),
            Part::Days { from, to } => (
                "SELECT dim, key, sum(contacts), sum(people), sum(quantity) FROM day_rollups
                 WHERE day BETWEEN ?1 AND ?2 GROUP BY dim, key",
                from.to_string(),
                to.to_string(),
            ),
        };
        let mut statement = conn.prepare_cached(sql)?;
        let mut found = statement.query(params![a, b])?;
        while let Some(row) = found.next()? {
            let sum = sums.entry((row.get(0)?, row.get(1)?)).or_default();
            sum.0 += row.get::<_, i64>(2)? as u64;
            sum.1 += row.get::<_, i64>(3)? as u64;
            sum.2 += row.get::<_, i64>(4)? as u64;
        }
    }
    Ok(sums)
}

fn zeros<T: Clone>(map: &mut BTreeMap<String, T>, catalog: &Catalog, section: Section, zero: T) {
    for entry in catalog.section(section).iter().filter(|e| e.active) {
        map.insert(entry.id.to_string(), zero.clone());
    }
}

/// Distinct people in the period, and those new in it (never seen before
/// its first day): the kept figures of a purged month asked for alone,
/// else counted from the pseudonyms; `None` when the period spans several
/// months one of which was purged with people in it.
fn people(conn: &Connection, period: Period) -> Result<Option<(u64, u64)>, ServerError> {
    if let Some(month) = period.as_month()
        && let Some(figures) = frozen(conn, &month.to_string())?
    {
        return Ok(Some(figures));
    }
    if had_people_purged(conn, period)? {
        return Ok(None);
    }
    live_people(conn, period).map(Some)
}

/// Whether one of the period's months was purged with people in it. One
/// purged without kept figures had no pseudonyms then, so the live count
/// stays exact over it; one that had some cannot be merged with the
/// others' pseudonyms (a month asked for alone reads its kept figures).
fn had_people_purged(conn: &Connection, period: Period) -> Result<bool, ServerError> {
    let (first, last) = period.months();
    let had: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM rollups WHERE dim = 'people' AND key = 'unique'
                            AND contacts > 0 AND month BETWEEN ?1 AND ?2)",
        )?
        .query_row(params![first.to_string(), last.to_string()], |r| r.get(0))?;
    Ok(had)
}

/// The figures kept for a purged month, if it is one.
fn frozen(conn: &Connection, month: &str) -> Result<Option<(u64, u64)>, ServerError> {
    let mut rows = conn
        .prepare_cached("SELECT key, contacts FROM rollups WHERE month = ?1 AND dim = 'people'")?;
    let mut rows = rows.query([month])?;
    let (mut unique, mut new) = (None, None);
    while let Some(row) = rows.next()? {
        let value = row.get::<_, i64>(1)? as u64;
        match row.get::<_, String>(0)?.as_str() {
            "unique" => unique = Some(value),
            "new" => new = Some(value),
            _ => {}
        }
    }
    Ok(unique.zip(new))
}

/// Distinct pseudonyms in the period, and those never seen before its
/// first day: in no earlier month, on no earlier day of its first month,
/// and not among those kept from purged months.
pub(super) fn live_people(conn: &Connection, period: Period) -> Result<(u64, u64), ServerError> {
    let (from, _) = period.span();
    let first_month = YearMonth::of(from);
    let (here, mut values) = here(period, SQLITE);
    let n = values.len();
    let sql = format!(
        "WITH here (pseudonym) AS ({here})
         SELECT count(*), coalesce(sum(
             NOT EXISTS (SELECT 1 FROM person_months AS before
                         WHERE before.pseudonym = here.pseudonym AND before.month < ?{})
             AND NOT EXISTS (SELECT 1 FROM person_days AS before
                         WHERE before.pseudonym = here.pseudonym
                         AND before.day >= ?{} AND before.day < ?{})
             AND NOT EXISTS (SELECT 1 FROM pseudonyms_before_purge AS kept
                         WHERE kept.pseudonym = here.pseudonym)), 0)
         FROM here",
        n + 1,
        n + 2,
        n + 3
    );
    values.extend([
        first_month.to_string(),
        crate::domain::report::period::first_day(first_month).to_string(),
        from.to_string(),
    ]);
    let (unique, new): (i64, i64) = conn
        .prepare_cached(&sql)?
        .query_row(params_from_iter(values), |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((unique as u64, new as u64))
}

/// A statement selecting the period's distinct pseudonyms, and its
/// parameters: its whole months read as the fewest runs of fiscal years,
/// quarters and months (a fiscal year is one index range), its loose days
/// day by day. The text depends only on the period's shape, so few are
/// cached.
pub fn here(period: Period, sql: Dialect) -> (String, Vec<String>) {
    let mut sources = Vec::new();
    for part in period.parts() {
        match part {
            Part::Months { first, last } => {
                for run in span::runs(first, last) {
                    let (table, column) = super::ledger::person_table(run.span);
                    sources.push((table, column, run.first.to_string(), run.last.to_string()));
                }
            }
            Part::Days { from, to } => {
                sources.push(("person_days", "day", from.to_string(), to.to_string()))
            }
        }
    }
    // One row per pseudonym and span: a single span needs no DISTINCT.
    let alone = sources.len() == 1;
    let (mut selects, mut values) = (Vec::new(), Vec::new());
    let scope = sql.scope;
    for (table, column, first, last) in sources {
        let n = sql.first + values.len();
        selects.push(if first == last {
            values.push(first);
            format!(
                "SELECT pseudonym FROM {table} WHERE {scope}{column} = {}{n}",
                sql.mark
            )
        } else {
            values.extend([first, last]);
            let distinct = if alone { "DISTINCT " } else { "" };
            format!(
                "SELECT {distinct}pseudonym FROM {table} WHERE {scope}{column} BETWEEN {}{n} AND {}{}",
                sql.mark,
                sql.mark,
                n + 1
            )
        });
    }
    (selects.join(" UNION "), values)
}

/// How a backend writes a statement's parameters: their mark (`?` or
/// `$`), the number of the first, and what limits every table read
/// (`org_id = $1 AND ` on a host).
#[derive(Clone, Copy)]
pub struct Dialect {
    pub mark: char,
    pub first: usize,
    pub scope: &'static str,
}

const SQLITE: Dialect = Dialect {
    mark: '?',
    first: 1,
    scope: "",
};

/// Distinct pseudonyms in the period, without telling new from returning
/// (what a comparison column needs).
fn live_unique(conn: &Connection, period: Period) -> Result<u64, ServerError> {
    let (here, values) = here(period, SQLITE);
    let count: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM ({here})"))?
        .query_row(params_from_iter(values), |r| r.get(0))?;
    Ok(count as u64)
}

/// A comparison period's headline figures, or none when the server held
/// no record yet on its last day (a report of a program's first months
/// says "n.d." rather than 0).
fn comparison(conn: &Connection, period: Period) -> Result<Comparison, ServerError> {
    let (_, to) = period.span();
    let comparison = Comparison {
        period: period.to_string(),
        ..Comparison::default()
    };
    if first_day(conn)?.is_none_or(|first| first > to.to_string()) {
        return Ok(comparison);
    }
    Ok(compared(
        comparison,
        &rows(conn, period)?,
        people_of(conn, period)?,
    ))
}

/// A comparison period's headline figures from its rows and distinct
/// people (`None`: they cannot be counted).
pub fn compared(mut comparison: Comparison, rows: &Rows, unique: Option<u64>) -> Comparison {
    let (contacts, people) = rows
        .get(&("all".to_string(), String::new()))
        .map_or((0, 0), |&(contacts, people, _)| (contacts, people));
    comparison.people_unknown = unique.is_none();
    comparison.figures = Some(Summary {
        contacts,
        people_reached: people,
        unique_people: unique.unwrap_or(0),
    });
    comparison
}

/// The period's distinct people, as [`people`] decides where they come
/// from, without the new-or-returning split.
fn people_of(conn: &Connection, period: Period) -> Result<Option<u64>, ServerError> {
    if let Some(month) = period.as_month()
        && let Some((unique, _)) = frozen(conn, &month.to_string())?
    {
        return Ok(Some(unique));
    }
    if had_people_purged(conn, period)? {
        return Ok(None);
    }
    live_unique(conn, period).map(Some)
}

/// The first day the server holds a count for: a day of the daily rows,
/// or the first of a month kept only as monthly rows (purged before the
/// days were kept).
fn first_day(conn: &Connection) -> Result<Option<String>, ServerError> {
    let first: Option<String> = conn
        .prepare_cached(
            "SELECT min(first) FROM (
                 SELECT min(day) AS first FROM day_rollups
                 UNION ALL SELECT min(month) || '-01' FROM rollups)",
        )?
        .query_row([], |r| r.get(0))?;
    Ok(first)
}

/// Contacts of the period's outings: the same phone's, logged between an
/// outing's start and end, neither voided; read from the period's few
/// outings through the (device, time) index, never a scan of contacts. A
/// contact two overlapping outings of one phone cover counts once.
fn contacts_during_outings(
    conn: &Connection,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<u64, ServerError> {
    let n: i64 = conn.query_row(
        "SELECT count(DISTINCT c.record_id) FROM events e
         JOIN contacts c ON c.device_id = e.device_id
             AND c.occurred_at BETWEEN e.occurred_at AND e.ended_at
         WHERE e.kind = 'shift' AND e.day BETWEEN ?1 AND ?2 AND e.voided = 0 AND c.voided = 0",
        params![from.to_string(), to.to_string()],
        |row| row.get(0),
    )?;
    Ok(n as u64)
}
