//! Fast entry end to end in headless Chromium on a 390 x 844 phone (the
//! liveview app over a real phone home, a real server on loopback): the
//! typical contact of the field-data walkthrough, "known person, 10
//! syringes, 2 naloxone kits, referral to CLSC", from Home in at most six
//! clicks, every one on something already on screen with the page never
//! scrolled; the quantity typed on the keypad; then a bundle adds its
//! materials in one tap. The server counts exactly what was tapped.

mod common;

use common::app_e2e::{E2e, Tab};
use common::month_tally;
use fantoccini::Locator;
use std::time::{Duration, Instant};

/// Clicks on what a worker sees, and counts them.
struct Thumb<'a> {
    tab: &'a Tab,
    clicks: usize,
}

impl Thumb<'_> {
    /// One click on `selector`, which must be in view and uncovered with
    /// the page where it is (never scrolled: a scroll is not a tap).
    async fn click(&mut self, selector: &str) {
        let seen = self.tab.where_on_screen(selector).await;
        if seen != "ok" {
            self.tab.shot("not-in-view").await;
            panic!(
                "click {}: {selector} needs a scroll: {seen}",
                self.clicks + 1
            );
        }
        let element = self.tab.browser.find(Locator::Css(selector)).await.unwrap();
        element.click().await.unwrap();
        self.clicks += 1;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_a_typical_contact_in_six_clicks_without_scrolling() {
    let e2e = E2e::start("fast").await;
    e2e.first_run().await;
    e2e.enroll().await;
    e2e.tap_id("continue").await;
    // The night's first contact picks the zone; the next ones start there.
    e2e.save_a_contact().await;

    let mut thumb = Thumb {
        tab: &e2e,
        clicks: 0,
    };
    thumb.click("[data-testid='new-contact']").await;
    e2e.wait_text(
        "[data-testid='zone'] [aria-pressed='true']",
        "the zone of the last contact",
        |t| t == "Pontiac",
    )
    .await;
    e2e.shot("01-form").await;
    thumb
        .click("[data-testid='age-band'] [data-id='25-34']")
        .await;
    thumb
        .click("[data-testid='material-seringues'] [data-testid='more-10']")
        .await;
    let naloxone = "[data-testid='material-trousses-naloxone'] input.qty";
    thumb.click(naloxone).await;
    // Typed on the numeric keypad: a key, not a tap on the screen.
    e2e.browser
        .find(Locator::Css(naloxone))
        .await
        .unwrap()
        .send_keys("2")
        .await
        .unwrap();
    e2e.wait_value(naloxone, "2").await;
    e2e.wait_value("[data-testid='material-seringues'] input.qty", "10")
        .await;
    thumb
        .click("[data-testid='referrals'] [data-id='clsc']")
        .await;
    e2e.shot("02-filled").await;
    thumb.click("[data-testid='save']").await;
    e2e.wait_text(".notice", "the saved notice", |t| {
        t == "Contact enregistré."
    })
    .await;
    assert!(thumb.clicks <= 6, "{} clicks", thumb.clicks);

    // A bundle: one tap adds its four materials, then +5 on top.
    e2e.tap_id("new-contact").await;
    e2e.tap("[data-testid='age-band'] [data-id='18-24']").await;
    e2e.tap_id("bundle-trousse-injection").await;
    e2e.wait_value("[data-testid='material-stericups'] input.qty", "10")
        .await;
    e2e.tap("[data-testid='material-seringues'] [data-testid='more-5']")
        .await;
    e2e.wait_value("[data-testid='material-seringues'] input.qty", "15")
        .await;
    e2e.shot("03-bundle").await;
    e2e.tap_id("save").await;
    e2e.wait_text(".notice", "the saved notice", |t| {
        t == "Contact enregistré."
    })
    .await;

    let month = chrono::Local::now().format("%Y-%m").to_string();
    let started = Instant::now();
    while month_tally(&e2e.server, &month).contacts < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the contacts were not sent by themselves"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let tally = month_tally(&e2e.server, &month);
    assert_eq!(tally.contacts, 3);
    assert_eq!(tally.materials["seringues"], 25);
    assert_eq!(tally.materials["trousses-naloxone"], 2);
    assert_eq!(tally.materials["stericups"], 10);
    assert_eq!(tally.materials["eau-sterile"], 10);
    assert_eq!(tally.materials["tampons-alcool"], 10);
    assert_eq!(tally.referrals["clsc"], 1);
    assert_eq!(tally.by_age_band["25-34"].contacts, 1);
    assert_eq!(tally.by_zone["pontiac"].contacts, 3);
    e2e.finish().await;
}
