//! The worker app: Dioxus components over the [`crate::device`] engine.
//!
//! The UI never speaks SQL or HTTP, and holds no store: taps call the
//! async commands of [`state::Session`], a client of the phone's engine
//! ([`crate::device::engine`]), and screens render the engine's last
//! snapshot. Each view (a liveview connection, a window) has a session of
//! its own, locked at first; what the whole phone shares is its
//! [`Phone`], whose engine runs sync and enrollment by itself. One component
//! per screen under [`screens`]; the New contact form's logic lives in
//! [`form`] so tests can drive it without a browser. Styles are embedded
//! from `assets/app.css` so a plain `cargo build` is styled and nothing is
//! ever loaded from the network.
//!
//! The same [`App`] is served over liveview (`tournee app`, the demo and
//! tests), and runs in a desktop window or on a phone through the
//! `desktop` and `mobile` features (`native`). PIN steps derive keys in
//! the engine's thread, never the UI's ([`screens::pin_step`]).

pub mod form;
#[cfg(feature = "liveview")]
pub mod liveview;
#[cfg(any(feature = "desktop", feature = "mobile"))]
pub mod native;
#[cfg(not(target_arch = "wasm32"))]
pub mod phone;
pub mod scan;
pub mod screens;
pub mod state;
#[cfg(all(target_arch = "wasm32", feature = "web"))]
pub mod web;

pub use crate::device::prefs;
use crate::domain::i18n::{Lang, Msg};
use dioxus::prelude::*;
#[cfg(not(target_arch = "wasm32"))]
pub use phone::Phone;
pub use state::{Screen, Session, Theme};
use std::time::Duration;

/// Every style the app uses, embedded at compile time.
pub const CSS: &str = include_str!("../../assets/app.css");

/// What every screen shares: where we are, and a revision counter that
/// re-renders views after the session changed under them. Components
/// without changing props are not re-rendered with their parent, so each
/// one reads `rev` itself: that is what makes a language switch apply to
/// every view at once.
#[derive(Clone, Copy)]
pub struct Ui {
    pub screen: Signal<Screen>,
    pub rev: Signal<u64>,
    /// A one-line message after an action ("Contact saved.").
    pub notice: Signal<Option<String>>,
    /// The New contact form, filled by Home (fresh or "repeat the last").
    pub form: Signal<form::Form>,
    /// The overdose response form, as filled so far.
    pub overdose: Signal<crate::domain::OverdoseDraft>,
    /// The safety incident form, as filled so far.
    pub incident: Signal<crate::domain::IncidentDraft>,
    /// Why the last save did not happen, shown next to the fields.
    pub problem: Signal<Option<state::SaveError>>,
    /// A PIN step running off the UI thread, for its button to say so
    /// ("Déverrouillage…") and refuse a second tap.
    pub pin_busy: Signal<Option<PinStep>>,
    /// Why the last PIN step failed, for the part of the screen that asked.
    pub pin_error: Signal<Option<(PinStep, String)>>,
    /// A save is on its way to the engine: Save waits for it.
    pub saving: Signal<bool>,
}

/// The slow steps (PBKDF2 over the PIN), run by [`screens::pin_step`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinStep {
    Unlock,
    Create,
    Change,
    Wipe,
}

impl PinStep {
    /// What its button says while it runs.
    pub fn waiting(self) -> Msg {
        match self {
            PinStep::Unlock => Msg::AppUnlocking,
            PinStep::Create => Msg::AppCreatingStore,
            PinStep::Change | PinStep::Wipe => Msg::AppCheckingPin,
        }
    }
}

impl Ui {
    pub fn go(mut self, screen: Screen) {
        self.notice.set(None);
        self.problem.set(None);
        self.pin_error.set(None);
        self.screen.set(screen);
    }

    /// The worker changed `field`: its message from the last save goes
    /// (it was about the value before).
    pub fn settle(mut self, field: crate::domain::error::Field) {
        let stale = self
            .problem
            .peek()
            .as_ref()
            .is_some_and(|p| p.for_field(field).is_some());
        if stale {
            self.problem.with_mut(|p| {
                if let Some(p) = p {
                    p.settle(field);
                }
            });
        }
    }

    /// Locks this view and forgets the form (it may hold a person code).
    pub fn lock_out(mut self, session: &Session) {
        let session = session.clone();
        spawn(async move {
            session.lock().await;
            self.refresh();
        });
        self.form.set(form::Form::default());
        self.go(Screen::Unlock);
    }

    pub fn refresh(mut self) {
        self.rev += 1;
    }
}

