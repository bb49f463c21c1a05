//! `GET /accept-invite?token=…` and `POST /accept-invite`: the page behind
//! the invitation email. The invited user chooses a password; the invitation
//! is accepted by the same service as `POST /api/v1/auth/accept-invite`.

use super::set_password::Flow;
use crate::auth::AuthError;
use crate::auth::service;
use crate::state::AppState;
use crate::tenancy::Origin;
use crate::users::entity as user;
use sea_orm::DbErr;

/// Accepting an invitation.
pub(crate) struct Invite;

impl Flow for Invite {
    const PATH: &'static str = "accept-invite";
    const TEXTS: &'static str = "invite";

    async fn user(state: &AppState, token: &str) -> Result<Option<user::Model>, DbErr> {
        service::invited_user(state, token).await
    }

    /// The API answers with tokens; the page signs nobody in (the app does),
    /// so the session they start is ended at once.
    async fn set_password(state: &AppState, origin: Origin, token: &str, password: &str) -> Result<(), AuthError> {
        let tokens = service::accept_invite(state, origin, None, token, password).await?;
        service::logout(state, &tokens.refresh_token).await
    }
}
