//! `tournee demo` as a newcomer runs it: the real binary on a free port,
//! read until it prints its addresses, then used over HTTP (dashboard
//! sign-in with the printed password, the worker app's page, three months
//! of figures), a contact from the demo's app phone reaching the server,
//! and a clean stop on Ctrl-C. `/healthz` says "starting" until all of it
//! is ready.

#![cfg(unix)]

mod binary;
mod common;
use common::admin;

use binary::tournee;
use chrono::Local;
use common::web::Web;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use tournee::device::{Pin, Store, SyncOptions};
use tournee::domain::report::YearMonth;

fn after(text: &str, label: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("{label} in {text}"));
    line.rsplit(' ').next().unwrap().trim().to_string()
}

/// Asks `/healthz` until it says ok; returns how many times it said
/// "starting" (503), and how many phones the server had at the first ok.
async fn health_until_ready(listen: String, server_data: std::path::PathBuf) -> (usize, usize) {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap();
    let mut starting = 0;
    for _ in 0..3_000 {
        match client.get(format!("http://{listen}/healthz")).send().await {
            Ok(answer) if answer.status() == 200 => {
                let phones = admin(&server_data).list_devices().await.unwrap();
                return (starting, phones.len());
            }
            Ok(answer) => {
                assert_eq!(answer.status(), 503);
                starting += 1;
            }
            // Not listening yet.
            Err(_) => {}
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("/healthz never said ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_serves_a_dashboard_with_three_months_and_a_worker_app_then_stops_cleanly() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("demo");
    // A free port known before the demo prints it, to ask /healthz early.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let server_data = data.join("server");
    let health = tokio::spawn(health_until_ready(listen.clone(), server_data.clone()));
    let mut child = tournee(&[
        "demo",
        "--listen",
        &listen,
        "--data",
        data.to_str().unwrap(),
    ])
    .env("RUST_LOG", "warn")
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    while !text.contains("Ctrl-C") {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("the demo stopped before it was ready: {text}\n{err}");
        }
        text.push_str(&line);
    }
    assert!(text.contains("Tableau de bord / Dashboard"), "{text}");
    let web_app = tournee::server::http::web_app::not_built().is_none();
    if web_app {
        assert!(text.contains("Offline app"), "{text}");
        assert!(text.contains("Live app"), "{text}");
    } else {
        assert!(text.contains("Worker app"), "{text}");
    }
    let dashboard = after(&text, "Dashboard:");
    let base = dashboard.trim_end_matches('/').to_string();
    let password = after(&text, "Sign-in:");
    if web_app {
        assert_eq!(after(&text, "Offline app:"), format!("{base}/app/"));
        assert_eq!(after(&text, "Live app:"), format!("{base}/live"));
        assert!(!after(&text, "Enrollment code:").is_empty(), "{text}");
    } else {
        assert_eq!(after(&text, "Worker app:"), format!("{base}/app"));
    }
    assert_eq!(base, format!("http://{listen}"));
    let (starting, phones_when_ready) = health.await.unwrap();
    assert!(starting > 0, "/healthz said ok before the demo was ready");
    assert_eq!(phones_when_ready, 5, "ready: the fleet and the app's phone");

    // The dashboard, signed in with what was printed.
    let mut web = Web::new(&base);
    let signed = web.sign_in("demo", &password).await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    let audit = web.get("/audit").await;
    assert_eq!(audit.status, 200);
    assert!(audit.body.contains("Travail de rue Outaouais (démo)"));
    // The worker app's page is served on the same port: the offline one
    // where this binary carries it, and the live one beside it.
    let live = if web_app { "/live" } else { "/app" };
    let app = web.get(live).await;
    assert_eq!(app.status, 200);
    assert!(app.body.contains(&format!("{live}/ws")), "{}", app.body);
    if web_app {
        let page = web.get("/app/").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("start.js"), "{}", page.body);
    }

    // Three months of work: each of the last three months has contacts,
    // and people came back.
    let today = Local::now().date_naive();
    let mut month = YearMonth::of(today);
    for back in 1..=3 {
        month = month.previous();
        let tally = admin(&server_data).month_tally(month).await.unwrap();
        assert!(tally.contacts > 100, "{month}: {} contacts", tally.contacts);
        assert!(
            tally.unique_people > 20,
            "{month}: {} people",
            tally.unique_people
        );
        if back < 3 {
            assert!(tally.returning_people > 0, "{month}: nobody came back");
        }
    }
    let devices = admin(&server_data).list_devices().await.unwrap();
    assert_eq!(devices.len(), 5, "four fleet phones and the app's");
    // The dashboard shows them: the last month's report and the phones.
    let last = YearMonth::of(today).previous();
    let tally = admin(&server_data).month_tally(last).await.unwrap();
    let report = web.get(&format!("/report?month={last}")).await;
    assert_eq!(report.status, 200);
    assert!(
        report.body.contains(&format!(">{}<", tally.contacts)),
        "{}",
        report.body
    );
    let phones = web.get("/phones").await.body;
    for device in &devices {
        assert!(
            phones.contains(&device.label.replace('\'', "&#39;")),
            "{}",
            device.label
        );
    }

    // The demo's app phone (PIN printed) logs a contact; it reaches the server.
    let before = admin(&server_data).list_devices().await.unwrap();
    let app_records = |rows: &[tournee::server::queries::DeviceRow]| {
        rows.iter()
            .find(|d| d.label.contains("Application"))
            .unwrap()
            .records
    };
    let pin = Pin::parse(&after(&text, "PIN:")).unwrap();
    assert!(
        !pin.is_weak(),
        "the printed PIN meets the rule for new PINs"
    );
    let mut store = Store::open(data.join("app-phone"), &pin).unwrap();
    let catalog = store.catalog().unwrap();
    let now = Local::now().fixed_offset();
    let contact = tournee::domain::ContactDraft {
        occurred_at: Some(now),
        zone: "gatineau".into(),
        kind: "first".into(),
        people: "1".into(),
        age_band: "25-34".into(),
        materials: vec![("seringues".into(), "10".into())],
        ..Default::default()
    }
    .parse(&catalog, now)
    .unwrap();
    store.save(&contact).unwrap();
    tournee::device::sync(&mut store, &SyncOptions::default())
        .await
        .unwrap();
    // The dashboard reads what was receipted (its door waits for the
    // demo's apply step, which runs off the request): asked first.
    let activity = web.get("/activity").await.body;
    let after_sync = admin(&server_data).list_devices().await.unwrap();
    assert_eq!(app_records(&after_sync), app_records(&before) + 1);
    assert!(
        activity.contains("Application (démo)"),
        "the app's contact is in Activity"
    );

    let stopped = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success(), "{rest}");
    assert!(rest.contains("Demo stopped"), "{rest}");
}
