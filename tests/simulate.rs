//! `tournee simulate` against the real server on 127.0.0.1:0: a small
//! fleet over a link that loses 40 % of requests, then the check.

mod common;

use common::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_over_a_lossy_link_loses_and_doubles_nothing() {
    let server = TestServer::spawn().await;
    let (url, data) = (server.url.clone(), server.data.path().to_path_buf());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_tournee"))
            .args([
                "simulate",
                "--server",
                &url,
                "--devices",
                "4",
                "--days",
                "6",
                "--loss-rate",
                "0.4",
                "--seed",
                "3",
                "--json",
            ])
            .arg("--admin-data")
            .arg(&data)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let generated = result["generated"].as_u64().unwrap();
    assert!(generated > 0);
    assert_eq!(result["acknowledged"].as_u64(), Some(generated));
    assert_eq!(result["stored"].as_u64(), Some(generated));
    assert_eq!(
        (result["lost"].as_u64(), result["duplicated"].as_u64()),
        (Some(0), Some(0))
    );
    let link = &result["link"];
    let lossy = ["refused", "dropped_before_server", "dropped_after_commit"]
        .iter()
        .map(|k| link[k].as_u64().unwrap())
        .sum::<u64>();
    assert!(lossy > 0, "the link really lost requests: {link}");
    // What the simulator says is what the server holds.
    let devices = server.server.admin().list_devices().await.unwrap();
    assert_eq!(devices.iter().map(|d| d.records).sum::<u64>(), generated);
}

#[test]
fn rates_outside_zero_to_one_are_refused() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tournee"))
        .args([
            "simulate",
            "--server",
            "http://127.0.0.1:9",
            "--admin-data",
            "/nonexistent",
            "--loss-rate",
            "1.5",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--loss-rate"));
}
