//! The host's key: 32 random bytes in a file of the host's machine, never
//! in the database, which wraps every organization's secret keys there
//! (signing key, pseudonym key, sealing epochs) with ChaCha20-Poly1305.
//! A copy of the database alone (a backup, a dump, a replica) then opens
//! no batch, signs no receipt and reverses no pseudonym.
//!
//! The file is `$TOURNEE_HOST_KEY`, or `host.key` in the platform data
//! directory's `tournee-host` folder; made, owner-only, when a database
//! that has none yet is first reached (never for a database that has
//! one: a wrong path is refused, not given a new key). The database keeps
//! a check sealed with the key it was first given, so a host started with
//! another key file is refused with a message naming the file, rather
//! than writing keys no other host process could open. Lose the file and the organizations'
//! keys are lost: it belongs in the host's backups, apart from the
//! database's.

use crate::server::error::ServerError;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use std::path::{Path, PathBuf};
use uuid::Uuid;
use zeroize::Zeroizing;

/// The variable naming the host key's file.
pub const ENV: &str = "TOURNEE_HOST_KEY";
const LEN: usize = 32;
/// What the check seals, under the nil organization.
const CHECK: &[u8] = b"tournee host key check";

pub struct HostKey {
    key: LessSafeKey,
    path: PathBuf,
}

impl std::fmt::Debug for HostKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostKey")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Where the host key is looked for: [`ENV`], else the data directory's.
pub fn location() -> Result<PathBuf, ServerError> {
    if let Some(path) = std::env::var_os(ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    dirs::data_dir()
        .map(|dir| dir.join("tournee-host").join("host.key"))
        .ok_or_else(|| {
            ServerError::HostKey(format!("no data directory for the host key: set {ENV}"))
        })
}

impl HostKey {
    /// The key in `path`, made there first if there is none (two processes
    /// starting at once end up with the same one).
    pub fn load_or_create(path: &Path) -> Result<HostKey, ServerError> {
        if !path.exists() {
            create(path)?;
        }
        HostKey::load(path)
    }

    /// The key in `path`, which must be there.
    pub fn load(path: &Path) -> Result<HostKey, ServerError> {
        if !path.exists() {
            return Err(ServerError::HostKey(format!(
                "there is no {}, and this database's keys are wrapped with a key made before",
                path.display()
            )));
        }
        let bytes = Zeroizing::new(
            std::fs::read(path)
                .map_err(|e| ServerError::HostKey(format!("host key {}: {e}", path.display())))?,
        );
        if bytes.len() != LEN {
            return Err(ServerError::HostKey(format!(
                "host key {}: {} bytes instead of {LEN}",
                path.display(),
                bytes.len()
            )));
        }
        let key = UnboundKey::new(&CHACHA20_POLY1305, &bytes).map_err(|_| ServerError::Random)?;
        Ok(HostKey {
            key: LessSafeKey::new(key),
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `secret`, sealed for organization `org` as its `what` (the
    /// organization and the role are bound in: a wrapped key moved to
    /// another row or organization does not open).
    pub fn wrap(&self, org: Uuid, what: &str, secret: &[u8]) -> Result<Vec<u8>, ServerError> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| ServerError::Random)?;
        let mut sealed = secret.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(org, what)),
                &mut sealed,
            )
            .map_err(|_| ServerError::Random)?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    /// What [`wrap`](Self::wrap) sealed, or why it does not open.
    pub fn unwrap(
        &self,
        org: Uuid,
        what: &str,
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, ServerError> {
        let refused = || {
            ServerError::HostKey(format!(
                "the host key {} does not open the {what} key of organization {org}",
                self.path.display()
            ))
        };
        if sealed.len() < NONCE_LEN + CHACHA20_POLY1305.tag_len() {
            return Err(refused());
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| refused())?;
        let mut body = Zeroizing::new(body.to_vec());
        let len = self
            .key
            .open_in_place(nonce, Aad::from(aad(org, what)), &mut body)
            .map_err(|_| refused())?
            .len();
        body.truncate(len);
        Ok(body)
    }

    /// The check a database keeps of the key it was first given.
    pub fn check(&self) -> Result<Vec<u8>, ServerError> {
        self.wrap(Uuid::nil(), "check", CHECK)
    }

    /// Whether `sealed` is this key's check.
    pub fn opens_check(&self, sealed: &[u8]) -> bool {
        self.unwrap(Uuid::nil(), "check", sealed)
            .is_ok_and(|plain| plain.as_slice() == CHECK)
    }
}

fn aad(org: Uuid, what: &str) -> Vec<u8> {
    [
        b"tournee host key 1\0".as_slice(),
        org.as_bytes(),
        what.as_bytes(),
    ]
    .concat()
}

/// Writes a new key beside `path`, then links it into place, which fails
/// when another process made one first: that one is kept.
fn create(path: &Path) -> Result<(), ServerError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    crate::server::keys::make_private_dir(dir)?;
    let mut bytes = Zeroizing::new([0u8; LEN]);
    SystemRandom::new()
        .fill(bytes.as_mut())
        .map_err(|_| ServerError::Random)?;
    let staging = dir.join(format!(".host-key-{}", Uuid::now_v7()));
    crate::server::keys::write_private(&staging, bytes.as_slice())?;
    let linked = std::fs::hard_link(&staging, path);
    std::fs::remove_file(&staging)?;
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(ServerError::HostKey(format!(
            "host key {}: {e}",
            path.display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_key_opens_only_with_its_key_organization_and_role() {
        let dir = tempfile::tempdir().unwrap();
        let key = HostKey::load_or_create(&dir.path().join("k")).unwrap();
        let again = HostKey::load_or_create(&dir.path().join("k")).unwrap();
        let other = HostKey::load_or_create(&dir.path().join("other")).unwrap();
        let org = Uuid::now_v7();
        let sealed = key.wrap(org, "signing", b"secret bytes").unwrap();
        assert!(!sealed.windows(12).any(|w| w == b"secret bytes"));
        assert_eq!(
            again.unwrap(org, "signing", &sealed).unwrap().as_slice(),
            b"secret bytes"
        );
        assert!(key.unwrap(org, "pseudonym", &sealed).is_err());
        assert!(key.unwrap(Uuid::now_v7(), "signing", &sealed).is_err());
        assert!(other.unwrap(org, "signing", &sealed).is_err());
        assert!(key.opens_check(&again.check().unwrap()));
        assert!(!other.opens_check(&key.check().unwrap()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("k"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.path().join("short"), [0u8; 5]).unwrap();
        let short = HostKey::load_or_create(&dir.path().join("short")).unwrap_err();
        assert!(
            short.to_string().contains("5 bytes instead of 32"),
            "{short}"
        );
    }
}
