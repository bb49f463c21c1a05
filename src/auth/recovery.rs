//! A forgotten password: asking for a reset link (for anyone, without
//! revealing whether the account exists) and using it. The page behind the
//! link (`/reset-password`) calls `password_reset_user` and
//! `confirm_password_reset` too.

use super::AuthError;
use super::service::check_token;
use crate::audit::{AuditEntry, Author};
use crate::branches::entity::Entity as Branches;
use crate::command::Command;
use crate::crypto::{random_token, token_hash};
use crate::state::AppState;
use crate::tenancy::Origin;
use crate::users::entity::{self as user, Entity as Users};
use crate::users::password;
use crate::users::recovery;
use crate::users::service as users;
use crate::users::throttle::{self, Limit};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

/// Reset requests for one account (branch and email, known or not) per hour.
const REQUESTS_PER_ACCOUNT: u32 = 3;
const ACCOUNT_WINDOW: Duration = Duration::from_secs(60 * 60);
/// Reset requests from one client per 15 minutes, whatever the accounts.
const REQUESTS_PER_CLIENT: u32 = 10;
/// Uses of reset links (right or wrong) from one client per 15 minutes.
const CONFIRMS_PER_CLIENT: u32 = 10;
const CLIENT_WINDOW: Duration = Duration::from_secs(15 * 60);
/// A reset request is answered no sooner than this, whether or not the
/// account exists: queueing the email must not show in the timing.
const ANSWER_FLOOR: Duration = Duration::from_millis(200);

fn client_of(origin: &Origin) -> IpAddr {
    origin
        .address
        .as_deref()
        .and_then(|a| a.parse().ok())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// Asks for a reset link for the account `email` of `branch_code`. The same
/// answer, after the same work, whether or not the account exists; the
/// email goes out only to an active user.
pub(crate) async fn request_password_reset(state: &AppState, origin: Origin, branch_code: &str, email: &str) -> Result<(), AuthError> {
    let started = Instant::now();
    let outcome = request(state, origin, branch_code, email).await;
    if let Some(rest) = ANSWER_FLOOR.checked_sub(started.elapsed()) {
        tokio::time::sleep(rest).await;
    }
    outcome
}

async fn request(state: &AppState, origin: Origin, branch_code: &str, email: &str) -> Result<(), AuthError> {
    let account = super::service::account_key(branch_code, email)?;
    let limits = [
        Limit::per_client("reset.client", client_of(&origin), REQUESTS_PER_CLIENT, CLIENT_WINDOW),
        Limit::new("reset.account", &[&account], REQUESTS_PER_ACCOUNT, ACCOUNT_WINDOW),
    ];
    throttle::limit(state, &limits).await?;
    let (branch, found) = super::service::find_account(state, branch_code, email).await?;
    // The token is made either way: only whether it is stored differs.
    let token = random_token();
    let _ = token_hash(&token);
    let (Some(branch), Some(row)) = (branch, found.filter(|u| u.status == users::ACTIVE)) else {
        return Ok(());
    };
    let author = Author {
        user_id: None,
        email: None,
        origin,
    };
    let mut cmd = Command::begin_as(state, author).await?;
    recovery::issue_reset(state, cmd.txn(), &branch, &row, &token, cmd.now()).await?;
    cmd.audit(AuditEntry::new("user.password_reset_request", "user", row.id).branch(branch.id));
    cmd.commit().await?;
    Ok(())
}

/// The active user a valid, unused, unexpired reset token belongs to; `None`
/// for any other token. For the `/reset-password` page.
pub(crate) async fn password_reset_user(state: &AppState, token: &str) -> Result<Option<user::Model>, DbErr> {
    if check_token("token", token).is_err() || token.is_empty() {
        return Ok(None);
    }
    Ok(recovery::find_reset(&state.db, token, state.clock.now()).await?.map(|(_, row)| row))
}

/// Sets a new password with a reset token: the token is spent (of two
/// concurrent uses only one succeeds), every session of the user ends on
/// every node (refresh and access tokens), and the change is audited. An
/// unknown, used or expired token, or one whose user is not active, is one
/// answer: `AuthError::ResetInvalid`.
pub(crate) async fn confirm_password_reset(state: &AppState, origin: Origin, token: &str, password: &str) -> Result<(), AuthError> {
    check_token("token", token)?;
    let client = client_of(&origin);
    let limits = [Limit::per_client(
        "reset.confirm.client",
        client,
        CONFIRMS_PER_CLIENT,
        CLIENT_WINDOW,
    )];
    throttle::limit(state, &limits).await?;
    let (reset, row) = recovery::find_reset(&state.db, token, state.clock.now())
        .await?
        .ok_or(AuthError::ResetInvalid)?;
    let rules = password::check_rules("password", password);
    if !rules.is_empty() {
        return Err(AuthError::Invalid(rules));
    }
    let hash = password::hash_async(password.to_string()).await.ok_or(AuthError::Hashing)?;
    let author = Author {
        user_id: Some(row.id),
        email: Some(row.email.clone()),
        origin,
    };
    let mut cmd = Command::begin_as(state, author).await?;
    if !recovery::spend_reset(cmd.txn(), reset.id, row.id, cmd.now()).await? {
        return Err(AuthError::ResetInvalid);
    }
    // Only while the user is still active (not deactivated meanwhile).
    let updated = Users::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(Some(hash)))
        .col_expr(user::Column::UpdatedAt, Expr::value(cmd.now()))
        .filter(user::Column::Id.eq(row.id))
        .filter(user::Column::Status.eq(users::ACTIVE))
        .exec(cmd.txn())
        .await?;
    if updated.rows_affected == 0 {
        return Err(AuthError::ResetInvalid);
    }
    users::end_sessions_in(&mut cmd, row.id).await?;
    cmd.audit(AuditEntry::new("user.password_reset", "user", row.id).branch(row.branch_id));
    cmd.commit().await?;
    // The owner, locked out by their own wrong guesses, may sign in at once.
    if let Some(branch) = Branches::find_by_id(row.branch_id).one(&state.db).await? {
        throttle::forgive(state, &throttle::account(&branch.code, &row.email), client).await?;
    }
    Ok(())
}
