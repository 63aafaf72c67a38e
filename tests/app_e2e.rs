//! End to end in a real browser: `tournee app`'s liveview server and a
//! real `tournee serve` on loopback, driven by taps in headless Chromium
//! (the harness is `common::app_e2e`): first run, enrollment by code and
//! by scanning, contacts by taps, sync, English, the lock, wrong PINs.
//!
//! Needs `/usr/bin/chromium` (or `$CHROME`) and `chromedriver` on the
//! PATH (or `$CHROMEDRIVER`); the tests fail, loudly, when they are
//! missing. Each step's screen is saved as a PNG under
//! `<target>/e2e-screenshots/<test>-<step>.png`.

mod common;

use common::app_e2e::{E2e, PATIENCE, PIN, SMALL_PHONE};
use fantoccini::Locator;
use std::time::{Duration, Instant};
use tournee::device::prefs::Prefs;
use tournee::domain::wire::enroll_link::EnrollLink;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_enroll_log_by_taps_repeat_and_sync() {
    let e2e = E2e::start("enroll-log-sync").await;
    e2e.first_run().await;

    // An address that is not one is bad input, said in plain words, not
    // "no network": typed, or carried by a pasted enrollment link.
    let alert = "p.error[role='alert']";
    let not_an_address = |t: &str| t.contains("n'est pas une adresse de serveur. Permis : http://");
    e2e.fill("server-address", "ftp://tournee.example.org")
        .await;
    e2e.fill("enroll-code", &e2e.server.code().await).await;
    e2e.tap_id("enroll").await;
    e2e.wait_text(alert, "the typed address refused", not_an_address)
        .await;
    e2e.fill("server-address", "").await;
    let link = EnrollLink::to_text("file:///etc/passwd", &e2e.server.code().await);
    e2e.fill("enroll-code", &link).await;
    e2e.tap_id("enroll").await;
    e2e.wait_text(alert, "the link's address refused", |t| {
        not_an_address(t) && t.contains("« file:///etc/passwd »")
    })
    .await;

    e2e.enroll().await;
    e2e.shot("02-enrolled").await;
    e2e.tap_id("continue").await;

    // A contact by taps.
    e2e.tap_id("new-contact").await;
    e2e.tap("[data-testid='zone'] [data-id='pontiac']").await;
    e2e.tap("[data-testid='kind'] [data-id='known']").await;
    e2e.tap("[data-testid='age-band'] [data-id='18-24']").await;
    e2e.tap("[data-testid='material-seringues'] [data-testid='more']")
        .await;
    e2e.wait_value("[data-testid='material-seringues'] input.qty", "1")
        .await;
    e2e.tap("[data-testid='returned-syringes'] [data-testid='more']")
        .await;
    e2e.tap("[data-testid='returned-syringes'] [data-testid='more']")
        .await;
    e2e.wait_text(
        "[data-testid='returned-syringes'] .qty",
        "two returned",
        |t| t == "2",
    )
    .await;
    e2e.fill("duration", "15").await;
    e2e.wait_text(
        "[data-testid='zone'] [aria-pressed='true']",
        "the zone picked",
        |t| t == "Pontiac",
    )
    .await;
    e2e.shot("03-new-contact").await;
    e2e.tap_id("save").await;
    e2e.wait_text(".notice", "the saved notice", |t| {
        t == "Contact enregistré."
    })
    .await;
    // Uploads start 5 s after a save: we look well before.
    e2e.wait_text(&E2e::css("sync-chip"), "one waiting", |t| {
        t.contains("1 en attente")
    })
    .await;
    e2e.shot("04-home-saved").await;

    e2e.tap_id("tab-today").await;
    e2e.wait_text(&E2e::css("records"), "the contact in Today", |t| {
        t.contains("Pontiac")
            && t.contains("Personne connue")
            && t.contains("Seringues 1")
            && t.contains("Seringues récupérées 2")
            && t.contains("15 min")
    })
    .await;
    e2e.shot("05-today").await;

    // Repeat the last, one more syringe, save: three taps, with Save in
    // view the whole time.
    e2e.tap_id("tab-home").await;
    e2e.tap_id("repeat-last").await;
    e2e.wait_text(
        "[data-testid='zone'] [aria-pressed='true']",
        "the repeated zone",
        |t| t == "Pontiac",
    )
    .await;
    e2e.assert_in_view("save").await;
    e2e.tap("[data-testid='material-seringues'] [data-testid='more']")
        .await;
    e2e.wait_value("[data-testid='material-seringues'] input.qty", "2")
        .await;
    e2e.shot("06-repeat").await;
    e2e.tap_id("save").await;
    e2e.wait_text(".notice", "the saved notice", |t| {
        t == "Contact enregistré."
    })
    .await;
    e2e.tap_id("tab-today").await;
    let today = e2e
        .wait_text(&E2e::css("records"), "two contacts", |t| {
            t.matches("Pontiac").count() == 2
        })
        .await;
    assert_eq!(today.matches("Seringues 1").count(), 1, "{today}");
    assert_eq!(today.matches("Seringues 2").count(), 1, "{today}");
    assert_eq!(
        today.matches("Seringues récupérées 2").count(),
        2,
        "{today}"
    );
    assert_eq!(today.matches("15 min").count(), 1, "{today}");

    // Sync now: nothing waits any more and the server holds both.
    e2e.tap_id("tab-sync").await;
    e2e.tap_id("sync-now").await;
    e2e.wait_text(&E2e::css("sync-status"), "nothing waiting", |t| {
        t.contains("Enregistrements en attente d'envoi : 0.")
    })
    .await;
    e2e.shot("07-synced").await;
    let started = Instant::now();
    while e2e.server.records().await < 2 && started.elapsed() < PATIENCE {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(e2e.server.records().await, 2, "records on the server");
    e2e.tap_id("tab-home").await;
    e2e.wait_text(&E2e::css("sync-chip"), "all sent", |t| {
        t.starts_with("Tout est envoyé")
    })
    .await;
    e2e.shot("08-home-all-sent").await;
    e2e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_english_then_lock_a_wrong_pin_stays_locked_the_right_one_opens() {
    let e2e = E2e::start("language-lock").await;
    e2e.first_run().await;
    e2e.tap_id("continue-offline").await;
    e2e.wait_text(&E2e::css("new-contact"), "Home", |t| t == "Nouveau contact")
        .await;

    e2e.tap_id("tab-settings").await;
    e2e.tap_id("lang-en").await;
    e2e.wait_text(&E2e::css("tab-settings"), "English tabs", |t| {
        t == "Settings"
    })
    .await;
    e2e.wait_text("h1", "the English title", |t| t == "Settings")
        .await;
    e2e.shot("02-settings-english").await;
    e2e.tap_id("tab-home").await;
    e2e.wait_text(&E2e::css("new-contact"), "English Home", |t| {
        t == "New contact"
    })
    .await;
    e2e.wait_text(&E2e::css("repeat-last"), "English Home", |t| {
        t == "Repeat the last"
    })
    .await;
    e2e.shot("03-home-english").await;

    e2e.tap_id("lock").await;
    e2e.wait_text("h1", "the lock screen", |t| t == "Tournée is locked")
        .await;
    e2e.shot("04-locked").await;

    e2e.fill("pin", "0000").await;
    e2e.tap_id("unlock").await;
    e2e.wait_text("[role='alert']", "the wrong PIN", |t| {
        t.starts_with("Wrong PIN")
    })
    .await;
    e2e.shot("05-wrong-pin").await;
    assert!(
        e2e.browser
            .find(Locator::Css(&E2e::css("tab-home")))
            .await
            .is_err(),
        "still locked: no tabs"
    );
    e2e.wait_text("h1", "still locked", |t| t == "Tournée is locked")
        .await;

    e2e.fill("pin", PIN).await;
    e2e.tap_id("unlock").await;
    e2e.wait_text(&E2e::css("new-contact"), "Home again", |t| {
        t == "New contact"
    })
    .await;
    e2e.shot("06-unlocked").await;
    // A reload is a new connection: locked again, still in English (a
    // choice of the phone's), and the PIN opens it.
    e2e.browser.goto(&e2e.app_url).await.unwrap();
    e2e.wait_text("h1", "locked after a reload", |t| t == "Tournée is locked")
        .await;
    e2e.fill("pin", PIN).await;
    e2e.tap_id("unlock").await;
    e2e.wait_text(&E2e::css("tab-today"), "English tabs", |t| t == "Today")
        .await;
    e2e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_small_phone_every_next_step_in_view_then_wrong_pins_wait() {
    let e2e = E2e::start_at("small-phone", SMALL_PHONE).await;
    e2e.first_run().await;
    e2e.shot("02-enroll-step").await;
    e2e.enroll().await;
    e2e.shot("03-enrolled").await;
    e2e.tap_id("continue").await;
    e2e.assert_in_view("new-contact").await;
    e2e.assert_in_view("repeat-last").await;
    e2e.assert_in_view("sync-chip").await;
    e2e.shot("04-home").await;
    e2e.tap_id("new-contact").await;
    e2e.assert_in_view("save").await;
    e2e.shot("05-new-contact").await;
    // The bottom of the form: returned syringes, duration, code, Save.
    e2e.browser
        .execute("window.scrollTo(0, document.body.scrollHeight);", vec![])
        .await
        .unwrap();
    e2e.shot("06-new-contact-bottom").await;

    // Five wrong PINs in a row: the sixth try waits, and the page says how long.
    e2e.tap_id("lock").await;
    e2e.wait_text("h1", "the lock screen", |t| t == "Tournée est verrouillé")
        .await;
    for attempt in 1..=5 {
        e2e.fill("pin", "0000").await;
        e2e.tap_id("unlock").await;
        // Counted in the phone's prefs file, which outlives a restart.
        let started = Instant::now();
        while Prefs::load(e2e.home.path()).pin_tries.wrong_in_a_row < attempt {
            assert!(
                started.elapsed() < PATIENCE,
                "wrong PIN {attempt} not counted"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if attempt < 5 {
            e2e.wait_text("[role='alert']", "the wrong PIN", |t| {
                t.starts_with("NIP incorrect")
            })
            .await;
            e2e.wait_text(&E2e::css("unlock"), "the button back", |t| t == "Ouvrir")
                .await;
        }
    }
    e2e.wait_text(&E2e::css("pin-wait"), "the wait", |t| {
        t.starts_with("Trop de NIP incorrects de suite. Attendez ")
    })
    .await;
    let disabled = e2e
        .browser
        .execute(
            "return document.querySelector(\"[data-testid='unlock']\").disabled;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(disabled, serde_json::json!(true), "the button waits too");
    e2e.shot("07-wrong-pins-wait").await;
    e2e.finish().await;
}

/// Enrollment by scanning: the phone's camera films the dashboard's QR
/// code for a fresh code (Chromium's fake camera playing a picture of it);
/// the app reads it, fills the address and the code by itself, and one
/// tap enrolls. The camera preview is gone once the code is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_enroll_by_scanning_the_qr_code() {
    let e2e = E2e::start_filming_a_qr_code("scan-qr").await;
    e2e.first_run().await;
    e2e.tap_id("scan").await;
    e2e.wait_for(&E2e::css("qr-video")).await;
    e2e.shot("02-camera").await;
    e2e.wait_text(&E2e::css("scan-note"), "the code read", |t| {
        t.starts_with("Code lu.")
    })
    .await;
    let value = |testid: &str| {
        format!("return document.querySelector(\"[data-testid='{testid}']\").value;")
    };
    let address = e2e.browser.execute(&value("server-address"), vec![]).await;
    assert_eq!(address.unwrap(), serde_json::json!(e2e.server.url));
    let code = e2e.browser.execute(&value("enroll-code"), vec![]).await;
    let code = code.unwrap();
    assert!(
        code.as_str().is_some_and(|c| c.len() == 48),
        "the code field holds {code}"
    );
    assert!(
        e2e.browser
            .find(Locator::Css(&E2e::css("qr-video")))
            .await
            .is_err(),
        "the camera is still on"
    );
    e2e.shot("03-code-read").await;
    e2e.tap_enroll().await;
    e2e.shot("04-enrolled").await;
    e2e.finish().await;
}
