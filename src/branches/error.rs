//! What can go wrong with a branch, in the area's words; mapped once into
//! the problem document a client sees.

use crate::error::{ApiError, FieldError, ProblemCode};
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum BranchError {
    /// Missing, or a branch the caller may not see (answered alike).
    #[error("branch not found")]
    NotFound,
    #[error("invalid branch fields")]
    Invalid(Vec<FieldError>),
    /// Another branch has this code.
    #[error("a branch with this code exists")]
    Exists,
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<BranchError> for ApiError {
    fn from(err: BranchError) -> Self {
        match err {
            BranchError::NotFound => ApiError::not_found(),
            BranchError::Invalid(errors) => ApiError::validation(errors),
            BranchError::Exists => ApiError::conflict(ProblemCode::BranchExists),
            BranchError::Db(e) => e.into(),
        }
    }
}
