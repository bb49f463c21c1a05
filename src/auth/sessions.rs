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
//!
//! The user's saved locale comes with the standing, so a language change
//! (`PATCH /users/me`) speaks from the next request on, with the same token.

use super::tokens;
use super::tokens::Claims;
use crate::error::ApiError;
use crate::i18n::Locale;
use crate::signing::Verifier;
use crate::state::AppState;
use crate::tenancy::Role;
pub(crate) use crate::tenancy::sessions::Standing;
use crate::users::entity::{self as user, Entity as Users};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// Reads the standings of some users from the database (one query; users
/// that do not exist are left out).
async fn load_standings(db: &impl ConnectionTrait, user_ids: Vec<Uuid>) -> Result<HashMap<Uuid, Standing>, DbErr> {
    let rows = Users::find()
        .select_only()
        .columns([
            user::Column::Id,
            user::Column::BranchId,
            user::Column::Role,
            user::Column::Status,
            user::Column::TokensValidAfter,
            user::Column::Locale,
        ])
        .filter(user::Column::Id.is_in(user_ids))
        .into_tuple::<(Uuid, Uuid, String, user::Status, Option<chrono::DateTime<chrono::Utc>>, String)>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, branch_id, role, status, valid_after, locale)| {
            let standing = Standing {
                branch_id,
                role,
                active: status == crate::users::service::ACTIVE,
                tokens_valid_after: valid_after.map(|t| t.timestamp()),
                locale,
            };
            (id, standing)
        })
        .collect())
}

/// Refuses (401) a correctly signed token whose user may not use it;
/// otherwise answers the role and the user's current locale.
pub(crate) async fn admit(state: &AppState, claims: &Claims, verifier: &Verifier) -> Result<(Role, Locale), ApiError> {
    let role = Role::parse(&claims.role).ok_or_else(ApiError::unauthenticated)?;
    if role == Role::HqAdmin && verifier.branch_code != crate::branches::service::HQ {
        return Err(ApiError::unauthenticated());
    }
    let standing = state
        .sessions
        .standing(claims.sub, |ids| load_standings(&state.db, ids))
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    if admissible(&standing, claims, verifier.branch_id) {
        let locale = Locale::from_canonical(&standing.locale)
            .or_else(|| Locale::from_canonical(&claims.locale))
            .unwrap_or(Locale::En);
        Ok((role, locale))
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
