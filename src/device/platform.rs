//! What the engine needs from the platform it runs on: a monotonic clock
//! that works in a browser too, sleeping, running a task beside the
//! others, and the CPU time of the engine's thread (for `tournee bench`).
//!
//! `std::time::Instant` panics on wasm32; `web_time::Instant` is std's
//! natively and `performance.now()` in a browser. In a browser there is
//! no tokio runtime: timers are the worker's (`setTimeout`) and tasks run
//! on its event loop.

use std::future::Future;
use std::time::Duration;
pub use web_time::Instant;

/// Waits `duration` without blocking the engine's other work.
#[cfg(not(target_arch = "wasm32"))]
pub async fn sleep(duration: Duration) {
    tokio::time::sleep(duration).await;
}

/// Waits `duration` without blocking the engine's other work.
#[cfg(target_arch = "wasm32")]
pub async fn sleep(duration: Duration) {
    gloo_timers::future::sleep(duration).await;
}

/// Runs `task` on the engine's own thread, beside the commands it serves.
/// Natively the engine's thread runs a tokio `LocalSet`; in a browser the
/// worker's event loop.
pub fn spawn_local(task: impl Future<Output = ()> + 'static) {
    #[cfg(not(target_arch = "wasm32"))]
    tokio::task::spawn_local(task);
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_futures::spawn_local(task);
}

/// The CPU time the calling thread has used, where the platform says
/// (not in a browser).
pub fn thread_cpu_time() -> Option<Duration> {
    #[cfg(unix)]
    {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
        Some(Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
    }
    #[cfg(not(unix))]
    {
        None
    }
}
