//! Supervisor accounts: the people who will sign in to the dashboard. This
//! module owns their names, their passwords' storage and the check of a
//! password; `tournee admin create-supervisor` makes them and the dashboard
//! (a later issue) calls [`verify`].
//!
//! Only PBKDF2-HMAC-SHA256 of a password is stored (ring, a random 16-byte
//! salt per account, [`PBKDF2_ITERATIONS`]), never the password. A check
//! costs the same whether the name exists, is disabled or is unknown, so
//! the time of an answer does not tell which names exist.

use super::error::ServerError;
use crate::domain::i18n::{Lang, Msg, tr};
use ring::pbkdf2;
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{Connection, OptionalExtension, params};
use std::num::NonZeroU32;
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// OWASP's 2023 figure for PBKDF2-HMAC-SHA256, as for the device PIN. A
/// stored hash with fewer is refused: it can only be a downgrade.
pub const PBKDF2_ITERATIONS: u32 = 600_000;
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Far above any passphrase; keeps a pasted file out of the hash.
pub const MAX_PASSWORD_CHARS: usize = 1024;
pub const MAX_NAME_CHARS: usize = 64;
const SALT_LEN: usize = 16;
const HASH_LEN: usize = 32;
const ALGORITHM: pbkdf2::Algorithm = pbkdf2::PBKDF2_HMAC_SHA256;

#[derive(Debug, thiserror::Error)]
pub enum SupervisorError {
    #[error("a supervisor's name has 1 to {max} characters and no control characters")]
    BadName { max: usize },
    #[error("a password has at least {min} characters")]
    ShortPassword { min: usize },
    #[error("a password has at most {max} characters")]
    LongPassword { max: usize },
    #[error("a supervisor named {0} already exists")]
    Exists(String),
    #[error("no supervisor is named {0}")]
    Unknown(String),
    #[error(transparent)]
    Server(#[from] ServerError),
}

impl From<rusqlite::Error> for SupervisorError {
    fn from(e: rusqlite::Error) -> SupervisorError {
        SupervisorError::Server(ServerError::Sqlite(e))
    }
}

impl SupervisorError {
    /// True when the person can fix it by typing something else.
    pub fn is_user_error(&self) -> bool {
        match self {
            SupervisorError::Server(e) => e.is_user_error(),
            _ => true,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            SupervisorError::BadName { max } => tr(lang, Msg::SupervisorBadName, &[("max", max)]),
            SupervisorError::ShortPassword { min } => {
                tr(lang, Msg::PasswordTooShort, &[("min", min)])
            }
            SupervisorError::LongPassword { max } => {
                tr(lang, Msg::PasswordTooLong, &[("max", max)])
            }
            SupervisorError::Exists(name) => tr(lang, Msg::SupervisorExists, &[("value", name)]),
            SupervisorError::Unknown(name) => tr(lang, Msg::SupervisorUnknown, &[("value", name)]),
            SupervisorError::Server(e) => e.message(lang),
        }
    }
}

/// A supervisor's name: trimmed, 1 to 64 characters, no control characters
/// (it is shown in terminals and pages). Two names that differ only in
/// capitals or in Unicode spelling are one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupervisorName {
    shown: String,
    key: String,
}

impl SupervisorName {
    pub fn parse(text: &str) -> Result<SupervisorName, SupervisorError> {
        let shown = text.trim();
        let length = shown.chars().count();
        if !(1..=MAX_NAME_CHARS).contains(&length) || shown.chars().any(char::is_control) {
            return Err(SupervisorError::BadName {
                max: MAX_NAME_CHARS,
            });
        }
        Ok(SupervisorName {
            shown: shown.to_string(),
            key: fold(shown),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.shown
    }

    /// The folded form accounts are looked up by.
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// The form a name is unique in. SQLite's NOCASE folds ASCII only, and
/// "Émilie" must clash with "émilie"; NFKC also merges look-alike spellings.
fn fold(name: &str) -> String {
    name.nfkc().collect::<String>().to_lowercase()
}

/// A password being set: 12 to 1024 characters, wiped from memory when
/// dropped (a copy too).
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<hidden>)")
    }
}

