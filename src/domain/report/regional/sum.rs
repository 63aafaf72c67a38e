//! The region's exact tally: every organization's counts added field by
//! field. Each struct is taken apart whole, so that a field added to a
//! tally cannot be left out of the region's sum without a compile error.

use super::RegionalError;
use crate::domain::report::details::DetailsTally;
use crate::domain::report::field_work::FieldWorkTally;
use crate::domain::report::overdose::OverdoseTally;
use crate::domain::report::tally::{Breakdown, Comparison, Summary, Tally};
use std::collections::BTreeMap;

/// The organizations' tallies added up (see the module documentation of
/// [`super`] for what the people counts then mean). They must all be of
/// one period, and there must be at least one.
pub fn sum(tallies: &[Tally]) -> Result<Tally, RegionalError> {
    let first = tallies.first().ok_or(RegionalError::NoOrganization)?;
    let span = |t: &Tally| {
        (
            t.period.clone(),
            t.from.clone(),
            t.to.clone(),
            t.previous.period.clone(),
            t.last_year.period.clone(),
        )
    };
    if let Some(other) = tallies.iter().find(|t| span(t) != span(first)) {
        let text = |t: &Tally| format!("{} ({} to {})", t.period, t.from, t.to);
        return Err(RegionalError::PeriodsDiffer {
            expected: text(first),
            found: text(other),
        });
    }
    let empty = |c: &Comparison| Comparison {
        period: c.period.clone(),
        figures: None,
        people_unknown: false,
    };
    let mut region = Tally {
        period: first.period.clone(),
        from: first.from.clone(),
        to: first.to.clone(),
        previous: empty(&first.previous),
        last_year: empty(&first.last_year),
        ..Tally::default()
    };
    for tally in tallies {
        add(&mut region, tally);
    }
    Ok(region)
}

/// Adds `n` to a count. Real counts cannot reach `u64::MAX`; saturating
/// keeps a corrupt one from wrapping to a small, plausible number.
fn plus(count: &mut u64, n: u64) {
    *count = count.saturating_add(n);
}

fn plus_map(region: &mut BTreeMap<String, u64>, map: &BTreeMap<String, u64>) {
    for (id, &n) in map {
        plus(region.entry(id.clone()).or_default(), n);
    }
}

fn plus_rows(region: &mut BTreeMap<String, Breakdown>, rows: &BTreeMap<String, Breakdown>) {
    for (id, row) in rows {
        let Breakdown {
            contacts,
            people_reached,
        } = row;
        let sum = region.entry(id.clone()).or_default();
        plus(&mut sum.contacts, *contacts);
        plus(&mut sum.people_reached, *people_reached);
    }
}

/// A comparison has figures as soon as one organization has some: the
/// others held no data then, and add nothing.
fn plus_comparison(region: &mut Comparison, comparison: &Comparison) {
    let Comparison {
        period: _,
        figures,
        people_unknown,
    } = comparison;
    region.people_unknown |= people_unknown;
    if let Some(Summary {
        contacts,
        people_reached,
        unique_people,
    }) = figures
    {
        let sum = region.figures.get_or_insert_with(Summary::default);
        plus(&mut sum.contacts, *contacts);
        plus(&mut sum.people_reached, *people_reached);
        plus(&mut sum.unique_people, *unique_people);
    }
}

fn add(region: &mut Tally, tally: &Tally) {
    // The period's text and dates are the same everywhere (checked above).
    let Tally {
        period: _,
        from: _,
        to: _,
        people_unknown,
        contacts,
        people_reached,
        contacts_with_code,
        contacts_without_code,
        unique_people,
        new_people,
        returning_people,
        returned_syringes,
        materials,
        referrals,
        interventions,
        by_zone,
        by_age_band,
        by_gender,
        previous,
        last_year,
        overdoses,
        field_work,
        details,
    } = tally;
    region.people_unknown |= people_unknown;
    for (sum, n) in [
        (&mut region.contacts, contacts),
        (&mut region.people_reached, people_reached),
        (&mut region.contacts_with_code, contacts_with_code),
        (&mut region.contacts_without_code, contacts_without_code),
        (&mut region.unique_people, unique_people),
        (&mut region.new_people, new_people),
        (&mut region.returning_people, returning_people),
        (&mut region.returned_syringes, returned_syringes),
    ] {
        plus(sum, *n);
    }
    plus_map(&mut region.materials, materials);
    plus_map(&mut region.referrals, referrals);
    plus_map(&mut region.interventions, interventions);
    plus_rows(&mut region.by_zone, by_zone);
    plus_rows(&mut region.by_age_band, by_age_band);
    plus_rows(&mut region.by_gender, by_gender);
    plus_comparison(&mut region.previous, previous);
    plus_comparison(&mut region.last_year, last_year);
    add_overdoses(&mut region.overdoses, overdoses);
    add_field_work(&mut region.field_work, field_work);
    add_details(&mut region.details, details);
}

fn add_overdoses(region: &mut OverdoseTally, tally: &OverdoseTally) {
    let OverdoseTally {
        responses,
        nasal_doses,
        injected_doses,
        by_outcome,
        by_call_911,
        by_zone,
        by_location_type,
        by_responder,
        by_substance,
        someone_stayed,
        ambulance,
        debrief_wanted,
    } = tally;
    for (sum, n) in [
        (&mut region.responses, responses),
        (&mut region.nasal_doses, nasal_doses),
        (&mut region.injected_doses, injected_doses),
        (&mut region.someone_stayed, someone_stayed),
        (&mut region.ambulance, ambulance),
        (&mut region.debrief_wanted, debrief_wanted),
    ] {
        plus(sum, *n);
    }
    for (sum, map) in [
        (&mut region.by_outcome, by_outcome),
        (&mut region.by_call_911, by_call_911),
        (&mut region.by_zone, by_zone),
        (&mut region.by_location_type, by_location_type),
        (&mut region.by_responder, by_responder),
        (&mut region.by_substance, by_substance),
    ] {
        plus_map(sum, map);
    }
}

fn add_field_work(region: &mut FieldWorkTally, tally: &FieldWorkTally) {
    let FieldWorkTally {
        outings,
        minutes,
        worker_minutes,
        contacts_during,
        forgotten_ends,
        by_zone,
        incidents,
        incidents_debrief,
    } = tally;
    for (sum, n) in [
        (&mut region.outings, outings),
        (&mut region.minutes, minutes),
        (&mut region.worker_minutes, worker_minutes),
        (&mut region.contacts_during, contacts_during),
        (&mut region.forgotten_ends, forgotten_ends),
        (&mut region.incidents_debrief, incidents_debrief),
    ] {
        plus(sum, *n);
    }
    plus_map(&mut region.by_zone, by_zone);
    plus_map(&mut region.incidents, incidents);
}

fn add_details(region: &mut DetailsTally, tally: &DetailsTally) {
    let DetailsTally {
        by_mode,
        by_location_type,
        materials_for_others,
        kits_detailed,
        people_trained,
        kits_by_form,
        kits_by_supply,
    } = tally;
    plus(&mut region.kits_detailed, *kits_detailed);
    plus(&mut region.people_trained, *people_trained);
    for (sum, map) in [
        (&mut region.by_mode, by_mode),
        (&mut region.by_location_type, by_location_type),
        (&mut region.materials_for_others, materials_for_others),
        (&mut region.kits_by_form, kits_by_form),
        (&mut region.kits_by_supply, kits_by_supply),
    ] {
        plus_map(sum, map);
    }
}
