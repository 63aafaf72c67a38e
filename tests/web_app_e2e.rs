//! The offline web app end to end, in headless Chromium emulating a
//! 390 x 844 phone, against a real `tournee serve` on loopback that the
//! test stops and starts again on the same port (the origin includes it).
//! First visit: PIN twice, enrollment by code (the address is the page's
//! own), two contacts. Server stopped: the app starts from its service
//! worker, unlocks, logs two more, keeps all four across a reload and
//! refuses a wrong PIN. Server back: the app syncs by itself and the
//! server holds exactly the four. A second tab says the app is open in
//! the first and leaves it alone. Then the browser's profile folder is
//! searched for what was logged (person codes, zone and material ids, in
//! UTF-8 and UTF-16): nothing. axe-core checks every screen.
//!
//! A second test enrolls by filming the server's QR code with the
//! phone's camera (Chromium's fake camera; the frames are decoded in wasm)
//! and then saves contacts one after the other for the save times.
//!
//! They print figures as a report (never asserted): the bundle's bytes,
//! an offline reload to the unlock screen, unlock in the browser against
//! native, and the time from the Save tap to the saved notice (p50 and
//! p99 over many saves). The two tests take turns, so that neither's
//! figures pay for the other's browser.

mod common;
use common::admin;

use common::app_e2e::{PHONE, PIN, Tab, qr_video};
use common::browser::Browser;
use fantoccini::Locator;
use std::io::Write as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tournee::domain::catalog::{CatalogEntry, CatalogId};
use tournee::domain::wire::enroll_link::EnrollLink;

/// One browser at a time (see the module's note on figures).
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Saves timed by the second test: enough for a p99 that is not the worst.
const TIMED_SAVES: usize = 100;

/// Unlike anything in the app's code or the default catalog, so a hit in
/// the profile can only come from what the test logged.
const ZONE: &str = "zone-essai-qv7k";
const MATERIAL: &str = "materiel-essai-wz3p";
const CODES: [&str; 4] = ["KQ7XW2", "ZP4MV9", "HX8TC3", "RB5NJ6"];

