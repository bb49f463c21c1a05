//! Lost access: one-time password-reset links, invitations sent again, and
//! the invitation state shown on a user.
//!
//! A reset link, like an invitation link, carries a long random token that
//! is stored only as a hash and travels through the outbox sealed (see
//! `notifications::outbox::seal_secrets`); it works once, for an hour, and
//! only for an active user.

use super::UserError;
use super::commands::client_of;
use super::entity::{self as user, Entity as Users};
use super::invitation_entity::{self as invitation, Entity as Invitations};
use super::password_reset_entity::{self as password_reset, Entity as PasswordResets};
use super::service::{self, ACTIVE, INVITED};
use super::throttle::{self, Limit};
use crate::audit::AuditEntry;
use crate::branches::entity::{self as branch, Entity as Branches};
use crate::command::Command;
use crate::crypto::token_hash;
use crate::notifications::{Email, enqueue};
use crate::state::AppState;
use crate::tenancy::{self, Actor};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration as StdDuration;
use uuid::Uuid;

/// How long a password-reset link works.
pub(crate) const RESET_MINUTES: i64 = 60;

const HOUR: StdDuration = StdDuration::from_secs(60 * 60);
/// Emails an administrator may have sent to one user (reset or invitation) per hour.
const EMAILS_PER_USER_PER_HOUR: u32 = 5;
/// Emails one client (an administrator's address) may have sent per hour.
const EMAILS_PER_CLIENT_PER_HOUR: u32 = 60;

/// Where a user's invitation stands: `pending` (the link works), `expired`
/// (send it again), `accepted` (the user chose a password). Users created
/// with a password have none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum InvitationState {
    Pending,
    Expired,
    Accepted,
}

/// The state of each of `users`' invitations (absent for users never invited).
pub(crate) async fn invitation_states(
    db: &impl ConnectionTrait,
    users: &[Uuid],
    now: DateTime<Utc>,
) -> Result<HashMap<Uuid, InvitationState>, DbErr> {
    if users.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = Invitations::find()
        .filter(invitation::Column::UserId.is_in(users.iter().copied()))
        .all(db)
        .await?;
    let mut by_user: HashMap<Uuid, Vec<invitation::Model>> = HashMap::new();
    for row in rows {
        by_user.entry(row.user_id).or_default().push(row);
    }
    Ok(by_user.into_iter().map(|(user_id, rows)| (user_id, state_of(&rows, now))).collect())
}

/// One user's invitation state.
pub(crate) async fn invitation_state(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<InvitationState>, DbErr> {
    Ok(invitation_states(db, &[user_id], now).await?.remove(&user_id))
}

fn state_of(rows: &[invitation::Model], now: DateTime<Utc>) -> InvitationState {
    if rows.iter().any(|r| r.used_at.is_some()) {
        return InvitationState::Accepted;
    }
    let latest = rows.iter().max_by_key(|r| (r.created_at, r.id));
    match latest {
        Some(r) if r.expires_at > now => InvitationState::Pending,
        _ => InvitationState::Expired,
    }
}

/// A new reset link for `row` with `token` (stored only as its hash) and the
/// email that carries it, sealed, in the user's language.
pub(crate) fn reset_parts(
    state: &AppState,
    branch: &branch::Model,
    row: &user::Model,
    token: &str,
    now: DateTime<Utc>,
) -> (password_reset::ActiveModel, Email) {
    let reset = password_reset::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(row.id),
        token_hash: Set(token_hash(token)),
        expires_at: Set(now + Duration::minutes(RESET_MINUTES)),
        used_at: Set(None),
        created_at: Set(now),
    };
    let minutes = Value::from(RESET_MINUTES);
    let email = service::link_email(
        state,
        branch,
        row,
        "password-reset",
        "reset-password",
        token,
        [("minutes", minutes)],
    );
    (reset, email)
}

/// Stores a reset link made of `token` for `row` and queues its email.
pub(crate) async fn issue_reset(
    state: &AppState,
    db: &impl ConnectionTrait,
    branch: &branch::Model,
    row: &user::Model,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (reset, email) = reset_parts(state, branch, row, token, now);
    reset.insert(db).await?;
    enqueue(db, email, now).await?;
    state.metrics.outbox.queued.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Ok(())
}

