//! `tournee device`: a headless phone. Every subcommand opens the store in
//! `--home` with the worker's PIN, does one thing, and closes it.

use super::device_shift::{self, ShiftCommand};
use super::{Failure, Outcome, listing, pin};
use crate::device::import::{self, ImportError};
use crate::device::{
    Client, DayEnd, Listing, Pin, Store, StoreError, SyncError, SyncOptions, enroll, sync,
};
use crate::domain::draft::parse_material_pair;
use crate::domain::i18n::{Lang, Msg, tr};
use crate::domain::time::parse_occurred_at;
use crate::domain::{Catalog, ContactDraft, Field, FieldError, OpenShift, RecordId, ShiftEnd};
use chrono::{DateTime, FixedOffset, Local};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Args)]
pub struct DeviceArgs {
    /// The device's home directory [default: the platform data directory].
    #[arg(long, global = true, env = "TOURNEE_HOME")]
    home: Option<PathBuf>,
    #[command(subcommand)]
    command: DeviceCommand,
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Create the encrypted store, protected by a PIN.
    Init,
    /// Log a contact; prints its record id.
    Log(Box<LogArgs>),
    /// Log an overdose response; prints its record id.
    Overdose(Box<super::device_overdose::OverdoseArgs>),
    /// Start or end an outing (une tournée).
    #[command(subcommand)]
    Shift(super::device_shift::ShiftCommand),
    /// Log a safety incident (needle-stick, assault, threat…); prints its record id.
    Incident(super::device_shift::IncidentArgs),
    /// Void a record logged by mistake (a contact, an overdose response, a shift, an incident).
    Void {
        /// The record id printed by `log` or shown by `list`.
        record_id: String,
    },
    /// List records waiting to be sent (or, with --today, the worker's day, sent ones included).
    List {
        #[arg(long)]
        today: bool,
        #[arg(long)]
        json: bool,
    },
    /// What is waiting, today's counts, enrollment.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// The lists a contact is logged from.
    Catalog {
        #[arg(long)]
        json: bool,
    },
    /// Back-fill contacts from a paper tally sheet typed as CSV (all or nothing).
    Import {
        #[arg(long)]
        csv: PathBuf,
    },
    /// Change the PIN (TOURNEE_NEW_PIN or a prompt gives the new one).
    ChangePin,
    /// Enroll this device with the organization's server, using a code
    /// from a supervisor.
    Enroll {
        #[arg(long)]
        server: String,
        #[arg(long)]
        code: String,
        /// How supervisors will recognize this phone.
        #[arg(long, default_value = "Téléphone")]
        label: String,
    },
    /// Send what is waiting; purge what the server signed for.
    Sync {
        /// Use this server address instead of the enrolled one (a server that moved).
        #[arg(long)]
        server: Option<String>,
        /// Keep delivered records readable on the device at least this many days after receipt (default: until the worker's day is over, 06:00 the next morning unless the app's settings say otherwise).
        #[arg(long, default_value_t = 0)]
        keep_days: u32,
    },
    /// Write every unsent sealed batch to FILE, for hand delivery.
    ExportBatches { file: PathBuf },
}

#[derive(Args)]
struct LogArgs {
    #[arg(long)]
    zone: String,
    /// first, known or group.
    #[arg(long)]
    kind: String,
    #[arg(long)]
    people: String,
    #[arg(long)]
    age_band: String,
    #[arg(long)]
    gender: Option<String>,
    /// ID=QTY, repeatable: --material seringues=10 --material condoms=5.
    #[arg(long = "material")]
    materials: Vec<String>,
    #[arg(long)]
    returned_syringes: Option<String>,
    #[arg(long = "referral")]
    referrals: Vec<String>,
    #[arg(long = "intervention")]
    interventions: Vec<String>,
    /// The program's person code; only its canonical form is kept, sealed.
    #[arg(long)]
    code: Option<String>,
    /// When it happened: RFC 3339, or "YYYY-MM-DD HH:MM" in local time [default: now].
    #[arg(long)]
    at: Option<String>,
    /// Minutes spent.
    #[arg(long)]
    duration: Option<String>,
    /// How: a contact mode of the catalog (en-personne, telephone-texto…).
    #[arg(long)]
    mode: Option<String>,
    /// Where: a location type of the catalog (rue-parc, refuge…).
    #[arg(long)]
    location: Option<String>,
    /// ID=QTY handed out for others (secondary distribution), repeatable.
    #[arg(long = "for-others")]
    for_others: Vec<String>,
    /// The naloxone kits' form: nasal or injectable.
    #[arg(long)]
    kit_form: Option<String>,
    /// first, or the reason of a replacement: used, lost, stolen,
    /// confiscated, expired, other.
    #[arg(long)]
    kit: Option<String>,
    /// People shown how to give naloxone on the spot.
    #[arg(long)]
    trained: Option<String>,
}

