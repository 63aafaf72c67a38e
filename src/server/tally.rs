//! A month's tally, read from the rollups kept by the apply step: a few
//! hundred rows for the month and its two comparison months, plus the
//! month's distinct pseudonyms, whatever the size of the database. For a
//! month the retention policy purged, the people figures were kept as
//! rollups (`dim = 'people'`) before its pseudonyms went.

use super::error::ServerError;
use crate::domain::report::tally::NO_GENDER;
use crate::domain::report::{
    Breakdown, DetailsTally, MonthTally, OverdoseTally, Summary, YearMonth,
};
use crate::domain::{Catalog, Section};
use rusqlite::{Connection, params};
use std::collections::BTreeMap;

pub fn month_tally(
    conn: &Connection,
    catalog: &Catalog,
    month: YearMonth,
) -> Result<MonthTally, ServerError> {
    let key = month.to_string();
    let mut tally = MonthTally {
        month: key.clone(),
        ..MonthTally::default()
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

    let mut rows = conn.prepare_cached(
        "SELECT dim, key, contacts, people, quantity FROM rollups WHERE month = ?1",
    )?;
    let mut rows = rows.query([&key])?;
    while let Some(row) = rows.next()? {
        let (dim, id): (String, String) = (row.get(0)?, row.get(1)?);
        let (contacts, people, quantity) = (
            row.get::<_, i64>(2)? as u64,
            row.get::<_, i64>(3)? as u64,
            row.get::<_, i64>(4)? as u64,
        );
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

    tally.field_work.contacts_during = contacts_during_outings(conn, &key)?;
    let (unique, new) = people(conn, &key)?;
    tally.unique_people = unique;
    tally.new_people = new;
    tally.returning_people = unique - new;
    tally.previous_month = summary(conn, month.previous())?;
    tally.same_month_last_year = summary(conn, month.a_year_before())?;
    Ok(tally)
}

fn zeros<T: Clone>(map: &mut BTreeMap<String, T>, catalog: &Catalog, section: Section, zero: T) {
    for entry in catalog.section(section).iter().filter(|e| e.active) {
        map.insert(entry.id.to_string(), zero.clone());
    }
}

/// Distinct people in the month, and those new in it: kept figures for a
/// purged month, else counted from its pseudonyms.
fn people(conn: &Connection, month: &str) -> Result<(u64, u64), ServerError> {
    match frozen(conn, month)? {
        Some(figures) => Ok(figures),
        None => live_people(conn, month),
    }
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

/// Distinct pseudonyms in the month, and those never seen before it: in no
/// earlier month, and not among those kept from purged months.
pub(super) fn live_people(conn: &Connection, month: &str) -> Result<(u64, u64), ServerError> {
    let new: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM person_months AS here WHERE here.month = ?1
             AND NOT EXISTS (SELECT 1 FROM person_months AS before
                             WHERE before.pseudonym = here.pseudonym AND before.month < ?1)
             AND NOT EXISTS (SELECT 1 FROM pseudonyms_before_purge AS kept
                             WHERE kept.pseudonym = here.pseudonym)",
        )?
        .query_row(params![month], |r| r.get(0))?;
    Ok((pseudonyms(conn, month)?, new as u64))
}

fn summary(conn: &Connection, month: YearMonth) -> Result<Summary, ServerError> {
    let key = month.to_string();
    let (contacts, people): (i64, i64) = conn
        .prepare_cached("SELECT coalesce(sum(contacts), 0), coalesce(sum(people), 0) FROM rollups WHERE month = ?1 AND dim = 'all'")?
        .query_row([&key], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(Summary {
        contacts: contacts as u64,
        people_reached: people as u64,
        unique_people: unique(conn, &key)?,
    })
}

/// Distinct people in the month (the summary of a comparison month needs
/// no new-or-returning, so a live month counts only its pseudonyms).
fn unique(conn: &Connection, month: &str) -> Result<u64, ServerError> {
    match frozen(conn, month)? {
        Some((unique, _)) => Ok(unique),
        None => pseudonyms(conn, month),
    }
}

fn pseudonyms(conn: &Connection, month: &str) -> Result<u64, ServerError> {
    let count: i64 = conn
        .prepare_cached("SELECT count(*) FROM person_months WHERE month = ?1")?
        .query_row([month], |r| r.get(0))?;
    Ok(count as u64)
}

/// Contacts of the month's outings: the same phone's, logged between an
/// outing's start and end, neither voided; read from the month's few
/// outings through the (device, time) index, never a scan of contacts. A contact two overlapping
/// outings of one phone cover counts once.
fn contacts_during_outings(conn: &Connection, month: &str) -> Result<u64, ServerError> {
    let n: i64 = conn.query_row(
        "SELECT count(DISTINCT c.record_id) FROM events e
         JOIN contacts c ON c.device_id = e.device_id
             AND c.occurred_at BETWEEN e.occurred_at AND e.ended_at
         WHERE e.kind = 'shift' AND e.month = ?1 AND e.voided = 0 AND c.voided = 0",
        [month],
        |row| row.get(0),
    )?;
    Ok(n as u64)
}