impl Password {
    pub fn parse(text: &str) -> Result<Password, SupervisorError> {
        let length = text.chars().count();
        if length < MIN_PASSWORD_CHARS {
            return Err(SupervisorError::ShortPassword {
                min: MIN_PASSWORD_CHARS,
            });
        }
        if length > MAX_PASSWORD_CHARS {
            return Err(SupervisorError::LongPassword {
                max: MAX_PASSWORD_CHARS,
            });
        }
        Ok(Password(Zeroizing::new(text.to_string())))
    }
}

/// An account as `list-supervisors` shows it; no password material.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupervisorRow {
    pub name: String,
    pub created_at_ms: i64,
    pub disabled_at_ms: Option<i64>,
}

impl SupervisorRow {
    pub fn disabled(&self) -> bool {
        self.disabled_at_ms.is_some()
    }
}

fn iterations(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).expect("the iteration count is a positive constant")
}

/// What an account stores of its password, whatever the backend: a new
/// random salt, the iteration count and the PBKDF2 hash.
pub struct NewSecret {
    pub salt: [u8; SALT_LEN],
    pub iterations: u32,
    pub hash: [u8; HASH_LEN],
}

/// Derives `password`'s stored form (the slow part of making an account),
/// before any database is touched.
pub fn new_secret(password: &Password) -> Result<NewSecret, ServerError> {
    let mut salt = [0u8; SALT_LEN];
    SystemRandom::new()
        .fill(&mut salt)
        .map_err(|_| ServerError::Random)?;
    let mut hash = [0u8; HASH_LEN];
    pbkdf2::derive(
        ALGORITHM,
        iterations(PBKDF2_ITERATIONS),
        &salt,
        password.0.as_bytes(),
        &mut hash,
    );
    Ok(NewSecret {
        salt,
        iterations: PBKDF2_ITERATIONS,
        hash,
    })
}

/// Stores a new account. The hash is computed before the database is
/// touched, so a slow derivation never holds the write lock.
pub fn create(
    conn: &Connection,
    name: &SupervisorName,
    password: &Password,
    now_ms: i64,
) -> Result<(), SupervisorError> {
    let secret = new_secret(password)?;
    let added = conn.execute(
        "INSERT INTO supervisors (name_key, name, salt, iterations, hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (name_key) DO NOTHING",
        params![
            name.key,
            name.shown,
            secret.salt,
            secret.iterations,
            secret.hash,
            now_ms
        ],
    )?;
    if added == 0 {
        let existing: String = conn.query_row(
            "SELECT name FROM supervisors WHERE name_key = ?1",
            [&name.key],
            |row| row.get(0),
        )?;
        return Err(SupervisorError::Exists(existing));
    }
    tracing::info!(supervisor = %name.shown, "supervisor account created");
    Ok(())
}

/// Disables an account: it can no longer sign in. Disabling twice keeps
/// the first time. Accounts are never deleted, so a name cannot be taken
/// over by someone else later.
pub fn disable(
    conn: &Connection,
    name: &SupervisorName,
    now_ms: i64,
) -> Result<(), SupervisorError> {
    let changed = conn.execute(
        "UPDATE supervisors SET disabled_at = COALESCE(disabled_at, ?2) WHERE name_key = ?1",
        params![name.key, now_ms],
    )?;
    if changed == 0 {
        return Err(SupervisorError::Unknown(name.shown.clone()));
    }
    Ok(())
}

