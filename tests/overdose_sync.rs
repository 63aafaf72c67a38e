//! Overdose responses end to end: a headless phone (`tournee device`, the
//! real binary) logs them with the same checks as the app, voids one,
//! syncs to the real server on 127.0.0.1:0 beside a contact (which still
//! travels as batch schema 1), and the month's report counts exactly what
//! was logged, in JSON, in Markdown and suppressed.

mod common;

use common::cli::{device, device_ok as ok};
use common::web::{Web, supervisor};
use common::{TestServer, month_tally};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overdose_responses_are_logged_voided_synced_and_counted_exactly() {
    let server = TestServer::spawn().await;
    let home = tempfile::tempdir().unwrap();
    let home = home.path().to_path_buf();
    let code = server.code().await;
    let url = server.url.clone();
    let phone = home.clone();
    tokio::task::spawn_blocking(move || {
        ok(&phone, &["init"]);
        ok(&phone, &["enroll", "--server", &url, "--code", &code]);
        // A contact alone: the batch is schema 1, as from an older phone.
        ok(
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
            ],
        );
        ok(&phone, &["sync"]);
    })
    .await
    .unwrap();
    assert_eq!(server.records().await, 1);

    let phone = home.clone();
    let (ids, refused, listed) = tokio::task::spawn_blocking(move || {
        let log = |args: &[&str]| {
            let mut all = vec!["overdose"];
            all.extend_from_slice(args);
            ok(&phone, &all).trim().to_string()
        };
        let ids = [
            log(&[
                "--zone",
                "gatineau",
                "--location-type",
                "rue-parc",
                "--responder",
                "worker",
                "--responder",
                "bystander",
                "--nasal",
                "2",
                "--call-911",
                "fear-of-police",
                "--stayed",
                "--outcome",
                "recovered-on-site",
                "--substance",
                "opioides",
                "--substance",
                "xylazine",
                "--debrief",
            ]),
            log(&[
                "--zone",
                "pontiac",
                "--responder",
                "peer",
                "--nasal",
                "1",
                "--injected",
                "1",
                "--call-911",
                "called",
                "--ambulance",
                "--stayed",
                "--outcome",
                "transported",
                "--substance",
                "opioides",
            ]),
            // Logged by mistake, voided below.
            log(&[
                "--zone",
                "papineau",
                "--responder",
                "worker",
                "--nasal",
                "4",
                "--call-911",
                "called",
                "--outcome",
                "death",
            ]),
        ];
        let refused = device(
            &phone,
            &[
                "overdose",
                "--zone",
                "gatineau",
                "--nasal",
                "30",
                "--call-911",
                "maybe",
                "--outcome",
                "recovered-on-site",
            ],
        );
        ok(&phone, &["void", &ids[2]]);
        let listed = ok(&phone, &["list"]);
        let json: serde_json::Value =
            serde_json::from_str(&ok(&phone, &["list", "--json"])).unwrap();
        let voided: Vec<bool> = json
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "overdose")
            .map(|r| r["voided"].as_bool().unwrap())
            .collect();
        assert_eq!(voided, [false, false, true], "{json}");
        ok(&phone, &["sync"]);
        (ids, refused, listed)
    })
    .await
    .unwrap();

    // The refused one names each field and what is allowed; nothing saved.
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    for part in [
        "qui est intervenu (responder)",
        "doses de naloxone par voie nasale (nasal_doses)",
        "0 à 20",
        "appel au 911 (call_911)",
        "called, fear-of-police, recovered, refused, other",
    ] {
        assert!(said.contains(part), "{part} not in: {said}");
    }
    assert_eq!(listed.matches("Surdose").count(), 3, "{listed}");
    assert!(listed.contains("naloxone : 2 doses"), "{listed}");
    assert!(listed.contains("[retiré]"), "{listed}");

    // Three responses, a void: four records more on the server.
    assert_eq!(server.records().await, 5);
    let month = chrono::Local::now().format("%Y-%m").to_string();
    let od = month_tally(&server, &month).await.overdoses;
    assert_eq!(od.responses, 2, "the voided one is out");
    assert_eq!((od.nasal_doses, od.injected_doses), (3, 1));
    assert_eq!(od.by_outcome["recovered-on-site"], 1);
    assert_eq!(od.by_outcome["transported"], 1);
    assert_eq!(od.by_outcome["death"], 0, "voided");
    assert_eq!(od.by_call_911["called"], 1);
    assert_eq!(od.by_call_911["fear-of-police"], 1);
    assert_eq!(od.by_call_911["refused"], 0);
    assert_eq!(od.by_zone["gatineau"], 1);
    assert_eq!(od.by_zone["papineau"], 0);
    assert_eq!(od.by_location_type["rue-parc"], 1);
    assert_eq!(od.by_location_type.values().sum::<u64>(), 1, "one not said");
    assert_eq!(od.by_responder["worker"], 1);
    assert_eq!(od.by_responder["peer"], 1);
    assert_eq!(od.by_responder["bystander"], 1);
    assert_eq!(od.by_substance["opioides"], 2);
    assert_eq!(od.by_substance["xylazine"], 1);
    assert_eq!(
        (od.someone_stayed, od.ambulance, od.debrief_wanted),
        (2, 1, 1)
    );
    assert!(ids.iter().all(|id| id.len() == 36));

    let json: serde_json::Value =
        serde_json::from_slice(&server.report(&["--month", &month])).unwrap();
    assert_eq!(json["overdoses"]["responses"], 2);
    assert_eq!(json["contacts"], 1, "the contact of the schema 1 batch");
    let md = String::from_utf8(server.report(&["--month", &month, "--format", "md"])).unwrap();
    assert!(md.contains("## Surdoses"), "{md}");
    assert!(
        md.contains("| Pas appelé : peur de la police | 1 |"),
        "{md}"
    );
    let hidden: serde_json::Value =
        serde_json::from_slice(&server.report(&["--month", &month, "--suppress"])).unwrap();
    assert_eq!(hidden["overdoses"]["responses"], "<5");
    assert_eq!(hidden["overdoses"]["by_outcome"]["death"], "x");

    // The dashboard's report shows them, each figure where the JSON has it.
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
        ("overdoses.responses", "2"),
        ("overdoses.nasal_doses", "3"),
        ("overdoses.by_call_911.fear-of-police", "1"),
        ("overdoses.by_outcome.death", "0"),
        ("overdoses.by_substance.opioides", "2"),
    ] {
        let cell = format!("data-figure=\"{path}\">{value}<");
        assert!(page.body.contains(&cell), "{cell} not on the page");
    }
    assert!(page.body.contains("Interventions en cas de surdose"));
    // Each response as the declaration public health asks for.
    let list = web.get(&format!("/overdoses?month={month}")).await;
    assert_eq!(list.status, 200, "{}", list.body);
    for id in &ids {
        assert!(list.body.contains(&format!("/overdoses/{id}")), "{id}");
    }
    assert_eq!(
        list.body.matches(">retiré<").count(),
        1,
        "the voided one marked"
    );
    let declaration = web.get(&format!("/overdoses/{}", ids[0])).await;
    assert_eq!(declaration.status, 200);
    let text = declaration
        .body
        .replace("&#39;", "'")
        .replace("&#x27;", "'");
    for part in [
        "Déclaration d'utilisation de naloxone",
        "OP00261",
        "Rue ou parc",
        "Intervenante ou intervenant, Témoin",
        "Pas appelé : peur de la police",
        "Rétablie sur place",
        "Opioïdes (fentanyl, héroïne…), Xylazine",
    ] {
        assert!(text.contains(part), "{part} not in the declaration");
    }
    let elsewhere = web
        .get("/overdoses/01937a6e-0000-7000-8000-000000000000")
        .await;
    assert_eq!(elsewhere.status, 404);
    let csv = web.get(&format!("/report.csv?month={month}")).await;
    assert!(
        csv.body
            .contains(",overdoses_by_outcome,transported,responses,1,"),
        "{}",
        csv.body
    );
}
