//! What can go wrong with organisations and consents, mapped once into the
//! problem document a client sees.

use crate::error::{ApiError, FieldError};
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    /// Missing, or outside what the caller may see (answered alike).
    #[error("organisation or consent not found")]
    NotFound,
    #[error("invalid organisation fields")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<OrgError> for ApiError {
    fn from(err: OrgError) -> Self {
        match err {
            OrgError::NotFound => ApiError::not_found(),
            OrgError::Invalid(errors) => ApiError::validation(errors),
            OrgError::Db(e) => e.into(),
        }
    }
}
