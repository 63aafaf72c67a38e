//! Applying synced batches and the monthly tallies, on hand-checked data:
//! real devices (store files) sync to the real server on 127.0.0.1:0, then
//! the month's figures are read back and compared with numbers worked out
//! by hand in each test.

mod common;

use common::{TestDevice, TestServer, contact_at as at, month_tally as month, options};
use tournee::domain::ContactDraft;
use tournee::domain::wire::enroll::{decode_hand_file, encode_hand_file};

#[tokio::test]
async fn months_are_counted_by_local_date_whatever_the_utc_offset() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    let contacts = [
        // 23:30 in Québec on Oct 31 (EDT) is already Nov 1 in UTC: October.
        at(
            "2025-10-31T23:30:00-04:00",
            "gatineau",
            "known",
            1,
            None,
            &[("seringues", 10)],
        ),
        // A quarter past midnight on Nov 1: November.
        at(
            "2025-11-01T00:15:00-04:00",
            "gatineau",
            "known",
            1,
            None,
            &[("seringues", 20)],
        ),
        at(
            "2025-11-30T23:59:00-05:00",
            "pontiac",
            "group",
            4,
            None,
            &[("condoms", 12)],
        ),
        // Midnight sharp on Dec 1 (EST): December.
        at(
            "2025-12-01T00:00:00-05:00",
            "pontiac",
            "known",
            1,
            None,
            &[("condoms", 3)],
        ),
        // A phone set to UTC: 02:00 on Dec 1 there is Nov 30 evening in Québec,
        // but the phone's own local date is what counts.
        at(
            "2025-12-01T02:00:00+00:00",
            "pontiac",
            "known",
            1,
            None,
            &[("condoms", 1)],
        ),
    ];
    phone.store.save_all(&contacts).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();

    let october = month(&server, "2025-10").await;
    let november = month(&server, "2025-11").await;
    let december = month(&server, "2025-12").await;
    assert_eq!(
        (
            october.contacts,
            october.people_reached,
            october.materials["seringues"]
        ),
        (1, 1, 10)
    );
    assert_eq!((november.contacts, november.people_reached), (2, 5));
    assert_eq!(
        (
            november.materials["seringues"],
            november.materials["condoms"]
        ),
        (20, 12)
    );
    assert_eq!(november.by_zone["pontiac"].people_reached, 4);
    assert_eq!(november.by_zone["gatineau"].contacts, 1);
    assert_eq!((december.contacts, december.materials["condoms"]), (2, 4));
    assert_eq!(
        november
            .previous
            .figures
            .as_ref()
            .expect("figures for the month before")
            .contacts,
        1
    );
    assert_eq!(
        december
            .previous
            .figures
            .as_ref()
            .expect("figures for the month before")
            .people_reached,
        5
    );
    // Zero counts are present for every active id.
    assert_eq!(november.materials["trousses-naloxone"], 0);
    assert_eq!(november.by_zone["papineau"].contacts, 0);
}

#[tokio::test]
async fn one_person_typed_differently_across_months_is_new_then_returning() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    phone
        .store
        .save_all(&[
            at(
                "2025-10-05T22:00:00-04:00",
                "gatineau",
                "known",
                1,
                Some("Côté-2001"),
                &[],
            ),
            at(
                "2025-10-20T22:00:00-04:00",
                "gatineau",
                "known",
                1,
                Some("COTE 2001"),
                &[],
            ),
            at(
                "2025-11-03T22:00:00-05:00",
                "gatineau",
                "known",
                1,
                Some("cote2001"),
                &[],
            ),
            at(
                "2025-11-04T22:00:00-05:00",
                "gatineau",
                "known",
                1,
                Some("Gagnon-1999"),
                &[],
            ),
            at(
                "2025-11-05T22:00:00-05:00",
                "gatineau",
                "first",
                1,
                None,
                &[],
            ),
        ])
        .unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();

    let october = month(&server, "2025-10").await;
    assert_eq!(
        (
            october.unique_people,
            october.new_people,
            october.returning_people
        ),
        (1, 1, 0)
    );
    assert_eq!(
        (october.contacts_with_code, october.contacts_without_code),
        (2, 0)
    );
    let november = month(&server, "2025-11").await;
    assert_eq!(
        (
            november.unique_people,
            november.new_people,
            november.returning_people
        ),
        (2, 1, 1)
    );
    assert_eq!(
        (november.contacts_with_code, november.contacts_without_code),
        (2, 1)
    );
    assert_eq!(
        november
            .previous
            .figures
            .as_ref()
            .expect("figures for the month before")
            .unique_people,
        1
    );
}

