//! Each branch's Ed25519 signing keys (the `branch_keys` table): creation, sealing at rest, rotation,
//! the JWKS, and a short-lived in-memory cache so that verifying a token
//! costs no database round trip on the hot path.

use crate::crypto::MasterKey;
pub(crate) mod credential_key_entity;
pub(crate) mod credentials;
pub(crate) mod entity;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use entity::{self as key, Entity as Keys};
use jsonwebtoken::{DecodingKey, EncodingKey};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a cached key decision stands before the database is asked again.
/// Other nodes learn of a rotation at once (`cluster`); this only bounds how
/// long a lost announcement can matter.
const CACHE_TTL: Duration = Duration::from_secs(30);

/// PKCS#8 v1 prefix of an Ed25519 private key; the 32-byte seed follows.
const PKCS8_ED25519_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// The `tokens_valid_after` that ends every access token issued up to `now`.
///
/// `iat` has whole seconds. A token issued earlier in the same second as
/// `now` has `iat` = floor(now), so the cut-off is the next whole second and
/// that token is refused. A token issued after the cut-off was set takes
/// `iat` = max(now, cut-off) (see `auth::tokens::issue`), so signing in again within the
/// same second works. Both hold whatever the sub-second timing.
pub fn cutoff_after(now: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(now.timestamp() + 1, 0).unwrap_or(now)
}

/// The claims of an access token (see `auth::tokens`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub branch: String,
    pub role: String,
    pub locale: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: Uuid,
    /// The session (refresh-token family) the token was issued for; absent
    /// in tokens issued before sessions were listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
}

#[derive(Clone)]
pub struct Verifier {
    pub branch_id: Uuid,
    pub branch_code: String,
    pub branch_default_locale: String,
    pub key: DecodingKey,
    /// False for a revoked key: tokens it signed are refused.
    pub usable: bool,
    fetched: Instant,
}

#[derive(Clone)]
pub struct Signer {
    pub kid: String,
    pub key: EncodingKey,
    fetched: Instant,
}

/// A public key as a JWK (RFC 8037 OKP).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Jwk {
    pub kty: &'static str,
    pub crv: &'static str,
    pub x: String,
    pub kid: String,
    pub alg: &'static str,
    #[serde(rename = "use")]
    pub use_: &'static str,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

pub struct KeyRing {
    master: MasterKey,
    verifiers: RwLock<HashMap<String, Verifier>>,
    signers: RwLock<HashMap<Uuid, Signer>>,
    /// Tokens whose signature was checked recently, by SHA-256 of the token:
    /// a client sending the same token again skips the Ed25519 check. Cleared
    /// with the key caches, and bounded by the same 30-second freshness.
    verified: RwLock<HashMap<[u8; 32], (Claims, Verifier, Instant)>>,
    /// Bumped by `invalidate`: a lookup that started before a rotation
    /// committed must not store what it read.
    generation: AtomicU64,
}

impl KeyRing {
    pub fn new(master: MasterKey) -> KeyRing {
        KeyRing {
            master,
            verifiers: RwLock::default(),
            signers: RwLock::default(),
            verified: RwLock::default(),
            generation: AtomicU64::new(0),
        }
    }

    /// The master key, for other secrets sealed at rest (invitation links in the outbox).
    pub fn master(&self) -> &MasterKey {
        &self.master
    }

