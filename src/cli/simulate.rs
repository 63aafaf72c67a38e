//! `tournee simulate`: a fleet of headless phones (real device engines,
//! each with its own store file) that log contacts over simulated days and
//! sync through a lossy link, then a check of the server against what was
//! generated: `generated`, `acknowledged`, `stored`, `lost`, `duplicated`.
//! Exit code 1 when anything was lost or counted twice.

use super::lossy::LossyLink;
use super::{Failure, Outcome};
use crate::device::{Pin, Store, SyncOptions, enroll, sync};
use crate::domain::{Catalog, ContactDraft, Lang, RecordId};
use crate::server::admin::Admin;
use chrono::{Duration, Local, TimeZone};
use clap::Args;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

#[derive(Args)]
pub struct SimulateArgs {
    /// The server's address, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    server: String,
    #[arg(long, default_value_t = 5)]
    devices: usize,
    #[arg(long, default_value_t = 7)]
    days: u32,
    /// Share of device-days with no network at all (0 to 1).
    #[arg(long, default_value_t = 0.2)]
    offline_rate: f64,
    /// Share of requests the link refuses, drops before the server, or
    /// drops after the server committed (0 to 1).
    #[arg(long, default_value_t = 0.3)]
    loss_rate: f64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The server's data directory (same machine): enrollment codes are made
    /// there and the result is checked there.
    #[arg(long, env = "TOURNEE_SERVER_DATA")]
    admin_data: PathBuf,
    /// Enrollment codes, one per line, instead of making them.
    #[arg(long)]
    codes: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

struct Phone {
    _home: tempfile::TempDir,
    store: Store,
    device_id: uuid::Uuid,
}

fn check_rate(name: &str, value: f64) -> Result<(), Failure> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(Failure::input(vec![format!(
            "--{name}: {value} is outside 0 to 1"
        )]))
    }
}

pub fn run(args: SimulateArgs, lang: Lang) -> Outcome {
    check_rate("offline-rate", args.offline_rate)?;
    check_rate("loss-rate", args.loss_rate)?;
    if args.devices == 0 || args.devices > 500 || args.days == 0 || args.days > 365 {
        return Err(Failure::input(vec![
            "--devices: 1 to 500; --days: 1 to 365".into(),
        ]));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::system(e.to_string()))?;
    runtime.block_on(simulate(args, lang))
}

