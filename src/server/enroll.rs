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
    let (code, row) = new_code(keys, label, ttl_hours, now_ms)?;
    queries::insert_code(conn, &row.secret_sha256, &row.label, now_ms, row.expires_ms)?;
    Ok(code)
}

/// What a backend stores of a new code: never its secret.
pub struct CodeRow {
    pub secret_sha256: [u8; 32],
    pub label: String,
    pub expires_ms: i64,
}

/// A new one-time code for `keys`' organization, checked, and the row
/// that stands for it (every backend starts here).
pub fn new_code(
    keys: &ServerKeys,
    label: &str,
    ttl_hours: u32,
    now_ms: i64,
) -> Result<(EnrollCode, CodeRow), ServerError> {
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
    let row = CodeRow {
        secret_sha256: sha256(&secret),
        label,
        expires_ms: now_ms + i64::from(ttl_hours) * HOUR_MS,
    };
    let code = EnrollCode {
        secret,
        fingerprint_prefix,
    };
    Ok((code, row))
}

/// The digest a code's secret is stored and looked up by.
pub fn secret_sha256(secret: &[u8; SECRET_LEN]) -> [u8; 32] {
    sha256(secret)
}

/// What a request carries once checked.
pub struct Checked {
    pub secret: [u8; SECRET_LEN],
    pub public_key: [u8; 32],
    pub label: String,
    pub app_version: String,
}

fn hex_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    hex::decode(text).ok()?.try_into().ok()
}

/// A `POST /api/v1/enroll` body checked, before any code is looked up.
pub fn check(body: &[u8]) -> Result<Checked, EnrollError> {
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
    Ok(signed_bundle(keys, device_id, catalog, now_ms))
}

/// The bundle a newly enrolled device gets, signed with its
/// organization's key.
pub fn signed_bundle(
    keys: &ServerKeys,
    device_id: Uuid,
    catalog: crate::domain::Catalog,
    now_ms: i64,
) -> serde_json::Value {
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
    sign_json(keys.signer(), Purpose::Enrollment, "bundle", &bundle)
}

#[cfg(test)]
mod tests {
    use super::*;

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