    /// Creates and stores a new active key for a branch (inside the caller's transaction).
    pub async fn create_key(
        &self,
        db: &impl ConnectionTrait,
        branch_id: Uuid,
        branch_code: &str,
        now: DateTime<Utc>,
    ) -> Result<key::Model, DbErr> {
        let mut seed = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut seed);
        let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key().to_bytes();
        let mut suffix = [0u8; 6];
        rand::rngs::OsRng.fill_bytes(&mut suffix);
        let kid = format!(
            "{}-{}-{}",
            branch_code.to_ascii_lowercase(),
            now.format("%Y%m%d"),
            URL_SAFE_NO_PAD.encode(suffix)
        );
        let sealed = self.master.seal(&seed, kid.as_bytes());
        key::ActiveModel {
            id: Set(Uuid::now_v7()),
            branch_id: Set(branch_id),
            kid: Set(kid),
            public_key: Set(public.to_vec()),
            private_key_sealed: Set(sealed),
            status: Set(key::Status::Active),
            created_at: Set(now),
            retired_at: Set(None),
        }
        .insert(db)
        .await
    }

    /// The key a branch signs with now.
    pub async fn signer(&self, db: &impl ConnectionTrait, branch_id: Uuid) -> Result<Option<Signer>, DbErr> {
        if let Some(s) = self.signers.read().unwrap_or_else(|p| p.into_inner()).get(&branch_id)
            && s.fetched.elapsed() < CACHE_TTL
        {
            return Ok(Some(s.clone()));
        }
        let generation = self.generation();
        let Some(row) = Keys::find()
            .filter(key::Column::BranchId.eq(branch_id))
            .filter(key::Column::Status.eq(key::Status::Active))
            .order_by_desc(key::Column::CreatedAt)
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        let Some(seed) = self.master.open(&row.private_key_sealed, row.kid.as_bytes()) else {
            tracing::error!(kid = %row.kid, "a branch signing key does not open with the master key");
            return Ok(None);
        };
        let der = [PKCS8_ED25519_PREFIX.as_slice(), &seed].concat();
        let signer = Signer {
            kid: row.kid,
            key: EncodingKey::from_ed_der(&der),
            fetched: Instant::now(),
        };
        let mut cache = self.signers.write().unwrap_or_else(|p| p.into_inner());
        if self.generation() == generation {
            cache.insert(branch_id, signer.clone());
        }
        Ok(Some(signer))
    }

    /// The public key named `kid`, with its branch, if it exists. `branch`
    /// reads a branch's code and default locale by id.
    pub async fn verifier<F, Fut>(&self, db: &impl ConnectionTrait, kid: &str, branch: F) -> Result<Option<Verifier>, DbErr>
    where
        F: FnOnce(Uuid) -> Fut,
        Fut: Future<Output = Result<Option<(String, String)>, DbErr>>,
    {
        if let Some(v) = self.verifiers.read().unwrap_or_else(|p| p.into_inner()).get(kid)
            && v.fetched.elapsed() < CACHE_TTL
        {
            return Ok(Some(v.clone()));
        }
        let generation = self.generation();
        let Some(row) = Keys::find().filter(key::Column::Kid.eq(kid)).one(db).await? else {
            return Ok(None);
        };
        let Some((branch_code, branch_default_locale)) = branch(row.branch_id).await? else {
            return Ok(None);
        };
        let verifier = Verifier {
            branch_id: row.branch_id,
            branch_code,
            branch_default_locale,
            key: DecodingKey::from_ed_der(&row.public_key),
            usable: row.status != key::Status::Revoked,
            fetched: Instant::now(),
        };
        let mut cache = self.verifiers.write().unwrap_or_else(|p| p.into_inner());
        if self.generation() != generation {
            return Ok(Some(verifier));
        }
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(kid.to_string(), verifier.clone());
        Ok(Some(verifier))
    }

    /// Retires (or revokes) the branch's current keys and makes a new one.
    pub async fn rotate(
        &self,
        db: &impl ConnectionTrait,
        branch_id: Uuid,
        branch_code: &str,
        revoke_old: bool,
        now: DateTime<Utc>,
    ) -> Result<key::Model, DbErr> {
        let old = Keys::find()
            .filter(key::Column::BranchId.eq(branch_id))
            .filter(key::Column::Status.ne(key::Status::Revoked))
            .all(db)
            .await?;
        for row in old {
            if row.status == key::Status::Retired && !revoke_old {
                continue;
            }
            let mut active: key::ActiveModel = row.into();
            active.status = Set(if revoke_old { key::Status::Revoked } else { key::Status::Retired });
            active.retired_at = Set(Some(now));
            active.update(db).await?;
        }
        self.create_key(db, branch_id, branch_code, now).await
    }

    /// Forgets cached keys and tokens (after a rotation commits).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.verifiers.write().unwrap_or_else(|p| p.into_inner()).clear();
        self.signers.write().unwrap_or_else(|p| p.into_inner()).clear();
        self.verified.write().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Read before a lookup and handed back when storing its result.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// A token verified less than 30 seconds ago.
    pub fn recently_verified(&self, digest: &[u8; 32]) -> Option<(Claims, Verifier)> {
        let cache = self.verified.read().unwrap_or_else(|p| p.into_inner());
        let (claims, verifier, at) = cache.get(digest)?;
        (at.elapsed() < CACHE_TTL).then(|| (claims.clone(), verifier.clone()))
    }

    /// Stores a verified token, unless the keys changed since `generation`.
    pub fn remember_verified(&self, digest: [u8; 32], claims: Claims, verifier: Verifier, generation: u64) {
        let mut cache = self.verified.write().unwrap_or_else(|p| p.into_inner());
        if self.generation() != generation {
            return;
        }
        if cache.len() >= 50_000 {
            cache.retain(|_, (_, _, at)| at.elapsed() < CACHE_TTL);
            if cache.len() >= 50_000 {
                cache.clear();
            }
        }
        cache.insert(digest, (claims, verifier, Instant::now()));
    }

    /// Public keys that still verify: the active one and retired ones, so
    /// tokens and credentials signed before a rotation still check out.
    pub async fn jwks(&self, db: &impl ConnectionTrait, branch_id: Uuid) -> Result<JwkSet, DbErr> {
        let rows = Keys::find()
            .filter(key::Column::BranchId.eq(branch_id))
            .filter(key::Column::Status.ne(key::Status::Revoked))
            .order_by_desc(key::Column::CreatedAt)
            .all(db)
            .await?;
        Ok(JwkSet {
            keys: rows
                .into_iter()
                .map(|row| Jwk {
                    kty: "OKP",
                    crv: "Ed25519",
                    x: URL_SAFE_NO_PAD.encode(&row.public_key),
                    kid: row.kid,
                    alg: "EdDSA",
                    use_: "sig",
                })
                .collect(),
        })
    }
}