fn home(args: &DeviceArgs) -> PathBuf {
    args.home
        .clone()
        .or_else(|| dirs::data_dir().map(|d| d.join("tournee")))
        .unwrap_or_else(|| PathBuf::from(".tournee"))
}

/// When the worker's day ends, as chosen in the app on this home, so the
/// terminal and the phone agree on what "today" holds and when it goes.
fn day_end(args: &DeviceArgs) -> DayEnd {
    crate::device::prefs::Prefs::load(&home(args)).day_end
}

fn now() -> DateTime<FixedOffset> {
    Local::now().fixed_offset()
}

/// Opens the store, asking for the PIN only once the store is known to
/// exist; an old store's short PIN opens it with a warning.
fn open(args: &DeviceArgs, lang: Lang) -> Result<Store, Failure> {
    let (store, pin) = open_keeping_pin(args, lang)?;
    pin::warn_if_weak(&pin, lang);
    Ok(store)
}

/// Opens the store and keeps the PIN that opened it (for `change-pin`).
fn open_keeping_pin(args: &DeviceArgs, lang: Lang) -> Result<(Store, Pin), Failure> {
    let dir = home(args);
    if !Store::exists(&dir) {
        return Err(Failure::store(
            StoreError::Missing(Store::path_in(&dir)),
            lang,
        ));
    }
    let pin = pin::current(lang)?;
    let store = Store::open(&dir, &pin).map_err(|e| Failure::store(e, lang))?;
    Ok((store, pin))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
}

fn sync_failure(error: SyncError, lang: Lang) -> Failure {
    if let SyncError::BadAddress(e) = &error {
        return Failure::input(vec![e.message_with_key(lang)]);
    }
    if error.is_user_error() {
        Failure::input(vec![error.message(lang)])
    } else {
        Failure::system(error.message(lang))
    }
}

fn field_errors(errors: impl IntoIterator<Item = FieldError>, lang: Lang) -> Failure {
    Failure::input(
        errors
            .into_iter()
            .map(|e| e.message_with_key(lang))
            .collect(),
    )
}

