//! What can go wrong with a user account, in the area's words; mapped once
//! into the problem document a client sends back.

use super::throttle::Refused;
use crate::error::{ApiError, FieldError, ProblemCode};
use actix_web::http::StatusCode;
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// A branch administrator may only create trainees.
    #[error("this role may not create a user with that role")]
    RoleNotAllowed,
    /// Only headquarters administrators change roles.
    #[error("only headquarters administrators change roles")]
    RoleChangeNotAllowed,
    /// An administrator tried to deactivate their own account.
    #[error("an administrator cannot deactivate their own account")]
    CannotDeactivateSelf,
    /// No such user, or one the caller may not see.
    #[error("no such user")]
    NotFound,
    #[error("invalid user fields")]
    Invalid(Vec<FieldError>),
    /// Another user of the branch has this email (compared normalised).
    #[error("email already taken in this branch")]
    EmailTaken,
    /// The signed-in user no longer exists (their token is answered as signed out).
    #[error("the signed-in user is gone")]
    SignedOut,
    /// Too many wrong current passwords (the login throttle).
    #[error("too many password attempts; retry in {retry_after}s")]
    Throttled { retry_after: u64 },
    /// No live session of the caller's with this id (another user's is the same).
    #[error("no such session")]
    SessionNotFound,
    /// The user cannot sign in (invited or deactivated): no reset link for them.
    #[error("the user is not active")]
    NotActive,
    /// The user has no invitation waiting (accepted already, or never invited).
    #[error("the user is not waiting for an invitation")]
    NotInvited,
    #[error("password hashing failed")]
    Hashing,
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<Refused> for UserError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::TooMany { retry_after } => UserError::Throttled { retry_after },
            Refused::Db(e) => UserError::Db(e),
        }
    }
}

impl From<UserError> for ApiError {
    fn from(err: UserError) -> Self {
        match err {
            UserError::RoleNotAllowed => ApiError::forbidden(),
            UserError::RoleChangeNotAllowed => ApiError::new(StatusCode::FORBIDDEN, ProblemCode::RoleChangeNotAllowed),
            UserError::CannotDeactivateSelf => ApiError::conflict(ProblemCode::CannotDeactivateSelf),
            UserError::NotFound => ApiError::not_found(),
            UserError::Invalid(errors) => ApiError::validation(errors),
            UserError::EmailTaken => ApiError::conflict(ProblemCode::EmailTaken),
            UserError::SignedOut => ApiError::unauthenticated(),
            UserError::Throttled { retry_after } => ApiError::too_many_requests(retry_after),
            UserError::SessionNotFound => ApiError::not_found(),
            UserError::NotActive => ApiError::conflict(ProblemCode::UserNotActive),
            UserError::NotInvited => ApiError::conflict(ProblemCode::NotInvited),
            UserError::Hashing => ApiError::internal_from(&err),
            UserError::Db(e) => e.into(),
        }
    }
}
