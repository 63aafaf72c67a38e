//! The app's background work against the real server on 127.0.0.1:0:
//! enrolling from the first-run screen's handler, then a save that goes
//! out by itself through `sync_now`, without the UI's store waiting.

mod common;

use common::TestServer;
use std::time::Duration;
use tournee::app::form::Form;
use tournee::app::screens::chip::chip;
use tournee::app::state::now;
use tournee::app::{Session, background};
use tournee::domain::Lang;

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not finish within 15 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enrolled_app_sends_a_saved_contact_in_the_background_and_says_all_sent() {
    let server = TestServer::spawn().await;
    let home = tempfile::tempdir().unwrap();
    let session = Session::new(home.path());
    session.create("482193", "482193").unwrap();

    assert!(background::enroll(
        &session,
        &server.url,
        &server.code(),
        "Nuit 3"
    ));
    until("enrollment", || !session.is_enrolling()).await;
    let enrolled = session.last_enroll_outcome().unwrap().unwrap();
    assert!(enrolled.starts_with("Inscrit auprès de"), "{enrolled}");
    assert!(session.is_enrolled());

    let mut form = Form::fresh(None);
    form.zone = "pontiac".into();
    form.age_band = "18-24".into();
    form.step("seringues", true);
    session.save_draft(&form.draft()).unwrap();
    assert_eq!(session.status().unwrap().waiting_records, 1);

    assert!(background::sync_now(&session));
    // The UI's store stays usable while the upload runs.
    session.status().unwrap();
    until("sync", || !session.sync_flags().busy()).await;
    assert_eq!(session.last_sync_outcome(), Some(Ok(1)));
    assert_eq!(server.envelopes(), 1);

    let status = session.status().unwrap();
    assert_eq!(status.waiting_records, 0);
    let (class, words) = chip(&status, false, now(), Lang::Fr);
    assert_eq!(class, "chip ok");
    assert!(
        words.starts_with("Tout est envoyé · dernier envoi"),
        "{words}"
    );
}

#[tokio::test]
async fn a_refused_code_is_explained_and_nothing_is_enrolled() {
    let server = TestServer::spawn().await;
    let home = tempfile::tempdir().unwrap();
    let session = Session::new(home.path());
    session.create("482193", "482193").unwrap();
    session.update_prefs(|p| p.lang = Lang::En);
    assert!(background::enroll(&session, &server.url, "not a code", ""));
    until("enrollment", || !session.is_enrolling()).await;
    let error = session.last_enroll_outcome().unwrap().unwrap_err();
    assert!(error.starts_with("Unreadable enrollment code"), "{error}");
    assert!(!session.is_enrolled());
    assert!(!background::sync_now(&session), "no sync before enrollment");
}

#[tokio::test]
async fn an_address_that_is_not_http_or_https_is_explained_as_such_not_as_no_network() {
    let home = tempfile::tempdir().unwrap();
    let session = Session::new(home.path());
    session.create("482193", "482193").unwrap();
    session.update_prefs(|p| p.lang = Lang::En);
    for address in [
        "ftp://tournee.example.org",
        "file:///etc/passwd",
        "https://exa mple.org",
    ] {
        assert!(background::enroll(&session, address, "ABCD-EFGH", ""));
        until("enrollment", || !session.is_enrolling()).await;
        let error = session.last_enroll_outcome().unwrap().unwrap_err();
        assert!(
            error.starts_with(&format!("server address: \"{address}\" is not a server address. Allowed: http:// or https://")),
            "{error}"
        );
    }
    assert!(!session.is_enrolled());
}
