//! Moving an organization from its data directory into a regional host
//! (`tournee admin migrate`): every figure comes out the same, its
//! supervisors sign in with their passwords, and its phone's next sync
//! succeeds at the host without re-enrollment (the same keys answer it).
//! A second move is refused and writes nothing.

mod common;

use common::pg::test_db;
use common::proxy::proxy;
use common::web::{Web, supervisor};
use common::{TestDevice, TestServer, contact_at, options};
use tournee::domain::Contact;
use tournee::domain::report::{Period, YearMonth};
use tournee::server::admin::Admin;
use tournee::server::store::postgres::storage::PgStorage;

const PASSWORD: &str = "une phrase de passe solide";

fn tournee(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tournee"))
        .args(args)
        .env_remove("TOURNEE_LANG")
        .output()
        .unwrap()
}

fn at(day: u32, zone: &str, code: Option<&str>) -> Contact {
    contact_at(
        &format!("2026-10-{day:02}T21:00:00-04:00"),
        zone,
        "known",
        2,
        code,
        &[("seringues", 10)],
    )
}

#[tokio::test]
async fn a_data_directory_moves_into_the_host_and_its_phone_syncs_on() {
    let Some(db) = test_db().await else { return };
    // An organization on its own data directory, with records, a void, a
    // supervisor and a few audit entries.
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    let contacts: Vec<Contact> = (1..=6)
        .map(|d| {
            at(
                d,
                if d % 2 == 0 { "pontiac" } else { "gatineau" },
                Some("Tremblay-87"),
            )
        })
        .collect();
    phone.store.save_all(&contacts).unwrap();
    phone
        .store
        .void(contacts[0].record_id, chrono::Local::now().fixed_offset())
        .unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    supervisor(&server.server, "Marie Tremblay", PASSWORD).await;
    let periods = [
        Period::Month(YearMonth::parse("2026-10").unwrap()),
        Period::parse(
            "2026-Q4",
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        )
        .unwrap(),
    ];
    let mut before = Vec::new();
    for period in periods {
        before.push(server.server.admin().tally(period).await.unwrap());
    }
    assert_eq!(before[0].contacts, 5);
    let devices_before = server.server.admin().list_devices().await.unwrap();
    let data = server.data.path().to_str().unwrap().to_string();

    // Bad input moves nothing: a bad slug, a missing directory.
    let bad = tournee(&[
        "admin", "migrate", "--from", &data, "--to", &db.url, "--org", "Cactus!",
    ]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let missing = tournee(&[
        "admin",
        "migrate",
        "--from",
        "/nonexistent/tournee",
        "--to",
        &db.url,
        "--org",
        "cactus",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/tournee"));

    let moved = tournee(&[
        "admin", "migrate", "--from", &data, "--to", &db.url, "--org", "cactus",
    ]);
    let out = String::from_utf8_lossy(&moved.stdout);
    assert!(
        moved.status.success(),
        "{}",
        String::from_utf8_lossy(&moved.stderr)
    );
    assert!(out.contains("contacts: 6"), "{out}");
    assert!(out.contains("voids: 1"), "{out}");

    // Moving it again is refused, and the host still holds one copy.
    let again = tournee(&[
        "admin", "migrate", "--from", &data, "--to", &db.url, "--org", "cactus-2",
    ]);
    assert_eq!(
        again.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    // Every figure, device and account came across.
    let admin = Admin::hosted(&db.url, "cactus").await.unwrap();
    assert_eq!(admin.org(), server.server.org(), "the same organization id");
    for (period, alone) in periods.into_iter().zip(&before) {
        assert_eq!(&admin.tally(period).await.unwrap(), alone, "{period}");
    }
    let devices = admin.list_devices().await.unwrap();
    assert_eq!(devices.len(), devices_before.len());
    assert_eq!(devices[0].device_id, devices_before[0].device_id);
    assert_eq!(devices[0].batches, devices_before[0].batches);
    assert_eq!(admin.rollup_check().await.unwrap().0, 5);

    // Its old address now leads to the host.
    let added = tournee(&[
        "admin",
        "--database",
        &db.url,
        "--org",
        "cactus",
        "add-name",
        "tournee.cactus.test",
    ]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    drop(server);
    let storage = std::sync::Arc::new(PgStorage::open(&db.url).await.unwrap());
    let upstream = common::pg::serve_host(storage, None).await;
    let address = proxy(&upstream, "tournee.cactus.test").await;

    // The phone's next sync succeeds there, its receipts verified against
    // the key it enrolled with, and its contacts count.
    phone.store.save(&at(12, "gatineau", None)).unwrap();
    let report = tournee::device::sync(&mut phone.store, &options(Some(&address)))
        .await
        .unwrap();
    assert_eq!(report.delivered, 1);
    let october = YearMonth::parse("2026-10").unwrap();
    assert_eq!(admin.month_tally(october).await.unwrap().contacts, 6);

    // Marie signs in there with her password.
    let mut web = Web::new(&address);
    let answer = web.sign_in("Marie Tremblay", PASSWORD).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    db.drop().await;
}
