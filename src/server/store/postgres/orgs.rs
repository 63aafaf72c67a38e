//! The organizations a host serves and each one's keys: an Ed25519
//! signing key (receipts, catalogs, enrollment bundles), its X25519
//! sealing epochs and its pseudonym key, all made from the system's
//! randomness when the organization is created, so none can be derived
//! from another organization's. The keys are rows of the host's database,
//! wrapped with the host's key ([`super::host_key`]), read at each start
//! of a call that needs them: a rotation takes effect without a restart.

use super::PgHost;
use crate::domain::Catalog;
use crate::domain::crypto::hpke;
use crate::domain::crypto::sign::Signer;
use crate::server::error::ServerError;
use crate::server::keys::ServerKeys;
use crate::server::pseudonym::PseudonymKey;
use crate::server::store::OrgId;
use crate::server::store::slug::{HostName, Slug, org_name};
use ring::rand::{SecureRandom, SystemRandom};
use tokio_postgres::{Client, Row};
use uuid::Uuid;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

/// One organization as the host lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgRow {
    pub id: OrgId,
    pub slug: Slug,
    pub name: String,
    pub created_at_ms: i64,
}

fn org_row(row: &Row) -> Result<OrgRow, ServerError> {
    let slug: String = row.get("slug");
    Ok(OrgRow {
        id: OrgId(row.get("org_id")),
        slug: Slug::parse(&slug).map_err(|_| ServerError::Damaged(format!("slug {slug}")))?,
        name: row.get("name"),
        created_at_ms: row.get("created_at"),
    })
}

/// The roles the host key wraps an organization's keys under.
pub(super) const SIGNING: &str = "signing";
pub(super) const PSEUDONYM: &str = "pseudonym";

/// A sealing epoch's role: its kid is bound in.
pub(super) fn sealing_role(kid: &[u8]) -> String {
    format!("sealing {}", hex::encode(kid))
}

/// A new epoch's secret and its kid.
fn new_sealing_secret() -> Result<(Zeroizing<[u8; 32]>, [u8; 8]), ServerError> {
    let secret = hpke::generate_static_secret().map_err(|_| ServerError::Random)?;
    let kid = crate::domain::wire::envelope::kid(PublicKey::from(&secret).as_bytes());
    Ok((Zeroizing::new(secret.to_bytes()), kid))
}

