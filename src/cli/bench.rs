//! `tournee bench`: speed figures measured on this machine, each beside a
//! reference that shows what the hardware itself allows. Measured, never
//! asserted: tests do not time anything.
//!
//! Device save latency: one contact saved (sealed, indexed, day counts
//! updated, committed with a full fsync) into a store already holding N
//! records, against a raw SQLite insert of a row the same size into a table
//! holding N rows, with the same durability settings; the same save sent
//! through the engine ([`super::bench_engine`]).

use super::{Failure, Outcome};
use crate::device::{Pin, Store};
use crate::domain::{Catalog, Contact, ContactDraft};
use chrono::{DateTime, Duration, FixedOffset, Local};
use clap::Args;
use rusqlite::{Connection, params};
use serde_json::json;
use std::time::Instant;

#[derive(Args)]
pub struct BenchArgs {
    /// Print one JSON object with every figure.
    #[arg(long)]
    json: bool,
    /// Smaller sizes, for a run under a minute.
    #[arg(long)]
    quick: bool,
    /// Also measure the regional host on this PostgreSQL server
    /// (`postgres://user@host:port/database`): the bench makes a database
    /// of its own there and drops it at the end.
    #[cfg(feature = "server")]
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
}

struct Latency {
    p50_ms: f64,
    p99_ms: f64,
}

fn percentiles(mut samples: Vec<f64>) -> Latency {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Latency {
        p50_ms: at(0.50),
        p99_ms: at(0.99),
    }
}

/// A varied, valid contact: zones, materials and codes rotate with `i`.
fn contact(catalog: &Catalog, i: usize, now: DateTime<FixedOffset>) -> Contact {
    let pick = |list: &[crate::domain::CatalogEntry]| list[i % list.len()].id.to_string();
    let draft = ContactDraft {
        occurred_at: Some(now - Duration::minutes((i % 200_000) as i64)),
        zone: pick(&catalog.zones),
        kind: "known".into(),
        people: "1".into(),
        age_band: pick(&catalog.age_bands),
        gender: Some(pick(&catalog.genders)),
        materials: vec![
            (pick(&catalog.materials), ((i % 20) + 1).to_string()),
            (
                catalog.materials[(i + 1) % catalog.materials.len()]
                    .id
                    .to_string(),
                "5".into(),
            ),
        ],
        returned_syringes: Some((i % 7).to_string()),
        referrals: vec![pick(&catalog.referrals)],
        interventions: vec![pick(&catalog.interventions)],
        code: i.is_multiple_of(3).then(|| format!("CODE{}", i % 5000)),
        duration_min: None,

        ..ContactDraft::default()
    };
    draft.parse(catalog, now).expect("bench contacts are valid")
}

fn device_save(stored: usize, samples: usize) -> Result<(Latency, usize), Failure> {
    let fail = |e: crate::device::StoreError| Failure::system(e.to_string());
    let dir = tempfile::tempdir().map_err(|e| Failure::system(e.to_string()))?;
    let pin = Pin::parse("bench-pin").expect("valid pin");
    let catalog = Catalog::default_quebec();
    let mut store = Store::create(dir.path(), &pin, &catalog).map_err(fail)?;
    let now = Local::now().fixed_offset();
    for chunk in (0..stored).collect::<Vec<_>>().chunks(5_000) {
        let contacts: Vec<Contact> = chunk.iter().map(|&i| contact(&catalog, i, now)).collect();
        store.save_all(&contacts).map_err(fail)?;
    }
    let mut timings = Vec::with_capacity(samples);
    for i in 0..samples {
        let one = contact(&catalog, stored + i, now);
        let start = Instant::now();
        store.save(&one).map_err(fail)?;
        timings.push(start.elapsed().as_secs_f64() * 1e3);
    }
    let sealed_size: i64 = rusqlite::Connection::open(store.path())
        .and_then(|c| {
            c.query_row("SELECT avg(length(sealed)) FROM records", [], |r| {
                r.get::<_, f64>(0)
            })
        })
        .map(|avg| avg as i64)
        .map_err(|e| Failure::system(e.to_string()))?;
    Ok((percentiles(timings), sealed_size as usize))
}

fn raw_sqlite_insert(stored: usize, samples: usize, row_bytes: usize) -> Result<Latency, Failure> {
    let fail = |e: rusqlite::Error| Failure::system(e.to_string());
    let dir = tempfile::tempdir().map_err(|e| Failure::system(e.to_string()))?;
    let mut conn = Connection::open(dir.path().join("raw.db")).map_err(fail)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE rows (id INTEGER PRIMARY KEY, k BLOB NOT NULL UNIQUE, v BLOB NOT NULL);",
    )
    .map_err(fail)?;
    let blob = vec![0x5a_u8; row_bytes];
    let key = |i: usize| (i as u128).to_be_bytes().to_vec();
    let tx = conn.transaction().map_err(fail)?;
    for i in 0..stored {
        tx.execute(
            "INSERT INTO rows (k, v) VALUES (?1, ?2)",
            params![key(i), blob],
        )
        .map_err(fail)?;
    }
    tx.commit().map_err(fail)?;
    let mut timings = Vec::with_capacity(samples);
    for i in 0..samples {
        let start = Instant::now();
        conn.execute(
            "INSERT INTO rows (k, v) VALUES (?1, ?2)",
            params![key(stored + i), blob],
        )
        .map_err(fail)?;
        timings.push(start.elapsed().as_secs_f64() * 1e3);
    }
    Ok(percentiles(timings))
}

