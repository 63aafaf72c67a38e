//! A row of chips to pick from, shared by the forms. A long row can fold
//! to its first few (the phone's usual ones, when the caller orders them
//! so) plus what is picked, behind one "more choices" chip, so a form's
//! usual path fits on one screen.

use super::ErrorLine;
use crate::domain::catalog::{Catalog, Section};
use crate::domain::i18n::{Lang, Msg, tr};
use dioxus::prelude::*;

/// Active entries of a section as (id, label) in the worker's language,
/// in catalog order.
pub fn entries(catalog: &Catalog, section: Section, lang: Lang) -> Vec<(String, String)> {
    catalog
        .section(section)
        .iter()
        .filter(|e| e.active)
        .map(|e| (e.id.to_string(), e.label(lang).to_string()))
        .collect()
}

/// The entries of `ids` (already ordered) with their labels.
pub fn labelled(
    catalog: &Catalog,
    section: Section,
    ids: &[String],
    lang: Lang,
) -> Vec<(String, String)> {
    ids.iter()
        .map(|id| (id.clone(), catalog.label(section, id, lang).to_string()))
        .collect()
}

/// A row of chips; `picked` ones are highlighted and pressed. With
/// `fold: Some(n)`, only the first `n` and the picked ones show until the
/// worker asks for the others.
#[component]
pub fn Chips(
    /// The group's `data-testid`; each chip carries its entry's id in `data-id`.
    name: &'static str,
    title: &'static str,
    items: Vec<(String, String)>,
    picked: Vec<String>,
    error: Option<String>,
    onpick: EventHandler<String>,
    lang: Lang,
    #[props(default)] fold: Option<usize>,
) -> Element {
    let mut open = use_signal(|| false);
    let hidden = match fold {
        Some(first) if !open() => items
            .iter()
            .enumerate()
            .filter(|(at, (id, _))| *at >= first && !picked.contains(id))
            .count(),
        _ => 0,
    };
    let shown: Vec<(String, String)> = match fold {
        Some(first) if hidden > 0 => items
            .iter()
            .enumerate()
            .filter(|(at, (id, _))| *at < first || picked.contains(id))
            .map(|(_, item)| item.clone())
            .collect(),
        _ => items,
    };
    rsx! {
        div { class: "group", "data-testid": name, role: "group", "aria-label": "{title}",
            h2 { "{title}" }
            div { class: "chips",
                for (id, label) in shown {
                    button {
                        key: "{id}",
                        "data-id": "{id}",
                        class: if picked.contains(&id) { "chip-pick on" } else { "chip-pick" },
                        "aria-pressed": picked.contains(&id).to_string(),
                        onclick: {
                            let id = id.clone();
                            move |_| onpick.call(id.clone())
                        },
                        "{label}"
                    }
                }
                if hidden > 0 {
                    button {
                        class: "chip-more",
                        "data-testid": "{name}-more",
                        "aria-expanded": "false",
                        onclick: move |_| open.set(true),
                        {tr(lang, Msg::AppMoreChoices, &[("count", &hidden)])}
                    }
                }
            }
            ErrorLine { text: error }
        }
    }
}
