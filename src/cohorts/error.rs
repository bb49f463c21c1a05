//! What can go wrong with a cohort, in the area's words; mapped once into
//! the problem document a client sees.

use crate::error::{ApiError, FieldError, ProblemCode};
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum CohortError {
    /// Missing, or in a branch the caller may not see (answered alike).
    #[error("cohort not found")]
    NotFound,
    #[error("invalid cohort fields")]
    Invalid(Vec<FieldError>),
    #[error("capacity below the {enrolled} seats taken")]
    CapacityBelowEnrolled { enrolled: i32 },
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<CohortError> for ApiError {
    fn from(err: CohortError) -> Self {
        match err {
            CohortError::NotFound => ApiError::not_found(),
            CohortError::Invalid(errors) => ApiError::validation(errors),
            CohortError::CapacityBelowEnrolled { enrolled } => {
                ApiError::conflict(ProblemCode::CapacityBelowEnrolled).arg("enrolled", i64::from(enrolled))
            }
            CohortError::Db(e) => e.into(),
        }
    }
}
