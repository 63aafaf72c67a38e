//! The dashboard's activity, phones and quarantine pages through the real
//! HTTP stack: a real `tournee serve` site on loopback, headless phones
//! that log and sync for real, and a browser that keeps cookies.

mod common;

use common::web::{Web, supervisor};
use common::{TestDevice, TestServer, month_tally as month, options};
use tournee::device::{SyncError, SyncOptions};
use tournee::domain::wire::enroll::{decode_hand_file, encode_hand_file};
use tournee::domain::{Contact, ContactDraft};

const PASSWORD: &str = "une phrase de passe solide";

/// A contact at a fixed time (midday, so its date is the same in any
/// time zone the tests run in), with a person code.
fn at(time: &str, zone: &str, materials: &[(&str, u32)]) -> Contact {
    common::contact_at(time, zone, "known", 1, Some("Tremblay-87"), materials)
}

async fn signed_in(server: &TestServer) -> Web {
    supervisor(&server.server, "Marie Tremblay", PASSWORD).await;
    let mut web = Web::new(&server.url);
    let answer = web.sign_in("Marie Tremblay", PASSWORD).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    web
}

/// Where a contact's link is on a page, if it is there.
fn link(body: &str, contact: &Contact) -> Option<usize> {
    body.find(&format!("href=\"/activity/{}\"", contact.record_id))
}

/// Keep delivered records a day, so the worker can still void one.
fn keep() -> SyncOptions {
    SyncOptions {
        retention: std::time::Duration::from_secs(86_400),
        ..options(None)
    }
}

#[tokio::test]
async fn activity_lists_contacts_newest_first_and_filters_narrow_them() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    let first = at(
        "2025-11-01T12:00:00-04:00",
        "gatineau",
        &[("seringues", 10)],
    );
    let second = at(
        "2025-11-02T12:00:00-05:00",
        "pontiac",
        &[("trousses-naloxone", 1)],
    );
    let third = at("2025-11-03T12:00:00-05:00", "gatineau", &[("condoms", 4)]);
    phone
        .store
        .save_all(&[first.clone(), third.clone(), second.clone()])
        .unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    let mut web = signed_in(&server).await;

    let all = web.get("/activity").await;
    assert_eq!(all.status, 200, "{}", all.body);
    let (a, b, c) = (
        link(&all.body, &first).expect("first listed"),
        link(&all.body, &second).expect("second listed"),
        link(&all.body, &third).expect("third listed"),
    );
    assert!(c < b && b < a, "newest first");
    assert!(all.body.contains("test phone"));
    assert!(all.body.contains("Seringues"), "materials by their label");
    assert!(!all.body.contains("Tremblay-87"), "no person code");

    let zone = web.get("/activity?zone=pontiac").await.body;
    assert!(link(&zone, &second).is_some());
    assert!(link(&zone, &first).is_none() && link(&zone, &third).is_none());
    // The form keeps the choice.
    let option = |page: &str, value: &str| {
        let tag = format!("value=\"{value}\"");
        page.split("<option")
            .find(|o| o.contains(&tag))
            .map(|o| o.split('>').next().unwrap().to_string())
            .unwrap()
    };
    assert!(option(&zone, "pontiac").contains("selected"), "{zone}");
    assert!(!option(&zone, "gatineau").contains("selected"));

    let material = web.get("/activity?material=condoms").await.body;
    assert!(link(&material, &third).is_some());
    assert!(link(&material, &first).is_none() && link(&material, &second).is_none());

    let day = web
        .get("/activity?from=2025-11-02&to=2025-11-02")
        .await
        .body;
    assert!(link(&day, &second).is_some());
    assert!(link(&day, &first).is_none() && link(&day, &third).is_none());
    let since = web
        .get("/activity?from=2025-11-02&to=&zone=gatineau&device=&material=")
        .await
        .body;
    assert!(link(&since, &third).is_some());
    assert!(link(&since, &first).is_none() && link(&since, &second).is_none());

    let bad = web.get("/activity?from=2025-13-45").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("« Du (date) »"), "{}", bad.body);
    assert!(bad.body.contains("AAAA-MM-JJ"));
    assert!(!bad.body.contains("ParseError") && !bad.body.contains("Err("));
    let order = web.get("/activity?from=2025-11-03&to=2025-11-01").await;
    assert_eq!(order.status, 400);
    assert!(order.body.contains("vient après"));

    web.get("/lang/en?back=%2F").await;
    let english = web.get("/activity?to=yesterday").await;
    assert_eq!(english.status, 400);
    assert!(english.body.contains("“To (date)” is not a date"));

    let detail = web.get(&format!("/activity/{}", second.record_id)).await;
    assert_eq!(detail.status, 200);
    assert!(detail.body.contains("With person code"));
    assert!(detail.body.contains("Naloxone") || detail.body.contains("naloxone"));
    assert!(detail.body.contains("name=\"reason\""));
    assert_eq!(web.get("/activity/not-a-record").await.status, 404);
}

