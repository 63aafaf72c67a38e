//! Counting failed attempts (enrollment codes, dashboard sign-ins) per
//! client address or per account, in memory, so that one source cannot
//! keep guessing. A restart forgets the counts; the secrets themselves are
//! the real defense.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed enrollment attempts per client address, in memory. The 128-bit
/// secret is the real defense; this keeps one source from hammering the
/// endpoint and its logs. IPv6 clients are counted per /64, the block one
/// subscriber usually holds.
pub struct FailureLimiter<K = IpAddr> {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<K, VecDeque<Instant>>>,
}

/// Addresses tracked at most; beyond, new addresses go uncounted rather
/// than letting a flood of addresses grow memory without bound.
const MAX_TRACKED: usize = 65_536;

/// What a failure is counted against: IPv4 addresses as they are, IPv6
/// per /64 block, any other key (an account name) as it is.
pub trait LimitKey: Clone + Eq + Hash {
    fn bucket(&self) -> Self {
        self.clone()
    }
}

impl LimitKey for String {}

impl LimitKey for IpAddr {
    fn bucket(&self) -> IpAddr {
        match *self {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let bits = u128::from(v6) & !((1u128 << 64) - 1);
                    IpAddr::V6(bits.into())
                }
            },
            v4 => v4,
        }
    }
}

impl<K: LimitKey> FailureLimiter<K> {
    pub fn new(max_failures: usize, window: Duration) -> FailureLimiter<K> {
        FailureLimiter {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// False when `address` has used up its failures within the window.
    pub fn allows(&self, address: &K, now: Instant) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match failures.get_mut(&address.bucket()) {
            Some(times) => {
                self.forget_old(times, now);
                times.len() < self.max_failures
            }
            None => true,
        }
    }

    pub fn record_failure(&self, address: &K, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() >= MAX_TRACKED {
            failures.retain(|_, times| {
                self.forget_old(times, now);
                !times.is_empty()
            });
        }
        let key = address.bucket();
        if failures.len() >= MAX_TRACKED && !failures.contains_key(&key) {
            return;
        }
        let times = failures.entry(key).or_default();
        self.forget_old(times, now);
        times.push_back(now);
        // Older failures add nothing once the address is at its limit.
        while times.len() > self.max_failures {
            times.pop_front();
        }
    }

    fn forget_old(&self, times: &mut VecDeque<Instant>, now: Instant) {
        while times
            .front()
            .is_some_and(|first| now.saturating_duration_since(*first) >= self.window)
        {
            times.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_limited_after_its_failures_and_freed_when_they_age_out() {
        let limiter: FailureLimiter = FailureLimiter::new(3, Duration::from_secs(600));
        let here: IpAddr = "203.0.113.7".parse().unwrap();
        let there: IpAddr = "203.0.113.8".parse().unwrap();
        let start = Instant::now();
        for i in 0..3 {
            assert!(limiter.allows(&here, start), "attempt {i}");
            limiter.record_failure(&here, start + Duration::from_secs(i));
        }
        assert!(!limiter.allows(&here, start + Duration::from_secs(5)));
        assert!(limiter.allows(&there, start + Duration::from_secs(5)));
        // The first failure leaves the window: one more attempt is allowed.
        assert!(limiter.allows(&here, start + Duration::from_secs(600)));
    }

    #[test]
    fn ipv6_addresses_in_one_64_block_share_a_count() {
        let limiter: FailureLimiter = FailureLimiter::new(1, Duration::from_secs(600));
        let now = Instant::now();
        limiter.record_failure(&"2001:db8:1:2::1".parse::<IpAddr>().unwrap(), now);
        assert!(!limiter.allows(&"2001:db8:1:2:ffff::9".parse::<IpAddr>().unwrap(), now));
        assert!(limiter.allows(&"2001:db8:1:3::1".parse::<IpAddr>().unwrap(), now));
        limiter.record_failure(&"::ffff:192.0.2.1".parse::<IpAddr>().unwrap(), now);
        assert!(!limiter.allows(&"192.0.2.1".parse::<IpAddr>().unwrap(), now));
    }

    #[test]
    fn accounts_are_counted_by_name() {
        let limiter: FailureLimiter<String> = FailureLimiter::new(2, Duration::from_secs(60));
        let now = Instant::now();
        limiter.record_failure(&"marie".to_string(), now);
        limiter.record_failure(&"marie".to_string(), now);
        assert!(!limiter.allows(&"marie".to_string(), now));
        assert!(limiter.allows(&"luc".to_string(), now));
    }
}
