//! Enrollment: the device's identity key and what it knows of its server,
//! sealed in the store like everything else.

use super::error::StoreError;
use super::store::{Store, put_sealed};
use super::sync::{Client, StoreAccess};
use super::sync_error::SyncError;
use crate::domain::Catalog;
use crate::domain::crypto::sign::Signer;
use crate::domain::wire::enroll::{EnrollCode, EnrollRequest, SealingKey, Signed, verify_bundle};
use crate::domain::wire::envelope::kid;
use crate::domain::wire::server_address::ServerAddress;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

const ENROLLMENT: &str = "enrollment";
const IDENTITY: &str = "identity";

/// What the device keeps from its enrollment bundle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Enrollment {
    pub server_url: String,
    pub org_id: Uuid,
    pub org_name: String,
    pub device_id: Uuid,
    pub label: String,
    /// Hex of the server's Ed25519 public key.
    pub server_signing_key: String,
    /// The current sealing key first.
    pub sealing_keys: Vec<SealingKey>,
    pub enrolled_at: String,
    #[serde(default)]
    pub revoked: bool,
}

impl Enrollment {
    pub fn signing_key(&self) -> Result<Vec<u8>, StoreError> {
        hex::decode(&self.server_signing_key).map_err(|_| StoreError::Damaged("server key".into()))
    }

    /// The current sealing key and its id.
    pub fn sealing_key(&self) -> Result<([u8; 8], [u8; 32]), StoreError> {
        let key = self
            .sealing_keys
            .first()
            .ok_or_else(|| StoreError::Damaged("no sealing key".into()))?;
        let public: [u8; 32] = hex::decode(&key.public_key)
            .ok()
            .and_then(|k| k.try_into().ok())
            .ok_or_else(|| StoreError::Damaged("sealing key".into()))?;
        Ok((kid(&public), public))
    }
}

impl Store {
    pub fn enrollment(&self) -> Result<Option<Enrollment>, StoreError> {
        self.value(ENROLLMENT)
    }

    pub(super) fn identity(&self) -> Result<Signer, StoreError> {
        let pkcs8: Zeroizing<Vec<u8>> = Zeroizing::new(
            self.value::<Vec<u8>>(IDENTITY)?
                .ok_or_else(|| StoreError::Damaged("no identity key".into()))?,
        );
        Signer::from_pkcs8(&pkcs8).map_err(|_| StoreError::Damaged("identity key".into()))
    }

    pub(super) fn put_enrollment(&mut self, enrollment: &Enrollment) -> Result<(), StoreError> {
        self.put_value(ENROLLMENT, enrollment)
    }

    /// Keeps the enrollment, the identity key and the catalog together.
    fn save_enrollment(
        &mut self,
        enrollment: &Enrollment,
        identity: &[u8],
        catalog: &Catalog,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        put_sealed(&tx, &self.key, ENROLLMENT, enrollment)?;
        put_sealed(&tx, &self.key, IDENTITY, &identity.to_vec())?;
        put_sealed(&tx, &self.key, "catalog", catalog)?;
        tx.commit()?;
        Ok(())
    }
}

/// Enrolls this device with the server at `server_url` using a code from
/// a supervisor. The server's bundle is trusted only if its signing key
/// matches the fingerprint carried by the code and its signature verifies.
pub async fn enroll(
    store: &mut impl StoreAccess,
    client: &Client,
    server_url: &str,
    code_text: &str,
    label: &str,
) -> Result<Enrollment, SyncError> {
    let server_url = ServerAddress::parse(server_url).map_err(SyncError::BadAddress)?;
    if store.with(|store| store.enrollment())?.is_some() {
        return Err(SyncError::AlreadyEnrolled);
    }
    let code = EnrollCode::parse(code_text).ok_or(SyncError::BadCode)?;
    let (signer, pkcs8) = Signer::generate()
        .map_err(|_| SyncError::Store(StoreError::Damaged("no randomness".into())))?;
    let pkcs8 = Zeroizing::new(pkcs8);
    let request = EnrollRequest {
        secret: hex::encode(code.secret),
        device_public_key: hex::encode(signer.public_key()),
        label: label.to_string(),
        app_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let server_url = server_url.as_str().to_string();
    let signed: Signed = client.enroll(&server_url, &request).await?;
    let bundle = verify_bundle(&signed, &code).map_err(|_| SyncError::WrongServer)?;
    bundle
        .catalog
        .validate()
        .map_err(|e| SyncError::NotTournee(e.to_string()))?;
    let enrollment = Enrollment {
        server_url,
        org_id: bundle.org_id,
        org_name: bundle.org_name,
        device_id: bundle.device_id,
        label: label.to_string(),
        server_signing_key: bundle.server_signing_key,
        sealing_keys: bundle.sealing_keys,
        enrolled_at: chrono::Utc::now().to_rfc3339(),
        revoked: false,
    };
    enrollment
        .sealing_key()
        .map_err(|_| SyncError::NotTournee("the bundle has no usable sealing key".into()))?;
    store.with(|store| store.save_enrollment(&enrollment, &pkcs8, &bundle.catalog))?;
    Ok(enrollment)
}