#[tokio::test]
async fn voids_take_their_target_out_whether_they_arrive_after_or_before_it() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    let kept = at(
        "2025-11-10T21:00:00-05:00",
        "papineau",
        "known",
        1,
        Some("ABCD1990"),
        &[("seringues", 10)],
    );
    let late = at(
        "2025-11-10T21:05:00-05:00",
        "papineau",
        "group",
        3,
        Some("EFGH1990"),
        &[("seringues", 100)],
    );
    let early = at(
        "2025-11-10T21:10:00-05:00",
        "papineau",
        "known",
        1,
        None,
        &[("seringues", 7)],
    );
    phone.store.save_all(&[kept.clone(), late.clone()]).unwrap();
    // Keep delivered records a day, so the worker can still void one.
    let keep = tournee::device::SyncOptions {
        retention: std::time::Duration::from_secs(86_400),
        ..options(None)
    };
    server.sync(&mut phone.store, &keep).await.unwrap();
    assert_eq!(month(&server, "2025-11").await.materials["seringues"], 110);

    // A void in a later batch than its target.
    let now = chrono::DateTime::parse_from_rfc3339("2025-11-10T22:00:00-05:00").unwrap();
    phone.store.void(late.record_id, now).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    let november = month(&server, "2025-11").await;
    assert_eq!(
        (
            november.contacts,
            november.people_reached,
            november.materials["seringues"]
        ),
        (1, 1, 10)
    );
    assert_eq!(
        (november.unique_people, november.contacts_with_code),
        (1, 1)
    );

    // A void that reaches the server before its contact (hand delivery in
    // the wrong order): the contact never counts.
    phone.store.save(&early).unwrap();
    phone.store.seal_pending(now.timestamp_millis()).unwrap();
    phone.store.void(early.record_id, now).unwrap();
    phone.store.seal_pending(now.timestamp_millis()).unwrap();
    let (file, count) = phone.store.export_batches().unwrap();
    assert_eq!(count, 2);
    let envelopes = decode_hand_file(&file).unwrap();
    server
        .server
        .admin()
        .import_batches(&encode_hand_file([envelopes[1]]))
        .await
        .unwrap();
    server
        .server
        .admin()
        .import_batches(&encode_hand_file([envelopes[0]]))
        .await
        .unwrap();
    let november = month(&server, "2025-11").await;
    assert_eq!(
        (november.contacts, november.materials["seringues"]),
        (1, 10)
    );
    assert!(
        server
            .server
            .admin()
            .quarantined()
            .await
            .unwrap()
            .is_empty()
    );

    // Applying the same batches again (the phone's network sync) changes nothing.
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    assert_eq!(month(&server, "2025-11").await, november);
}

#[tokio::test]
async fn a_batch_that_does_not_fit_the_catalog_is_quarantined_then_reapplied_after_a_fix() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    // The phone knows a zone the server does not (yet).
    let catalog = phone.learn_zone("aylmer");
    let good = at(
        "2025-11-12T20:00:00-05:00",
        "gatineau",
        "known",
        1,
        None,
        &[("condoms", 2)],
    );
    phone.store.save(&good).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    let unknown = ContactDraft {
        zone: "aylmer".into(),
        kind: "known".into(),
        people: "1".into(),
        age_band: "18-24".into(),
        occurred_at: Some(
            chrono::DateTime::parse_from_rfc3339("2025-11-12T21:00:00-05:00").unwrap(),
        ),
        ..Default::default()
    }
    .parse(
        &catalog,
        chrono::DateTime::parse_from_rfc3339("2025-11-12T21:00:00-05:00").unwrap(),
    )
    .unwrap();
    phone.store.save(&unknown).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();

    // Delivered (the phone got its receipt) but not counted: quarantined, with why.
    assert_eq!(phone.store.count_pending().unwrap(), 0);
    let quarantined = server.server.admin().quarantined().await.unwrap();
    assert_eq!(quarantined.len(), 1);
    assert!(
        quarantined[0].reason.contains("\"aylmer\" does not exist"),
        "{}",
        quarantined[0].reason
    );
    assert_eq!(
        month(&server, "2025-11").await.contacts,
        1,
        "the other batch is not blocked"
    );

    server
        .server
        .admin()
        .replace_catalog(&catalog)
        .await
        .unwrap();
    let report = server.server.admin().reapply().await.unwrap();
    assert_eq!((report.applied, report.quarantined), (1, 0));
    let november = month(&server, "2025-11").await;
    assert_eq!(
        (november.contacts, november.by_zone["aylmer"].contacts),
        (2, 1)
    );
}

