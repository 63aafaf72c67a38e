//! Enrollment codes made from the dashboard: the code and its audit entry
//! (the label, never the code) are written together.

use super::audit::{self, Action};
use crate::domain::wire::enroll::EnrollCode;
use crate::server::enroll;
use crate::server::error::ServerError;
use crate::server::keys::ServerKeys;
use rusqlite::{Connection, TransactionBehavior};

/// A new code's text (`ABCDEF-GHIJKL-…`) and when it expires.
pub struct NewCode {
    pub text: String,
    pub expires_ms: i64,
}

impl NewCode {
    /// What the dashboard shows of `code`, made at `now_ms` to last
    /// `ttl_hours` (every backend answers this).
    pub fn of(code: &EnrollCode, ttl_hours: u32, now_ms: i64) -> NewCode {
        NewCode {
            text: code.to_text(),
            expires_ms: now_ms + i64::from(ttl_hours) * 3_600_000,
        }
    }
}

/// A new code's audit target and detail: its label and how long it
/// lasts, never the code.
pub fn audit_entry(label: &str, ttl_hours: u32) -> (&str, String) {
    (label.trim(), format!("{ttl_hours} h"))
}

pub fn create(
    conn: &mut Connection,
    keys: &ServerKeys,
    actor: &str,
    label: &str,
    ttl_hours: u32,
    now_ms: i64,
) -> Result<NewCode, ServerError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let code = enroll::create_code(&tx, keys, label, ttl_hours, now_ms)?;
    let (target, detail) = audit_entry(label, ttl_hours);
    audit::record(&tx, actor, Action::EnrollCode, target, &detail, now_ms)?;
    tx.commit()?;
    Ok(NewCode::of(&code, ttl_hours, now_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_logged_by_its_label_only() {
        let dir = tempfile::tempdir().unwrap();
        let keys = ServerKeys::load_or_create(dir.path()).unwrap();
        let mut conn = crate::server::db::open(dir.path()).unwrap();
        let code = create(&mut conn, &keys, "Marie", " Téléphone 4 ", 24, 1_000).unwrap();
        assert_eq!(code.expires_ms, 1_000 + 24 * 3_600_000);
        let (log, _) = audit::page(&conn, 0, 1).unwrap();
        assert_eq!(log[0].action, Some(Action::EnrollCode));
        assert_eq!(log[0].target, "Téléphone 4");
        assert!(!log[0].detail.contains(&code.text[..6]));
        assert!(matches!(
            create(&mut conn, &keys, "Marie", "x", enroll::MAX_TTL_HOURS + 1, 0),
            Err(ServerError::Ttl { .. })
        ));
        let (_, total) = audit::page(&conn, 0, 1).unwrap();
        assert_eq!(total, 1);
    }
}