#[tokio::test]
async fn voiding_from_the_dashboard_takes_the_contact_out_once_and_is_audited() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    let kept = at(
        "2025-11-10T12:00:00-05:00",
        "papineau",
        &[("seringues", 10)],
    );
    let mistaken = at(
        "2025-11-10T12:05:00-05:00",
        "papineau",
        &[("seringues", 100)],
    );
    phone
        .store
        .save_all(&[kept.clone(), mistaken.clone()])
        .unwrap();
    server.sync(&mut phone.store, &keep()).await.unwrap();
    let before = month(&server, "2025-11").await;
    assert_eq!((before.contacts, before.materials["seringues"]), (2, 110));
    let mut web = signed_in(&server).await;
    let path = format!("/activity/{}", mistaken.record_id);
    let void = format!("{path}/void");

    // Without or with a wrong CSRF token: refused, nothing changes.
    let none = web.post(&void, &[("reason", "doublon")]).await;
    assert_eq!(none.status, 403);
    let wrong = web
        .post(&void, &[("reason", "doublon"), ("csrf", "AAAA")])
        .await;
    assert_eq!(wrong.status, 403);
    assert_eq!(month(&server, "2025-11").await, before);

    // A reason is required.
    let csrf = web.csrf(&path).await;
    let empty = web.post(&void, &[("reason", "  "), ("csrf", &csrf)]).await;
    assert_eq!(empty.status, 400);
    assert!(empty.body.contains("Écrivez une raison"));
    let long = "x".repeat(201);
    let too_long = web.post(&void, &[("reason", &long), ("csrf", &csrf)]).await;
    assert_eq!(too_long.status, 400);
    assert_eq!(month(&server, "2025-11").await, before);

    let done = web
        .post(&void, &[("reason", "saisi deux fois"), ("csrf", &csrf)])
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let location = done.location.unwrap();
    assert_eq!(location, format!("{path}?done=voided"));
    let after = month(&server, "2025-11").await;
    assert_eq!(
        (
            after.contacts,
            after.people_reached,
            after.materials["seringues"]
        ),
        (1, 1, 10)
    );
    let page = web.get(&location).await.body;
    assert!(page.contains("Le contact est retiré"));
    assert!(page.contains("Ce contact est retiré : saisi deux fois"));
    assert!(!page.contains("name=\"reason\""), "no second void form");
    let list = web.get("/activity").await.body;
    assert!(list.contains("Retiré"));

    // Twice: refused politely, nothing moves.
    let again = web
        .post(&void, &[("reason", "encore"), ("csrf", &csrf)])
        .await;
    assert_eq!(again.status, 303);
    assert_eq!(
        again.location.as_deref(),
        Some(format!("{path}?done=already").as_str())
    );
    assert!(
        web.get(&format!("{path}?done=already"))
            .await
            .body
            .contains("déjà retiré")
    );
    assert_eq!(month(&server, "2025-11").await, after);

    let audit = web.get("/audit").await.body;
    assert!(audit.contains("Retrait d"), "{audit}");
    assert!(audit.contains(&mistaken.record_id.to_string()));
    assert!(audit.contains("saisi deux fois"));
    assert!(!audit.contains("encore"));

    // The worker voids the same record from the phone later: not subtracted twice.
    let now = chrono::DateTime::parse_from_rfc3339("2025-11-10T13:00:00-05:00").unwrap();
    phone.store.void(mistaken.record_id, now).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    assert_eq!(month(&server, "2025-11").await, after);
    assert_eq!(server.server.admin().span_check().await.unwrap(), 0);
    let (counted, rows) = server.server.admin().rollup_check().await.unwrap();
    assert_eq!(counted, rows);
}