struct Serve {
    child: Child,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    async fn start(data: &Path, port: u16) -> Serve {
        let child = Command::new(env!("CARGO_BIN_EXE_tournee"))
            .args(["serve", "--data"])
            .arg(data)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env_remove("TOURNEE_LANG")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tournee serve starts");
        let serve = Serve { child };
        let started = Instant::now();
        let client = reqwest::Client::new();
        loop {
            let health = client
                .get(format!("http://127.0.0.1:{port}/healthz"))
                .send()
                .await;
            if health.is_ok_and(|answer| answer.status().is_success()) {
                return serve;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "tournee serve did not answer on port {port}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A zone and a material only this test uses, in the server's catalog
/// before the phone enrolls (it gets the catalog at enrollment).
async fn add_test_entries(data: &Path) {
    let mut catalog = admin(data).catalog().await.unwrap();
    let entry = |id: &str, fr: &str, en: &str| CatalogEntry {
        id: CatalogId::parse(id).unwrap(),
        fr: fr.into(),
        en: en.into(),
        active: true,
    };
    catalog
        .zones
        .push(entry(ZONE, "Secteur d'essai", "Test area"));
    catalog
        .materials
        .push(entry(MATERIAL, "Matériel d'essai", "Test supply"));
    catalog.version += 1;
    admin(data).replace_catalog(&catalog).await.unwrap();
}

async fn contacts_on_server(data: &Path) -> u64 {
    admin(data)
        .list_devices()
        .await
        .unwrap()
        .iter()
        .map(|d| d.records)
        .sum()
}

/// Runs `script` (with `done` as its callback) and returns its answer.
async fn script(tab: &Tab, script: &str) -> serde_json::Value {
    tab.browser
        .execute_async(
            &format!("const done = arguments[arguments.length - 1]; {script}"),
            vec![],
        )
        .await
        .unwrap()
}

/// Unlocks and waits for Home; returns how long the unlock took.
async fn unlock(tab: &Tab, pin: &str) -> Duration {
    tab.fill("pin", pin).await;
    let took = timed_click(
        tab,
        "unlock",
        "document.querySelector(\"[data-testid='new-contact']\")",
    )
    .await;
    tab.wait_for(&Tab::css("new-contact")).await;
    took
}

/// Clicks the button `testid` in the page and returns the time until
/// `shown` (a script expression) is true, measured in the page so that
/// the figure is the app's and not the WebDriver round trips'.
async fn timed_click(tab: &Tab, testid: &str, shown: &str) -> Duration {
    let took = script(
        tab,
        &format!(
            "const shown = () => {shown};
             const started = performance.now();
             const watch = new MutationObserver(() => {{
               if (shown()) {{ watch.disconnect(); done(performance.now() - started); }}
             }});
             watch.observe(document.body, {{ subtree: true, childList: true, characterData: true }});
             document.querySelector(\"[data-testid='{testid}']\").click();
             setTimeout(() => {{ watch.disconnect(); done('nothing after 20 s'); }}, 20000);"
        ),
    )
    .await;
    let ms = took.as_f64().unwrap_or_else(|| panic!("{testid}: {took}"));
    Duration::from_secs_f64(ms / 1000.0)
}

/// Milliseconds from the start of the page's navigation (the reload) to
/// `shown`, measured in the page.
async fn since_navigation(tab: &Tab, shown: &str) -> Duration {
    let at = script(
        tab,
        &format!(
            "const shown = () => {shown};
             const look = () => shown() ? done(performance.now()) : setTimeout(look, 5);
             look();"
        ),
    )
    .await;
    let ms = at.as_f64().unwrap_or_else(|| panic!("{at}"));
    Duration::from_secs_f64(ms / 1000.0)
}

/// A contact with the test zone and the test material, and a person code
/// if given; returns the time from the Save tap to the saved notice.
async fn log_contact(tab: &Tab, code: Option<&str>) -> Duration {
    tab.tap_id("tab-home").await;
    tab.tap_id("new-contact").await;
    tab.tap(&format!("[data-testid='zone'] [data-id='{ZONE}']"))
        .await;
    tab.tap("[data-testid='kind'] [data-id='known']").await;
    tab.tap("[data-testid='age-band'] [data-id='18-24']").await;
    // A material new to this phone is under "Autres matériels" until it
    // has been handed out once; then it is among the usual ones.
    let row = format!("[data-testid='material-{MATERIAL}']");
    let shown = tab.browser.find_all(Locator::Css(&row)).await.unwrap();
    if shown.is_empty() {
        tab.tap_id("other-materials").await;
    }
    tab.tap(&format!("{row} [data-testid='more']")).await;
    if let Some(code) = code {
        tab.fill("person-code", code).await;
    }
    let took = timed_click(
        tab,
        "save",
        "document.querySelector('.notice')?.textContent.trim() === 'Contact enregistré.'",
    )
    .await;
    tab.wait_text(".notice", "the saved notice", |t| {
        t == "Contact enregistré."
    })
    .await;
    took
}

/// How many records Today lists, and how many of them are marked sent.
async fn today(tab: &Tab) -> (usize, usize) {
    tab.tap_id("tab-today").await;
    tab.wait_for(&Tab::css("records")).await;
    let listed = tab
        .browser
        .find_all(Locator::Css("[data-testid='records'] > li"))
        .await
        .unwrap()
        .len();
    let sent = tab
        .browser
        .find_all(Locator::Css("[data-testid='records'] [data-testid='sent']"))
        .await
        .unwrap()
        .len();
    (listed, sent)
}

/// Every file of the profile that holds `needle` in UTF-8 or UTF-16.
fn files_holding(dir: &Path, needle: &str, hits: &mut Vec<String>) {
    let utf16le: Vec<u8> = needle
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let utf16be: Vec<u8> = needle
        .encode_utf16()
        .flat_map(|u| u.to_be_bytes())
        .collect();
    let forms = [needle.as_bytes().to_vec(), utf16le, utf16be];
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_holding(&path, needle, hits);
        } else if let Ok(bytes) = std::fs::read(&path) {
            let lower = bytes.to_ascii_lowercase();
            for form in &forms {
                let form = form.to_ascii_lowercase();
                if lower.windows(form.len()).any(|w| w == form.as_slice()) {
                    hits.push(format!("{needle} in {}", path.display()));
                }
            }
        }
    }
}

/// The `q` quantile of `times` in milliseconds (nearest rank).
fn quantile_ms(times: &[Duration], q: f64) -> f64 {
    let mut sorted = times.to_vec();
    sorted.sort();
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_app_logs_offline_and_syncs_by_itself_when_the_server_is_back() {
    let _turn = ONE_AT_A_TIME.lock().await;
    if let Some(why) = tournee::server::http::web_app::not_built() {
        panic!(
            "the offline web app is not in this build ({why}): install the wasm32 target, clang and llvm (README, \"The web app\")"
        );
    }
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let serve = Serve::start(data.path(), port).await;
    add_test_entries(data.path()).await;
    let origin = format!("http://127.0.0.1:{port}");
    let app_url = format!("{origin}/app/");

    let chrome = Browser::phone(PHONE.0, PHONE.1).await;
    let tab = Tab::on("web-app", chrome, &app_url).await;

    // First visit: the PIN twice, then enrollment with the page's address.
    tab.fill("pin", PIN).await;
    tab.fill("pin-again", PIN).await;
    tab.shot("01-first-run").await;
    tab.tap_id("pin-next").await;
    tab.wait_for(&Tab::css("enroll-code")).await;
    let address = tab
        .browser
        .execute(
            "return document.querySelector(\"[data-testid='server-address']\").value;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        address,
        serde_json::json!(origin),
        "the address is the page's"
    );
    let code = admin(data.path())
        .create_enroll_code("web", 1)
        .await
        .unwrap();
    tab.fill("enroll-code", &code).await;
    tab.shot("02-enroll").await;
    tab.tap_id("enroll").await;
    tab.wait_text(&Tab::css("enrolled"), "the enrollment", |t| {
        t.starts_with("Inscrit auprès de")
    })
    .await;
    tab.tap_id("continue").await;
    tab.wait_for(&Tab::css("new-contact")).await;
    tab.shot("03-home").await;
    // Settings says whether the browser promised to keep the store.
    tab.tap_id("tab-settings").await;
    tab.wait_text(&Tab::css("storage-persisted"), "the storage line", |t| {
        t.starts_with("Persistant") || t.starts_with("Non persistant")
    })
    .await;
    tab.shot("03-settings").await;

    let mut saves = Vec::new();
    for code in &CODES[..2] {
        saves.push(log_contact(&tab, Some(code)).await);
    }
    // The service worker holds the whole build before the server goes
    // (every file but itself, and the page at `./`).
    let cached = script(
        &tab,
        "navigator.serviceWorker.ready
           .then(() => caches.keys())
           .then(names => Promise.all(names.map(n => caches.open(n).then(c => c.keys()))))
           .then(lists => done(lists.flat().length))
           .catch(e => done('no service worker: ' + e));",
    )
    .await;
    let files = tournee::server::http::web_app::files().len() as u64;
    assert!(
        cached.as_u64().is_some_and(|n| n >= files),
        "precached {cached} of {files} files"
    );

    // The server goes away; the app starts from its service worker.
    serve.stop();
    tab.browser.goto(&app_url).await.unwrap();
    let offline_start =
        since_navigation(&tab, "document.querySelector(\"[data-testid='unlock']\")").await;
    tab.wait_for(&Tab::css("unlock")).await;
    tab.shot("04-offline-unlock").await;
    let browser_unlock = unlock(&tab, PIN).await;
    for code in &CODES[2..] {
        saves.push(log_contact(&tab, Some(code)).await);
    }
    tab.browser.goto(&app_url).await.unwrap();
    tab.wait_for(&Tab::css("unlock")).await;
    tab.fill("pin", "000000").await;
    tab.tap_id("unlock").await;
    tab.wait_text(".error", "the wrong PIN's message", |t| !t.is_empty())
        .await;
    tab.shot("05-wrong-pin").await;
    unlock(&tab, PIN).await;
    assert_eq!(today(&tab).await, (4, 0), "all four kept, none sent");
    tab.shot("06-today-offline").await;

    // The server is back on the same port: the phone syncs by itself.
    let serve = Serve::start(data.path(), port).await;
    let started = Instant::now();
    while contacts_on_server(data.path()).await < 4 {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the phone did not sync by itself: the server holds {}",
            contacts_on_server(data.path()).await
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    tab.tap_id("tab-home").await;
    tab.wait_text(&Tab::css("sync-chip"), "nothing waiting", |t| {
        t.starts_with("Tout est envoyé")
    })
    .await;
    let (listed, sent) = today(&tab).await;
    assert_eq!((listed, sent), (4, 4), "the four listed as sent");
    tab.shot("07-today-sent").await;
    assert_eq!(
        contacts_on_server(data.path()).await,
        4,
        "exactly the four, once"
    );

    // A second tab of the same browser: the phone is open in the first, so
    // it says so (a Web Lock) instead of opening the same store twice.
    let first = tab.browser.window().await.unwrap();
    let second = tab.browser.new_window(true).await.unwrap();
    tab.browser.switch_to_window(second.handle).await.unwrap();
    tab.browser.goto(&app_url).await.unwrap();
    tab.wait_text(
        &Tab::css("storage-problem"),
        "the open-elsewhere message",
        |t| t.contains("déjà ouverte dans un autre onglet"),
    )
    .await;
    tab.shot("08-second-tab").await;
    tab.browser.close_window().await.unwrap();
    tab.browser.switch_to_window(first).await.unwrap();
    assert_eq!(today(&tab).await, (4, 4), "the first tab goes on as it was");

    // Nothing logged is readable in what the browser keeps.
    let profile = tab.profile().to_path_buf();
    let mut hits = Vec::new();
    for needle in CODES.iter().copied().chain([ZONE, MATERIAL]) {
        files_holding(&profile, needle, &mut hits);
    }
    assert!(
        hits.is_empty(),
        "plaintext in the profile:\n{}",
        hits.join("\n")
    );

    // Figures, as a report.
    let native_unlock = {
        let home = tempfile::tempdir().unwrap();
        let pin = tournee::device::Pin::choose(PIN).unwrap();
        let catalog = tournee::domain::Catalog::default_quebec();
        drop(tournee::device::Store::create(home.path(), &pin, &catalog).unwrap());
        let started = Instant::now();
        drop(tournee::device::Store::open(home.path(), &pin).unwrap());
        started.elapsed()
    };
    let (raw, zipped) = bundle_bytes();
    let (p50, worst) = (quantile_ms(&saves, 0.5), quantile_ms(&saves, 1.0));
    let mut out = std::io::stderr();
    let _ = writeln!(
        out,
        "web app figures: bundle {raw} bytes ({zipped} gzipped); offline reload to unlock screen {:.0} ms; \
         unlock in the browser {:.0} ms vs native {:.0} ms (x{:.1}); Save tap to notice p50 {p50:.0} ms, worst {worst:.0} ms (4 saves)",
        offline_start.as_secs_f64() * 1000.0,
        browser_unlock.as_secs_f64() * 1000.0,
        native_unlock.as_secs_f64() * 1000.0,
        browser_unlock.as_secs_f64() / native_unlock.as_secs_f64(),
    );
    drop(serve);
    tab.finish().await;
}

/// Enrollment by the camera in the browser: Chromium's fake camera films
/// the QR code of a fresh code for this server's address; the page's
/// frames are decoded by the app in wasm, which fills the address and the
/// code, and one tap enrolls. Then many saves, timed, as a worker logs a
/// busy night; they all reach the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_app_enrolls_by_camera_and_times_its_saves() {
    let _turn = ONE_AT_A_TIME.lock().await;
    assert!(
        tournee::server::http::web_app::not_built().is_none(),
        "the offline web app is not in this build"
    );
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let serve = Serve::start(data.path(), port).await;
    add_test_entries(data.path()).await;
    let origin = format!("http://127.0.0.1:{port}");
    let code = admin(data.path())
        .create_enroll_code("camera", 1)
        .await
        .unwrap();
    let film = tempfile::tempdir().unwrap();
    let video = film.path().join("qr.y4m");
    std::fs::write(&video, qr_video(&EnrollLink::to_text(&origin, &code))).unwrap();

    let chrome = Browser::phone_with_camera(PHONE.0, PHONE.1, &video).await;
    let tab = Tab::on("web-app-camera", chrome, &format!("{origin}/app/")).await;
    tab.fill("pin", PIN).await;
    tab.fill("pin-again", PIN).await;
    tab.tap_id("pin-next").await;
    tab.tap_id("scan").await;
    tab.wait_for(&Tab::css("qr-video")).await;
    tab.shot("01-camera").await;
    tab.wait_text(&Tab::css("scan-note"), "the code read", |t| {
        t.starts_with("Code lu.")
    })
    .await;
    let typed = tab
        .browser
        .execute(
            "return document.querySelector(\"[data-testid='enroll-code']\").value;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        typed,
        serde_json::json!(code),
        "the code read from the film"
    );
    assert!(
        tab.browser
            .find(Locator::Css(&Tab::css("qr-video")))
            .await
            .is_err(),
        "the camera is still on"
    );
    tab.shot("02-code-read").await;
    tab.tap_id("enroll").await;
    tab.wait_text(&Tab::css("enrolled"), "the enrollment", |t| {
        t.starts_with("Inscrit auprès de")
    })
    .await;
    tab.tap_id("continue").await;
    tab.wait_for(&Tab::css("new-contact")).await;

    let mut saves = Vec::with_capacity(TIMED_SAVES);
    for _ in 0..TIMED_SAVES {
        saves.push(log_contact(&tab, None).await);
    }
    let started = Instant::now();
    while contacts_on_server(data.path()).await < TIMED_SAVES as u64 {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the phone did not send its contacts: the server holds {}",
            contacts_on_server(data.path()).await
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(contacts_on_server(data.path()).await, TIMED_SAVES as u64);
    let _ = writeln!(
        std::io::stderr(),
        "web app figures: Save tap to notice p50 {:.0} ms, p99 {:.0} ms, worst {:.0} ms ({TIMED_SAVES} saves, syncing as they go)",
        quantile_ms(&saves, 0.5),
        quantile_ms(&saves, 0.99),
        quantile_ms(&saves, 1.0),
    );
    drop(serve);
    tab.finish().await;
}

/// The bytes a phone downloads at its first visit, raw and gzipped.
fn bundle_bytes() -> (usize, usize) {
    let mut raw = 0;
    let mut zipped = 0;
    for (_, bytes) in tournee::server::http::web_app::files() {
        raw += bytes.len();
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes).unwrap();
        zipped += encoder.finish().unwrap().len();
    }
    (raw, zipped)
}

/// Served without TLS under a real name (not localhost), the page is an
/// insecure context: no service worker, no private file system, no Web
/// Locks. The app says that the address is not secure and which one to
/// open, and offers no way to log (never a store in memory that a reload
/// would lose).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_https_the_web_app_says_the_address_is_not_secure_and_logs_nothing() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let serve = Serve::start(data.path(), port).await;
    let host = "tournee.test";
    let chrome = Browser::phone_resolving(PHONE.0, PHONE.1, host).await;
    let tab = Tab::on(
        "web-app-insecure",
        chrome,
        &format!("http://{host}:{port}/app/"),
    )
    .await;
    tab.wait_text(&Tab::css("storage-problem"), "the storage message", |t| {
        t.starts_with("Cette adresse n'est pas protégée")
    })
    .await;
    tab.shot("01-insecure").await;
    for field in ["pin", "pin-again", "new-contact", "enroll-code"] {
        assert!(
            tab.browser
                .find(Locator::Css(&Tab::css(field)))
                .await
                .is_err(),
            "{field} is offered on a page that cannot keep data"
        );
    }
    drop(serve);
    tab.finish().await;
}
