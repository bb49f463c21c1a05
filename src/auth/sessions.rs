//! Whether the user an access token names may still use it.
//!
//! A valid signature only says a branch key signed the token. The token is
//! accepted only if the user it names (`sub`) exists, is active, belongs to
//! the branch whose key signed it, holds the role it claims, and has not
//! ended their sessions (logout, password change, deactivation) since the
//! token was issued. Headquarters administrators must come with a
//! headquarters key. These facts are cached per user for a few seconds, so
//! the check costs no database round trip on the hot path; every change to
//! them is announced (`cluster::Event::User`) and clears the entry on every
//! node at once, the time limit only covering a lost announcement.

use super::keys::Verifier;
use super::tokens::Claims;
use super::{Role, tokens};
use crate::error::ApiError;
use crate::state::AppState;
use crate::users::entity::{self as user, Entity as Users};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QuerySelect};
use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a user's cached standing is trusted without an announcement.
const CACHE_TTL: Duration = Duration::from_secs(10);
const MAX_ENTRIES: usize = 100_000;

/// What the check needs to know of a user.
#[derive(Clone, Debug)]
pub struct Standing {
    pub branch_id: Uuid,
    pub role: String,
    pub active: bool,
    /// Tokens with `iat` before this (Unix seconds) are refused.
    pub tokens_valid_after: Option<i64>,
}

#[derive(Default)]
pub struct Sessions {
    /// Bumped by every `forget`/`clear`, so a lookup that raced with one
    /// does not store what it read before the change.
    generation: AtomicU64,
    entries: RwLock<HashMap<Uuid, (Standing, Instant)>>,
}

impl Sessions {
    /// The user's standing (cached), or `None` if there is no such user.
    pub async fn standing(&self, db: &impl ConnectionTrait, user_id: Uuid) -> Result<Option<Standing>, DbErr> {
        if let Some((standing, at)) = self.entries.read().unwrap_or_else(|p| p.into_inner()).get(&user_id)
            && at.elapsed() < CACHE_TTL
        {
            return Ok(Some(standing.clone()));
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let row = Users::find_by_id(user_id)
            .select_only()
            .columns([
                user::Column::BranchId,
                user::Column::Role,
                user::Column::Status,
                user::Column::TokensValidAfter,
            ])
            .into_tuple::<(Uuid, String, String, Option<chrono::DateTime<chrono::Utc>>)>()
            .one(db)
            .await?;
        let Some((branch_id, role, status, valid_after)) = row else {
            return Ok(None);
        };
        let standing = Standing {
            branch_id,
            role,
            active: status == crate::users::service::ACTIVE,
            tokens_valid_after: valid_after.map(|t| t.timestamp()),
        };
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::SeqCst) == generation {
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, (_, at)| at.elapsed() < CACHE_TTL);
                if entries.len() >= MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(user_id, (standing.clone(), Instant::now()));
        }
        Ok(Some(standing))
    }

    /// Drops one user's entry (their sessions ended or they changed).
    pub fn forget(&self, user_id: Uuid) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::SeqCst);
        entries.remove(&user_id);
    }

    pub fn clear(&self) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::SeqCst);
        entries.clear();
    }
}

/// Refuses (401) a correctly signed token whose user may not use it.
pub async fn admit(state: &AppState, claims: &Claims, verifier: &Verifier) -> Result<Role, ApiError> {
    let role = Role::parse(&claims.role).ok_or_else(ApiError::unauthenticated)?;
    if role == Role::HqAdmin && verifier.branch_code != crate::branches::service::HQ {
        return Err(ApiError::unauthenticated());
    }
    let standing = state
        .sessions
        .standing(&state.db, claims.sub)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    if admissible(&standing, claims, verifier.branch_id) {
        Ok(role)
    } else {
        Err(ApiError::unauthenticated())
    }
}

fn admissible(standing: &Standing, claims: &Claims, branch_id: Uuid) -> bool {
    standing.active
        && standing.branch_id == branch_id
        && standing.role == claims.role
        && !tokens::issued_before(claims, standing.tokens_valid_after)
}
