//! The printed report as a director signs it: the real dashboard on
//! loopback, signed in through the form in headless Chromium, the print
//! page printed to PDF by Chromium itself, and its pages read back with
//! `pdftotext`: the organization, the report and its period at the top
//! of every page, "Page i de n" at the bottom, totals, the organization's
//! contact, the signature block on the last page, no command line, and
//! chart labels inside their chart. Needs Chromium, chromedriver and
//! `pdftotext` (Debian: `poppler-utils`; `.ci/run` installs them).

mod common;

use common::browser::{Browser, pdf_pages};
use common::web::supervisor;
use common::{TestDevice, TestServer, contact_at, options};
use fantoccini::wd::PrintConfiguration;

const PASSWORD: &str = "une phrase de passe solide";
const CONTACT: &str = "123, rue Principale, Gatineau · 819 555-0101";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_print_numbers_its_pages_names_its_period_and_ends_with_a_signature() {
    let mut config = tournee::server::Config::default();
    config.org.contact = Some(CONTACT.into());
    let server = TestServer::spawn_with(tempfile::tempdir().unwrap(), &config).await;
    supervisor(&server.server, "Marie", PASSWORD).await;
    let mut phone = TestDevice::enroll(&server).await;
    let contacts: Vec<_> = (1..=20)
        .map(|day| {
            contact_at(
                &format!("2025-11-{day:02}T21:00:00-05:00"),
                if day % 2 == 0 { "gatineau" } else { "pontiac" },
                "known",
                1,
                None,
                &[("seringues", 10), ("bandelettes-fentanyl", 2)],
            )
        })
        .collect();
    phone.store.save_all(&contacts).unwrap();
    server.sync(&mut phone.store, &options(None)).await.unwrap();

    let browser = Browser::start(1200, 900).await;
    let web = &browser.client;
    browser.sign_in(&server.url, "Marie", PASSWORD).await;
    // In French, whatever the browser's own language.
    web.goto(&format!(
        "{}/lang/fr?back=%2Freport%2Fprint%3Fperiod%3D2025-11",
        server.url
    ))
    .await
    .unwrap();
    assert!(browser.axe_serious().await.is_empty(), "axe on the print");
    // Every chart label starts inside its chart: none is cut at the left.
    let cut: Vec<serde_json::Value> = web
        .execute(
            "return [...document.querySelectorAll('svg.chart text')]
                 .filter(t => t.getBBox().x < 0).map(t => t.textContent);",
            vec![],
        )
        .await
        .unwrap()
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(cut.is_empty(), "labels cut: {cut:?}");
    browser.shot("report-print").await;

    let pdf = web
        .print(PrintConfiguration::builder().build().unwrap())
        .await
        .unwrap();
    // Kept beside the screenshots, for a person to look at the pages.
    std::fs::write(
        common::browser::screenshot_dir().join("report-print.pdf"),
        &pdf,
    )
    .unwrap();
    let pages = pdf_pages(&pdf);
    let n = pages.len();
    assert!(n >= 2, "a month's report takes a few pages: {n}");
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("Organisme de démonstration — Bilan mensuel — novembre 2025")
                || page.contains(&format!("{} — Bilan mensuel — novembre 2025", org(&server))),
            "page {}: {page}",
            i + 1
        );
        assert!(
            page.contains(&format!("Page {} de {n}", i + 1)),
            "page {} numbered: {page}",
            i + 1
        );
        assert!(!page.contains("tournee report"), "no command line: {page}");
    }
    let all = pages.join("\n");
    assert!(all.contains(CONTACT), "the organization's contact");
    assert!(all.contains("Version interne : nombres exacts"), "{all}");
    assert!(
        !all.contains("Cochez"),
        "no instruction for the screen on paper"
    );
    assert!(all.contains("Bandelettes de détection du fentanyl"));
    assert!(all.contains("Total"), "totals");
    let last = pages.last().unwrap();
    for word in ["Attestation", "Nom", "Fonction", "Date", "Signature"] {
        assert!(last.contains(word), "{word} on the last page: {last}");
    }
}

/// The organization's name as the server keeps it.
fn org(server: &TestServer) -> String {
    let text = std::fs::read_to_string(server.data.path().join("keys").join("org.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["org_name"].as_str().unwrap_or_default().to_string()
}
