//! The app in a browser tab: the page's entry point, which starts the
//! engine's worker, asks for persistent storage and renders [`App`] with
//! Dioxus' web renderer into `<div id="main">`.
//!
//! The page and the worker are one wasm module; the page script calls
//! `tournee_page` with the worker script's address (the build names its
//! files by content, so only the page knows them).

use super::{App, AppProps, Session};
use crate::device::engine::EngineHandle;
use crate::device::engine::web::ask_persistent_storage;
use dioxus::prelude::VirtualDom;
use wasm_bindgen::prelude::*;

/// Starts the app in this tab; an error is the page's to show (a browser
/// without module workers).
#[wasm_bindgen(js_name = tournee_page)]
pub fn start_page(worker_url: String) -> Result<(), JsValue> {
    let engine = EngineHandle::start_worker(&worker_url).map_err(|e| JsValue::from_str(&e))?;
    ask_persistent_storage();
    let session = Session::over(engine.view());
    let dom = VirtualDom::new_with_props(
        App,
        AppProps {
            session,
            start: None,
        },
    );
    dioxus::web::launch::launch_virtual_dom(dom, dioxus::web::Config::new());
    Ok(())
}
