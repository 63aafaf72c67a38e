//! Settings: language (applies at once), auto-lock delay, when the
//! worker's day ends (what was sent stays until then), theme, what
//! this device is enrolled with, and the PIN (change it, wipe the device).

use super::Notice;
use crate::app::{Session, Theme, Ui};
use crate::device::DayEnd;
use crate::domain::i18n::{Lang, Msg, tr};
use dioxus::prelude::*;
use std::time::Duration;

/// Auto-lock choices, in minutes; 5 is the default.
const LOCK_MINUTES: [u64; 5] = [1, 2, 5, 10, 15];
/// Hours the worker's day may end at, the next morning; 6 is the default.
const DAY_END_HOURS: [u8; 6] = [0, 4, 5, 6, 8, 12];

#[component]
pub fn Settings() -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let prefs = session.prefs();
    let lang = prefs.lang;
    let status = session.status().ok();
    let device = match &status {
        Some(s) if s.enrolled => tr(
            lang,
            Msg::StatusServer,
            &[
                ("value", &s.server.clone().unwrap_or_default()),
                ("id", &s.device_id.clone().unwrap_or_default()),
            ],
        ),
        _ => Msg::StatusNotEnrolled.text(lang).to_string(),
    };
    let catalog = status
        .map(|s| tr(lang, Msg::StatusCatalog, &[("value", &s.catalog_version)]))
        .unwrap_or_default();
    let languages = [(Lang::Fr, "Français"), (Lang::En, "English")];
    let themes = [
        (Theme::Dark, Msg::ThemeDark),
        (Theme::Light, Msg::ThemeLight),
    ];
    let current_minutes = prefs.lock_after.as_secs() / 60;
    rsx! {
        section { class: "screen settings",
            h1 { {Msg::NavSettings.text(lang)} }
            Notice {}
            div { class: "group",
                h2 { {Msg::SettingsLanguage.text(lang)} }
                div { class: "chips",
                    for (choice, name) in languages {
                        button {
                            class: if choice == lang { "chip-pick on" } else { "chip-pick" },
                            lang: choice.code(),
                            "data-testid": "lang-{choice.code()}",
                            onclick: {
                                let session = session.clone();
                                move |_| {
                                    let session = session.clone();
                                    crate::app::act(ui, &session, move |s| async move { s.update_prefs(|p| p.lang = choice).await });
                                }
                            },
                            "{name}"
                        }
                    }
                }
            }
            div { class: "group",
                h2 { {Msg::SettingsAutoLock.text(lang)} }
                div { class: "chips",
                    for minutes in LOCK_MINUTES {
                        button {
                            class: if minutes == current_minutes { "chip-pick on" } else { "chip-pick" },
                            onclick: {
                                let session = session.clone();
                                move |_| {
                                    let session = session.clone();
                                    crate::app::act(ui, &session, move |s| async move { s.update_prefs(|p| p.lock_after = Duration::from_secs(minutes * 60)).await });
                                }
                            },
                            {tr(lang, Msg::SettingsMinutes, &[("count", &minutes)])}
                        }
                    }
                }
            }
            div { class: "group",
                h2 { {Msg::SettingsDayEnd.text(lang)} }
                p { class: "hint", {Msg::SettingsDayEndHelp.text(lang)} }
                div { class: "chips",
                    for end in DAY_END_HOURS.into_iter().filter_map(DayEnd::at) {
                        button {
                            class: if end == prefs.day_end { "chip-pick on" } else { "chip-pick" },
                            "data-testid": "day-end-{end.hour()}",
                            onclick: {
                                let session = session.clone();
                                move |_| {
                                    let session = session.clone();
                                    crate::app::act(ui, &session, move |s| async move { s.update_prefs(|p| p.day_end = end).await });
                                }
                            },
                            {format!("{:02}:00", end.hour())}
                        }
                    }
                }
            }
            div { class: "group",
                h2 { {Msg::SettingsTheme.text(lang)} }
                div { class: "chips",
                    for (theme, msg) in themes {
                        button {
                            class: if theme == prefs.theme { "chip-pick on" } else { "chip-pick" },
                            onclick: {
                                let session = session.clone();
                                move |_| {
                                    let session = session.clone();
                                    crate::app::act(ui, &session, move |s| async move { s.update_prefs(|p| p.theme = theme).await });
                                }
                            },
                            {msg.text(lang)}
                        }
                    }
                }
            }
            div { class: "group",
                h2 { {Msg::SettingsDevice.text(lang)} }
                p { "{device}" }
                p { "{catalog}" }
            }
            // In a browser only: whether it promised to keep the store.
            if let Some(persisted) = session.storage_persisted() {
                div { class: "group",
                    h2 { {Msg::SettingsStorage.text(lang)} }
                    p { "data-testid": "storage-persisted",
                        if persisted {
                            {Msg::SettingsPersisted.text(lang)}
                        } else {
                            {Msg::SettingsNotPersisted.text(lang)}
                        }
                    }
                }
            }
            super::security::ChangePin {}
            super::security::Wipe {}
        }
    }
}
