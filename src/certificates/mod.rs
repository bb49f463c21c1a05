//! Certificates: issued once, emailed, verifiable (Open Badges 3.0 VC-JWT)
//! and checkable on a public page.

pub(crate) mod code;
pub(crate) mod commands;
pub(crate) mod credential;
pub(crate) mod dto;
pub(crate) mod entity;
pub(crate) mod error;
pub(crate) mod issuance;
pub(crate) mod issuer;
pub(crate) mod issuer_routes;
pub(crate) mod page;
pub(crate) mod page_frame;
pub(crate) mod qr;
pub(crate) mod reminders;
pub(crate) mod routes;
pub(crate) mod service;
pub(crate) mod signing;
pub(crate) mod status_list;
pub(crate) mod status_list_entity;
pub(crate) mod urls;
pub(crate) mod verify;

pub(crate) use error::CertificateError;

/// A trainee sees only their own certificates; administrators their branch's.
impl crate::tenancy::BranchOwned for entity::Entity {
    const BRANCH: entity::Column = entity::Column::BranchId;
    const OWNER: Option<entity::Column> = Some(entity::Column::UserId);
}
