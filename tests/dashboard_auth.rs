//! Dashboard sign-in, sessions and CSRF through the real HTTP stack: a
//! real `tournee serve` site on loopback, a browser that keeps cookies.

mod common;

use common::TestServer;
use common::web::{Web, supervisor};

const PASSWORD: &str = "une phrase de passe solide";

/// Every page and every download of the dashboard; each must require a session.
pub const PAGES: &[&str] = &[
    "/audit",
    "/",
    "/activity",
    "/activity/01937a6e-0000-7000-8000-000000000000",
    "/phones",
    "/phones/01937a6e-0000-7000-8000-000000000000/revoke",
    "/quarantine",
    "/report",
    "/report?month=2025-11&external=1",
    "/report/print?month=2025-11",
    "/enroll",
    "/catalog",
];
pub const DOWNLOADS: &[&str] = &[
    "/report.csv?month=2025-11",
    "/report.csv?month=2025-11&external=1",
];

#[tokio::test]
async fn anonymous_requests_are_sent_to_sign_in_or_refused() {
    let server = TestServer::spawn().await;
    let mut web = Web::new(&server.url);
    for path in PAGES.iter().filter(|p| **p != "/") {
        let answer = web.get(path).await;
        assert_eq!(answer.status, 303, "{path}");
        let location = answer.location.unwrap();
        assert!(location.starts_with("/signin?next="), "{path}: {location}");
        // It comes back to the very page asked for, query included.
        let next = serde_urlencoded::to_string([("next", path)]).unwrap();
        assert_eq!(location, format!("/signin?{next}"), "{path}");
    }
    for path in DOWNLOADS {
        let answer = web.get(path).await;
        assert_eq!(answer.status, 401, "{path}");
    }
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
    supervisor(server.data.path(), "Marie Tremblay", PASSWORD);
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
    supervisor(server.data.path(), "Luc", PASSWORD);
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
    supervisor(server.data.path(), "Chantal", PASSWORD);
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
    supervisor(server.data.path(), "Sam", PASSWORD);
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
