//! Refresh tokens: opaque, stored hashed, single use, rotated on every use.
//! Presenting a spent token means it was stolen or replayed, so the whole
//! family descended from that login is revoked.

use super::refresh_entity::{self as refresh, Entity as RefreshTokens};
use crate::crypto::{random_token, token_hash};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// A refresh-token family: one sign-in on one device (a "session").
#[derive(Clone, Debug)]
pub(crate) struct Family {
    pub id: Uuid,
    /// The device label (see `users::device`).
    pub device: Option<String>,
    pub started_at: DateTime<Utc>,
}

impl Family {
    /// A new family, for a sign-in at `now` from `device`.
    pub(crate) fn start(device: Option<String>, now: DateTime<Utc>) -> Family {
        Family {
            id: Uuid::now_v7(),
            device,
            started_at: now,
        }
    }

    fn of(row: &refresh::Model) -> Family {
        Family {
            id: row.family_id,
            device: row.device.clone(),
            started_at: row.session_started_at.unwrap_or(row.created_at),
        }
    }
}

/// Stores a new token of `family` and returns the raw token.
pub(crate) async fn issue(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    family: &Family,
    now: DateTime<Utc>,
    ttl: chrono::Duration,
) -> Result<String, DbErr> {
    let token = random_token();
    refresh::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        family_id: Set(family.id),
        token_hash: Set(token_hash(&token)),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
        device: Set(family.device.clone()),
        session_started_at: Set(Some(family.started_at)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

pub(crate) enum Spent {
    /// The token was good and is now used; mint the next one in this family.
    Fresh { user_id: Uuid, family: Family },
    /// Unknown, expired or revoked.
    Invalid,
    /// Used before: the family has been revoked.
    Reused,
}

/// Uses up a refresh token. The conditional update makes two concurrent uses
/// of one token count as a reuse, never as two fresh uses.
pub(crate) async fn spend(db: &impl ConnectionTrait, token: &str, now: DateTime<Utc>) -> Result<Spent, DbErr> {
    let Some(row) = RefreshTokens::find()
        .filter(refresh::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
    else {
        return Ok(Spent::Invalid);
    };
    if row.revoked_at.is_some() {
        return Ok(Spent::Invalid);
    }
    if row.used_at.is_some() {
        revoke_family(db, row.family_id, now).await?;
        return Ok(Spent::Reused);
    }
    if row.expires_at <= now {
        return Ok(Spent::Invalid);
    }
    let updated = RefreshTokens::update_many()
        .col_expr(refresh::Column::UsedAt, Expr::value(now))
        .filter(refresh::Column::Id.eq(row.id))
        .filter(refresh::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        revoke_family(db, row.family_id, now).await?;
        return Ok(Spent::Reused);
    }
    Ok(Spent::Fresh {
        user_id: row.user_id,
        family: Family::of(&row),
    })
}

pub(crate) async fn revoke_family(db: &impl ConnectionTrait, family_id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    RefreshTokens::update_many()
        .col_expr(refresh::Column::RevokedAt, Expr::value(now))
        .filter(refresh::Column::FamilyId.eq(family_id))
        .filter(refresh::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

/// Logout: revokes the family of `token`, if it is one of ours. Returns the
/// user whose session this was, if the token was still live (not revoked,
/// not expired): only such a token may end the user's access tokens.
pub(crate) async fn revoke_by_token(db: &impl ConnectionTrait, token: &str, now: DateTime<Utc>) -> Result<Option<Uuid>, DbErr> {
    let Some(row) = RefreshTokens::find()
        .filter(refresh::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    revoke_family(db, row.family_id, now).await?;
    Ok((row.revoked_at.is_none() && row.expires_at > now).then_some(row.user_id))
}

/// After a password change every session of the user ends.
pub(crate) async fn revoke_all_for_user(db: &impl ConnectionTrait, user_id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    RefreshTokens::update_many()
        .col_expr(refresh::Column::RevokedAt, Expr::value(now))
        .filter(refresh::Column::UserId.eq(user_id))
        .filter(refresh::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

/// The user's live sessions: the head (the one unspent, unrevoked,
/// unexpired token) of each family, oldest sign-in first by family id
/// (UUIDv7), up to `limit + 1` after the cursor (see `List::from_rows`).
pub(crate) async fn live_heads(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
    page: crate::http::page::Page,
) -> Result<Vec<refresh::Model>, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    let mut query = RefreshTokens::find()
        .filter(refresh::Column::UserId.eq(user_id))
        .filter(refresh::Column::RevokedAt.is_null())
        .filter(refresh::Column::UsedAt.is_null())
        .filter(refresh::Column::ExpiresAt.gt(now));
    if let Some(after) = page.after {
        query = query.filter(refresh::Column::FamilyId.gt(after));
    }
    query.order_by_asc(refresh::Column::FamilyId).limit(page.limit + 1).all(db).await
}

/// Revokes the user's live family `family_id`; false if the user has no
/// such live session (someone else's, ended, or unknown).
pub(crate) async fn revoke_live_family(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    family_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let live = RefreshTokens::find()
        .filter(refresh::Column::UserId.eq(user_id))
        .filter(refresh::Column::FamilyId.eq(family_id))
        .filter(refresh::Column::RevokedAt.is_null())
        .filter(refresh::Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    if live.is_none() {
        return Ok(false);
    }
    revoke_family(db, family_id, now).await?;
    Ok(true)
}
