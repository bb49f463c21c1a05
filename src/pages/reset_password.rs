//! `GET /reset-password?token=…` and `POST /reset-password`: the page behind
//! the password-reset email, in the same shell as the invitation page. The
//! new password is set by the same service as
//! `POST /api/v1/auth/password-reset/confirm`.
//!
//! Not in the module tree yet: it calls `crate::auth::password_reset_user`
//! and `crate::auth::confirm_password_reset`, which come with the reset API.
//! To serve it, declare `pub(crate) mod reset_password;` in `pages/mod.rs`
//! and add `set_password::add_routes::<reset_password::Reset>(r);` to
//! `pages::routes` (and adjust the two paths below if the functions live in
//! a submodule of `auth` that is not re-exported). If the reset API has an
//! error variant of its own for a used, expired or unknown token (or a
//! deactivated user), add it to `link_spent` so that the page says the link
//! is no longer valid instead of showing a fault.

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
        matches!(
            err,
            AuthError::InvitationInvalid | AuthError::SignedOut | AuthError::InvalidCredentials
        )
    }
}
