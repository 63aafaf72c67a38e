//! Enrollment: one-time codes made by a supervisor, redeemed by a device
//! for a signed bundle (device id, org, keys, catalog), and the limit on
//! failed attempts per client address.
//!
//! Only SHA-256 of a code's secret is stored, so a copy of the database
//! cannot enroll a phone. Unknown, used and expired codes get one and the
//! same refusal, so an attacker learns nothing about which codes exist.

use super::db;
use super::error::ServerError;
use super::keys::ServerKeys;
use super::queries;
use crate::domain::crypto::sign::{Purpose, fingerprint};
use crate::domain::wire::enroll::{
    Bundle, EnrollCode, EnrollRequest, FINGERPRINT_PREFIX_LEN, SECRET_LEN, SealingKey, sign_json,
};
use chrono::{SecondsFormat, TimeZone, Utc};
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{Connection, TransactionBehavior};
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub const DEFAULT_TTL_HOURS: u32 = 24;
/// A code is a key to the organization's server; it should not linger.
pub const MAX_TTL_HOURS: u32 = 7 * 24;
pub const MAX_LABEL_CHARS: usize = 100;
const MAX_APP_VERSION_CHARS: usize = 40;
const HOUR_MS: i64 = 3_600_000;

#[derive(Debug, thiserror::Error)]
pub enum EnrollError {
    #[error("malformed enrollment request: {0}")]
    Malformed(&'static str),
    #[error("the enrollment code is unknown, used or expired")]
    Refused,
    #[error("too many failed enrollment attempts from this address; retry later")]
    TooManyAttempts,
    #[error(transparent)]
    Server(#[from] ServerError),
}

impl From<rusqlite::Error> for EnrollError {
    fn from(e: rusqlite::Error) -> EnrollError {
        EnrollError::Server(ServerError::Sqlite(e))
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    fingerprint(bytes)
}

/// A label a person typed: trimmed, at most [`MAX_LABEL_CHARS`], no
/// control characters (it is shown in terminals and pages).
pub fn clean_label(label: &str) -> Option<String> {
    let label = label.trim();
    (label.chars().count() <= MAX_LABEL_CHARS && !label.chars().any(char::is_control))
        .then(|| label.to_string())
}

/// Makes and stores a new one-time code valid `ttl_hours` from `now_ms`.
pub fn create_code(
    conn: &Connection,
    keys: &ServerKeys,
    label: &str,
    ttl_hours: u32,
    now_ms: i64,
) -> Result<EnrollCode, ServerError> {
    if ttl_hours > MAX_TTL_HOURS {
        return Err(ServerError::Ttl { max: MAX_TTL_HOURS });
    }
    let label = clean_label(label).ok_or(ServerError::Label {
        max: MAX_LABEL_CHARS,
    })?;
    let mut secret = [0u8; SECRET_LEN];
    SystemRandom::new()
        .fill(&mut secret)
        .map_err(|_| ServerError::Random)?;
    let fingerprint_prefix: [u8; FINGERPRINT_PREFIX_LEN] = keys.fingerprint()
        [..FINGERPRINT_PREFIX_LEN]
        .try_into()
        .expect("the prefix is shorter than a digest");
    let expires = now_ms + i64::from(ttl_hours) * HOUR_MS;
    queries::insert_code(conn, &sha256(&secret), &label, now_ms, expires)?;
    Ok(EnrollCode {
        secret,
        fingerprint_prefix,
    })
}

/// What a request carries once checked.
struct Checked {
    secret: [u8; SECRET_LEN],
    public_key: [u8; 32],
    label: String,
    app_version: String,
}

fn hex_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    hex::decode(text).ok()?.try_into().ok()
}

fn check(body: &[u8]) -> Result<Checked, EnrollError> {
    let request: EnrollRequest = serde_json::from_slice(body)
        .map_err(|_| EnrollError::Malformed("not the JSON expected"))?;
    let app_version = request.app_version.trim();
    if app_version.chars().count() > MAX_APP_VERSION_CHARS
        || app_version.chars().any(char::is_control)
    {
        return Err(EnrollError::Malformed("app_version"));
    }
    Ok(Checked {
        secret: hex_array(&request.secret).ok_or(EnrollError::Malformed("secret"))?,
        public_key: hex_array(&request.device_public_key)
            .ok_or(EnrollError::Malformed("device_public_key"))?,
        label: clean_label(&request.label).ok_or(EnrollError::Malformed("label"))?,
        app_version: app_version.to_string(),
    })
}

/// Redeems a code from a `POST /api/v1/enroll` body: creates the device,
/// marks the code used (one transaction) and answers the signed bundle.
pub fn redeem(
    conn: &mut Connection,
    keys: &ServerKeys,
    body: &[u8],
    now_ms: i64,
) -> Result<serde_json::Value, EnrollError> {
    let request = check(body)?;
    let catalog = db::catalog(conn)?;
    let device_id = Uuid::now_v7();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    queries::insert_device(
        &tx,
        device_id,
        &request.public_key,
        &request.label,
        &request.app_version,
        now_ms,
    )?;
    if !queries::use_code(&tx, &sha256(&request.secret), device_id, now_ms)? {
        return Err(EnrollError::Refused); // the device row rolls back with tx
    }
    tx.commit()?;
    tracing::info!(device = %device_id, "device enrolled");
    let current = keys.current_sealing();
    let bundle = Bundle {
        org_id: keys.org_id,
        org_name: keys.org_name.clone(),
        device_id,
        server_signing_key: hex::encode(keys.signing_public_key()),
        // Only the current key: older epochs exist to open late batches,
        // never to be sealed to again.
        sealing_keys: vec![SealingKey {
            kid: hex::encode(current.kid),
            public_key: hex::encode(current.public),
        }],
        catalog,
        issued_at: Utc
            .timestamp_millis_opt(now_ms)
            .single()
            .unwrap_or_else(Utc::now)
            .to_rfc3339_opts(SecondsFormat::Secs, true),
    };
    Ok(sign_json(
        keys.signer(),
        Purpose::Enrollment,
        "bundle",
        &bundle,
    ))
}

/// Failed enrollment attempts per client address, in memory. The 128-bit
/// secret is the real defense; this keeps one source from hammering the
/// endpoint and its logs. IPv6 clients are counted per /64, the block one
/// subscriber usually holds.
pub struct FailureLimiter {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

/// Addresses tracked at most; beyond, new addresses go uncounted rather
/// than letting a flood of addresses grow memory without bound.
const MAX_TRACKED: usize = 65_536;

impl Default for FailureLimiter {
    /// More than 10 failures within 10 minutes.
    fn default() -> Self {
        FailureLimiter::new(10, Duration::from_secs(600))
    }
}

impl FailureLimiter {
    pub fn new(max_failures: usize, window: Duration) -> FailureLimiter {
        FailureLimiter {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn key(address: IpAddr) -> IpAddr {
        match address {
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

    /// False when `address` has used up its failures within the window.
    pub fn allows(&self, address: IpAddr, now: Instant) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match failures.get_mut(&FailureLimiter::key(address)) {
            Some(times) => {
                self.forget_old(times, now);
                times.len() < self.max_failures
            }
            None => true,
        }
    }

    pub fn record_failure(&self, address: IpAddr, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() >= MAX_TRACKED {
            failures.retain(|_, times| {
                self.forget_old(times, now);
                !times.is_empty()
            });
        }
        let key = FailureLimiter::key(address);
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
        let limiter = FailureLimiter::new(3, Duration::from_secs(600));
        let here: IpAddr = "203.0.113.7".parse().unwrap();
        let there: IpAddr = "203.0.113.8".parse().unwrap();
        let start = Instant::now();
        for i in 0..3 {
            assert!(limiter.allows(here, start), "attempt {i}");
            limiter.record_failure(here, start + Duration::from_secs(i));
        }
        assert!(!limiter.allows(here, start + Duration::from_secs(5)));
        assert!(limiter.allows(there, start + Duration::from_secs(5)));
        // The first failure leaves the window: one more attempt is allowed.
        assert!(limiter.allows(here, start + Duration::from_secs(600)));
    }

    #[test]
    fn ipv6_addresses_in_one_64_block_share_a_count() {
        let limiter = FailureLimiter::new(1, Duration::from_secs(600));
        let now = Instant::now();
        limiter.record_failure("2001:db8:1:2::1".parse().unwrap(), now);
        assert!(!limiter.allows("2001:db8:1:2:ffff::9".parse().unwrap(), now));
        assert!(limiter.allows("2001:db8:1:3::1".parse().unwrap(), now));
        limiter.record_failure("::ffff:192.0.2.1".parse().unwrap(), now);
        assert!(!limiter.allows("192.0.2.1".parse().unwrap(), now));
    }

    #[test]
    fn labels_are_trimmed_and_bounded() {
        assert_eq!(
            clean_label("  Téléphone 3 ").as_deref(),
            Some("Téléphone 3")
        );
        assert_eq!(
            clean_label(&"é".repeat(MAX_LABEL_CHARS)).map(|l| l.len()),
            Some(200)
        );
        assert_eq!(clean_label(&"é".repeat(MAX_LABEL_CHARS + 1)), None);
        assert_eq!(clean_label("a\u{1b}[2J"), None);
    }

    #[test]
    fn malformed_requests_are_named_before_any_code_is_looked_up() {
        let good = serde_json::json!({
            "secret": "00".repeat(16), "device_public_key": "11".repeat(32),
            "label": "Téléphone de nuit 3", "app_version": "0.1.0"
        });
        assert!(check(good.to_string().as_bytes()).is_ok());
        for (field, bad) in [
            ("secret", "00".repeat(15)),
            ("secret", "zz".repeat(16)),
            ("device_public_key", "11".repeat(33)),
            ("label", "\u{7}".to_string()),
            ("app_version", "9".repeat(41)),
        ] {
            let mut body = good.clone();
            body[field] = bad.into();
            assert!(
                matches!(check(body.to_string().as_bytes()), Err(EnrollError::Malformed(f)) if f == field),
                "{field}"
            );
        }
        assert!(matches!(check(b"<html>"), Err(EnrollError::Malformed(_))));
    }
}
