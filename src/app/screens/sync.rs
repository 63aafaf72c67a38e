//! Sync: what is waiting, the last receipt, the last problem and what to
//! do about it; "Synchroniser maintenant" and "Exporter vers un fichier".

use super::chip::relative;
use super::{ErrorLine, Notice};
use crate::app::state::now;
use crate::app::{Session, Ui, background};
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
        .with_store(|store| store.last_receipt_at())
        .ok()
        .flatten()
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|at| {
            let at = at.fixed_offset().to_rfc3339();
            tr(
                lang,
                Msg::AppLastReceipt,
                &[("value", &relative(&at, now(), lang))],
            )
        });
    let mut lines = vec![
        tr(
            lang,
            Msg::StatusWaiting,
            &[("count", &status.waiting_records)],
        ),
        tr(
            lang,
            Msg::StatusBatches,
            &[("count", &status.waiting_batches)],
        ),
    ];
    lines.push(match &status.last_sync_at {
        Some(at) => tr(
            lang,
            Msg::StatusLastSync,
            &[("value", &relative(at, now(), lang))],
        ),
        None => Msg::StatusNeverSynced.text(lang).to_string(),
    });
    lines.extend(receipt);
    if !status.enrolled {
        lines.push(Msg::StatusNotEnrolled.text(lang).to_string());
    }
    let problem = status
        .last_error
        .as_ref()
        .map(|e| tr(lang, Msg::StatusLastError, &[("value", e)]));
    let outcome = match session.last_sync_outcome() {
        Some(Ok(delivered)) => Some(tr(lang, Msg::AppSyncDone, &[("count", &delivered)])),
        _ => None,
    };
    let syncing = session.clone();
    let sync_now = move |_| {
        let text = if background::sync_now(&syncing) || syncing.is_syncing() {
            Msg::AppSyncStarted.text(lang)
        } else {
            Msg::SyncNotEnrolled.text(lang)
        };
        ui.notice.set(Some(text.to_string()));
        ui.refresh();
    };
    rsx! {
        section { class: "screen sync",
            h1 { {Msg::NavSync.text(lang)} }
            Notice {}
            for line in lines {
                p { "{line}" }
            }
            if let Some(done) = outcome {
                p { class: "ok", "{done}" }
            }
            ErrorLine { text: problem }
            button { class: "primary big", onclick: sync_now, {Msg::AppSyncNow.text(lang)} }
        }
    }
}