pub fn run(args: BenchArgs, _lang: crate::domain::Lang) -> Outcome {
    let (stored, samples) = if args.quick {
        (10_000, 200)
    } else {
        (100_000, 1_000)
    };
    let (save, row_bytes) = device_save(stored, samples)?;
    let raw = raw_sqlite_insert(stored, samples, row_bytes)?;
    let ratio = save.p50_ms / raw.p50_ms;
    let catalog = Catalog::default_quebec();
    let now = Local::now().fixed_offset();
    let through = super::bench_engine::save(stored, samples, |i| contact(&catalog, i, now))?;
    #[cfg(feature = "server")]
    let idle = Some(super::bench_engine::idle_sync(if args.quick {
        10
    } else {
        50
    })?);
    #[cfg(not(feature = "server"))]
    let idle: Option<super::bench_engine::SyncFigure> = None;
    let sync_size = if args.quick { 5_000 } else { 20_000 };
    let sample: Vec<Contact> = (0..sync_size).map(|i| contact(&catalog, i, now)).collect();
    let (sealing, wire) = super::bench_sync::sealing(&sample)?;
    #[cfg(feature = "server")]
    let server = super::bench_ingest::ServerFigures::measure(&sample, args.quick)?;
    #[cfg(feature = "server")]
    let host = args
        .postgres
        .as_deref()
        .map(|url| super::bench_host::HostFigures::measure(url, &sample))
        .transpose()?;
    if args.json {
        #[cfg_attr(not(feature = "server"), allow(unused_mut))]
        let mut value = json!({
            "machine": { "cores": std::thread::available_parallelism().map_or(0, |n| n.get()) },
            "device_save": {
                "stored_records": stored,
                "samples": samples,
                "sealed_row_bytes": row_bytes,
                "p50_ms": save.p50_ms,
                "p99_ms": save.p99_ms,
                "raw_sqlite_p50_ms": raw.p50_ms,
                "raw_sqlite_p99_ms": raw.p99_ms,
                "ratio_p50": ratio,
            },
            "engine": {
                "save_p50_ms": through.p50_ms,
                "save_p99_ms": through.p99_ms,
                "direct_save_p50_ms": save.p50_ms,
                "direct_save_p99_ms": save.p99_ms,
                "idle_sync_attempts": idle.as_ref().map(|f| f.attempts),
                "key_derivations_per_sync_attempt": idle.as_ref().map(|f| f.key_derivations_per_attempt),
                "idle_sync_cpu_ms": idle.as_ref().map(|f| f.cpu_ms_per_attempt),
            },
            "sealing": {
                "records": sealing.records,
                "records_per_sec": sealing.records_per_sec,
                "mb_per_sec": sealing.mb_per_sec,
                "raw_chacha20_poly1305_mb_per_sec": sealing.raw_aead_mb_per_sec,
                "ratio": sealing.mb_per_sec / sealing.raw_aead_mb_per_sec,
            },
            "wire_bytes_per_contact": {
                "batch_of_200": wire.bytes_per_contact,
                "json_per_contact": wire.json_bytes_per_contact,
                "ratio": wire.bytes_per_contact / wire.json_bytes_per_contact,
            },
        });
        #[cfg(feature = "server")]
        server.add_json(&mut value);
        #[cfg(feature = "server")]
        if let Some(host) = &host {
            host.add_json(&mut value);
        }
        println!("{}", serde_json::to_string_pretty(&value).expect("json"));
    } else {
        println!(
            "figure                                   tournée        reference (raw SQLite)   ratio"
        );
        println!(
            "device save, {stored} stored  p50        {:>8.3} ms    {:>8.3} ms               {ratio:.2}",
            save.p50_ms, raw.p50_ms
        );
        println!(
            "device save, {stored} stored  p99        {:>8.3} ms    {:>8.3} ms               {:.2}",
            save.p99_ms,
            raw.p99_ms,
            save.p99_ms / raw.p99_ms
        );
        println!(
            "({samples} saves of one contact, {row_bytes}-byte sealed rows, WAL + synchronous=FULL)"
        );
        println!(
            "save through the engine, p50          {:>8.3} ms    {:>8.3} ms direct             {:.2}",
            through.p50_ms,
            save.p50_ms,
            through.p50_ms / save.p50_ms
        );
        println!(
            "save through the engine, p99          {:>8.3} ms    {:>8.3} ms direct             {:.2}",
            through.p99_ms,
            save.p99_ms,
            through.p99_ms / save.p99_ms
        );
        match &idle {
            Some(idle) => println!(
                "idle background sync attempt          {:>8.3} ms CPU (engine thread), key derivations per attempt: {} ({} attempts)",
                idle.cpu_ms_per_attempt, idle.key_derivations_per_attempt, idle.attempts
            ),
            None => {
                println!("(no sync figure: this tournee was built without the \"server\" feature)")
            }
        }
        println!(
            "sealing {} records            {:>8.1} MB/s  {:>8.1} MB/s raw ChaCha20-Poly1305  {:.3}  ({:.0} records/s)",
            sealing.records,
            sealing.mb_per_sec,
            sealing.raw_aead_mb_per_sec,
            sealing.mb_per_sec / sealing.raw_aead_mb_per_sec,
            sealing.records_per_sec
        );
        println!(
            "wire bytes per contact (batch of 200) {:>8.1} B    {:>8.1} B JSON per contact     {:.3}",
            wire.bytes_per_contact,
            wire.json_bytes_per_contact,
            wire.bytes_per_contact / wire.json_bytes_per_contact
        );
        #[cfg(feature = "server")]
        server.print();
        #[cfg(feature = "server")]
        if let Some(host) = &host {
            host.print();
        }
        #[cfg(not(feature = "server"))]
        println!("(no server figures: this tournee was built without the \"server\" feature)");
    }
    Ok(())
}
