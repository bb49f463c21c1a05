//! Certificates: issued once, emailed, verifiable (Open Badges 3.0 VC-JWT)
//! and checkable on a public page.

pub mod code;
pub mod commands;
pub mod credential;
pub mod dto;
pub mod entity;
pub mod error;
pub mod page;
pub mod page_frame;
pub mod qr;
pub mod routes;
pub mod service;
pub mod verify;

pub use error::CertificateError;

/// A trainee sees only their own certificates; administrators their branch's.
impl crate::tenancy::BranchOwned for entity::Entity {
    const BRANCH: entity::Column = entity::Column::BranchId;
    const OWNER: Option<entity::Column> = Some(entity::Column::UserId);
}
