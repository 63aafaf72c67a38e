//! The worker app rendered on the server (SSR), in French and in English:
//! the words a worker sees on each screen, and taps driven through the
//! same session methods the components call, against a real store.

mod common;

use common::ssr::{page, settle, wait};
use dioxus::prelude::{ScopeId, VirtualDom, WritableExt};
use std::time::Duration;
use tournee::app::form::Form;
use tournee::app::screens::{new_contact, today, unlock};
use tournee::app::state::SaveError;
use tournee::app::{App, AppProps, Screen, Session, Ui};
use tournee::device::prefs::Prefs;
use tournee::device::{Listing, Pin, Store};
use tournee::domain::{Field, Lang, Record};

const PIN: &str = "482193";

fn render(session: &Session, start: Option<Screen>) -> String {
    wait(session.refresh());
    let mut dom = VirtualDom::new_with_props(
        App,
        AppProps {
            session: session.clone(),
            start,
        },
    );
    dom.rebuild_in_place();
    page(&dom)
}

/// The page as a worker reads it: apostrophes unescaped, and without the
/// embedded style sheet, whose comments must not satisfy an assertion.
fn in_lang(session: &Session, lang: Lang, start: Option<Screen>) -> String {
    wait(session.update_prefs(|p| p.lang = lang));
    render(session, start)
}

/// A phone past its first run, unlocked.
fn unlocked() -> (tempfile::TempDir, Session) {
    let home = tempfile::tempdir().unwrap();
    let session = Session::new(home.path());
    wait(session.create(PIN, PIN)).unwrap();
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
    assert_has(
        &fr,
        &["Bienvenue dans Tournée", "Confirmez le NIP", "Suivant"],
    );
    let en = in_lang(&session, Lang::En, None);
    assert_has(&en, &["Welcome to Tournée", "Confirm the PIN", "Next"]);

    // Second step, once the PIN is set: enroll with a code, or go offline.
    wait(session.create(PIN, PIN)).unwrap();
    let fr = in_lang(&session, Lang::Fr, Some(Screen::FirstRun));
    assert_has(
        &fr,
        &[
            "Inscrire ce téléphone",
            "Balayer le code QR",
            "Code d'inscription",
            "Continuer hors ligne",
        ],
    );
    let en = in_lang(&session, Lang::En, Some(Screen::FirstRun));
    assert_has(
        &en,
        &[
            "Enroll this phone",
            "Scan the QR code",
            "Enrollment code",
            "Continue offline",
        ],
    );
}

#[test]
fn a_locked_phone_asks_for_the_pin_and_offers_no_screen_behind_it() {
    let (_home, session) = unlocked();
    wait(session.lock());
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
            "Contacts aujourd'hui : 0 · personnes : 0",
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
            "Contacts today: 0 · people: 0",
            "not enrolled yet",
            "Lock",
        ],
    );
}

#[test]
fn new_contact_offers_returned_syringes_and_an_optional_duration() {
    let (_home, session) = unlocked();
    let fr = in_lang(&session, Lang::Fr, Some(Screen::NewContact));
    assert_has(
        &fr,
        &[
            "<h2>seringues récupérées</h2>",
            "Un de plus : seringues récupérées",
            "durée (minutes)",
            "Facultatif, de 1 à 720 minutes.",
        ],
    );
    let en = in_lang(&session, Lang::En, Some(Screen::NewContact));
    assert_has(
        &en,
        &[
            "<h2>returned syringes</h2>",
            "One more: returned syringes",
            "duration (minutes)",
            "Optional, 1 to 720 minutes.",
        ],
    );
}

