//! The server's long-term keys and identity, as files under `DATA/keys/`:
//! the Ed25519 signing key (`signing.pk8`, ring PKCS#8), one X25519 sealing
//! key per epoch (`seal/<kid hex>.key`, the 32 secret bytes) and the
//! organization (`org.json`: id, name, current sealing kid).
//!
//! The directory is made complete under a temporary name and then renamed
//! into place, so a crash during the first start never leaves half a set of
//! keys that a later start would mistake for the real one. A new epoch is
//! added by dropping another `seal/` file and pointing `current_kid` at it
//! ([`super::key_changes`], `tournee admin rotate-seal-key`); old files
//! stay so late batches still open.

use super::error::ServerError;
use crate::domain::crypto::hpke;
use crate::domain::crypto::sign::{self, Signer};
use crate::domain::wire::envelope::kid;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use uuid::Uuid;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

pub const DEFAULT_ORG_NAME: &str = "Organisme de démonstration";
pub(super) const KEYS_DIR: &str = "keys";
const STAGING_PREFIX: &str = "keys.new-";
const SIGNING_FILE: &str = "signing.pk8";
pub(super) const ORG_FILE: &str = "org.json";
pub(super) const SEAL_DIR: &str = "seal";
const SEAL_SUFFIX: &str = ".key";

/// One epoch's X25519 sealing key.
pub struct SealingKey {
    pub kid: [u8; 8],
    pub public: [u8; 32],
    secret: StaticSecret,
}

impl SealingKey {
    pub(super) fn from_secret(secret: StaticSecret) -> SealingKey {
        let public = *PublicKey::from(&secret).as_bytes();
        SealingKey {
            kid: kid(&public),
            public,
            secret,
        }
    }

    /// For the apply step, which opens stored envelopes.
    pub fn secret(&self) -> &StaticSecret {
        &self.secret
    }
}

#[derive(Serialize, Deserialize)]
pub(super) struct OrgFile {
    pub(super) org_id: Uuid,
    pub(super) org_name: String,
    /// Hex of the kid devices seal to now.
    pub(super) current_kid: String,
}

pub struct ServerKeys {
    pub org_id: Uuid,
    pub org_name: String,
    signer: Signer,
    /// The current key first, then older epochs.
    sealing: Vec<SealingKey>,
}

impl std::fmt::Debug for ServerKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerKeys")
            .field("org_id", &self.org_id)
            .field("fingerprint", &hex::encode(self.fingerprint()))
            .finish_non_exhaustive()
    }
}

impl ServerKeys {
    /// Loads the keys under `data_dir`, creating them on the first start.
    pub fn load_or_create(data_dir: &Path) -> Result<ServerKeys, ServerError> {
        make_private_dir(data_dir)?;
        let dir = data_dir.join(KEYS_DIR);
        if !dir.exists() {
            remove_stale_staging(data_dir)?;
            let staging = data_dir.join(format!("{STAGING_PREFIX}{}", Uuid::now_v7()));
            create_in(&staging)?;
            std::fs::rename(&staging, &dir)?;
            sync_dir(data_dir)?;
        }
        load(&dir)
    }

    /// The keys as a host's database keeps them: the signing key's PKCS#8
    /// and each sealing epoch's 32 secret bytes, the current one first.
    pub fn from_parts(
        org_id: Uuid,
        org_name: String,
        signing_pkcs8: &[u8],
        sealing: &[[u8; 32]],
    ) -> Result<ServerKeys, ServerError> {
        let signer = Signer::from_pkcs8(signing_pkcs8)
            .map_err(|_| ServerError::Keys(format!("signing key of {org_id}")))?;
        if sealing.is_empty() {
            return Err(ServerError::Keys(format!("no sealing key for {org_id}")));
        }
        Ok(ServerKeys {
            org_id,
            org_name,
            signer,
            sealing: sealing
                .iter()
                .map(|bytes| SealingKey::from_secret(StaticSecret::from(*bytes)))
                .collect(),
        })
    }

    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    pub fn signing_public_key(&self) -> [u8; 32] {
        self.signer.public_key()
    }

    /// SHA-256 of the signing public key; enrollment codes carry its start.
    pub fn fingerprint(&self) -> [u8; 32] {
        sign::fingerprint(&self.signer.public_key())
    }

    /// The key devices seal to now.
    pub fn current_sealing(&self) -> &SealingKey {
        &self.sealing[0]
    }

    pub fn sealing_key(&self, kid: &[u8; 8]) -> Option<&SealingKey> {
        self.sealing.iter().find(|key| &key.kid == kid)
    }
}

