//! Pseudonyms: how the server counts people without knowing who they are.
//!
//! `pseudonym = HMAC-SHA256(K_pseudonym, "tournee-person-v1" || canonical
//! code)`, truncated to 16 bytes. `K_pseudonym` (`DATA/keys/pseudonym.key`,
//! 32 random bytes, mode 0600) never leaves the server: without it, a
//! pseudonym cannot be tested against guessed codes. The raw code is
//! dropped as soon as its pseudonym is made; it is never written anywhere.

use super::error::ServerError;
use super::keys::{make_private_dir, write_private};
use crate::domain::PersonCode;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use std::path::Path;
use zeroize::Zeroizing;

pub(super) const FILE: &str = "pseudonym.key";
const LABEL: &[u8] = b"tournee-person-v1";

pub type Pseudonym = [u8; 16];

pub struct PseudonymKey(hmac::Key);

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(<hidden>)")
    }
}

impl PseudonymKey {
    /// Loads the key, or makes it on first use (also on a server whose
    /// other keys were made before pseudonyms existed).
    pub fn load_or_create(data_dir: &Path) -> Result<PseudonymKey, ServerError> {
        let dir = data_dir.join("keys");
        let path = dir.join(FILE);
        if !path.exists() {
            make_private_dir(&dir)?;
            let mut bytes = Zeroizing::new([0u8; 32]);
            SystemRandom::new()
                .fill(bytes.as_mut())
                .map_err(|_| ServerError::Damaged("no system randomness".into()))?;
            write_private(&path, bytes.as_ref())?;
        }
        let bytes = Zeroizing::new(std::fs::read(&path)?);
        if bytes.len() != 32 {
            return Err(ServerError::Damaged(format!(
                "{} is not a 32-byte key",
                path.display()
            )));
        }
        Ok(PseudonymKey(hmac::Key::new(hmac::HMAC_SHA256, &bytes)))
    }

    /// The key as a host's database keeps it.
    pub fn from_bytes(bytes: &[u8; 32]) -> PseudonymKey {
        PseudonymKey(hmac::Key::new(hmac::HMAC_SHA256, bytes))
    }

    pub fn pseudonym(&self, code: &PersonCode) -> Pseudonym {
        let mut context = hmac::Context::with_key(&self.0);
        context.update(LABEL);
        context.update(code.canonical().as_bytes());
        context.sign().as_ref()[..16]
            .try_into()
            .expect("16 of 32 bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_person_typed_differently_gets_one_pseudonym_and_keys_differ() {
        let key = PseudonymKey::from_bytes(&[7; 32]);
        let a = key.pseudonym(&PersonCode::parse("Côté-2001").unwrap());
        let b = key.pseudonym(&PersonCode::parse("cote 2001").unwrap());
        assert_eq!(a, b);
        assert_ne!(a, key.pseudonym(&PersonCode::parse("COTE2002").unwrap()));
        let other = PseudonymKey::from_bytes(&[8; 32]);
        assert_ne!(a, other.pseudonym(&PersonCode::parse("COTE2001").unwrap()));
    }

    #[test]
    fn the_key_is_made_once_private_and_kept() {
        let data = tempfile::tempdir().unwrap();
        let code = PersonCode::parse("ABCD1999").unwrap();
        let first = PseudonymKey::load_or_create(data.path())
            .unwrap()
            .pseudonym(&code);
        let again = PseudonymKey::load_or_create(data.path())
            .unwrap()
            .pseudonym(&code);
        assert_eq!(first, again);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(data.path().join("keys").join(FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
