//! Moving one organization's data directory into a regional host
//! (`tournee admin migrate --from DATA_DIR --to URL --org SLUG`): its keys
//! (the same organization id, signing key, sealing epochs and pseudonym
//! key, so its phones keep syncing and its people keep their pseudonyms)
//! and every table, column for column, in one transaction on the host:
//! all or nothing, each table's row count checked before the commit.
//!
//! The data directory is read inside a write transaction of its own, so a
//! server still running on it cannot change it meanwhile; it is left as
//! it was (nothing is deleted there). Sessions are not moved: supervisors
//! sign in again on the host.

use super::error::ServerError;
use super::keys::KeyMaterial;
use super::store::postgres::PgHost;
use super::store::slug::Slug;
use rusqlite::types::ValueRef;
use std::path::Path;
use uuid::Uuid;

/// How a column is written on the host.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A 16-byte id (a BLOB in SQLite, a uuid on the host).
    Id,
    Bytes,
    Text,
    Int,
    /// A flag kept as an integer (`voided`).
    Small,
}

/// One value, `None` for SQL NULL.
#[derive(Clone, Debug)]
pub enum Cell {
    Id(Option<Uuid>),
    Bytes(Option<Vec<u8>>),
    Text(Option<String>),
    Int(Option<i64>),
    Small(Option<i32>),
}

/// A table's columns, each with how it is written on the host.
pub type Columns = &'static [(&'static str, Kind)];

/// One table's rows, in the columns named.
pub struct Table {
    pub name: &'static str,
    pub columns: Columns,
    pub rows: Vec<Vec<Cell>>,
}

use Kind::{Bytes as B, Id as U, Int as I, Small as S, Text as T};

/// Every table moved, parents first, with the order its rows keep (the
/// audit log and the alerts keep their order through new ids).
pub const TABLES: &[(&str, Columns, &str)] = &[
    (
        "devices",
        &[
            ("device_id", U),
            ("public_key", B),
            ("label", T),
            ("app_version", T),
            ("enrolled_at", I),
            ("revoked_at", I),
            ("last_seen_at", I),
        ],
        "device_id",
    ),
    (
        "enroll_codes",
        &[
            ("secret_sha256", B),
            ("label", T),
            ("created_at", I),
            ("expires_at", I),
            ("used_at", I),
            ("device_id", U),
        ],
        "created_at, secret_sha256",
    ),
    (
        "envelopes",
        &[
            ("device_id", U),
            ("seq", I),
            ("batch_id", U),
            ("sha256", B),
            ("bytes", B),
            ("received_at", I),
            ("applied_at", I),
            ("quarantined_at", I),
            ("quarantine_reason", T),
            ("header", B),
            ("signature", B),
            ("receipt", B),
            ("purged_at", I),
        ],
        "device_id, seq",
    ),
    (
        "alerts",
        &[
            ("kind", T),
            ("device_id", U),
            ("seq", I),
            ("stored_sha256", B),
            ("offered_sha256", B),
            ("offered_batch_id", U),
            ("created_at", I),
            ("repeats", I),
            ("last_at", I),
        ],
        "id",
    ),
    (
        "contacts",
        &[
            ("record_id", U),
            ("device_id", U),
            ("month", T),
            ("facts", T),
            ("voided", S),
            ("occurred_at", I),
            ("void_reason", T),
        ],
        "record_id",
    ),
    (
        "voids",
        &[("record_id", U), ("target", U), ("device_id", U)],
        "record_id",
    ),
    (
        "events",
        &[
            ("record_id", U),
            ("device_id", U),
            ("kind", T),
            ("month", T),
            ("day", T),
            ("occurred_at", I),
            ("ended_at", I),
            ("facts", T),
            ("voided", S),
        ],
        "record_id",
    ),
    (
        "incident_followups",
        &[
            ("record_id", U),
            ("action", T),
            ("supervisor", T),
            ("at", I),
        ],
        "record_id",
    ),
    (
        "rollups",
        &[
            ("month", T),
            ("dim", T),
            ("key", T),
            ("contacts", I),
            ("people", I),
            ("quantity", I),
        ],
        "month, dim, key",
    ),
    (
        "day_rollups",
        &[
            ("day", T),
            ("dim", T),
            ("key", T),
            ("contacts", I),
            ("people", I),
            ("quantity", I),
        ],
        "day, dim, key",
    ),
    (
        "person_days",
        &[("pseudonym", B), ("day", T), ("contacts", I)],
        "pseudonym, day",
    ),
    (
        "person_months",
        &[("pseudonym", B), ("month", T), ("contacts", I)],
        "pseudonym, month",
    ),
    (
        "person_quarters",
        &[("pseudonym", B), ("quarter", T), ("contacts", I)],
        "pseudonym, quarter",
    ),
    (
        "person_years",
        &[("pseudonym", B), ("fiscal_year", T), ("contacts", I)],
        "pseudonym, fiscal_year",
    ),
    ("pseudonyms_before_purge", &[("pseudonym", B)], "pseudonym"),
    (
        "supervisors",
        &[
            ("name_key", T),
            ("name", T),
            ("salt", B),
            ("iterations", I),
            ("hash", B),
            ("created_at", I),
            ("disabled_at", I),
        ],
        "created_at, name_key",
    ),
    (
        "audit",
        &[
            ("at", I),
            ("actor", T),
            ("action", T),
            ("target", T),
            ("detail", T),
        ],
        "id",
    ),
];

