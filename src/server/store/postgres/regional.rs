//! Regional accounts on the host: accounts the host's administrator makes
//! for a regional reader (public health, a regroupement), each bound to a
//! list of member organizations, their passwords and their sessions, and
//! the one thing they may read: their members' tallies
//! ([`PgHost::region_tallies`]), which the regional site sums and
//! suppresses (`domain::report::regional`) before anyone sees them. No
//! statement here reads a record, a pseudonym or a phone. Each read of
//! the figures is written to every member's own audit log.
//!
//! Names, passwords, secrets and session tokens follow the supervisors'
//! rules and code ([`supervisors`], [`sessions`]), in tables of their own
//! (schema migration 3): a regional session is never an organization's,
//! nor the reverse.

use super::PgHost;
use super::audit;
use super::orgs::OrgRow;
use crate::domain::catalog::{Catalog, Section};
use crate::domain::report::{Period, Tally};
use crate::server::console::audit::Action;
use crate::server::console::sessions::{self, Lifetimes, NewSession, Verdict};
use crate::server::error::ServerError;
use crate::server::store::slug::Slug;
use crate::server::supervisors::{self, Password, StoredSecret, SupervisorName};

/// Why an account change was refused (nothing written).
#[derive(Debug, PartialEq, Eq)]
pub enum RegionRefusal {
    /// An account of that name exists (its name as written then).
    Exists(String),
    /// No account has that name.
    Unknown(String),
    /// No organization of the host has that slug.
    UnknownOrg(String),
    /// An account sees at least one organization.
    NoMember,
}

/// A regional account as listed: never password material.
#[derive(Clone, Debug)]
pub struct RegionRow {
    pub name: String,
    pub created_at_ms: i64,
    pub disabled_at_ms: Option<i64>,
    /// Its member organizations' slugs, in byte order.
    pub members: Vec<String>,
}

/// A live regional session.
#[derive(Clone, Debug)]
pub struct RegionSession {
    /// The account's name as written when it was made.
    pub name: String,
    /// The account's key, which its reads go by.
    pub key: String,
    pub csrf: String,
}

/// A region's report for one period: its members, and their tallies of
/// the period (with comparisons) and of the two comparison periods (for
/// the comparison columns), member by member in the order of `members`.
pub struct RegionFigures {
    pub members: Vec<OrgRow>,
    pub this: Vec<Tally>,
    pub previous: Vec<Tally>,
    pub last_year: Vec<Tally>,
    /// The members' catalogs merged, for labels only: the first member's,
    /// then the items only another has.
    pub catalog: Catalog,
}

impl PgHost {
    /// Makes a regional account over `members` (slugs), once every slug
    /// is known. The hash is derived before a connection is taken.
    pub async fn create_region(
        &self,
        name: &SupervisorName,
        password: &Password,
        members: &[Slug],
        now_ms: i64,
    ) -> Result<Result<(), RegionRefusal>, ServerError> {
        if members.is_empty() {
            return Ok(Err(RegionRefusal::NoMember));
        }
        let mut ids = Vec::with_capacity(members.len());
        for slug in members {
            match self.org(slug).await {
                Ok(row) => ids.push(row.id),
                Err(ServerError::UnknownSlug(_)) => {
                    return Ok(Err(RegionRefusal::UnknownOrg(slug.as_str().to_string())));
                }
                Err(other) => return Err(other),
            }
        }
        let secret = supervisors::new_secret(password)?;
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let added = tx
            .execute(
                "INSERT INTO regional_accounts (name_key, name, salt, iterations, hash, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name_key) DO NOTHING",
                &[
                    &name.key(),
                    &name.as_str(),
                    &secret.salt.as_slice(),
                    &i64::from(secret.iterations),
                    &secret.hash.as_slice(),
                    &now_ms,
                ],
            )
            .await?;
        if added == 0 {
            let existing: String = tx
                .query_one(
                    "SELECT name FROM regional_accounts WHERE name_key = $1",
                    &[&name.key()],
                )
                .await?
                .get(0);
            return Ok(Err(RegionRefusal::Exists(existing)));
        }
        for id in ids {
            tx.execute(
                "INSERT INTO regional_members (name_key, org_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
                &[&name.key(), &id.0],
            )
            .await?;
        }
        tx.commit().await?;
        tracing::info!(region = %name.as_str(), "regional account created");
        Ok(Ok(()))
    }

