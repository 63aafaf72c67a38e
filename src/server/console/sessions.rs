//! Dashboard sessions: a random cookie token whose SHA-256 alone is
//! stored, a CSRF token per session, an idle limit and an absolute limit.
//! A disabled supervisor's sessions stop working at their next request.
//! Before sign-in, [`PreTokens`] make the sign-in form's token: only this
//! server can make one, so a value a client chose is refused.

use crate::server::error::ServerError;
use crate::server::supervisors::SupervisorName;
use data_encoding::BASE64URL_NOPAD;
use ring::digest::{SHA256, digest};
use ring::hmac;
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

/// 256 random bits as 43 URL-safe characters.
pub fn random_token() -> Result<String, ServerError> {
    let mut bytes = [0u8; 32];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| ServerError::Random)?;
    Ok(BASE64URL_NOPAD.encode(&bytes))
}

/// Makes and checks the sign-in form's token (double submit: the form
/// and a cookie carry it). A token is 16 random bytes and the time it
/// ends, signed with HMAC-SHA256 under a key drawn when the server
/// starts: the server keeps nothing per token, and a restart only turns
/// forms left open into "this form has expired".
pub struct PreTokens {
    key: hmac::Key,
}

const PRE_NONCE: usize = 16;
const PRE_BODY: usize = PRE_NONCE + 8;
const PRE_LEN: usize = PRE_BODY + 32;
/// Said inside every signature, so this key signs nothing else.
const PRE_CONTEXT: &[u8] = b"tournee sign-in form v1";

impl PreTokens {
    pub fn new() -> Result<PreTokens, ServerError> {
        let key = hmac::Key::generate(hmac::HMAC_SHA256, &SystemRandom::new())
            .map_err(|_| ServerError::Random)?;
        Ok(PreTokens { key })
    }

    /// A new token, good until `until_ms`.
    pub fn issue(&self, until_ms: i64) -> Result<String, ServerError> {
        let mut body = [0u8; PRE_BODY];
        SystemRandom::new()
            .fill(&mut body[..PRE_NONCE])
            .map_err(|_| ServerError::Random)?;
        body[PRE_NONCE..].copy_from_slice(&until_ms.to_be_bytes());
        let tag = hmac::sign(&self.key, &[PRE_CONTEXT, &body].concat());
        Ok(BASE64URL_NOPAD.encode(&[&body[..], tag.as_ref()].concat()))
    }

    /// Whether `token` was made by [`PreTokens::issue`] here and has not ended.
    pub fn valid(&self, token: &str, now_ms: i64) -> bool {
        let Ok(bytes) = BASE64URL_NOPAD.decode(token.as_bytes()) else {
            return false;
        };
        if bytes.len() != PRE_LEN {
            return false;
        }
        let (body, tag) = bytes.split_at(PRE_BODY);
        let signed = hmac::verify(&self.key, &[PRE_CONTEXT, body].concat(), tag).is_ok();
        let mut until = [0u8; 8];
        until.copy_from_slice(&body[PRE_NONCE..]);
        signed && i64::from_be_bytes(until) > now_ms
    }
}

/// What a session is stored and looked up by: its token's SHA-256, never
/// the token.
pub fn token_hash(token: &str) -> Vec<u8> {
    digest(&SHA256, token.as_bytes()).as_ref().to_vec()
}

/// A new session's tokens for `name`, an account that was just verified,
/// and the account key it is stored under (every backend starts here).
pub fn new_session(name: &str) -> Result<(String, NewSession), ServerError> {
    let name = SupervisorName::parse(name)
        .map_err(|_| ServerError::Damaged("session for a malformed name".into()))?;
    let session = NewSession {
        token: random_token()?,
        csrf: random_token()?,
    };
    Ok((name.key().to_string(), session))
}

/// Starts a session for `name`, an account that was just verified.
pub fn start(conn: &Connection, name: &str, now_ms: i64) -> Result<NewSession, ServerError> {
    let (key, session) = new_session(name)?;
    conn.execute(
        "INSERT INTO sessions (token_sha256, name_key, csrf, created_at, seen_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        (token_hash(&session.token), key, &session.csrf, now_ms),
    )?;
    Ok(session)
}

/// What becomes of a stored session when a request shows its token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Past a limit or its account disabled: deleted, and refused.
    End,
    /// Live, used recently enough that its seen-at stays as it is.
    Live,
    /// Live, and its seen-at is rewritten to now.
    Touch,
}

impl Verdict {
    /// The rule every backend follows for a session made at `created_ms`
    /// and last seen at `seen_ms`.
    pub fn of(
        created_ms: i64,
        seen_ms: i64,
        disabled: bool,
        now_ms: i64,
        life: Lifetimes,
    ) -> Verdict {
        if disabled || now_ms - seen_ms > life.idle_ms || now_ms - created_ms > life.max_ms {
            Verdict::End
        } else if now_ms - seen_ms > TOUCH_EVERY_MS {
            Verdict::Touch
        } else {
            Verdict::Live
        }
    }
}

impl Lifetimes {
    /// The sweep's bounds at `now_ms`: sessions last seen before the
    /// first or made before the second are past a limit.
    pub fn sweep_before(&self, now_ms: i64) -> (i64, i64) {
        (now_ms - self.idle_ms, now_ms - self.max_ms)
    }
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
    match Verdict::of(created, seen, disabled, now_ms, life) {
        Verdict::End => {
            conn.execute("DELETE FROM sessions WHERE token_sha256 = ?1", [&hash])?;
            return Ok(None);
        }
        Verdict::Touch => {
            conn.execute(
                "UPDATE sessions SET seen_at = ?2 WHERE token_sha256 = ?1",
                (&hash, now_ms),
            )?;
        }
        Verdict::Live => {}
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
        life.sweep_before(now_ms),
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
    fn a_sign_in_form_token_is_good_only_from_this_server_and_until_it_ends() {
        let here = PreTokens::new().unwrap();
        let token = here.issue(10_000).unwrap();
        assert!(here.valid(&token, 9_999));
        assert!(!here.valid(&token, 10_000), "ended");
        // Another server (or this one after a restart) made a different key.
        assert!(!PreTokens::new().unwrap().valid(&token, 0));
        // A value the client chose, even of the right shape, is refused.
        let chosen = BASE64URL_NOPAD.encode(&[7u8; PRE_LEN]);
        assert!(!here.valid(&chosen, 0));
        assert!(!here.valid(&random_token().unwrap(), 0));
        assert!(!here.valid("", 0));
        // Moving the end further away breaks the signature.
        let mut bytes = BASE64URL_NOPAD.decode(token.as_bytes()).unwrap();
        bytes[PRE_NONCE] ^= 0x40;
        assert!(!here.valid(&BASE64URL_NOPAD.encode(&bytes), 0));
        assert_ne!(here.issue(10_000).unwrap(), token, "each one is new");
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
