//! `tournee admin`: the supervisor's commands on the server's data
//! directory, with or without the server running (`purge` is in
//! [`super::purge`]). `enroll-code` prints the
//! code alone on its last line, and `rotate-seal-key` the new key id, so
//! scripts can take them with `tail -1`. Supervisor accounts are in
//! [`super::supervisor`]. The settings (`--config`, `TOURNEE__…`) give the
//! data directory and the codes' default validity, as for `serve`.

use super::serve::{data_dir, settings};
use super::supervisor;
use super::{Failure, Outcome};
use crate::domain::escape::printable;
use crate::domain::i18n::{Lang, Msg, tr};
use crate::domain::wire::ReceiptStatus;
use crate::server::admin::{Admin, ImportedBatch};
use crate::server::queries::{AlertRow, DeviceRow};
use crate::server::{IngestError, ServerError};
use chrono::{Local, TimeZone};
use clap::{Args, Subcommand};
use serde_json::json;
use std::path::PathBuf;
use uuid::Uuid;

#[derive(Args)]
pub struct AdminArgs {
    /// Settings file (TOML), as for `serve`.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// The server's data directory [default: [server] data, else the platform data directory].
    #[arg(long, global = true, env = "TOURNEE_SERVER_DATA")]
    data: Option<PathBuf>,
    /// A regional host's database (`postgres://user:password@host/db`)
    /// instead of a data directory; every command but `create-org` and
    /// `list-orgs` then needs `--org`.
    #[arg(long, global = true, env = "TOURNEE_DATABASE", value_name = "URL")]
    database: Option<String>,
    /// The organization on the regional host, by its short name (slug).
    #[arg(long, global = true, value_name = "SLUG")]
    org: Option<String>,
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a one-time enrollment code for a phone (printed alone on the last line).
    EnrollCode {
        /// A name for the phone, e.g. "Téléphone de nuit 3".
        #[arg(long, default_value = "")]
        label: String,
        /// Hours the code stays valid [default: [enroll] code_ttl_hours, else 24].
        #[arg(long)]
        ttl: Option<u32>,
    },
    /// Refuse every later upload from a device (lost or stolen phone).
    RevokeDevice {
        /// The device id shown by `list-devices`.
        device_id: String,
    },
    /// Enrolled devices: when enrolled, last upload, state, batches stored.
    ListDevices {
        #[arg(long)]
        json: bool,
    },
    /// Alerts for supervisors (two different batches under one number).
    ListAlerts {
        #[arg(long)]
        json: bool,
    },
    /// Import a file of sealed batches exported by a phone without network.
    ImportBatches {
        /// The file (`TOURNEE-BATCHES 1`).
        file: PathBuf,
    },
    /// Batches that could not be applied, with the reason.
    Quarantine,
    /// Apply the quarantined batches again (after fixing the catalog, say).
    Reapply,
    /// Create a dashboard account; the password is read from standard input (first line) or asked twice.
    CreateSupervisor {
        /// 1 to 64 characters; capitals do not make a different account.
        name: String,
    },
    /// Disable a dashboard account: it can no longer sign in.
    DisableSupervisor { name: String },
    /// Dashboard accounts: name, when created, state.
    ListSupervisors {
        #[arg(long)]
        json: bool,
    },
    /// New sealing key for new enrollments (printed alone on the last line); old keys stay to open late batches.
    RotateSealKey,
    /// On a regional host: create an organization, with keys of its own.
    CreateOrg {
        /// Its short name: 2 to 40 lowercase letters, digits or hyphens (rue-action).
        slug: String,
        /// Its name as its phones and reports show it.
        #[arg(long)]
        name: String,
    },
    /// On a regional host: every organization, with the names it is served at.
    ListOrgs {
        #[arg(long)]
        json: bool,
    },
    /// Move an organization's data directory (keys included) into a regional host as `--org`; its phones keep syncing once its old host name serves it there (`add-name`).
    Migrate {
        /// The organization's data directory.
        #[arg(long)]
        from: PathBuf,
        /// The regional host's database (`postgres://…`).
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// On a regional host: a regional account over these organizations, which sees only their summed, suppressed figures at region.<domain>; the password as for create-supervisor.
    CreateRegion {
        /// 1 to 64 characters; capitals do not make a different account.
        name: String,
        /// The member organizations' short names, comma-separated (cactus,rue-action).
        #[arg(long, value_delimiter = ',', required = true, value_name = "SLUGS")]
        orgs: Vec<String>,
    },
    /// On a regional host: disable a regional account (it can no longer sign in).
    DisableRegion { name: String },
    /// On a regional host: regional accounts, their organizations and state.
    ListRegions {
        #[arg(long)]
        json: bool,
    },
    /// On a regional host: serve the organization `--org` at this host name too.
    AddName {
        /// A host name, e.g. tournee.rue-action.org.
        name: String,
    },
    /// Destroy what the retention policy ([retention]) no longer allows; audited. `serve` does it daily.
    Purge {
        /// Say what would be destroyed, kind by kind, and change nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
}

pub(super) fn local_time(ms: i64) -> String {
    Local.timestamp_millis_opt(ms).single().map_or_else(
        || ms.to_string(),
        |t| t.format("%Y-%m-%d %H:%M").to_string(),
    )
}

/// Runs a command's calls to the storage door, which are async, on the
/// command's one runtime: a host's pool of connections, opened in one
/// call, lives on it through the next.
pub(super) fn block_on<F: std::future::Future>(work: F) -> F::Output {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime starts")
        })
        .block_on(work)
}

