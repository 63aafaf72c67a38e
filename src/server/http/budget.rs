//! How many client connections this process can hold: what the settings
//! ask, or fewer when the open-file limit (raised toward what they need
//! when the hard limit allows) leaves less once descriptors are set aside
//! for the rest, so accepting never runs into "Too many open files".

use super::listen::REFUSING;

/// File descriptors kept for everything but client connections: the
/// database and its journal, files being written, logs, the runtime.
const RESERVED_FDS: u64 = 128;
/// Fewest connections, whatever the descriptor limit says.
const MIN_CONNECTIONS: usize = 16;

/// The connections this process can hold: `wanted`, or fewer when the
/// file-descriptor limit (raised to what `wanted` needs when the hard
/// limit allows) leaves less once [`RESERVED_FDS`] are set aside.
pub fn connections(wanted: usize) -> usize {
    let wanted = wanted.max(1);
    let Some(limit) = descriptor_limit(wanted as u64 + RESERVED_FDS + REFUSING as u64) else {
        return wanted;
    };
    let room = limit.saturating_sub(RESERVED_FDS + REFUSING as u64);
    let cap = wanted.min(usize::try_from(room).unwrap_or(usize::MAX));
    if cap < wanted {
        tracing::warn!(
            limit,
            connections = cap.max(MIN_CONNECTIONS),
            "the file-descriptor limit allows fewer connections than [limits] max_connections"
        );
    }
    cap.max(MIN_CONNECTIONS.min(wanted))
}

/// The soft limit on open files, raised toward `needed` if it is lower
/// and the hard limit permits. `None`: unlimited, or not known here.
#[cfg(unix)]
fn descriptor_limit(needed: u64) -> Option<u64> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let now = getrlimit(Resource::Nofile);
    let current = now.current?;
    if current >= needed {
        return Some(current);
    }
    let raised = now.maximum.map_or(needed, |max| needed.min(max));
    let asked = Rlimit {
        current: Some(raised),
        maximum: now.maximum,
    };
    match setrlimit(Resource::Nofile, asked) {
        Ok(()) => Some(raised),
        Err(_) => Some(current),
    }
}

#[cfg(not(unix))]
fn descriptor_limit(_needed: u64) -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_what_was_asked_when_the_descriptor_limit_allows_it() {
        // The test process's limit is far above what 20 connections need.
        assert_eq!(connections(20), 20);
        assert_eq!(connections(0), 1);
    }
}
