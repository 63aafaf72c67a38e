//! The worker app's end-to-end harness: `tournee app`'s liveview server on
//! one phone and a real `tournee serve` on loopback, driven by taps in
//! headless Chromium (fantoccini). Elements are found by `data-testid` and
//! waited for by polling, never by sleeping a fixed time; each step's
//! screen is saved and checked with axe-core ([`super::browser`]).

use super::TestServer;
use super::browser::{Browser, screenshot_dir};
use fantoccini::{Client, Locator};
use std::time::{Duration, Instant};
use tournee::app::{Phone, liveview};
use tournee::domain::wire::enroll_link::EnrollLink;

pub const PIN: &str = "482193";
/// Generous: a busy CI runner may take seconds for a PBKDF2 unlock.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// One browser on the app: the taps, waits and checks of a test, with
/// what axe-core found on each screen shot so far.
pub struct Tab {
    pub name: String,
    pub browser: Client,
    axe: std::sync::Mutex<Vec<String>>,
    chrome: Browser,
}

/// One test's world: a sync server, the app on its own home (one phone,
/// whose every connection is a view of its own), a first browser.
pub struct E2e {
    tab: Tab,
    pub server: TestServer,
    pub app_url: String,
    pub phone: Phone,
    pub home: tempfile::TempDir,
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
pub const PHONE: (u32, u32) = (390, 844);
pub const SMALL_PHONE: (u32, u32) = (360, 640);

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
    pub async fn start(name: &'static str) -> E2e {
        E2e::start_at(name, PHONE).await
    }

    pub async fn start_at(name: &'static str, size: (u32, u32)) -> E2e {
        E2e::start_with(name, size, false).await
    }

    /// With a phone camera that films the enrollment QR code of a fresh
    /// code from this test's server.
    pub async fn start_filming_a_qr_code(name: &'static str) -> E2e {
        E2e::start_with(name, PHONE, true).await
    }

    pub async fn start_with(name: &'static str, (width, height): (u32, u32), camera: bool) -> E2e {
        let server = TestServer::spawn().await;
        let film = tempfile::tempdir().unwrap();
        let video = film.path().join("qr.y4m");
        if camera {
            let text = EnrollLink::to_text(&server.url, &server.code().await);
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
            home,
            _film: film,
            _stop_app: stop_app,
        }
    }

    /// A second browser on the same app (another phone-sized Chromium):
    /// another connection to the same phone.
    pub async fn another_tab(&self, name: &str) -> Tab {
        clear_screenshots(name);
        Tab::on(name, Browser::phone(PHONE.0, PHONE.1).await, &self.app_url).await
    }

    pub fn css(testid: &str) -> String {
        Tab::css(testid)
    }

    /// The PIN twice; lands on the enrollment step, with the way on
    /// ("Continuer hors ligne") in view.
    pub async fn first_run(&self) {
        self.fill("pin", PIN).await;
        self.fill("pin-again", PIN).await;
        self.assert_in_view("pin-next").await;
        self.shot("01-first-run").await;
        self.tap_id("pin-next").await;
        self.wait_for(&Self::css("enroll-code")).await;
        self.assert_in_view("continue-offline").await;
    }

    /// Enrolls with the test server's code; the way on is in view after.
    pub async fn enroll(&self) {
        self.fill("server-address", &self.server.url).await;
        let code = self.server.code().await;
        self.fill("enroll-code", &code).await;
        self.tap_enroll().await;
    }

    /// Taps "Inscrire" and waits for the phone to be enrolled, with the
    /// way on in view.
    pub async fn tap_enroll(&self) {
        self.tap_id("enroll").await;
        self.wait_text(&Self::css("enrolled"), "the enrollment", |t| {
            t.starts_with("Inscrit auprès de")
        })
        .await;
        self.assert_in_view("continue").await;
    }

    pub async fn finish(self) {
        self.tab.finish().await;
    }
}

impl Tab {
    pub async fn on(name: &str, chrome: Browser, app_url: &str) -> Tab {
        let browser = chrome.client.clone();
        browser.goto(app_url).await.unwrap();
        Tab {
            name: name.to_string(),
            browser,
            axe: Default::default(),
            chrome,
        }
    }

