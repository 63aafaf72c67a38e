//! Enroll a phone: a supervisor names the phone, gets a one-time code shown
//! as text (in groups, to read aloud) and as a QR code drawn on the server,
//! with its expiry. The code is never stored in clear nor logged, and its
//! page is not cached.

use super::Dash;
use super::auth::{Posted, Signed, site_address};
use super::page::{self, Frame, Nav};
use super::words::Word;
use crate::domain::i18n::Lang;
use crate::domain::wire::enroll_link::EnrollLink;
use crate::server::enroll::{DEFAULT_TTL_HOURS, MAX_LABEL_CHARS, MAX_TTL_HOURS, clean_label};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dioxus::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct EnrollForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    hours: String,
}

/// `GET /enroll`.
pub async fn form(State(dash): State<Dash>, user: Signed) -> Response {
    let lang = user.lang;
    let frame = Frame::signed(
        &user,
        dash.org_name(),
        Nav::Enroll,
        Word::NavEnroll.text(lang).into(),
    );
    let body = fields(&user, None, "", &DEFAULT_TTL_HOURS.to_string());
    page::render(frame, body).into_response()
}

/// `POST /enroll`: makes the code and shows it once.
pub async fn create(
    State(dash): State<Dash>,
    headers: HeaderMap,
    posted: Posted<EnrollForm>,
) -> Response {
    let Posted { user, form } = posted;
    let lang = user.lang;
    let title = Word::NavEnroll.text(lang).to_string();
    let label = clean_label(&form.label).filter(|l| !l.is_empty());
    let hours = form
        .hours
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|h| (1..=MAX_TTL_HOURS).contains(h));
    let (label, hours) = match (label, hours) {
        (Some(label), Some(hours)) => (label, hours),
        (label, _) => {
            let message = if label.is_none() {
                Word::EnrollBadLabel.fill(lang, &[("max", &MAX_LABEL_CHARS)])
            } else {
                Word::EnrollBadHours.fill(lang, &[("max", &MAX_TTL_HOURS)])
            };
            let frame = Frame::signed(&user, dash.org_name(), Nav::Enroll, title);
            let body = fields(&user, Some(message), &form.label, &form.hours);
            return (StatusCode::BAD_REQUEST, page::render(frame, body)).into_response();
        }
    };
    let actor = user.name.clone();
    let for_label = label.clone();
    let made = dash
        .server
        .storage()
        .create_enroll_code(user.org, actor, for_label, hours, crate::server::now_ms())
        .await;
    let code = match made {
        Ok(code) => code,
        Err(error) => return page::trouble(lang, &error),
    };
    // The QR code carries the address too, so one scan fills the form.
    let address = site_address(&dash, &headers);
    let qr = match &address {
        Some(address) => qr_svg(&EnrollLink::to_text(address, &code.text)),
        None => qr_svg(&code.text),
    };
    // Where the phone gets the offline app, when this binary carries it.
    let app = address
        .as_ref()
        .filter(|_| crate::server::http::web_app::not_built().is_none())
        .map(|address| {
            let app = format!("{}/app/", address.trim_end_matches('/'));
            let qr = qr_svg(&app);
            (app, qr)
        });
    let groups: Vec<String> = code.text.split('-').map(str::to_string).collect();
    let expires = Word::EnrollExpires.fill(lang, &[("when", &page::when(code.expires_ms))]);
    let heading = Word::EnrollCodeFor.fill(lang, &[("label", &label)]);
    let frame = Frame::signed(&user, dash.org_name(), Nav::Enroll, title);
    let body = rsx! {
        h2 { "{heading}" }
        p { class: "code", "data-code": "{code.text}",
            for (i, group) in groups.iter().enumerate() {
                if i > 0 {
                    span { "aria-hidden": "true", "-" }
                }
                span { class: "group", "{group}" }
                " "
            }
        }
        div {
            class: "qr",
            role: "img",
            "aria-label": Word::EnrollQr.text(lang),
            dangerous_inner_html: "{qr}",
        }
        if let Some(address) = address {
            p { {Word::EnrollServer.fill(lang, &[("address", &address)])} }
        }
        p { class: "notice", "{expires}" }
        p { {Word::EnrollHowTo.text(lang)} }
        if let Some((app, app_qr)) = app {
            h2 { {Word::EnrollAppTitle.text(lang)} }
            p { {Word::EnrollAppAddress.fill(lang, &[("address", &app)])} }
            div {
                class: "qr",
                role: "img",
                "aria-label": Word::EnrollAppQr.text(lang),
                dangerous_inner_html: "{app_qr}",
            }
            p { {Word::EnrollAppHowTo.text(lang)} }
        }
        p { a { href: "/enroll", {Word::EnrollAnother.text(lang)} } }
    };
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::PRAGMA, "no-cache"),
        ],
        page::render(frame, body),
    )
        .into_response()
}

fn fields(user: &Signed, error: Option<String>, label: &str, hours: &str) -> Element {
    let lang: Lang = user.lang;
    let csrf = user.csrf.clone();
    let label_hint = Word::EnrollLabelHint.fill(lang, &[("max", &MAX_LABEL_CHARS)]);
    let hours_hint = Word::EnrollHoursHint.fill(lang, &[("max", &MAX_TTL_HOURS)]);
    rsx! {
        if let Some(error) = error {
            p { class: "error", role: "alert", "{error}" }
        }
        form { method: "post", action: "/enroll", class: "signin",
            input { r#type: "hidden", name: "csrf", value: "{csrf}" }
            div { class: "field",
                label { r#for: "label", {Word::EnrollLabel.text(lang)} }
                input {
                    id: "label",
                    name: "label",
                    value: "{label}",
                    required: true,
                    maxlength: "{MAX_LABEL_CHARS}",
                    "aria-describedby": "label-hint",
                }
                span { id: "label-hint", class: "hint", "{label_hint}" }
            }
            div { class: "field",
                label { r#for: "hours", {Word::EnrollHours.text(lang)} }
                input {
                    id: "hours",
                    name: "hours",
                    r#type: "number",
                    min: "1",
                    max: "{MAX_TTL_HOURS}",
                    value: "{hours}",
                    required: true,
                    "aria-describedby": "hours-hint",
                }
                span { id: "hours-hint", class: "hint", "{hours_hint}" }
            }
            button { class: "primary", r#type: "submit", {Word::EnrollCreate.text(lang)} }
        }
    }
}

/// `text` as an SVG QR code.
fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(240, 240)
                .quiet_zone(true)
                .build();
            // The XML declaration has no place inside an HTML page.
            match svg.find("<svg") {
                Some(at) => svg[at..].to_string(),
                None => svg,
            }
        }
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_qr_code_is_inline_svg() {
        let svg = super::qr_svg("ABCDEF-GHIJKL-MNOPQR-STUVWX-YZ2345-67ABCD-EFGHIJ");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("<path"));
    }
}