/// Runs `command` on the session, then re-renders with the snapshot it
/// left: the way every tap reaches the engine.
pub fn act<F>(ui: Ui, session: &Session, command: impl FnOnce(Session) -> F + 'static)
where
    F: std::future::Future<Output = ()> + 'static,
{
    let session = session.clone();
    spawn(async move {
        command(session).await;
        ui.refresh();
    });
}

/// The root of one view. `start` forces a first screen (tests); otherwise
/// the session decides (first run, locked, home) once the engine's first
/// snapshot is in. A view shows only what its own session unlocked.
#[component]
pub fn App(session: Session, start: Option<Screen>) -> Element {
    let first = start.or_else(|| session.is_loaded().then(|| session.start_screen()));
    let screen = use_signal(|| first.unwrap_or(Screen::Unlock));
    let mut decided = use_signal(|| first.is_some());
    let rev = use_signal(|| 0u64);
    let notice = use_signal(|| None::<String>);
    let form = use_signal(form::Form::default);
    let overdose = use_signal(crate::domain::OverdoseDraft::default);
    let incident = use_signal(crate::domain::IncidentDraft::default);
    let problem = use_signal(|| None::<state::SaveError>);
    let pin_busy = use_signal(|| None::<PinStep>);
    let pin_error = use_signal(|| None::<(PinStep, String)>);
    let saving = use_signal(|| false);
    let mut ui = use_context_provider(|| Ui {
        screen,
        rev,
        notice,
        form,
        overdose,
        incident,
        problem,
        pin_busy,
        pin_error,
        saving,
    });
    use_context_provider(|| session.clone());

    let watching = session.clone();
    use_future(move || {
        let session = watching.clone();
        async move {
            session.refresh().await;
            if !*decided.peek() {
                ui.screen.set(session.start_screen());
                decided.set(true);
            }
            ui.refresh();
            loop {
                // What the engine says changed, or every few seconds for
                // the clocks on screen (the sync chip, the PIN wait).
                let event = std::pin::pin!(session.next_event());
                let tick = std::pin::pin!(crate::device::platform::sleep(Duration::from_secs(3)));
                if let futures_util::future::Either::Left((None, _)) =
                    futures_util::future::select(event, tick).await
                {
                    return;
                }
                session.refresh().await;
                // Locked by the engine (inactivity, another view that
                // wiped the phone or changed its PIN): the form (it may
                // hold a person code) goes with the key.
                let open_screen = !matches!(*ui.screen.peek(), Screen::Unlock | Screen::FirstRun);
                if !session.is_unlocked() && open_screen {
                    ui.form.set(form::Form::default());
                    ui.go(Screen::Unlock);
                }
                ui.refresh();
            }
        }
    });

    // Subscribe to the revision so language and theme changes apply at once.
    let _ = (ui.rev)();
    if !session.is_loaded() || !decided() {
        return rsx! {
            style { dangerous_inner_html: CSS }
            div { class: "app dark" }
        };
    }
    let prefs = session.prefs();
    if let Some(why) = session.storage_problem() {
        // Another tab holds the phone, or the browser has no private file
        // system: nothing can be logged here, and the worker reads why.
        return rsx! {
            style { dangerous_inner_html: CSS }
            div { class: "app dark", lang: prefs.lang.code(),
                main {
                    h1 { "Tournée" }
                    p { class: "error", role: "alert", "data-testid": "storage-problem", "{why}" }
                }
            }
        };
    }
    let theme = match prefs.theme {
        Theme::Dark => "app dark",
        Theme::Light => "app light",
    };
    let unlocked = session.is_unlocked();
    let has_store = session.has_store();
    let creating = (ui.pin_busy)() == Some(PinStep::Create);
    let current = match (ui.screen)() {
        screen if unlocked => screen,
        // Another view made the store meanwhile: this one unlocks it.
        Screen::FirstRun if has_store && !creating => Screen::Unlock,
        Screen::FirstRun => Screen::FirstRun,
        // Another view wiped the phone: it starts over.
        _ if !has_store => Screen::FirstRun,
        _ => Screen::Unlock,
    };
    let touching = session.clone();
    rsx! {
        style { dangerous_inner_html: CSS }
        div {
            class: "{theme}",
            lang: prefs.lang.code(),
            onclick: move |_| {
                let session = touching.clone();
                spawn(async move { session.touch().await });
            },
            if unlocked {
                TopBar {}
            }
            main {
                match current {
                    Screen::FirstRun => rsx! { screens::first_run::FirstRun {} },
                    Screen::Unlock => rsx! { screens::unlock::Unlock {} },
                    Screen::SaferPin => rsx! { screens::safer_pin::SaferPin {} },
                    Screen::Home => rsx! { screens::home::Home {} },
                    Screen::NewContact => rsx! { screens::new_contact::NewContact {} },
                    Screen::Overdose => rsx! { screens::overdose::OverdoseForm {} },
                    Screen::Incident => rsx! { screens::incident::IncidentForm {} },
                    Screen::Today => rsx! { screens::today::Today {} },
                    Screen::Sync => rsx! { screens::sync::SyncScreen {} },
                    Screen::Settings => rsx! { screens::settings::Settings {} },
                }
            }
            // The way past the safer-PIN screen is its own two buttons.
            if unlocked && current != Screen::SaferPin {
                NavBar { current }
            }
        }
    }
}

/// The title and the lock button, one tap away on every screen.
#[component]
fn TopBar() -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let lang = session.lang();
    rsx! {
        header { class: "top",
            span { class: "brand", "Tournée" }
            button {
                class: "lock",
                "data-testid": "lock",
                onclick: move |_| ui.lock_out(&session),
                {Msg::AppLock.text(lang)}
            }
        }
    }
}

#[component]
fn NavBar(current: Screen) -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let lang: Lang = session.lang();
    let tabs = [
        (Screen::Home, Msg::NavHome, "tab-home"),
        (Screen::Today, Msg::NavToday, "tab-today"),
        (Screen::Sync, Msg::NavSync, "tab-sync"),
        (Screen::Settings, Msg::NavSettings, "tab-settings"),
    ];
    rsx! {
        nav { class: "tabs",
            for (screen, msg, testid) in tabs {
                button {
                    class: if screen == current { "tab on" } else { "tab" },
                    "data-testid": testid,
                    onclick: move |_| ui.go(screen),
                    {msg.text(lang)}
                }
            }
        }
    }
}