pub(super) fn rfc3339(ms: i64) -> Option<String> {
    Local
        .timestamp_millis_opt(ms)
        .single()
        .map(|t| t.to_rfc3339())
}

pub fn run(args: AdminArgs, lang: Lang) -> Outcome {
    let config = settings(args.config.as_deref(), lang)?;
    let dir = data_dir(args.data, &config);
    let fail = |e: ServerError| Failure::server(e, lang);
    // Opened once the command's own input is checked: bad input writes
    // nothing, not even a new data directory.
    let hosted = args.database.as_deref();
    let org = args.org.as_deref();
    let open = || match (hosted, org) {
        (Some(url), Some(org)) => block_on(Admin::hosted(url, org)).map_err(fail),
        (Some(_), None) => Err(Failure::input(vec![
            Msg::HostNeedsOrg.text(lang).to_string(),
        ])),
        (None, _) => Admin::open(&dir).map_err(fail),
    };
    match args.command {
        AdminCommand::EnrollCode { label, ttl } => {
            let ttl = ttl.unwrap_or(config.enroll.code_ttl_hours);
            let code = block_on(open()?.create_enroll_code(&label, ttl)).map_err(fail)?;
            let label = label.trim();
            let shown = if label.is_empty() {
                Msg::NoLabel.text(lang)
            } else {
                label
            };
            let hours = ttl.to_string();
            println!(
                "{}",
                tr(
                    lang,
                    Msg::CodeCreated,
                    &[("label", &shown), ("hours", &hours)]
                )
            );
            println!("{}", Msg::CodeInstructions.text(lang));
            println!("{code}");
        }
        AdminCommand::RevokeDevice { device_id } => {
            let id = Uuid::parse_str(device_id.trim()).map_err(|_| {
                Failure::input(vec![tr(
                    lang,
                    Msg::ServerBadDeviceId,
                    &[("value", &device_id)],
                )])
            })?;
            block_on(open()?.revoke_device(id)).map_err(fail)?;
            println!("{}", tr(lang, Msg::DeviceRevoked, &[("value", &id)]));
        }
        AdminCommand::ListDevices { json } => {
            let devices = block_on(open()?.list_devices()).map_err(fail)?;
            if json {
                println!("{}", devices_json(&devices));
            } else {
                print!("{}", devices_text(&devices, lang));
            }
        }
        AdminCommand::ListAlerts { json } => {
            let alerts = block_on(open()?.list_alerts()).map_err(fail)?;
            if json {
                println!("{}", alerts_json(&alerts));
            } else {
                print!("{}", alerts_text(&alerts, lang));
            }
        }
        AdminCommand::ImportBatches { file } => {
            let bytes = std::fs::read(&file).map_err(|e| {
                Failure::input(vec![tr(
                    lang,
                    Msg::FileUnreadable,
                    &[("path", &file.display()), ("value", &e)],
                )])
            })?;
            let results = block_on(open()?.import_batches(&bytes)).map_err(fail)?;
            return report_import(&results, lang);
        }
        AdminCommand::Quarantine => {
            let batches = block_on(open()?.quarantined()).map_err(fail)?;
            if batches.is_empty() {
                println!("{}", Msg::QuarantineEmpty.text(lang));
            }
            for batch in batches {
                println!(
                    "{}  {}  #{}  {}",
                    local_time(batch.received_at_ms),
                    batch.device_id,
                    batch.seq,
                    batch.reason
                );
            }
        }
        AdminCommand::Reapply => {
            let report = block_on(open()?.reapply()).map_err(fail)?;
            println!(
                "{}",
                tr(
                    lang,
                    Msg::Reapplied,
                    &[("count", &report.applied), ("value", &report.quarantined)]
                )
            );
        }
        AdminCommand::CreateSupervisor { name } => return supervisor::create(open, &name, lang),
        AdminCommand::DisableSupervisor { name } => {
            return supervisor::disable(open, &name, lang);
        }
        AdminCommand::CreateOrg { slug, name } => {
            return super::host_admin::create_org(hosted, &slug, &name, lang);
        }
        AdminCommand::ListOrgs { json } => return super::host_admin::list_orgs(hosted, json, lang),
        AdminCommand::Migrate { from, to } => {
            return super::host_admin::migrate(&from, &to, org, lang);
        }
        AdminCommand::CreateRegion { name, orgs } => {
            return super::regional::create(hosted, &name, &orgs, lang);
        }
        AdminCommand::DisableRegion { name } => {
            return super::regional::disable(hosted, &name, lang);
        }
        AdminCommand::ListRegions { json } => return super::regional::list(hosted, json, lang),
        AdminCommand::AddName { name } => {
            return super::host_admin::add_name(hosted, org, &name, lang);
        }
        AdminCommand::ListSupervisors { json } => return supervisor::list(&open()?, json, lang),
        AdminCommand::Purge { dry_run, json } => {
            return super::purge::run(&open()?, &config, dry_run, json, lang);
        }
        AdminCommand::RotateSealKey => {
            let kid = hex::encode(block_on(open()?.rotate_seal_key()).map_err(fail)?);
            println!("{}", tr(lang, Msg::SealKeyRotated, &[("value", &kid)]));
            println!("{kid}");
        }
    }
    Ok(())
}