/// The reset link `token` names, if it is unused and unexpired, with its
/// user, if that user is active.
pub(crate) async fn find_reset(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(password_reset::Model, user::Model)>, DbErr> {
    let Some(reset) = PasswordResets::find()
        .filter(password_reset::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
        .filter(|r| r.used_at.is_none() && r.expires_at > now)
    else {
        return Ok(None);
    };
    let owner = Users::find_by_id(reset.user_id).one(db).await?.filter(|u| u.status == ACTIVE);
    Ok(owner.map(|u| (reset, u)))
}

/// Spends the reset link `reset_id` (only if still unused and unexpired at
/// `now`; of two concurrent uses only one gets `true`) and every other
/// unused link of its user.
pub(crate) async fn spend_reset(db: &impl ConnectionTrait, reset_id: Uuid, user_id: Uuid, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let used = PasswordResets::update_many()
        .col_expr(password_reset::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(password_reset::Column::Id.eq(reset_id))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    if used.rows_affected == 0 {
        return Ok(false);
    }
    spend_all_resets(db, user_id, now).await?;
    Ok(true)
}

/// Ends every reset link of the user not used yet: whatever ends a user's
/// sessions (a password set or changed, a deactivation) ends them too.
pub(crate) async fn spend_all_resets(db: &impl ConnectionTrait, user_id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    PasswordResets::update_many()
        .col_expr(password_reset::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(password_reset::Column::UserId.eq(user_id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// A user an administrator may act on (visible through tenancy), with their branch.
async fn visible_user(state: &AppState, actor: &Actor, user_id: Uuid) -> Result<(user::Model, branch::Model), UserError> {
    let row = tenancy::find_visible::<Users>(&state.db, actor, user_id)
        .await?
        .ok_or(UserError::NotFound)?;
    let branch = Branches::find_by_id(row.branch_id)
        .one(&state.db)
        .await?
        .ok_or(UserError::NotFound)?;
    Ok((row, branch))
}

/// Emails sent by administrators about one user: bounded per user and per client.
async fn limit_admin_emails(state: &AppState, actor: &Actor, what: &str, user_id: Uuid) -> Result<(), UserError> {
    let limits = [
        Limit::new(what, &[&user_id.to_string()], EMAILS_PER_USER_PER_HOUR, HOUR),
        Limit::per_client("admin_email.client", client_of(actor), EMAILS_PER_CLIENT_PER_HOUR, HOUR),
    ];
    throttle::limit(state, &limits).await?;
    Ok(())
}

/// An administrator has a password-reset link emailed to an active user of their scope.
pub(crate) async fn send_password_reset(state: &AppState, actor: &Actor, user_id: Uuid) -> Result<(), UserError> {
    let (row, branch) = visible_user(state, actor, user_id).await?;
    if row.status != ACTIVE {
        return Err(UserError::NotActive);
    }
    limit_admin_emails(state, actor, "reset.by_admin", row.id).await?;
    let token = crate::crypto::random_token();
    let mut cmd = Command::begin(state, actor).await?;
    issue_reset(state, cmd.txn(), &branch, &row, &token, cmd.now()).await?;
    cmd.audit(
        AuditEntry::new("user.password_reset_request", "user", row.id)
            .branch(branch.id)
            .details(serde_json::json!({"by_admin": true})),
    );
    cmd.commit().await?;
    Ok(())
}

/// An administrator sends a user who has not accepted their invitation a
/// new link; the links sent before stop working. Returns the user and their branch.
pub(crate) async fn resend_invitation(state: &AppState, actor: &Actor, user_id: Uuid) -> Result<(user::Model, branch::Model), UserError> {
    let (row, branch) = visible_user(state, actor, user_id).await?;
    if row.status != INVITED {
        return Err(UserError::NotInvited);
    }
    limit_admin_emails(state, actor, "invitation.resend", row.id).await?;
    let mut cmd = Command::begin(state, actor).await?;
    // Only a user still invited (not accepted meanwhile) gets a new link.
    let still_invited = Users::find_by_id(row.id)
        .filter(user::Column::Status.eq(INVITED))
        .one(cmd.txn())
        .await?
        .ok_or(UserError::NotInvited)?;
    Invitations::delete_many()
        .filter(invitation::Column::UserId.eq(row.id))
        .filter(invitation::Column::UsedAt.is_null())
        .exec(cmd.txn())
        .await?;
    service::invite(state, cmd.txn(), &branch, &still_invited, cmd.now()).await?;
    cmd.audit(AuditEntry::new("user.invitation_resend", "user", row.id).branch(branch.id));
    cmd.commit().await?;
    Ok((still_invited, branch))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(created: i64, expires: i64, used: bool) -> invitation::Model {
        let at = |s| DateTime::from_timestamp(s, 0).unwrap();
        invitation::Model {
            id: Uuid::now_v7(),
            user_id: Uuid::nil(),
            token_hash: String::new(),
            expires_at: at(expires),
            used_at: used.then(|| at(created + 1)),
            created_at: at(created),
        }
    }

    #[test]
    fn the_latest_invitation_decides_unless_one_was_accepted() {
        let now = DateTime::from_timestamp(1_000, 0).unwrap();
        assert_eq!(state_of(&[row(0, 2_000, false)], now), InvitationState::Pending);
        assert_eq!(state_of(&[row(0, 500, false)], now), InvitationState::Expired);
        assert_eq!(
            state_of(&[row(0, 500, false), row(600, 2_000, false)], now),
            InvitationState::Pending
        );
        assert_eq!(state_of(&[row(0, 500, true)], now), InvitationState::Accepted);
    }
}
