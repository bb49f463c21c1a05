//! What can go wrong with practical checklists and assessments, mapped once
//! into the problem document a client sees.

use crate::error::{ApiError, FieldError, ProblemCode};
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum PracticalError {
    /// Missing, or outside the caller's scope (answered alike).
    #[error("not found")]
    NotFound,
    #[error("invalid practical fields")]
    Invalid(Vec<FieldError>),
    /// The trainee has no enrolment in the course (not withdrawn).
    #[error("the trainee is not enrolled in the course")]
    NotEnrolled,
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<PracticalError> for ApiError {
    fn from(err: PracticalError) -> Self {
        match err {
            PracticalError::NotFound => ApiError::not_found(),
            PracticalError::Invalid(errors) => ApiError::validation(errors),
            PracticalError::NotEnrolled => ApiError::conflict(ProblemCode::TraineeNotEnrolled),
            PracticalError::Db(e) => e.into(),
        }
    }
}
