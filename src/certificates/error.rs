//! What can go wrong with a certificate, in the area's words; mapped once
//! into the problem document a client sees.

use crate::error::{ApiError, FieldError, ProblemCode};
use sea_orm::DbErr;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    /// Missing, or not the caller's to see (answered alike).
    #[error("certificate not found")]
    NotFound,
    #[error("invalid certificate fields")]
    Invalid(Vec<FieldError>),
    /// A revoked certificate cannot be re-issued.
    #[error("certificate revoked")]
    Revoked,
    /// The issuing branch has no key to sign credentials with.
    #[error("no signing key for branch {branch_id}")]
    NoSigningKey { branch_id: Uuid },
    /// A credential to sign was not a JSON object (a broken invariant).
    #[error("a credential to sign is not a JSON object")]
    CredentialNotObject,
    #[error("signing a credential failed")]
    Signing(#[from] jsonwebtoken::errors::Error),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<CertificateError> for ApiError {
    fn from(err: CertificateError) -> Self {
        match err {
            CertificateError::NotFound => ApiError::not_found(),
            CertificateError::Invalid(errors) => ApiError::validation(errors),
            CertificateError::Revoked => ApiError::conflict(ProblemCode::CertificateRevoked),
            CertificateError::NoSigningKey { .. } | CertificateError::CredentialNotObject | CertificateError::Signing(_) => {
                ApiError::internal_from(&err)
            }
            CertificateError::Db(e) => e.into(),
        }
    }
}