/// What a data directory holds, read in one transaction.
pub struct Export {
    pub keys: KeyMaterial,
    /// The `settings` rows; the catalog among them.
    pub settings: Vec<(String, String)>,
    pub tables: Vec<Table>,
}

/// Reads `data_dir` without changing it (it must be one: nothing is made).
pub fn export(data_dir: &Path) -> Result<Export, ServerError> {
    let path = super::db::path_in(data_dir);
    if !path.exists() {
        return Err(ServerError::NoDataDir(data_dir.display().to_string()));
    }
    let keys = KeyMaterial::read(data_dir)?;
    // Brings an older release's file to this one's schema first, as a
    // start would.
    let mut conn = super::db::open(data_dir)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let settings = tx
        .prepare("SELECT name, value FROM settings ORDER BY name")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut tables = Vec::new();
    for (name, columns, order) in TABLES {
        let list: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        let mut statement = tx.prepare(&format!(
            "SELECT {} FROM {name} ORDER BY {order}",
            list.join(", ")
        ))?;
        let mut found = statement.query([])?;
        let mut rows = Vec::new();
        while let Some(row) = found.next()? {
            let mut cells = Vec::with_capacity(columns.len());
            for (i, (column, kind)) in columns.iter().enumerate() {
                cells.push(cell(row.get_ref(i)?, *kind).ok_or_else(|| {
                    ServerError::Damaged(format!("{name}.{column} does not hold what it should"))
                })?);
            }
            rows.push(cells);
        }
        tables.push(Table {
            name,
            columns,
            rows,
        });
    }
    Ok(Export {
        keys,
        settings,
        tables,
    })
}

fn cell(value: ValueRef<'_>, kind: Kind) -> Option<Cell> {
    Some(match (kind, value) {
        (Kind::Id, ValueRef::Null) => Cell::Id(None),
        (Kind::Id, ValueRef::Blob(b)) => Cell::Id(Some(Uuid::from_slice(b).ok()?)),
        (Kind::Bytes, ValueRef::Null) => Cell::Bytes(None),
        (Kind::Bytes, ValueRef::Blob(b)) => Cell::Bytes(Some(b.to_vec())),
        (Kind::Text, ValueRef::Null) => Cell::Text(None),
        (Kind::Text, ValueRef::Text(t)) => Cell::Text(Some(String::from_utf8(t.to_vec()).ok()?)),
        (Kind::Int, ValueRef::Null) => Cell::Int(None),
        (Kind::Int, ValueRef::Integer(n)) => Cell::Int(Some(n)),
        (Kind::Small, ValueRef::Integer(n)) => Cell::Small(Some(i32::try_from(n).ok()?)),
        _ => return None,
    })
}

/// What was moved: rows per table.
pub type Moved = Vec<(&'static str, u64)>;

/// Moves `data_dir`'s organization into the host at `url` as `slug`.
pub async fn migrate(data_dir: &Path, url: &str, slug: &Slug) -> Result<Moved, ServerError> {
    let export = export(data_dir)?;
    let host = PgHost::connect(url).await?;
    host.import_org(slug, &export, crate::server::now_ms())
        .await
}
