//! Changes to `DATA/keys/` after the first start: the organization's name
//! (from the `[org] name` setting, at each start) and a new sealing epoch
//! (`tournee admin rotate-seal-key`). The files themselves are described
//! in [`super::keys`].
//!
//! `org.json` is replaced whole (a new file, then a rename), so a crash
//! leaves either the old or the new one. A new epoch's key file is written
//! and synced before `org.json` points at it: a crash in between leaves an
//! extra epoch that nobody seals to, never a current kid without its key.
//!
//! How devices learn a new key: they seal to the keys of their enrollment
//! bundle, so a rotation reaches new enrollments (after the server restarts
//! and reloads its keys) and phones enrolled again. Old epochs are never
//! removed, so batches sealed to them, late or not, still open.

use super::error::ServerError;
use super::keys::{
    KEYS_DIR, ORG_FILE, OrgFile, SEAL_DIR, SealingKey, ServerKeys, seal_file_name, sync_dir,
    write_private,
};
use crate::domain::crypto::hpke;
use crate::server::config::org_name;
use crate::server::enroll::MAX_LABEL_CHARS;
use std::path::Path;

const ORG_STAGING: &str = "org.json.new";

fn read_org(keys_dir: &Path) -> Result<OrgFile, ServerError> {
    serde_json::from_slice(&std::fs::read(keys_dir.join(ORG_FILE))?)
        .map_err(|_| ServerError::Keys(format!("{ORG_FILE} in {}", keys_dir.display())))
}

/// Replaces `org.json` in one step.
fn write_org(keys_dir: &Path, org: &OrgFile) -> Result<(), ServerError> {
    let staging = keys_dir.join(ORG_STAGING);
    // Left by a crash between write and rename; it was never in force.
    if staging.exists() {
        std::fs::remove_file(&staging)?;
    }
    let json = serde_json::to_vec_pretty(org).expect("org file serializes");
    write_private(&staging, &json)?;
    std::fs::rename(&staging, keys_dir.join(ORG_FILE))?;
    sync_dir(keys_dir)
}

/// Sets the organization's name shown in enrollment bundles, keeping its
/// id and current sealing key. Returns whether the name changed.
pub fn set_org_name(data_dir: &Path, name: &str) -> Result<bool, ServerError> {
    let name = org_name(name).ok_or(ServerError::Label {
        max: MAX_LABEL_CHARS,
    })?;
    ServerKeys::load_or_create(data_dir)?;
    let keys_dir = data_dir.join(KEYS_DIR);
    let mut org = read_org(&keys_dir)?;
    if org.org_name == name {
        return Ok(false);
    }
    tracing::info!(from = %org.org_name, to = %name, "organization renamed");
    org.org_name = name;
    write_org(&keys_dir, &org)?;
    Ok(true)
}

/// Adds a sealing epoch (a new X25519 key, `keys/seal/<kid>.key`, mode
/// 0600) and makes it the current one; older epochs stay. Returns its kid.
pub fn rotate_sealing_key(data_dir: &Path) -> Result<[u8; 8], ServerError> {
    ServerKeys::load_or_create(data_dir)?;
    let keys_dir = data_dir.join(KEYS_DIR);
    let mut org = read_org(&keys_dir)?;
    let key =
        SealingKey::from_secret(hpke::generate_static_secret().map_err(|_| ServerError::Random)?);
    let seal_dir = keys_dir.join(SEAL_DIR);
    write_private(
        &seal_dir.join(seal_file_name(&key.kid)),
        &key.secret().to_bytes(),
    )?;
    sync_dir(&seal_dir)?;
    org.current_kid = hex::encode(key.kid);
    write_org(&keys_dir, &org)?;
    tracing::info!(kid = %org.current_kid, "new sealing epoch");
    Ok(key.kid)
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
    fn a_rotation_makes_a_private_new_current_key_and_keeps_the_old_one() {
        let data = tempfile::tempdir().unwrap();
        let before = ServerKeys::load_or_create(data.path()).unwrap();
        let old = before.current_sealing().kid;
        let new = rotate_sealing_key(data.path()).unwrap();
        assert_ne!(new, old);
        let after = ServerKeys::load_or_create(data.path()).unwrap();
        assert_eq!(after.current_sealing().kid, new);
        assert_eq!(
            after.sealing_key(&old).unwrap().public,
            before.current_sealing().public
        );
        assert_eq!(after.org_id, before.org_id);
        assert_eq!(after.signing_public_key(), before.signing_public_key());
        let file = data
            .path()
            .join(KEYS_DIR)
            .join(SEAL_DIR)
            .join(seal_file_name(&new));
        assert!(file.exists());
        #[cfg(unix)]
        {
            assert_eq!(mode(&file), 0o600);
            assert_eq!(mode(&data.path().join(KEYS_DIR).join(ORG_FILE)), 0o600);
        }
        let third = rotate_sealing_key(data.path()).unwrap();
        let latest = ServerKeys::load_or_create(data.path()).unwrap();
        assert_eq!(latest.current_sealing().kid, third);
        assert!(latest.sealing_key(&old).is_some() && latest.sealing_key(&new).is_some());
    }

    #[test]
    fn renaming_the_organization_keeps_its_id_and_keys() {
        let data = tempfile::tempdir().unwrap();
        let before = ServerKeys::load_or_create(data.path()).unwrap();
        assert!(set_org_name(data.path(), "  Travail de rue de l'Outaouais ").unwrap());
        assert!(!set_org_name(data.path(), "Travail de rue de l'Outaouais").unwrap());
        let after = ServerKeys::load_or_create(data.path()).unwrap();
        assert_eq!(after.org_name, "Travail de rue de l'Outaouais");
        assert_eq!(after.org_id, before.org_id);
        assert_eq!(after.current_sealing().kid, before.current_sealing().kid);
        assert!(!data.path().join(KEYS_DIR).join(ORG_STAGING).exists());
        assert!(matches!(
            set_org_name(data.path(), "  "),
            Err(ServerError::Label { .. })
        ));
    }

    #[test]
    fn an_org_file_left_half_written_by_a_crash_is_replaced_not_read() {
        let data = tempfile::tempdir().unwrap();
        ServerKeys::load_or_create(data.path()).unwrap();
        let staging = data.path().join(KEYS_DIR).join(ORG_STAGING);
        std::fs::write(&staging, b"{\"org_id\": ").unwrap();
        set_org_name(data.path(), "Nouveau nom").unwrap();
        assert!(!staging.exists());
        assert_eq!(
            ServerKeys::load_or_create(data.path()).unwrap().org_name,
            "Nouveau nom"
        );
    }
}
