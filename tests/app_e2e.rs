//! End to end in a real browser: `tournee app`'s liveview server and a
//! real `tournee serve` on loopback, driven by taps in headless Chromium
//! through chromedriver (fantoccini). Elements are found by `data-testid`
//! and waited for by polling, never by sleeping a fixed time.
//!
//! Every browser is a connection of its own to the app's phone: it starts
//! at the PIN screen, whatever the other browsers did.
//!
//! Needs `/usr/bin/chromium` (or `$CHROME`) and `chromedriver` on the
//! PATH (or `$CHROMEDRIVER`); the tests fail, loudly, when they are
//! missing. Each step's screen is saved as a PNG under
//! `<target>/e2e-screenshots/<test>-<step>.png`.

mod common;

use common::TestServer;
use common::browser::{Browser, screenshot_dir};
use fantoccini::{Client, Locator};
use std::time::{Duration, Instant};
use tournee::app::prefs::Prefs;
use tournee::app::{Phone, liveview};
use tournee::device::{Pin, Store};
use tournee::domain::wire::enroll_link::EnrollLink;

const PIN: &str = "482193";
/// Generous: a busy CI runner may take seconds for a PBKDF2 unlock.
const PATIENCE: Duration = Duration::from_secs(20);

/// One browser on the app: the taps, waits and checks of a test, with
/// what axe-core found on each screen shot so far.
struct Tab {
    name: String,
    browser: Client,
    axe: std::sync::Mutex<Vec<String>>,
    _chrome: Browser,
}

/// One test's world: a sync server, the app on its own home (one phone,
/// whose every connection is a view of its own), a first browser.
struct E2e {
    tab: Tab,
    server: TestServer,
    app_url: String,
    phone: Phone,
    _home: tempfile::TempDir,
    _film: tempfile::TempDir,
    _stop_app: tokio::sync::oneshot::Sender<()>,
}

impl std::ops::Deref for E2e {
    type Target = Tab;
    fn deref(&self) -> &Tab {
        &self.tab
    }
}

/// The phones the app is laid out for: a common one and a small one.
const PHONE: (u32, u32) = (390, 844);
const SMALL_PHONE: (u32, u32) = (360, 640);

/// Forgets this test's pictures from an earlier run: they would mislead.
fn clear_screenshots(name: &str) {
    std::fs::create_dir_all(screenshot_dir()).unwrap();
    for old in std::fs::read_dir(screenshot_dir()).unwrap().flatten() {
        if old
            .file_name()
            .to_string_lossy()
            .starts_with(&format!("{name}-"))
        {
            let _ = std::fs::remove_file(old.path());
        }
    }
}

impl E2e {
    async fn start(name: &'static str) -> E2e {
        E2e::start_at(name, PHONE).await
    }

    async fn start_at(name: &'static str, size: (u32, u32)) -> E2e {
        E2e::start_with(name, size, false).await
    }

    /// With a phone camera that films the enrollment QR code of a fresh
    /// code from this test's server.
    async fn start_filming_a_qr_code(name: &'static str) -> E2e {
        E2e::start_with(name, PHONE, true).await
    }

    async fn start_with(name: &'static str, (width, height): (u32, u32), camera: bool) -> E2e {
        let server = TestServer::spawn().await;
        let film = tempfile::tempdir().unwrap();
        let video = film.path().join("qr.y4m");
        if camera {
            let text = EnrollLink::to_text(&server.url, &server.code());
            std::fs::write(&video, qr_video(&text)).unwrap();
        }

        let home = tempfile::tempdir().unwrap();
        let phone = Phone::new(home.path());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let app_url = format!("http://{}/app", listener.local_addr().unwrap());
        let (stop_app, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(liveview::serve(listener, phone.clone(), async move {
            let _ = stopped.await;
        }));

        clear_screenshots(name);
        let chrome = if camera {
            Browser::phone_with_camera(width, height, &video).await
        } else {
            Browser::phone(width, height).await
        };
        let tab = Tab::on(name, chrome, &app_url).await;
        E2e {
            tab,
            server,
            app_url,
            phone,
            _home: home,
            _film: film,
            _stop_app: stop_app,
        }
    }

    /// A second browser on the same app (another phone-sized Chromium):
    /// another connection to the same phone.
    async fn another_tab(&self, name: &str) -> Tab {
        clear_screenshots(name);
        Tab::on(name, Browser::phone(PHONE.0, PHONE.1).await, &self.app_url).await
    }

    fn css(testid: &str) -> String {
        Tab::css(testid)
    }

    /// The PIN twice; lands on the enrollment step, with the way on
    /// ("Continuer hors ligne") in view.
    async fn first_run(&self) {
        self.fill("pin", PIN).await;
        self.fill("pin-again", PIN).await;
        self.assert_in_view("pin-next").await;
        self.shot("01-first-run").await;
        self.tap_id("pin-next").await;
        self.wait_for(&Self::css("enroll-code")).await;
        self.assert_in_view("continue-offline").await;
    }

    /// Enrolls with the test server's code; the way on is in view after.
    async fn enroll(&self) {
        self.fill("server-address", &self.server.url).await;
        let code = self.server.code();
        self.fill("enroll-code", &code).await;
        self.tap_enroll().await;
    }

    /// Taps "Inscrire" and waits for the phone to be enrolled, with the
    /// way on in view.
    async fn tap_enroll(&self) {
        self.tap_id("enroll").await;
        self.wait_text(&Self::css("enrolled"), "the enrollment", |t| {
            t.starts_with("Inscrit auprès de")
        })
        .await;
        self.assert_in_view("continue").await;
    }

    async fn finish(self) {
        self.tab.finish().await;
    }
}

impl Tab {
    async fn on(name: &str, chrome: Browser, app_url: &str) -> Tab {
        let browser = chrome.client.clone();
        browser.goto(app_url).await.unwrap();
        Tab {
            name: name.to_string(),
            browser,
            axe: Default::default(),
            _chrome: chrome,
        }
    }

