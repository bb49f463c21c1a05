//! What can go wrong while a trainee makes progress: the exam area's
//! errors, and the enrolments area's answers about the enrolment; mapped
//! once into the problem document a client sees.

use crate::certificates::CertificateError;
use crate::enrolments::EnrolmentError;
use crate::error::ApiError;
use crate::exams::ExamError;
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    #[error(transparent)]
    Exam(#[from] ExamError),
    /// The enrolments area's answer about the enrolment (not found, not
    /// active), mapped as that area maps it.
    #[error(transparent)]
    Enrolment(#[from] EnrolmentError),
    /// Signing the credential of a certificate just issued.
    #[error(transparent)]
    Certificate(#[from] CertificateError),
    /// A practical assessment refused (see `practical`).
    #[error(transparent)]
    Practical(#[from] crate::practical::PracticalError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<ProgressError> for ApiError {
    fn from(err: ProgressError) -> Self {
        match err {
            ProgressError::Exam(e) => e.into(),
            ProgressError::Enrolment(e) => e.into(),
            ProgressError::Certificate(e) => e.into(),
            ProgressError::Practical(e) => e.into(),
            ProgressError::Db(e) => e.into(),
        }
    }
}
