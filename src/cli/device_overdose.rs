//! `tournee device overdose`: an overdose response from the terminal, with
//! the same checks and messages as the app's form.

use crate::domain::overdose::{Call911, Outcome, Responder};
use crate::domain::time::parse_occurred_at;
use crate::domain::{FieldError, OverdoseDraft};
use chrono::Local;
use clap::Args;

fn keys<T: Copy>(all: &[T], key: fn(T) -> &'static str) -> String {
    all.iter().map(|c| key(*c)).collect::<Vec<_>>().join(", ")
}

/// The choices, for `--help`.
pub fn choices() -> String {
    format!(
        "--responder: {}\n--call-911: {}\n--outcome: {}",
        keys(Responder::ALL, Responder::key),
        keys(Call911::ALL, Call911::key),
        keys(Outcome::ALL, Outcome::key)
    )
}

#[derive(Args)]
#[command(after_help = choices())]
pub struct OverdoseArgs {
    #[arg(long)]
    zone: String,
    /// An id of the catalog's location types (rue-parc, logement, …).
    #[arg(long)]
    location_type: Option<String>,
    /// Who responded, repeatable: worker, peer, bystander.
    #[arg(long = "responder")]
    responders: Vec<String>,
    /// Naloxone doses given in the nose [default: 0].
    #[arg(long)]
    nasal: Option<String>,
    /// Naloxone doses injected [default: 0].
    #[arg(long)]
    injected: Option<String>,
    /// called, or why not: fear-of-police, recovered, refused, other.
    #[arg(long = "call-911")]
    call_911: String,
    /// Someone stayed with the person until help came or they recovered.
    #[arg(long)]
    stayed: bool,
    /// An ambulance came.
    #[arg(long)]
    ambulance: bool,
    /// recovered-on-site, transported, refused-transport, death, unknown.
    #[arg(long)]
    outcome: String,
    /// Suspected substances, repeatable: ids of the catalog's substances.
    #[arg(long = "substance")]
    substances: Vec<String>,
    /// The worker would like a debriefing.
    #[arg(long)]
    debrief: bool,
    /// When it happened: RFC 3339, or "YYYY-MM-DD HH:MM" in local time [default: now].
    #[arg(long)]
    at: Option<String>,
}

pub fn draft(args: &OverdoseArgs) -> (OverdoseDraft, Vec<FieldError>) {
    let mut errors = Vec::new();
    let occurred_at = args.at.as_deref().and_then(|at| {
        parse_occurred_at(at, &Local)
            .map_err(|e| errors.push(e))
            .ok()
    });
    let draft = OverdoseDraft {
        occurred_at,
        zone: args.zone.clone(),
        location_type: args.location_type.clone(),
        responders: args.responders.clone(),
        nasal_doses: args.nasal.clone(),
        injected_doses: args.injected.clone(),
        call_911: args.call_911.clone(),
        stayed: args.stayed,
        ambulance: args.ambulance,
        outcome: args.outcome.clone(),
        substances: args.substances.clone(),
        debrief_wanted: args.debrief,
    };
    (draft, errors)
}
