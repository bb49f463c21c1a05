//! A user's own sessions: each is a refresh-token family, started by one
//! sign-in on one device (see `refresh`). The user lists them, ends one, or
//! ends them all. Ending is a `Command` (audited, announced).

use super::UserError;
use super::refresh;
use super::refresh_entity as token;
use super::service;
use crate::audit::AuditEntry;
use crate::command::Command;
use crate::http::page::Page;
use crate::state::AppState;
use crate::tenancy::{Actor, Caller};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde_json::json;
use uuid::Uuid;

/// One live session as listed.
pub(crate) struct Session {
    pub id: Uuid,
    pub device: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Its sign-in or latest token refresh.
    pub last_used_at: DateTime<Utc>,
    /// The session the caller's access token was issued for.
    pub current: bool,
}

impl Session {
    fn of(head: token::Model, caller: &Caller) -> Session {
        Session {
            id: head.family_id,
            current: caller.session_id == Some(head.family_id),
            device: head.device,
            created_at: head.session_started_at.unwrap_or(head.created_at),
            last_used_at: head.created_at,
        }
    }
}

/// One page of the caller's live sessions (up to `limit + 1`: see
/// `List::from_rows`), by sign-in time.
pub(crate) async fn list(db: &impl ConnectionTrait, caller: &Caller, now: DateTime<Utc>, page: Page) -> Result<Vec<Session>, UserError> {
    let heads = refresh::live_heads(db, caller.user_id, now, page).await?;
    Ok(heads.into_iter().map(|h| Session::of(h, caller)).collect())
}

/// Ends one of the actor's sessions: its refresh token is refused from now
/// on, and (as with logout) every access token the actor holds ends on
/// every node, so a device that is gone cannot carry on with one; the
/// actor's other sessions refresh and carry on. Another user's session, or
/// one already ended, is `SessionNotFound`.
pub(crate) async fn end(state: &AppState, actor: &Actor, session_id: Uuid) -> Result<(), UserError> {
    let mut cmd = Command::begin(state, actor).await?;
    if !refresh::revoke_live_family(cmd.txn(), actor.user_id, session_id, cmd.now()).await? {
        return Err(UserError::SessionNotFound);
    }
    service::end_access_tokens_in(&mut cmd, actor.user_id).await?;
    cmd.audit(
        AuditEntry::new("user.session_end", "user", actor.user_id)
            .branch(actor.branch_id)
            .details(json!({"session": session_id, "current": actor.session_id == Some(session_id)})),
    );
    cmd.commit().await?;
    Ok(())
}

/// Signs the actor out everywhere: every refresh token and every access
/// token, this request's included, on every node.
pub(crate) async fn end_all(state: &AppState, actor: &Actor) -> Result<(), UserError> {
    let mut cmd = Command::begin(state, actor).await?;
    service::end_sessions_in(&mut cmd, actor.user_id).await?;
    cmd.audit(AuditEntry::new("user.sessions_end_all", "user", actor.user_id).branch(actor.branch_id));
    cmd.commit().await?;
    Ok(())
}