/// One line per batch, a summary, and an exit code that tells a script
/// whether everything is in.
fn report_import(results: &[ImportedBatch], lang: Lang) -> Outcome {
    let (mut stored, mut duplicate, mut refused) = (0, 0, 0);
    let mut system = None;
    for (index, batch) in results.iter().enumerate() {
        let seq = batch.seq.map_or("?".to_string(), |s| s.to_string());
        let id = batch.batch_id.map_or("?".to_string(), |b| b.to_string());
        let line = match &batch.result {
            Ok(signed) if signed.receipt.status == ReceiptStatus::Stored => {
                stored += 1;
                tr(lang, Msg::BatchStored, &[("seq", &seq), ("id", &id)])
            }
            Ok(_) => {
                duplicate += 1;
                tr(lang, Msg::BatchDuplicate, &[("seq", &seq), ("id", &id)])
            }
            Err(error) => {
                refused += 1;
                if let IngestError::Server(e) = error {
                    system.get_or_insert_with(|| e.message(lang));
                }
                match batch.seq {
                    Some(_) => tr(
                        lang,
                        Msg::BatchRefused,
                        &[("seq", &seq), ("id", &id), ("value", &error.message(lang))],
                    ),
                    None => tr(
                        lang,
                        Msg::EnvelopeRefused,
                        &[("line", &(index + 1)), ("value", &error.message(lang))],
                    ),
                }
            }
        };
        println!("{line}");
    }
    println!(
        "{}",
        tr(
            lang,
            Msg::ImportSummary,
            &[
                ("stored", &stored),
                ("duplicate", &duplicate),
                ("count", &refused)
            ]
        )
    );
    match system {
        Some(line) => Err(Failure::system(line)),
        None if refused > 0 => Err(Failure::input(vec![tr(
            lang,
            Msg::ImportSomeRefused,
            &[("count", &refused)],
        )])),
        None => Ok(()),
    }
}

