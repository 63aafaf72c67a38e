//! The retention policy (Loi 25) on real data: phones with store files sync
//! to the real server, then `tournee admin purge` (the real binary) destroys
//! contact-level rows older than the policy allows. Reports of old months
//! come out byte for byte the same from the rollups, people seen before
//! and since still count as returning, and the purge is in the audit log.
//! Dates are counted back from today, so the test does not age.

mod common;

use chrono::{Datelike, Local, Months};
use common::{TestDevice, TestServer, admin, contact_at, options};
use std::path::Path;
use std::process::{Command, Output};
use tournee::domain::Contact;
use tournee::domain::report::YearMonth;
use tournee::server::console::{audit, audit::Action, sessions};
use tournee::server::retention::{Plan, Policy};
use tournee::server::{Config, db};

fn tournee(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tournee"))
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("TOURNEE_LANG")
        .env_remove("TOURNEE_SERVER_DATA")
        .env("TOURNEE__RETENTION__CONTACT_MONTHS", "24")
        .output()
        .unwrap()
}

fn ok(data: &Path, args: &[&str]) -> String {
    let out = tournee(data, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The month `back` months before this one.
fn month(back: u32) -> YearMonth {
    YearMonth::of(Local::now().date_naive()).months_before(back)
}

/// A contact on the 10th of the month `back` months ago (this month: now),
/// with `code`.
fn seen(back: u32, code: Option<&str>) -> Contact {
    let at = if back == 0 {
        Local::now().fixed_offset().to_rfc3339()
    } else {
        let day = Local::now()
            .date_naive()
            .with_day(10)
            .unwrap()
            .checked_sub_months(Months::new(back))
            .unwrap();
        format!("{day}T14:00:00-05:00")
    };
    contact_at(&at, "gatineau", "known", 1, code, &[("seringues", 10)])
}

fn reports(data: &Path, months: &[YearMonth]) -> Vec<String> {
    let mut out = Vec::new();
    for m in months {
        for format in ["json", "csv", "md"] {
            let m = m.to_string();
            out.push(ok(data, &["report", "--month", &m, "--format", format]));
        }
        out.push(ok(
            data,
            &["report", "--month", &m.to_string(), "--suppress"],
        ));
    }
    out
}

fn policy() -> Policy {
    Policy::from_config(&Config::default())
}

/// Two old months (40 and 39 months ago) and a kept one (2 months ago):
/// A in all three, B and an uncoded contact only in the first, C only in
/// the second, D only in the kept month.
async fn history() -> (TestServer, TestDevice) {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    let contacts = [
        seen(40, Some("Alpha-71")),
        seen(40, Some("Bravo-72")),
        seen(40, None),
        seen(39, Some("Alpha-71")),
        seen(39, Some("Charlie-73")),
        seen(2, Some("Alpha-71")),
        seen(2, Some("Delta-74")),
    ];
    phone.store.save_all(&contacts).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    (server, phone)
}

#[tokio::test]
async fn a_dry_run_says_what_would_go_and_the_purge_leaves_old_reports_byte_for_byte_the_same() {
    let (server, _phone) = history().await;
    let data = server.data.path();
    let watched = [month(40), month(39), month(2), month(28)];
    let before = reports(data, &watched);
    let kept = common::month_tally(&server, &month(2).to_string()).await;
    assert_eq!(
        (kept.unique_people, kept.new_people),
        (2, 1),
        "A returns, D is new"
    );

    let dry: serde_json::Value =
        serde_json::from_str(&ok(data, &["admin", "purge", "--dry-run", "--json"])).unwrap();
    assert_eq!(dry["dry_run"], true);
    assert_eq!(
        dry["months"],
        serde_json::json!([month(40).to_string(), month(39).to_string()])
    );
    assert_eq!(dry["kept_from"], month(24).to_string());
    assert_eq!(
        (
            &dry["contacts"],
            &dry["pseudonym_months"],
            &dry["pseudonyms_forgotten"]
        ),
        (&5.into(), &4.into(), &2.into()),
        "{dry}"
    );
    let text = ok(data, &["admin", "purge", "--dry-run"]);
    assert!(text.contains("  contacts : 5\n"), "{text}");
    assert!(
        text.contains(&format!("{} à {}", month(40), month(39))),
        "{text}"
    );
    assert!(text.contains("Rien n'a été modifié (--dry-run)."), "{text}");
    assert_eq!(server.records().await, 7, "a dry run changes nothing");

    let done = ok(data, &["--lang", "en", "admin", "purge"]);
    assert!(
        done.contains("Destroyed:") && done.contains("  contacts: 5\n"),
        "{done}"
    );
    assert!(
        done.contains("Purge done and written to the audit log."),
        "{done}"
    );
    assert_eq!(
        server.records().await,
        2,
        "only the kept month's contacts stay"
    );
    assert_eq!(
        reports(data, &watched),
        before,
        "old reports come from the rollups"
    );
    // The two purged months together: A came in both, so their distinct
    // people cannot be added up from each month's kept figures.
    let (from, to) = (
        tournee::domain::report::period::first_day(month(40)),
        tournee::domain::report::period::last_day(month(39)),
    );
    let both: serde_json::Value = serde_json::from_str(&ok(
        data,
        &[
            "report",
            "--period",
            &format!("{from}..{to}"),
            "--format",
            "json",
        ],
    ))
    .unwrap();
    assert_eq!(both["contacts"], 5, "{both}");
    assert!(both["unique_people"].is_null(), "{both}");
    assert!(both["new_people"].is_null(), "{both}");
    let md = ok(
        data,
        &[
            "report",
            "--period",
            &format!("{from}..{to}"),
            "--format",
            "md",
        ],
    );
    assert!(
        md.contains("| Personnes distinctes (estimation) | n.d. |"),
        "{md}"
    );

    let conn = db::open(data).unwrap();
    let (entries, _) = audit::page(&conn, 0, 10).unwrap();
    assert_eq!(entries[0].action, Some(Action::Purge));
    assert_eq!(entries[0].actor, "tournee admin purge");
    assert!(
        entries[0].detail.contains("contacts 5"),
        "{}",
        entries[0].detail
    );
    let left: i64 = conn
        .query_row(
            "SELECT count(*) FROM person_months WHERE month < ?1",
            [month(24).to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0, "no pseudonym of a purged month");
    let again = admin(data)
        .purge_plan(&policy(), tournee::server::now_ms())
        .await
        .unwrap();
    assert!(!again.destroys_records(), "{again:?}");
    let (counted, rows) = admin(data).rollup_check().await.unwrap();
    assert_eq!(counted, rows);
    // The quarters and fiscal years the purge cut into were rebuilt from
    // their months still kept.
    assert_eq!(admin(data).span_check().await.unwrap(), 0);
}

#[tokio::test]
async fn after_a_purge_a_person_seen_since_still_returns_and_one_seen_only_before_is_new() {
    let (server, mut phone) = history().await;
    let data = server.data.path().to_path_buf();
    // E: seen in a month the purge will take, and again this month.
    phone
        .store
        .save_all(&[seen(40, Some("Echo-75")), seen(0, Some("Echo-75"))])
        .unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    let this_month = month(0).to_string();
    let before = common::month_tally(&server, &this_month).await;
    assert_eq!((before.unique_people, before.new_people), (1, 0));
    admin(&data)
        .purge(&policy(), tournee::server::now_ms())
        .await
        .unwrap();
    assert_eq!(
        common::month_tally(&server, &this_month).await,
        before,
        "E still returns"
    );
    // B was seen only in a purged month: forgotten, so new if met again.
    phone.store.save_all(&[seen(0, Some("Bravo-72"))]).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    let now = common::month_tally(&server, &this_month).await;
    assert_eq!(
        (now.unique_people, now.returning_people, now.new_people),
        (2, 1, 1)
    );
}

#[tokio::test]
async fn a_late_batch_with_a_contact_in_a_purged_month_is_quarantined_with_the_reason() {
    let (server, mut phone) = history().await;
    let data = server.data.path().to_path_buf();
    let before = reports(&data, &[month(40)]);
    admin(&data)
        .purge(&policy(), tournee::server::now_ms())
        .await
        .unwrap();
    phone.store.save_all(&[seen(40, Some("Echo-75"))]).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    let held = admin(&data).quarantined().await.unwrap();
    assert_eq!(held.len(), 1);
    assert!(
        held[0]
            .reason
            .contains("retention policy has already purged"),
        "{}",
        held[0].reason
    );
    assert_eq!(
        reports(&data, &[month(40)]),
        before,
        "its report does not change"
    );
}

#[tokio::test]
async fn the_purge_destroys_old_quarantined_envelopes_audit_entries_alerts_sessions_and_codes() {
    let (server, mut phone) = history().await;
    let data = server.data.path().to_path_buf();
    // A quarantined batch: the server no longer knows the zone.
    let catalog = phone.learn_zone("ile-perdue");
    let contact = tournee::domain::ContactDraft {
        zone: "ile-perdue".into(),
        kind: "known".into(),
        people: "1".into(),
        age_band: "18-24".into(),
        code: Some("Foxtrot-76".into()),
        ..Default::default()
    }
    .parse(&catalog, Local::now().fixed_offset())
    .unwrap();
    phone.store.save(&contact).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    assert_eq!(admin(&data).quarantined().await.unwrap().len(), 1);
    admin(&data).create_enroll_code("expired", 0).await.unwrap();
    let conn = db::open(&data).unwrap();
    let now = tournee::server::now_ms();
    let day = 86_400_000;
    audit::record(&conn, "Marie", Action::SignIn, "", "", now - 4 * 365 * day).unwrap();
    audit::record(&conn, "Marie", Action::SignIn, "", "", now - day).unwrap();
    tournee::server::supervisors::create(
        &conn,
        &tournee::server::supervisors::SupervisorName::parse("Marie").unwrap(),
        &tournee::server::supervisors::Password::parse("correct horse battery").unwrap(),
        now,
    )
    .unwrap();
    sessions::start(&conn, "Marie", now - 2 * day).unwrap();
    sessions::start(&conn, "Marie", now).unwrap();
    drop(conn);

    let plan: Plan = admin(&data).purge_plan(&policy(), now).await.unwrap();
    assert_eq!(
        (
            plan.quarantined,
            plan.audit_entries,
            plan.sessions,
            plan.enroll_codes
        ),
        (0, 1, 1, 1),
        "the batch is recent, the phone's own code not yet expired: {plan:?}"
    );
    // Four years on, everything received today is past the policy.
    let later = now + 4 * 365 * day;
    let plan = admin(&data).purge(&policy(), later).await.unwrap();
    assert_eq!(plan.quarantined, 1, "{plan:?}");
    assert!(
        admin(&data).quarantined().await.unwrap().is_empty(),
        "left quarantine"
    );
    let device = admin(&data).list_devices().await.unwrap()[0].device_id;
    let mut seq = None;
    for s in 1..=3 {
        let stored = admin(&data).stored_batch(device, s).await.unwrap();
        if stored.is_some_and(|b| b.purged_at_ms.is_some()) {
            seq = Some(s);
        }
    }
    let seq = seq.expect("the held batch is marked destroyed");
    let stored = admin(&data)
        .stored_batch(device, seq)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.envelope, None);
    assert!(stored.receipt.is_some(), "what arrived can still be shown");
    assert_eq!(admin(&data).reapply().await.unwrap().applied, 0);
    let conn = db::open(&data).unwrap();
    for (table, left) in [
        ("sessions", 0),
        ("enroll_codes", 0),
        ("contacts", 0),
        // The purge's own entry, and the reapply's after it.
        ("audit", 2),
    ] {
        let count: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, left, "{table}");
    }
    let (entries, _) = audit::page(&conn, 0, 10).unwrap();
    let actions: Vec<_> = entries.iter().map(|e| e.action).collect();
    assert_eq!(actions, [Some(Action::Reapply), Some(Action::Purge)]);
}

#[tokio::test]
async fn a_shorter_policy_in_the_settings_purges_more_and_a_longer_one_brings_nothing_back() {
    let (server, _phone) = history().await;
    let data = server.data.path().to_path_buf();
    let short = Config::load(
        None,
        [("TOURNEE__RETENTION__CONTACT_MONTHS".into(), "3".into())],
    )
    .unwrap();
    let plan = admin(&data)
        .purge(&Policy::from_config(&short), tournee::server::now_ms())
        .await
        .unwrap();
    assert_eq!(plan.kept_from, Some(month(3)));
    assert_eq!(plan.contacts, 5);
    // Month 2 is kept under 3 months; lengthen to 24: still from month(3).
    let plan = admin(&data)
        .purge_plan(&policy(), tournee::server::now_ms())
        .await
        .unwrap();
    assert_eq!(plan.kept_from, Some(month(3)));
    assert_eq!(server.records().await, 2);
}

#[cfg(unix)]
#[tokio::test]
async fn serve_applies_the_policy_by_itself_at_start_and_audits_it() {
    use std::io::BufRead;
    let (mut server, _phone) = history().await;
    let data = std::mem::replace(&mut server.data, tempfile::tempdir().unwrap());
    drop(server);
    let mut child = Command::new(env!("CARGO_BIN_EXE_tournee"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data.path())
        .env_remove("TOURNEE_LANG")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    // Kept open: the server prints again when it stops.
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut first).unwrap();
    assert!(first.contains("http://"), "{first}");
    // Wait for the purge (a guard against hanging, not a timing assertion).
    let mut purged = None;
    for _ in 0..600 {
        let conn = db::open(data.path()).unwrap();
        let (entries, _) = audit::page(&conn, 0, 5).unwrap();
        if let Some(entry) = entries
            .into_iter()
            .find(|e| e.action == Some(Action::Purge))
        {
            purged = Some(entry);
            break;
        }
        drop(conn);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    drop(out);
    let entry = purged.expect("serve purged at start");
    assert_eq!(entry.actor, "tournee serve (daily purge)");
    assert!(entry.detail.contains("contacts 5"), "{}", entry.detail);
    assert!(status.success(), "{status:?}");
    let listed = admin(data.path()).list_devices().await.unwrap();
    assert_eq!(listed[0].records, 2);
}

#[tokio::test]
async fn a_contact_the_previous_release_stored_in_1900_is_named_and_purged() {
    let (server, _phone) = history().await;
    let data = server.data.path().to_path_buf();
    let conn = db::open(&data).unwrap();
    let device = admin(&data).list_devices().await.unwrap()[0].device_id;
    conn.execute(
        "INSERT INTO contacts (record_id, device_id, month, facts, occurred_at)
         VALUES (randomblob(16), ?1, '1900-01', '{}', -2208970800000)",
        [device.as_bytes().as_slice()],
    )
    .unwrap();
    drop(conn);
    let plan = admin(&data)
        .purge(&policy(), tournee::server::now_ms())
        .await
        .unwrap();
    assert_eq!(
        plan.months.first().map(ToString::to_string).as_deref(),
        Some("1900-01")
    );
    assert_eq!(plan.contacts, 6);
    assert_eq!(server.records().await, 2);
}

#[tokio::test]
async fn a_purge_inside_a_quarter_rebuilds_its_people_from_the_months_kept() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    let on = |day: &str, code: &str| {
        contact_at(
            &format!("{day}T14:00:00-04:00"),
            "gatineau",
            "known",
            1,
            Some(code),
            &[("seringues", 10)],
        )
    };
    // P in April and May, Q in May and June, R in August 2023.
    let contacts = [
        on("2023-04-10", "Papa-61"),
        on("2023-05-10", "Papa-61"),
        on("2023-05-11", "Quebec-62"),
        on("2023-06-10", "Quebec-62"),
        on("2023-08-10", "Romeo-63"),
    ];
    phone.store.save_all(&contacts).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    let data = server.data.path();
    assert_eq!(admin(data).span_check().await.unwrap(), 0);
    let fy = tournee::domain::report::Period::FiscalYear(2023);
    assert_eq!(admin(data).tally(fy).await.unwrap().unique_people, 3);

    // Purged up to May 2023: June is kept, inside the April quarter.
    let policy = policy();
    let kept = YearMonth::parse("2023-06").unwrap();
    let now = tournee::domain::report::period::first_day(kept.months_after(policy.contact_months))
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_local_timezone(Local)
        .unwrap()
        .timestamp_millis();
    admin(data).purge(&policy, now).await.unwrap();
    assert_eq!(admin(data).span_check().await.unwrap(), 0);
    let conn = db::open(data).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    // Only Q (June) is left of the quarter, Q and R of the fiscal year.
    assert_eq!(
        count("SELECT count(*) FROM person_quarters WHERE quarter = '2023-04'"),
        1
    );
    assert_eq!(
        count("SELECT count(*) FROM person_years WHERE fiscal_year = '2023-04'"),
        2
    );
    // The fiscal year spans purged months with people: n.d., not 2.
    assert!(admin(data).tally(fy).await.unwrap().people_unknown);
    // July to September: R alone, new.
    let q = tournee::domain::report::Period::Quarter {
        year: 2023,
        quarter: 3,
    };
    let t = admin(data).tally(q).await.unwrap();
    assert_eq!((t.unique_people, t.new_people), (1, 1));
}
