//! The "scan the QR code" button of enrollment: a camera preview while
//! scanning, a stop button, and a plain line saying what happened.

use crate::app::scan::{self, Outcome};
use crate::app::{Session, Ui};
use crate::domain::i18n::Msg;
use crate::domain::wire::enroll_link::EnrollLink;
use dioxus::core::Task;
use dioxus::prelude::*;

#[component]
pub fn ScanQr(on_read: EventHandler<EnrollLink>) -> Element {
    let session = use_context::<Session>();
    let ui = use_context::<Ui>();
    let _ = (ui.rev)();
    let lang = session.lang();
    let mut running = use_signal(|| None::<Task>);
    let mut note = use_signal(|| None::<Msg>);
    let start = move |_| {
        note.set(Some(Msg::AppScanLooking));
        let task = spawn(async move {
            let outcome = scan::scan(move || note.set(Some(Msg::AppScanNotOurs))).await;
            // Taking the preview off the page stops the camera.
            running.set(None);
            match outcome {
                Outcome::Read(link) => {
                    note.set(Some(Msg::AppScanRead));
                    on_read.call(link);
                }
                Outcome::NoCamera => note.set(Some(Msg::AppScanNoCamera)),
                Outcome::Denied => note.set(Some(Msg::AppScanDenied)),
            }
        });
        running.set(Some(task));
    };
    let stop = move |_| {
        if let Some(task) = running.write().take() {
            task.cancel();
        }
        note.set(None);
    };
    rsx! {
        if running.read().is_some() {
            div { class: "scan",
                video {
                    id: "qr-video",
                    "data-testid": "qr-video",
                    autoplay: true,
                    muted: true,
                    playsinline: true,
                }
                button {
                    class: "secondary big",
                    "data-testid": "scan-stop",
                    onclick: stop,
                    {Msg::AppScanStop.text(lang)}
                }
            }
        } else {
            button {
                class: "secondary big",
                "data-testid": "scan",
                onclick: start,
                {Msg::AppScan.text(lang)}
            }
        }
        if let Some(said) = note() {
            p {
                class: if said == Msg::AppScanRead { "ok" } else { "hint" },
                role: "status",
                "data-testid": "scan-note",
                {said.text(lang)}
            }
        }
    }
}