#[test]
fn returned_syringes_and_duration_are_saved_shown_in_today_and_repeat_keeps_only_the_syringes() {
    let (home, session) = unlocked();
    let mut form = typical();
    form.step_returned(true);
    form.step_returned(true);
    form.step_returned(true);
    form.duration = "20".into();
    wait(session.save_draft(&form.draft())).unwrap();
    let fr = in_lang(&session, Lang::Fr, Some(Screen::Today));
    assert_has(&fr, &["Seringues récupérées 3", "20 min"]);
    let en = in_lang(&session, Lang::En, Some(Screen::Today));
    assert_has(&en, &["Returned syringes 3", "20 min"]);

    // Repeat, one more syringe, save: the returned count comes along, the
    // duration (this conversation's own) does not.
    let mut again = Form::repeat(&session.last_contact().unwrap());
    assert_eq!((again.returned, again.duration.as_str()), (3, ""));
    again.step("seringues", true);
    wait(session.save_draft(&again.draft())).unwrap();
    wait(session.lock());
    let store = Store::open(home.path(), &Pin::parse(PIN).unwrap()).unwrap();
    let saved: Vec<_> = store
        .list(Listing::Pending)
        .unwrap()
        .into_iter()
        .filter_map(|listed| match listed.record {
            Record::Contact(contact) => Some(contact),
            _ => None,
        })
        .collect();
    assert_eq!(saved.len(), 2);
    assert_eq!(saved[0].returned_syringes.get(), 3);
    assert_eq!(saved[0].duration_min.map(|d| d.get()), Some(20));
    assert_eq!(saved[1].returned_syringes.get(), 3);
    assert_eq!(saved[1].duration_min, None);
}

#[test]
fn a_duration_out_of_range_is_refused_next_to_its_field() {
    let (_home, session) = unlocked();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _inside = runtime.enter();
    let mut dom = dom_at(&session, Screen::NewContact);
    let html = press(&mut dom, |mut ui| {
        let mut form = typical();
        form.duration = "0".into();
        ui.form.set(form);
        wait(new_contact::save(session.clone(), ui));
    });
    assert_has(&html, &["Rien n'a été enregistré"]);
    // The error sits between the duration field and the person code.
    let (_, after) = html.split_once("<span>durée (minutes)</span>").unwrap();
    let near = after.split("<span>code de la personne").next().unwrap();
    assert!(near.contains("role=\"alert\""), "{near}");
    assert!(near.contains("durée (minutes) :"), "{near}");
    assert_eq!(session.status().unwrap().today.contacts, 0);
}