fn devices_json(devices: &[DeviceRow]) -> String {
    let rows: Vec<_> = devices
        .iter()
        .map(|d| {
            json!({
                "device_id": d.device_id,
                "label": d.label,
                "app_version": d.app_version,
                "enrolled_at": rfc3339(d.enrolled_at_ms),
                "last_seen_at": d.last_seen_at_ms.and_then(rfc3339),
                "revoked": d.revoked(),
                "revoked_at": d.revoked_at_ms.and_then(rfc3339),
                "batches": d.batches,
                "records": d.records,
            })
        })
        .collect();
    serde_json::to_string_pretty(&rows).expect("json")
}

fn devices_text(devices: &[DeviceRow], lang: Lang) -> String {
    if devices.is_empty() {
        return format!("{}\n", Msg::DevicesNone.text(lang));
    }
    let row = |cells: [&str; 7]| {
        let [id, enrolled, seen, state, batches, records, label] = cells;
        format!(
            "{id:<36}  {enrolled:<16}  {seen:<16}  {state:<8}  {batches:>6}  {records:>8}  {label}\n"
        )
    };
    let mut out = row([
        Msg::ColDevice.text(lang),
        Msg::ColEnrolled.text(lang),
        Msg::ColLastSeen.text(lang),
        Msg::ColState.text(lang),
        Msg::ColBatches.text(lang),
        Msg::ColRecords.text(lang),
        Msg::ColLabel.text(lang),
    ]);
    for d in devices {
        let state = if d.revoked() {
            Msg::StateRevoked
        } else {
            Msg::StateActive
        };
        let seen = d
            .last_seen_at_ms
            .map_or_else(|| Msg::Never.text(lang).to_string(), local_time);
        out += &row([
            &d.device_id.to_string(),
            &local_time(d.enrolled_at_ms),
            &seen,
            state.text(lang),
            &d.batches.to_string(),
            &d.records.to_string(),
            // Checked at enrollment; escaped all the same, like messages.
            &printable(&d.label),
        ]);
    }
    out
}

fn alerts_json(alerts: &[AlertRow]) -> String {
    let rows: Vec<_> = alerts
        .iter()
        .map(|a| {
            json!({
                "kind": a.kind,
                "device_id": a.device_id,
                "seq": a.seq,
                "stored_sha256": hex::encode(a.stored_sha256),
                "offered_sha256": hex::encode(a.offered_sha256),
                "offered_batch_id": a.offered_batch_id,
                "created_at": rfc3339(a.created_at_ms),
                "offers": a.repeats,
                "last_offered_at": rfc3339(a.last_at_ms),
            })
        })
        .collect();
    serde_json::to_string_pretty(&rows).expect("json")
}

fn alerts_text(alerts: &[AlertRow], lang: Lang) -> String {
    if alerts.is_empty() {
        return format!("{}\n", Msg::AlertsNone.text(lang));
    }
    let mut out = String::new();
    for a in alerts {
        let digests = format!(
            "{} / {}",
            hex::encode(&a.stored_sha256[..8]),
            hex::encode(&a.offered_sha256[..8])
        );
        out += &tr(
            lang,
            Msg::AlertEquivocation,
            &[
                ("at", &local_time(a.created_at_ms)),
                ("device", &a.device_id),
                ("seq", &a.seq),
                ("value", &digests),
            ],
        );
        out.push('\n');
        if a.repeats > 1 {
            out += &tr(
                lang,
                Msg::AlertOffers,
                &[("count", &a.repeats), ("at", &local_time(a.last_at_ms))],
            );
            out.push('\n');
        }
    }
    out
}