    pub fn css(testid: &str) -> String {
        format!("[data-testid='{testid}']")
    }

    /// The browser's profile folder (`--user-data-dir`): all it keeps.
    pub fn profile(&self) -> &std::path::Path {
        self.chrome.profile()
    }

    /// Polls until `selector` matches, then until `accept` says yes to it.
    pub async fn wait_text(
        &self,
        selector: &str,
        what: &str,
        accept: impl Fn(&str) -> bool,
    ) -> String {
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

    /// Polls until the input under `selector` holds `want`.
    pub async fn wait_value(&self, selector: &str, want: &str) {
        let started = Instant::now();
        let mut last = None;
        loop {
            if let Ok(element) = self.browser.find(Locator::Css(selector)).await
                && let Ok(value) = element.prop("value").await
            {
                if value.as_deref() == Some(want) {
                    return;
                }
                last = value;
            }
            if started.elapsed() > PATIENCE {
                self.shot("timeout").await;
                panic!(
                    "{}: {selector} never held {want:?}; last: {last:?}",
                    self.name
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_for(&self, selector: &str) {
        self.wait_text(selector, "the element", |_| true).await;
    }

    /// Taps the element, waiting for it (re-rendered nodes go stale: retry).
    pub async fn tap(&self, selector: &str) {
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

    pub async fn tap_id(&self, testid: &str) {
        self.tap(&Tab::css(testid)).await;
    }

    /// Types into a field as one input event: the server sees the whole
    /// value at once, before any tap that follows on the same socket.
    pub async fn fill(&self, testid: &str, text: &str) {
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
    pub async fn assert_in_view(&self, testid: &str) {
        let selector = Tab::css(testid);
        self.browser
            .execute("window.scrollTo(0, 0);", vec![])
            .await
            .unwrap();
        let seen = self.where_on_screen(&selector).await;
        if seen != "ok" {
            self.shot("not-in-view").await;
            panic!(
                "{}: {testid} is not in view without scrolling: {seen}",
                self.name
            );
        }
    }

    /// "ok" when `selector` is whole on screen, uncovered, with the page
    /// never scrolled; otherwise where it is and why it cannot be tapped.
    pub async fn where_on_screen(&self, selector: &str) -> String {
        self.wait_for(selector).await;
        let seen = self
            .browser
            .execute(
                "const e = document.querySelector(arguments[0]);
                 if (!e) return 'missing';
                 const r = e.getBoundingClientRect();
                 const where = JSON.stringify([r.left, r.top, r.right, r.bottom]) +
                   ' in ' + innerWidth + 'x' + innerHeight + ', scrolled ' + scrollY;
                 if (scrollY !== 0) return 'the page was scrolled: ' + where;
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
        seen.as_str().unwrap_or("not a string").to_string()
    }

    /// Saves this step's screen and checks it with axe-core: serious and
    /// critical violations are kept and fail the test at [`E2e::finish`].
    pub async fn shot(&self, step: &str) {
        if let Ok(png) = self.browser.screenshot().await {
            let path = screenshot_dir().join(format!("{}-{step}.png", self.name));
            let _ = std::fs::write(path, png);
        }
        if step != "timeout" && step != "not-in-view" {
            let found = self.chrome.axe_serious().await;
            let mut kept = self.axe.lock().unwrap();
            kept.extend(found.into_iter().map(|v| format!("{step}: {v}")));
        }
    }

    /// A contact by taps from Home (Pontiac, known person, 18-24), saved.
    pub async fn save_a_contact(&self) {
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
    pub async fn attribute(&self, testid: &str, name: &str) -> Option<String> {
        let selector = Tab::css(testid);
        self.wait_for(&selector).await;
        let element = self.browser.find(Locator::Css(&selector)).await.unwrap();
        element.attr(name).await.unwrap()
    }

    /// Closes the browser (its connection to the app ends) and fails the
    /// test on what axe-core found.
    pub async fn finish(self) {
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

/// A one-frame Y4M video (what Chromium's fake camera plays) of `text` as
/// a QR code, black on white in the middle of a 640 x 480 picture.
pub fn qr_video(text: &str) -> Vec<u8> {
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
