//! Rendering the app on the server in tests: the page as text, and
//! running a dom's tasks until the page shows what a test waits for.

use dioxus::prelude::VirtualDom;
use std::time::Duration;

/// The rendered page without its embedded stylesheet, apostrophes as typed.
pub fn page(dom: &VirtualDom) -> String {
    let html = dioxus_ssr::render(dom).replace("&#39;", "'");
    match (html.find("<style>"), html.find("</style>")) {
        (Some(start), Some(end)) => format!("{}{}", &html[..start], &html[end..]),
        _ => html,
    }
}

/// Runs the dom's tasks (the engine's answers come back through them)
/// until `done` says yes to the page, or fails after a long while.
pub fn settle(
    runtime: &tokio::runtime::Runtime,
    dom: &mut VirtualDom,
    done: impl Fn(&str) -> bool,
) -> String {
    let started = std::time::Instant::now();
    loop {
        runtime.block_on(async {
            let _ = tokio::time::timeout(Duration::from_millis(50), dom.wait_for_work()).await;
        });
        dom.render_immediate_to_vec();
        let html = page(dom);
        if done(&html) {
            return html;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "never settled:\n{html}"
        );
    }
}

/// Waits for an async session command from a plain test or a component's
/// handler: the engine answers from its own thread, so any executor does.
pub fn wait<F: std::future::Future>(future: F) -> F::Output {
    futures_executor::block_on(future)
}
