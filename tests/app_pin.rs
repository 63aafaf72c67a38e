//! The rule for new PINs in the worker app, rendered on the server (SSR)
//! and driven through the screens' own handlers on real store files: a
//! 4-digit PIN refused for a new store, a passphrase taken, and a store
//! from before the rule (4 digits) that opens with every record, then
//! asks for a longer PIN in plain words.

mod common;

use common::ssr::{page, settle, wait};

use dioxus::prelude::{ScopeId, VirtualDom};
use tournee::app::screens::unlock;
use tournee::app::{App, AppProps, Screen, Session, Ui};
use tournee::device::prefs::Prefs;
use tournee::device::{Listing, Pin, Store};
use tournee::domain::Lang;

const RULE_FR: &str = "NIP : au moins 6 chiffres, ou une phrase de passe d'au moins 8 caractères dont au moins une lettre.";
const RULE_EN: &str = "PIN: at least 6 digits, or a passphrase of at least 8 characters including at least one letter.";

fn dom_at(session: &Session, start: Option<Screen>) -> VirtualDom {
    wait(session.refresh());
    let mut dom = VirtualDom::new_with_props(
        App,
        AppProps {
            session: session.clone(),
            start,
        },
    );
    dom.rebuild_in_place();
    dom
}

fn press(dom: &mut VirtualDom, action: impl FnOnce(Ui)) -> String {
    dom.in_runtime(|| {
        let ui: Ui = dioxus::core::consume_context_from_scope(ScopeId::APP).unwrap();
        action(ui);
    });
    dom.render_immediate_to_vec();
    page(dom)
}

fn assert_has(html: &str, words: &[&str]) {
    for word in words {
        assert!(html.contains(word), "{word:?} missing from:\n{html}");
    }
}

#[test]
fn a_new_store_refuses_a_four_digit_pin_in_plain_words_and_takes_a_passphrase() {
    let home = tempfile::tempdir().unwrap();
    let session = Session::new(home.path());
    for short in ["4821", "48213", "abcdefg", "12-34-56-78"] {
        assert_eq!(wait(session.create(short, short)).unwrap_err(), RULE_FR);
        assert!(!Store::exists(home.path()), "nothing made for {short:?}");
    }
    wait(session.update_prefs(|p| p.lang = Lang::En));
    assert_eq!(wait(session.create("4821", "4821")).unwrap_err(), RULE_EN);

    wait(session.create("tuque bleue", "tuque bleue")).unwrap();
    assert!(session.is_unlocked());
    assert!(!session.pin_is_weak());
    Store::open(home.path(), &Pin::parse("tuque bleue").unwrap()).unwrap();
    assert!(session.prefs().pin_letters, "the full keyboard next time");
}

#[test]
fn first_run_states_the_rule_and_offers_a_keyboard_with_letters() {
    let home = tempfile::tempdir().unwrap();
    let session = Session::new(home.path());
    let fr = page(&dom_at(&session, None));
    assert_has(
        &fr,
        &[
            "Choisissez un NIP d'au moins 6 chiffres, ou une phrase de passe d'au moins 8 caractères dont au moins une lettre.",
            "Phrase de passe (avec lettres)",
            "inputmode=\"numeric\"",
        ],
    );
    wait(session.update_prefs(|p| p.lang = Lang::En));
    let en = page(&dom_at(&session, None));
    assert_has(
        &en,
        &[
            "Choose a PIN of at least 6 digits, or a passphrase of at least 8 characters including at least one letter.",
            "Passphrase (with letters)",
        ],
    );
}

#[test]
fn changing_the_pin_in_settings_refuses_a_short_new_one_and_keeps_the_old() {
    let home = tempfile::tempdir().unwrap();
    let session = Session::new(home.path());
    wait(session.create("482193", "482193")).unwrap();
    assert_eq!(
        wait(session.change_pin("482193", "1357", "1357")).unwrap_err(),
        RULE_FR
    );
    Store::open(home.path(), &Pin::parse("482193").unwrap()).unwrap();
    assert!(
        wait(session.strengthen_pin("tuque bleue", "tuque bleue")).is_err(),
        "a PIN that meets the rule is changed with the current one"
    );
    wait(session.change_pin("482193", "la nuit tombe", "la nuit tombe")).unwrap();
    Store::open(home.path(), &Pin::parse("la nuit tombe").unwrap()).unwrap();
    let settings = page(&dom_at(&session, Some(Screen::Settings)));
    assert_has(
        &settings,
        &[
            "Au moins 6 chiffres, ou une phrase de passe d'au moins 8 caractères dont au moins une lettre.",
        ],
    );
}

