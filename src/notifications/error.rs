//! What can go wrong with a queued email, in the area's words; mapped once
//! into the problem document a client sees.

use crate::error::{ApiError, FieldError, ProblemCode};
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    /// Missing, or for a branch the caller may not see (answered alike).
    #[error("notification not found")]
    NotFound,
    #[error("invalid filter")]
    Invalid(Vec<FieldError>),
    /// Only a failed email can be put back in the queue.
    #[error("the email has not failed")]
    NotFailed,
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<NotificationError> for ApiError {
    fn from(err: NotificationError) -> Self {
        match err {
            NotificationError::NotFound => ApiError::not_found(),
            NotificationError::Invalid(errors) => ApiError::validation(errors),
            NotificationError::NotFailed => ApiError::conflict(ProblemCode::NotFailed),
            NotificationError::Db(e) => e.into(),
        }
    }
}
