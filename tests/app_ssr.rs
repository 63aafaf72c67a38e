//! The worker app rendered on the server (SSR), in French and in English:
//! the words a worker sees on each screen, and taps driven through the
//! same session methods the components call, against a real store.

use dioxus::prelude::{ScopeId, VirtualDom, WritableExt};
use std::time::Duration;
use tournee::app::form::Form;
use tournee::app::screens::{new_contact, today};
use tournee::app::state::SaveError;
use tournee::app::{App, AppProps, Screen, Session, Ui};
use tournee::device::{Listing, Pin, Store};
use tournee::domain::{Field, Lang, Record};

const PIN: &str = "4821";

fn render(session: &Session, start: Option<Screen>) -> String {
    let mut dom = VirtualDom::new_with_props(
        App,
        AppProps {
            session: session.clone(),
            start,
        },
    );
    dom.rebuild_in_place();
    // Read apostrophes as a worker does, not as HTML escapes them.
    dioxus_ssr::render(&dom).replace("&#39;", "'")
}

fn in_lang(session: &Session, lang: Lang, start: Option<Screen>) -> String {
    session.update_prefs(|p| p.lang = lang);
    render(session, start)
}

/// A phone past its first run, unlocked.
fn unlocked() -> (tempfile::TempDir, Session) {
    let home = tempfile::tempdir().unwrap();
    let session = Session::new(home.path());
    session.create(PIN, PIN).unwrap();
    (home, session)
}

fn typical() -> Form {
    let mut form = Form::fresh(None);
    form.zone = "gatineau".into();
    form.age_band = "25-34".into();
    form.gender = Some("femme".into());
    form.step("seringues", true);
    form
}

fn assert_has(html: &str, words: &[&str]) {
    for word in words {
        assert!(html.contains(word), "{word:?} missing from:\n{html}");
    }
}

#[test]
fn a_new_phone_opens_on_first_run_in_french_then_english() {
    let home = tempfile::tempdir().unwrap();
    let session = Session::new(home.path());
    let fr = in_lang(&session, Lang::Fr, None);
    assert_has(&fr, &["Bienvenue dans Tournée", "NIP (encore)", "Suivant"]);
    let en = in_lang(&session, Lang::En, None);
    assert_has(&en, &["Welcome to Tournée", "PIN (again)", "Next"]);

    // Second step, once the PIN is set: enroll with a code, or go offline.
    session.create(PIN, PIN).unwrap();
    let fr = in_lang(&session, Lang::Fr, Some(Screen::FirstRun));
    assert_has(
        &fr,
        &[
            "Inscrire ce téléphone",
            "Code d'inscription",
            "Continuer hors ligne",
        ],
    );
    let en = in_lang(&session, Lang::En, Some(Screen::FirstRun));
    assert_has(
        &en,
        &["Enroll this phone", "Enrollment code", "Continue offline"],
    );
}

#[test]
fn a_locked_phone_asks_for_the_pin_and_offers_no_screen_behind_it() {
    let (_home, session) = unlocked();
    session.lock();
    let fr = in_lang(&session, Lang::Fr, Some(Screen::Home));
    assert_has(
        &fr,
        &["Tournée est verrouillé", "Entrez votre NIP", "Ouvrir"],
    );
    assert!(!fr.contains("Nouveau contact"));
    let en = in_lang(&session, Lang::En, None);
    assert_has(&en, &["Tournée is locked", "Enter your PIN", "Open"]);
}

#[test]
fn home_shows_the_big_buttons_todays_counts_and_an_honest_sync_chip() {
    let (_home, session) = unlocked();
    let fr = in_lang(&session, Lang::Fr, None);
    assert_has(
        &fr,
        &[
            "Nouveau contact",
            "Répéter le dernier",
            "0 contact(s), 0 personne(s) aujourd'hui",
            "pas encore inscrit",
            "Verrouiller",
            "Aujourd'hui",
        ],
    );
    let en = in_lang(&session, Lang::En, None);
    assert_has(
        &en,
        &[
            "New contact",
            "Repeat the last",
            "0 contact(s), 0 people today",
            "not enrolled yet",
            "Lock",
        ],
    );
}