async fn simulate(args: SimulateArgs, _lang: Lang) -> Outcome {
    let sys = |e: String| Failure::system(e);
    let mut rng = SmallRng::seed_from_u64(args.seed);
    let admin = Admin::open(&args.admin_data).map_err(|e| sys(e.to_string()))?;
    let codes: Vec<String> = match &args.codes {
        Some(file) => std::fs::read_to_string(file)
            .map_err(|e| Failure::input(vec![format!("--codes {}: {e}", file.display())]))?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect(),
        None => {
            let mut codes = Vec::with_capacity(args.devices);
            for i in 0..args.devices {
                let label = format!("simulated {i}");
                codes.push(
                    admin
                        .create_enroll_code(&label, 24)
                        .await
                        .map_err(|e| sys(e.to_string()))?,
                );
            }
            codes
        }
    };
    if codes.len() < args.devices {
        return Err(Failure::input(vec![format!(
            "--codes: {} codes for {} devices",
            codes.len(),
            args.devices
        )]));
    }
    let link = LossyLink::start(&args.server, args.loss_rate, args.seed.wrapping_add(1))
        .await
        .map_err(|e| sys(e.to_string()))?;
    let pin = Pin::parse("simulated-pin").expect("valid pin");
    let client =
        crate::device::Client::new(&SyncOptions::default()).map_err(|e| sys(e.to_string()))?;
    let mut phones = Vec::new();
    for (i, code) in codes.iter().take(args.devices).enumerate() {
        let home = tempfile::tempdir().map_err(|e| sys(e.to_string()))?;
        let mut store = Store::create(home.path(), &pin, &Catalog::default_quebec())
            .map_err(|e| sys(e.to_string()))?;
        // Enrollment goes straight to the server: a lost answer would burn
        // the code, which is a supervisor's problem, not the one measured here.
        let enrolled = enroll(
            &mut store,
            &client,
            &args.server,
            code,
            &format!("simulated {i}"),
        )
        .await
        .map_err(|e| sys(format!("enrolling device {i}: {e}")))?;
        phones.push(Phone {
            _home: home,
            store,
            device_id: enrolled.device_id,
        });
    }

    let lossy = SyncOptions {
        server: Some(link.url.clone()),
        attempts: 3,
        base_delay: std::time::Duration::from_millis(5),
        max_delay: std::time::Duration::from_millis(40),
        ..SyncOptions::default()
    };
    let catalog = Catalog::default_quebec();
    let mut generated: HashSet<RecordId> = HashSet::new();
    let mut failed_syncs = 0u64;
    let today = Local::now().date_naive();
    for day in 0..args.days {
        let date = today - Duration::days(i64::from(args.days - day));
        for phone in &mut phones {
            for _ in 0..rng.random_range(0..=6) {
                let minutes = rng.random_range(0..360);
                let naive =
                    date.and_hms_opt(20, 0, 0).expect("valid time") + Duration::minutes(minutes);
                let at = Local
                    .from_local_datetime(&naive)
                    .earliest()
                    .expect("a local time")
                    .fixed_offset();
                let draft = random_draft(&mut rng, &catalog, at);
                let contact = draft.parse(&catalog, at).map_err(|e| sys(e.to_string()))?;
                phone.store.save(&contact).map_err(|e| sys(e.to_string()))?;
                generated.insert(contact.record_id);
            }
            if !rng.random_bool(args.offline_rate) && sync(&mut phone.store, &lossy).await.is_err()
            {
                failed_syncs += 1;
            }
        }
    }
    // The network comes back: every phone empties its outbox.
    link.heal();
    for phone in &mut phones {
        for _ in 0..5 {
            if phone
                .store
                .count_pending()
                .map_err(|e| sys(e.to_string()))?
                == 0
            {
                break;
            }
            let _ = sync(&mut phone.store, &lossy).await;
        }
    }

    let mut acknowledged = 0;
    for phone in &phones {
        let all = phone.store.count_all().map_err(|e| sys(e.to_string()))?;
        acknowledged += all
            - phone
                .store
                .count_pending()
                .map_err(|e| sys(e.to_string()))?;
    }
    // The server applies batches off the request: what it receipted is
    // counted once its apply step has been through them.
    let waited = std::time::Instant::now();
    loop {
        let pending = admin
            .pending_batches()
            .await
            .map_err(|e| sys(e.to_string()))?;
        if pending == 0 {
            break;
        }
        if waited.elapsed() > std::time::Duration::from_secs(60) {
            return Err(sys(format!(
                "the server has not applied {pending} stored batches after 60 s"
            )));
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let devices: Vec<_> = phones.iter().map(|p| p.device_id).collect();
    let stored_ids = admin
        .contact_ids(&devices)
        .await
        .map_err(|e| sys(e.to_string()))?;
    let stored = stored_ids.len() as u64;
    let found = stored_ids
        .iter()
        .filter(|id| generated.contains(id))
        .count() as u64;
    let lost = generated.len() as u64 - found;
    let (counted, rows) = admin.rollup_check().await.map_err(|e| sys(e.to_string()))?;
    // Rows that match nothing generated, and contacts the rollups count twice.
    let duplicated = (stored - found) + counted.saturating_sub(rows);
    let counts = &link.counts;
    let load = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    if args.json {
        let value = json!({
            "generated": generated.len(), "acknowledged": acknowledged, "stored": stored,
            "lost": lost, "duplicated": duplicated,
            "devices": args.devices, "days": args.days, "failed_syncs": failed_syncs,
            "link": { "refused": load(&counts.refused), "dropped_before_server": load(&counts.dropped_before),
                      "dropped_after_commit": load(&counts.dropped_after), "passed": load(&counts.passed) },
        });
        println!("{}", serde_json::to_string_pretty(&value).expect("json"));
    } else {
        println!(
            "link: {} refused, {} dropped before the server, {} dropped after commit, {} passed; {failed_syncs} syncs failed",
            load(&counts.refused),
            load(&counts.dropped_before),
            load(&counts.dropped_after),
            load(&counts.passed)
        );
        println!("generated {}", generated.len());
        println!("acknowledged {acknowledged}");
        println!("stored {stored}");
        println!("lost {lost}");
        println!("duplicated {duplicated}");
    }
    if lost > 0 || duplicated > 0 {
        return Err(Failure::system(format!(
            "lost {lost}, duplicated {duplicated}"
        )));
    }
    Ok(())
}

fn random_draft(
    rng: &mut SmallRng,
    catalog: &Catalog,
    at: chrono::DateTime<chrono::FixedOffset>,
) -> ContactDraft {
    let mut pick =
        |list: &[crate::domain::CatalogEntry]| list[rng.random_range(0..list.len())].id.to_string();
    let zone = pick(&catalog.zones);
    let age_band = pick(&catalog.age_bands);
    let gender = pick(&catalog.genders);
    let material = pick(&catalog.materials);
    let referral = pick(&catalog.referrals);
    let group = rng.random_bool(0.1);
    ContactDraft {
        occurred_at: Some(at),
        zone,
        kind: if group { "group" } else { "known" }.into(),
        people: if group { rng.random_range(2..8) } else { 1 }.to_string(),
        age_band,
        gender: Some(gender),
        materials: vec![(material, rng.random_range(1..20).to_string())],
        referrals: if rng.random_bool(0.3) {
            vec![referral]
        } else {
            vec![]
        },
        code: rng
            .random_bool(0.4)
            .then(|| format!("SIM{:04}", rng.random_range(0..300))),
        ..Default::default()
    }
}
