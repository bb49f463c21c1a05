//! Short-lived signed links to media files, so a video player or an image
//! tag can fetch a file without the bearer token. A link names the asset,
//! the file (one immutable version of it), the variant and an expiry, and
//! carries an HMAC-SHA256 of all four under a key derived from the master
//! key. Expiries are rounded up to the hour, so the same file gets the same
//! URL for a while and phones and proxies can cache it.

use crate::crypto::MasterKey;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

/// Expiries are multiples of this (seconds).
const ROUND_TO: i64 = 3600;

/// The file as stored.
pub const ORIGINAL: &str = "original";

/// The name of a smaller copy in links: `w{width}`.
pub fn variant_name(width: i32) -> String {
    format!("w{width}")
}

/// The width a copy's name stands for (`w640` → 640).
pub fn variant_width(name: &str) -> Option<i32> {
    let digits = name.strip_prefix('w')?;
    if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Why a link is not honoured.
#[derive(Debug, PartialEq, Eq)]
pub enum LinkError {
    /// The signature does not match: forged or altered.
    Invalid,
    /// Genuine but past its expiry.
    Expired,
}

#[derive(Clone)]
pub struct LinkSigner {
    key: [u8; 32],
    /// How long a link is good for at least (seconds).
    lifetime: i64,
}

/// The parts of a signed link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub asset_id: Uuid,
    pub file_id: Uuid,
    pub variant: String,
    pub expires: i64,
}

impl LinkSigner {
    pub fn new(master: &MasterKey, lifetime_seconds: i64) -> LinkSigner {
        LinkSigner {
            key: master.derive(b"zhijiang media links v1"),
            lifetime: lifetime_seconds.max(60),
        }
    }

    fn mac(&self, asset_id: Uuid, file_id: Uuid, variant: &str, expires: i64) -> String {
        let message = format!("{asset_id}\n{file_id}\n{variant}\n{expires}");
        URL_SAFE_NO_PAD.encode(crate::crypto::hmac_sha256(&self.key, message.as_bytes()))
    }

    /// A link valid for at least the configured lifetime from `now` (Unix seconds).
    pub fn sign(&self, asset_id: Uuid, file_id: Uuid, variant: &str, now: i64) -> (Link, String) {
        let expires = (now + self.lifetime).div_euclid(ROUND_TO) * ROUND_TO + ROUND_TO;
        let signature = self.mac(asset_id, file_id, variant, expires);
        (
            Link {
                asset_id,
                file_id,
                variant: variant.to_string(),
                expires,
            },
            signature,
        )
    }

    /// The path and query of a signed link (append to the public URL).
    pub fn path(&self, asset_id: Uuid, file_id: Uuid, variant: &str, now: i64) -> String {
        let (link, signature) = self.sign(asset_id, file_id, variant, now);
        format!(
            "/api/v1/media/{asset_id}/{file_id}?variant={}&expires={}&signature={signature}",
            link.variant, link.expires
        )
    }

    /// Checks a link's signature first (so a forged link learns nothing),
    /// then its expiry.
    pub fn verify(&self, link: &Link, signature: &str, now: i64) -> Result<(), LinkError> {
        let expected = self.mac(link.asset_id, link.file_id, &link.variant, link.expires);
        let same = expected.len() == signature.len() && expected.bytes().zip(signature.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if !same {
            return Err(LinkError::Invalid);
        }
        if now >= link.expires {
            return Err(LinkError::Expired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_verify_expire_and_resist_tampering() {
        let signer = LinkSigner::new(&MasterKey::generate(), 6 * 3600);
        let (asset, file) = (Uuid::new_v4(), Uuid::new_v4());
        let now = 1_800_000_000;
        let (link, sig) = signer.sign(asset, file, ORIGINAL, now);
        assert!(link.expires >= now + 6 * 3600 && link.expires % 3600 == 0);
        assert_eq!(signer.verify(&link, &sig, now), Ok(()));
        // The same hour gives the same URL (cacheable).
        assert_eq!(signer.sign(asset, file, ORIGINAL, now + 10).1, sig);
        assert_eq!(signer.verify(&link, &sig, link.expires), Err(LinkError::Expired));
        let other_file = Link {
            file_id: Uuid::new_v4(),
            ..link.clone()
        };
        assert_eq!(signer.verify(&other_file, &sig, now), Err(LinkError::Invalid));
        let later = Link {
            expires: link.expires + 3600,
            ..link.clone()
        };
        assert_eq!(signer.verify(&later, &sig, now), Err(LinkError::Invalid));
        let other_key = LinkSigner::new(&MasterKey::generate(), 6 * 3600);
        assert_eq!(other_key.verify(&link, &sig, now), Err(LinkError::Invalid));
    }
}
