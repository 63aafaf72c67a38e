//! Dashboard sign-in, sessions and CSRF through the real HTTP stack: a
//! real `tournee serve` site on loopback, a browser that keeps cookies.

mod common;

use common::TestServer;
use common::web::{Web, supervisor};

const PASSWORD: &str = "une phrase de passe solide";

/// A route's path with a sample value in place of each `{parameter}`.
fn sample(route: &str) -> String {
    route
        .split('/')
        .map(|part| {
            if part.starts_with('{') {
                "01937a6e-0000-7000-8000-000000000000"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Pages asked for with a query, which must come back whole after sign-in.
const WITH_QUERY: &[&str] = &[
    "/report?month=2025-11&external=1",
    "/report/print?month=2025-11",
];

#[tokio::test]
async fn anonymous_requests_are_sent_to_sign_in_or_refused() {
    let server = TestServer::spawn().await;
    let mut web = Web::new(&server.url);
    // Every route the dashboard's router is built from, not a list kept here.
    let routes = tournee::dashboard::paths();
    assert!(routes.len() >= 18, "{routes:?}");
    let guarded: Vec<String> = routes
        .iter()
        .filter(|route| !tournee::dashboard::PUBLIC.contains(route))
        .map(|route| sample(route))
        .chain(WITH_QUERY.iter().map(|p| p.to_string()))
        .collect();
    let mut downloads = 0;
    for path in &guarded {
        let answer = web.get(path).await;
        match answer.status {
            // A page: to sign-in, then back to the very page, query included.
            303 => {
                let next = serde_urlencoded::to_string([("next", path)]).unwrap();
                assert_eq!(
                    answer.location.as_deref(),
                    Some(format!("/signin?{next}").as_str()),
                    "{path}"
                );
            }
            // A download: refused outright.
            401 => downloads += 1,
            // Only posted to: the post below is what must be guarded.
            405 => {}
            other => panic!("{path}: {other} without a session: {}", answer.body),
        }
        // Posting without a session (and so without a token) does nothing.
        let posted = web.post(path, &[]).await;
        assert!(
            [303, 401, 405].contains(&posted.status),
            "POST {path}: {} {}",
            posted.status,
            posted.body
        );
        if posted.status == 303 {
            let to = posted.location.unwrap_or_default();
            assert!(to.starts_with("/signin?next="), "POST {path}: {to}");
        }
    }
    assert_eq!(downloads, 1, "the report's CSV is the one download");
    // The public routes hold nothing: sign-in, the language switch, the
    // stylesheet, and `/` that only sends on to a page.
    assert_eq!(web.get("/").await.location.as_deref(), Some("/activity"));
    assert_eq!(web.get("/dashboard.css").await.status, 200);
    // An unknown address is a page for people, JSON for phones.
    let nowhere = web.get("/nulle-part").await;
    assert_eq!(nowhere.status, 404);
    assert!(
        nowhere.content_type.starts_with("text/html"),
        "{}",
        nowhere.content_type
    );
    assert!(nowhere.body.contains("Cette page n"), "{}", nowhere.body);
    let api = web.get("/api/v9/nothing").await;
    assert_eq!(api.status, 404);
    assert!(api.content_type.starts_with("application/json"));
    // A made-up session cookie is no session.
    web.cookies
        .insert("tournee_session".into(), "forged".into());
    assert_eq!(web.get("/audit").await.status, 303);
}

#[tokio::test]
async fn sign_in_sign_out_and_the_audit_log_records_both() {
    let server = TestServer::spawn().await;
    supervisor(&server.server, "Marie Tremblay", PASSWORD).await;
    let mut web = Web::new(&server.url);

    let refused = web
        .sign_in("marie tremblay", "pas le bon mot de passe")
        .await;
    assert_eq!(refused.status, 401);
    assert!(refused.body.contains("Nom ou mot de passe incorrect."));
    assert!(!web.cookies.contains_key("tournee_session"));

    let signed = web.sign_in("MARIE TREMBLAY", PASSWORD).await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    assert_eq!(signed.location.as_deref(), Some("/"));
    let cookie = signed
        .set_cookies
        .iter()
        .find(|c| c.starts_with("tournee_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP on loopback: {cookie}"
    );

    let audit = web.get("/audit").await;
    assert_eq!(audit.status, 200);
    assert!(audit.body.contains("Connecté·e : Marie Tremblay"));
    assert!(audit.body.contains("Connexion refusée"));
    assert!(audit.body.contains(">Connexion<"));

    let csrf = web.csrf("/audit").await;
    let out = web.post("/signout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location.as_deref(), Some("/signin?out=1"));
    assert!(!web.cookies.contains_key("tournee_session"));
    assert_eq!(web.get("/audit").await.status, 303);

    // The old token is dead on the server too, not only forgotten here.
    let mut again = Web::new(&server.url);
    again.sign_in("Marie Tremblay", PASSWORD).await;
    let log = again.get("/audit").await.body;
    assert!(log.contains("Déconnexion"), "sign-out is in the log");
}

#[tokio::test]
async fn a_post_without_or_with_a_wrong_csrf_token_is_refused() {
    let server = TestServer::spawn().await;
    supervisor(&server.server, "Luc", PASSWORD).await;
    let mut web = Web::new(&server.url);
    web.sign_in("Luc", PASSWORD).await;
    let right = web.csrf("/audit").await;

    let none = web.post("/signout", &[]).await;
    assert_eq!(none.status, 403);
    assert!(none.body.contains("Ce formulaire a expiré"));
    let wrong = web.post("/signout", &[("csrf", "AAAA")]).await;
    assert_eq!(wrong.status, 403);
    let off_by_one = format!("{}x", &right[..right.len() - 1]);
    assert_eq!(
        web.post("/signout", &[("csrf", &off_by_one)]).await.status,
        403
    );
    // Still signed in: the refused posts did nothing.
    assert_eq!(web.get("/audit").await.status, 200);

    // The sign-in form is guarded too: its token must match its cookie.
    let mut other = Web::new(&server.url);
    let forged = other
        .post(
            "/signin",
            &[("name", "Luc"), ("password", PASSWORD), ("csrf", "x")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(!other.cookies.contains_key("tournee_session"));
}

#[tokio::test]
async fn sign_in_failures_are_limited_per_account() {
    let server = TestServer::spawn().await;
    supervisor(&server.server, "Chantal", PASSWORD).await;
    let mut web = Web::new(&server.url);
    for attempt in 0..5 {
        let answer = web.sign_in("chantal", "mauvais mot de passe").await;
        assert_eq!(answer.status, 401, "attempt {attempt}");
    }
    // Even the right password waits now: the account is being guessed.
    let blocked = web.sign_in("Chantal", PASSWORD).await;
    assert_eq!(blocked.status, 429);
    assert!(blocked.body.contains("Réessayez dans 15 minutes"));
    assert!(!web.cookies.contains_key("tournee_session"));
}

#[tokio::test]
async fn the_language_switch_takes_effect_at_once_and_stays_on_this_site() {
    let server = TestServer::spawn().await;
    supervisor(&server.server, "Sam", PASSWORD).await;
    let mut web = Web::new(&server.url);
    web.sign_in("Sam", PASSWORD).await;
    let switch = web.get("/lang/en?back=%2Faudit").await;
    assert_eq!(switch.status, 303);
    assert_eq!(switch.location.as_deref(), Some("/audit"));
    let page = web.get("/audit").await.body;
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("Audit log"));
    assert!(page.contains("Sign out"));
    let away = web.get("/lang/fr?back=https%3A%2F%2Fevil.example").await;
    assert_eq!(away.location.as_deref(), Some("/"));
}

/// The `next` field of the sign-in form on a page.
fn next_in(html: &str) -> String {
    let at = html.find("name=\"next\"").expect("a next field");
    let rest = &html[at..];
    let start = rest.find("value=\"").expect("a next value") + 7;
    let end = rest[start..].find('"').unwrap();
    rest[start..start + end].to_string()
}

#[tokio::test]
async fn redirects_stay_on_this_site_whatever_control_character_is_encoded_in_them() {
    let server = TestServer::spawn().await;
    supervisor(&server.server, "Nadia", PASSWORD).await;
    let mut web = Web::new(&server.url);
    for sneaky in [
        "%09", "%0A", "%0D", "%0B", "%00", "%0D%0A", "%2509", "%5C", "/",
    ] {
        let back = format!("/{sneaky}/evil.example/");
        let switch = web.get(&format!("/lang/en?back={back}")).await;
        assert_eq!(switch.status, 303, "{back}: {}", switch.body);
        assert_eq!(switch.location.as_deref(), Some("/"), "{back}");
        let form = web.get(&format!("/signin?next={back}")).await;
        assert_eq!(form.status, 200, "{back}: {}", form.body);
        assert_eq!(next_in(&form.body), "/", "{back}");
    }

    // A form posted with a bad `next` (as a forged page would): a refused
    // password sets no session cookie, and a right one goes home.
    for next in ["/\t/evil.example/", "/\n/evil.example/", "/\0"] {
        let csrf = common::web::csrf_in(&web.get("/signin").await.body);
        let refused = web
            .post(
                "/signin",
                &[
                    ("name", "Nadia"),
                    ("password", "faux"),
                    ("csrf", &csrf),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(refused.status, 401, "{next:?}: {}", refused.body);
        assert!(
            !refused
                .set_cookies
                .iter()
                .any(|c| c.starts_with("tournee_session=")),
            "{next:?}: {:?}",
            refused.set_cookies
        );
    }
    let csrf = common::web::csrf_in(&web.get("/signin").await.body);
    let signed = web
        .post(
            "/signin",
            &[
                ("name", "Nadia"),
                ("password", PASSWORD),
                ("csrf", &csrf),
                ("next", "/\t/evil.example/"),
            ],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    assert_eq!(signed.location.as_deref(), Some("/"));
    assert!(web.cookies.contains_key("tournee_session"));
    // A real path still comes back whole.
    let switch = web.get("/lang/fr?back=%2Freport%3Fmonth%3D2025-11").await;
    assert_eq!(switch.location.as_deref(), Some("/report?month=2025-11"));
}

#[tokio::test]
async fn a_sign_in_token_the_browser_chose_is_refused_and_replaced() {
    let server = TestServer::spawn().await;
    supervisor(&server.server, "Omar", PASSWORD).await;
    let chosen = [
        "a".repeat(43),
        // The shape of a real token, but not made by this server.
        "A".repeat(75),
    ];
    for value in chosen {
        let mut web = Web::new(&server.url);
        web.cookies.insert("tournee_pre".into(), value.clone());
        let posted = web
            .post(
                "/signin",
                &[("name", "Omar"), ("password", PASSWORD), ("csrf", &value)],
            )
            .await;
        assert_eq!(posted.status, 403, "{}", posted.body);
        assert!(!web.cookies.contains_key("tournee_session"));
        // The form does not take the chosen value up: it makes its own.
        web.cookies.insert("tournee_pre".into(), value.clone());
        let form = web.get("/signin").await;
        let token = common::web::csrf_in(&form.body);
        assert_ne!(token, value);
        assert_eq!(web.cookies.get("tournee_pre"), Some(&token));
    }
    // One the server made works, and is kept for a second tab.
    let mut web = Web::new(&server.url);
    let first = common::web::csrf_in(&web.get("/signin").await.body);
    let second = common::web::csrf_in(&web.get("/signin").await.body);
    assert_eq!(first, second);
    assert_eq!(web.sign_in("Omar", PASSWORD).await.status, 303);
}

#[tokio::test]
async fn a_sign_in_with_a_60000_character_name_is_refused_by_size_and_changes_nothing() {
    let server = TestServer::spawn().await;
    supervisor(&server.server, "Pia", PASSWORD).await;
    let mut web = Web::new(&server.url);
    let huge = "é".repeat(60_000);
    let csrf = common::web::csrf_in(&web.get("/signin").await.body);
    let answer = web
        .post(
            "/signin",
            &[("name", &huge), ("password", "x"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert!(answer.content_type.starts_with("text/html"));
    // Long names that fit are counted, each apart: Pia is not blocked.
    let long = "p".repeat(4_000);
    for _ in 0..6 {
        web.sign_in(&long, "faux").await;
    }
    assert_eq!(web.sign_in(&long, "faux").await.status, 429);
    assert_eq!(web.sign_in("Pia", PASSWORD).await.status, 303);
}
