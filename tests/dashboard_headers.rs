//! The headers every dashboard answer carries, checked on every page a
//! signed-in supervisor reaches by following the site's own links from
//! the home page (downloads included), on sign-in and on the error pages:
//! the Content-Security-Policy, no framing, no sniffing, no referrer, and
//! `no-store` on everything that holds data. The pages must also live
//! within that policy: no script, no inline style.

mod common;

use common::web::{Answer, Web, page_kind, supervisor};
use common::{TestDevice, TestServer, options};
use std::collections::{BTreeSet, VecDeque};

const PASSWORD: &str = "une phrase de passe solide";
/// More kinds of page than the dashboard has; more means following junk.
const MAX_PAGES: usize = 60;

fn header<'a>(answer: &'a Answer, name: &str) -> &'a str {
    answer
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// What every answer must carry; `stored` for answers that hold data.
fn assert_guarded(path: &str, answer: &Answer, stored: bool) {
    let csp = header(answer, "content-security-policy");
    assert_eq!(
        csp,
        tournee::dashboard::headers::CONTENT_SECURITY_POLICY,
        "{path}"
    );
    for part in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "style-src 'self'",
    ] {
        assert!(csp.contains(part), "{path}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    assert_eq!(
        header(answer, "x-content-type-options"),
        "nosniff",
        "{path}"
    );
    assert_eq!(header(answer, "referrer-policy"), "no-referrer", "{path}");
    assert_eq!(header(answer, "x-frame-options"), "DENY", "{path}");
    if stored {
        assert_eq!(header(answer, "cache-control"), "no-store", "{path}");
    }
}

/// A page that the policy would break: a script, or inline style.
fn assert_within_policy(path: &str, html: &str) {
    let lower = html.to_ascii_lowercase();
    for forbidden in [
        "<script",
        "<style",
        " style=",
        " onclick=",
        " onload=",
        "javascript:",
    ] {
        assert!(!lower.contains(forbidden), "{path} has {forbidden}");
    }
}

/// The local links of a page, as the browser would follow them.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&amp;", "&"))
        .filter(|href| {
            href.starts_with('/')
                && !href.starts_with("//")
                && !href.starts_with("/lang/")
                && !href.starts_with("/api/")
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_a_signed_in_crawl_reaches_carries_the_security_headers() {
    let server = TestServer::spawn().await;
    supervisor(&server.server, "Marie", PASSWORD).await;
    for zone in ["gatineau", "pontiac"] {
        let mut phone = TestDevice::enroll(&server).await;
        phone.log(zone, 10);
        server.sync(&mut phone.store, &options(None)).await.unwrap();
    }
    let mut web = Web::new(&server.url);
    let form = web.get("/signin").await;
    assert_guarded("/signin", &form, true);
    assert_within_policy("/signin", &form.body);
    let signed = web.sign_in("Marie", PASSWORD).await;
    assert_guarded("POST /signin", &signed, true);

    let mut queue = VecDeque::from(["/".to_string()]);
    let mut seen = BTreeSet::new();
    let mut downloads = 0;
    while let Some(path) = queue.pop_front() {
        if !seen.insert(page_kind(&path)) {
            continue;
        }
        assert!(seen.len() <= MAX_PAGES, "too many kinds of page: {seen:?}");
        let answer = web.get(&path).await;
        let is_css = path == "/dashboard.css";
        assert_guarded(&path, &answer, !is_css);
        match answer.status {
            200 | 303 => {}
            other => panic!("{path}: {other} {}", answer.body),
        }
        if let Some(to) = &answer.location {
            assert!(!to.starts_with("/signin"), "{path} sent us to sign in");
            queue.push_back(to.clone());
        }
        if answer.content_type.starts_with("text/html") {
            assert_within_policy(&path, &answer.body);
            queue.extend(links(&answer.body));
        } else if answer.content_type.starts_with("text/csv") {
            downloads += 1;
        }
    }
    for kind in [
        "/activity",
        "/activity/{id}",
        "/phones",
        "/report",
        "/report/print",
        "/audit",
        "/enroll",
        "/catalog",
        "/quarantine",
        "/overdoses",
    ] {
        assert!(seen.contains(kind), "the crawl reached {kind}: {seen:?}");
    }
    assert!(downloads >= 1, "the report's CSV was reached: {seen:?}");

    // The page a form answers with: the enrollment code and its QR code
    // (inline SVG, which the policy must not need to loosen for).
    let csrf = web.csrf("/enroll").await;
    let code = web
        .post(
            "/enroll",
            &[("csrf", &csrf), ("label", "Nuit 3"), ("hours", "24")],
        )
        .await;
    assert_eq!(code.status, 200, "{}", code.body);
    assert!(code.body.contains("<svg"));
    // Where the phone gets the offline app, as text and as a QR code.
    if tournee::server::http::web_app::not_built().is_none() {
        assert!(code.body.contains("/app/"), "{}", code.body);
        assert_eq!(code.body.matches("<svg").count(), 2, "{}", code.body);
    }
    assert_guarded("POST /enroll", &code, true);
    assert_within_policy("POST /enroll", &code.body);

    // Answers that are not pages of the menu carry them too.
    let nowhere = web.get("/nulle-part").await;
    assert_eq!(nowhere.status, 404);
    assert_guarded("/nulle-part", &nowhere, true);
    let bad_month = web.get("/report?month=2026-13").await;
    assert_guarded("/report?month=2026-13", &bad_month, true);
    let api = web.get("/api/v1/catalog").await;
    assert_eq!(header(&api, "x-content-type-options"), "nosniff");
}