impl PgHost {
    /// Makes the host key this database's: keeps its check on the first
    /// connect, refuses another key after that, and wraps the keys of any
    /// organization a host before schema 5 stored bare, in one
    /// transaction.
    pub(super) async fn adopt_key(&self, client: &mut Client) -> Result<(), ServerError> {
        let key = self.host_key();
        let tx = client.transaction().await?;
        tx.execute(
            "INSERT INTO host_key_check (sealed) VALUES ($1) ON CONFLICT DO NOTHING",
            &[&key.check()?],
        )
        .await?;
        let check: Vec<u8> = tx
            .query_one("SELECT sealed FROM host_key_check", &[])
            .await?
            .get(0);
        if !key.opens_check(&check) {
            return Err(ServerError::HostKey(format!(
                "{} is not the key this database's keys are wrapped with, ${}",
                key.path().display(),
                super::host_key::ENV
            )));
        }
        let bare = tx
            .query(
                "SELECT org_id, signing_pkcs8, pseudonym_key FROM organizations
                 WHERE NOT keys_wrapped FOR UPDATE",
                &[],
            )
            .await?;
        for org in &bare {
            let id: Uuid = org.get(0);
            let signing = key.wrap(id, SIGNING, org.get(1))?;
            let pseudonym = key.wrap(id, PSEUDONYM, org.get(2))?;
            tx.execute(
                "UPDATE organizations SET signing_pkcs8 = $2, pseudonym_key = $3, keys_wrapped = true
                 WHERE org_id = $1",
                &[&id, &signing, &pseudonym],
            )
            .await?;
            for epoch in tx
                .query(
                    "SELECT kid, secret FROM sealing_keys WHERE org_id = $1",
                    &[&id],
                )
                .await?
            {
                let kid: Vec<u8> = epoch.get(0);
                let secret = key.wrap(id, &sealing_role(&kid), epoch.get(1))?;
                tx.execute(
                    "UPDATE sealing_keys SET secret = $3 WHERE org_id = $1 AND kid = $2",
                    &[&id, &kid, &secret],
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Creates an organization with keys of its own and the default
    /// Québec catalog. Nothing is written when the slug is taken.
    pub async fn create_org(
        &self,
        slug: &Slug,
        name: &str,
        now_ms: i64,
    ) -> Result<OrgRow, ServerError> {
        let name = org_name(name)?;
        let (_, pkcs8) = Signer::generate().map_err(|_| ServerError::Random)?;
        let pkcs8 = Zeroizing::new(pkcs8);
        let mut pseudonym = Zeroizing::new([0u8; 32]);
        SystemRandom::new()
            .fill(pseudonym.as_mut())
            .map_err(|_| ServerError::Random)?;
        let (sealing, kid) = new_sealing_secret()?;
        let catalog =
            serde_json::to_string(&Catalog::default_quebec()).expect("catalog serializes");
        let id = Uuid::now_v7();
        let key = self.host_key();
        let signing = key.wrap(id, SIGNING, &pkcs8)?;
        let pseudonym = key.wrap(id, PSEUDONYM, pseudonym.as_slice())?;
        let sealing = key.wrap(id, &sealing_role(&kid), sealing.as_slice())?;

        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let created = tx
            .execute(
                "INSERT INTO organizations
                     (org_id, slug, name, created_at, signing_pkcs8, pseudonym_key, catalog, keys_wrapped)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, true)
                 ON CONFLICT (slug) DO NOTHING",
                &[&id, &slug.as_str(), &name, &now_ms, &signing, &pseudonym, &catalog],
            )
            .await?;
        if created == 0 {
            return Err(ServerError::SlugTaken(slug.to_string()));
        }
        tx.execute(
            "INSERT INTO sealing_keys (org_id, kid, secret, created_at, current)
             VALUES ($1, $2, $3, $4, true)",
            &[&id, &kid.as_slice(), &sealing, &now_ms],
        )
        .await?;
        tx.commit().await?;
        Ok(OrgRow {
            id: OrgId(id),
            slug: slug.clone(),
            name,
            created_at_ms: now_ms,
        })
    }

    /// Every organization hosted, oldest first.
    pub async fn orgs(&self) -> Result<Vec<OrgRow>, ServerError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT org_id, slug, name, created_at FROM organizations
                 ORDER BY created_at, slug",
                &[],
            )
            .await?;
        rows.iter().map(org_row).collect()
    }

    /// The organization `--org SLUG` names.
    pub async fn org(&self, slug: &Slug) -> Result<OrgRow, ServerError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT org_id, slug, name, created_at FROM organizations WHERE slug = $1",
                &[&slug.as_str()],
            )
            .await?
            .ok_or_else(|| ServerError::UnknownSlug(slug.to_string()))?;
        org_row(&row)
    }

    /// An organization's keys: signing, every sealing epoch (the current
    /// one first) and pseudonyms.
    pub async fn keys(&self, org: OrgId) -> Result<(ServerKeys, PseudonymKey), ServerError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT name, signing_pkcs8, pseudonym_key FROM organizations WHERE org_id = $1",
                &[&org.0],
            )
            .await?
            .ok_or(ServerError::UnknownOrg(org.0))?;
        let key = self.host_key();
        let pkcs8 = key.unwrap(org.0, SIGNING, row.get("signing_pkcs8"))?;
        let pseudonym = key.unwrap(org.0, PSEUDONYM, row.get("pseudonym_key"))?;
        let pseudonym: &[u8; 32] = pseudonym
            .as_slice()
            .try_into()
            .map_err(|_| ServerError::Keys(format!("pseudonym key of {org}")))?;
        let epochs = client
            .query(
                "SELECT kid, secret FROM sealing_keys WHERE org_id = $1
                 ORDER BY current DESC, created_at DESC, kid",
                &[&org.0],
            )
            .await?;
        let mut sealing = Vec::with_capacity(epochs.len());
        for epoch in &epochs {
            let kid: Vec<u8> = epoch.get("kid");
            let secret = key.unwrap(org.0, &sealing_role(&kid), epoch.get("secret"))?;
            let bytes: [u8; 32] = secret
                .as_slice()
                .try_into()
                .map_err(|_| ServerError::Keys(format!("sealing key of {org}")))?;
            // A kid edited by hand must not make the host hand out a key
            // it cannot open.
            let public = PublicKey::from(&StaticSecret::from(bytes));
            if kid != crate::domain::wire::envelope::kid(public.as_bytes()) {
                return Err(ServerError::Keys(format!("sealing key kid of {org}")));
            }
            sealing.push(bytes);
        }
        let keys = ServerKeys::from_parts(org.0, row.get("name"), &pkcs8, &sealing);
        sealing.iter_mut().for_each(zeroize::Zeroize::zeroize);
        Ok((keys?, PseudonymKey::from_bytes(pseudonym)))
    }

    /// Adds a sealing epoch and makes it current; returns its kid. Phones
    /// get the new key at their next enrollment or sync; batches sealed
    /// to an older epoch still open.
    pub async fn rotate_sealing_key(
        &self,
        org: OrgId,
        now_ms: i64,
    ) -> Result<[u8; 8], ServerError> {
        let (secret, kid) = new_sealing_secret()?;
        let secret = self
            .host_key()
            .wrap(org.0, &sealing_role(&kid), secret.as_slice())?;
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let known = tx
            .execute(
                "UPDATE sealing_keys SET current = false WHERE org_id = $1 AND current",
                &[&org.0],
            )
            .await?;
        if known == 0 {
            return Err(ServerError::UnknownOrg(org.0));
        }
        tx.execute(
            "INSERT INTO sealing_keys (org_id, kid, secret, created_at, current)
             VALUES ($1, $2, $3, $4, true)",
            &[&org.0, &kid.as_slice(), &secret, &now_ms],
        )
        .await?;
        tx.commit().await?;
        Ok(kid)
    }

    /// Serves `org` at `name` too; a name already serving an organization
    /// is refused, never moved.
    pub async fn add_name(&self, org: OrgId, name: &HostName) -> Result<(), ServerError> {
        let client = self.client().await?;
        let added = client
            .execute(
                "INSERT INTO org_names (name, org_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&name.as_str(), &org.0],
            )
            .await?;
        if added == 0 {
            return Err(ServerError::HostNameTaken(name.to_string()));
        }
        Ok(())
    }

    /// The organization served at `name`, if any.
    pub async fn org_named(&self, name: &HostName) -> Result<Option<OrgRow>, ServerError> {
        let client = self.client().await?;
        client
            .query_opt(
                "SELECT o.org_id, o.slug, o.name, o.created_at
                 FROM org_names n JOIN organizations o USING (org_id) WHERE n.name = $1",
                &[&name.as_str()],
            )
            .await?
            .map(|row| org_row(&row))
            .transpose()
    }

    /// The host names `org` is served at, in order.
    pub async fn names(&self, org: OrgId) -> Result<Vec<HostName>, ServerError> {
        let client = self.client().await?;
        client
            .query(
                "SELECT name FROM org_names WHERE org_id = $1 ORDER BY name",
                &[&org.0],
            )
            .await?
            .iter()
            .map(|row| {
                let name: &str = row.get(0);
                HostName::parse(name).map_err(|_| ServerError::Damaged(format!("host name {name}")))
            })
            .collect()
    }
}