    fn css(testid: &str) -> String {
        format!("[data-testid='{testid}']")
    }
    /// Polls until `selector` matches, then until `accept` says yes to it.
    async fn wait_text(&self, selector: &str, what: &str, accept: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        let mut last = String::new();
        loop {
            if let Ok(element) = self.browser.find(Locator::Css(selector)).await
                && let Ok(text) = element.text().await
            {
                if accept(&text) {
                    return text;
                }
                last = text;
            }
            if started.elapsed() > PATIENCE {
                self.shot("timeout").await;
                panic!(
                    "{}: {what} never showed in {selector}; last text: {last:?}",
                    self.name
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn wait_for(&self, selector: &str) {
        self.wait_text(selector, "the element", |_| true).await;
    }

    /// Taps the element, waiting for it (re-rendered nodes go stale: retry).
    async fn tap(&self, selector: &str) {
        let started = Instant::now();
        loop {
            // Bring it above the fixed tab bar first, as a thumb would scroll.
            let _ = self
                .browser
                .execute(
                    "const e = document.querySelector(arguments[0]);
                     if (e) e.scrollIntoView({ block: 'center' });",
                    vec![selector.into()],
                )
                .await;
            if let Ok(element) = self.browser.find(Locator::Css(selector)).await
                && element.click().await.is_ok()
            {
                return;
            }
            if started.elapsed() > PATIENCE {
                self.shot("timeout").await;
                panic!("{}: could not tap {selector}", self.name);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn tap_id(&self, testid: &str) {
        self.tap(&Tab::css(testid)).await;
    }

    /// Types into a field as one input event: the server sees the whole
    /// value at once, before any tap that follows on the same socket.
    async fn fill(&self, testid: &str, text: &str) {
        let selector = Tab::css(testid);
        self.wait_for(&selector).await;
        let typed = self
            .browser
            .execute(
                "const e = document.querySelector(arguments[0]);
                 if (!e) return false;
                 e.focus();
                 e.value = arguments[1];
                 e.dispatchEvent(new Event('input', { bubbles: true }));
                 return e.value === arguments[1];",
                vec![selector.into(), text.into()],
            )
            .await;
        assert!(
            matches!(typed, Ok(serde_json::Value::Bool(true))),
            "{}: the field {testid} did not take {text:?}: {typed:?}",
            self.name
        );
    }

    /// Whether the element is on screen with the page scrolled to the top,
    /// and not hidden under the tab bar or anything else: what a worker
    /// sees without scrolling.
    async fn assert_in_view(&self, testid: &str) {
        let selector = Tab::css(testid);
        self.wait_for(&selector).await;
        let seen = self
            .browser
            .execute(
                "window.scrollTo(0, 0);
                 const e = document.querySelector(arguments[0]);
                 if (!e) return 'missing';
                 const r = e.getBoundingClientRect();
                 const where = JSON.stringify([r.left, r.top, r.right, r.bottom]) +
                   ' in ' + innerWidth + 'x' + innerHeight;
                 if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth)
                   return 'off screen: ' + where;
                 const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
                 if (!(hit === e || e.contains(hit)))
                   return 'covered by ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing') + ': ' + where;
                 return 'ok';",
                vec![selector.into()],
            )
            .await
            .unwrap();
        if seen != serde_json::json!("ok") {
            self.shot("not-in-view").await;
            panic!(
                "{}: {testid} is not in view without scrolling: {seen}",
                self.name
            );
        }
    }

    /// Saves this step's screen and checks it with axe-core: serious and
    /// critical violations are kept and fail the test at [`E2e::finish`].
    async fn shot(&self, step: &str) {
        if let Ok(png) = self.browser.screenshot().await {
            let path = screenshot_dir().join(format!("{}-{step}.png", self.name));
            let _ = std::fs::write(path, png);
        }
        if step != "timeout" && step != "not-in-view" {
            let found = self._chrome.axe_serious().await;
            let mut kept = self.axe.lock().unwrap();
            kept.extend(found.into_iter().map(|v| format!("{step}: {v}")));
        }
    }

    /// A contact by taps from Home (Pontiac, known person, 18-24), saved.
    async fn save_a_contact(&self) {
        self.tap_id("tab-home").await;
        self.tap_id("new-contact").await;
        self.tap("[data-testid='zone'] [data-id='pontiac']").await;
        self.tap("[data-testid='kind'] [data-id='known']").await;
        self.tap("[data-testid='age-band'] [data-id='18-24']").await;
        self.tap_id("save").await;
        self.wait_text(".notice", "the saved notice", |t| {
            t == "Contact enregistré."
        })
        .await;
    }

    /// The attribute `name` of the element, once it is there.
    async fn attribute(&self, testid: &str, name: &str) -> Option<String> {
        let selector = Tab::css(testid);
        self.wait_for(&selector).await;
        let element = self.browser.find(Locator::Css(&selector)).await.unwrap();
        element.attr(name).await.unwrap()
    }

    /// Closes the browser (its connection to the app ends) and fails the
    /// test on what axe-core found.
    async fn finish(self) {
        let _ = self.browser.close().await;
        let axe = self.axe.lock().unwrap();
        assert!(
            axe.is_empty(),
            "{}: accessibility problems:\n{}",
            self.name,
            axe.join("\n")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_enroll_log_by_taps_repeat_and_sync() {
    let e2e = E2e::start("enroll-log-sync").await;
    e2e.first_run().await;

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
    e2e.wait_text(
        "[data-testid='material-seringues'] .qty",
        "one syringe",
        |t| t == "1",
    )
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
    e2e.wait_text(
        "[data-testid='material-seringues'] .qty",
        "two syringes",
        |t| t == "2",
    )
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
        t.contains("En attente d'envoi : 0 enregistrement(s).")
    })
    .await;
    e2e.shot("07-synced").await;
    let started = Instant::now();
    while e2e.server.records() < 2 && started.elapsed() < PATIENCE {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(e2e.server.records(), 2, "records on the server");
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
        while Prefs::load(e2e._home.path()).pin_tries.wrong_in_a_row < attempt {
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
    assert_eq!(e2e.phone.unlocked_sessions(), 1);

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
    assert_eq!(e2e.phone.unlocked_sessions(), 2);
    second.tap_id("lock").await;
    second
        .wait_text("h1", "locked again", |t| t == "Tournée est verrouillé")
        .await;
    assert_eq!(e2e.phone.unlocked_sessions(), 1);
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
    assert_eq!(e2e.phone.unlocked_sessions(), 2);
    second.finish().await;
    let started = Instant::now();
    while e2e.phone.unlocked_sessions() > 1 {
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
    common::old_store::make(e2e._home.path(), "4821", &["pontiac", "gatineau"]);
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
    assert!(Store::open(e2e._home.path(), &Pin::parse("4821").unwrap()).is_err());
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

/// A one-frame Y4M video (what Chromium's fake camera plays) of `text` as
/// a QR code, black on white in the middle of a 640 x 480 picture.
fn qr_video(text: &str) -> Vec<u8> {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let modules = code.width();
    let colors = code.to_colors();
    let (width, height, scale) = (640usize, 480usize, 8usize);
    let side = modules * scale;
    assert!(side + 32 <= height, "the code fits with its quiet zone");
    let (left, top) = ((width - side) / 2, (height - side) / 2);
    let mut luma = vec![235u8; width * height];
    for y in 0..side {
        for x in 0..side {
            if colors[(y / scale) * modules + x / scale] == qrcode::Color::Dark {
                luma[(top + y) * width + left + x] = 16;
            }
        }
    }
    let mut video =
        format!("YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\nFRAME\n").into_bytes();
    video.extend_from_slice(&luma);
    // No colour: both chroma planes at their middle value.
    video.extend(std::iter::repeat_n(128u8, width * height / 2));
    video
}