#[tokio::test]
async fn revoking_a_phone_from_the_dashboard_makes_its_next_upload_get_403() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    let mut other = TestDevice::enroll(&server).await;
    phone.log("gatineau", 5);
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    let devices = server.server.admin().list_devices().await.unwrap();
    let id = devices[0].device_id;
    let silent = devices[1].device_id;
    // The other phone last synced a week ago.
    let week_ago = chrono::Utc::now().timestamp_millis() - 7 * 86_400_000;
    let set = format!("UPDATE devices SET last_seen_at = {week_ago}, enrolled_at = {week_ago}");
    server
        .by_hand(
            &format!("{set} WHERE device_id = X'{}'", silent.simple()),
            &format!("{set} WHERE device_id = '{silent}'"),
        )
        .await;
    let mut web = signed_in(&server).await;

    let phones = web.get("/phones").await;
    assert_eq!(phones.status, 200);
    assert!(phones.body.contains("test phone"));
    assert!(phones.body.contains("class=\"stands-out\""));
    assert!(phones.body.contains("Muet depuis plus de 3 jours"));
    assert_eq!(
        phones.body.matches("Muet depuis plus de 3 jours").count(),
        1
    );
    assert!(phones.body.contains(&format!("/phones/{id}/revoke")));

    let confirm_path = format!("/phones/{id}/revoke");
    let confirm = web.get(&confirm_path).await;
    assert_eq!(confirm.status, 200);
    assert!(
        confirm
            .body
            .contains("Révoquer le téléphone « test phone »")
    );
    // The page alone changes nothing.
    phone.log("gatineau", 1);
    server.sync(&mut phone.store, &options(None)).await.unwrap();

    let csrf = common::web::csrf_in(&confirm.body);
    assert_eq!(web.post(&confirm_path, &[]).await.status, 403);
    let revoked = web.post(&confirm_path, &[("csrf", &csrf)]).await;
    assert_eq!(revoked.status, 303);
    assert_eq!(revoked.location.as_deref(), Some("/phones?done=revoked"));
    let page = web.get("/phones?done=revoked").await.body;
    assert!(page.contains("Le téléphone est révoqué."));
    assert!(page.contains("Révoqué le"));
    assert_eq!(
        web.get(&confirm_path).await.location.as_deref(),
        Some("/phones?done=already")
    );

    phone.log("gatineau", 2);
    let refused = server.sync(&mut phone.store, &options(None)).await;
    assert!(matches!(refused, Err(SyncError::Revoked)), "{refused:?}");
    assert!(phone.store.enrollment().unwrap().unwrap().revoked);
    // The other phone still syncs.
    other.log("pontiac", 1);
    server.sync(&mut other.store, &options(None)).await.unwrap();

    let audit = web.get("/audit").await.body;
    assert!(audit.contains("Téléphone révoqué"));
    assert!(audit.contains("test phone"));
}

#[tokio::test]
async fn the_phones_page_shows_a_batch_known_to_be_missing() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    let now = chrono::Utc::now().timestamp_millis();
    phone.log("gatineau", 1);
    phone.store.seal_pending(now).unwrap();
    phone.log("pontiac", 2);
    phone.store.seal_pending(now).unwrap();
    let (file, count) = phone.store.export_batches().unwrap();
    assert_eq!(count, 2);
    let envelopes = decode_hand_file(&file).unwrap();
    // Only batch 2 reaches the server: batch 1 is known to be missing.
    server
        .server
        .admin()
        .import_batches(&encode_hand_file([envelopes[1]]))
        .await
        .unwrap();
    let mut web = signed_in(&server).await;
    let page = web.get("/phones").await.body;
    assert!(page.contains("<strong class=\"gaps\">1</strong>"), "{page}");

    server
        .server
        .admin()
        .import_batches(&encode_hand_file([envelopes[0]]))
        .await
        .unwrap();
    let page = web.get("/phones").await.body;
    assert!(!page.contains("class=\"gaps\""));
    assert!(page.contains(">aucun<"));
}

