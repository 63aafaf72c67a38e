//! The open client connections, counted against a fixed number of slots.
//! A connection is idle while no request of its own is being answered
//! (still sending its first headers, or kept alive between requests);
//! idle connections are closed when they outstay the header or idle
//! timeout, and the one idle longest gives its slot up to a newcomer when
//! every slot is taken, so clients that never finish their headers cannot
//! crowd out the ones that do. Only when every slot is answering a request
//! is a new connection turned away (see `listen`). A slot is freed when
//! its socket is closed, not when it is told to close, so the count is
//! the number of descriptors held.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Notify;

pub struct Slots {
    cap: usize,
    table: Mutex<Table>,
    /// Fires when a slot is freed (for a newcomer waiting on one).
    freed: Notify,
}

/// What a newcomer gets.
pub enum Admission {
    /// A slot; the `Notify` fires when this connection must close in turn.
    Slot(SlotGuard, Arc<Notify>),
    /// An idle connection is closing to make room: wait for
    /// [`Slots::freed`] and ask again.
    Wait,
    /// Every slot is answering a request.
    Full,
}

#[derive(Default)]
struct Table {
    next_id: u64,
    open: HashMap<u64, Slot>,
}

struct Slot {
    opened: Instant,
    /// Since when no request has been in flight (meaningful when `busy` is 0).
    idle_since: Instant,
    /// Requests in flight; an upgraded connection (websocket) keeps one forever.
    busy: u32,
    /// Told to close; its socket is not closed yet.
    closing: bool,
    /// Whether a request was answered (then the idle timeout applies, else
    /// the header timeout).
    served: bool,
    close: Arc<Notify>,
}

impl Slots {
    pub fn new(cap: usize) -> Arc<Slots> {
        Arc::new(Slots {
            cap: cap.max(1),
            table: Mutex::new(Table::default()),
            freed: Notify::new(),
        })
    }

    /// Connections counted now.
    pub fn open(&self) -> usize {
        self.lock().open.len()
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        // The table stays consistent at every step, so a panic elsewhere
        // while it was held leaves nothing half-done.
        self.table.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A slot for a new connection: a free one, else the one idle longest
    /// is told to close for it.
    pub fn admit(self: &Arc<Self>, now: Instant) -> Admission {
        let mut table = self.lock();
        if table.open.len() >= self.cap {
            // One closing is enough for one newcomer.
            let closing = table.open.values().any(|s| s.closing) || close_idlest(&mut table);
            return if closing {
                Admission::Wait
            } else {
                Admission::Full
            };
        }
        let id = table.next_id;
        table.next_id += 1;
        let close = Arc::new(Notify::new());
        table.open.insert(
            id,
            Slot {
                opened: now,
                idle_since: now,
                busy: 0,
                closing: false,
                served: false,
                close: close.clone(),
            },
        );
        let handle = SlotHandle {
            slots: self.clone(),
            id,
        };
        Admission::Slot(SlotGuard(handle), close)
    }

    /// Completes when a slot was freed since the last time it completed.
    pub async fn freed(&self) {
        self.freed.notified().await;
    }

    /// Tells the connection idle longest to close, if any (to free a file
    /// descriptor when the process has run out).
    pub fn close_idlest(&self) -> bool {
        close_idlest(&mut self.lock())
    }

    /// Tells the idle connections that outstayed their timeout to close:
    /// the header timeout before their first request, the idle timeout
    /// after. Returns how many.
    pub fn sweep(&self, now: Instant, header: Duration, idle: Duration) -> usize {
        let mut table = self.lock();
        let mut closed = 0;
        for slot in table.open.values_mut() {
            let stale = if slot.served {
                now.saturating_duration_since(slot.idle_since) >= idle
            } else {
                now.saturating_duration_since(slot.opened) >= header
            };
            if slot.busy == 0 && !slot.closing && stale {
                slot.closing = true;
                slot.close.notify_one();
                closed += 1;
            }
        }
        closed
    }
}

fn close_idlest(table: &mut Table) -> bool {
    let idlest = table
        .open
        .values_mut()
        .filter(|s| s.busy == 0 && !s.closing)
        .min_by_key(|s| s.idle_since);
    match idlest {
        Some(slot) => {
            // Its slot is freed when its task drops the socket.
            slot.closing = true;
            slot.close.notify_one();
            true
        }
        None => false,
    }
}

/// One connection's slot, for marking its requests.
#[derive(Clone)]
pub struct SlotHandle {
    slots: Arc<Slots>,
    id: u64,
}

impl SlotHandle {
    /// A request starts: the connection is busy until the returned guard
    /// (held by the response body) is dropped.
    pub fn begin(&self) -> Busy {
        if let Some(slot) = self.slots.lock().open.get_mut(&self.id) {
            slot.busy += 1;
        }
        Busy {
            handle: self.clone(),
            forever: false,
        }
    }
}

/// Frees the slot when dropped: held by the connection's socket wrapper,
/// so the count follows the file descriptor, upgraded connections too.
pub struct SlotGuard(SlotHandle);

impl SlotGuard {
    pub fn handle(&self) -> SlotHandle {
        self.0.clone()
    }
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        self.0.slots.lock().open.remove(&self.0.id);
        // One waiter (the accept loop); a permit is kept if it is not
        // waiting yet, so no freeing is missed.
        self.0.slots.freed.notify_one();
    }
}