pub fn run(args: DeviceArgs, lang: Lang) -> Outcome {
    let store_error = |e| Failure::store(e, lang);
    match &args.command {
        DeviceCommand::Init => {
            let dir = home(&args);
            if Store::exists(&dir) {
                return Err(store_error(StoreError::Exists(Store::path_in(&dir))));
            }
            let pin = pin::first(lang)?;
            let store =
                Store::create(&dir, &pin, &Catalog::default_quebec()).map_err(store_error)?;
            println!(
                "{}",
                tr(
                    lang,
                    Msg::StoreCreated,
                    &[("path", &store.path().display())]
                )
            );
        }
        DeviceCommand::Log(log) => {
            let mut store = open(&args, lang)?;
            let catalog = store.catalog().map_err(store_error)?;
            let (draft, mut errors) = draft(log);
            let contact = match draft.parse(&catalog, now()) {
                Ok(contact) if errors.is_empty() => contact,
                parsed => {
                    errors.extend(parsed.err().map(|invalid| invalid.0).unwrap_or_default());
                    return Err(field_errors(errors, lang));
                }
            };
            store.save(&contact).map_err(store_error)?;
            println!("{}", contact.record_id);
        }
        DeviceCommand::Overdose(args_of) => {
            let mut store = open(&args, lang)?;
            let catalog = store.catalog().map_err(store_error)?;
            let (draft, mut errors) = super::device_overdose::draft(args_of);
            let overdose = match draft.parse(&catalog, now()) {
                Ok(overdose) if errors.is_empty() => overdose,
                parsed => {
                    errors.extend(parsed.err().map(|invalid| invalid.0).unwrap_or_default());
                    return Err(field_errors(errors, lang));
                }
            };
            store.save_overdose(&overdose).map_err(store_error)?;
            println!("{}", overdose.record_id);
        }
        DeviceCommand::Shift(ShiftCommand::Start { team, zones, at }) => {
            let mut store = open(&args, lang)?;
            let catalog = store.catalog().map_err(store_error)?;
            let at = device_shift::moment(at, now()).map_err(|e| field_errors([e], lang))?;
            let open = OpenShift::start(at, team, zones, &catalog)
                .map_err(|invalid| field_errors(invalid.0, lang))?;
            store.put_open_shift(&open).map_err(store_error)?;
            let started = store.open_shift().map_err(store_error)?.unwrap_or(open);
            println!(
                "{}",
                tr(
                    lang,
                    Msg::ShiftStarted,
                    &[("value", &started.started_at.format("%Y-%m-%d %H:%M"))]
                )
            );
        }
        DeviceCommand::Shift(ShiftCommand::End { at }) => {
            let mut store = open(&args, lang)?;
            let at = device_shift::moment(at, now()).map_err(|e| field_errors([e], lang))?;
            let shift = store
                .end_shift(at, ShiftEnd::Worker, day_end(&args))
                .map_err(store_error)?;
            println!("{}", shift.record_id);
        }
        DeviceCommand::Incident(args_of) => {
            let mut store = open(&args, lang)?;
            let catalog = store.catalog().map_err(store_error)?;
            let (draft, mut errors) = device_shift::incident_draft(args_of);
            let incident = match draft.parse(&catalog, now()) {
                Ok(incident) if errors.is_empty() => incident,
                parsed => {
                    errors.extend(parsed.err().map(|invalid| invalid.0).unwrap_or_default());
                    return Err(field_errors(errors, lang));
                }
            };
            store.save_incident(&incident).map_err(store_error)?;
            println!("{}", incident.record_id);
        }
        DeviceCommand::Void { record_id } => {
            let target = RecordId::parse(record_id).map_err(|e| field_errors([e], lang))?;
            let mut store = open(&args, lang)?;
            let void = store.void(target, now()).map_err(store_error)?;
            println!(
                "{}",
                tr(
                    lang,
                    Msg::VoidSaved,
                    &[("value", &target), ("id", &void.record_id)]
                )
            );
        }
        DeviceCommand::List { today, json } => {
            let store = open(&args, lang)?;
            let which = if *today {
                let end = day_end(&args);
                Listing::WorkDay(end.day_of(&now()), end)
            } else {
                Listing::Pending
            };
            let records = store.list(which).map_err(store_error)?;
            let catalog = store.catalog().map_err(store_error)?;
            if *json {
                println!("{}", listing::records_json(&records));
            } else {
                print!("{}", listing::records_text(&records, &catalog, lang));
            }
        }
        DeviceCommand::Status { json } => {
            let store = open(&args, lang)?;
            let end = day_end(&args);
            let status = store
                .work_day_status(end.day_of(&now()), end, lang)
                .map_err(store_error)?;
            if *json {
                println!("{}", listing::status_json(&status));
            } else {
                print!("{}", listing::status_text(&status, lang));
            }
        }
        DeviceCommand::Enroll {
            server,
            code,
            label,
        } => {
            let mut store = open(&args, lang)?;
            let client = Client::new(&SyncOptions::default()).map_err(|e| sync_failure(e, lang))?;
            let enrolled = runtime()
                .block_on(enroll(&mut store, &client, server, code, label))
                .map_err(|e| sync_failure(e, lang))?;
            println!(
                "{}",
                tr(
                    lang,
                    Msg::Enrolled,
                    &[("value", &enrolled.org_name), ("id", &enrolled.device_id)]
                )
            );
        }
        DeviceCommand::Sync { server, keep_days } => {
            let mut store = open(&args, lang)?;
            let options = SyncOptions {
                server: server.clone(),
                retention: std::time::Duration::from_secs(u64::from(*keep_days) * 86_400),
                day_end: day_end(&args),
                ..SyncOptions::default()
            };
            let report = runtime()
                .block_on(sync(&mut store, &options))
                .map_err(|e| sync_failure(e, lang))?;
            let waiting = store.count_pending().map_err(store_error)?;
            println!(
                "{}",
                tr(
                    lang,
                    Msg::Synced,
                    &[("count", &report.delivered), ("value", &waiting)]
                )
            );
        }
        DeviceCommand::ExportBatches { file } => {
            let mut store = open(&args, lang)?;
            if store.enrollment().map_err(store_error)?.is_none() {
                return Err(sync_failure(SyncError::NotEnrolled, lang));
            }
            store
                .seal_pending(chrono::Utc::now().timestamp_millis())
                .map_err(store_error)?;
            let (bytes, count) = store.export_batches().map_err(store_error)?;
            std::fs::write(file, bytes).map_err(|e| {
                Failure::system(tr(
                    lang,
                    Msg::FileUnreadable,
                    &[("path", &file.display()), ("value", &e)],
                ))
            })?;
            println!(
                "{}",
                tr(
                    lang,
                    Msg::Exported,
                    &[("count", &count), ("path", &file.display())]
                )
            );
        }
        DeviceCommand::Catalog { json } => {
            let catalog = open(&args, lang)?.catalog().map_err(store_error)?;
            if *json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&catalog).expect("catalog serializes")
                );
            } else {
                print!("{}", listing::catalog_text(&catalog, lang));
            }
        }
        DeviceCommand::Import { csv } => {
            let unreadable = |e: std::io::Error| {
                Failure::input(vec![tr(
                    lang,
                    Msg::FileUnreadable,
                    &[("path", &csv.display()), ("value", &e)],
                )])
            };
            let file = std::fs::File::open(csv).map_err(unreadable)?;
            let mut store = open(&args, lang)?;
            let count =
                import::import_csv(&mut store, file, &Local, now()).map_err(|e| match e {
                    ImportError::Unreadable(e) => unreadable(e),
                    ImportError::Rejected(rejected) => Failure::input(rejected.lines(lang)),
                    ImportError::Store(e) => store_error(e),
                })?;
            println!("{}", tr(lang, Msg::Imported, &[("count", &count)]));
        }
        DeviceCommand::ChangePin => {
            let (mut store, current) = open_keeping_pin(&args, lang)?;
            let new = pin::new(lang)?;
            store.change_pin(&current, &new).map_err(store_error)?;
            println!("{}", Msg::PinChanged.text(lang));
        }
    }
    Ok(())
}

