//! The engine on a thread of its own, and the async client every native
//! renderer (liveview, desktop, mobile) talks to it through.
//!
//! The thread runs a single-threaded tokio runtime: commands arrive on a
//! channel and are handled one at a time; sync and enrollment run as
//! tasks beside them. A [`Client`] is one view: made locked, it closes
//! its view in the engine when its last clone is dropped (a socket gone,
//! a window shut), and the engine forgets the key when no view is left
//! unlocked. The engine stops when every handle and client is gone.

use super::message::{Command, Event, Reply, ViewId};
use super::{Engine, EngineOptions};
use crate::domain::i18n::{Lang, Msg};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Mutex, mpsc, oneshot};

enum Request {
    Open {
        view: ViewId,
        events: mpsc::UnboundedSender<Event>,
    },
    Call {
        view: ViewId,
        // Boxed: a contact makes a command far bigger than an `Open`.
        command: Box<Command>,
        reply: Option<oneshot::Sender<Reply>>,
    },
}

/// The way to one phone's engine: cheap to clone, usable from any thread.
#[derive(Clone)]
pub struct EngineHandle {
    requests: mpsc::UnboundedSender<Request>,
    next_view: Arc<AtomicU64>,
}

impl EngineHandle {
    /// Starts the engine of the phone at `home` on its own thread.
    pub fn start(home: &Path, options: EngineOptions) -> std::io::Result<EngineHandle> {
        let (requests, mut incoming) = mpsc::unbounded_channel::<Request>();
        let home = home.to_path_buf();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name("tournee-engine".into())
            .spawn(move || {
                let local = tokio::task::LocalSet::new();
                local.block_on(&runtime, async move {
                    let engine = Engine::new(&home, options);
                    tokio::task::spawn_local(engine.clone().run_timers());
                    while let Some(request) = incoming.recv().await {
                        match request {
                            Request::Open { view, events } => engine.open_view(view, move |e| {
                                let _ = events.send(e);
                            }),
                            Request::Call {
                                view,
                                command,
                                reply,
                            } => {
                                let answer = engine.handle(view, *command);
                                if let Some(reply) = reply {
                                    let _ = reply.send(answer);
                                }
                            }
                        }
                    }
                });
            })?;
        Ok(EngineHandle {
            requests,
            next_view: Arc::new(AtomicU64::new(1)),
        })
    }

    /// A new view of the phone, locked whatever the other views did.
    pub fn view(&self) -> Client {
        let view = self.next_view.fetch_add(1, Ordering::Relaxed);
        let (events, incoming) = mpsc::unbounded_channel();
        let _ = self.requests.send(Request::Open { view, events });
        Client(Arc::new(Link {
            engine: self.clone(),
            view,
            events: Mutex::new(incoming),
        }))
    }
}

struct Link {
    engine: EngineHandle,
    view: ViewId,
    events: Mutex<mpsc::UnboundedReceiver<Event>>,
}

impl Drop for Link {
    fn drop(&mut self) {
        let _ = self.engine.requests.send(Request::Call {
            view: self.view,
            command: Box::new(Command::CloseView),
            reply: None,
        });
    }
}

/// One view's way to the engine; clones are the same view. Every method
/// is async and needs no particular executor.
#[derive(Clone)]
pub struct Client(Arc<Link>);

/// Components compare props; two clients are equal when they are one view.
impl PartialEq for Client {
    fn eq(&self, other: &Client) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
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

    /// Sends `command` and waits for the answer. `lang` words the one
    /// failure the engine cannot: being gone.
    pub async fn call(&self, command: Command, lang: Lang) -> Reply {
        let (reply, answer) = oneshot::channel();
        let sent = self.0.engine.requests.send(Request::Call {
            view: self.0.view,
            command: Box::new(command),
            reply: Some(reply),
        });
        let stopped = || Msg::AppNoResources.text(lang).to_string();
        if sent.is_err() {
            return Err(stopped());
        }
        answer.await.unwrap_or_else(|_| Err(stopped()))
    }

    /// The next change the engine told this view of; `None` once the
    /// engine is gone.
    pub async fn next_event(&self) -> Option<Event> {
        self.0.events.lock().await.recv().await
    }

    /// Natively the store is a file of the app's own: no browser decides
    /// whether to keep it (see the web client).
    pub fn storage_persisted(&self) -> Option<bool> {
        None
    }

    /// Natively the app did not come from a server: the worker types its
    /// address (or scans it).
    pub fn page_origin(&self) -> Option<String> {
        None
    }
}
