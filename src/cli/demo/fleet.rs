//! The demo's phones and their three months of night shifts: real device
//! engines (each its own encrypted store) enrolled with one-time codes and
//! syncing over HTTP like phones in the street. Seeded, so two runs with
//! the same seed tell the same story.

use crate::device::{Client, Pin, Store, SyncOptions, enroll, sync};
use crate::domain::naloxone::NALOXONE_KITS;
use crate::domain::{Catalog, ContactDraft, IncidentDraft, OpenShift, OverdoseDraft, ShiftEnd};
use crate::server::admin::Admin;
use chrono::{DateTime, Datelike, Duration, FixedOffset, Local, NaiveDate, TimeZone};
use rand::rngs::SmallRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::path::Path;

/// The history starts on the first day of the month this many months
/// back, so the last three months are whole and the current one goes on.
pub const MONTHS: u32 = 3;

fn first_day(today: NaiveDate) -> NaiveDate {
    let first = today.with_day(1).expect("day 1 exists");
    first
        .checked_sub_months(chrono::Months::new(MONTHS))
        .expect("a date three months back")
}

/// One phone of the demo fleet: where it works and how it syncs.
struct Team {
    label: &'static str,
    zones: &'static [&'static str],
    /// Nights it goes out, out of 1.
    out_rate: f64,
    /// The last days it spent without network, synced only at the end.
    offline_days: i64,
    /// Its last batches arrive on a USB key, not over the network.
    hand_delivered: bool,
}

const TEAMS: &[Team] = &[
    Team {
        label: "Équipe de nuit 1 (Gatineau)",
        zones: &["gatineau"],
        out_rate: 0.7,
        offline_days: 0,
        hand_delivered: false,
    },
    Team {
        label: "Équipe de nuit 2 (Gatineau)",
        zones: &["gatineau", "collines-de-l-outaouais"],
        out_rate: 0.55,
        offline_days: 0,
        hand_delivered: false,
    },
    Team {
        label: "Unité mobile (Collines)",
        zones: &["collines-de-l-outaouais", "papineau"],
        out_rate: 0.45,
        offline_days: 6,
        hand_delivered: false,
    },
    Team {
        label: "Travail de rue (Pontiac)",
        zones: &["pontiac", "vallee-de-la-gatineau"],
        out_rate: 0.35,
        offline_days: 0,
        hand_delivered: true,
    },
];

/// What the fleet did, for the demo's opening lines.
pub struct Story {
    pub phones: usize,
    pub contacts: u64,
    pub overdoses: u64,
    pub shifts: u64,
    pub incidents: u64,
    pub hand_delivered_batches: usize,
}

/// (id, weight, low, high): how often a material is given, and how many.
const MATERIALS: &[(&str, u32, u32, u32)] = &[
    ("seringues", 30, 5, 40),
    ("stericups", 18, 2, 10),
    ("eau-sterile", 18, 2, 10),
    ("tampons-alcool", 18, 4, 20),
    ("condoms", 22, 2, 12),
    ("lubrifiant", 8, 1, 5),
    ("pipes-crack", 14, 1, 4),
    ("embouts", 10, 1, 6),
    ("trousses-naloxone", 7, 1, 2),
    ("bandelettes-fentanyl", 6, 1, 5),
    ("trousses-inhalation", 8, 1, 3),
    ("garrots", 5, 1, 3),
    ("contenants-recuperation", 4, 1, 2),
];

const REFERRALS: &[(&str, u32)] = &[
    ("clsc", 10),
    ("hebergement", 14),
    ("aide-alimentaire", 12),
    ("traitement-dependances", 6),
    ("sante-mentale", 6),
    ("depistage-itss", 5),
    ("site-injection-supervisee", 4),
    ("ressource-jeunesse", 3),
    ("aide-juridique", 2),
    ("urgence", 2),
];

const INTERVENTIONS: &[(&str, u32)] = &[
    ("ecoute", 30),
    ("information-prevention", 20),
    ("accompagnement", 6),
    ("demarches", 6),
    ("premiers-soins", 4),
    ("intervention-crise", 3),
    ("mediation", 2),
    ("prevention-exploitation", 2),
    ("surdose-naloxone", 1),
];

const AGES: &[(&str, u32)] = &[("12-17", 4), ("18-24", 16), ("25-34", 30), ("35-49", 32)];

/// One of `items`, each as likely as its weight (the tables above are
/// never empty and their weights are positive).
/// Street work is mostly in person; some follow-up by text.
const MODES: &[(&str, u32)] = &[
    ("en-personne", 88),
    ("telephone-texto", 8),
    ("medias-sociaux", 4),
];

