//! Shifts and safety incidents end to end: a headless phone (`tournee
//! device`, the real binary) starts an outing, logs contacts in it and
//! after it, ends it, logs incidents (one voided), syncs to the real
//! server on 127.0.0.1:0, and the month's report counts the outing, its
//! hours, the contacts made during it and the incidents exactly; the
//! external version leaves the incidents out.

mod common;

use chrono::{DateTime, Duration, Local};
use common::cli::{device, device_ok as ok};
use common::web::{Web, supervisor};
use common::{TestServer, month_tally};

fn at(moment: DateTime<Local>) -> String {
    moment.format("%Y-%m-%d %H:%M").to_string()
}

fn contact(phone: &std::path::Path, when: DateTime<Local>, zone: &str) -> String {
    ok(
        phone,
        &[
            "log",
            "--zone",
            zone,
            "--kind",
            "known",
            "--people",
            "1",
            "--age-band",
            "25-34",
            "--at",
            &at(when),
        ],
    )
    .trim()
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outing_its_contacts_and_its_incidents_are_synced_and_counted_exactly() {
    let server = TestServer::spawn().await;
    let home = tempfile::tempdir().unwrap();
    let phone = home.path().to_path_buf();
    let (code, url) = (server.code().await, server.url.clone());
    // Whole minutes, three hours back, so every moment is in the past.
    let base = Local::now() - Duration::hours(3);
    let base = base - Duration::seconds(i64::from(chrono::Timelike::second(&base)));
    let month = base.format("%Y-%m").to_string();
    let (shift_id, listed, refused, no_shift) = tokio::task::spawn_blocking(move || {
        ok(&phone, &["init"]);
        ok(&phone, &["enroll", "--server", &url, "--code", &code]);
        let said = ok(
            &phone,
            &[
                "shift",
                "start",
                "--team",
                "3",
                "--zone",
                "papineau",
                "--at",
                &at(base),
            ],
        );
        assert!(said.contains("Tournée commencée"), "{said}");
        contact(&phone, base + Duration::minutes(30), "gatineau");
        let voided = contact(&phone, base + Duration::minutes(60), "gatineau");
        ok(&phone, &["void", &voided]);
        contact(&phone, base + Duration::minutes(90), "pontiac");
        ok(
            &phone,
            &[
                "incident",
                "--zone",
                "gatineau",
                "--kind",
                "piqure-accidentelle",
                "--debrief",
                "--at",
                &at(base + Duration::minutes(100)),
            ],
        );
        let mistaken = ok(
            &phone,
            &[
                "incident",
                "--zone",
                "papineau",
                "--kind",
                "menace",
                "--at",
                &at(base + Duration::minutes(110)),
            ],
        );
        ok(&phone, &["void", mistaken.trim()]);
        let refused = device(&phone, &["incident", "--zone", "laval", "--kind", "vol"]);
        let shift_id = ok(
            &phone,
            &["shift", "end", "--at", &at(base + Duration::minutes(150))],
        )
        .trim()
        .to_string();
        let no_shift = device(&phone, &["shift", "end"]);
        // After the outing: not one of its contacts.
        contact(&phone, base + Duration::minutes(160), "gatineau");
        // What waits to be sent (not "--today": the worker's day ends at
        // 06:00, and three hours back may be yesterday's).
        let listed = ok(&phone, &["list"]);
        ok(&phone, &["sync"]);
        (shift_id, listed, refused, no_shift)
    })
    .await
    .unwrap();

    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    for part in [
        "zone : « laval »",
        "type d'incident (kind)",
        "piqure-accidentelle",
    ] {
        assert!(said.contains(part), "{part} not in: {said}");
    }
    assert_eq!(no_shift.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_shift.stderr).contains("Aucune tournée"));
    assert!(listed.contains("Tournée · Équipe : 3"), "{listed}");
    assert!(
        listed.contains("Incident · Piqûre accidentelle · Gatineau"),
        "{listed}"
    );

    let quarantined = server.server.admin().quarantined().await.unwrap();
    assert!(quarantined.is_empty(), "{quarantined:?}");
    // 4 contacts, 2 voids, 2 incidents, 1 shift.
    assert_eq!(server.records().await, 9);
    let work = month_tally(&server, &month).await.field_work;
    assert_eq!(work.outings, 1);
    assert_eq!(work.minutes, 150);
    assert_eq!(work.worker_minutes, 450, "a team of three");
    assert_eq!(
        work.contacts_during, 2,
        "the voided one and the one after are out"
    );
    assert_eq!(work.forgotten_ends, 0);
    assert_eq!(work.by_zone["papineau"], 1, "planned");
    assert_eq!(work.by_zone["gatineau"], 1, "visited");
    assert_eq!(work.by_zone["pontiac"], 1, "visited");
    assert_eq!(work.by_zone["vallee-de-la-gatineau"], 0);
    assert_eq!(work.incidents["piqure-accidentelle"], 1);
    assert_eq!(work.incidents["menace"], 0, "voided");
    assert_eq!(work.incidents_debrief, 1);

    let json: serde_json::Value =
        serde_json::from_slice(&server.report(&["--month", &month])).unwrap();
    assert_eq!(json["field_work"]["outings"], 1);
    assert_eq!(json["field_work"]["minutes"], 150);
    assert_eq!(json["field_work"]["worker_minutes"], 450);
    assert_eq!(json["field_work"]["incidents"]["piqure-accidentelle"], 1);
    let external: serde_json::Value =
        serde_json::from_slice(&server.report(&["--month", &month, "--suppress"])).unwrap();
    assert_eq!(external["field_work"]["outings"], 1, "outings name no one");
    assert!(
        external["field_work"].get("incidents").is_none(),
        "{external}"
    );
    assert!(external["field_work"].get("incidents_debrief").is_none());
    let md = String::from_utf8(server.report(&["--month", &month, "--format", "md"])).unwrap();
    assert!(md.contains("## Travail de terrain"), "{md}");
    assert!(
        md.contains("| Contacts faits pendant une sortie | 2 |"),
        "{md}"
    );
    assert!(
        md.contains("| Heures-intervenant sur le terrain | 7,5 |"),
        "{md}"
    );

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
        ("field_work.outings", "1"),
        ("field_work.contacts_during", "2"),
        ("field_work.minutes", "2,5"),
        ("field_work.by_zone.pontiac", "1"),
        ("field_work.incidents.piqure-accidentelle", "1"),
    ] {
        let cell = format!("data-figure=\"{path}\">{value}<");
        assert!(page.body.contains(&cell), "{cell} not on the page");
    }
    let csv = web.get(&format!("/report.csv?month={month}")).await;
    assert!(csv.body.contains(",field_work,,outings,1,"), "{}", csv.body);
    assert_eq!(shift_id.len(), 36);

    // Activity lists every type, and narrows to one.
    let all = web.get("/activity").await;
    let text = all.body.replace("&#39;", "'").replace("&#x27;", "'");
    assert!(
        text.contains(">7 enregistrements<"),
        "4 contacts, 2 incidents, 1 shift: {text}"
    );
    for kind in ["<td>Tournée</td>", "<td>Incident</td>", "<td>Contact</td>"] {
        assert!(text.contains(kind), "{kind} not listed");
    }
    let shifts = web.get("/activity?record=shift").await;
    assert!(shifts.body.contains("1 enregistrement<"), "{}", shifts.body);
    assert!(shifts.body.contains("Équipe : 3"), "{}", shifts.body);
    let incidents = web.get("/activity?record=incident&zone=gatineau").await;
    assert!(
        incidents.body.contains("1 enregistrement<"),
        "{}",
        incidents.body
    );
    assert!(incidents.body.contains("Piqûre accidentelle"));
    let bad = web.get("/activity?record=vol").await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains("contact, overdose, shift, incident"),
        "{}",
        bad.body
    );
    let past = web.get("/activity?page=9").await;
    assert!(
        past.body
            .contains("La page 9 est au-delà de la fin de la liste (dernière page : 1).")
            && past.body.contains("page=1"),
        "{}",
        past.body
    );
    assert!(!past.body.contains("Aucun enregistrement ne correspond"));

    // The supervisor sees the incidents and records a follow-up, audited.
    let list = web.get(&format!("/incidents?month={month}")).await;
    assert_eq!(list.status, 200, "{}", list.body);
    let text = list.body.replace("&#39;", "'").replace("&#x27;", "'");
    assert!(text.contains("Piqûre accidentelle"), "{text}");
    assert!(text.contains("Retour demandé par l'équipe"));
    assert_eq!(
        text.matches(">retiré<").count(),
        1,
        "the voided threat marked"
    );
    let at = text.find("action=\"/incidents/").expect("a follow-up form");
    let path = &text[at + 8..];
    let path = path[..path.find('"').unwrap()].to_string();
    let csrf = web.csrf(&format!("/incidents?month={month}")).await;
    let bad = web
        .post(&path, &[("action", "rien"), ("csrf", &csrf)])
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("care-referred"), "{}", bad.body);
    let done = web
        .post(&path, &[("action", "care-referred"), ("csrf", &csrf)])
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let list = web.get(&format!("/incidents?month={month}")).await;
    assert!(
        list.body
            .contains("Orientation vers des soins — par Marie Tremblay, le ")
    );
    assert!(!list.body.contains(&path), "no second form for it");
    let unknown = web
        .post(
            "/incidents/01937a6e-0000-7000-8000-000000000000/follow-up",
            &[("action", "declared"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(unknown.status, 404);
    let audit = web.get("/audit").await.body;
    assert!(
        audit.contains("Suivi d&#39;un incident") || audit.contains("Suivi d'un incident"),
        "{audit}"
    );
    assert!(
        audit.contains("Orientation vers des soins"),
        "the detail in the reader's language"
    );
}
