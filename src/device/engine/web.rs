//! The engine in a browser: served from a dedicated Web Worker (the only
//! place OPFS's synchronous access handles exist), and the async
//! [`Client`] a tab's app talks to it through, over `postMessage`.
//!
//! The same wasm module runs on both sides: the page calls
//! `tournee_page`, the worker script `tournee_worker`
//! ([`serve_in_worker`]). Messages are the engine's own [`Command`],
//! [`Reply`] and [`Event`] as JSON text, so nothing but plain data
//! crosses. The worker holds a Web Lock on the phone's storage: a second
//! tab's worker waits for it and, meanwhile, answers that the app is open
//! elsewhere, rather than opening the same SQLite files twice. If the
//! private file system cannot be opened, every answer says why and
//! nothing is ever kept in memory instead.

use super::message::{Command, Event, Reply, Snapshot, ViewId};
use super::{Engine, EngineOptions};
use crate::device::prefs::Prefs;
use crate::domain::i18n::{Lang, Msg, tr};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;
use tokio::sync::{Mutex, mpsc, oneshot};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Worker, WorkerOptions, WorkerType};

/// The Web Lock every tab's worker asks for before touching the storage.
const LOCK: &str = "tournee-phone";

/// From a tab to the worker.
#[derive(Serialize, Deserialize)]
enum ToEngine {
    Open {
        view: ViewId,
    },
    Call {
        view: ViewId,
        /// `None`: no answer wanted (a view closing).
        id: Option<u64>,
        command: Command,
        /// Words the answers given before the engine runs.
        lang: Lang,
    },
}

/// From the worker to a tab.
#[derive(Serialize, Deserialize)]
enum FromEngine {
    Reply { id: u64, reply: Reply },
    Event { view: ViewId, event: Event },
}

fn post(scope: &DedicatedWorkerGlobalScope, message: &FromEngine) {
    if let Ok(text) = serde_json::to_string(message) {
        let _ = scope.post_message(&JsValue::from_str(&text));
    }
}

/// The worker's side, run by the worker script once the module is
/// loaded. `early` holds what the tab posted while the module loaded.
#[wasm_bindgen(js_name = tournee_worker)]
pub fn serve_in_worker(early: js_sys::Array) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let (sender, incoming) = mpsc::unbounded_channel::<String>();
    for message in early.iter() {
        if let Some(text) = message.as_string() {
            let _ = sender.send(text);
        }
    }
    let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(text) = event.data().as_string() {
            let _ = sender.send(text);
        }
    });
    scope.set_onmessage(Some(listener.as_ref().unchecked_ref()));
    // The worker lives as long as the tab: so does its listener.
    listener.forget();
    wasm_bindgen_futures::spawn_local(serve(scope, incoming));
}

/// Why the engine cannot run (yet): the lock is elsewhere, the page is
/// not a secure context (plain HTTP under a real name: the browser gives
/// it no private file system), or the storage failed to open.
enum Waiting {
    Elsewhere,
    NotSecure,
    Broken(String),
}

impl Waiting {
    fn text(&self, lang: Lang) -> String {
        match self {
            Waiting::Elsewhere => Msg::AppOpenElsewhere.text(lang).to_string(),
            Waiting::NotSecure => Msg::AppNotSecure.text(lang).to_string(),
            Waiting::Broken(why) => tr(lang, Msg::AppStorageUnavailable, &[("value", why)]),
        }
    }

    /// The answer to a command while the engine cannot run.
    fn answer(&self, command: &Command, lang: Lang) -> Reply {
        let text = self.text(lang);
        match command {
            Command::Snapshot => Ok(super::Answer::Snapshot(Box::new(Snapshot {
                prefs: Prefs {
                    lang,
                    ..Prefs::default()
                },
                storage: Some(text),
                ..Snapshot::default()
            }))),
            _ => Err(text),
        }
    }
}

