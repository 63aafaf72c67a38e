//! End to end in a real browser, on the locks: every browser is a
//! connection of its own to the app's phone and starts at the PIN screen
//! whatever the others did; a store from before the 6-digit rule opens
//! with its 4-digit PIN, then is asked for a longer one. Same harness and
//! needs as `tests/app_e2e.rs`.

mod common;

use common::app_e2e::{E2e, PATIENCE, PIN};
use fantoccini::Locator;
use std::time::{Duration, Instant};
use tournee::device::{Pin, Store};

/// Two browsers on one phone's app: the second lands on the PIN screen,
/// not on the first one's Home; locking it, then closing it, leaves the
/// first open and saving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_a_second_browser_starts_locked_and_locking_or_closing_it_leaves_the_first_open() {
    let e2e = E2e::start("two-browsers").await;
    e2e.first_run().await;
    e2e.tap_id("continue-offline").await;
    e2e.wait_text(&E2e::css("new-contact"), "Home", |t| t == "Nouveau contact")
        .await;

    let second = e2e.another_tab("two-browsers-second").await;
    second
        .wait_text("h1", "the lock screen", |t| t == "Tournée est verrouillé")
        .await;
    assert!(
        second
            .browser
            .find(Locator::Css(&E2e::css("tab-home")))
            .await
            .is_err(),
        "nothing behind the lock"
    );
    second.shot("01-locked").await;
    assert_eq!(e2e.phone.stats().await.unlocked_views, 1);

    // The first is still on Home and still saves.
    e2e.wait_text(&E2e::css("new-contact"), "still Home", |t| {
        t == "Nouveau contact"
    })
    .await;
    e2e.save_a_contact().await;

    // The second unlocks, then locks: only itself.
    second.fill("pin", PIN).await;
    second.tap_id("unlock").await;
    second
        .wait_text(&E2e::css("new-contact"), "its own Home", |t| {
            t == "Nouveau contact"
        })
        .await;
    assert_eq!(e2e.phone.stats().await.unlocked_views, 2);
    second.tap_id("lock").await;
    second
        .wait_text("h1", "locked again", |t| t == "Tournée est verrouillé")
        .await;
    assert_eq!(e2e.phone.stats().await.unlocked_views, 1);
    e2e.save_a_contact().await;
    e2e.shot("02-first-still-open").await;

    // Unlocked again, then closed: its key goes with its socket; the
    // first keeps its own.
    second.fill("pin", PIN).await;
    second.tap_id("unlock").await;
    second
        .wait_text(&E2e::css("new-contact"), "its own Home", |t| {
            t == "Nouveau contact"
        })
        .await;
    assert_eq!(e2e.phone.stats().await.unlocked_views, 2);
    second.finish().await;
    let started = Instant::now();
    while e2e.phone.stats().await.unlocked_views > 1 {
        assert!(
            started.elapsed() < PATIENCE,
            "the closed socket kept its key"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    e2e.save_a_contact().await;
    e2e.tap_id("tab-today").await;
    e2e.wait_text(&E2e::css("records"), "three contacts", |t| {
        t.matches("Pontiac").count() == 3
    })
    .await;
    e2e.finish().await;
}

/// A store from before the 6-digit rule, with a 4-digit PIN: it opens
/// with every record, asks for a longer PIN in plain words, takes a
/// passphrase typed on a full keyboard, and the phone remembers that
/// keyboard for the next unlock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_an_old_four_digit_store_opens_then_a_passphrase_replaces_its_pin() {
    let e2e = E2e::start("old-pin").await;
    common::old_store::make(e2e.home.path(), "4821", &["pontiac", "gatineau"]);
    // A new connection finds the store.
    e2e.browser.goto(&e2e.app_url).await.unwrap();
    e2e.wait_text("h1", "the lock screen", |t| t == "Tournée est verrouillé")
        .await;
    assert_eq!(
        e2e.attribute("pin", "inputmode").await.as_deref(),
        Some("numeric"),
        "digits on the keypad"
    );
    e2e.fill("pin", "4821").await;
    e2e.tap_id("unlock").await;
    e2e.wait_text("h1", "the safer-PIN screen", |t| {
        t == "Choisissez un NIP plus long"
    })
    .await;
    e2e.wait_text(".screen", "why, in plain words", |t| {
        t.contains("essaierait tous les NIP de 4 chiffres en moins d'une heure")
            && t.contains("Rien n'est perdu")
    })
    .await;
    // Both ways on are in view: change now, or later.
    e2e.assert_in_view("safer-pin").await;
    e2e.assert_in_view("later").await;
    e2e.shot("01-safer-pin").await;

    // Six digits are fine, four are refused again, a passphrase is best.
    e2e.fill("new-pin", "1357").await;
    e2e.fill("new-pin-again", "1357").await;
    e2e.tap_id("safer-pin").await;
    e2e.wait_text("[role='alert']", "the rule", |t| {
        t.starts_with("NIP : au moins 6 chiffres, ou une phrase de passe")
    })
    .await;
    e2e.tap_id("pin-letters").await;
    let started = Instant::now();
    while e2e.attribute("new-pin", "inputmode").await.as_deref() != Some("text") {
        assert!(started.elapsed() < PATIENCE, "no keyboard with letters");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    e2e.fill("new-pin", "tuque bleue de nuit").await;
    e2e.fill("new-pin-again", "tuque bleue de nuit").await;
    e2e.shot("02-passphrase").await;
    e2e.tap_id("safer-pin").await;
    e2e.wait_text(".notice", "the change", |t| t == "NIP changé.")
        .await;
    e2e.tap_id("tab-today").await;
    e2e.wait_text(&E2e::css("records"), "both old contacts", |t| {
        t.contains("Pontiac") && t.contains("Gatineau")
    })
    .await;

    // The old PIN opens nothing now; the passphrase does, on letters.
    assert!(Store::open(e2e.home.path(), &Pin::parse("4821").unwrap()).is_err());
    e2e.tap_id("lock").await;
    e2e.wait_text("h1", "locked", |t| t == "Tournée est verrouillé")
        .await;
    assert_eq!(
        e2e.attribute("pin", "inputmode").await.as_deref(),
        Some("text")
    );
    e2e.fill("pin", "tuque bleue de nuit").await;
    e2e.tap_id("unlock").await;
    e2e.wait_text(&E2e::css("new-contact"), "Home at once", |t| {
        t == "Nouveau contact"
    })
    .await;
    e2e.finish().await;
}
