//! The sign-in flows, for callers who hold no access token yet: login,
//! refresh, logout, accepting an invitation. The writes of each are one
//! `Command` started for an anonymous author (`Command::begin_as`).

use super::AuthError;
use super::tokens::{self, Subject};
use crate::audit::{AuditEntry, Author};
use crate::branches::entity::Entity as Branches;
use crate::branches::service as branches;
use crate::command::Command;
use crate::state::AppState;
use crate::tenancy::Origin;
use crate::text;
use crate::users::entity::{self as user, Entity as Users};
use crate::users::invitation_entity::{self as invitation, Entity as Invitations};
use crate::users::password;
use crate::users::refresh::{self, Family, Spent};
use crate::users::service as users;
use crate::users::throttle;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use std::net::IpAddr;
use std::sync::atomic::Ordering;

/// A new access token and the refresh token that follows it.
pub(crate) struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// Mints an access token and a refresh token of `family` (stored with `db`).
async fn pair(
    state: &AppState,
    db: &impl ConnectionTrait,
    row: &user::Model,
    branch_code: &str,
    family: &Family,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Tokens, AuthError> {
    let subject = Subject {
        user_id: row.id,
        branch_id: row.branch_id,
        branch_code,
        role: row.role.as_str(),
        locale: &row.locale,
        tokens_valid_after: row.tokens_valid_after,
        session: family.id,
    };
    let (access_token, expires_in) = tokens::issue(state, &subject).await?;
    let ttl = chrono::Duration::from_std(state.config.refresh_token_ttl).unwrap_or(chrono::Duration::days(30));
    let refresh_token = refresh::issue(db, row.id, family, now, ttl).await?;
    Ok(Tokens {
        access_token,
        refresh_token,
        expires_in,
    })
}

/// A token a client sends back: refused if it has characters or a length
/// no token of ours has (it is hashed, so this is about the answer being
/// clear, not about the database).
pub(super) fn check_token(field: &str, value: &str) -> Result<(), AuthError> {
    text::TOKEN.check(field, value).map(|_| ()).map_err(|e| AuthError::Invalid(vec![e]))
}

/// Who signs in: the client address (for the throttle) and the device
/// label (see `users::device`) the new session is listed with.
pub(crate) struct SignIn {
    pub client: IpAddr,
    pub device: Option<String>,
}

/// The throttle key of the account
/// (`branch_code`, `email`): text that could never be stored is refused
/// before anything else looks at it; a clean but unknown branch or address
/// is the caller's to answer.
pub(crate) fn account_key(branch_code: &str, email: &str) -> Result<String, AuthError> {
    let mut errors = Vec::new();
    if let Err(e) = text::check_lookup("branch", branch_code, 8) {
        errors.push(e);
    }
    let email_key = text::email::lookup_key("email", email).map_err(|e| errors.push(e)).ok();
    let Some(email_key) = email_key.filter(|_| errors.is_empty()) else {
        return Err(AuthError::Invalid(errors));
    };
    Ok(throttle::account(branch_code, &email_key))
}

/// The branch named by `branch_code` and its user with `email`, each if
/// there is one (a malformed branch code is simply no branch).
pub(crate) async fn find_account(
    state: &AppState,
    branch_code: &str,
    email: &str,
) -> Result<(Option<crate::branches::entity::Model>, Option<user::Model>), DbErr> {
    let branch = if branches::valid_code(&branch_code.to_ascii_uppercase()) {
        branches::find_by_code(&state.db, branch_code).await?
    } else {
        None
    };
    let found = match &branch {
        Some(b) => users::find_in_branch(&state.db, b.id, email).await?,
        None => None,
    };
    Ok((branch, found))
}

/// Signs in from `from`. Unknown email and wrong password get the same
/// answer, after the same work.
pub(crate) async fn login(state: &AppState, from: SignIn, branch_code: &str, email: &str, given: &str) -> Result<Tokens, AuthError> {
    let client = from.client;
    // Text that could never be stored is refused before anything else looks
    // at it; a clean but unknown branch or address is a plain 401 below.
    let account = account_key(branch_code, email)?;
    let attempt = throttle::begin(state, &account, client).await.inspect_err(|refused| {
        if matches!(refused, throttle::Refused::TooMany { .. }) {
            state.metrics.logins_throttled.fetch_add(1, Ordering::Relaxed);
        }
    })?;
    let (branch, found) = find_account(state, branch_code, email).await?;
    let candidate = found.filter(|u| u.status == users::ACTIVE && u.password_hash.is_some());
    let given = given.to_string();
    let ok = match &candidate {
        Some(u) => {
            let stored = u.password_hash.clone().unwrap_or_default();
            password::verify_async(given, stored).await
        }
        None => {
            password::verify_dummy_async(given).await;
            false
        }
    };
    let (Some(row), Some(branch), true) = (candidate, branch, ok) else {
        throttle::failed(state, &attempt).await?;
        return Err(AuthError::InvalidCredentials);
    };
    throttle::succeeded(state, &attempt).await?;
    let now = state.clock.now();
    let family = Family::start(from.device, now);
    pair(state, &state.db, &row, &branch.code, &family, now).await
}

/// Trades a refresh token for a new pair. A spent token revokes its family.
pub(crate) async fn refresh(state: &AppState, token: &str) -> Result<Tokens, AuthError> {
    check_token("refresh_token", token)?;
    let cmd = Command::begin_as(state, Author::default()).await?;
    let (user_id, family) = match refresh::spend(cmd.txn(), token, cmd.now()).await? {
        Spent::Fresh { user_id, family } => (user_id, family),
        Spent::Reused => {
            // The revocation must stick even though the answer is an error.
            cmd.commit().await?;
            tracing::warn!("a spent refresh token was presented; its family is revoked");
            return Err(AuthError::SignedOut);
        }
        Spent::Invalid => return Err(AuthError::SignedOut),
    };
    let row = Users::find_by_id(user_id)
        .one(cmd.txn())
        .await?
        .filter(|u| u.status == users::ACTIVE)
        .ok_or(AuthError::SignedOut)?;
    let branch = Branches::find_by_id(row.branch_id)
        .one(cmd.txn())
        .await?
        .ok_or(AuthError::SignedOut)?;
    let tokens = pair(state, cmd.txn(), &row, &branch.code, &family, cmd.now()).await?;
    cmd.commit().await?;
    Ok(tokens)
}

/// Ends the session the refresh token belongs to, and every access token
/// the user holds (on every node); other devices refresh and carry on.
pub(crate) async fn logout(state: &AppState, token: &str) -> Result<(), AuthError> {
    check_token("refresh_token", token)?;
    let mut cmd = Command::begin_as(state, Author::default()).await?;
    if let Some(user_id) = refresh::revoke_by_token(cmd.txn(), token, cmd.now()).await? {
        users::end_access_tokens_in(&mut cmd, user_id).await?;
    }
    cmd.commit().await?;
    Ok(())
}

/// The invitation `token` names while it can still be accepted: not used,
/// not expired. The one test of an invitation's validity, for the API and
/// for the page behind the link.
async fn open_invitation(state: &AppState, token: &str) -> Result<Option<invitation::Model>, DbErr> {
    let now = state.clock.now();
    Ok(Invitations::find()
        .filter(invitation::Column::TokenHash.eq(crate::crypto::token_hash(token)))
        .one(&state.db)
        .await?
        .filter(|i| i.used_at.is_none() && i.expires_at > now))
}

/// The user an invitation token would set the password of, while the
/// invitation is open (the page behind the link greets them in their
/// language); `None` for a token that is not one, or no longer valid.
pub(crate) async fn invited_user(state: &AppState, token: &str) -> Result<Option<user::Model>, DbErr> {
    if token.is_empty() || check_token("token", token).is_err() {
        return Ok(None);
    }
    match open_invitation(state, token).await? {
        Some(invite) => Ok(Users::find_by_id(invite.user_id)
            .one(&state.db)
            .await?
            .filter(|u| u.status != users::DEACTIVATED)),
        None => Ok(None),
    }
}

/// Sets the password of an invited user with the one-time token from the
/// invitation email, and signs them in. The audit entry names the user.
pub(crate) async fn accept_invite(
    state: &AppState,
    origin: Origin,
    device: Option<String>,
    token: &str,
    new_password: &str,
) -> Result<Tokens, AuthError> {
    check_token("token", token)?;
    let rules = password::check_rules("password", new_password);
    if !rules.is_empty() {
        return Err(AuthError::Invalid(rules));
    }
    let invite = open_invitation(state, token).await?.ok_or(AuthError::InvitationInvalid)?;
    // A user deactivated before accepting is not brought back by the link.
    let invited = Users::find_by_id(invite.user_id)
        .one(&state.db)
        .await?
        .filter(|u| u.status == users::INVITED)
        .ok_or(AuthError::InvitationInvalid)?;
    let hash = password::hash_async(new_password.to_string()).await.ok_or(AuthError::Hashing)?;
    let author = Author {
        user_id: Some(invited.id),
        email: Some(invited.email.clone()),
        origin,
    };
    let mut cmd = Command::begin_as(state, author).await?;
    // Conditional: two concurrent uses of one token cannot both succeed.
    let used = Invitations::update_many()
        .col_expr(invitation::Column::UsedAt, Expr::value(cmd.now()))
        .filter(invitation::Column::Id.eq(invite.id))
        .filter(invitation::Column::UsedAt.is_null())
        .exec(cmd.txn())
        .await?;
    if used.rows_affected == 0 {
        return Err(AuthError::InvitationInvalid);
    }
    let mut active: user::ActiveModel = invited.into();
    active.password_hash = Set(Some(hash));
    active.status = Set(users::ACTIVE);
    active.updated_at = Set(cmd.now());
    let row = active.update(cmd.txn()).await?;
    // A password set ends whatever came before it.
    users::end_sessions_in(&mut cmd, row.id).await?;
    let row = Users::find_by_id(row.id)
        .one(cmd.txn())
        .await?
        .ok_or(AuthError::InvitationInvalid)?;
    let branch = Branches::find_by_id(row.branch_id)
        .one(cmd.txn())
        .await?
        .ok_or(AuthError::InvitationInvalid)?;
    cmd.audit(AuditEntry::new("user.accept_invite", "user", row.id).branch(branch.id));
    let family = Family::start(device, cmd.now());
    let tokens = pair(state, cmd.txn(), &row, &branch.code, &family, cmd.now()).await?;
    cmd.commit().await?;
    Ok(tokens)
}
