//! Each branch's credential keys: P-256 (ES256), apart from the Ed25519 keys
//! that sign access tokens.
//!
//! Why apart: access-token keys are rotated, and revoked at once after a
//! leak (`revoke_old`), which must end sessions but must not make every
//! certificate ever handed out unverifiable. Credential keys are only ever
//! retired (they sign nothing new and stay published), never deleted.
//! Why ES256: Open Badges 3.0 verifiers accept RS256 and ES256; Ed25519 is
//! an unsupported key type for 1EdTech's validator.
//!
//! The private scalar is sealed with the master key, the key id being the
//! associated data, exactly like token keys.

use super::credential_key_entity::{self as key, Entity as Keys};
use crate::crypto::MasterKey;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jsonwebtoken::EncodingKey;
use p256::pkcs8::EncodePrivateKey;
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};
use uuid::Uuid;

/// A key ready to sign: its row and the private key.
pub(crate) struct CredentialSigner {
    pub row: key::Model,
    pub key: EncodingKey,
}

/// A new random P-256 secret key.
fn new_secret() -> p256::SecretKey {
    loop {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        // Fails only for zero or a value beyond the group order (~2^-32).
        if let Ok(secret) = p256::SecretKey::from_slice(&bytes) {
            return secret;
        }
    }
}

/// Creates and stores a new active credential key for a branch.
pub(crate) async fn create(
    db: &impl ConnectionTrait,
    master: &MasterKey,
    branch_id: Uuid,
    branch_code: &str,
    now: DateTime<Utc>,
) -> Result<key::Model, DbErr> {
    let secret = new_secret();
    let public = secret.public_key().to_sec1_bytes().to_vec();
    let mut suffix = [0u8; 6];
    rand::rngs::OsRng.fill_bytes(&mut suffix);
    let kid = format!(
        "{}-vc-{}-{}",
        branch_code.to_ascii_lowercase(),
        now.format("%Y%m%d"),
        URL_SAFE_NO_PAD.encode(suffix)
    );
    let sealed = master.seal(secret.to_bytes().as_slice(), kid.as_bytes());
    key::ActiveModel {
        id: Set(Uuid::now_v7()),
        branch_id: Set(branch_id),
        kid: Set(kid),
        public_key: Set(public),
        private_key_sealed: Set(sealed),
        status: Set(key::Status::Active),
        created_at: Set(now),
        retired_at: Set(None),
    }
    .insert(db)
    .await
}

/// The key the branch signs credentials with now, made on first use.
pub(crate) async fn signer(
    db: &impl ConnectionTrait,
    master: &MasterKey,
    branch_id: Uuid,
    branch_code: &str,
    now: DateTime<Utc>,
) -> Result<Option<CredentialSigner>, DbErr> {
    let row = match Keys::find()
        .filter(key::Column::BranchId.eq(branch_id))
        .filter(key::Column::Status.eq(key::Status::Active))
        .order_by_desc(key::Column::CreatedAt)
        .one(db)
        .await?
    {
        Some(row) => row,
        None => create(db, master, branch_id, branch_code, now).await?,
    };
    let Some(scalar) = master.open(&row.private_key_sealed, row.kid.as_bytes()) else {
        tracing::error!(kid = %row.kid, "a credential key does not open with the master key");
        return Ok(None);
    };
    let Ok(secret) = p256::SecretKey::from_slice(&scalar) else {
        return Ok(None);
    };
    let Ok(der) = secret.to_pkcs8_der() else {
        return Ok(None);
    };
    Ok(Some(CredentialSigner {
        key: EncodingKey::from_ec_der(der.as_bytes()),
        row,
    }))
}

/// Retires the branch's active keys and makes a new one.
pub(crate) async fn rotate(
    db: &impl ConnectionTrait,
    master: &MasterKey,
    branch_id: Uuid,
    branch_code: &str,
    now: DateTime<Utc>,
) -> Result<key::Model, DbErr> {
    let active = Keys::find()
        .filter(key::Column::BranchId.eq(branch_id))
        .filter(key::Column::Status.eq(key::Status::Active))
        .all(db)
        .await?;
    for row in active {
        let mut row: key::ActiveModel = row.into();
        row.status = Set(key::Status::Retired);
        row.retired_at = Set(Some(now));
        row.update(db).await?;
    }
    create(db, master, branch_id, branch_code, now).await
}

/// Every credential key of a branch, newest first: all stay published.
pub(crate) async fn published(db: &impl ConnectionTrait, branch_id: Uuid) -> Result<Vec<key::Model>, DbErr> {
    Keys::find()
        .filter(key::Column::BranchId.eq(branch_id))
        .order_by_desc(key::Column::CreatedAt)
        .all(db)
        .await
}

/// One key by its short id.
pub(crate) async fn by_kid(db: &impl ConnectionTrait, kid: &str) -> Result<Option<key::Model>, DbErr> {
    Keys::find().filter(key::Column::Kid.eq(kid)).one(db).await
}

/// The public key as a JWK (RFC 7518 EC, P-256), its `kid` the given URL.
pub(crate) fn jwk(row: &key::Model, kid_url: &str) -> Value {
    // SEC1 uncompressed: 0x04 || x (32 bytes) || y (32 bytes).
    let (x, y) = match row.public_key.as_slice() {
        [4, rest @ ..] if rest.len() == 64 => rest.split_at(32),
        _ => (&[][..], &[][..]),
    };
    json!({
        "kty": "EC",
        "crv": "P-256",
        "x": URL_SAFE_NO_PAD.encode(x),
        "y": URL_SAFE_NO_PAD.encode(y),
        "kid": kid_url,
        "alg": "ES256",
        "use": "sig",
    })
}
