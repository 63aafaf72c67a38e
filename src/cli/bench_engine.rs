//! The engine's figures in `tournee bench`: a save sent through the
//! engine's thread and answered (what every screen waits for), beside the
//! same save on the store directly; and, with a server (feature
//! `server`), what a background sync attempt with nothing to send costs:
//! key derivations (must be 0: only unlock derives a key) and the engine
//! thread's CPU time.

use super::Failure;
use super::bench_sync::sys;
#[cfg(feature = "server")]
use crate::device::engine::Stats;
use crate::device::engine::{Answer, Client, Command, EngineHandle, EngineOptions};
use crate::device::{Pin, Store};
use crate::domain::i18n::Lang;
use crate::domain::{Catalog, Contact};
use std::path::Path;
use std::time::{Duration, Instant};

const PIN: &str = "bench-pin";

pub struct SaveFigure {
    pub p50_ms: f64,
    pub p99_ms: f64,
}

pub struct SyncFigure {
    pub attempts: u64,
    pub key_derivations_per_attempt: f64,
    pub cpu_ms_per_attempt: f64,
}

/// Background work paced out of the way of the measure: no planned sync
/// lands in the middle of the saves.
fn quiet() -> EngineOptions {
    EngineOptions {
        after_save: Duration::from_secs(3600),
        period: Duration::from_secs(3600),
        ..EngineOptions::default()
    }
}

fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(sys)?;
    Ok(runtime.block_on(future))
}

async fn call(client: &Client, command: Command) -> Result<Answer, Failure> {
    client
        .call(command, Lang::En)
        .await
        .map_err(Failure::system)
}

/// An unlocked view of the engine of the store at `home`.
async fn unlocked(home: &Path, options: EngineOptions) -> Result<Client, Failure> {
    let engine = EngineHandle::start(home, options).map_err(sys)?;
    let client = engine.view();
    call(&client, Command::Unlock { pin: PIN.into() }).await?;
    Ok(client)
}

/// `samples` saves through the engine into a store holding `stored`
/// records (filled directly, as the direct figure's).
pub fn save(
    stored: usize,
    samples: usize,
    contact: impl Fn(usize) -> Contact,
) -> Result<SaveFigure, Failure> {
    let home = tempfile::tempdir().map_err(sys)?;
    let pin = Pin::parse(PIN).expect("valid pin");
    let mut store = Store::create(home.path(), &pin, &Catalog::default_quebec()).map_err(sys)?;
    for chunk in (0..stored).collect::<Vec<_>>().chunks(5_000) {
        let contacts: Vec<Contact> = chunk.iter().map(|&i| contact(i)).collect();
        store.save_all(&contacts).map_err(sys)?;
    }
    drop(store);
    block_on(async {
        let client = unlocked(home.path(), quiet()).await?;
        let mut timings = Vec::with_capacity(samples);
        for i in 0..samples {
            let one = contact(stored + i);
            let start = Instant::now();
            call(&client, Command::Save { contact: one }).await?;
            timings.push(start.elapsed().as_secs_f64() * 1e3);
        }
        timings.sort_by(f64::total_cmp);
        let at = |q: f64| timings[((timings.len() - 1) as f64 * q).round() as usize];
        Ok(SaveFigure {
            p50_ms: at(0.50),
            p99_ms: at(0.99),
        })
    })?
}

#[cfg(feature = "server")]
async fn stats(client: &Client) -> Result<Stats, Failure> {
    match call(client, Command::Stats).await? {
        Answer::Stats(stats) => Ok(stats),
        _ => Err(sys("the engine did not answer with its stats")),
    }
}

/// Waits until no sync attempt is planned or running.
#[cfg(feature = "server")]
async fn synced(client: &Client) -> Result<(), Failure> {
    for _ in 0..1_200 {
        if let Answer::Snapshot(snapshot) = call(client, Command::Snapshot).await?
            && !snapshot.sync.busy
        {
            return match snapshot.sync.last {
                Some(Err(message)) => Err(Failure::system(message)),
                _ => Ok(()),
            };
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Err(sys("a sync attempt did not end within 6 s"))
}

/// `attempts` background sync attempts with nothing to send, against a
/// real server on 127.0.0.1: each still seals nothing, sends nothing,
/// fetches and verifies the signed catalog.
#[cfg(feature = "server")]
pub fn idle_sync(attempts: u64) -> Result<SyncFigure, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(sys)?;
    runtime.block_on(async {
        let (_data, home, store, _server) = super::bench_ingest::enrolled_phone().await?;
        drop(store);

        let client = unlocked(home.path(), quiet()).await?;
        // The attempt that unlocking starts goes first.
        synced(&client).await?;
        let before = stats(&client).await?;
        let mut cpu = Duration::ZERO;
        for _ in 0..attempts {
            call(&client, Command::SyncNow).await?;
            synced(&client).await?;
            cpu += stats(&client).await?.last_sync_cpu.unwrap_or_default();
        }
        let after = stats(&client).await?;
        let made = after.sync_attempts - before.sync_attempts;
        Ok(SyncFigure {
            attempts: made,
            key_derivations_per_attempt: (after.key_derivations - before.key_derivations) as f64
                / made.max(1) as f64,
            cpu_ms_per_attempt: cpu.as_secs_f64() * 1e3 / made.max(1) as f64,
        })
    })
}
