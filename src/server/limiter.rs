//! Counting failed attempts (enrollment codes, dashboard sign-ins) per
//! client address or per account, in memory, so that one source cannot
//! keep guessing. A restart forgets the counts; the secrets themselves are
//! the real defense. Memory is bounded: at most [`MAX_TRACKED`] keys, each
//! of a fixed size (an account is counted by the SHA-256 of its name, so
//! a name of 60,000 characters costs what a short one does).

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

/// Keys tracked at most; beyond, new keys go uncounted rather than
/// letting a flood of addresses or names grow memory without bound.
pub const MAX_TRACKED: usize = 65_536;

/// What a failure is counted against: IPv4 addresses as they are, IPv6
/// per /64 block, an account by [`AccountKey`]. Keys are of fixed size.
pub trait LimitKey: Clone + Eq + Hash {
    fn bucket(&self) -> Self {
        self.clone()
    }
}

/// An account as the limiter counts it: the SHA-256 of its name as
/// given (the caller folds case), 32 bytes whatever the name's length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AccountKey([u8; 32]);

impl AccountKey {
    pub fn of(name: &str) -> AccountKey {
        let hash = ring::digest::digest(&ring::digest::SHA256, name.as_bytes());
        let mut key = [0u8; 32];
        key.copy_from_slice(hash.as_ref());
        AccountKey(key)
    }
}

impl LimitKey for AccountKey {}

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

    /// Keys counted now.
    pub fn tracked(&self) -> usize {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
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
        let limiter: FailureLimiter<AccountKey> = FailureLimiter::new(2, Duration::from_secs(60));
        let now = Instant::now();
        limiter.record_failure(&AccountKey::of("marie"), now);
        limiter.record_failure(&AccountKey::of("marie"), now);
        assert!(!limiter.allows(&AccountKey::of("marie"), now));
        assert!(limiter.allows(&AccountKey::of("luc"), now));
    }

    #[test]
    fn a_name_of_60000_characters_is_kept_as_32_bytes_and_still_counted_whole() {
        assert_eq!(std::mem::size_of::<AccountKey>(), 32);
        let limiter: FailureLimiter<AccountKey> = FailureLimiter::new(1, Duration::from_secs(60));
        let now = Instant::now();
        let long = "a".repeat(60_000);
        let other = format!("{}b", &long[1..]);
        limiter.record_failure(&AccountKey::of(&long), now);
        assert!(!limiter.allows(&AccountKey::of(&long), now));
        // Names that share all but their last character are not confused.
        assert!(limiter.allows(&AccountKey::of(&other), now));
    }

    #[test]
    fn a_flood_of_new_names_stops_being_counted_at_the_cap() {
        let limiter: FailureLimiter<AccountKey> = FailureLimiter::new(5, Duration::from_secs(60));
        let now = Instant::now();
        for i in 0..MAX_TRACKED + 1_000 {
            limiter.record_failure(&AccountKey::of(&format!("name {i}")), now);
        }
        assert_eq!(limiter.tracked(), MAX_TRACKED);
        // Once their failures age out, room is made again.
        let later = now + Duration::from_secs(60);
        limiter.record_failure(&AccountKey::of("new"), later);
        assert_eq!(limiter.tracked(), 1);
    }
}
