//! Taking connections: the accept loop, each connection served by hyper
//! with a header-read timeout and counted in [`super::slots`] against the
//! [`super::budget`] (below the process's file-descriptor limit), a short
//! `503` for a connection over it, and graceful shutdown. The loop never dies on an
//! accept error: out of descriptors, it frees an idle connection, pauses
//! briefly and goes on, so `/healthz` keeps answering.

use super::budget;
use super::error::ApiError;
use super::slots::{Admission, Busy, Counted, SlotGuard, Slots};
use crate::domain::i18n::{Lang, Msg};
use crate::server::config::LimitsSection;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore, watch};
use tower::ServiceExt;

/// After the shutdown signal, how long open requests may take to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// Connections over the budget that are still answered `503` at once;
/// beyond that many at a time they are closed unanswered.
pub(super) const REFUSING: usize = 32;
/// How long a refused connection may take to send its request.
const REFUSE_WAIT: Duration = Duration::from_secs(2);
/// The largest header block (hyper answers 431 beyond), and the most a
/// connection buffers: headers are a few hundred bytes, and hyper's own
/// 400 KB default would let every slow client hold that much.
const MAX_HEADER_BYTES: usize = 64 * 1024;
/// How long a newcomer waits for an idle connection to close for it, and
/// how many times, before it is refused.
const ADMIT_WAIT: Duration = Duration::from_millis(200);
const ADMIT_TRIES: usize = 5;
/// How often idle connections are checked against their timeouts.
const SWEEP_EVERY: Duration = Duration::from_millis(500);
/// The pause after an accept error that is not one client's (out of
/// descriptors or memory): the waiting clients stay in the kernel's queue.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// How connections are limited (`[limits]` of the settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl From<&LimitsSection> for ConnectionLimits {
    fn from(limits: &LimitsSection) -> ConnectionLimits {
        ConnectionLimits {
            header_timeout: Duration::from_secs(limits.header_timeout_secs.into()),
            idle_timeout: Duration::from_secs(limits.idle_timeout_secs.into()),
            max_connections: limits.max_connections as usize,
        }
    }
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits::from(&LimitsSection::default())
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then stops
/// taking connections and lets open requests finish (for a few seconds).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let cap = budget::connections(limits.max_connections);
    if let Ok(address) = listener.local_addr() {
        tracing::info!(%address, connections = cap, "listening");
    }
    let slots = Slots::new(cap);
    let refusing = Arc::new(Semaphore::new(REFUSING));
    let (stopping, stop_seen) = watch::channel(false);
    // Every connection task holds a receiver; all dropped means all done.
    let (tasks_done, task_alive) = watch::channel(());
    let sweeper = tokio::spawn(sweep(slots.clone(), limits));
    let mut shutdown = std::pin::pin!(shutdown);
    let mut warned_at: Option<Instant> = None;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        match accepted {
            Ok((stream, peer)) => {
                let admitted = tokio::select! {
                    admitted = admit(&slots) => admitted,
                    () = &mut shutdown => break,
                };
                match admitted {
                    Some((slot, close)) => {
                        let connection = Connection {
                            app: app.clone(),
                            peer,
                            limits,
                            close,
                            stopping: stop_seen.clone(),
                            _alive: task_alive.clone(),
                        };
                        tokio::spawn(connection.run(stream, slot));
                    }
                    None => match refusing.clone().try_acquire_owned() {
                        Ok(permit) => {
                            tokio::spawn(async move {
                                refuse(stream).await;
                                drop(permit);
                            });
                        }
                        Err(_) => drop(stream),
                    },
                }
            }
            Err(error) if is_one_clients(&error) => {}
            Err(error) => {
                // Out of descriptors (EMFILE) or memory: free one idle
                // connection and wait a moment rather than spin.
                if warned_at.is_none_or(|at| at.elapsed() >= Duration::from_secs(10)) {
                    tracing::warn!(%error, open = slots.open(), "cannot accept connections; pausing");
                    warned_at = Some(Instant::now());
                }
                slots.close_idlest();
                tokio::select! {
                    () = tokio::time::sleep(ACCEPT_PAUSE) => {}
                    () = &mut shutdown => break,
                }
            }
        }
    }
    tracing::info!("shutting down");
    drop(listener);
    sweeper.abort();
    let _ = stopping.send(true);
    drop(stop_seen);
    drop(task_alive);
    if tokio::time::timeout(SHUTDOWN_GRACE, tasks_done.closed())
        .await
        .is_err()
    {
        tracing::warn!("requests still open after the grace period; closing them");
    }
    Ok(())
}