#[test]
fn new_contact_shows_chips_steppers_and_save_in_both_languages() {
    let (_home, session) = unlocked();
    let fr = in_lang(&session, Lang::Fr, Some(Screen::NewContact));
    assert_has(
        &fr,
        &[
            "Gatineau",
            "Personne connue",
            "25 à 34 ans",
            "Seringues",
            "Un de plus : Seringues",
            "Enregistrer",
            "code de la personne",
        ],
    );
    let en = in_lang(&session, Lang::En, Some(Screen::NewContact));
    assert_has(
        &en,
        &[
            "Known person",
            "25 to 34",
            "Syringes",
            "One more: Syringes",
            "Save",
            "person code",
        ],
    );
}

#[test]
fn saving_the_form_writes_a_real_contact_to_the_store() {
    let (home, session) = unlocked();
    let mut form = typical();
    form.code = "Tremblay 1990".into();
    session.save_draft(&form.draft()).unwrap();
    session.lock();

    let store = Store::open(home.path(), &Pin::parse(PIN).unwrap()).unwrap();
    let pending = store.list(Listing::Pending).unwrap();
    assert_eq!(pending.len(), 1);
    let Record::Contact(contact) = &pending[0].record else {
        panic!("a contact was saved");
    };
    assert_eq!(contact.zone.as_str(), "gatineau");
    assert_eq!(contact.materials.values().map(|q| q.get()).sum::<u32>(), 1);
    assert!(contact.person_code.is_some());
}

#[test]
fn repeat_the_last_then_one_more_syringe_then_save_makes_a_second_contact() {
    let (_home, session) = unlocked();
    session.save_draft(&typical().draft()).unwrap();
    // The three taps: "Répéter le dernier", "+" on syringes, "Enregistrer".
    let mut form = Form::repeat(&session.last_contact().unwrap());
    form.step("seringues", true);
    session.save_draft(&form.draft()).unwrap();
    let status = session.status().unwrap();
    assert_eq!(status.today.contacts, 2);
    assert_eq!(status.today.materials.get("seringues"), Some(&3));
    // A fresh form remembers the zone.
    assert_eq!(
        Form::fresh(session.last_contact().as_ref()).zone,
        "gatineau"
    );
}

#[test]
fn a_form_missing_fields_saves_nothing_and_says_why_in_the_workers_language() {
    let (_home, session) = unlocked();
    let form = Form::fresh(None);
    let Err(error) = session.save_draft(&form.draft()) else {
        panic!("an empty zone must not save");
    };
    assert!(matches!(error, SaveError::Fields(_)));
    let zone = error.for_field(Field::Zone).unwrap();
    assert_eq!(zone.message(Lang::Fr), "zone : obligatoire.");
    assert_eq!(zone.message(Lang::En), "zone: required.");
    assert_eq!(session.status().unwrap().today.contacts, 0);
}

#[test]
fn today_lists_contacts_with_void_but_never_the_person_code() {
    let (_home, session) = unlocked();
    let mut form = typical();
    form.code = "Tremblay 1990".into();
    session.save_draft(&form.draft()).unwrap();
    let fr = in_lang(&session, Lang::Fr, Some(Screen::Today));
    assert_has(
        &fr,
        &[
            "Gatineau",
            "Personne connue",
            "Seringues 1",
            "avec code",
            "Annuler ce contact",
        ],
    );
    assert!(!fr.to_uppercase().contains("TREMBLAY"));
    let en = in_lang(&session, Lang::En, Some(Screen::Today));
    assert_has(&en, &["Known person", "with code", "Void this contact"]);
}

#[test]
fn voiding_takes_the_contact_out_of_todays_counts() {
    let (_home, session) = unlocked();
    let id = session.save_draft(&typical().draft()).unwrap();
    session.void(id).unwrap();
    assert_eq!(session.status().unwrap().today.contacts, 0);
    let fr = in_lang(&session, Lang::Fr, Some(Screen::Today));
    assert_has(&fr, &["annulé"]);
    assert!(session.void(id).is_err(), "a second void is refused");
}

