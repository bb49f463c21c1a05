//! Encryption at rest of branch signing keys, and hashing of bearer secrets.
//!
//! Private keys are sealed with ChaCha20-Poly1305 under the master key, with
//! the key id as associated data so a sealed key cannot be swapped between
//! rows. Refresh and invitation tokens are stored only as SHA-256 hashes: a
//! database leak does not hand out sessions.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

#[derive(Clone)]
pub struct MasterKey(Key);

impl MasterKey {
    pub fn from_base64(text: &str) -> Result<MasterKey, String> {
        let bytes = STANDARD
            .decode(text.trim())
            .or_else(|_| URL_SAFE_NO_PAD.decode(text.trim()))
            .map_err(|_| "not base64".to_string())?;
        if bytes.len() != 32 {
            return Err(format!("must be 32 bytes, is {}", bytes.len()));
        }
        Ok(MasterKey(*Key::from_slice(&bytes)))
    }

    pub fn generate() -> MasterKey {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        MasterKey(*Key::from_slice(&bytes))
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0.as_slice())
    }

    /// Where the key lives when ZHIJIANG_MASTER_KEY is not set.
    pub fn file_in(data_dir: &Path) -> PathBuf {
        data_dir.join("master.key")
    }

    /// The configured key, or the one kept in `data_dir/master.key`, or
    /// `None` when there is neither.
    pub fn load(configured: Option<&str>, data_dir: &Path) -> std::io::Result<Option<MasterKey>> {
        if let Some(text) = configured {
            return MasterKey::from_base64(text).map(Some).map_err(std::io::Error::other);
        }
        let path = Self::file_in(data_dir);
        match std::fs::read_to_string(&path) {
            Ok(text) => MasterKey::from_base64(&text)
                .map(Some)
                .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display()))),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(std::io::Error::other(format!("{}: {err}", path.display()))),
        }
    }

    /// A new key written to `data_dir/master.key` (first start of an empty
    /// database only), with a warning: production should set ZHIJIANG_MASTER_KEY.
    pub fn create_in(data_dir: &Path) -> std::io::Result<MasterKey> {
        let path = Self::file_in(data_dir);
        tracing::warn!(
            path = %path.display(),
            "ZHIJIANG_MASTER_KEY is not set: generated a master key into the data directory; set ZHIJIANG_MASTER_KEY in production and keep a copy of it"
        );
        let key = MasterKey::generate();
        std::fs::create_dir_all(data_dir)?;
        write_private(&path, key.to_base64().as_bytes())?;
        Ok(key)
    }

    /// A key for one purpose (`purpose` names it), derived from the master
    /// key so that no other secret has to be configured or stored, and so
    /// that a key leaked from one use says nothing about the master key.
    pub fn derive(&self, purpose: &[u8]) -> [u8; 32] {
        hmac_sha256(self.0.as_slice(), purpose)
    }

    /// nonce (12 bytes) || ciphertext+tag.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let cipher = ChaCha20Poly1305::new(&self.0);
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad })
            .expect("encryption with a valid key cannot fail");
        [nonce.as_slice(), &sealed].concat()
    }

    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < 12 {
            return None;
        }
        let (nonce, body) = sealed.split_at(12);
        ChaCha20Poly1305::new(&self.0)
            .decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad })
            .ok()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// A new random bearer secret (256 bits, URL-safe).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored of a bearer secret.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    URL_SAFE_NO_PAD.encode(digest)
}

/// HMAC-SHA256 (RFC 2104): a keyed digest nobody without `key` can compute.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner_pad: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    let outer_pad: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new().chain_update(&inner_pad).chain_update(message).finalize();
    Sha256::new().chain_update(&outer_pad).chain_update(inner).finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        let hex = |bytes: [u8; 32]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        // Test case 2: a short key.
        assert_eq!(
            hex(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block is hashed first.
        assert_eq!(
            hex(hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn sealed_keys_open_only_with_the_same_key_and_id() {
        let key = MasterKey::generate();
        let sealed = key.seal(b"secret", b"kid-1");
        assert_eq!(key.open(&sealed, b"kid-1").as_deref(), Some(&b"secret"[..]));
        assert!(key.open(&sealed, b"kid-2").is_none());
        assert!(MasterKey::generate().open(&sealed, b"kid-1").is_none());
    }
}
