//! The regional account on a real host: three organizations whose phones
//! sync for real, a regional account over two of them (made with
//! `tournee admin create-region`), signing in at `region.<domain>`. Its
//! report, CSV and print are `publish_region` of those two organizations'
//! tallies, the third's data never shows, and no record id, phone label
//! or pseudonym reaches any regional page or download; sessions of the
//! regional site and of an organization's dashboard are no session on the
//! other; sign-in refuses a wrong password, every post needs its token.
//! Every read of the region's figures is in each member's audit log.

mod common;

use common::pg::test_db;
use common::proxy::proxy;
use common::web::{Answer, Web};
use common::{TestDevice, contact_at, options};
use std::io::Write;
use tournee::domain::Contact;
use tournee::domain::report::regional::publish_region;
use tournee::domain::report::{Cell, Period, Threshold, YearMonth, csv};
use tournee::server::console::audit::Action;
use tournee::server::store::postgres::PgHost;
use tournee::server::store::postgres::storage::PgStorage;
use tournee::server::store::slug::Slug;

const PASSWORD: &str = "une phrase de passe régionale";

/// `tournee admin` with these arguments and this standard input.
fn admin_cli(args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tournee"))
        .arg("admin")
        .args(args)
        .env_remove("TOURNEE_LANG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn admin_ok(args: &[&str], stdin: &str) -> String {
    let out = admin_cli(args, stdin);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn contact(day: u32, code: &str, seringues: u32) -> Contact {
    contact_at(
        &format!("2026-10-{day:02}T21:00:00-04:00"),
        "gatineau",
        "known",
        1,
        Some(code),
        &[("seringues", seringues)],
    )
}

/// Every header of the dashboard's policy is on the answer.
fn secured(answer: &Answer, what: &str) {
    for (name, value) in tournee::dashboard::headers::HEADERS {
        assert_eq!(
            answer.headers.get(name).and_then(|v| v.to_str().ok()),
            Some(*value),
            "{what}: {name}"
        );
    }
    assert!(answer.cache_control.is_some(), "{what}: cache-control");
}

#[tokio::test]
async fn a_regional_account_sees_only_its_organizations_sums_suppressed() {
    let Some(db) = test_db().await else { return };
    let orgs = [
        ("alpha", "Alpha Rue", 6u32, "nuit-alpha"),
        ("beta", "Beta Quartier", 7, "nuit-beta"),
        ("gamma", "Gamma Hors Région", 20, "nuit-gamma"),
    ];
    for (slug, name, _, _) in orgs {
        admin_ok(
            &["--database", &db.url, "create-org", slug, "--name", name],
            "",
        );
    }
    let storage = std::sync::Arc::new(PgStorage::open(&db.url).await.unwrap());
    let upstream = common::pg::serve_host(storage, Some("host.test")).await;
    let pg = PgHost::connect(&db.url).await.unwrap();
    let october = Period::Month(YearMonth::parse("2026-10").unwrap());

    // A phone each, syncing its contacts (two people per organization).
    let mut record_ids = Vec::new();
    let mut urls = Vec::new();
    for (slug, _, count, label) in orgs {
        let url = proxy(&upstream, &format!("{slug}.host.test")).await;
        let admin = tournee::server::admin::Admin::hosted(&db.url, slug)
            .await
            .unwrap();
        let code = admin.create_enroll_code(label, 24).await.unwrap();
        let mut phone = TestDevice::new();
        let client = tournee::device::Client::new(&options(None)).unwrap();
        tournee::device::enroll(&mut phone.store, &client, &url, &code, label)
            .await
            .unwrap();
        let people = ["Tremblay-87", "Gagnon-12"];
        let contacts: Vec<Contact> = (1..=count)
            .map(|d| contact(d, people[d as usize % 2], 10))
            .collect();
        record_ids.extend(contacts.iter().map(|c| c.record_id.to_string()));
        phone.store.save_all(&contacts).unwrap();
        tournee::device::sync(&mut phone.store, &options(None))
            .await
            .unwrap();
        let org = pg.org(&Slug::parse(slug).unwrap()).await.unwrap();
        for _ in 0..100 {
            if pg.tally(org.id, october).await.unwrap().contacts == u64::from(count) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(
            pg.tally(org.id, october).await.unwrap().contacts,
            u64::from(count)
        );
        urls.push(url);
    }

    // The regional account, over alpha and beta.
    let bad = admin_cli(
        &[
            "--database",
            &db.url,
            "create-region",
            "Santé publique",
            "--orgs",
            "alpha,nulle-part",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(bad.status.code(), Some(2), "an unknown organization");
    let made = admin_ok(
        &[
            "--database",
            &db.url,
            "create-region",
            "Santé publique",
            "--orgs",
            "alpha,beta",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(made.contains("Santé publique"), "{made}");
    let listed = admin_ok(&["--database", &db.url, "list-regions", "--json"], "");
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed[0]["orgs"], serde_json::json!(["alpha", "beta"]));

    let region_url = proxy(&upstream, "region.host.test").await;
    let mut region = Web::new(&region_url);
    // Without a session: pages go to sign-in, downloads get 401.
    let anonymous = region.get("/report?period=2026-10").await;
    assert_eq!(anonymous.status, 303);
    assert!(anonymous.location.unwrap().starts_with("/signin?next="));
    assert_eq!(region.get("/report.csv?period=2026-10").await.status, 401);
    // The sign-in form's token is required, and the password checked.
    let forged = region
        .post(
            "/signin",
            &[("name", "Santé publique"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(
        region
            .sign_in("Santé publique", "pas le bon mot de passe")
            .await
            .status,
        401
    );
    let signed = region.sign_in("santé PUBLIQUE", PASSWORD).await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    secured(&signed, "sign-in");

    // The region's CSV is `publish_region` of alpha's and beta's tallies.
    let mut tallies = Vec::new();
    for slug in ["alpha", "beta"] {
        let org = pg.org(&Slug::parse(slug).unwrap()).await.unwrap();
        tallies.push(pg.tally(org.id, october).await.unwrap());
    }
    let expected = publish_region(&tallies, Threshold::Five).unwrap();
    assert_eq!(expected.contacts, Cell::Count(13));
    assert_eq!(expected.materials["seringues"], Cell::Count(130));
    let plain = region.get("/report.csv?period=2026-10").await;
    assert_eq!(plain.status, 200, "{}", plain.body);
    secured(&plain, "csv");
    assert_eq!(plain.body, csv::render(&expected).unwrap());
    assert!(
        plain.body.contains("2026-10,totals,,contacts,13,"),
        "{}",
        plain.body
    );

    let page = region.get("/report?period=2026-10").await;
    assert_eq!(page.status, 200, "{}", page.body);
    secured(&page, "page");
    assert!(
        page.body.contains("data-figure=\"contacts\">13<"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Alpha Rue") && page.body.contains("Beta Quartier"));
    assert!(
        page.body.contains("compte deux fois"),
        "people summed per organization"
    );
    assert!(page.body.contains("0 compris"), "the region's own legend");
    let print = region.get("/report/print?period=2026-10").await;
    assert_eq!(print.status, 200);
    secured(&print, "print");
    let sheet = region
        .get("/report.csv?period=2026-10&style=spreadsheet")
        .await;
    assert_eq!(sheet.status, 200);

    // Nothing of gamma, no record, phone or pseudonym, anywhere.
    let pseudonyms: Vec<String> = {
        let (client, connection) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        client
            .query(
                "SELECT DISTINCT encode(pseudonym, 'hex') FROM person_months",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    assert!(!pseudonyms.is_empty());
    for (what, body) in [
        ("page", &page.body),
        ("print", &print.body),
        ("csv", &plain.body),
        ("spreadsheet", &sheet.body),
    ] {
        assert!(!body.contains("Gamma"), "{what}");
        assert!(!body.contains(",33,") && !body.contains(">33<"), "{what}");
        for id in &record_ids {
            assert!(!body.contains(id.as_str()), "{what}: a record id");
        }
        for (_, _, _, label) in orgs {
            assert!(!body.contains(label), "{what}: a phone label");
        }
        for p in &pseudonyms {
            assert!(
                !body.to_lowercase().contains(&p[..16]),
                "{what}: a pseudonym"
            );
        }
        assert!(!body.contains("Tremblay-87"), "{what}: a person code");
    }

    // An organization's session is none here, and the region's is none there.
    let name = tournee::server::supervisors::SupervisorName::parse("Marie").unwrap();
    let password = tournee::server::supervisors::Password::parse(PASSWORD).unwrap();
    tournee::server::admin::Admin::hosted(&db.url, "alpha")
        .await
        .unwrap()
        .create_supervisor(&name, &password)
        .await
        .unwrap();
    let mut marie = Web::new(&urls[0]);
    assert_eq!(marie.sign_in("Marie", PASSWORD).await.status, 303);

    // Each read is in each member's own audit log, and in no other's.
    for (slug, reads) in [("alpha", 4), ("beta", 4), ("gamma", 0)] {
        let org = pg.org(&Slug::parse(slug).unwrap()).await.unwrap();
        let (entries, _) = pg.audit_page(org.id, 0, 50).await.unwrap();
        let read: Vec<_> = entries
            .iter()
            .filter(|e| e.action == Some(Action::RegionalRead))
            .map(|e| (e.actor.as_str(), e.target.as_str(), e.detail.as_str()))
            .collect();
        let expected = [
            ("Santé publique", "2026-10", "spreadsheet csv"),
            ("Santé publique", "2026-10", "print"),
            ("Santé publique", "2026-10", "page"),
            ("Santé publique", "2026-10", "csv"),
        ];
        assert_eq!(read, expected[..reads], "{slug}");
    }
    let audit = marie.get("/audit").await;
    assert_eq!(audit.status, 200);
    assert!(
        audit.body.contains("Lecture par la région") && audit.body.contains("Santé publique"),
        "{}",
        audit.body
    );
    let mut stolen = Web::new(&region_url);
    stolen.cookies = marie.cookies.clone();
    assert_eq!(stolen.get("/report?period=2026-10").await.status, 303);
    assert_eq!(stolen.get("/report.csv?period=2026-10").await.status, 401);
    let mut astray = Web::new(&urls[0]);
    astray.cookies = region.cookies.clone();
    assert_eq!(astray.get("/activity").await.status, 303);
    assert_eq!(astray.get("/report.csv?period=2026-10").await.status, 401);
    // The regional account cannot sign in at an organization either.
    assert_eq!(
        Web::new(&urls[0])
            .sign_in("Santé publique", PASSWORD)
            .await
            .status,
        401
    );

    // Sign-out needs the session's token; then the session is over.
    let refused = region.post("/signout", &[("csrf", "faux")]).await;
    assert_eq!(refused.status, 403);
    let csrf = region.csrf("/report?period=2026-10").await;
    let out = region.post("/signout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(region.get("/report?period=2026-10").await.status, 303);

    // A disabled account signs in no more.
    admin_ok(
        &["--database", &db.url, "disable-region", "Santé publique"],
        "",
    );
    let mut late = Web::new(&region_url);
    assert_eq!(late.sign_in("Santé publique", PASSWORD).await.status, 401);
    db.drop().await;
}