#[test]
fn the_empty_day_says_so() {
    let (_home, session) = unlocked();
    assert_has(
        &in_lang(&session, Lang::Fr, Some(Screen::Today)),
        &["Aucun contact aujourd'hui."],
    );
    assert_has(
        &in_lang(&session, Lang::En, Some(Screen::Today)),
        &["No contacts today."],
    );
}

#[test]
fn sync_screen_says_what_waits_and_offers_enrollment_before_sync() {
    let (_home, session) = unlocked();
    session.save_draft(&typical().draft()).unwrap();
    let fr = in_lang(&session, Lang::Fr, Some(Screen::Sync));
    assert_has(
        &fr,
        &[
            "En attente d'envoi : 1 enregistrement(s).",
            "Jamais synchronisé.",
            "Inscrire ce téléphone",
        ],
    );
    let en = in_lang(&session, Lang::En, Some(Screen::Sync));
    assert_has(
        &en,
        &[
            "Waiting to be sent: 1 record(s).",
            "Never synced.",
            "Enroll this phone",
        ],
    );
}

#[test]
fn settings_offer_language_auto_lock_and_theme() {
    let (_home, session) = unlocked();
    let fr = in_lang(&session, Lang::Fr, Some(Screen::Settings));
    assert_has(
        &fr,
        &[
            "Langue",
            "Français",
            "English",
            "Verrouillage après inactivité",
            "5 min",
            "Sombre",
            "Clair",
        ],
    );
    assert!(fr.contains("app dark"), "dark by default");
    let en = in_lang(&session, Lang::En, Some(Screen::Settings));
    assert_has(
        &en,
        &[
            "Language",
            "Lock after inactivity",
            "Dark",
            "Light",
            "Change the PIN",
            "Wipe this device",
        ],
    );
}

#[test]
fn changing_the_pin_needs_the_current_one_and_the_new_one_twice() {
    let (home, session) = unlocked();
    assert!(
        session
            .change_pin("0000", "1357", "1357")
            .unwrap_err()
            .starts_with("NIP incorrect")
    );
    assert!(session.change_pin(PIN, "1357", "1358").is_err());
    session.change_pin(PIN, "1357", "1357").unwrap();
    Store::open(home.path(), &Pin::parse("1357").unwrap()).unwrap();
}

#[test]
fn wiping_needs_the_pin_then_leaves_a_first_run() {
    let (home, session) = unlocked();
    session.save_draft(&typical().draft()).unwrap();
    assert!(session.wipe("0000").is_err());
    assert!(session.is_unlocked(), "a wrong PIN wipes nothing");
    session.wipe(PIN).unwrap();
    assert!(!Store::exists(home.path()));
    assert_eq!(session.start_screen(), Screen::FirstRun);
}

#[test]
fn the_phone_locks_itself_after_the_chosen_inactivity() {
    let (_home, session) = unlocked();
    assert!(!session.lock_if_idle(), "5 minutes by default");
    session.update_prefs(|p| p.lock_after = Duration::ZERO);
    assert!(session.lock_if_idle());
    assert_eq!(session.start_screen(), Screen::Unlock);
}

#[test]
fn pins_are_checked_in_plain_words() {
    let home = tempfile::tempdir().unwrap();
    let session = Session::new(home.path());
    let mismatch = session.create(PIN, "9999").unwrap_err();
    assert!(mismatch.contains("ne correspondent pas"), "{mismatch}");
    session.create(PIN, PIN).unwrap();
    session.lock();
    let wrong = session.unlock("0000").unwrap_err();
    assert!(wrong.starts_with("NIP incorrect"), "{wrong}");
    session.unlock(PIN).unwrap();
    assert!(session.is_unlocked());
}

