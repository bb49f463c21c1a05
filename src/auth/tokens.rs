//! Access tokens: EdDSA JWTs signed by the user's branch key (API.md, Auth).
//!
//! Verification accepts a token only if its `kid` names a usable key of the
//! very branch in its `branch` claim, its audience is that branch, its issuer
//! is `zhijiang`, and it is within its lifetime on the service clock. Only
//! `EdDSA` is accepted: `none`, HMAC-with-the-public-key and every other
//! algorithm fail before any key is used. A token may live no longer than
//! the configured access-token lifetime, however long its own `exp` says.
//! `auth::sessions` then checks the user it names.

use crate::error::ApiError;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::Serialize;
use sha2::Digest;
use uuid::Uuid;

pub const ISSUER: &str = "zhijiang";
/// Clock skew tolerated on `exp`/`nbf`/`iat`, in seconds.
const LEEWAY_SECONDS: i64 = 30;

pub use crate::signing::Claims;

/// What the login answer needs of a user.
pub struct Subject<'a> {
    pub user_id: Uuid,
    pub branch_id: Uuid,
    pub branch_code: &'a str,
    pub role: &'a str,
    pub locale: &'a str,
    /// The user's `tokens_valid_after`: the token's `iat` is never before it.
    pub tokens_valid_after: Option<DateTime<Utc>>,
    /// The session (refresh-token family) the token belongs to.
    pub session: Uuid,
}

pub use crate::signing::cutoff_after;

/// The `iat` of a token signed at `now` (Unix seconds): never before the
/// user's cut-off, which is at most a second ahead of `now`, well inside
/// every verifier's leeway.
fn issued_at(now: i64, tokens_valid_after: Option<DateTime<Utc>>) -> i64 {
    tokens_valid_after.map_or(now, |cutoff| cutoff.timestamp().max(now))
}

/// Whether a token was issued before its user's cut-off.
pub fn issued_before(claims: &Claims, tokens_valid_after: Option<i64>) -> bool {
    tokens_valid_after.is_some_and(|cutoff| claims.iat < cutoff)
}

/// Why an access token could not be signed (a fault on our side).
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("branch {branch} has no usable signing key")]
    NoSigningKey { branch: String },
    #[error("signing failed")]
    Signing(#[from] jsonwebtoken::errors::Error),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

/// Signs an access token; returns it with its lifetime in seconds.
pub async fn issue(state: &AppState, subject: &Subject<'_>) -> Result<(String, i64), IssueError> {
    let signer = state
        .keys
        .signer(&state.db, subject.branch_id)
        .await?
        .ok_or_else(|| IssueError::NoSigningKey {
            branch: subject.branch_code.to_string(),
        })?;
    let now = state.clock.now().timestamp();
    let ttl = i64::try_from(state.config.access_token_ttl.as_secs()).unwrap_or(i64::MAX);
    let issued = issued_at(now, subject.tokens_valid_after);
    let claims = Claims {
        sub: subject.user_id,
        branch: subject.branch_code.to_string(),
        role: subject.role.to_string(),
        locale: subject.locale.to_string(),
        iss: ISSUER.to_string(),
        aud: subject.branch_code.to_string(),
        iat: issued,
        nbf: now,
        exp: now + ttl,
        jti: Uuid::new_v4(),
        sid: Some(subject.session),
    };
    let token = sign(&signer.kid, &signer.key, &claims)?;
    Ok((token, ttl))
}

pub fn sign(kid: &str, key: &jsonwebtoken::EncodingKey, claims: &impl Serialize) -> Result<String, jsonwebtoken::errors::Error> {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_string());
    header.typ = Some("JWT".into());
    jsonwebtoken::encode(&header, claims, key)
}

