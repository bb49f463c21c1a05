//! `GET /reset-password?token=…` and `POST /reset-password`: the page behind
//! the password-reset email, in the same shell as the invitation page. The
//! new password is set by the same service as
//! `POST /api/v1/auth/password-reset/confirm`.

use super::set_password::Flow;
use crate::auth::AuthError;
use crate::state::AppState;
use crate::tenancy::Origin;
use crate::users::entity as user;
use sea_orm::DbErr;

/// Resetting a forgotten password.
pub(crate) struct Reset;

impl Flow for Reset {
    const PATH: &'static str = "reset-password";
    const TEXTS: &'static str = "reset";

    async fn user(state: &AppState, token: &str) -> Result<Option<user::Model>, DbErr> {
        crate::auth::password_reset_user(state, token).await
    }

    async fn set_password(state: &AppState, origin: Origin, token: &str, password: &str) -> Result<(), AuthError> {
        crate::auth::confirm_password_reset(state, origin, token, password).await
    }

    fn link_spent(err: &AuthError) -> bool {
        matches!(err, AuthError::ResetInvalid | AuthError::SignedOut | AuthError::InvalidCredentials)
    }
}
