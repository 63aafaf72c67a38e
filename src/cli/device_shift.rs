//! `tournee device shift start|end` and `tournee device incident`: the
//! outing and the safety incident from the terminal, with the same checks
//! and messages as the app.

use crate::domain::time::{check_plausible, parse_occurred_at};
use crate::domain::{FieldError, IncidentDraft};
use chrono::{DateTime, FixedOffset, Local};
use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum ShiftCommand {
    /// "Début de tournée": the team goes out (a shift already under way
    /// keeps its start and takes the new team and zones).
    Start {
        /// Workers on the team, the one holding the phone included.
        #[arg(long, default_value = "1")]
        team: String,
        /// Zones planned, repeatable (those of the shift's records are added at its end).
        #[arg(long = "zone")]
        zones: Vec<String>,
        /// When it started: RFC 3339, or "YYYY-MM-DD HH:MM" in local time [default: now].
        #[arg(long)]
        at: Option<String>,
    },
    /// "Fin de tournée": the shift's record goes to the outbox; prints its id.
    End {
        /// When it ended [default: now].
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Args)]
pub struct IncidentArgs {
    #[arg(long)]
    zone: String,
    /// An id of the catalog's incident types (piqure-accidentelle, agression, …).
    #[arg(long)]
    kind: String,
    /// The worker would like to talk it over with a supervisor.
    #[arg(long)]
    debrief: bool,
    /// When it happened [default: now].
    #[arg(long)]
    at: Option<String>,
}

/// `--at` as a moment, or `now`; checked like a record's time.
pub fn moment(
    at: &Option<String>,
    now: DateTime<FixedOffset>,
) -> Result<DateTime<FixedOffset>, FieldError> {
    let Some(text) = at else { return Ok(now) };
    let at = parse_occurred_at(text, &Local)?;
    check_plausible(at, now)?;
    Ok(at)
}

pub fn incident_draft(args: &IncidentArgs) -> (IncidentDraft, Vec<FieldError>) {
    let mut errors = Vec::new();
    let occurred_at = args.at.as_deref().and_then(|at| {
        parse_occurred_at(at, &Local)
            .map_err(|e| errors.push(e))
            .ok()
    });
    let draft = IncidentDraft {
        occurred_at,
        zone: args.zone.clone(),
        kind: args.kind.clone(),
        debrief_wanted: args.debrief,
    };
    (draft, errors)
}