async fn serve(scope: DedicatedWorkerGlobalScope, mut incoming: mpsc::UnboundedReceiver<String>) {
    let mut views: Vec<ViewId> = Vec::new();
    let secure = js_sys::Reflect::get(&scope, &"isSecureContext".into())
        .is_ok_and(|secure| secure.is_truthy());
    if !secure {
        // Told apart from a broken storage: the cure is the address, not
        // the browser.
        return answer_for_good(&scope, incoming, &Waiting::NotSecure, views).await;
    }
    let waiting = Waiting::Elsewhere;
    let (granted, mut lock) = oneshot::channel::<()>();
    hold_lock(granted);
    // Until the lock is ours, answer from here; the engine starts after.
    loop {
        let next = std::pin::pin!(incoming.recv());
        match futures_util::future::select(next, &mut lock).await {
            futures_util::future::Either::Left((Some(text), _)) => {
                waiting_answer(&scope, &text, &waiting, &mut views)
            }
            futures_util::future::Either::Left((None, _)) => return,
            futures_util::future::Either::Right(_) => break,
        }
    }
    if let Err(error) = crate::device::install_opfs().await {
        let waiting = Waiting::Broken(error.to_string());
        for view in &views {
            post(
                &scope,
                &FromEngine::Event {
                    view: *view,
                    event: Event::Lock,
                },
            );
        }
        return answer_for_good(&scope, incoming, &waiting, views).await;
    }
    let engine = Engine::new(Path::new("/"), EngineOptions::default());
    wasm_bindgen_futures::spawn_local(engine.clone().run_timers());
    for view in views {
        open(&engine, &scope, view);
        post(
            &scope,
            &FromEngine::Event {
                view,
                event: Event::Lock,
            },
        );
    }
    while let Some(text) = incoming.recv().await {
        let Ok(message) = serde_json::from_str::<ToEngine>(&text) else {
            continue;
        };
        match message {
            ToEngine::Open { view } => open(&engine, &scope, view),
            ToEngine::Call {
                view, id, command, ..
            } => {
                let reply = engine.handle(view, command);
                if let Some(id) = id {
                    post(&scope, &FromEngine::Reply { id, reply });
                }
            }
        }
    }
}

/// The engine will not run in this tab: every message gets `why`.
async fn answer_for_good(
    scope: &DedicatedWorkerGlobalScope,
    mut incoming: mpsc::UnboundedReceiver<String>,
    why: &Waiting,
    mut views: Vec<ViewId>,
) {
    while let Some(text) = incoming.recv().await {
        waiting_answer(scope, &text, why, &mut views);
    }
}

fn open(engine: &Engine, scope: &DedicatedWorkerGlobalScope, view: ViewId) {
    let scope = scope.clone();
    engine.open_view(view, move |event| {
        post(&scope, &FromEngine::Event { view, event })
    });
}

fn waiting_answer(
    scope: &DedicatedWorkerGlobalScope,
    text: &str,
    why: &Waiting,
    views: &mut Vec<ViewId>,
) {
    let Ok(message) = serde_json::from_str::<ToEngine>(text) else {
        return;
    };
    match message {
        ToEngine::Open { view } => views.push(view),
        ToEngine::Call {
            view,
            id,
            command,
            lang,
        } => {
            if command == Command::CloseView {
                views.retain(|v| *v != view);
            }
            if let Some(id) = id {
                let reply = why.answer(&command, lang);
                post(scope, &FromEngine::Reply { id, reply });
            }
        }
    }
}

/// Asks for the phone's Web Lock and keeps it for the worker's life;
/// `granted` fires once it is held. Without the Web Locks API (a very
/// old browser) there is no way to tell tabs apart: the storage's own
/// exclusive handles then refuse the second tab, which says so.
fn hold_lock(granted: oneshot::Sender<()>) {
    let granted = Cell::new(Some(granted));
    let held = Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(move |_lock: JsValue| {
        if let Some(granted) = granted.take() {
            let _ = granted.send(());
        }
        // Never settles: the lock is released when the worker ends.
        js_sys::Promise::new(&mut |_, _| {})
    });
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into());
    let locks = navigator.and_then(|n| js_sys::Reflect::get(&n, &"locks".into()));
    let request = locks
        .clone()
        .and_then(|l| js_sys::Reflect::get(&l, &"request".into()));
    match (locks, request) {
        (Ok(locks), Ok(request)) if request.is_function() => {
            let request: js_sys::Function = request.unchecked_into();
            let _ = request.call2(&locks, &JsValue::from_str(LOCK), held.as_ref());
        }
        _ => {
            let _ = held
                .as_ref()
                .unchecked_ref::<js_sys::Function>()
                .call1(&JsValue::NULL, &JsValue::NULL);
        }
    }
    held.forget();
}

/// What a tab keeps of its worker: the calls waiting for an answer and
/// the views to tell of changes.
#[derive(Default)]
struct Pending {
    replies: RefCell<HashMap<u64, oneshot::Sender<Reply>>>,
    views: RefCell<HashMap<ViewId, mpsc::UnboundedSender<Event>>>,
    /// Set when the worker failed (its script did not load): every call
    /// fails from then on.
    dead: Cell<bool>,
}

struct Port {
    worker: Worker,
    pending: Rc<Pending>,
    next_id: Cell<u64>,
    next_view: Cell<ViewId>,
    // Kept alive as long as the port: the worker calls them.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
}

/// A tab's way to the worker's engine; clones are the same worker.
#[derive(Clone)]
pub struct EngineHandle(Rc<Port>);

