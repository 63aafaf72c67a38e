//! Sync: what is waiting, the last receipt, the last problem and what to
//! do about it; "Synchroniser maintenant" and "Exporter vers un fichier".

use super::chip::relative;
use super::enroll::Enroll;
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
        Some(Ok(delivered)) => Some(tr(lang, Msg::AppSyncDone, &[("count", &delivered)])),
        _ => None,
    };
    let syncing = session.clone();
    let sync_now = move |_| {
        let text = if background::sync_now(&syncing) || syncing.sync_flags().busy() {
            Msg::AppSyncStarted.text(lang)
        } else {
            Msg::SyncNotEnrolled.text(lang)
        };
        ui.notice.set(Some(text.to_string()));
        ui.refresh();
        let watched = syncing.clone();
        super::refresh_when_done(ui, move || watched.sync_flags().busy());
    };
    let exporting = session.clone();
    let export = move |_| {
        let text = match export_file(&exporting) {
            Ok(text) | Err(text) => text,
        };
        ui.notice.set(Some(text));
        ui.refresh();
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
                button { class: "secondary big", onclick: export, {Msg::AppExport.text(lang)} }
            } else {
                Enroll {}
            }
        }
    }
}

/// Seals what is waiting and writes every unsent batch to a file in the
/// phone's `exports` folder, for a supervisor to import by hand.
fn export_file(session: &Session) -> Result<String, String> {
    let lang = session.lang();
    if !session.is_enrolled() {
        return Err(Msg::SyncNotEnrolled.text(lang).to_string());
    }
    let (bytes, count) = session.with_store(|store| {
        store.seal_pending(chrono::Utc::now().timestamp_millis())?;
        store.export_batches()
    })?;
    let dir = session.home().join("exports");
    let path = dir.join(format!(
        "tournee-{}.batches",
        chrono::Local::now().format("%Y%m%d-%H%M%S")
    ));
    let unwritable = |e: std::io::Error| {
        tr(
            lang,
            Msg::FileUnreadable,
            &[("path", &path.display()), ("value", &e)],
        )
    };
    std::fs::create_dir_all(&dir).map_err(unwritable)?;
    std::fs::write(&path, bytes).map_err(unwritable)?;
    Ok(tr(
        lang,
        Msg::Exported,
        &[("count", &count), ("path", &path.display())],
    ))
}
