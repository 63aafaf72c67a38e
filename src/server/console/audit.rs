//! The audit log: who did what and when in the dashboard (sign-ins,
//! voids, revocations, catalog changes, enrollment codes, exports,
//! re-applies, retention purges). Append-only, except that the retention
//! policy removes entries older than `[retention] audit_months`. No person
//! code or contact content is ever written here, only ids, labels and the
//! reasons supervisors typed.

use crate::server::error::ServerError;
use rusqlite::Connection;

/// What was done. Stored by [`Action::code`], so renaming a variant keeps
/// old entries readable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    SignIn,
    SignInRefused,
    SignOut,
    Void,
    Revoke,
    CatalogChange,
    EnrollCode,
    Export,
    Reapply,
    /// The retention policy destroyed what it no longer allows (see
    /// [`crate::server::retention`]); also written by `tournee admin purge`.
    Purge,
    /// A supervisor recorded what was done about a safety incident.
    FollowUp,
    /// A regional account read the sums the organization is part of (on
    /// a host): written to each member's log, so an organization sees who
    /// read its figures, for which period and how.
    RegionalRead,
}

impl Action {
    pub const ALL: [Action; 12] = [
        Action::SignIn,
        Action::SignInRefused,
        Action::SignOut,
        Action::Void,
        Action::Revoke,
        Action::CatalogChange,
        Action::EnrollCode,
        Action::Export,
        Action::Reapply,
        Action::Purge,
        Action::FollowUp,
        Action::RegionalRead,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::SignIn => "sign_in",
            Action::SignInRefused => "sign_in_refused",
            Action::SignOut => "sign_out",
            Action::Void => "void",
            Action::Revoke => "revoke",
            Action::CatalogChange => "catalog",
            Action::EnrollCode => "enroll_code",
            Action::Export => "export",
            Action::Reapply => "reapply",
            Action::Purge => "purge",
            Action::FollowUp => "follow_up",
            Action::RegionalRead => "regional_read",
        }
    }

    pub fn parse(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub at_ms: i64,
    pub actor: String,
    /// `None` for a code this program does not know (a newer version wrote it).
    pub action: Option<Action>,
    pub target: String,
    pub detail: String,
}

pub fn record(
    conn: &Connection,
    actor: &str,
    action: Action,
    target: &str,
    detail: &str,
    now_ms: i64,
) -> Result<(), ServerError> {
    conn.execute(
        "INSERT INTO audit (at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        (now_ms, actor, action.code(), target, detail),
    )?;
    Ok(())
}

/// One page of the log, newest first, and the total number of entries.
pub fn page(conn: &Connection, offset: u32, limit: u32) -> Result<(Vec<Entry>, u64), ServerError> {
    let total: i64 = conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))?;
    let mut statement = conn.prepare(
        "SELECT at, actor, action, target, detail FROM audit ORDER BY id DESC LIMIT ?1 OFFSET ?2",
    )?;
    let entries = statement
        .query_map((limit, offset), |r| {
            Ok(Entry {
                at_ms: r.get(0)?,
                actor: r.get(1)?,
                action: Action::parse(&r.get::<_, String>(2)?),
                target: r.get(3)?,
                detail: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((entries, total as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_come_back_newest_first_with_their_action_and_total() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::server::db::open(dir.path()).unwrap();
        record(&conn, "Marie", Action::SignIn, "", "", 1).unwrap();
        record(&conn, "Marie", Action::Revoke, "Téléphone 3", "", 2).unwrap();
        record(&conn, "Luc", Action::Void, "0190…", "doublon", 3).unwrap();
        let (first, total) = page(&conn, 0, 2).unwrap();
        assert_eq!(total, 3);
        assert_eq!(first.len(), 2);
        assert_eq!(first[0].action, Some(Action::Void));
        assert_eq!(first[0].detail, "doublon");
        assert_eq!(first[1].target, "Téléphone 3");
        let (rest, _) = page(&conn, 2, 2).unwrap();
        assert_eq!(rest[0].action, Some(Action::SignIn));
        for action in Action::ALL {
            assert_eq!(Action::parse(action.code()), Some(action));
        }
    }
}
