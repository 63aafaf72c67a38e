//! Every dashboard page in real headless Chromium, signed in through the
//! form: found by following the site's own links from the menu, checked
//! by axe-core (no serious or critical violation), reachable by keyboard
//! (the first Tab lands on the skip link), and saved as a screenshot
//! under `<target>/e2e-screenshots/dashboard-*.png`.

mod common;

use common::browser::Browser;
use common::web::{page_kind, supervisor};
use common::{TestDevice, TestServer, options};
use fantoccini::Locator;
use std::collections::{BTreeSet, VecDeque};

const PASSWORD: &str = "une phrase de passe solide";
/// More than the dashboard has; a crawl that finds more is following junk.
const MAX_PAGES: usize = 40;

fn worth_visiting(href: &str) -> bool {
    href.starts_with('/')
        && !href.starts_with("//")
        && !href.starts_with("/lang/")
        && !href.starts_with("/api/")
        && !href.starts_with("/app")
        && !href.contains(".csv")
}

/// Fills and sends the sign-in form already on screen, as Marie.
async fn sign_in(browser: &Browser) {
    let web = &browser.client;
    for (field, text) in [("name", "Marie"), ("password", PASSWORD)] {
        let input = web.find(Locator::Id(field)).await.unwrap();
        input.send_keys(text).await.unwrap();
    }
    web.find(Locator::Css("form.signin button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_and_starts_with_a_skip_link() {
    let server = TestServer::spawn().await;
    supervisor(&server.server, "Marie", PASSWORD).await;
    // Something to show: two phones' contacts, and an overdose response
    // (its list and its declaration).
    for zone in ["gatineau", "pontiac"] {
        let mut phone = TestDevice::enroll(&server).await;
        phone.log(zone, 10);
        phone.log(zone, 3);
        let overdose = tournee::domain::OverdoseDraft {
            zone: zone.into(),
            responders: vec!["peer".into()],
            nasal_doses: Some("2".into()),
            call_911: "recovered".into(),
            outcome: "recovered-on-site".into(),
            substances: vec!["opioides".into()],
            ..Default::default()
        }
        .parse(
            &tournee::domain::Catalog::default_quebec(),
            chrono::Local::now().fixed_offset(),
        )
        .unwrap();
        phone.store.save_overdose(&overdose).unwrap();
        server.sync(&mut phone.store, &options(None)).await.unwrap();
    }
    let browser = Browser::start(1280, 900).await;
    let web = &browser.client;
    web.goto(&format!("{}/signin", server.url)).await.unwrap();
    assert!(
        browser.axe_serious().await.is_empty(),
        "sign-in page: {:?}",
        browser.axe_serious().await
    );
    browser.shot("dashboard-signin").await;
    sign_in(&browser).await;

    let mut queue: VecDeque<String> = VecDeque::from(["/".to_string()]);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut problems = Vec::new();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(page_kind(&path)) {
            continue;
        }
        assert!(seen.len() <= MAX_PAGES, "too many kinds of page: {seen:?}");
        web.goto(&format!("{}{path}", server.url)).await.unwrap();
        let here = web.current_url().await.unwrap();
        assert!(
            !here.path().starts_with("/signin"),
            "{path} sent us to sign in"
        );
        for violation in browser.axe_serious().await {
            problems.push(format!("{path}: {violation}"));
        }
        let name = page_kind(here.path()).replace(['/', '{', '}'], "-");
        browser.shot(&format!("dashboard{name}")).await;
        let links: Vec<String> = serde_json::from_value(
            web.execute(
                "return [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))",
                vec![],
            )
            .await
            .unwrap(),
        )
        .unwrap();
        queue.extend(links.into_iter().filter(|h| worth_visiting(h)));
    }
    assert!(problems.is_empty(), "axe found:\n{}", problems.join("\n"));
    assert!(
        seen.contains("/audit"),
        "the menu leads everywhere: {seen:?}"
    );

    // Keyboard: the first Tab reaches the skip link, visibly.
    web.goto(&format!("{}/audit", server.url)).await.unwrap();
    web.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("\u{E004}")
        .await
        .unwrap();
    let focused: serde_json::Value = web
        .execute(
            "const e = document.activeElement;
             return [e.className, getComputedStyle(e).outlineStyle, e.getBoundingClientRect().left];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focused[0], "skip", "{focused}");
    assert_ne!(focused[1], "none", "focus must be visible: {focused}");
    assert!(
        focused[2].as_f64().unwrap() >= 0.0,
        "the skip link shows when focused: {focused}"
    );
}

/// The enrollment code page as a supervisor's browser draws it: it passes
/// axe, and its QR code, read from a screenshot by the decoder the worker
/// app uses, is this server's address with the code printed beside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_enrollment_qr_code_on_screen_reads_as_this_servers_address_and_code() {
    let server = TestServer::spawn().await;
    supervisor(&server.server, "Marie", PASSWORD).await;
    let browser = Browser::start(1280, 900).await;
    let web = &browser.client;
    web.goto(&format!("{}/signin?next=/enroll", server.url))
        .await
        .unwrap();
    sign_in(&browser).await;
    // The password check takes a while on a loaded machine: wait for the
    // page it leads to.
    let label = web.wait().for_element(Locator::Id("label")).await.unwrap();
    label.send_keys("Nuit 7").await.unwrap();
    let create = web
        .find_all(Locator::Css("form button[type=submit]"))
        .await
        .unwrap();
    create.last().unwrap().click().await.unwrap();

    let shown = web
        .wait()
        .for_element(Locator::Css("p.code"))
        .await
        .unwrap();
    let code = shown.attr("data-code").await.unwrap().unwrap();
    assert!(
        browser.axe_serious().await.is_empty(),
        "the code page: {:?}",
        browser.axe_serious().await
    );
    browser.shot("dashboard-enroll-code").await;
    let qr = web.find(Locator::Css("div.qr")).await.unwrap();
    let png = qr.screenshot().await.unwrap();
    let (width, height, grey) = grey_pixels(&png);
    match tournee::app::scan::look(width, height, &grey) {
        tournee::app::scan::Seen::Link(link) => {
            assert_eq!(link.server.as_deref(), Some(server.url.as_str()));
            assert_eq!(link.code, code);
        }
        other => panic!("the QR code on screen reads as {other:?}"),
    }
}

/// A PNG screenshot as one grey byte per pixel.
fn grey_pixels(png_bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buffer).unwrap();
    let channels = frame.color_type.samples();
    let pixels = &buffer[..frame.buffer_size()];
    let grey = pixels
        .chunks(channels)
        .map(|p| match channels {
            1 | 2 => p[0],
            _ => ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29) >> 8) as u8,
        })
        .collect();
    (frame.width as usize, frame.height as usize, grey)
}