    /// Disables a regional account: no sign-in any more, and its sessions
    /// end at their next request. Disabling twice keeps the first time.
    pub async fn disable_region(
        &self,
        name: &SupervisorName,
        now_ms: i64,
    ) -> Result<Result<(), RegionRefusal>, ServerError> {
        let client = self.client().await?;
        let changed = client
            .execute(
                "UPDATE regional_accounts SET disabled_at = coalesce(disabled_at, $2)
                 WHERE name_key = $1",
                &[&name.key(), &now_ms],
            )
            .await?;
        if changed == 0 {
            return Ok(Err(RegionRefusal::Unknown(name.as_str().to_string())));
        }
        Ok(Ok(()))
    }

    /// Every regional account, oldest first, with its members' slugs.
    pub async fn regions(&self) -> Result<Vec<RegionRow>, ServerError> {
        let client = self.client().await?;
        // "C": ties and slugs in byte order, as elsewhere on the host.
        let rows = client
            .query(
                "SELECT a.name, a.created_at, a.disabled_at,
                        coalesce(array_agg(o.slug ORDER BY o.slug COLLATE \"C\")
                                 FILTER (WHERE o.slug IS NOT NULL), '{}')
                 FROM regional_accounts a
                 LEFT JOIN regional_members m ON m.name_key = a.name_key
                 LEFT JOIN organizations o ON o.org_id = m.org_id
                 GROUP BY a.name_key, a.name, a.created_at, a.disabled_at
                 ORDER BY a.created_at, a.name_key COLLATE \"C\"",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|row| RegionRow {
                name: row.get(0),
                created_at_ms: row.get(1),
                disabled_at_ms: row.get(2),
                members: row.get(3),
            })
            .collect())
    }