impl EngineHandle {
    /// Starts the engine's worker from the script at `url`.
    pub fn start_worker(url: &str) -> Result<EngineHandle, String> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(url, &options).map_err(describe)?;
        let pending = Rc::new(Pending::default());
        let on_message = {
            let pending = pending.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let Some(text) = event.data().as_string() else {
                    return;
                };
                match serde_json::from_str::<FromEngine>(&text) {
                    Ok(FromEngine::Reply { id, reply }) => {
                        if let Some(waiting) = pending.replies.borrow_mut().remove(&id) {
                            let _ = waiting.send(reply);
                        }
                    }
                    Ok(FromEngine::Event { view, event }) => {
                        if let Some(view) = pending.views.borrow().get(&view) {
                            let _ = view.send(event);
                        }
                    }
                    Err(_) => {}
                }
            })
        };
        let on_error = {
            let pending = pending.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |_error: JsValue| {
                pending.dead.set(true);
                // Dropping the senders fails every waiting call.
                pending.replies.borrow_mut().clear();
                pending.views.borrow_mut().clear();
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(EngineHandle(Rc::new(Port {
            worker,
            pending,
            next_id: Cell::new(1),
            next_view: Cell::new(1),
            _on_message: on_message,
            _on_error: on_error,
        })))
    }

    fn send(&self, message: &ToEngine) -> bool {
        if self.0.pending.dead.get() {
            return false;
        }
        match serde_json::to_string(message) {
            Ok(text) => self
                .0
                .worker
                .post_message(&JsValue::from_str(&text))
                .is_ok(),
            Err(_) => false,
        }
    }

    /// A new view of the phone, locked whatever the other views did.
    pub fn view(&self) -> Client {
        let view = self.0.next_view.get();
        self.0.next_view.set(view + 1);
        let (events, incoming) = mpsc::unbounded_channel();
        self.0.pending.views.borrow_mut().insert(view, events);
        self.send(&ToEngine::Open { view });
        Client(Rc::new(Link {
            engine: self.clone(),
            view,
            events: Mutex::new(incoming),
        }))
    }
}

fn describe(error: JsValue) -> String {
    match error.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.message()),
        None => error.as_string().unwrap_or_else(|| "unknown error".into()),
    }
}

struct Link {
    engine: EngineHandle,
    view: ViewId,
    events: Mutex<mpsc::UnboundedReceiver<Event>>,
}

impl Drop for Link {
    fn drop(&mut self) {
        self.engine.0.pending.views.borrow_mut().remove(&self.view);
        self.engine.send(&ToEngine::Call {
            view: self.view,
            id: None,
            command: Command::CloseView,
            lang: Lang::default(),
        });
    }
}

/// One view's way to the engine; clones are the same view.
#[derive(Clone)]
pub struct Client(Rc<Link>);

impl PartialEq for Client {
    fn eq(&self, other: &Client) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Client {
    pub fn view_id(&self) -> ViewId {
        self.0.view
    }

    /// Another view of the same phone, locked.
    pub fn another_view(&self) -> Client {
        self.0.engine.view()
    }

    /// Sends `command` and waits for the answer; `lang` words the one
    /// failure the worker cannot: being gone.
    pub async fn call(&self, command: Command, lang: Lang) -> Reply {
        let port = &self.0.engine.0;
        let id = port.next_id.get();
        port.next_id.set(id + 1);
        let (reply, answer) = oneshot::channel();
        port.pending.replies.borrow_mut().insert(id, reply);
        let sent = self.0.engine.send(&ToEngine::Call {
            view: self.0.view,
            id: Some(id),
            command,
            lang,
        });
        let stopped = || Msg::AppNoResources.text(lang).to_string();
        if !sent {
            port.pending.replies.borrow_mut().remove(&id);
            return Err(stopped());
        }
        answer.await.unwrap_or_else(|_| Err(stopped()))
    }

    /// The next change the engine told this view of; `None` once the
    /// worker is gone.
    pub async fn next_event(&self) -> Option<Event> {
        self.0.events.lock().await.recv().await
    }

    /// Whether the browser granted persistent storage to the app (the
    /// page asks at start); `None` until it answered.
    pub fn storage_persisted(&self) -> Option<bool> {
        PERSISTED.with(|p| p.get())
    }

    /// The origin the page came from: the organization's server.
    pub fn page_origin(&self) -> Option<String> {
        web_sys::window().and_then(|w| w.location().origin().ok())
    }
}

thread_local! {
    static PERSISTED: Cell<Option<bool>> = const { Cell::new(None) };
}

/// Asks the browser to keep the app's storage (an installed app usually
/// gets it); Settings shows the answer.
pub fn ask_persistent_storage() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(asked) = window.navigator().storage().persist() else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let granted = wasm_bindgen_futures::JsFuture::from(asked)
            .await
            .map(|answer| answer.as_bool() == Some(true))
            .unwrap_or(false);
        PERSISTED.with(|p| p.set(Some(granted)));
    });
}
