//! What can go wrong signing in, refreshing or accepting an invitation, in
//! the area's words; mapped once into the problem document a client sees.

use super::tokens::IssueError;
use crate::error::{ApiError, FieldError, ProblemCode};
use crate::users::throttle::Refused;
use actix_web::http::StatusCode;
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Text no account or token of ours can have.
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    /// Too many attempts on the account or from the client.
    #[error("too many attempts; retry in {retry_after}s")]
    Throttled { retry_after: u64 },
    /// Unknown branch or email, or a wrong password (answered alike).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// An unknown, spent or revoked refresh token, or a user who may no
    /// longer sign in.
    #[error("not signed in")]
    SignedOut,
    /// An unknown, used or expired invitation token.
    #[error("invalid invitation")]
    InvitationInvalid,
    /// An unknown, used or expired password-reset token, or one whose user
    /// may not sign in.
    #[error("invalid password reset link")]
    ResetInvalid,
    #[error("password hashing failed")]
    Hashing,
    #[error(transparent)]
    Issue(#[from] IssueError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<Refused> for AuthError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::TooMany { retry_after } => AuthError::Throttled { retry_after },
            Refused::Db(e) => AuthError::Db(e),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::Invalid(errors) => ApiError::validation(errors),
            AuthError::Throttled { retry_after } => ApiError::too_many_requests(retry_after),
            AuthError::InvalidCredentials => ApiError::new(StatusCode::UNAUTHORIZED, ProblemCode::InvalidCredentials),
            AuthError::SignedOut => ApiError::unauthenticated(),
            AuthError::InvitationInvalid => ApiError::bad_request(ProblemCode::InvitationInvalid),
            AuthError::ResetInvalid => ApiError::bad_request(ProblemCode::PasswordResetInvalid),
            AuthError::Issue(IssueError::Db(e)) | AuthError::Db(e) => e.into(),
            AuthError::Hashing | AuthError::Issue(_) => ApiError::internal_from(&err),
        }
    }
}
