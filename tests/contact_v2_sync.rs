//! Contact version 2 end to end: a headless phone (`tournee device`, the
//! real binary) logs contacts with a mode, a location type, materials for
//! others and the naloxone kits' detail, one of them voided, syncs to the
//! real server on 127.0.0.1:0, and the month's report counts them exactly
//! in its JSON, CSV, Markdown and page; the contact's page shows them; the
//! phone refuses a detail with no kit, naming the field.

mod common;

use chrono::{DateTime, Duration, Local};
use common::cli::{device, device_ok as ok};
use common::web::{Web, supervisor};
use common::{TestServer, month_tally};

fn at(moment: DateTime<Local>) -> String {
    moment.format("%Y-%m-%d %H:%M").to_string()
}

const BASE: [&str; 8] = [
    "log",
    "--zone",
    "gatineau",
    "--kind",
    "known",
    "--people",
    "1",
    "--age-band",
];

fn log(phone: &std::path::Path, when: DateTime<Local>, more: &[&str]) -> String {
    let when = at(when);
    let mut args: Vec<&str> = BASE.to_vec();
    args.extend(["25-34", "--at", &when]);
    args.extend(more);
    ok(phone, &args).trim().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modes_places_materials_for_others_and_naloxone_kits_are_synced_and_counted_exactly() {
    let server = TestServer::spawn().await;
    let home = tempfile::tempdir().unwrap();
    let phone = home.path().to_path_buf();
    let (code, url) = (server.code().await, server.url.clone());
    let base = Local::now() - Duration::hours(3);
    let month = base.format("%Y-%m").to_string();
    let (described, refused) = tokio::task::spawn_blocking(move || {
        ok(&phone, &["init"]);
        ok(&phone, &["enroll", "--server", &url, "--code", &code]);
        let described = log(
            &phone,
            base,
            &[
                "--mode",
                "en-personne",
                "--location",
                "campement",
                "--material",
                "trousses-naloxone=2",
                "--for-others",
                "trousses-naloxone=1",
                "--for-others",
                "seringues=30",
                "--kit-form",
                "nasal",
                "--kit",
                "used",
                "--trained",
                "2",
            ],
        );
        log(
            &phone,
            base + Duration::minutes(10),
            &[
                "--mode",
                "en-personne",
                "--location",
                "campement",
                "--material",
                "trousses-naloxone=1",
                "--kit-form",
                "injectable",
                "--kit",
                "first",
            ],
        );
        // Kits without their detail: counted as kits, not described.
        log(
            &phone,
            base + Duration::minutes(20),
            &[
                "--mode",
                "telephone-texto",
                "--material",
                "trousses-naloxone=4",
            ],
        );
        // Before version 2: neither mode nor place.
        log(&phone, base + Duration::minutes(30), &[]);
        let voided = log(
            &phone,
            base + Duration::minutes(40),
            &["--mode", "medias-sociaux", "--for-others", "seringues=100"],
        );
        ok(&phone, &["void", &voided]);
        let refused = device(
            &phone,
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
                "--kit-form",
                "nasal",
                "--kit",
                "perdue",
                "--mode",
                "pigeon",
            ],
        );
        ok(&phone, &["sync"]);
        (described, refused)
    })
    .await
    .unwrap();

    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    for part in [
        "mode de contact (mode) : « pigeon »",
        "en-personne, telephone-texto, medias-sociaux",
        "première trousse ou remplacement (kit) : « perdue »",
        "first, used, lost, stolen, confiscated, expired, other",
        "ne remet aucune trousse de naloxone (trousses-naloxone)",
    ] {
        assert!(said.contains(part), "{part} not in: {said}");
    }

    let quarantined = server.server.admin().quarantined().await.unwrap();
    assert!(quarantined.is_empty(), "{quarantined:?}");
    let tally = month_tally(&server, &month).await;
    assert_eq!(tally.contacts, 4, "the voided one is out");
    assert_eq!(tally.materials["trousses-naloxone"], 7, "for the person");
    let d = &tally.details;
    assert_eq!(d.by_mode["en-personne"], 2);
    assert_eq!(d.by_mode["telephone-texto"], 1);
    assert_eq!(d.by_mode["medias-sociaux"], 0, "voided");
    assert_eq!(d.by_location_type["campement"], 2);
    assert_eq!(d.by_location_type["rue-parc"], 0);
    assert_eq!(
        d.materials_for_others["seringues"], 30,
        "the 100 were voided"
    );
    assert_eq!(d.materials_for_others["trousses-naloxone"], 1);
    assert_eq!(
        d.kits_detailed, 4,
        "3 + 1 described; the 4 by text were not"
    );
    assert_eq!(d.kits_by_form["nasal"], 3);
    assert_eq!(d.kits_by_form["injectable"], 1);
    assert_eq!(d.kits_by_supply["used"], 3);
    assert_eq!(d.kits_by_supply["first"], 1);
    assert_eq!(d.kits_by_supply["stolen"], 0);
    assert_eq!(d.people_trained, 2);

    let json: serde_json::Value =
        serde_json::from_slice(&server.report(&["--month", &month])).unwrap();
    assert_eq!(json["details"]["kits_detailed"], 4);
    assert_eq!(json["details"]["by_mode"]["en-personne"], 2);
    assert_eq!(json["details"]["kits_by_supply"]["used"], 3);
    // Four contacts in the month: every contact group is hidden outside.
    let external: serde_json::Value =
        serde_json::from_slice(&server.report(&["--month", &month, "--suppress"])).unwrap();
    assert_eq!(external["details"]["by_mode"]["en-personne"], "x");
    assert_eq!(external["details"]["people_trained"], "<5");
    assert_eq!(external["details"]["materials_for_others"]["seringues"], 30);
    let md = String::from_utf8(server.report(&["--month", &month, "--format", "md"])).unwrap();
    assert!(md.contains("## Modes, lieux et naloxone"), "{md}");
    assert!(md.contains("| Remplacement : utilisée | 3 |"), "{md}");
    assert!(md.contains("| Campement | 2 |"), "{md}");

    supervisor(
        &server.server,
        "Marie Tremblay",
        "une phrase de passe solide",
    )
    .await;
    let mut web = Web::new(&server.url);
    web.sign_in("Marie Tremblay", "une phrase de passe solide")
        .await;
    let page = web.get(&format!("/report?month={month}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    for (path, value) in [
        ("details.kits_detailed", "4"),
        ("details.by_mode.telephone-texto", "1"),
        ("details.kits_by_form.nasal", "3"),
        ("details.materials_for_others.seringues", "30"),
    ] {
        let cell = format!("data-figure=\"{path}\">{value}<");
        assert!(page.body.contains(&cell), "{cell} not on the page");
    }
    let csv = web.get(&format!("/report.csv?month={month}")).await;
    assert!(
        csv.body.contains(",details_kits_by_supply,used,kits,3,"),
        "{}",
        csv.body
    );

    let detail = web.get(&format!("/activity/{described}")).await;
    assert_eq!(detail.status, 200, "{}", detail.body);
    let text = detail.body.replace("&#39;", "'").replace("&#x27;", "'");
    for part in [
        "<dt>Mode de contact</dt><dd>En personne</dd>",
        "<dt>Type de lieu</dt><dd>Campement</dd>",
        "Seringues × 30",
        "3 trousses — Nasale, Remplacement : utilisée, 2 personnes formées",
    ] {
        assert!(text.contains(part), "{part} not in the contact's page");
    }
}
