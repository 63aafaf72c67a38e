//! The same [`App`] in a native webview: a desktop window (`desktop`
//! feature) or a phone (`mobile`, built with `dx`). Not compiled by the
//! default build, which needs no system GUI libraries.

use super::{App, Session, background};
use dioxus::prelude::*;
use std::path::PathBuf;

/// Opens the app and runs until its window closes.
pub fn launch(session: Session) {
    background::run_periodically(session.clone());
    #[cfg(feature = "desktop")]
    let builder = dioxus::LaunchBuilder::desktop();
    #[cfg(all(feature = "mobile", not(feature = "desktop")))]
    let builder = dioxus::LaunchBuilder::mobile();
    builder.with_context(session).launch(Root);
}

/// Where a phone keeps its store. Android gives a process no HOME, so the
/// app's private files directory (named by the bundle identifier in
/// Dioxus.toml); iOS's data directory is inside the app sandbox.
pub fn phone_home() -> PathBuf {
    if cfg!(target_os = "android") {
        PathBuf::from("/data/data/org.tournee.app/files/tournee")
    } else {
        dirs::data_dir()
            .map(|d| d.join("tournee"))
            .unwrap_or_else(|| PathBuf::from(".tournee"))
    }
}

#[component]
fn Root() -> Element {
    let session = use_context::<Session>();
    rsx! {
        App { session, start: None }
    }
}
