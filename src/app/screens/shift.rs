//! Home's outing block: "Début de tournée" in one tap (the team of the
//! night's last shift, or two: street work goes out in pairs), then while
//! it runs its start, the team (−/+) and "Fin de tournée" in one tap.

use super::ErrorLine;
use crate::app::{Session, Ui};
use crate::domain::i18n::{Msg, tr};
use crate::domain::shift::TeamSize;
use crate::domain::{OpenShift, Record};
use dioxus::prelude::*;

/// The team a new shift starts with.
fn usual_team(session: &Session) -> u8 {
    session
        .today()
        .ok()
        .and_then(|records| {
            records.iter().rev().find_map(|l| match &l.record {
                Record::Shift(s) if !l.voided => Some(s.team_size.get()),
                _ => None,
            })
        })
        .unwrap_or(2)
}

#[component]
pub fn ShiftBlock() -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let lang = session.lang();
    let error = use_signal(|| None::<String>);
    let open: Option<OpenShift> = session.open_shift();
    let team_before = usual_team(&session);
    let go = move |step: Step| run(session.clone(), ui, error, step);
    let Some(open) = open else {
        let team = team_before;
        return rsx! {
            button {
                class: "secondary big",
                "data-testid": "start-shift",
                onclick: move |_| go(Step::Team(team)),
                {Msg::AppStartShift.text(lang)}
            }
            ErrorLine { text: error() }
        };
    };
    let team = open.team_size.get();
    let (less, more, end) = (go.clone(), go.clone(), go);
    let since = tr(
        lang,
        Msg::AppOnShift,
        &[("value", &open.started_at.format("%H:%M"))],
    );
    let team_words = tr(lang, Msg::ShiftTeam, &[("count", &team)]);
    rsx! {
        div { class: "shift", "data-testid": "shift",
            p { class: "since", "{since}" }
            div { class: "stepper team",
                button {
                    class: "step",
                    "data-testid": "team-less",
                    "aria-label": Msg::AppTeamLess.text(lang),
                    disabled: team <= TeamSize::MIN,
                    onclick: move |_| less(Step::Team(team - 1)),
                    "−"
                }
                span { class: "qty", "data-testid": "team", "{team_words}" }
                button {
                    class: "step",
                    "data-testid": "team-more",
                    "aria-label": Msg::AppTeamMore.text(lang),
                    disabled: team >= TeamSize::MAX,
                    onclick: move |_| more(Step::Team(team + 1)),
                    "+"
                }
            }
            button {
                class: "secondary big",
                "data-testid": "end-shift",
                onclick: move |_| end(Step::End),
                {Msg::AppEndShift.text(lang)}
            }
            ErrorLine { text: error() }
        }
    }
}

/// Starts, re-teams or ends the shift off the UI thread; a problem
/// shows under the block.
fn run(session: Session, mut ui: Ui, mut error: Signal<Option<String>>, step: Step) {
    spawn(async move {
        let outcome = match step {
            Step::Team(team) => session.start_shift(team).await,
            Step::End => session.end_shift().await,
        };
        match outcome {
            Ok(()) => {
                error.set(None);
                if step == Step::End {
                    let said = Msg::AppShiftSaved.text(session.lang());
                    ui.notice.set(Some(said.to_string()));
                }
                ui.refresh();
            }
            Err(message) => error.set(Some(message)),
        }
    });
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Start, or change the team of the shift under way.
    Team(u8),
    End,
}
