//! An organization moved in from a data directory
//! ([`crate::server::migrate`]): its keys become its row and sealing
//! epochs, its settings its catalog and settings, and every table's rows
//! are copied under its id, all in one transaction whose row counts are
//! checked against what was read before it commits.

use super::PgHost;
use super::orgs::{PSEUDONYM, SIGNING, sealing_role};
use crate::server::error::ServerError;
use crate::server::migrate::{Cell, Export, Moved};
use crate::server::store::slug::Slug;
use tokio_postgres::types::ToSql;

/// The catalog's row in a data directory's `settings`.
const CATALOG: &str = "catalog";

impl Cell {
    fn param(&self) -> &(dyn ToSql + Sync) {
        match self {
            Cell::Id(v) => v,
            Cell::Bytes(v) => v,
            Cell::Text(v) => v,
            Cell::Int(v) => v,
            Cell::Small(v) => v,
        }
    }
}

impl PgHost {
    /// Hosts `export`'s organization as `slug`; refused, writing nothing,
    /// when its id or the slug is taken.
    pub async fn import_org(
        &self,
        slug: &Slug,
        export: &Export,
        now_ms: i64,
    ) -> Result<Moved, ServerError> {
        let keys = &export.keys;
        let catalog = export
            .settings
            .iter()
            .find(|(name, _)| name == CATALOG)
            .map(|(_, value)| value.clone())
            .ok_or_else(|| ServerError::Damaged("no catalog".into()))?;
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let org = keys.org_id;
        let taken = tx
            .query_opt(
                "SELECT slug FROM organizations WHERE org_id = $1 OR slug = $2",
                &[&org, &slug.as_str()],
            )
            .await?;
        if let Some(row) = taken {
            let found: String = row.get(0);
            return Err(if found == slug.as_str() {
                ServerError::SlugTaken(found)
            } else {
                ServerError::OrgHosted(org.to_string())
            });
        }
        let key = self.host_key();
        tx.execute(
            "INSERT INTO organizations
                 (org_id, slug, name, created_at, signing_pkcs8, pseudonym_key, catalog, keys_wrapped)
             VALUES ($1, $2, $3, $4, $5, $6, $7, true)",
            &[
                &org,
                &slug.as_str(),
                &keys.org_name,
                &now_ms,
                &key.wrap(org, SIGNING, &keys.signing_pkcs8)?,
                &key.wrap(org, PSEUDONYM, keys.pseudonym.as_slice())?,
                &catalog,
            ],
        )
        .await?;
        for (i, secret) in keys.sealing.iter().enumerate() {
            let public = x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(**secret));
            let kid = crate::domain::wire::envelope::kid(public.as_bytes());
            tx.execute(
                "INSERT INTO sealing_keys (org_id, kid, secret, created_at, current)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &org,
                    &kid.as_slice(),
                    &key.wrap(org, &sealing_role(&kid), secret.as_slice())?,
                    &now_ms,
                    &(i == 0),
                ],
            )
            .await?;
        }
        for (name, value) in export.settings.iter().filter(|(n, _)| n != CATALOG) {
            tx.execute(
                "INSERT INTO org_settings (org_id, name, value) VALUES ($1, $2, $3)",
                &[&org, name, value],
            )
            .await?;
        }
        let mut moved = Moved::new();
        for table in &export.tables {
            let names: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
            let marks: Vec<String> = (2..=names.len() + 1).map(|n| format!("${n}")).collect();
            let insert = tx
                .prepare(&format!(
                    "INSERT INTO {} (org_id, {}) VALUES ($1, {})",
                    table.name,
                    names.join(", "),
                    marks.join(", ")
                ))
                .await?;
            for row in &table.rows {
                let mut params: Vec<&(dyn ToSql + Sync)> = vec![&org];
                params.extend(row.iter().map(Cell::param));
                tx.execute(&insert, &params).await?;
            }
            let count: i64 = tx
                .query_one(
                    &format!("SELECT count(*) FROM {} WHERE org_id = $1", table.name),
                    &[&org],
                )
                .await?
                .get(0);
            if count as usize != table.rows.len() {
                return Err(ServerError::Damaged(format!(
                    "{}: {} rows read, {count} written",
                    table.name,
                    table.rows.len()
                )));
            }
            moved.push((table.name, count as u64));
        }
        tx.commit().await?;
        Ok(moved)
    }
}
