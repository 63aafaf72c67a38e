//! An outing and a safety incident end to end in headless Chromium (a
//! 390 x 844 phone, the liveview app over a real phone home, a real
//! server on loopback): "Début de tournée" in one tap, the team moved to
//! three, a contact and an incident logged during it (the incident's type
//! named when missing), "Fin de tournée" in one tap; Today lists both and
//! the server counts the outing, the contact made during it and the
//! incident.

mod common;

use common::app_e2e::E2e;
use common::month_tally;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_an_outing_with_a_contact_and_an_incident_reaches_the_report() {
    let e2e = E2e::start("shift").await;
    e2e.first_run().await;
    e2e.enroll().await;
    e2e.tap_id("continue").await;

    e2e.tap_id("start-shift").await;
    e2e.wait_text("[data-testid='shift'] .since", "the shift's start", |t| {
        t.starts_with("En tournée depuis ")
    })
    .await;
    e2e.wait_text("[data-testid='team']", "a pair", |t| t == "Équipe : 2")
        .await;
    e2e.tap_id("team-more").await;
    e2e.wait_text("[data-testid='team']", "three", |t| t == "Équipe : 3")
        .await;
    e2e.shot("01-on-shift").await;
    e2e.save_a_contact().await;

    e2e.tap_id("new-incident").await;
    e2e.tap_id("save").await;
    e2e.wait_text(
        "[data-testid='incident-type'] .error",
        "the missing type",
        |t| t.ends_with(": obligatoire."),
    )
    .await;
    e2e.tap("[data-testid='incident-type'] [data-id='piqure-accidentelle']")
        .await;
    e2e.tap_id("debrief").await;
    e2e.shot("02-incident").await;
    e2e.tap_id("save").await;
    e2e.wait_text(".notice", "the saved notice", |t| {
        t.starts_with("Incident enregistré.")
    })
    .await;

    e2e.tap_id("end-shift").await;
    e2e.wait_text(".notice", "the shift saved", |t| {
        t == "Tournée enregistrée."
    })
    .await;
    e2e.wait_for(&E2e::css("start-shift")).await;
    e2e.tap_id("tab-today").await;
    e2e.wait_text(
        "[data-testid='records'] .summary",
        "the shift listed first, newest first",
        |t| t.contains("Tournée · Équipe : 3 · Pontiac"),
    )
    .await;
    e2e.shot("03-today").await;

    let month = chrono::Local::now().format("%Y-%m").to_string();
    let started = Instant::now();
    while month_tally(&e2e.server, &month).await.field_work.outings < 1 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the shift was not sent by itself"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let work = month_tally(&e2e.server, &month).await.field_work;
    assert_eq!(work.outings, 1);
    assert_eq!(work.contacts_during, 1);
    assert_eq!(work.by_zone["pontiac"], 1);
    assert_eq!(work.incidents["piqure-accidentelle"], 1);
    assert_eq!(work.incidents_debrief, 1);
    assert_eq!(work.worker_minutes, 3 * work.minutes);
    e2e.finish().await;
}
