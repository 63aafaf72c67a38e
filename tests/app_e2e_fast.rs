//! Fast entry end to end in headless Chromium on a 390 x 844 phone (the
//! liveview app over a real phone home, a real server on loopback): the
//! typical contact of the field-data walkthrough, "known person, 10
//! syringes, 2 naloxone kits, referral to CLSC", from Home in at most six
//! clicks, every one on something already on screen with the page never
//! scrolled; the quantity typed on the keypad; then a bundle adds its
//! materials in one tap; then the details of contact version 2 (naloxone
//! kits' detail, materials for others, mode, place). The server counts
//! exactly what was tapped.

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

    // Version 2's details, below the fold: kits bring up their detail;
    // materials for others count apart; mode and place are chips.
    e2e.tap_id("new-contact").await;
    e2e.tap("[data-testid='age-band'] [data-id='35-49']").await;
    e2e.tap_id("other-materials").await;
    e2e.tap("[data-testid='material-trousses-naloxone'] [data-testid='more']")
        .await;
    e2e.tap("[data-testid='kit-form'] [data-id='nasal']").await;
    e2e.tap("[data-testid='kit-supply'] [data-id='first']")
        .await;
    e2e.tap("[data-testid='trained'] [data-testid='more']")
        .await;
    e2e.tap_id("for-others").await;
    e2e.tap("[data-testid='others'] [data-testid='material-seringues'] [data-testid='more-10']")
        .await;
    e2e.tap("[data-testid='mode'] [data-id='en-personne']")
        .await;
    e2e.tap("[data-testid='location'] [data-id='refuge']").await;
    e2e.shot("04-details").await;
    e2e.tap_id("save").await;
    e2e.wait_text(".notice", "the saved notice", |t| {
        t == "Contact enregistré."
    })
    .await;

    let month = chrono::Local::now().format("%Y-%m").to_string();
    let started = Instant::now();
    while month_tally(&e2e.server, &month).await.contacts < 4 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the contacts were not sent by themselves"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let tally = month_tally(&e2e.server, &month).await;
    assert_eq!(tally.contacts, 4);
    assert_eq!(tally.materials["seringues"], 25, "not the ones for others");
    assert_eq!(tally.materials["trousses-naloxone"], 3);
    let details = &tally.details;
    assert_eq!(details.materials_for_others["seringues"], 10);
    assert_eq!(details.kits_by_form["nasal"], 1);
    assert_eq!(details.kits_by_supply["first"], 1);
    assert_eq!(details.people_trained, 1);
    assert_eq!(details.by_mode["en-personne"], 1);
    assert_eq!(details.by_location_type["refuge"], 1);
    assert_eq!(tally.materials["stericups"], 10);
    assert_eq!(tally.materials["eau-sterile"], 10);
    assert_eq!(tally.materials["tampons-alcool"], 10);
    assert_eq!(tally.referrals["clsc"], 1);
    assert_eq!(tally.by_age_band["25-34"].contacts, 1);
    assert_eq!(tally.by_zone["pontiac"].contacts, 4);
    e2e.finish().await;
}
