//! Dashboard sessions: a random cookie token whose SHA-256 alone is
//! stored, a CSRF token per session, an idle limit and an absolute limit.
//! A disabled supervisor's sessions stop working at their next request.

use crate::server::error::ServerError;
use crate::server::supervisors::SupervisorName;
use data_encoding::BASE64URL_NOPAD;
use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{Connection, OptionalExtension};

/// How long a session lives: since its last use, and since sign-in.
#[derive(Clone, Copy, Debug)]
pub struct Lifetimes {
    pub idle_ms: i64,
    pub max_ms: i64,
}

/// A session as a request sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    /// The supervisor's name as written when the account was made.
    pub name: String,
    pub csrf: String,
}

/// A new session: `token` goes in the cookie and is never stored.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

/// Seen-at is rewritten at most this often, so reading pages does not
/// turn every request into a write.
const TOUCH_EVERY_MS: i64 = 60_000;

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    SystemRandom::new()
        .fill(&mut bytes)
        .expect("the system random source works");
    BASE64URL_NOPAD.encode(&bytes)
}

fn token_hash(token: &str) -> Vec<u8> {
    digest(&SHA256, token.as_bytes()).as_ref().to_vec()
}

/// Starts a session for `name`, an account that was just verified.
pub fn start(conn: &Connection, name: &str, now_ms: i64) -> Result<NewSession, ServerError> {
    let name = SupervisorName::parse(name)
        .map_err(|_| ServerError::Damaged("session for a malformed name".into()))?;
    let key = name.key();
    let session = NewSession {
        token: random_token(),
        csrf: random_token(),
    };
    conn.execute(
        "INSERT INTO sessions (token_sha256, name_key, csrf, created_at, seen_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        (token_hash(&session.token), key, &session.csrf, now_ms),
    )?;
    Ok(session)
}

/// The live session for `token`, or `None` when unknown, expired or its
/// account is disabled (an expired one is deleted on the way).
pub fn find(
    conn: &Connection,
    token: &str,
    now_ms: i64,
    life: Lifetimes,
) -> Result<Option<SessionRow>, ServerError> {
    let hash = token_hash(token);
    let row: Option<(String, String, i64, i64, bool)> = conn
        .query_row(
            "SELECT s.csrf, v.name, s.created_at, s.seen_at, v.disabled_at IS NOT NULL
             FROM sessions s JOIN supervisors v ON v.name_key = s.name_key
             WHERE s.token_sha256 = ?1",
            [&hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((csrf, name, created, seen, disabled)) = row else {
        return Ok(None);
    };
    if disabled || now_ms - seen > life.idle_ms || now_ms - created > life.max_ms {
        conn.execute("DELETE FROM sessions WHERE token_sha256 = ?1", [&hash])?;
        return Ok(None);
    }
    if now_ms - seen > TOUCH_EVERY_MS {
        conn.execute(
            "UPDATE sessions SET seen_at = ?2 WHERE token_sha256 = ?1",
            (&hash, now_ms),
        )?;
    }
    Ok(Some(SessionRow { name, csrf }))
}

/// Ends the session for `token` (sign-out); unknown tokens are ignored.
pub fn end(conn: &Connection, token: &str) -> Result<(), ServerError> {
    conn.execute(
        "DELETE FROM sessions WHERE token_sha256 = ?1",
        [token_hash(token)],
    )?;
    Ok(())
}

/// Forgets sessions past either limit (run now and then).
pub fn sweep(conn: &Connection, now_ms: i64, life: Lifetimes) -> Result<usize, ServerError> {
    Ok(conn.execute(
        "DELETE FROM sessions WHERE seen_at < ?1 OR created_at < ?2",
        (now_ms - life.idle_ms, now_ms - life.max_ms),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::{db, supervisors};

    const LIFE: Lifetimes = Lifetimes {
        idle_ms: 30 * 60_000,
        max_ms: 12 * 3_600_000,
    };

    fn with_supervisor() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = db::open(dir.path()).unwrap();
        let name = SupervisorName::parse("Marie").unwrap();
        let password = supervisors::Password::parse("correct horse battery").unwrap();
        supervisors::create(&conn, &name, &password, 0).unwrap();
        (dir, conn)
    }

    #[test]
    fn a_session_lives_while_used_and_ends_idle_at_the_limit_or_on_sign_out() {
        let (_dir, conn) = with_supervisor();
        let s = start(&conn, "marie", 1_000).unwrap();
        assert_ne!(s.token, s.csrf);
        let found = find(&conn, &s.token, 1_000 + LIFE.idle_ms, LIFE).unwrap();
        assert_eq!(found.as_ref().map(|r| r.name.as_str()), Some("Marie"));
        assert_eq!(found.unwrap().csrf, s.csrf);
        // Used at idle_ms, so still alive almost two idle periods after start.
        assert!(
            find(&conn, &s.token, 1_000 + 2 * LIFE.idle_ms - 1, LIFE)
                .unwrap()
                .is_some()
        );
        assert!(
            find(&conn, &s.token, 1_000 + 4 * LIFE.idle_ms, LIFE)
                .unwrap()
                .is_none()
        );
        // Expired sessions are gone, not just refused.
        let count: i64 = conn
            .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 0);

        let s = start(&conn, "MARIE", 0).unwrap();
        end(&conn, &s.token).unwrap();
        assert!(find(&conn, &s.token, 1, LIFE).unwrap().is_none());
        assert!(find(&conn, "not-a-token", 1, LIFE).unwrap().is_none());
    }

    #[test]
    fn the_absolute_limit_holds_even_for_a_busy_session_and_disabling_ends_it() {
        let (_dir, conn) = with_supervisor();
        let s = start(&conn, "marie", 0).unwrap();
        let mut now = 0;
        while now + LIFE.idle_ms / 2 <= LIFE.max_ms {
            now += LIFE.idle_ms / 2;
            assert!(find(&conn, &s.token, now, LIFE).unwrap().is_some(), "{now}");
        }
        assert!(
            find(&conn, &s.token, LIFE.max_ms + 1, LIFE)
                .unwrap()
                .is_none()
        );

        let s = start(&conn, "marie", 0).unwrap();
        supervisors::disable(&conn, &SupervisorName::parse("marie").unwrap(), 5).unwrap();
        assert!(find(&conn, &s.token, 10, LIFE).unwrap().is_none());
    }

    #[test]
    fn only_the_hash_of_the_token_is_stored() {
        let (_dir, conn) = with_supervisor();
        let s = start(&conn, "marie", 0).unwrap();
        let stored: Vec<u8> = conn
            .query_row("SELECT token_sha256 FROM sessions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored.len(), 32);
        assert!(
            !stored
                .windows(8)
                .any(|w| s.token.as_bytes().windows(8).any(|t| t == w))
        );
    }
}
