//! A regional host serving two organizations over the real HTTP stack:
//! each at its own host name (reached through a proxy that names it, as
//! the TLS proxy in front of a host does), phones enrolling and syncing
//! for real, supervisors signing in. Each organization sees its own
//! figures and nothing of the other's: every dashboard page and download
//! is tried with the other organization's session and record ids, and a
//! phone, a code or a batch of one is refused at the other's address. The
//! organizations are made with `tournee admin --database … create-org`.

mod common;

use common::pg::test_db;
use common::proxy::proxy;
use common::web::Web;
use common::{TestDevice, contact_at, options};
use tournee::domain::Contact;
use tournee::domain::report::YearMonth;
use tournee::server::admin::Admin;
use tournee::server::store::postgres::storage::PgStorage;

const PASSWORD: &str = "une phrase de passe solide";

/// `tournee admin` with these arguments; its standard output.
fn admin_cli(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tournee"))
        .arg("admin")
        .args(args)
        .env_remove("TOURNEE_LANG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

struct Org {
    slug: &'static str,
    /// Its address, through the proxy that names it.
    url: String,
    admin: Admin,
}

fn at(day: u32, zone: &str) -> Contact {
    contact_at(
        &format!("2026-10-{day:02}T21:00:00-04:00"),
        zone,
        "known",
        1,
        Some("Tremblay-87"),
        &[("seringues", 10)],
    )
}

async fn signed_in(url: &str, name: &str, password: &str) -> Web {
    let mut web = Web::new(url);
    let answer = web.sign_in(name, password).await;
    assert_eq!(answer.status, 303, "{url}: {}", answer.body);
    web
}

#[tokio::test]
async fn two_organizations_on_one_host_each_see_only_their_own() {
    let Some(db) = test_db().await else { return };
    // The host's organizations, made as an administrator would.
    let made = admin_cli(&[
        "--database",
        &db.url,
        "create-org",
        "cactus",
        "--name",
        "Cactus Montréal",
    ]);
    assert!(made.contains("Cactus Montréal"), "{made}");
    admin_cli(&[
        "--database",
        &db.url,
        "create-org",
        "rue-action",
        "--name",
        "Rue Action",
    ]);
    admin_cli(&[
        "--database",
        &db.url,
        "--org",
        "cactus",
        "add-name",
        "tournee.cactus.test",
    ]);
    let listed = admin_cli(&["--database", &db.url, "list-orgs"]);
    assert!(listed.contains("tournee.cactus.test"), "{listed}");

    // The host, serving both: cactus by its own name, rue-action under the
    // host's domain.
    let storage = std::sync::Arc::new(PgStorage::open(&db.url).await.unwrap());
    let upstream = common::pg::serve_host(storage, Some("region.test")).await;
    let mut orgs = Vec::new();
    for (slug, name) in [
        ("cactus", "tournee.cactus.test"),
        ("rue-action", "rue-action.region.test"),
    ] {
        orgs.push(Org {
            slug,
            url: proxy(&upstream, name).await,
            admin: Admin::hosted(&db.url, slug).await.unwrap(),
        });
    }
    let nobody = proxy(&upstream, "autre.region.test").await;
    let answer = reqwest::get(format!("{nobody}/signin")).await.unwrap();
    assert_eq!(answer.status(), 404);
    let text = answer.text().await.unwrap();
    assert!(!text.contains("Cactus") && !text.contains("Rue"), "{text}");

    // A phone each, enrolled with a code from its own organization, syncing
    // a different number of contacts.
    let mut phones = Vec::new();
    for (org, count) in orgs.iter().zip([3u32, 5]) {
        let code = org.admin.create_enroll_code("nuit", 24).await.unwrap();
        let mut phone = TestDevice::new();
        let client = tournee::device::Client::new(&options(None)).unwrap();
        tournee::device::enroll(&mut phone.store, &client, &org.url, &code, "nuit")
            .await
            .unwrap();
        let contacts: Vec<Contact> = (1..=count).map(|d| at(d, "gatineau")).collect();
        phone.store.save_all(&contacts).unwrap();
        tournee::device::sync(&mut phone.store, &options(None))
            .await
            .unwrap();
        phones.push((phone, contacts));
    }
    let october = YearMonth::parse("2026-10").unwrap();
    for (org, count) in orgs.iter().zip([3u64, 5]) {
        let tally = org.admin.month_tally(october).await.unwrap();
        assert_eq!(tally.contacts, count, "{}", org.slug);
    }

    // A code of one organization is refused at the other's address, and
    // stays good at its own.
    let code = orgs[0]
        .admin
        .create_enroll_code("nuit 2", 24)
        .await
        .unwrap();
    let mut stray = TestDevice::new();
    let client = tournee::device::Client::new(&options(None)).unwrap();
    let refused =
        tournee::device::enroll(&mut stray.store, &client, &orgs[1].url, &code, "x").await;
    assert!(refused.is_err(), "{refused:?}");
    tournee::device::enroll(&mut stray.store, &client, &orgs[0].url, &code, "x")
        .await
        .unwrap();

    // A phone pointed at the other organization's address is refused there,
    // and nothing of its batches is stored on that side.
    let (cactus_phone, _) = &mut phones[0];
    cactus_phone.store.save(&at(20, "gatineau")).unwrap();
    let astray = tournee::device::sync(&mut cactus_phone.store, &options(Some(&orgs[1].url))).await;
    assert!(astray.is_err(), "{astray:?}");
    assert_eq!(
        orgs[1].admin.month_tally(october).await.unwrap().contacts,
        5
    );

    // Each organization has its own Marie; each signs in at her own address
    // only.
    for org in &orgs {
        let name = tournee::server::supervisors::SupervisorName::parse("Marie Tremblay").unwrap();
        let password =
            tournee::server::supervisors::Password::parse(&format!("{PASSWORD} {}", org.slug))
                .unwrap();
        org.admin.create_supervisor(&name, &password).await.unwrap();
    }
    let mut cactus = signed_in(
        &orgs[0].url,
        "Marie Tremblay",
        &format!("{PASSWORD} cactus"),
    )
    .await;
    let mut wrong = Web::new(&orgs[1].url);
    let answer = wrong
        .sign_in("Marie Tremblay", &format!("{PASSWORD} cactus"))
        .await;
    assert_eq!(answer.status, 401, "another organization's password");
    let mut rue = signed_in(
        &orgs[1].url,
        "Marie Tremblay",
        &format!("{PASSWORD} rue-action"),
    )
    .await;

    // Cactus's session at Rue Action's address is no session at all, on
    // every page and download.
    let cactus_id = phones[0].1[0].record_id.to_string();
    let mut stolen = Web::new(&orgs[1].url);
    stolen.cookies = cactus.cookies.clone();
    for path in tournee::dashboard::paths() {
        if tournee::dashboard::PUBLIC.contains(&path) {
            continue;
        }
        let path = path
            .replace("{record_id}", &cactus_id)
            .replace("{device_id}", &uuid::Uuid::nil().to_string());
        let answer = stolen.get(&path).await;
        assert!(
            answer.status == 303 || answer.status == 401 || answer.status == 405,
            "{path}: {} {}",
            answer.status,
            answer.body
        );
        assert!(!answer.body.contains("Cactus"), "{path}");
    }
    let csv = stolen.get("/report.csv?period=2026-10").await;
    assert_ne!(csv.status, 200);

    // Signed in at Rue Action, Cactus's records are not found, and the
    // report counts Rue Action's contacts only.
    let page = rue.get(&format!("/activity/{cactus_id}")).await;
    assert_eq!(page.status, 404);
    let list = rue.get("/activity").await;
    assert_eq!(list.status, 200);
    assert!(!list.body.contains(&cactus_id));
    let rue_csv = rue.get("/report.csv?period=2026-10").await;
    assert_eq!(rue_csv.status, 200, "{}", rue_csv.body);
    assert!(
        rue_csv.body.contains("2026-10,totals,,contacts,5,"),
        "{}",
        rue_csv.body
    );
    let cactus_csv = cactus.get("/report.csv?period=2026-10").await;
    assert!(
        cactus_csv.body.contains("2026-10,totals,,contacts,3,"),
        "{}",
        cactus_csv.body
    );
    let own = cactus.get(&format!("/activity/{cactus_id}")).await;
    assert_eq!(own.status, 200);

    // Each audit log holds its own organization's sign-ins and exports.
    let audit = rue.get("/audit").await.body;
    assert!(audit.contains("Marie Tremblay"));
    assert_eq!(
        orgs[0].admin.list_supervisors().await.unwrap().len(),
        1,
        "one account each"
    );
    db.drop().await;
}