/// The typed flags as a draft, with the problems found reading the text of
/// `--at` and `--material` (the draft's own checks come after).
fn draft(log: &LogArgs) -> (ContactDraft, Vec<FieldError>) {
    let mut errors = Vec::new();
    let occurred_at = log.at.as_deref().and_then(|at| {
        parse_occurred_at(at, &Local)
            .map_err(|e| errors.push(e))
            .ok()
    });
    let mut pairs = |typed: &[String], field: Field| -> Vec<(String, String)> {
        typed
            .iter()
            .filter_map(|m| {
                parse_material_pair(m)
                    .map_err(|e| errors.push(FieldError::new(field, e.problem)))
                    .ok()
            })
            .collect()
    };
    let materials = pairs(&log.materials, Field::Materials);
    let materials_for_others = pairs(&log.for_others, Field::MaterialsForOthers);
    let draft = ContactDraft {
        occurred_at,
        zone: log.zone.clone(),
        kind: log.kind.clone(),
        people: log.people.clone(),
        age_band: log.age_band.clone(),
        gender: log.gender.clone(),
        materials,
        returned_syringes: log.returned_syringes.clone(),
        referrals: log.referrals.clone(),
        interventions: log.interventions.clone(),
        code: log.code.clone(),
        duration_min: log.duration.clone(),
        mode: log.mode.clone(),
        location_type: log.location.clone(),
        materials_for_others,
        kit_form: log.kit_form.clone(),
        kit_supply: log.kit.clone(),
        people_trained: log.trained.clone(),
    };
    (draft, errors)
}