    /// What a password typed for `name` is checked against; the dummy
    /// secret when no regional account has that name, so both cost one
    /// full derivation.
    pub async fn region_secret(&self, name: &str) -> Result<StoredSecret, ServerError> {
        let Some(key) = supervisors::lookup_key(name) else {
            return Ok(StoredSecret::new(None));
        };
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT salt, iterations, hash, disabled_at IS NOT NULL FROM regional_accounts
                 WHERE name_key = $1",
                &[&key],
            )
            .await?;
        super::accounts::secret_of(row.as_ref(), "a regional account's iteration count")
    }

    /// Starts a session for `name`, an account just verified, first
    /// deleting the regional sessions past a limit.
    pub async fn start_region_session(
        &self,
        name: &str,
        life: Lifetimes,
        now_ms: i64,
    ) -> Result<NewSession, ServerError> {
        let (key, session) = sessions::new_session(name)?;
        let (seen_before, made_before) = life.sweep_before(now_ms);
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "DELETE FROM regional_sessions WHERE seen_at < $1 OR created_at < $2",
            &[&seen_before, &made_before],
        )
        .await?;
        tx.execute(
            "INSERT INTO regional_sessions (token_sha256, name_key, csrf, created_at, seen_at)
             VALUES ($1, $2, $3, $4, $4)",
            &[
                &sessions::token_hash(&session.token),
                &key,
                &session.csrf,
                &now_ms,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(session)
    }

    /// The live regional session for a cookie's token, its idle time
    /// renewed; `None` when unknown (an organization's token included),
    /// expired or its account disabled (an ended one is deleted).
    pub async fn find_region_session(
        &self,
        token: &str,
        now_ms: i64,
        life: Lifetimes,
    ) -> Result<Option<RegionSession>, ServerError> {
        let hash = sessions::token_hash(token);
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT s.csrf, a.name, s.created_at, s.seen_at, a.disabled_at IS NOT NULL,
                        a.name_key
                 FROM regional_sessions s JOIN regional_accounts a ON a.name_key = s.name_key
                 WHERE s.token_sha256 = $1",
                &[&hash],
            )
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        match Verdict::of(row.get(2), row.get(3), row.get(4), now_ms, life) {
            Verdict::End => {
                client
                    .execute(
                        "DELETE FROM regional_sessions WHERE token_sha256 = $1",
                        &[&hash],
                    )
                    .await?;
                return Ok(None);
            }
            Verdict::Touch => {
                client
                    .execute(
                        "UPDATE regional_sessions SET seen_at = $2 WHERE token_sha256 = $1",
                        &[&hash, &now_ms],
                    )
                    .await?;
            }
            Verdict::Live => {}
        }
        Ok(Some(RegionSession {
            name: row.get(1),
            csrf: row.get(0),
            key: row.get(5),
        }))
    }

    /// Ends the regional session for `token` (sign-out).
    pub async fn end_region_session(&self, token: &str) -> Result<(), ServerError> {
        let client = self.client().await?;
        client
            .execute(
                "DELETE FROM regional_sessions WHERE token_sha256 = $1",
                &[&sessions::token_hash(token)],
            )
            .await?;
        Ok(())
    }

    /// The member organizations of the account keyed `account`, by slug.
    pub async fn region_members(&self, account: &str) -> Result<Vec<OrgRow>, ServerError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT o.slug FROM regional_members m
                 JOIN organizations o ON o.org_id = m.org_id
                 WHERE m.name_key = $1 ORDER BY o.slug COLLATE \"C\"",
                &[&account],
            )
            .await?;
        drop(client);
        let mut members = Vec::with_capacity(rows.len());
        for row in rows {
            let slug = Slug::parse(row.get::<_, &str>(0))?;
            members.push(self.org(&slug).await?);
        }
        Ok(members)
    }

    /// The exact tallies of the period (with comparisons) of the account's
    /// members, and of theirs only: what the region's figures are summed
    /// from. Never shown as they are.
    pub async fn region_tallies(
        &self,
        account: &str,
        period: Period,
    ) -> Result<Vec<Tally>, ServerError> {
        let mut tallies = Vec::new();
        for org in self.region_members(account).await? {
            tallies.push(self.tally(org.id, period).await?);
        }
        Ok(tallies)
    }

    /// Everything the region's report is made from, for the account keyed
    /// `account`; the read is written to each member's audit log (`read`
    /// says who and how) before the figures are handed out.
    pub async fn region_figures(
        &self,
        account: &str,
        read: &RegionRead<'_>,
        period: Period,
    ) -> Result<RegionFigures, ServerError> {
        let members = self.region_members(account).await?;
        let mut figures = RegionFigures {
            this: Vec::with_capacity(members.len()),
            previous: Vec::with_capacity(members.len()),
            last_year: Vec::with_capacity(members.len()),
            catalog: Catalog::default_quebec(),
            members: Vec::new(),
        };
        let mut catalogs = Vec::with_capacity(members.len());
        for org in &members {
            figures.this.push(self.tally(org.id, period).await?);
            figures
                .previous
                .push(self.figures(org.id, period.previous()).await?);
            figures
                .last_year
                .push(self.figures(org.id, period.a_year_before()).await?);
            catalogs.push(self.catalog(org.id).await?);
        }
        if let Some(merged) = merge(catalogs) {
            figures.catalog = merged;
        }
        // All the members' entries or none: a read is logged whole.
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let target = period.to_string();
        for org in &members {
            audit::record(
                &*tx,
                org.id,
                read.account,
                Action::RegionalRead,
                &target,
                read.how,
                read.now_ms,
            )
            .await?;
        }
        tx.commit().await?;
        figures.members = members;
        Ok(figures)
    }
}

/// A regional account's read, as its members' audit logs keep it: the
/// account's name, how it read (`page`, `print`, `csv`, `spreadsheet
/// csv`), and when.
pub struct RegionRead<'a> {
    pub account: &'a str,
    pub how: &'a str,
    pub now_ms: i64,
}

/// The first catalog with every item only a later one has appended, so
/// that every key of the region's sums has a label.
fn merge(catalogs: Vec<Catalog>) -> Option<Catalog> {
    let mut all = catalogs.into_iter();
    let mut merged = all.next()?;
    for other in all {
        for section in Section::ALL {
            let missing: Vec<_> = other
                .section(section)
                .iter()
                .filter(|e| merged.entry(section, e.id.as_str()).is_none())
                .cloned()
                .collect();
            merged.section_mut(section).extend(missing);
        }
    }
    Some(merged)
}
