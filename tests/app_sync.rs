//! The app's background work against the real server on 127.0.0.1:0:
//! enrolling from the first-run screen's handler, then a save that goes
//! out through the engine's sync, while the engine keeps serving taps; and
//! the night staying on the phone after it went out.

mod common;

use common::{TestServer, contact_at, month_tally};
use dioxus::prelude::VirtualDom;
use std::time::Duration;
use tournee::app::form::Form;
use tournee::app::screens::chip::chip;
use tournee::app::state::now;
use tournee::app::{App, AppProps, Screen, Session};
use tournee::device::{DayEnd, Listing, Pin, Store, SyncOptions};
use tournee::domain::{Lang, Record};

const PIN: &str = "482193";

/// A screen as the worker reads it (rendered on the server).
fn render(session: &Session, screen: Screen) -> String {
    let mut dom = VirtualDom::new_with_props(
        App,
        AppProps {
            session: session.clone(),
            start: Some(screen),
        },
    );
    dom.rebuild_in_place();
    dioxus_ssr::render(&dom).replace("&#39;", "'")
}

async fn enrolled(server: &TestServer, home: &std::path::Path) -> Session {
    let session = Session::new(home);
    session.create(PIN, PIN).await.unwrap();
    assert!(
        session
            .enroll(&server.url, &server.code().await, "Nuit")
            .await
    );
    until("enrollment", &session, |s| !s.is_enrolling()).await;
    // The engine syncs once enrolled; that first round ends first.
    until("sync", &session, |s| !s.sync_busy()).await;
    assert!(session.is_enrolled());
    session
}

async fn synced(session: &Session) {
    assert!(session.sync_now().await);
    until("sync", session, |s| !s.sync_busy()).await;
    assert!(
        matches!(session.last_sync_outcome(), Some(Ok(_))),
        "{:?}",
        session.last_sync_outcome()
    );
}

/// Contacts Today lists (voided ones aside) and what Home counts.
fn today_and_home(session: &Session) -> (usize, u64) {
    let standing = session
        .today()
        .unwrap()
        .into_iter()
        .filter(|l| matches!(l.record, Record::Contact(_)) && !l.voided)
        .count();
    (standing, session.status().unwrap().today.contacts)
}