/// Every account, oldest first.
pub fn list(conn: &Connection) -> Result<Vec<SupervisorRow>, ServerError> {
    let mut statement = conn.prepare(
        "SELECT name, created_at, disabled_at FROM supervisors ORDER BY created_at, name_key",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(SupervisorRow {
            name: row.get(0)?,
            created_at_ms: row.get(1)?,
            disabled_at_ms: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Stands in for the hash of a name that does not exist, so that checking
/// it costs one full derivation like a real one. No password derives to it
/// except by a 2^-256 chance, and even then the name is still refused.
const DUMMY_SALT: [u8; SALT_LEN] = *b"tournee-no-user!";
const DUMMY_HASH: [u8; HASH_LEN] = [0; HASH_LEN];

/// What a password is checked against: an account's salt, iteration
/// count, hash and state, or `None` for a name with no account.
pub struct StoredSecret(Option<(Vec<u8>, u32, Vec<u8>, bool)>);

impl StoredSecret {
    /// An account's secret as a backend read it (salt, iterations, hash,
    /// disabled), or `None` for a name with no account: [`check`] then
    /// runs the dummy derivation.
    pub fn new(stored: Option<(Vec<u8>, u32, Vec<u8>, bool)>) -> StoredSecret {
        StoredSecret(stored)
    }
}

/// The key a typed name's account is looked up by; none for a name no
/// account can have (it then gets the dummy secret, like an unknown one).
pub fn lookup_key(name: &str) -> Option<String> {
    SupervisorName::parse(name).ok().map(|n| n.key)
}

/// Reads `name`'s stored secret: a quick lookup, so that the slow
/// derivation in [`check`] can run without holding the database.
pub fn stored_secret(conn: &Connection, name: &str) -> Result<StoredSecret, ServerError> {
    let key = lookup_key(name);
    let stored = match &key {
        Some(key) => conn
            .query_row(
                "SELECT salt, iterations, hash, disabled_at IS NOT NULL
                 FROM supervisors WHERE name_key = ?1",
                [key],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .optional()?,
        None => None,
    };
    Ok(StoredSecret(stored))
}

/// True only when the secret is an active account's and `password` is its
/// password. Unknown, disabled and malformed names cost the same time as
/// a wrong password (one PBKDF2 run, compared in constant time by ring).
pub fn check(secret: &StoredSecret, password: &str) -> Result<bool, ServerError> {
    let Some((salt, rounds, hash, disabled)) = &secret.0 else {
        let _ = pbkdf2::verify(
            ALGORITHM,
            iterations(PBKDF2_ITERATIONS),
            &DUMMY_SALT,
            password.as_bytes(),
            &DUMMY_HASH,
        );
        return Ok(false);
    };
    if *rounds < PBKDF2_ITERATIONS {
        return Err(ServerError::Damaged(format!(
            "a supervisor password stored with only {rounds} iterations"
        )));
    }
    let matches = pbkdf2::verify(
        ALGORITHM,
        iterations(*rounds),
        salt,
        password.as_bytes(),
        hash,
    )
    .is_ok();
    // A disabled account is checked like any other, then refused, so its
    // answer takes no less time than an active one's.
    Ok(matches && !disabled)
}

/// [`stored_secret`] then [`check`], for callers that may hold the
/// connection that long (the CLI).
pub fn verify(conn: &Connection, name: &str, password: &str) -> Result<bool, ServerError> {
    check(&stored_secret(conn, name)?, password)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn conn() -> (tempfile::TempDir, Connection) {
        let data = tempfile::tempdir().unwrap();
        let conn = crate::server::db::open(data.path()).unwrap();
        (data, conn)
    }

    fn password(text: &str) -> Password {
        Password::parse(text).unwrap()
    }

    #[test]
    fn names_are_trimmed_bounded_and_free_of_control_characters() {
        let name = SupervisorName::parse("  Émilie Gagnon ").unwrap();
        assert_eq!(name.as_str(), "Émilie Gagnon");
        assert!(SupervisorName::parse(&"é".repeat(MAX_NAME_CHARS)).is_ok());
        for bad in [
            "",
            "   ",
            &"é".repeat(MAX_NAME_CHARS + 1),
            "a\u{1b}[2J",
            "a\nb",
        ] {
            assert!(
                matches!(
                    SupervisorName::parse(bad),
                    Err(SupervisorError::BadName { max: 64 })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_password_under_twelve_characters_is_refused_and_its_debug_hides_it() {
        assert!(matches!(
            Password::parse("onze-carac."),
            Err(SupervisorError::ShortPassword { min: 12 })
        ));
        let ok = password("douze-caract");
        assert_eq!(format!("{ok:?}"), "Password(<hidden>)");
        assert!(Password::parse(&"x".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
    }

    #[test]
    fn the_right_password_verifies_and_a_wrong_one_does_not() {
        let (_data, conn) = conn();
        let name = SupervisorName::parse("Émilie").unwrap();
        create(&conn, &name, &password("tuque rouge en hiver"), 1).unwrap();
        assert!(verify(&conn, "Émilie", "tuque rouge en hiver").unwrap());
        assert!(verify(&conn, " émilie ", "tuque rouge en hiver").unwrap());
        assert!(!verify(&conn, "Émilie", "tuque rouge en hiveR").unwrap());
        assert!(!verify(&conn, "Émilie", "").unwrap());
    }

    #[test]
    fn names_differing_only_in_capitals_or_unicode_spelling_are_one_account() {
        let (_data, conn) = conn();
        let composed = SupervisorName::parse("Émilie").unwrap();
        create(&conn, &composed, &password("tuque rouge en hiver"), 1).unwrap();
        for same in ["ÉMILIE", "E\u{301}milie"] {
            let name = SupervisorName::parse(same).unwrap();
            assert!(
                matches!(
                    create(&conn, &name, &password("autre mot de passe"), 2),
                    Err(SupervisorError::Exists(existing)) if existing == "Émilie"
                ),
                "{same:?}"
            );
        }
        assert_eq!(list(&conn).unwrap().len(), 1);
    }

    #[test]
    fn a_disabled_account_no_longer_verifies_and_unknown_names_cannot_be_disabled() {
        let (_data, conn) = conn();
        let name = SupervisorName::parse("Marc").unwrap();
        create(&conn, &name, &password("tuque rouge en hiver"), 1).unwrap();
        disable(&conn, &name, 5).unwrap();
        disable(&conn, &name, 9).unwrap();
        assert!(!verify(&conn, "Marc", "tuque rouge en hiver").unwrap());
        assert_eq!(list(&conn).unwrap()[0].disabled_at_ms, Some(5));
        let nobody = SupervisorName::parse("Personne").unwrap();
        assert!(matches!(
            disable(&conn, &nobody, 5),
            Err(SupervisorError::Unknown(_))
        ));
    }

    /// The fastest of a few runs: other tests share the two cores, and the
    /// minimum is the run that was least disturbed.
    fn fastest(mut check: impl FnMut()) -> Duration {
        (0..3)
            .map(|_| {
                let start = Instant::now();
                check();
                start.elapsed()
            })
            .min()
            .unwrap()
    }

    #[test]
    fn an_unknown_name_takes_a_full_derivation_like_a_known_one() {
        let (_data, conn) = conn();
        let name = SupervisorName::parse("Émilie").unwrap();
        create(&conn, &name, &password("tuque rouge en hiver"), 1).unwrap();
        let known = fastest(|| assert!(!verify(&conn, "Émilie", "mauvais mot de passe").unwrap()));
        let unknown =
            fastest(|| assert!(!verify(&conn, "Inconnu", "mauvais mot de passe").unwrap()));
        let malformed = fastest(|| assert!(!verify(&conn, "", "mauvais mot de passe").unwrap()));
        // Without the dummy derivation an unknown name answers about a
        // thousand times faster; a factor of 3 leaves room for noise.
        for (what, took) in [("unknown", unknown), ("malformed", malformed)] {
            assert!(
                took * 3 >= known,
                "{what} name answered in {took:?}, a known one in {known:?}"
            );
        }
    }
}