#[test]
fn switching_language_applies_at_once_to_every_view() {
    let (_home, session) = unlocked();
    session.update_prefs(|p| p.lang = Lang::Fr);
    // The app's inactivity clock is a tokio timer, as under liveview.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _inside = runtime.enter();
    let mut dom = VirtualDom::new_with_props(
        App,
        AppProps {
            session: session.clone(),
            start: Some(Screen::Settings),
        },
    );
    dom.rebuild_in_place();
    assert!(dioxus_ssr::render(&dom).contains("Verrouiller"));
    // What the "English" chip's handler does.
    dom.in_runtime(|| {
        let ui: Ui = dioxus::core::consume_context_from_scope(ScopeId::APP).unwrap();
        session.update_prefs(|p| p.lang = Lang::En);
        ui.refresh();
    });
    dom.render_immediate_to_vec();
    let html = dioxus_ssr::render(&dom);
    assert_has(
        &html,
        &["Lock", "Home", "Today", "Language", "Wipe this device"],
    );
    assert!(
        !html.contains("Verrouiller") && !html.contains("Accueil"),
        "{html}"
    );
}

/// A live virtual DOM on `start`, for tests that press buttons through
/// the components' own handlers.
fn dom_at(session: &Session, start: Screen) -> VirtualDom {
    let mut dom = VirtualDom::new_with_props(
        App,
        AppProps {
            session: session.clone(),
            start: Some(start),
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
    dioxus_ssr::render(dom).replace("&#39;", "'")
}

#[test]
fn the_save_button_writes_to_the_store_and_goes_home_with_a_notice() {
    let (home, session) = unlocked();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _inside = runtime.enter();
    let mut dom = dom_at(&session, Screen::NewContact);
    let html = press(&mut dom, |mut ui| {
        ui.form.set(typical());
        new_contact::save(&session, ui);
    });
    assert_has(
        &html,
        &[
            "Contact enregistré.",
            "1 contact(s), 1 personne(s) aujourd'hui",
            "Répéter le dernier",
        ],
    );
    session.lock();
    let store = Store::open(home.path(), &Pin::parse(PIN).unwrap()).unwrap();
    assert_eq!(store.list(Listing::Pending).unwrap().len(), 1);
}

#[test]
fn a_save_with_missing_fields_shows_each_problem_next_to_its_field() {
    let (_home, session) = unlocked();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _inside = runtime.enter();
    for (lang, zone_title, zone_error, age_error, summary) in [
        (
            Lang::Fr,
            "<h2>zone</h2>",
            "zone : obligatoire.",
            "tranche d'âge : obligatoire.",
            "Rien n'a été enregistré",
        ),
        (
            Lang::En,
            "<h2>zone</h2>",
            "zone: required.",
            "age band: required.",
            "Nothing was saved",
        ),
    ] {
        session.update_prefs(|p| p.lang = lang);
        let mut dom = dom_at(&session, Screen::NewContact);
        let html = press(&mut dom, |mut ui| {
            ui.form.set(Form::fresh(None));
            new_contact::save(&session, ui);
        });
        assert_has(&html, &[zone_error, age_error, summary]);
        // Next to its field: inside the zone group, before the next title.
        let zone_group = html.split(zone_title).nth(1).unwrap();
        let zone_group = zone_group.split("<h2>").next().unwrap();
        assert!(zone_group.contains(zone_error), "{zone_group}");
    }
    assert_eq!(session.status().unwrap().today.contacts, 0);
}

#[test]
fn yes_void_takes_the_contact_out_and_says_so() {
    let (_home, session) = unlocked();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _inside = runtime.enter();
    let id = session.save_draft(&typical().draft()).unwrap();
    let mut dom = dom_at(&session, Screen::Today);
    let html = press(&mut dom, |ui| today::void(&session, ui, id).unwrap());
    assert_has(&html, &["Contact annulé.", "record voided", "annulé"]);
    assert!(
        !html.contains("Annuler ce contact"),
        "a voided contact offers no second void"
    );
    let again = press(&mut dom, |ui| {
        let error = today::void(&session, ui, id).unwrap_err();
        assert!(error.contains("déjà annulé"), "{error}");
    });
    assert!(again.contains("record voided"));
}

#[test]
fn a_view_opened_after_the_inactivity_delay_starts_locked() {
    let (_home, session) = unlocked();
    session.update_prefs(|p| p.lock_after = Duration::ZERO);
    let html = render(&session, None);
    assert_has(&html, &["Tournée est verrouillé"]);
    assert!(!session.is_unlocked());
}
