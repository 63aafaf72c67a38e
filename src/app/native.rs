//! The same [`App`] in a native webview: a desktop window (`desktop`
//! feature) or a phone (`mobile`, built with `dx`), and where a phone
//! keeps its store. Not compiled by the default build, which needs no
//! system GUI libraries.

use super::{App, Phone};
use dioxus::prelude::*;
use std::path::PathBuf;

/// Opens the app and runs until its window closes.
pub fn launch(phone: Phone) {
    #[cfg(feature = "desktop")]
    let builder = {
        use dioxus::desktop::{Config, LogicalSize, WindowBuilder};
        // A phone-shaped window: the app is laid out for one hand. No menu
        // bar: it would only offer webview commands a worker never needs.
        let window = WindowBuilder::new()
            .with_title("Tournée")
            .with_inner_size(LogicalSize::new(420.0, 800.0))
            .with_min_inner_size(LogicalSize::new(360.0, 560.0))
            .with_always_on_top(false);
        dioxus::LaunchBuilder::desktop().with_cfg(
            Config::new()
                .with_window(window)
                .with_menu(None)
                .with_background_color((0, 0, 0, 255)),
        )
    };
    #[cfg(all(feature = "mobile", not(feature = "desktop")))]
    let builder = dioxus::LaunchBuilder::mobile();
    builder.with_context(phone).launch(Root);
}

/// Where a phone keeps its store. Android gives a process no HOME (the
/// `dirs` crate answers None there), so the app's private files directory,
/// named by the bundle identifier in Dioxus.toml; it goes when the app is
/// uninstalled and no other app can read it.
#[cfg(target_os = "android")]
pub fn phone_home() -> PathBuf {
    PathBuf::from("/data/data/org.tournee.app/files")
}

/// Where a phone keeps its store. On iOS the data directory is inside the
/// app's sandbox (`Library/Application Support`); elsewhere (a desktop
/// build of the mobile feature) the platform data directory.
#[cfg(not(target_os = "android"))]
pub fn phone_home() -> PathBuf {
    dirs::data_dir()
        .map(|d| d.join("tournee"))
        .unwrap_or_else(|| PathBuf::from(".tournee"))
}

/// A window is a view of its own, locked at first like a new connection.
#[component]
fn Root() -> Element {
    let phone = use_context::<Phone>();
    let session = use_hook(|| phone.session());
    rsx! {
        App { session, start: None }
    }
}