#[test]
fn new_contact_shows_chips_steppers_bundles_and_save_in_both_languages() {
    let (_home, session) = unlocked();
    let fr = in_lang(&session, Lang::Fr, Some(Screen::NewContact));
    assert_has(
        &fr,
        &[
            "Gatineau",
            "Personne connue",
            "25 à 34 ans",
            "Seringues",
            "+10 : Seringues",
            "Quantité : Seringues",
            "Ajouter Trousse d'injection : 10 Eau stérile, 10 Seringues",
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
            "+5: Syringes",
            "Add Injection kit: 10 Sterile water",
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
    wait(session.save_draft(&form.draft())).unwrap();
    wait(session.lock());

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
    wait(session.save_draft(&typical().draft())).unwrap();
    // The three taps: "Répéter le dernier", "+" on syringes, "Enregistrer".
    let mut form = Form::repeat(&session.last_contact().unwrap());
    form.step("seringues", true);
    wait(session.save_draft(&form.draft())).unwrap();
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
    let Err(error) = wait(session.save_draft(&form.draft())) else {
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
    wait(session.save_draft(&form.draft())).unwrap();
    let fr = in_lang(&session, Lang::Fr, Some(Screen::Today));
    assert_has(
        &fr,
        &[
            "Gatineau",
            "Personne connue",
            "Seringues 1",
            "avec code",
            "Retirer ce contact",
        ],
    );
    assert!(!fr.to_uppercase().contains("TREMBLAY"));
    let en = in_lang(&session, Lang::En, Some(Screen::Today));
    assert_has(&en, &["Known person", "with code", "Void this contact"]);
}

#[test]
fn voiding_takes_the_contact_out_of_todays_counts() {
    let (_home, session) = unlocked();
    let id = wait(session.save_draft(&typical().draft())).unwrap();
    wait(session.void(id)).unwrap();
    assert_eq!(session.status().unwrap().today.contacts, 0);
    let fr = in_lang(&session, Lang::Fr, Some(Screen::Today));
    assert_has(&fr, &["retiré"]);
    assert!(wait(session.void(id)).is_err(), "a second void is refused");
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
    wait(session.save_draft(&typical().draft())).unwrap();
    let fr = in_lang(&session, Lang::Fr, Some(Screen::Sync));
    assert_has(
        &fr,
        &[
            "Enregistrements en attente d'envoi : 1.",
            "Jamais synchronisé.",
            "Inscrire ce téléphone",
        ],
    );
    let en = in_lang(&session, Lang::En, Some(Screen::Sync));
    assert_has(
        &en,
        &[
            "Records waiting to be sent: 1.",
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
        wait(session.change_pin("0000", "135791", "135791"))
            .unwrap_err()
            .starts_with("NIP incorrect")
    );
    assert!(wait(session.change_pin(PIN, "135791", "135792")).is_err());
    wait(session.change_pin(PIN, "135791", "135791")).unwrap();
    Store::open(home.path(), &Pin::parse("135791").unwrap()).unwrap();
}

#[test]
fn wiping_needs_the_pin_then_leaves_a_first_run() {
    let (home, session) = unlocked();
    wait(session.save_draft(&typical().draft())).unwrap();
    assert!(wait(session.wipe("0000")).is_err());
    assert!(session.is_unlocked(), "a wrong PIN wipes nothing");
    wait(session.wipe(PIN)).unwrap();
    assert!(!Store::exists(home.path()));
    assert_eq!(session.start_screen(), Screen::FirstRun);
}

#[test]
fn the_phone_locks_itself_after_the_chosen_inactivity() {
    let (_home, session) = unlocked();
    std::thread::sleep(Duration::from_millis(1500));
    wait(session.refresh());
    assert!(session.is_unlocked(), "5 minutes by default");
    wait(session.update_prefs(|p| p.lock_after = Duration::ZERO));
    // The engine's clock looks every second.
    std::thread::sleep(Duration::from_millis(1500));
    wait(session.refresh());
    assert_eq!(session.start_screen(), Screen::Unlock);
}

#[test]
fn pins_are_checked_in_plain_words() {
    let home = tempfile::tempdir().unwrap();
    let session = Session::new(home.path());
    let mismatch = wait(session.create(PIN, "999999")).unwrap_err();
    assert!(mismatch.contains("ne correspondent pas"), "{mismatch}");
    wait(session.create(PIN, PIN)).unwrap();
    wait(session.lock());
    let wrong = wait(session.unlock("0000")).unwrap_err();
    assert!(wrong.starts_with("NIP incorrect"), "{wrong}");
    wait(session.unlock(PIN)).unwrap();
    assert!(session.is_unlocked());
}

#[test]
fn switching_language_applies_at_once_to_every_view() {
    let (_home, session) = unlocked();
    wait(session.update_prefs(|p| p.lang = Lang::Fr));
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
    assert!(page(&dom).contains("Verrouiller"));
    // What the "English" chip's handler does.
    dom.in_runtime(|| {
        let ui: Ui = dioxus::core::consume_context_from_scope(ScopeId::APP).unwrap();
        wait(session.update_prefs(|p| p.lang = Lang::En));
        ui.refresh();
    });
    dom.render_immediate_to_vec();
    let html = page(&dom);
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
    wait(session.refresh());
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
    page(dom)
}

#[test]
fn the_save_button_writes_to_the_store_and_goes_home_with_a_notice() {
    let (home, session) = unlocked();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _inside = runtime.enter();
    let mut dom = dom_at(&session, Screen::NewContact);
    let html = press(&mut dom, |mut ui| {
        ui.form.set(typical());
        wait(new_contact::save(session.clone(), ui));
    });
    assert_has(
        &html,
        &[
            "Contact enregistré.",
            "Contacts aujourd'hui : 1 · personnes : 1",
            "Répéter le dernier",
        ],
    );
    wait(session.lock());
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
        wait(session.update_prefs(|p| p.lang = lang));
        let mut dom = dom_at(&session, Screen::NewContact);
        let html = press(&mut dom, |mut ui| {
            ui.form.set(Form::fresh(None));
            wait(new_contact::save(session.clone(), ui));
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
    let id = wait(session.save_draft(&typical().draft())).unwrap();
    let mut dom = dom_at(&session, Screen::Today);
    let html = press(&mut dom, |ui| {
        wait(today::void(&session, ui, id, today::Kind::Contact)).unwrap()
    });
    assert_has(&html, &["Contact retiré.", "record voided", "retiré"]);
    assert!(
        !html.contains("Retirer ce contact"),
        "a voided contact offers no second void"
    );
    let again = press(&mut dom, |ui| {
        let error = wait(today::void(&session, ui, id, today::Kind::Contact)).unwrap_err();
        assert!(error.contains("déjà retiré"), "{error}");
    });
    assert!(again.contains("record voided"));
}

#[test]
fn a_view_opened_after_the_inactivity_delay_starts_locked() {
    let (_home, session) = unlocked();
    wait(session.update_prefs(|p| p.lock_after = Duration::ZERO));
    std::thread::sleep(Duration::from_millis(1500));
    let html = render(&session, None);
    assert_has(&html, &["Tournée est verrouillé"]);
    assert!(!session.is_unlocked());
}

#[test]
fn unlocking_runs_off_the_ui_thread_and_says_so_meanwhile() {
    let (_home, session) = unlocked();
    wait(session.lock());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _inside = runtime.enter();
    let mut dom = dom_at(&session, Screen::Unlock);
    // The tap returns before PBKDF2 is done: the page says it is working
    // and the button cannot be tapped twice.
    let html = press(&mut dom, |ui| unlock::open(&session, ui, PIN.into()));
    assert_has(&html, &[">Déverrouillage…</button>", "aria-busy=\"true\""]);
    assert!(
        html.contains("disabled=true") || html.contains("disabled=\"true\""),
        "{html}"
    );
    // The screen keeps running while the key is derived: after a turn of
    // the UI's event loop (which would run PBKDF2 to the end if it ran
    // there) the page is still live and still says it is working.
    runtime.block_on(async {
        let _ = tokio::time::timeout(Duration::from_millis(5), dom.wait_for_work()).await;
    });
    dom.render_immediate_to_vec();
    assert!(page(&dom).contains(">Déverrouillage…</button>"));
    assert!(!session.is_unlocked());
    let html = settle(&runtime, &mut dom, |html| html.contains("Nouveau contact"));
    assert!(session.is_unlocked());
    assert!(!html.contains("Déverrouillage…"), "{html}");

    // A wrong PIN comes back the same way, as a message on the PIN screen.
    wait(session.update_prefs(|p| p.lang = Lang::En));
    wait(session.lock());
    let mut dom = dom_at(&session, Screen::Unlock);
    let html = press(&mut dom, |ui| unlock::open(&session, ui, "0000".into()));
    assert_has(&html, &[">Unlocking…</button>"]);
    let html = settle(&runtime, &mut dom, |html| html.contains("Wrong PIN"));
    assert_has(&html, &["Tournée is locked", ">Open<"]);
    assert!(!session.is_unlocked());
}

#[test]
fn creating_the_pin_runs_off_the_ui_thread_then_offers_enrollment() {
    let home = tempfile::tempdir().unwrap();
    let session = Session::new(home.path());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _inside = runtime.enter();
    let mut dom = dom_at(&session, Screen::FirstRun);
    let html = press(&mut dom, |ui| {
        tournee::app::screens::pin_step(
            ui,
            &session,
            tournee::app::PinStep::Create,
            |session| async move { session.create(PIN, PIN).await },
            |ui| ui.refresh(),
        );
    });
    assert_has(&html, &[">Préparation du coffre chiffré…</button>"]);
    let html = settle(&runtime, &mut dom, |html| {
        html.contains("Continuer hors ligne")
    });
    assert_has(&html, &["Inscrire ce téléphone"]);
    assert!(Store::exists(home.path()));
}

#[test]
fn five_wrong_pins_in_a_row_make_the_worker_wait_even_after_a_restart() {
    let (home, session) = unlocked();
    wait(session.save_draft(&typical().draft())).unwrap();
    wait(session.lock());
    for _ in 0..4 {
        let wrong = wait(session.unlock("0000")).unwrap_err();
        assert_eq!(wrong, "NIP incorrect. Rien n'a été ouvert.");
    }
    let fifth = wait(session.unlock("0000")).unwrap_err();
    assert!(fifth.starts_with("NIP incorrect"), "{fifth}");
    assert!(
        fifth.contains("Attendez 30 s avant de réessayer"),
        "{fifth}"
    );
    // Even the right PIN waits now: nothing is tried.
    let refused = wait(session.unlock(PIN)).unwrap_err();
    assert!(
        refused.starts_with("Trop de NIP incorrects de suite"),
        "{refused}"
    );
    assert!(!session.is_unlocked());

    // A restart (a new session on the same phone) still waits, and says so
    // in the worker's language, with the button off.
    drop(session);
    let session = Session::new(home.path());
    wait(session.refresh());
    assert!(session.pin_wait().is_some());
    let en = in_lang(&session, Lang::En, None);
    assert_has(
        &en,
        &[
            "Too many wrong PINs in a row. Wait ",
            "Nothing was erased.",
            "data-testid=\"pin-wait\"",
        ],
    );
    assert!(wait(session.unlock(PIN)).is_err());

    // Once the wait is over (here: the mark moved 31 s back), the right
    // PIN opens, the count starts over, and every contact is still there.
    let mut prefs = Prefs::load(home.path());
    assert_eq!(prefs.pin_tries.wrong_in_a_row, 5);
    prefs.pin_tries.last_wrong_at = prefs.pin_tries.last_wrong_at.map(|at| at - 31);
    prefs.save(home.path()).unwrap();
    let session = Session::new(home.path());
    wait(session.unlock(PIN)).unwrap();
    assert_eq!(Prefs::load(home.path()).pin_tries.wrong_in_a_row, 0);
    assert_eq!(session.status().unwrap().today.contacts, 1);
}

#[test]
fn the_wait_doubles_with_each_wrong_pin_after_the_fifth() {
    let (home, session) = unlocked();
    wait(session.update_prefs(|p| p.lang = Lang::En));
    wait(session.lock());
    let mut prefs = Prefs::load(home.path());
    // Five wrong PINs long ago: the next wrong one waits a minute.
    prefs.pin_tries.wrong_in_a_row = 5;
    prefs.pin_tries.last_wrong_at = Some(0);
    prefs.save(home.path()).unwrap();
    let session = Session::new(home.path());
    let sixth = wait(session.unlock("0000")).unwrap_err();
    assert!(sixth.contains("Wait 1 min before trying again"), "{sixth}");
    let wait = session.pin_wait().unwrap();
    assert!(wait > Duration::from_secs(55) && wait <= Duration::from_secs(60));
}

#[test]
fn settings_offer_when_the_work_day_ends_06_00_first_and_keep_the_choice() {
    let (home, session) = unlocked();
    let fr = in_lang(&session, Lang::Fr, Some(Screen::Settings));
    assert_has(
        &fr,
        &[
            "Fin de la journée de travail",
            "Les contacts envoyés restent sur le téléphone, chiffrés, jusqu'à cette heure le lendemain matin",
        ],
    );
    let on = |html: &str, hour: u8| {
        let at = html
            .find(&format!("data-testid=\"day-end-{hour}\""))
            .unwrap();
        let start = html[..at].rfind("<button").unwrap();
        html[start..at].contains("chip-pick on")
    };
    assert!(on(&fr, 6) && !on(&fr, 4), "{fr}");
    wait(session.update_prefs(|p| p.day_end = tournee::device::DayEnd::at(4).unwrap()));
    assert_eq!(Prefs::load(home.path()).day_end.hour(), 4);
    let en = in_lang(&session, Lang::En, Some(Screen::Settings));
    assert_has(&en, &["End of the work day", "04:00"]);
    assert!(on(&en, 4) && !on(&en, 6), "{en}");
}