/// Checks a bearer token; any failure is the same 401. A token seen and
/// verified in the last 30 seconds skips the signature check; its lifetime is
/// checked every time.
pub async fn verify(state: &AppState, token: &str) -> Result<(Claims, crate::signing::Verifier), ApiError> {
    let digest: [u8; 32] = sha2::Sha256::digest(token.as_bytes()).into();
    let now = state.clock.now().timestamp();
    let ttl = i64::try_from(state.config.access_token_ttl.as_secs()).unwrap_or(i64::MAX);
    let in_lifetime = |c: &Claims| {
        !(c.exp + LEEWAY_SECONDS < now || c.nbf - LEEWAY_SECONDS > now || c.iat - LEEWAY_SECONDS > now)
            // No longer-lived tokens than this service issues, whoever signed them.
            && c.exp - c.iat <= ttl
            && c.exp <= now + ttl + LEEWAY_SECONDS
    };
    if let Some((claims, verifier)) = state.keys.recently_verified(&digest) {
        return if in_lifetime(&claims) {
            Ok((claims, verifier))
        } else {
            Err(ApiError::unauthenticated())
        };
    }
    let generation = state.keys.generation();
    let (claims, verifier) = verify_fully(state, token).await?;
    if !in_lifetime(&claims) {
        return Err(ApiError::unauthenticated());
    }
    state.keys.remember_verified(digest, claims.clone(), verifier.clone(), generation);
    Ok((claims, verifier))
}

/// A key's branch: its code and default locale.
async fn branch_of_key(db: &sea_orm::DatabaseConnection, branch_id: Uuid) -> Result<Option<(String, String)>, sea_orm::DbErr> {
    use sea_orm::EntityTrait;
    let branch = crate::branches::entity::Entity::find_by_id(branch_id).one(db).await?;
    Ok(branch.map(|b| (b.code, b.default_locale)))
}

async fn verify_fully(state: &AppState, token: &str) -> Result<(Claims, crate::signing::Verifier), ApiError> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| ApiError::unauthenticated())?;
    if header.alg != Algorithm::EdDSA {
        return Err(ApiError::unauthenticated());
    }
    let kid = header.kid.ok_or_else(ApiError::unauthenticated)?;
    let verifier = state
        .keys
        .verifier(&state.db, &kid, |branch_id| branch_of_key(&state.db, branch_id))
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    if !verifier.usable {
        return Err(ApiError::unauthenticated());
    }
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[verifier.branch_code.as_str()]);
    validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
    // Lifetimes are checked by the caller against the service clock.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    let data = jsonwebtoken::decode::<Claims>(token, &verifier.key, &validation).map_err(|_| ApiError::unauthenticated())?;
    let claims = data.claims;
    if claims.branch != verifier.branch_code {
        return Err(ApiError::unauthenticated());
    }
    Ok((claims, verifier))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(iat: i64) -> Claims {
        Claims {
            sub: Uuid::nil(),
            branch: "BKK".into(),
            role: "trainee".into(),
            locale: "th".into(),
            iss: ISSUER.into(),
            aud: "BKK".into(),
            iat,
            nbf: iat,
            exp: iat + 900,
            jti: Uuid::nil(),
            sid: None,
        }
    }

    /// A token signed at `at` by a user whose cut-off is `cutoff`.
    fn signed_at(at: DateTime<Utc>, cutoff: Option<DateTime<Utc>>) -> Claims {
        claims(issued_at(at.timestamp(), cutoff))
    }

    #[test]
    fn within_one_second_tokens_before_a_cutoff_end_and_tokens_after_it_live() {
        let t = |s: i64, ms: u32| DateTime::from_timestamp(s, ms * 1_000_000).unwrap();
        for change in [t(1_000, 400), t(1_000, 0), t(1_000, 999)] {
            let cutoff = cutoff_after(change);
            let valid_after = Some(cutoff.timestamp());
            // Earlier in the same second, and in the second before.
            for before in [t(1_000, 0), t(999, 999)] {
                if before <= change {
                    assert!(
                        issued_before(&signed_at(before, None), valid_after),
                        "{before} vs change at {change}"
                    );
                }
            }
            // Later in the same second, and in the seconds after.
            for after in [t(1_000, 999), t(1_001, 0), t(1_002, 500)] {
                if after >= change {
                    let token = signed_at(after, Some(cutoff));
                    assert!(!issued_before(&token, valid_after), "{after} vs change at {change}");
                    assert!(token.iat <= after.timestamp() + 1, "never more than a second ahead");
                }
            }
        }
        assert!(!issued_before(&claims(5), None), "no cut-off, nothing ends");
    }
}