#[tokio::test]
async fn quarantine_shows_a_broken_batch_and_reapply_fixes_it_after_the_catalog_is_restored() {
    let server = TestServer::spawn().await;
    let mut phone = TestDevice::enroll(&server).await;
    // The phone knows a zone the server does not (yet).
    let catalog = phone.learn_zone("aylmer");
    let when = chrono::DateTime::parse_from_rfc3339("2025-11-12T21:00:00-05:00").unwrap();
    let unknown = ContactDraft {
        zone: "aylmer".into(),
        kind: "known".into(),
        people: "1".into(),
        age_band: "18-24".into(),
        occurred_at: Some(when),
        ..Default::default()
    }
    .parse(&catalog, when)
    .unwrap();
    phone.store.save(&unknown).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();
    let mut web = signed_in(&server).await;

    let held = web.get("/quarantine").await;
    assert_eq!(held.status, 200);
    assert!(held.body.contains("test phone"));
    assert!(held.body.contains("aylmer"), "{}", held.body);
    assert!(held.body.contains("action=\"/quarantine/reapply\""));
    let phones = web.get("/phones").await.body;
    assert!(phones.contains("href=\"/quarantine\""));

    // Re-applying before the fix keeps it held.
    let csrf = web.csrf("/quarantine").await;
    let still = web.post("/quarantine/reapply", &[("csrf", &csrf)]).await;
    assert_eq!(
        still.location.as_deref(),
        Some("/quarantine?applied=0&left=1")
    );

    server
        .server
        .admin()
        .replace_catalog(&catalog)
        .await
        .unwrap();
    assert_eq!(
        web.post("/quarantine/reapply", &[]).await.status,
        403,
        "no CSRF"
    );
    let fixed = web.post("/quarantine/reapply", &[("csrf", &csrf)]).await;
    assert_eq!(fixed.status, 303);
    let location = fixed.location.unwrap();
    assert_eq!(location, "/quarantine?applied=1&left=0");
    let page = web.get(&location).await.body;
    assert!(page.contains("Réappliqués : 1. Toujours en quarantaine : 0."));
    assert!(page.contains("Aucun lot en quarantaine."));
    assert_eq!(
        month(&server, "2025-11").await.by_zone["aylmer"].contacts,
        1
    );
    let audit = web.get("/audit").await.body;
    assert!(audit.contains("Lots réappliqués"));
    assert!(
        audit.contains("appliqués : 1; en quarantaine : 0"),
        "{audit}"
    );
}

#[tokio::test]
async fn the_storage_door_refuses_any_call_for_an_organization_it_does_not_hold() {
    use tournee::server::ServerError;
    use tournee::server::store::OrgId;
    let data = tempfile::tempdir().unwrap();
    let server = tournee::server::Server::open(data.path()).unwrap();
    let storage = server.storage();
    let own = server.org();
    assert!(storage.phones(own).await.unwrap().is_empty());
    let other = OrgId(uuid::Uuid::now_v7());
    fn refused<T>(answer: Result<T, ServerError>, other: OrgId) -> bool {
        matches!(answer, Err(ServerError::UnknownOrg(id)) if id == other.0)
    }
    assert!(refused(storage.phones(other).await, other));
    assert!(refused(storage.catalog(other).await, other));
    assert!(refused(storage.audit_page(other, 0, 10).await, other));
    let period = tournee::domain::report::Period::canonical("2026-11").unwrap();
    assert!(refused(storage.report_figures(other, period).await, other));
    let id = tournee::domain::RecordId::new();
    let void = storage
        .void_contact(other, id, "x".into(), "y".into(), 0)
        .await;
    assert!(refused(void, other));
    let message = ServerError::UnknownOrg(other.0).message(tournee::domain::i18n::Lang::Fr);
    assert!(message.contains("n'est pas hébergé"), "{message}");
}
