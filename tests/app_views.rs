//! Views of one phone (each liveview connection, a desktop window) through
//! the same session commands the screens send to the engine, on a real store: each view
//! unlocks and locks on its own, while what is the phone's (the wrong-PIN
//! count and its wait, the store, the preferences) is shared.

use std::time::Duration;
use tournee::app::{Phone, Screen, Session};
use tournee::device::prefs::Prefs;
use tournee::domain::ContactDraft;

const PIN: &str = "482193";

fn draft() -> ContactDraft {
    ContactDraft {
        zone: "pontiac".into(),
        kind: "known".into(),
        people: "1".into(),
        age_band: "18-24".into(),
        ..Default::default()
    }
}

/// A phone past its first run, and the view that made its store, open.
async fn phone() -> (tempfile::TempDir, Phone, Session) {
    let home = tempfile::tempdir().unwrap();
    let phone = Phone::new(home.path());
    let first = phone.session();
    first.create(PIN, PIN).await.unwrap();
    (home, phone, first)
}

#[tokio::test]
async fn a_new_view_of_the_phone_starts_locked_while_another_is_open() {
    let home = tempfile::tempdir().unwrap();
    let phone = Phone::new(home.path());
    let first = phone.session();
    first.create(PIN, PIN).await.unwrap();
    assert_eq!(first.start_screen(), Screen::Home);

    let second = phone.session();
    second.refresh().await;
    assert!(!second.is_unlocked());
    assert_eq!(second.start_screen(), Screen::Unlock);
    assert!(
        second.status().unwrap_err().starts_with("NIP incorrect"),
        "a locked view reads nothing"
    );
    first.refresh().await;
    assert!(first.is_unlocked());
    assert_eq!(first.stats().await.unlocked_views, 1);
}

#[tokio::test]
async fn locking_one_view_leaves_the_other_open_and_saving() {
    let home = tempfile::tempdir().unwrap();
    let phone = Phone::new(home.path());
    let first = phone.session();
    first.create(PIN, PIN).await.unwrap();
    let second = phone.session();
    second.unlock(PIN).await.unwrap();
    assert_eq!(second.stats().await.unlocked_views, 2);

    second.lock().await;
    assert!(!second.is_unlocked());
    first.refresh().await;
    assert!(first.is_unlocked());
    first.save_draft(&draft()).await.unwrap();

    // The inactivity lock is each view's own too: the one the worker
    // keeps tapping stays open.
    second.unlock(PIN).await.unwrap();
    first
        .update_prefs(|p| p.lock_after = Duration::from_secs(2))
        .await;
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        first.touch().await;
    }
    second.refresh().await;
    first.refresh().await;
    assert!(!second.is_unlocked(), "idle for 4 s, locked");
    assert!(first.is_unlocked(), "touched every half second");
    assert_eq!(first.status().unwrap().today.contacts, 1);
}

#[tokio::test]
async fn a_view_that_goes_away_takes_its_key_with_it() {
    let (_home, phone, _first) = phone().await;
    let view = phone.session();
    view.unlock(PIN).await.unwrap();
    assert_eq!(view.stats().await.unlocked_views, 2);
    drop(view);
    let first = phone.session();
    assert_eq!(first.stats().await.unlocked_views, 1);
}

#[tokio::test]
async fn a_closed_view_keeps_no_key_even_from_an_unlock_that_ends_after_the_close() {
    let (_home, phone, first) = phone().await;
    let view = phone.session();
    view.unlock(PIN).await.unwrap();
    view.close().await;
    view.refresh().await;
    assert!(!view.is_unlocked());
    // An unlock sent after the socket closed (it was on its way): the
    // view is gone, nothing is unlocked for it.
    assert!(view.unlock(PIN).await.is_err());
    assert!(!view.is_unlocked());
    first.refresh().await;
    assert!(first.is_unlocked());
    assert_eq!(first.stats().await.unlocked_views, 1);
    let _ = phone;
}

#[tokio::test]
async fn wrong_pins_typed_in_one_view_make_every_view_of_the_phone_wait() {
    let (home, phone, _first) = phone().await;
    let thief = phone.session();
    for _ in 0..5 {
        assert!(thief.unlock("000000").await.is_err());
    }
    // A fresh connection does not start the count over.
    let another = phone.session();
    another.refresh().await;
    assert!(another.pin_wait().is_some());
    let refused = another.unlock(PIN).await.unwrap_err();
    assert!(
        refused.starts_with("Trop de NIP incorrects de suite"),
        "{refused}"
    );
    assert!(!another.is_unlocked());
    assert_eq!(Prefs::load(home.path()).pin_tries.wrong_in_a_row, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pins_tried_at_once_from_many_views_still_meet_the_wait_after_the_fifth() {
    let (home, phone, _first) = phone().await;
    let thief = phone.session();
    for _ in 0..4 {
        assert!(thief.unlock("000000").await.is_err());
    }
    // Eight connections each try a PIN at the same moment: one is tried,
    // the seven others meet the wait its failure started.
    let tries: Vec<_> = (0..8)
        .map(|n| {
            let view = phone.session();
            tokio::spawn(async move { view.unlock(&format!("11111{n}")).await })
        })
        .collect();
    let mut outcomes: Vec<String> = Vec::new();
    for t in tries {
        outcomes.push(t.await.unwrap().unwrap_err());
    }
    assert_eq!(Prefs::load(home.path()).pin_tries.wrong_in_a_row, 5);
    let waited = outcomes
        .iter()
        .filter(|o| o.starts_with("Trop de NIP incorrects de suite"))
        .count();
    assert_eq!(waited, 7, "{outcomes:#?}");
}

#[tokio::test]
async fn a_new_pin_in_one_view_locks_the_others_and_a_wipe_locks_every_view() {
    let home = tempfile::tempdir().unwrap();
    let phone = Phone::new(home.path());
    let first = phone.session();
    first.create(PIN, PIN).await.unwrap();
    let second = phone.session();
    second.unlock(PIN).await.unwrap();

    first.change_pin(PIN, "135791", "135791").await.unwrap();
    assert!(first.is_unlocked());
    second.refresh().await;
    assert!(!second.is_unlocked(), "it must show it knows the new PIN");
    assert!(second.unlock(PIN).await.is_err());
    second.unlock("135791").await.unwrap();

    second.wipe("135791").await.unwrap();
    assert_eq!(second.stats().await.unlocked_views, 0);
    first.refresh().await;
    assert_eq!(first.start_screen(), Screen::FirstRun);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_views_making_the_store_at_once_leave_one_store_that_the_winner_holds() {
    let home = tempfile::tempdir().unwrap();
    let phone = Phone::new(home.path());
    let makers: Vec<_> = ["482193", "735142"]
        .into_iter()
        .map(|pin| {
            let view = phone.session();
            tokio::spawn(async move { (pin, view.create(pin, pin).await.is_ok(), view) })
        })
        .collect();
    let mut done = Vec::new();
    for m in makers {
        done.push(m.await.unwrap());
    }
    let winners: Vec<_> = done.iter().filter(|(_, made, _)| *made).collect();
    assert_eq!(winners.len(), 1, "exactly one store is made");
    let (pin, _, view) = winners[0];
    assert!(view.is_unlocked());
    let other = phone.session();
    other.unlock(pin).await.unwrap();
}
