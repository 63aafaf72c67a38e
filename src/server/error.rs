//! What can go wrong in the server's files and database, and what to tell
//! the supervisor. Errors about one envelope or one enrollment live beside
//! their logic ([`super::ingest`], [`super::enroll`]).

use crate::domain::i18n::{Lang, Msg, tr};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("the server's database schema {found} is newer than this program's {supported}")]
    Newer { found: i64, supported: i64 },
    #[error("the server's keys are damaged: {0}")]
    Keys(String),
    /// The host key file does not fit the host's database, or is unreadable.
    #[error("the host key does not fit: {0}")]
    HostKey(String),
    #[error("the server's database is damaged: {0}")]
    Damaged(String),
    #[error("no device {0} is enrolled")]
    UnknownDevice(Uuid),
    #[error("organization {0} is not hosted here")]
    UnknownOrg(Uuid),
    #[error("an enrollment code lasts at most {max} hours")]
    Ttl { max: u32 },
    #[error("a label has at most {max} characters")]
    Label { max: usize },
    #[error("not a hand-delivery file: {0}")]
    HandFile(crate::domain::wire::WireError),
    #[error("no system randomness")]
    Random,
    #[error("storage error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database error: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("the database does not answer: {0}")]
    Unreachable(String),
    #[error("an organization's slug has 2 to {max} lowercase letters, digits or hyphens")]
    BadSlug { slug: String, max: usize },
    #[error("an organization's name has 1 to {max} characters")]
    OrgName { max: usize },
    #[error("organization {0} already exists")]
    SlugTaken(String),
    #[error("no organization {0} is hosted here")]
    UnknownSlug(String),
    #[error("no server data in {0}")]
    NoDataDir(String),
    #[error("organization {0} is already hosted here")]
    OrgHosted(String),
    #[error("{value} is not a host name")]
    BadHostName { value: String },
    #[error("the host name {0} already names an organization")]
    HostNameTaken(String),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("report template {0}")]
    Template(#[from] crate::domain::report::template::TemplateError),
}

impl ServerError {
    /// True when the person can fix it by typing something else (the CLI's
    /// exit code 2); false when the server's files or the machine failed.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            ServerError::UnknownDevice(_)
                | ServerError::Ttl { .. }
                | ServerError::Label { .. }
                | ServerError::HandFile(_)
                | ServerError::Template(_)
                | ServerError::BadSlug { .. }
                | ServerError::BadHostName { .. }
                | ServerError::NoDataDir(_)
                | ServerError::OrgHosted(_)
                | ServerError::HostNameTaken(_)
                | ServerError::OrgName { .. }
                | ServerError::SlugTaken(_)
                | ServerError::UnknownSlug(_)
        )
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            ServerError::Newer { found, .. } => tr(lang, Msg::ServerNewer, &[("value", found)]),
            ServerError::Keys(why) => tr(lang, Msg::ServerKeysDamaged, &[("value", why)]),
            ServerError::HostKey(why) => tr(lang, Msg::ServerHostKey, &[("value", why)]),
            ServerError::Damaged(why) => tr(lang, Msg::ServerStorage, &[("value", why)]),
            ServerError::UnknownDevice(id) => tr(lang, Msg::ServerUnknownDevice, &[("value", id)]),
            ServerError::UnknownOrg(id) => tr(lang, Msg::ServerUnknownOrg, &[("value", id)]),
            ServerError::Ttl { max } => tr(lang, Msg::ServerBadTtl, &[("max", max)]),
            ServerError::Label { max } => tr(lang, Msg::ServerLabelTooLong, &[("max", max)]),
            ServerError::HandFile(why) => tr(lang, Msg::ServerBadHandFile, &[("value", why)]),
            ServerError::Random => tr(lang, Msg::ServerStorage, &[("value", &self)]),
            ServerError::Sqlite(e) => tr(lang, Msg::ServerStorage, &[("value", e)]),
            ServerError::Postgres(e) => tr(lang, Msg::ServerStorage, &[("value", e)]),
            ServerError::Unreachable(why) => {
                tr(lang, Msg::ServerDatabaseUnreachable, &[("value", why)])
            }
            ServerError::BadSlug { slug, max } => {
                tr(lang, Msg::ServerBadSlug, &[("value", slug), ("max", max)])
            }
            ServerError::OrgName { max } => tr(lang, Msg::ServerOrgName, &[("max", max)]),
            ServerError::SlugTaken(slug) => tr(lang, Msg::ServerSlugTaken, &[("value", slug)]),
            ServerError::UnknownSlug(slug) => tr(lang, Msg::ServerUnknownSlug, &[("value", slug)]),
            ServerError::NoDataDir(path) => tr(lang, Msg::ReportNoData, &[("path", path)]),
            ServerError::OrgHosted(id) => tr(lang, Msg::ServerOrgHosted, &[("value", id)]),
            ServerError::BadHostName { value } => {
                tr(lang, Msg::ServerBadHostName, &[("value", value)])
            }
            ServerError::HostNameTaken(name) => {
                tr(lang, Msg::ServerHostNameTaken, &[("value", name)])
            }
            ServerError::Io(e) => tr(lang, Msg::ServerStorage, &[("value", e)]),
            ServerError::Template(e) => tr(lang, Msg::ServerBadTemplate, &[("value", e)]),
        }
    }
}