#[tokio::test]
async fn several_phones_uploading_at_once_are_all_counted_exactly_once() {
    let server = TestServer::spawn().await;
    let mut phones = Vec::new();
    for _ in 0..4 {
        phones.push(TestDevice::enroll(&server).await);
    }
    for (n, phone) in phones.iter_mut().enumerate() {
        let contacts: Vec<_> = (0..25)
            .map(|i| {
                at(
                    &format!("2025-11-{:02}T22:00:00-05:00", i + 1),
                    "gatineau",
                    "known",
                    1,
                    None,
                    &[("seringues", n as u32 + 1)],
                )
            })
            .collect();
        phone.store.save_all(&contacts).unwrap();
    }
    let settings = options(None);
    let syncs = phones
        .iter_mut()
        .map(|phone| server.sync(&mut phone.store, &settings));
    for outcome in futures_join(syncs).await {
        outcome.unwrap();
    }
    let november = month(&server, "2025-11").await;
    // 4 phones × 25 contacts; syringes 25 × (1 + 2 + 3 + 4).
    assert_eq!(
        (november.contacts, november.materials["seringues"]),
        (100, 250)
    );
    assert_eq!(november.referrals["clsc"], 100);
    let devices = server.server.admin().list_devices().await.unwrap();
    assert_eq!(
        devices
            .iter()
            .map(|d| (d.batches, d.records))
            .collect::<Vec<_>>(),
        vec![(1, 25); 4]
    );
}

/// Runs the futures concurrently on this task (no extra crate needed).
async fn futures_join<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for future in futures {
        set.push(Box::pin(future));
    }
    let mut outputs: Vec<Option<F::Output>> = (0..set.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut done = true;
        for (slot, future) in outputs.iter_mut().zip(set.iter_mut()) {
            if slot.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *slot = Some(value),
                    std::task::Poll::Pending => done = false,
                }
            }
        }
        if done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs
        .into_iter()
        .map(|o| o.expect("every future finished"))
        .collect()
}

fn report(server: &TestServer, args: &[&str]) -> std::process::Output {
    server
        .report_command()
        .args(args)
        .env_remove("TOURNEE_LANG")
        .output()
        .unwrap()
}

#[tokio::test]
async fn tournee_report_prints_the_same_figures_as_json_csv_and_markdown() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    let mut contacts = Vec::new();
    for day in 1..=12 {
        let zone = if day % 3 == 0 { "pontiac" } else { "gatineau" };
        contacts.push(at(
            &format!("2025-11-{day:02}T22:00:00-05:00"),
            zone,
            "known",
            1,
            None,
            &[("seringues", 10)],
        ));
    }
    phone.store.save_all(&contacts).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();

    let out = report(&server, &["--month", "2025-11", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let exact = month(&server, "2025-11").await;
    assert_eq!(json, tournee::domain::report::to_json(&exact, None));
    assert_eq!(
        (
            json["contacts"].as_u64(),
            json["by_zone"]["pontiac"]["contacts"].as_u64()
        ),
        (Some(12), Some(4))
    );

    let out = report(&server, &["--month", "2025-11", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let find = |section: &str, key: &str, measure: &str| {
        rows.iter()
            .find(|r| {
                &r[column("section")] == section
                    && &r[column("key")] == key
                    && &r[column("measure")] == measure
            })
            .map(|r| r[column("value")].to_string())
    };
    assert_eq!(find("totals", "", "contacts").as_deref(), Some("12"));
    assert_eq!(
        find("materials", "seringues", "quantity").as_deref(),
        Some("120")
    );
    assert_eq!(
        find("by_zone", "gatineau", "contacts").as_deref(),
        Some("8")
    );

    let markdown =
        String::from_utf8(report(&server, &["--month", "2025-11", "--format", "md"]).stdout)
            .unwrap();
    assert!(
        markdown.contains("Gatineau") && markdown.contains("Seringues"),
        "{markdown}"
    );

    let suppressed: serde_json::Value =
        serde_json::from_slice(&report(&server, &["--month", "2025-11", "--suppress"]).stdout)
            .unwrap();
    assert_eq!(suppressed["by_zone"]["pontiac"]["contacts"], "<5");
    assert_eq!(suppressed["contacts"], 12);

    let bad = report(&server, &["--month", "2025-13"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--month"));
}