#[test]
fn an_old_four_digit_store_opens_with_every_record_then_asks_for_a_longer_pin() {
    let home = tempfile::tempdir().unwrap();
    let made = common::old_store::make(home.path(), "4821", &["pontiac", "gatineau", "papineau"]);
    let session = Session::new(home.path());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _inside = runtime.enter();
    let mut dom = dom_at(&session, None);
    assert_has(&page(&dom), &["Tournée est verrouillé"]);

    press(&mut dom, |ui| unlock::open(&session, ui, "4821".into()));
    let html = settle(&runtime, &mut dom, |html| {
        html.contains("Choisissez un NIP plus long")
    });
    assert_has(
        &html,
        &[
            "Votre NIP est trop court : avec une copie des fichiers de ce téléphone, un ordinateur essaierait tous les NIP de 4 chiffres en moins d'une heure.",
            "Rien n'est perdu : seul le NIP change; vos contacts et l'inscription du téléphone restent tels quels.",
            "Plus tard",
            "Si vous remettez à plus tard, ce message reviendra à chaque déverrouillage.",
        ],
    );
    assert!(
        !html.contains("data-testid=\"tab-home\""),
        "the way on is the screen's own buttons"
    );
    assert!(session.pin_is_weak());
    // Every record is there, as the old release left it.
    let waiting = session.status().unwrap().waiting_records;
    assert_eq!(waiting as usize, made.len());
    assert_eq!(session.status().unwrap().today.contacts, 3);

    // "Later": Home now, and the screen again at the next unlock.
    let home_page = press(&mut dom, |ui| ui.go(Screen::Home));
    assert_has(&home_page, &["Nouveau contact", "Contacts aujourd'hui : 3"]);
    wait(session.lock());
    let mut dom = dom_at(&session, None);
    press(&mut dom, |ui| unlock::open(&session, ui, "4821".into()));
    settle(&runtime, &mut dom, |html| {
        html.contains("Choisissez un NIP plus long")
    });

    // A short new PIN is refused again; a passphrase replaces the old one.
    assert_eq!(
        wait(session.strengthen_pin("1357", "1357")).unwrap_err(),
        RULE_FR
    );
    wait(session.strengthen_pin("tuque bleue de nuit", "tuque bleue de nuit")).unwrap();
    assert!(!session.pin_is_weak());
    assert!(Store::open(home.path(), &Pin::parse("4821").unwrap()).is_err());
    let store = Store::open(home.path(), &Pin::parse("tuque bleue de nuit").unwrap()).unwrap();
    assert_eq!(store.list(Listing::Pending).unwrap().len(), 3);
    drop(store);

    // Next unlock: straight to Home.
    wait(session.lock());
    let mut dom = dom_at(&session, None);
    press(&mut dom, |ui| {
        unlock::open(&session, ui, "tuque bleue de nuit".into())
    });
    settle(&runtime, &mut dom, |html| html.contains("Nouveau contact"));
}

#[test]
fn the_safer_pin_screen_speaks_english_too() {
    let home = tempfile::tempdir().unwrap();
    common::old_store::make(home.path(), "4821", &["pontiac"]);
    let session = Session::new(home.path());
    wait(session.update_prefs(|p| p.lang = Lang::En));
    wait(session.unlock("4821")).unwrap();
    let html = page(&dom_at(&session, Some(Screen::SaferPin)));
    assert_has(
        &html,
        &[
            "Choose a longer PIN",
            "a computer would try every 4-digit PIN in under an hour",
            "Nothing is lost",
            "Later",
            "this message comes back at every unlock",
        ],
    );
}

#[test]
fn the_pin_field_shows_the_keypad_the_pin_was_last_typed_on() {
    let home = tempfile::tempdir().unwrap();
    let session = Session::new(home.path());
    wait(session.create("482193", "482193")).unwrap();
    wait(session.lock());
    let digits = page(&dom_at(&session, None));
    assert_has(&digits, &["inputmode=\"numeric\""]);
    assert!(!digits.contains("inputmode=\"text\""), "{digits}");

    wait(session.unlock("482193")).unwrap();
    wait(session.change_pin("482193", "la nuit tombe", "la nuit tombe")).unwrap();
    wait(session.lock());
    assert!(Prefs::load(home.path()).pin_letters);
    let letters = page(&dom_at(&session, None));
    assert_has(&letters, &["inputmode=\"text\""]);
}
