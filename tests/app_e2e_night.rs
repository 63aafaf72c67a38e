//! The night stays on the phone, in a real browser: after a sync, Today
//! still lists the contact as sent, "Répéter le dernier" works, voiding
//! the sent contact from the phone takes it out of the server's tally at
//! the next sync, and Home and Today show the same counts throughout.
//! Headless Chromium against `tournee app`'s liveview server and a real
//! `tournee serve` on loopback (the harness is `common::app_e2e`).

mod common;

use common::app_e2e::{E2e, PATIENCE};
use common::month_tally;
use std::time::{Duration, Instant};

/// Waits until the server's tally of this month counts `contacts`.
async fn tally_reaches(e2e: &E2e, contacts: u64) {
    let month = chrono::Local::now().format("%Y-%m").to_string();
    let started = Instant::now();
    while month_tally(&e2e.server, &month).await.contacts != contacts
        && started.elapsed() < PATIENCE
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(month_tally(&e2e.server, &month).await.contacts, contacts);
}

async fn sync_now(e2e: &E2e) {
    e2e.tap_id("tab-sync").await;
    e2e.tap_id("sync-now").await;
    e2e.wait_text(&E2e::css("sync-status"), "nothing waiting", |t| {
        t.contains("Enregistrements en attente d'envoi : 0.")
    })
    .await;
}

/// Home's counts and Today's, which must say the same.
async fn counts_agree(e2e: &E2e, expected: &str) {
    e2e.tap_id("tab-home").await;
    e2e.wait_text(&E2e::css("counts"), "Home's counts", |t| t == expected)
        .await;
    e2e.tap_id("tab-today").await;
    e2e.wait_text(&E2e::css("counts"), "Today's counts", |t| t == expected)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_after_a_sync_the_night_stays_listed_repeatable_and_voidable() {
    let e2e = E2e::start("night").await;
    e2e.first_run().await;
    e2e.enroll().await;
    e2e.tap_id("continue").await;
    e2e.save_a_contact().await;
    sync_now(&e2e).await;
    tally_reaches(&e2e, 1).await;

    e2e.tap_id("tab-today").await;
    e2e.wait_text(&E2e::css("records"), "the sent contact", |t| {
        t.contains("Pontiac") && t.contains("envoyé")
    })
    .await;
    e2e.shot("01-today-sent").await;
    counts_agree(&e2e, "Contacts aujourd'hui : 1 · personnes : 1").await;

    e2e.tap_id("tab-home").await;
    assert_eq!(e2e.attribute("repeat-last", "disabled").await, None);
    e2e.tap_id("repeat-last").await;
    e2e.wait_text(
        "[data-testid='zone'] [aria-pressed='true']",
        "the repeated zone",
        |t| t == "Pontiac",
    )
    .await;
    e2e.tap_id("save").await;
    e2e.wait_text(".notice", "the saved notice", |t| {
        t == "Contact enregistré."
    })
    .await;
    counts_agree(&e2e, "Contacts aujourd'hui : 2 · personnes : 2").await;

    // Newest first: the sent contact is the second; void it.
    e2e.tap("[data-testid='records'] li:nth-child(2) [data-testid='void']")
        .await;
    e2e.shot("02-void-confirm").await;
    e2e.tap_id("void-yes").await;
    e2e.wait_text(".notice", "the voided notice", |t| t == "Contact retiré.")
        .await;
    e2e.wait_text(
        "[data-testid='records'] li:nth-child(2)",
        "sent and voided",
        |t| t.contains("envoyé") && t.contains("retiré"),
    )
    .await;
    e2e.shot("03-voided").await;
    counts_agree(&e2e, "Contacts aujourd'hui : 1 · personnes : 1").await;

    // The void (and the repeat) go out: the server counts one contact.
    sync_now(&e2e).await;
    tally_reaches(&e2e, 1).await;
    assert_eq!(e2e.server.records().await, 3, "two contacts and a void");
    e2e.tap_id("tab-today").await;
    e2e.wait_text(&E2e::css("records"), "both sent", |t| {
        t.matches("envoyé").count() == 2
    })
    .await;
    e2e.shot("04-today-after-void-sync").await;
    counts_agree(&e2e, "Contacts aujourd'hui : 1 · personnes : 1").await;
    e2e.finish().await;
}