fn create_in(staging: &Path) -> Result<(), ServerError> {
    make_private_dir(staging)?;
    make_private_dir(&staging.join(SEAL_DIR))?;
    let (_, pkcs8) = Signer::generate().map_err(|_| ServerError::Random)?;
    write_private(&staging.join(SIGNING_FILE), &pkcs8)?;
    let sealing =
        SealingKey::from_secret(hpke::generate_static_secret().map_err(|_| ServerError::Random)?);
    write_private(
        &staging.join(SEAL_DIR).join(seal_file_name(&sealing.kid)),
        &sealing.secret.to_bytes(),
    )?;
    let org = OrgFile {
        org_id: Uuid::now_v7(),
        org_name: DEFAULT_ORG_NAME.to_string(),
        current_kid: hex::encode(sealing.kid),
    };
    let json = serde_json::to_vec_pretty(&org).expect("org file serializes");
    write_private(&staging.join(ORG_FILE), &json)?;
    sync_dir(&staging.join(SEAL_DIR))?;
    sync_dir(staging)
}

fn load(dir: &Path) -> Result<ServerKeys, ServerError> {
    let damaged = |what: &str| ServerError::Keys(format!("{what} in {}", dir.display()));
    let org: OrgFile = serde_json::from_slice(&std::fs::read(dir.join(ORG_FILE))?)
        .map_err(|_| damaged(ORG_FILE))?;
    let signer = Signer::from_pkcs8(&std::fs::read(dir.join(SIGNING_FILE))?)
        .map_err(|_| damaged(SIGNING_FILE))?;
    let mut sealing = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir.join(SEAL_DIR))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    names.sort();
    for path in names {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some(kid_hex) = name.strip_suffix(SEAL_SUFFIX) else {
            continue; // an editor's backup or a note beside the keys
        };
        let bytes: [u8; 32] = std::fs::read(&path)?
            .try_into()
            .map_err(|_| damaged(name))?;
        let key = SealingKey::from_secret(StaticSecret::from(bytes));
        // The name is how an operator tells epochs apart; a file renamed by
        // hand must not make the server answer with a key it cannot use.
        if hex::encode(key.kid) != kid_hex {
            return Err(damaged(name));
        }
        sealing.push(key);
    }
    let current = sealing
        .iter()
        .position(|key| hex::encode(key.kid) == org.current_kid)
        .ok_or_else(|| damaged("current_kid"))?;
    let current = sealing.remove(current);
    sealing.insert(0, current);
    Ok(ServerKeys {
        org_id: org.org_id,
        org_name: org.org_name,
        signer,
        sealing,
    })
}

/// A data directory's keys as bytes, to move them into a regional host's
/// database (`tournee admin migrate`): nothing is made, a missing or
/// damaged file is an error, and every secret is zeroed when dropped.
pub struct KeyMaterial {
    pub org_id: Uuid,
    pub org_name: String,
    pub signing_pkcs8: Zeroizing<Vec<u8>>,
    /// Every sealing epoch's secret, the current one first.
    pub sealing: Vec<Zeroizing<[u8; 32]>>,
    pub pseudonym: Zeroizing<[u8; 32]>,
}

impl KeyMaterial {
    pub fn read(data_dir: &Path) -> Result<KeyMaterial, ServerError> {
        let dir = data_dir.join(KEYS_DIR);
        // The same checks as a start (kids against their files, the
        // current epoch named), then the bytes themselves.
        let keys = load(&dir)?;
        let mut sealing = Vec::new();
        for key in &keys.sealing {
            sealing.push(Zeroizing::new(key.secret.to_bytes()));
        }
        let file = super::pseudonym::FILE;
        let bytes = Zeroizing::new(std::fs::read(dir.join(file))?);
        let pseudonym: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| ServerError::Keys(format!("{file} in {}", dir.display())))?;
        Ok(KeyMaterial {
            org_id: keys.org_id,
            org_name: keys.org_name.clone(),
            signing_pkcs8: Zeroizing::new(std::fs::read(dir.join(SIGNING_FILE))?),
            sealing,
            pseudonym: Zeroizing::new(pseudonym),
        })
    }
}

pub(super) fn seal_file_name(kid: &[u8; 8]) -> String {
    format!("{}{SEAL_SUFFIX}", hex::encode(kid))
}