const PLACES: &[(&str, u32)] = &[
    ("rue-parc", 50),
    ("campement", 12),
    ("refuge", 14),
    ("logement", 8),
    ("bar-fete", 4),
    ("vehicule", 4),
    ("autre", 8),
];

/// Why a kit is replaced, as Take Home Naloxone programs see it.
const SUPPLIES: &[(&str, u32)] = &[
    ("first", 45),
    ("used", 30),
    ("lost", 10),
    ("stolen", 5),
    ("confiscated", 5),
    ("expired", 5),
];

fn weighted<'a>(rng: &mut SmallRng, items: &'a [(&'a str, u32)]) -> &'a str {
    items
        .choose_weighted(rng, |(_, weight)| *weight)
        .map(|(item, _)| *item)
        .expect("a non-empty table with positive weights")
}

/// A person code as workers make them: initials, birth year, a letter.
fn person_code(rng: &mut SmallRng) -> String {
    let letter = |rng: &mut SmallRng| char::from(b'A' + rng.random_range(0..26u8));
    format!(
        "{}{}{:02}{}",
        letter(rng),
        letter(rng),
        rng.random_range(60..100u32) % 100,
        letter(rng)
    )
}

fn contact_draft(
    rng: &mut SmallRng,
    catalog: &Catalog,
    team: &Team,
    regulars: &[String],
    at: DateTime<FixedOffset>,
) -> ContactDraft {
    let group = rng.random_bool(0.08);
    let code = if group {
        None
    } else if rng.random_bool(0.55) {
        Some(regulars[rng.random_range(0..regulars.len())].clone())
    } else if rng.random_bool(0.3) {
        Some(person_code(rng))
    } else {
        None
    };
    let kind = match (&code, group) {
        (_, true) => "group",
        (Some(_), _) => "known",
        (None, _) => "first",
    };
    let mut materials: Vec<(String, String)> = Vec::new();
    let wanted = rng.random_range(1..=3);
    for _ in 0..wanted {
        let (id, _, low, high) = MATERIALS
            .choose_weighted(rng, |(_, weight, _, _)| *weight)
            .expect("a non-empty table with positive weights");
        if materials.iter().any(|(m, _)| m == id) {
            continue;
        }
        materials.push((id.to_string(), rng.random_range(*low..=*high).to_string()));
    }
    // Phone and social-media contacts hand nothing out.
    let mode = weighted(rng, MODES);
    if mode != "en-personne" {
        materials.clear();
    }
    let gives_syringes = materials.iter().any(|(m, _)| m == "seringues");
    // Mostly women and men, now and then every other answer.
    let gender = catalog
        .genders
        .choose_weighted(rng, |g| {
            if matches!(g.id.as_str(), "femme" | "homme") {
                45
            } else {
                3
            }
        })
        .map(|g| g.id.to_string())
        .ok();
    let gives_kits = materials.iter().any(|(m, _)| m == NALOXONE_KITS);
    let for_others = if gives_syringes && rng.random_bool(0.15) {
        vec![("seringues".into(), rng.random_range(10..=40).to_string())]
    } else {
        vec![]
    };
    let described = gives_kits && rng.random_bool(0.8);
    ContactDraft {
        mode: Some(mode.into()),
        location_type: (mode == "en-personne" && rng.random_bool(0.7))
            .then(|| weighted(rng, PLACES).into()),
        materials_for_others: for_others,
        kit_form: described.then(|| {
            if rng.random_bool(0.9) {
                "nasal"
            } else {
                "injectable"
            }
            .into()
        }),
        kit_supply: described.then(|| weighted(rng, SUPPLIES).into()),
        people_trained: described.then(|| rng.random_range(0..=2).to_string()),
        occurred_at: Some(at),
        zone: team.zones[rng.random_range(0..team.zones.len())].to_string(),
        kind: kind.into(),
        people: if group { rng.random_range(2..=6) } else { 1 }.to_string(),
        age_band: weighted(rng, AGES).into(),
        gender,
        materials,
        returned_syringes: (gives_syringes && rng.random_bool(0.4))
            .then(|| rng.random_range(1..30).to_string()),
        referrals: if rng.random_bool(0.18) {
            vec![weighted(rng, REFERRALS).into()]
        } else {
            vec![]
        },
        interventions: if rng.random_bool(0.5) {
            vec![weighted(rng, INTERVENTIONS).into()]
        } else {
            vec![]
        },
        code,
        duration_min: rng
            .random_bool(0.3)
            .then(|| rng.random_range(2..45).to_string()),
    }
}

/// One night's contacts, 19:00 to about 2:00, local time.
fn night(
    rng: &mut SmallRng,
    catalog: &Catalog,
    team: &Team,
    regulars: &[String],
    date: NaiveDate,
) -> Vec<ContactDraft> {
    let start = date.and_hms_opt(19, 0, 0).expect("a valid hour");
    let mut minutes: Vec<i64> = (0..rng.random_range(3..=11))
        .map(|_| rng.random_range(0..7 * 60))
        .collect();
    minutes.sort_unstable();
    minutes
        .into_iter()
        .filter_map(|m| {
            let local = Local.from_local_datetime(&(start + Duration::minutes(m)));
            let at = local.earliest()?.fixed_offset();
            (at <= Local::now().fixed_offset())
                .then(|| contact_draft(rng, catalog, team, regulars, at))
        })
        .collect()
}

/// An overdose response as the field sees them: mostly opioids, most
/// people brought back with one or two nasal doses, 911 often not called
/// (fear of the police first), now and then a transport, rarely worse.
fn overdose_draft(rng: &mut SmallRng, team: &Team, at: DateTime<FixedOffset>) -> OverdoseDraft {
    let mut responders = vec!["worker".to_string()];
    if rng.random_bool(0.4) {
        responders.push(
            if rng.random_bool(0.5) {
                "peer"
            } else {
                "bystander"
            }
            .into(),
        );
    }
    let call = weighted(
        rng,
        &[
            ("called", 45),
            ("fear-of-police", 25),
            ("recovered", 18),
            ("refused", 8),
            ("other", 4),
        ],
    );
    let outcome = weighted(
        rng,
        &[
            ("recovered-on-site", 60),
            ("transported", 22),
            ("refused-transport", 12),
            ("unknown", 5),
            ("death", 1),
        ],
    );
    let mut substances = vec!["opioides".to_string()];
    if rng.random_bool(0.3) {
        substances.push(
            weighted(
                rng,
                &[
                    ("stimulants", 5),
                    ("xylazine", 3),
                    ("benzodiazepines", 2),
                    ("alcool", 2),
                ],
            )
            .into(),
        );
    }
    OverdoseDraft {
        occurred_at: Some(at),
        zone: team.zones[rng.random_range(0..team.zones.len())].to_string(),
        location_type: Some(
            weighted(
                rng,
                &[
                    ("rue-parc", 10),
                    ("logement", 5),
                    ("campement", 4),
                    ("refuge", 3),
                    ("site-consommation", 2),
                ],
            )
            .into(),
        ),
        responders,
        nasal_doses: Some(rng.random_range(1..=3u8).to_string()),
        injected_doses: rng.random_bool(0.1).then(|| "1".to_string()),
        call_911: call.into(),
        stayed: rng.random_bool(0.85),
        ambulance: call == "called" && rng.random_bool(0.8),
        outcome: outcome.into(),
        substances,
        debrief_wanted: outcome != "recovered-on-site" && rng.random_bool(0.5),
    }
}

fn failed(what: &str, error: impl std::fmt::Display) -> String {
    format!("{what}: {error}")
}

/// Enrolls the fleet on the server at `url` (`admin` makes the codes)
/// and plays three months of nights into it.
pub async fn play(url: &str, admin: &Admin, phones_dir: &Path, seed: u64) -> Result<Story, String> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let catalog = admin.catalog().await.map_err(|e| failed("catalog", e))?;
    let pin = Pin::parse("demo-fleet-pin").expect("a valid PIN");
    let client = Client::new(&SyncOptions::default()).map_err(|e| failed("client", e))?;
    let options = SyncOptions {
        server: Some(url.to_string()),
        ..SyncOptions::default()
    };
    // People who come back night after night, known by their codes.
    let regulars: Vec<String> = (0..70).map(|_| person_code(&mut rng)).collect();
    let today = Local::now().date_naive();
    let now = Local::now().fixed_offset();
    let mut story = Story {
        phones: TEAMS.len(),
        contacts: 0,
        overdoses: 0,
        shifts: 0,
        incidents: 0,
        hand_delivered_batches: 0,
    };
    for (index, team) in TEAMS.iter().enumerate() {
        let home = phones_dir.join(format!("phone-{}", index + 1));
        let mut store = Store::create(&home, &pin, &catalog).map_err(|e| failed(team.label, e))?;
        let code = admin
            .create_enroll_code(team.label, 1)
            .await
            .map_err(|e| failed(team.label, e))?;
        enroll(&mut store, &client, url, &code, team.label)
            .await
            .map_err(|e| failed(team.label, e))?;
        let own: Vec<String> = regulars.iter().skip(index * 12).take(30).cloned().collect();
        let days = (today - first_day(today)).num_days();
        for back in (1..=days).rev() {
            let date = today - Duration::days(back);
            if rng.random_bool(team.out_rate) {
                // "Début de tournée" at 19:00, in pairs, sometimes three.
                let out = local_at(date, 19, 0);
                if let Some(out) = out.filter(|at| *at <= now) {
                    let team_size = if rng.random_bool(0.2) { "3" } else { "2" };
                    let planned = [team.zones[0].to_string()];
                    let shift = OpenShift::start(out, team_size, &planned, &catalog)
                        .map_err(|e| failed(team.label, format!("{e:?}")))?;
                    store
                        .put_open_shift(&shift)
                        .map_err(|e| failed(team.label, e))?;
                }
                for draft in night(&mut rng, &catalog, team, &own, date) {
                    let contact = draft
                        .parse(&catalog, now)
                        .map_err(|e| failed(team.label, e))?;
                    store.save(&contact).map_err(|e| failed(team.label, e))?;
                    story.contacts += 1;
                }
                // About one night out in twenty-five, an overdose.
                let late = date
                    .and_hms_opt(23, 40, 0)
                    .and_then(|t| Local.from_local_datetime(&t).earliest());
                if let Some(at) = late.filter(|_| rng.random_bool(0.04)) {
                    let overdose = overdose_draft(&mut rng, team, at.fixed_offset())
                        .parse(&catalog, now)
                        .map_err(|e| failed(team.label, e))?;
                    store
                        .save_overdose(&overdose)
                        .map_err(|e| failed(team.label, e))?;
                    story.overdoses += 1;
                }
                // About one night in thirty, a safety incident.
                let incident_at = local_at(date, 22, 15).filter(|at| *at <= now);
                if let Some(at) = incident_at.filter(|_| rng.random_bool(0.035)) {
                    let kind = weighted(
                        &mut rng,
                        &[
                            ("piqure-accidentelle", 3),
                            ("menace", 5),
                            ("agression", 2),
                            ("autre", 2),
                        ],
                    );
                    let incident = IncidentDraft {
                        occurred_at: Some(at),
                        zone: team.zones[0].into(),
                        kind: kind.into(),
                        debrief_wanted: rng.random_bool(0.6),
                    }
                    .parse(&catalog, now)
                    .map_err(|e| failed(team.label, format!("{e:?}")))?;
                    store
                        .save_incident(&incident)
                        .map_err(|e| failed(team.label, e))?;
                    story.incidents += 1;
                }
                // "Fin de tournée" near 02:00; one night in twelve it is
                // forgotten and the phone closes it with the day.
                let back_in = local_at(date + Duration::days(1), 2, rng.random_range(0..40));
                let shift_open = store
                    .open_shift()
                    .map_err(|e| failed(team.label, e))?
                    .is_some();
                if shift_open {
                    let day_end = crate::device::DayEnd::DEFAULT;
                    match back_in.filter(|at| *at <= now && !rng.random_bool(1.0 / 12.0)) {
                        Some(at) => store.end_shift(at, ShiftEnd::Worker, day_end).map(drop),
                        None => {
                            let morning = local_at(date + Duration::days(1), 7, 0).unwrap_or(now);
                            store
                                .end_shift_if_day_over(morning.min(now), day_end)
                                .map(drop)
                        }
                    }
                    .map_err(|e| failed(team.label, e))?;
                    story.shifts += u64::from(
                        store
                            .open_shift()
                            .map_err(|e| failed(team.label, e))?
                            .is_none(),
                    );
                }
            }
            // Phones sync when they have a network: weekly here, so the
            // server holds a real sequence of batches per phone.
            let offline = back <= team.offline_days;
            if back % 7 == 0 && !offline {
                sync(&mut store, &options)
                    .await
                    .map_err(|e| failed(team.label, e))?;
            }
        }
        if team.hand_delivered {
            // The last batches go by hand: sealed on the phone, exported to
            // a file, imported on the server. The phone's own later sync
            // then gets duplicate receipts, as a real one would.
            store
                .seal_pending(chrono::Utc::now().timestamp_millis())
                .map_err(|e| failed(team.label, e))?;
            let (file, count) = store.export_batches().map_err(|e| failed(team.label, e))?;
            admin
                .import_batches(&file)
                .await
                .map_err(|e| failed(team.label, e))?;
            story.hand_delivered_batches = count;
        }
        // Back in range: everything still waiting goes now.
        sync(&mut store, &options)
            .await
            .map_err(|e| failed(team.label, e))?;
    }
    Ok(story)
}

/// `hour:minute` on `date`, local time, if that moment exists (a change
/// of time skips an hour in spring).
fn local_at(date: NaiveDate, hour: u32, minute: u32) -> Option<DateTime<FixedOffset>> {
    let time = date.and_hms_opt(hour, minute, 0)?;
    Some(Local.from_local_datetime(&time).earliest()?.fixed_offset())
}
