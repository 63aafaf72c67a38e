//! The engine's messages, one at a time, against a real store file.

use super::message::{Answer, Command, Event, Snapshot};
use super::{Engine, EngineOptions};
use crate::device::vault::key_derivations;
use crate::domain::{Catalog, Contact};
use std::cell::RefCell;
use std::rc::Rc;

const PIN: &str = "482193";

fn engine() -> (tempfile::TempDir, Engine) {
    let home = tempfile::tempdir().unwrap();
    let engine = Engine::new(home.path(), EngineOptions::default());
    (home, engine)
}

fn snapshot(engine: &Engine, view: u64) -> Snapshot {
    match engine.handle(view, Command::Snapshot) {
        Ok(Answer::Snapshot(snapshot)) => *snapshot,
        other => panic!("{other:?}"),
    }
}

fn contact(catalog: &Catalog) -> Contact {
    let draft = crate::domain::ContactDraft {
        zone: catalog.zones[0].id.as_str().to_string(),
        kind: "known".into(),
        people: "1".into(),
        age_band: catalog.age_bands[0].id.as_str().to_string(),
        gender: Some(catalog.genders[0].id.as_str().to_string()),
        ..Default::default()
    };
    draft
        .parse(catalog, super::commands::now())
        .expect("a valid contact")
}

fn create(engine: &Engine, view: u64) {
    let made = engine.handle(
        view,
        Command::Create {
            pin: PIN.into(),
            again: PIN.into(),
        },
    );
    assert_eq!(made, Ok(Answer::Done));
}

#[test]
fn a_new_view_is_locked_and_unlocks_with_the_pin_only() {
    let (_home, engine) = engine();
    engine.open_view(1, |_| {});
    create(&engine, 1);
    engine.handle(1, Command::Lock).unwrap();
    assert!(!engine.holds_key(), "no view unlocked: the key is gone");

    engine.open_view(2, |_| {});
    let wrong = engine.handle(
        2,
        Command::Unlock {
            pin: "000000".into(),
        },
    );
    assert!(wrong.unwrap_err().contains("NIP"), "said in French");
    assert!(!snapshot(&engine, 2).unlocked);
    engine
        .handle(2, Command::Unlock { pin: PIN.into() })
        .unwrap();
    assert!(snapshot(&engine, 2).unlocked);
    assert!(!snapshot(&engine, 1).unlocked, "view 1 stays locked");
}

#[test]
fn a_second_view_checks_the_pin_against_the_open_store_and_locking_one_keeps_the_other() {
    let (_home, engine) = engine();
    engine.open_view(1, |_| {});
    engine.open_view(2, |_| {});
    create(&engine, 1);
    assert!(
        !snapshot(&engine, 2).unlocked,
        "the other view starts locked"
    );
    let before = key_derivations();
    engine
        .handle(2, Command::Unlock { pin: PIN.into() })
        .unwrap();
    assert!(key_derivations() > before, "its PIN was checked");
    engine.handle(1, Command::Lock).unwrap();
    assert!(engine.holds_key(), "view 2 still unlocked");
    assert!(snapshot(&engine, 2).unlocked);
    engine.handle(2, Command::CloseView).unwrap();
    assert!(!engine.holds_key(), "the last unlocked view closed");
}

#[test]
fn saving_and_voiding_go_through_the_open_store_and_tell_every_view() {
    let (_home, engine) = engine();
    let heard = Rc::new(RefCell::new(Vec::new()));
    let ear = heard.clone();
    engine.open_view(1, |_| {});
    engine.open_view(2, move |e| ear.borrow_mut().push(e));
    create(&engine, 1);
    let catalog = snapshot(&engine, 1).catalog.unwrap();
    let saved = contact(&catalog);
    let id = saved.record_id;
    let refused = engine.handle(
        2,
        Command::Save {
            contact: saved.clone(),
        },
    );
    assert!(refused.is_err(), "a locked view saves nothing");
    let before = key_derivations();
    engine.handle(1, Command::Save { contact: saved }).unwrap();
    assert_eq!(key_derivations(), before, "a save derives no key");
    assert!(heard.borrow().contains(&Event::Records));
    let shown = snapshot(&engine, 1);
    assert_eq!(shown.today.len(), 1);
    assert_eq!(shown.status.unwrap().today.contacts, 1);

    engine.handle(1, Command::Void { target: id }).unwrap();
    let shown = snapshot(&engine, 1);
    assert!(shown.today.iter().any(|listed| listed.voided));
    assert_eq!(shown.status.unwrap().today.contacts, 0, "Home agrees");
    assert!(engine.handle(1, Command::Void { target: id }).is_err());
}

