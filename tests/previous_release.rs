//! Files the previous release wrote, opened by this one: a server's data
//! directory and a phone's home under `tests/previous_release/`, made on
//! 2026-12-02 by the release before batch schema 2 (commit 78f1231) with
//! its own binary: `tournee serve`, `tournee device init`, `enroll`, two
//! contacts logged and synced, two more logged and left waiting (PIN
//! 482193). This release must open both as they are, count what was
//! synced, send what waited (schema 1, as then), and take the new records
//! (an overdose response and a contact of version 2, schema 2) from the same
//! phone, on its data directory and moved onto a regional host. The keys in the
//! saved server folder belong to that throwaway test organization only.

mod common;

use common::cli::device_ok as device;
use common::{TestServer, month_tally};
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of a saved folder: the test never changes the saved files.
fn copy_of(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let saved = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/previous_release")
        .join(name);
    copy_dir(&saved, dir.path());
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_previous_releases_server_and_phone_open_count_and_sync() {
    let server = TestServer::spawn_in(copy_of("server")).await;
    let november = month_tally(&server, "2026-11").await;
    assert_eq!(november.contacts, 2, "the two contacts synced then");
    assert_eq!(november.people_reached, 4);
    assert_eq!(november.materials["seringues"], 10);
    assert_eq!(november.materials["trousses-naloxone"], 2);
    assert_eq!(november.materials["condoms"], 6);
    assert_eq!(november.referrals["clsc"], 1);
    assert_eq!(
        november.unique_people, 1,
        "one person code, its pseudonym kept"
    );
    assert_eq!(november.overdoses.responses, 0);
    // The day rows migration 10 made from the stored facts: two halves
    // of the month, read from day rows only, add up to the month.
    let days = async |from: &str, to: &str| {
        let day = |t: &str| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
        let period = tournee::domain::report::Period::Range {
            from: day(from),
            to: day(to),
        };
        server.server.admin().tally(period).await.unwrap()
    };
    let (first, second) = (
        days("2026-11-01", "2026-11-15").await,
        days("2026-11-16", "2026-11-29").await,
    );
    let last = days("2026-11-30", "2026-11-30").await;
    assert_eq!(first.contacts + second.contacts + last.contacts, 2);
    assert_eq!(
        first.materials["seringues"] + second.materials["seringues"] + last.materials["seringues"],
        10
    );

    // Who was seen, by quarter and fiscal year as migration 11 summed
    // them from the months: the one person of November, once.
    for text in ["2026-Q4", "FY2026-2027"] {
        let period = tournee::domain::report::Period::canonical(text).unwrap();
        let t = server.server.admin().tally(period).await.unwrap();
        assert_eq!((t.contacts, t.unique_people), (2, 1), "{text}");
    }
    assert_eq!(server.server.admin().span_check().await.unwrap(), 0);

    let phone = copy_of("phone");
    let home = phone.path().to_path_buf();
    let url = server.url.clone();
    let (waiting, synced, listed) = tokio::task::spawn_blocking(move || {
        let waiting = device(&home, &["list"]);
        // The server moved (a new port): the phone is told where it is.
        let synced = device(&home, &["sync", "--server", &url]);
        device(
            &home,
            &[
                "overdose",
                "--zone",
                "gatineau",
                "--responder",
                "worker",
                "--nasal",
                "1",
                "--call-911",
                "called",
                "--ambulance",
                "--outcome",
                "transported",
            ],
        );
        // A contact of version 2, from a phone whose stored catalog
        // predates contact modes (they come from the defaults).
        device(
            &home,
            &[
                "log",
                "--zone",
                "gatineau",
                "--kind",
                "known",
                "--people",
                "1",
                "--age-band",
                "25-34",
                "--mode",
                "en-personne",
                "--material",
                "trousses-naloxone=1",
                "--kit-form",
                "nasal",
                "--kit",
                "first",
            ],
        );
        device(&home, &["sync", "--server", &url]);
        (waiting, synced, device(&home, &["list", "--json"]))
    })
    .await
    .unwrap();
    assert!(
        waiting.contains("Papineau") && waiting.contains("50 à 64 ans"),
        "{waiting}"
    );
    assert_eq!(waiting.lines().count(), 2, "{waiting}");
    assert!(synced.starts_with("Synchronisé."), "{synced}");
    assert_eq!(listed.trim(), "[]", "nothing waits any more");

    let november = month_tally(&server, "2026-11").await;
    assert_eq!(november.contacts, 4, "the two that waited arrived");
    assert_eq!(november.materials["stericups"], 4);
    assert_eq!(november.returned_syringes, 12);
    // Logged now: a phone refuses dates more than a year back.
    let month = chrono::Local::now().format("%Y-%m").to_string();
    let now = month_tally(&server, &month).await;
    assert_eq!(now.overdoses.responses, 1);
    assert_eq!(now.overdoses.by_outcome["transported"], 1);
    assert_eq!(now.details.by_mode["en-personne"], 1);
    assert_eq!(now.details.kits_by_form["nasal"], 1);
    assert_eq!(
        november.details.by_mode["en-personne"], 0,
        "version 1 said no mode"
    );
}

/// The previous release's data directory moved onto a regional host
/// (`tournee admin migrate`): its figures come across as they are, and the
/// saved phone's waiting batches (schema 1, as then) are applied there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_previous_releases_data_directory_moves_onto_a_host_and_its_phone_syncs_there() {
    let Some(db) = common::pg::test_db().await else {
        return;
    };
    let data = copy_of("server");
    let moved = std::process::Command::new(env!("CARGO_BIN_EXE_tournee"))
        .args(["admin", "migrate", "--from"])
        .arg(data.path())
        .args(["--to", &db.url, "--org", "ancien"])
        .output()
        .unwrap();
    assert!(
        moved.status.success(),
        "{}",
        String::from_utf8_lossy(&moved.stderr)
    );
    let admin = tournee::server::admin::Admin::hosted(&db.url, "ancien")
        .await
        .unwrap();
    let month = tournee::domain::report::YearMonth::parse("2026-11").unwrap();
    let november = admin.month_tally(month).await.unwrap();
    assert_eq!((november.contacts, november.unique_people), (2, 1));
    assert_eq!(november.materials["seringues"], 10);
    assert_eq!(admin.span_check().await.unwrap(), 0);

    let storage = std::sync::Arc::new(
        tournee::server::store::postgres::storage::PgStorage::open(&db.url)
            .await
            .unwrap(),
    );
    storage
        .host()
        .add_name(
            admin.org(),
            &tournee::server::store::slug::HostName::parse("tournee.ancien.test").unwrap(),
        )
        .await
        .unwrap();
    let upstream = common::pg::serve_host(storage, None).await;
    let url = common::proxy::proxy(&upstream, "tournee.ancien.test").await;
    let phone = copy_of("phone");
    let home = phone.path().to_path_buf();
    let synced = tokio::task::spawn_blocking(move || device(&home, &["sync", "--server", &url]))
        .await
        .unwrap();
    assert!(synced.starts_with("Synchronisé."), "{synced}");
    let november = admin.month_tally(month).await.unwrap();
    assert_eq!(november.contacts, 4, "the two that waited arrived");
    assert_eq!(november.materials["stericups"], 4);
    assert_eq!(november.returned_syringes, 12);
    db.drop().await;
}
