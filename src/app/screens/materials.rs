//! Materials on the New contact form: the phone's usual ones first, each
//! a row with −, a quantity typed on the numeric keypad, +1, +5 and +10;
//! the catalog's bundles, each adding its materials in one tap; the
//! other materials folded behind one button.

use crate::app::Ui;
use crate::app::form::{Form, bundles_by_use, by_use};
use crate::domain::catalog::{Catalog, Section};
use crate::domain::i18n::{Lang, Msg, tr};
use dioxus::prelude::*;
use std::collections::BTreeMap;

/// How many rows show before "Other materials": enough for a typical
/// contact (syringes, naloxone, condoms), few enough that Save and the
/// referrals stay on a 390 x 844 screen.
pub const FIRST_ROWS: usize = 3;

/// The two parts of the materials, around the referrals: the usual rows
/// first (what a typical contact needs above the fold), then the bundles
/// and the other materials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Usual,
    More,
}

#[component]
pub fn Materials(
    catalog: Catalog,
    usual: BTreeMap<String, u64>,
    form: Form,
    lang: Lang,
    part: Part,
    /// Whether the worker opened "Other materials" (shared by both parts).
    open: Signal<bool>,
) -> Element {
    let mut ui = use_context::<Ui>();
    let mut open = open;
    // Rows keep their place while the worker types: once the other
    // materials are open, every one of them sits below; before that, a
    // material already counted (repeated, or from a bundle) shows above.
    let (mut first, mut rest) = (Vec::new(), Vec::new());
    for (at, id) in by_use(&catalog, Section::Materials, &usual)
        .into_iter()
        .enumerate()
    {
        if at < FIRST_ROWS || (!open() && form.quantity(&id) > 0) {
            first.push(id);
        } else {
            rest.push(id);
        }
    }
    let row = |id: &String| {
        rsx! {
            Row {
                key: "{id}",
                label: catalog.label(Section::Materials, id, lang).to_string(),
                quantity: form.quantity(id),
                id: id.clone(),
                lang,
                others: false,
            }
        }
    };
    if part == Part::Usual {
        return rsx! {
            div { class: "group materials", role: "group", "aria-label": Msg::FieldMaterials.text(lang),
                h2 { {Msg::FieldMaterials.text(lang)} }
                for id in first.iter() {
                    {row(id)}
                }
            }
        };
    }
    let bundles: Vec<(String, String, String)> = bundles_by_use(&catalog, &usual)
        .into_iter()
        .map(|b| {
            (
                b.id.to_string(),
                b.label(lang).to_string(),
                b.contents(&catalog, lang),
            )
        })
        .collect();
    rsx! {
        div { class: "group materials more", role: "group", "aria-label": Msg::AppBundles.text(lang),
            if !bundles.is_empty() {
                div { class: "chips bundles", "data-testid": "bundles",
                    for (id, label, what) in bundles {
                        button {
                            key: "{id}",
                            class: "bundle",
                            "data-testid": "bundle-{id}",
                            "aria-label": tr(lang, Msg::AppAddBundle, &[("value", &label), ("what", &what)]),
                            onclick: {
                                let catalog = catalog.clone();
                                move |_| {
                                    if let Some(bundle) = catalog.bundle(&id) {
                                        ui.form.with_mut(|f| f.add_bundle(bundle, &catalog));
                                    }
                                }
                            },
                            "+ {label}"
                        }
                    }
                }
            }
            if open() {
                for id in rest.iter() {
                    {row(id)}
                }
            } else if !rest.is_empty() {
                button {
                    class: "chip-more wide",
                    "data-testid": "other-materials",
                    "aria-expanded": "false",
                    onclick: move |_| open.set(true),
                    {tr(lang, Msg::AppOtherMaterials, &[("count", &rest.len())])}
                }
            }
        }
    }
}

/// Materials handed out for others (secondary distribution), folded
/// behind one button until the worker needs them: the same rows, counted
/// apart from what the person takes for themself.
#[component]
pub fn ForOthers(
    catalog: Catalog,
    usual: BTreeMap<String, u64>,
    form: Form,
    lang: Lang,
) -> Element {
    let mut open = use_signal(|| false);
    let title = Msg::AppForOthers.text(lang);
    if !open() && form.for_others.is_empty() {
        return rsx! {
            button {
                class: "chip-more wide",
                "data-testid": "for-others",
                "aria-expanded": "false",
                onclick: move |_| open.set(true),
                {Msg::AppAddForOthers.text(lang)}
            }
        };
    }
    let ids = by_use(&catalog, Section::Materials, &usual);
    rsx! {
        div { class: "group materials others", role: "group", "aria-label": title, "data-testid": "others",
            h2 { "{title}" }
            for id in ids.iter() {
                Row {
                    key: "{id}",
                    label: catalog.label(Section::Materials, id, lang).to_string(),
                    quantity: form.quantity_in(true, id),
                    id: id.clone(),
                    lang,
                    others: true,
                }
            }
        }
    }
}

/// One material: its name, −, the quantity (typed or stepped), +1, +5, +10;
/// for the person, or for others.
#[component]
fn Row(id: String, label: String, quantity: u32, lang: Lang, others: bool) -> Element {
    let mut ui = use_context::<Ui>();
    let step =
        move |more: u32, id: String| move |_| ui.form.with_mut(|f| f.add_in(others, &id, more));
    let shown = if quantity == 0 {
        String::new()
    } else {
        quantity.to_string()
    };
    rsx! {
        div { class: "material", "data-testid": "material-{id}",
            span { class: "label", "{label}" }
            div { class: "controls",
                button {
                    class: "step",
                    "aria-label": tr(lang, Msg::AppOneLess, &[("value", &label)]),
                    onclick: {
                        let id = id.clone();
                        move |_| ui.form.with_mut(|f| f.step_in(others, &id, false))
                    },
                    "−"
                }
                input {
                    class: "qty",
                    r#type: "text",
                    inputmode: "numeric",
                    pattern: "[0-9]*",
                    autocomplete: "off",
                    placeholder: "0",
                    "aria-label": tr(lang, Msg::AppQuantityOf, &[("value", &label)]),
                    value: "{shown}",
                    oninput: {
                        let id = id.clone();
                        move |e: FormEvent| ui.form.with_mut(|f| f.type_in(others, &id, &e.value()))
                    },
                }
                button {
                    class: "step add",
                    "data-testid": "more",
                    "aria-label": tr(lang, Msg::AppAddSome, &[("count", &1), ("value", &label)]),
                    onclick: step(1, id.clone()),
                    "+1"
                }
                for more in [5u32, 10] {
                    button {
                        key: "{more}",
                        class: "step add",
                        "data-testid": "more-{more}",
                        "aria-label": tr(lang, Msg::AppAddSome, &[("count", &more), ("value", &label)]),
                        onclick: step(more, id.clone()),
                        "+{more}"
                    }
                }
            }
        }
    }
}