#[test]
fn five_wrong_pins_make_every_view_wait() {
    let (_home, engine) = engine();
    engine.open_view(1, |_| {});
    create(&engine, 1);
    engine.handle(1, Command::Lock).unwrap();
    engine.open_view(2, |_| {});
    for _ in 0..5 {
        let _ = engine.handle(
            1,
            Command::Unlock {
                pin: "111111".into(),
            },
        );
    }
    let waiting = engine.handle(2, Command::Unlock { pin: PIN.into() });
    assert!(waiting.unwrap_err().contains("Attendez"));
    assert!(snapshot(&engine, 2).pin_wait.is_some());
    assert!(!engine.holds_key());
}

#[test]
fn inactivity_locks_the_view_and_forgets_the_key() {
    let (_home, engine) = engine();
    engine.open_view(1, |_| {});
    create(&engine, 1);
    let mut prefs = snapshot(&engine, 1).prefs;
    prefs.lock_after = std::time::Duration::ZERO;
    engine.handle(1, Command::SetPrefs { prefs }).unwrap();
    engine.tick();
    assert!(!snapshot(&engine, 1).unlocked);
    assert!(!engine.holds_key());
}

#[test]
fn changing_the_pin_locks_the_other_views_and_wipe_locks_all() {
    let (home, engine) = engine();
    engine.open_view(1, |_| {});
    engine.open_view(2, |_| {});
    create(&engine, 1);
    engine
        .handle(2, Command::Unlock { pin: PIN.into() })
        .unwrap();
    let change = Command::ChangePin {
        current: PIN.into(),
        new: "135791".into(),
        again: "135791".into(),
    };
    engine.handle(1, change).unwrap();
    assert!(snapshot(&engine, 1).unlocked);
    assert!(!snapshot(&engine, 2).unlocked);
    assert!(engine.handle(1, Command::Wipe { pin: PIN.into() }).is_err());
    engine
        .handle(
            1,
            Command::Wipe {
                pin: "135791".into(),
            },
        )
        .unwrap();
    let after = snapshot(&engine, 1);
    assert!(!after.unlocked && !after.has_store);
    assert!(!crate::device::Store::exists(home.path()));
}

#[test]
fn behind_the_pin_screen_only_the_language_and_theme_change() {
    let (_home, engine) = engine();
    engine.open_view(1, |_| {});
    create(&engine, 1);
    engine.open_view(2, |_| {});
    let mut prefs = snapshot(&engine, 2).prefs;
    prefs.lang = crate::domain::Lang::En;
    engine.handle(2, Command::SetPrefs { prefs }).unwrap();
    prefs.lock_after = std::time::Duration::from_secs(3600);
    assert!(engine.handle(2, Command::SetPrefs { prefs }).is_err());
    assert_eq!(snapshot(&engine, 1).prefs.lang, crate::domain::Lang::En);
    assert_ne!(snapshot(&engine, 1).prefs.lock_after, prefs.lock_after);
    engine.handle(1, Command::SetPrefs { prefs }).unwrap();
    assert_eq!(snapshot(&engine, 1).prefs.lock_after, prefs.lock_after);
}

#[test]
fn messages_are_plain_data() {
    let command = Command::Unlock { pin: PIN.into() };
    let text = serde_json::to_string(&command).unwrap();
    assert_eq!(serde_json::from_str::<Command>(&text).unwrap(), command);
    let (_home, engine) = engine();
    engine.open_view(1, |_| {});
    create(&engine, 1);
    let reply = engine.handle(1, Command::Snapshot);
    let text = serde_json::to_string(&reply).unwrap();
    assert_eq!(serde_json::from_str::<super::Reply>(&text).unwrap(), reply);
}