/// A request in flight on its connection.
pub struct Busy {
    handle: SlotHandle,
    forever: bool,
}

impl Busy {
    /// The connection was upgraded (a websocket): it stays busy, never
    /// closed as idle, until its socket closes.
    pub fn forever(mut self) {
        self.forever = true;
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if self.forever {
            return;
        }
        if let Some(slot) = self.handle.slots.lock().open.get_mut(&self.handle.id) {
            slot.busy = slot.busy.saturating_sub(1);
            if slot.busy == 0 {
                slot.idle_since = Instant::now();
                slot.served = true;
            }
        }
    }
}

/// The socket with its slot: the slot is freed when the socket closes,
/// even after an upgrade hands it to a websocket.
pub struct Counted {
    stream: TcpStream,
    _slot: SlotGuard,
}

impl Counted {
    pub fn new(stream: TcpStream, slot: SlotGuard) -> Counted {
        Counted {
            stream,
            _slot: slot,
        }
    }
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: Duration = Duration::from_secs(10);
    const IDLE: Duration = Duration::from_secs(5);

    fn slot(admission: Admission) -> (SlotGuard, Arc<Notify>) {
        match admission {
            Admission::Slot(guard, close) => (guard, close),
            Admission::Wait => panic!("asked to wait"),
            Admission::Full => panic!("full"),
        }
    }

    #[test]
    fn a_full_table_has_the_connection_idle_longest_close_for_a_newcomer_never_a_busy_one() {
        let slots = Slots::new(2);
        let start = Instant::now();
        let (first, first_closed) = slot(slots.admit(start));
        let (second, second_closed) = slot(slots.admit(start + Duration::from_secs(1)));
        let busy = second.handle().begin();
        // The first one was idle longest: told to close; the newcomer
        // waits until its socket is closed.
        assert!(matches!(slots.admit(start), Admission::Wait));
        assert!(is_ready(first_closed.notified()));
        assert!(!is_ready(second_closed.notified()));
        assert!(
            matches!(slots.admit(start), Admission::Wait),
            "still closing"
        );
        assert_eq!(slots.open(), 2);
        drop(first);
        assert!(is_ready(slots.freed()));
        let (third, _) = slot(slots.admit(start + Duration::from_secs(2)));
        assert_eq!(slots.open(), 2);
        drop(busy);
        drop(third);
    }

    #[test]
    fn when_every_slot_is_answering_a_request_there_is_no_room() {
        let slots = Slots::new(1);
        let now = Instant::now();
        let (guard, _) = slot(slots.admit(now));
        let busy = guard.handle().begin();
        assert!(matches!(slots.admit(now), Admission::Full));
        assert!(!slots.close_idlest());
        drop(busy);
        assert!(matches!(slots.admit(now), Admission::Wait));
    }

    #[test]
    fn the_sweep_closes_slow_headers_and_idle_keep_alives_but_not_busy_or_upgraded() {
        let slots = Slots::new(10);
        let start = Instant::now();
        let (_slow, slow_closed) = slot(slots.admit(start));
        let (kept, kept_closed) = slot(slots.admit(start));
        drop(kept.handle().begin());
        let (working, _) = slot(slots.admit(start));
        let _busy = working.handle().begin();
        let (socket, _) = slot(slots.admit(start));
        socket.handle().begin().forever();
        let later = Instant::now() + HEADER;
        assert_eq!(slots.sweep(later, HEADER, IDLE), 2);
        assert!(is_ready(slow_closed.notified()));
        assert!(is_ready(kept_closed.notified()));
        // Counted until their sockets close; told only once.
        assert_eq!(slots.open(), 4);
        assert_eq!(slots.sweep(later + HEADER * 100, HEADER, IDLE), 0);
        drop(kept);
        assert_eq!(slots.open(), 3);
    }

    /// Whether a future is complete at its first poll.
    fn is_ready(future: impl std::future::Future) -> bool {
        let mut future = std::pin::pin!(future);
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        future.as_mut().poll(&mut cx).is_ready()
    }
}
