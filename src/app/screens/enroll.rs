//! Enrollment with a supervisor's code: the server address, the code and
//! an optional phone name, typed or filled by scanning the dashboard's QR
//! code (a pasted QR text works in the code field too). The network call
//! runs in the background; the outcome shows here as soon as it is over.
//! In a browser the address is already the page's own origin.
//! Once the phone is enrolled only the outcome stays, so what comes next
//! is in view.

use super::ErrorLine;
use super::scan::ScanQr;
use crate::app::{Session, Ui};
use crate::domain::i18n::Msg;
use crate::domain::wire::enroll_link::EnrollLink;
use dioxus::prelude::*;

#[component]
pub fn Enroll() -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    // In a browser the app came from its server: that is the address.
    let origin = session.page_origin();
    let mut server = use_signal(|| origin.clone().unwrap_or_default());
    let mut code = use_signal(String::new);
    let mut label = use_signal(String::new);
    let lang = session.lang();
    let busy = session.is_enrolling();
    let (done, error) = match session.last_enroll_outcome() {
        Some(Ok(text)) => (Some(text), None),
        Some(Err(text)) => (None, Some(text)),
        None => (None, None),
    };
    if let (Some(text), true) = (&done, session.is_enrolled()) {
        return rsx! {
            div { class: "group enroll",
                h2 { {Msg::AppEnrollTitle.text(lang)} }
                p { class: "ok", role: "status", "data-testid": "enrolled", "{text}" }
            }
        };
    }
    // A link whose address is not one: said at once, in plain words.
    let mut link_problem = use_signal(|| None::<String>);
    let starting = session.clone();
    let start = move |_| {
        link_problem.set(None);
        // The whole QR text pasted in the code field brings its address.
        let (mut address, mut typed) = (server(), code());
        if let Some(link) = EnrollLink::parse(&typed) {
            if address.trim().is_empty() {
                if let Some(problem) = link.bad_server {
                    link_problem.set(Some(problem.message(lang)));
                    code.set(link.code);
                    return;
                }
                if let Some(from_link) = link.server {
                    address = from_link;
                    server.set(address.clone());
                }
            }
            typed = link.code;
        }
        let session = starting.clone();
        let label = label();
        spawn(async move {
            if session.enroll(&address, &typed, &label).await {
                code.set(String::new());
            }
            ui.refresh();
        });
    };
    rsx! {
        div { class: "group enroll",
            h2 { {Msg::AppEnrollTitle.text(lang)} }
            p { class: "hint", {Msg::AppEnrollIntro.text(lang)} }
            ScanQr {
                on_read: move |link: EnrollLink| {
                    link_problem.set(link.bad_server.map(|p| p.message(lang)));
                    if let Some(address) = link.server {
                        server.set(address);
                    }
                    code.set(link.code);
                },
            }
            label { class: "field",
                span { {Msg::AppServerAddress.text(lang)} }
                input {
                    r#type: "url",
                    "data-testid": "server-address",
                    inputmode: "url",
                    placeholder: "https://",
                    value: "{server}",
                    oninput: move |e| server.set(e.value()),
                }
            }
            label { class: "field",
                span { {Msg::AppEnrollCode.text(lang)} }
                input {
                    "data-testid": "enroll-code",
                    autocomplete: "off",
                    autocapitalize: "characters",
                    value: "{code}",
                    oninput: move |e| code.set(e.value()),
                }
            }
            label { class: "field",
                span { {Msg::AppPhoneLabel.text(lang)} }
                input { value: "{label}", oninput: move |e| label.set(e.value()) }
            }
            if let Some(text) = done {
                p { class: "ok", role: "status", "data-testid": "enrolled", "{text}" }
            }
            ErrorLine { text: link_problem().or(error) }
            button {
                class: "primary big",
                "data-testid": "enroll",
                disabled: busy,
                onclick: start,
                if busy {
                    {Msg::AppEnrolling.text(lang)}
                } else {
                    {Msg::AppEnroll.text(lang)}
                }
            }
        }
    }
}