async fn until(what: &str, session: &Session, done: impl Fn(&Session) -> bool) {
    for _ in 0..300 {
        session.refresh().await;
        if done(session) {
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
    session.create(PIN, PIN).await.unwrap();

    assert!(
        session
            .enroll(&server.url, &server.code().await, "Nuit 3")
            .await
    );
    until("enrollment", &session, |s| !s.is_enrolling()).await;
    until("sync", &session, |s| !s.sync_busy()).await;
    let enrolled = session.last_enroll_outcome().unwrap().unwrap();
    assert!(enrolled.starts_with("Inscrit auprès de"), "{enrolled}");
    assert!(session.is_enrolled());

    let mut form = Form::fresh(None);
    form.zone = "pontiac".into();
    form.age_band = "18-24".into();
    form.step("seringues", true);
    session.save_draft(&form.draft()).await.unwrap();
    assert_eq!(session.status().unwrap().waiting_records, 1);

    assert!(session.sync_now().await);
    // The UI's store stays usable while the upload runs.
    session.status().unwrap();
    until("sync", &session, |s| !s.sync_busy()).await;
    assert_eq!(session.last_sync_outcome(), Some(Ok(1)));
    assert_eq!(server.envelopes().await, 1);

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
    session.create("482193", "482193").await.unwrap();
    session.update_prefs(|p| p.lang = Lang::En).await;
    assert!(session.enroll(&server.url, "not a code", "").await);
    until("enrollment", &session, |s| !s.is_enrolling()).await;
    let error = session.last_enroll_outcome().unwrap().unwrap_err();
    assert!(error.starts_with("Unreadable enrollment code"), "{error}");
    assert!(!session.is_enrolled());
    assert!(!session.sync_now().await, "no sync before enrollment");
}

#[tokio::test]
async fn an_address_that_is_not_http_or_https_is_explained_as_such_not_as_no_network() {
    let home = tempfile::tempdir().unwrap();
    let session = Session::new(home.path());
    session.create("482193", "482193").await.unwrap();
    session.update_prefs(|p| p.lang = Lang::En).await;
    for address in [
        "ftp://tournee.example.org",
        "file:///etc/passwd",
        "https://exa mple.org",
    ] {
        assert!(session.enroll(address, "ABCD-EFGH", "").await);
        until("enrollment", &session, |s| !s.is_enrolling()).await;
        let error = session.last_enroll_outcome().unwrap().unwrap_err();
        assert!(
            error.starts_with(&format!("server address: \"{address}\" is not a server address. Allowed: http:// or https://")),
            "{error}"
        );
    }
    assert!(!session.is_enrolled());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_sync_today_lists_the_contact_as_sent_repeat_works_and_a_void_reaches_the_server() {
    let server = TestServer::spawn().await;
    let home = tempfile::tempdir().unwrap();
    let session = enrolled(&server, home.path()).await;
    let mut form = Form::fresh(None);
    form.zone = "pontiac".into();
    form.age_band = "18-24".into();
    form.step("seringues", true);
    let first = session.save_draft(&form.draft()).await.unwrap();
    let month = now().format("%Y-%m").to_string();
    synced(&session).await;
    assert_eq!(month_tally(&server, &month).await.contacts, 1);

    // Still on the phone, marked sent; Home counts it; repeat is offered.
    let today = session.today().unwrap();
    assert_eq!(today.len(), 1);
    assert!(today[0].delivered && !today[0].voided);
    assert_eq!(today_and_home(&session), (1, 1));
    let page = render(&session, Screen::Today);
    assert!(page.contains(">envoyé<"), "{page}");
    assert!(!page.contains("Aucun contact aujourd'hui"), "{page}");
    let page = render(&session, Screen::Home);
    assert!(
        page.contains("Contacts aujourd'hui : 1 · personnes : 1"),
        "{page}"
    );
    let repeat = page
        .find("data-testid=\"repeat-last\"")
        .expect("a repeat button");
    let button = &page[page[..repeat].rfind("<button").unwrap()..];
    let tag = &button[..button.find('>').unwrap()];
    assert!(!tag.contains("disabled"), "repeat-last is enabled: {tag}");

    let last = session
        .last_contact()
        .expect("the sent contact is the last");
    assert_eq!(last.record_id, first);
    let again = session
        .save_draft(&Form::repeat(&last).draft())
        .await
        .unwrap();
    assert_ne!(again, first);
    assert_eq!(today_and_home(&session), (2, 2));
    synced(&session).await;
    assert_eq!(month_tally(&server, &month).await.contacts, 2);

    // Voiding the sent contact from the phone: the void goes out next.
    session.void(first).await.unwrap();
    assert_eq!(today_and_home(&session), (1, 1));
    assert_eq!(session.status().unwrap().waiting_records, 1);
    synced(&session).await;
    assert_eq!(month_tally(&server, &month).await.contacts, 1);
    assert_eq!(session.status().unwrap().waiting_records, 0);
    assert_eq!(today_and_home(&session), (1, 1));
    let page = render(&session, Screen::Today);
    assert!(
        page.contains(">retiré<") && page.contains(">envoyé<"),
        "{page}"
    );

    // Locking and unlocking before the day is over keeps the night.
    session.lock().await;
    session.unlock(PIN).await.unwrap();
    assert_eq!(
        session.today().unwrap().len(),
        3,
        "two contacts and the void"
    );
    assert_eq!(today_and_home(&session), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlocking_erases_what_an_earlier_night_left_once_the_server_signed_for_it() {
    let server = TestServer::spawn().await;
    let home = tempfile::tempdir().unwrap();
    let session = enrolled(&server, home.path()).await;
    let end = DayEnd::DEFAULT;
    let old = contact_at(
        "2026-03-04T22:00:00-05:00",
        "pontiac",
        "known",
        1,
        None,
        &[],
    );
    let night = Listing::WorkDay(end.day_of(&old.occurred_at), end);
    {
        // A second connection, as `tournee device` would open, which
        // keeps delivered records two more days.
        let mut store = Store::open(home.path(), &Pin::parse(PIN).unwrap()).unwrap();
        store.save(&old).unwrap();
        let keep = SyncOptions {
            retention: Duration::from_secs(2 * 86_400),
            ..SyncOptions::default()
        };
        let report = server.sync(&mut store, &keep).await.unwrap();
        assert_eq!((report.delivered, report.purged), (1, 0));
        assert_eq!(store.list(night).unwrap().len(), 1);
    }
    session.lock().await;
    session.unlock(PIN).await.unwrap();
    session.lock().await;
    let store = Store::open(home.path(), &Pin::parse(PIN).unwrap()).unwrap();
    assert!(store.list(night).unwrap().is_empty());
}
