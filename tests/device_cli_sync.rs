//! `tournee device enroll | sync | export-batches | status` as a script
//! drives them: the real binary against the real server on 127.0.0.1:0.

mod common;

use common::TestServer;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

async fn device(home: PathBuf, args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_tournee"))
            .arg("device")
            .arg("--home")
            .arg(&home)
            .args(&args)
            .env("TOURNEE_PIN", "482193")
            .env_remove("TOURNEE_LANG")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

async fn ok(home: &Path, args: &[&str]) -> String {
    let out = device(
        home.to_path_buf(),
        args.iter().map(|a| a.to_string()).collect(),
    )
    .await;
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_headless_phone_enrolls_logs_syncs_and_reports_by_command() {
    let server = TestServer::spawn().await;
    let home = tempfile::tempdir().unwrap();
    let home = home.path().to_path_buf();
    ok(&home, &["init"]).await;

    let before = device(home.clone(), vec!["sync".into()]).await;
    assert_eq!(
        before.status.code(),
        Some(2),
        "not enrolled is the worker's to fix"
    );
    assert!(String::from_utf8_lossy(&before.stderr).contains("Pas encore inscrit"));

    let said = ok(
        &home,
        &[
            "enroll",
            "--server",
            &server.url,
            "--code",
            &server.code().await,
            "--label",
            "Nuit 3",
        ],
    )
    .await;
    assert!(said.contains("Inscrit auprès de"), "{said}");
    ok(
        &home,
        &[
            "log",
            "--zone",
            "pontiac",
            "--kind",
            "known",
            "--people",
            "1",
            "--age-band",
            "18-24",
        ],
    )
    .await;
    ok(
        &home,
        &[
            "log",
            "--zone",
            "gatineau",
            "--kind",
            "group",
            "--people",
            "3",
            "--age-band",
            "25-34",
        ],
    )
    .await;

    let exported = home.join("lots.tournee");
    ok(&home, &["export-batches", exported.to_str().unwrap()]).await;
    assert!(
        std::fs::read(&exported)
            .unwrap()
            .starts_with(b"TOURNEE-BATCHES 1\n")
    );
    let status: Value = serde_json::from_str(&ok(&home, &["status", "--json"]).await).unwrap();
    assert_eq!(
        (
            status["waiting_records"].as_u64(),
            status["waiting_batches"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(status["enrolled"], true);

    let said = ok(&home, &["sync"]).await;
    assert!(said.contains("Lots livrés : 1 ; en attente : 0"), "{said}");
    let status: Value = serde_json::from_str(&ok(&home, &["status", "--json"]).await).unwrap();
    assert_eq!(
        (
            status["waiting_records"].as_u64(),
            status["waiting_batches"].as_u64()
        ),
        (Some(0), Some(0))
    );
    assert!(status["last_sync_at"].is_string());
    assert!(status["last_error"].is_null());
    assert_eq!(server.envelopes().await, 1);

    // The server moved away: the worker is told there is no network, nothing is lost.
    ok(
        &home,
        &[
            "log",
            "--zone",
            "pontiac",
            "--kind",
            "first",
            "--people",
            "1",
            "--age-band",
            "12-17",
        ],
    )
    .await;
    let moved = device(
        home.clone(),
        vec![
            "--lang".into(),
            "en".into(),
            "sync".into(),
            "--server".into(),
            "http://127.0.0.1:9".into(),
        ],
    )
    .await;
    assert_eq!(moved.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&moved.stderr).contains("No network (server unreachable)"),
        "{}",
        String::from_utf8_lossy(&moved.stderr)
    );
    let status: Value = serde_json::from_str(&ok(&home, &["status", "--json"]).await).unwrap();
    assert_eq!(status["waiting_records"], 1);
    assert_eq!(status["last_error_kind"], "offline");
}
