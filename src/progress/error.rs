//! What can go wrong while a trainee makes progress: the exam area's
//! errors, and the enrolments area's answers about the enrolment; mapped
//! once into the problem document a client sees.

use crate::error::ApiError;
use crate::exams::ExamError;
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    #[error(transparent)]
    Exam(#[from] ExamError),
    /// The enrolments area's answer about the enrolment (not found, not
    /// active), as that area maps it.
    #[error("enrolment: {0}")]
    Enrolment(ApiError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl ProgressError {
    /// Wraps an error of the enrolments area (whatever its type, it maps
    /// into the problem document that area answers).
    pub fn enrolment(err: impl Into<ApiError>) -> Self {
        ProgressError::Enrolment(err.into())
    }
}

impl From<ProgressError> for ApiError {
    fn from(err: ProgressError) -> Self {
        match err {
            ProgressError::Exam(e) => e.into(),
            ProgressError::Enrolment(e) => e,
            ProgressError::Db(e) => e.into(),
        }
    }
}
