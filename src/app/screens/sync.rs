//! Sync: what is waiting, the last receipt, the last problem and what to
//! do about it; "Synchroniser maintenant" and "Exporter vers un fichier".

use super::chip::relative;
use super::enroll::Enroll;
use super::{ErrorLine, Notice};
use crate::app::state::now;
use crate::app::{Session, Ui};
use crate::domain::i18n::{Msg, tr};
use dioxus::prelude::*;

#[component]
pub fn SyncScreen() -> Element {
    let session = use_context::<Session>();
    let mut ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let lang = session.lang();
    let status = match session.status() {
        Ok(status) => status,
        Err(message) => return rsx! { ErrorLine { text: Some(message) } },
    };
    let receipt = session
        .last_receipt_at()
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|at| {
            let at = at.fixed_offset().to_rfc3339();
            tr(
                lang,
                Msg::AppLastReceipt,
                &[("value", &relative(&at, now(), lang))],
            )
        });
    let mut lines = status.sync_lines(lang, |at| relative(at, now(), lang));
    lines.extend(receipt);
    if !status.enrolled {
        lines.push(Msg::StatusNotEnrolled.text(lang).to_string());
    }
    let problem = status
        .last_error
        .as_ref()
        .map(|e| tr(lang, Msg::StatusLastError, &[("value", e)]));
    let outcome = match session.last_sync_outcome() {
        // "0 lots livrés" reads as a failure; nothing was waiting.
        Some(Ok(0)) => Some(Msg::AppSyncNothing.text(lang).to_string()),
        Some(Ok(delivered)) => Some(crate::domain::i18n::counted(
            lang,
            delivered as u64,
            Msg::AppSyncDoneOne,
            Msg::AppSyncDoneMany,
        )),
        _ => None,
    };
    let syncing = session.clone();
    let sync_now = move |_| {
        let session = syncing.clone();
        spawn(async move {
            let text = if session.sync_now().await {
                Msg::AppSyncStarted.text(lang)
            } else {
                Msg::SyncNotEnrolled.text(lang)
            };
            ui.notice.set(Some(text.to_string()));
            ui.refresh();
        });
    };
    let exporting = session.clone();
    let export = move |_| {
        let session = exporting.clone();
        spawn(async move {
            let text = match session.export().await {
                Ok(text) | Err(text) => text,
            };
            ui.notice.set(Some(text));
            ui.refresh();
        });
    };
    let enrolled = status.enrolled;
    rsx! {
        section { class: "screen sync",
            h1 { {Msg::NavSync.text(lang)} }
            Notice {}
            div { "data-testid": "sync-status",
                for line in lines {
                    p { "{line}" }
                }
            }
            if let Some(done) = outcome {
                p { class: "ok", "{done}" }
            }
            ErrorLine { text: problem }
            if enrolled {
                button {
                    class: "primary big",
                    "data-testid": "sync-now",
                    onclick: sync_now,
                    {Msg::AppSyncNow.text(lang)}
                }
                // A file on the phone natively; a browser has no folder
                // of the app's to write it to.
                if cfg!(not(target_arch = "wasm32")) {
                    button { class: "secondary big", onclick: export, {Msg::AppExport.text(lang)} }
                }
            } else {
                Enroll {}
            }
        }
    }
}