/// A slot for a connection just accepted: at once, or once the idle
/// connection closing for it has closed (no more connections are accepted
/// meanwhile, so the descriptors held stay within the budget). `None`
/// when every slot is answering a request.
async fn admit(slots: &Arc<Slots>) -> Option<(SlotGuard, Arc<Notify>)> {
    for _ in 0..ADMIT_TRIES {
        match slots.admit(Instant::now()) {
            Admission::Slot(slot, close) => return Some((slot, close)),
            Admission::Full => return None,
            Admission::Wait => {
                let _ = tokio::time::timeout(ADMIT_WAIT, slots.freed()).await;
            }
        }
    }
    None
}

/// Errors that concern the one connection being accepted, not the server.
fn is_one_clients(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        error.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset | Interrupted | WouldBlock
    )
}

async fn sweep(slots: Arc<Slots>, limits: ConnectionLimits) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        slots.sweep(Instant::now(), limits.header_timeout, limits.idle_timeout);
    }
}

/// One accepted connection and what serving it needs.
struct Connection {
    app: Router,
    peer: SocketAddr,
    limits: ConnectionLimits,
    /// Fires when the slot was taken back (idle too long, or for a newcomer).
    close: Arc<Notify>,
    stopping: watch::Receiver<bool>,
    _alive: watch::Receiver<()>,
}

impl Connection {
    async fn run(mut self, stream: TcpStream, slot: SlotGuard) {
        let handle = slot.handle();
        let (app, peer) = (self.app.clone(), self.peer);
        let service = service_fn(move |request: Request<Incoming>| {
            let busy = handle.begin();
            let app = app.clone();
            async move {
                let mut request = request.map(Body::new);
                request.extensions_mut().insert(ConnectInfo(peer));
                let response = app.oneshot(request).await.unwrap_or_else(|e| match e {});
                Ok::<_, Infallible>(held_busy(response, busy))
            }
        });
        let io = TokioIo::new(Counted::new(stream, slot));
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(self.limits.header_timeout)
            .max_header_size(MAX_HEADER_BYTES)
            .max_buf_size(MAX_HEADER_BYTES)
            .serve_connection(io, service)
            .with_upgrades();
        let mut connection = std::pin::pin!(connection);
        let mut stopping = false;
        loop {
            tokio::select! {
                _ = connection.as_mut() => break,
                // Dropping the connection closes the socket.
                () = self.close.notified() => break,
                _ = self.stopping.wait_for(|stop| *stop), if !stopping => {
                    stopping = true;
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// The response, with `busy` released once its body is sent (or, for an
/// upgrade, never: the socket now belongs to the websocket).
fn held_busy(response: Response<Body>, busy: Busy) -> Response<Body> {
    if response.status() == StatusCode::SWITCHING_PROTOCOLS {
        busy.forever();
        return response;
    }
    response.map(|body| {
        Body::new(body.map_frame(move |frame| {
            let _held = &busy;
            frame
        }))
    })
}

/// A `503` for a connection over the budget, in the reader's language (a
/// phone gets the API's JSON), then the connection is closed.
async fn refuse(stream: TcpStream) {
    let service = service_fn(|request: Request<Incoming>| async move {
        let response = if request.uri().path().starts_with("/api/") {
            ApiError::Busy.into_response()
        } else {
            let lang = request
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|list| {
                    list.split(',')
                        .find_map(|item| Lang::parse(item.split(';').next()?))
                })
                .unwrap_or_default();
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!("{}\n", Msg::ServerBusy.text(lang)),
            )
                .into_response()
        };
        let (mut parts, body) = response.into_parts();
        parts
            .headers
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
        Ok::<_, Infallible>(Response::from_parts(parts, body))
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(REFUSE_WAIT)
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), service);
    let _ = tokio::time::timeout(REFUSE_WAIT * 2, connection).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_clients_failures_are_skipped_without_a_pause() {
        use std::io::{Error, ErrorKind};
        assert!(is_one_clients(&Error::from(ErrorKind::ConnectionAborted)));
        // EMFILE: "Too many open files".
        assert!(!is_one_clients(&Error::from_raw_os_error(24)));
    }
}