/// A crash during a first start leaves a staging directory holding keys
/// nobody ever used; removing it keeps stray secrets off the disk.
fn remove_stale_staging(data_dir: &Path) -> Result<(), ServerError> {
    for entry in std::fs::read_dir(data_dir)? {
        let entry = entry?;
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(STAGING_PREFIX)
        {
            std::fs::remove_dir_all(entry.path())?;
        }
    }
    Ok(())
}

pub(super) fn make_private_dir(dir: &Path) -> Result<(), ServerError> {
    std::fs::create_dir_all(dir)?;
    set_mode(dir, 0o700)
}

pub(super) fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ServerError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

#[cfg(unix)]
pub(super) fn set_mode(path: &Path, mode: u32) -> Result<(), ServerError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

#[cfg(not(unix))]
pub(super) fn set_mode(_path: &Path, _mode: u32) -> Result<(), ServerError> {
    Ok(())
}

/// Makes a rename or a new file in `dir` survive a power cut.
pub(super) fn sync_dir(dir: &Path) -> Result<(), ServerError> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_first_start_creates_private_keys_and_later_starts_load_the_same() {
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().join("srv");
        let first = ServerKeys::load_or_create(&dir).unwrap();
        let again = ServerKeys::load_or_create(&dir).unwrap();
        assert_eq!(first.signing_public_key(), again.signing_public_key());
        assert_eq!(
            first.current_sealing().public,
            again.current_sealing().public
        );
        assert_eq!(first.org_id, again.org_id);
        assert_eq!(again.org_name, DEFAULT_ORG_NAME);
        let kid = first.current_sealing().kid;
        assert!(again.sealing_key(&kid).is_some());
        assert!(again.sealing_key(&[0; 8]).is_none());
        #[cfg(unix)]
        {
            assert_eq!(mode(&dir), 0o700);
            assert_eq!(mode(&dir.join(KEYS_DIR)), 0o700);
            assert_eq!(mode(&dir.join(KEYS_DIR).join(SIGNING_FILE)), 0o600);
            assert_eq!(mode(&dir.join(KEYS_DIR).join(ORG_FILE)), 0o600);
            let seal = dir.join(KEYS_DIR).join(SEAL_DIR).join(seal_file_name(&kid));
            assert_eq!(mode(&seal), 0o600);
        }
    }

    #[test]
    fn an_older_epoch_added_later_is_kept_beside_the_current_key() {
        let data = tempfile::tempdir().unwrap();
        let first = ServerKeys::load_or_create(data.path()).unwrap();
        let old = first.current_sealing().kid;
        let next = SealingKey::from_secret(hpke::generate_static_secret().unwrap());
        let keys = data.path().join(KEYS_DIR);
        write_private(
            &keys.join(SEAL_DIR).join(seal_file_name(&next.kid)),
            &next.secret.to_bytes(),
        )
        .unwrap();
        let mut org: OrgFile =
            serde_json::from_slice(&std::fs::read(keys.join(ORG_FILE)).unwrap()).unwrap();
        org.current_kid = hex::encode(next.kid);
        std::fs::write(keys.join(ORG_FILE), serde_json::to_vec(&org).unwrap()).unwrap();
        let loaded = ServerKeys::load_or_create(data.path()).unwrap();
        assert_eq!(loaded.current_sealing().kid, next.kid);
        assert!(loaded.sealing_key(&old).is_some());
    }

    #[test]
    fn a_renamed_or_truncated_sealing_key_is_reported_not_used() {
        let data = tempfile::tempdir().unwrap();
        let first = ServerKeys::load_or_create(data.path()).unwrap();
        let seal = data.path().join(KEYS_DIR).join(SEAL_DIR);
        let path = seal.join(seal_file_name(&first.current_sealing().kid));
        std::fs::write(&path, [1u8; 31]).unwrap();
        assert!(matches!(
            ServerKeys::load_or_create(data.path()),
            Err(ServerError::Keys(_))
        ));
        std::fs::write(&path, [1u8; 32]).unwrap(); // valid bytes, wrong name
        assert!(matches!(
            ServerKeys::load_or_create(data.path()),
            Err(ServerError::Keys(_))
        ));
    }

    #[test]
    fn a_staging_directory_left_by_a_crash_is_removed_not_adopted() {
        let data = tempfile::tempdir().unwrap();
        let stale = data.path().join(format!("{STAGING_PREFIX}crashed"));
        std::fs::create_dir_all(&stale).unwrap();
        std::fs::write(stale.join(SIGNING_FILE), b"half").unwrap();
        ServerKeys::load_or_create(data.path()).unwrap();
        assert!(!stale.exists());
    }
}
