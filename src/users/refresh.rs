//! Refresh tokens: opaque, stored hashed, single use, rotated on every use.
//! Presenting a spent token means it was stolen or replayed, so the whole
//! family descended from that login is revoked.

use super::refresh_entity::{self as refresh, Entity as RefreshTokens};
use crate::crypto::{random_token, token_hash};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// Stores a new token of `family` and returns the raw token.
pub(crate) async fn issue(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    family_id: Uuid,
    now: DateTime<Utc>,
    ttl: chrono::Duration,
) -> Result<String, DbErr> {
    let token = random_token();
    refresh::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        family_id: Set(family_id),
        token_hash: Set(token_hash(&token)),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(token)
}

pub(crate) enum Spent {
    /// The token was good and is now used; mint the next one in this family.
    Fresh { user_id: Uuid, family_id: Uuid },
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
        family_id: row.family_id,
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
