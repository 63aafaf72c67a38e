//! Views of one phone (each liveview connection, a desktop window) through
//! the same session methods the screens call, on a real store: each view
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
fn phone() -> (tempfile::TempDir, Phone, Session) {
    let home = tempfile::tempdir().unwrap();
    let phone = Phone::new(home.path());
    let first = phone.session();
    first.create(PIN, PIN).unwrap();
    (home, phone, first)
}

#[test]
fn a_new_view_of_the_phone_starts_locked_while_another_is_open() {
    let home = tempfile::tempdir().unwrap();
    let phone = Phone::new(home.path());
    let first = phone.session();
    first.create(PIN, PIN).unwrap();
    assert_eq!(first.start_screen(), Screen::Home);

    let second = phone.session();
    assert!(!second.is_unlocked());
    assert_eq!(second.start_screen(), Screen::Unlock);
    assert!(
        second.status().unwrap_err().starts_with("NIP incorrect"),
        "a locked view reads nothing"
    );
    assert!(first.is_unlocked());
    assert_eq!(phone.unlocked_sessions(), 1);
}

#[test]
fn locking_one_view_leaves_the_other_open_and_saving() {
    let home = tempfile::tempdir().unwrap();
    let phone = Phone::new(home.path());
    let first = phone.session();
    first.create(PIN, PIN).unwrap();
    let second = phone.session();
    second.unlock(PIN).unwrap();
    assert_eq!(phone.unlocked_sessions(), 2);

    second.lock();
    assert!(!second.is_unlocked());
    assert!(first.is_unlocked());
    first.save_draft(&draft()).unwrap();

    // The inactivity lock of one view is its own too.
    second.unlock(PIN).unwrap();
    first.update_prefs(|p| p.lock_after = Duration::ZERO);
    assert!(second.lock_if_idle());
    assert!(first.is_unlocked(), "only the view that checked its clock");
    assert_eq!(first.status().unwrap().today.contacts, 1);
}

#[test]
fn a_view_that_goes_away_takes_its_key_with_it() {
    let (_home, phone, _first) = phone();
    let view = phone.session();
    view.unlock(PIN).unwrap();
    assert_eq!(phone.unlocked_sessions(), 2);
    drop(view);
    assert_eq!(phone.unlocked_sessions(), 1);
}

#[test]
fn a_closed_view_keeps_no_key_even_from_an_unlock_that_ends_after_the_close() {
    let (_home, phone, first) = phone();
    let view = phone.session();
    view.unlock(PIN).unwrap();
    view.close();
    assert!(!view.is_unlocked());
    // What an unlock still running on its thread when the socket closed
    // does at its end: the key is not kept.
    view.unlock(PIN).unwrap();
    assert!(!view.is_unlocked());
    assert!(first.is_unlocked());
    assert_eq!(phone.unlocked_sessions(), 1);
}

#[test]
fn wrong_pins_typed_in_one_view_make_every_view_of_the_phone_wait() {
    let (home, phone, _first) = phone();
    let thief = phone.session();
    for _ in 0..5 {
        assert!(thief.unlock("000000").is_err());
    }
    // A fresh connection does not start the count over.
    let another = phone.session();
    assert!(another.pin_wait().is_some());
    let refused = another.unlock(PIN).unwrap_err();
    assert!(
        refused.starts_with("Trop de NIP incorrects de suite"),
        "{refused}"
    );
    assert!(!another.is_unlocked());
    assert_eq!(Prefs::load(home.path()).pin_tries.wrong_in_a_row, 5);
}

#[test]
fn pins_tried_at_once_from_many_views_still_meet_the_wait_after_the_fifth() {
    let (home, phone, _first) = phone();
    let thief = phone.session();
    for _ in 0..4 {
        assert!(thief.unlock("000000").is_err());
    }
    // Eight connections each try a PIN at the same moment: one is tried,
    // the seven others meet the wait its failure started.
    let tries: Vec<_> = (0..8)
        .map(|n| {
            let view = phone.session();
            std::thread::spawn(move || view.unlock(&format!("11111{n}")))
        })
        .collect();
    let outcomes: Vec<String> = tries
        .into_iter()
        .map(|t| t.join().unwrap().unwrap_err())
        .collect();
    assert_eq!(Prefs::load(home.path()).pin_tries.wrong_in_a_row, 5);
    let waited = outcomes
        .iter()
        .filter(|o| o.starts_with("Trop de NIP incorrects de suite"))
        .count();
    assert_eq!(waited, 7, "{outcomes:#?}");
}

#[test]
fn a_new_pin_in_one_view_locks_the_others_and_a_wipe_locks_every_view() {
    let home = tempfile::tempdir().unwrap();
    let phone = Phone::new(home.path());
    let first = phone.session();
    first.create(PIN, PIN).unwrap();
    let second = phone.session();
    second.unlock(PIN).unwrap();

    first.change_pin(PIN, "135791", "135791").unwrap();
    assert!(first.is_unlocked());
    assert!(!second.is_unlocked(), "it must show it knows the new PIN");
    assert!(second.unlock(PIN).is_err());
    second.unlock("135791").unwrap();

    second.wipe("135791").unwrap();
    assert_eq!(phone.unlocked_sessions(), 0);
    assert_eq!(first.start_screen(), Screen::FirstRun);
}

#[test]
fn two_views_making_the_store_at_once_leave_one_store_that_the_winner_holds() {
    let home = tempfile::tempdir().unwrap();
    let phone = Phone::new(home.path());
    let makers: Vec<_> = ["482193", "735142"]
        .into_iter()
        .map(|pin| {
            let view = phone.session();
            std::thread::spawn(move || (pin, view.create(pin, pin).is_ok(), view))
        })
        .collect();
    let done: Vec<_> = makers.into_iter().map(|m| m.join().unwrap()).collect();
    let winners: Vec<_> = done.iter().filter(|(_, made, _)| *made).collect();
    assert_eq!(winners.len(), 1, "exactly one store is made");
    let (pin, _, view) = winners[0];
    assert!(view.is_unlocked());
    let other = phone.session();
    other.unlock(pin).unwrap();
}
