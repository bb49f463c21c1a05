//! Branches: the tenants. Headquarters is the branch `HQ`.

pub(crate) mod commands;
pub(crate) mod countries;
pub(crate) mod entity;
pub(crate) mod error;
pub(crate) mod routes;
pub mod service;

pub use error::BranchError;

/// A branch belongs to itself: headquarters sees every branch, anyone else
/// only their own.
impl crate::tenancy::BranchOwned for entity::Entity {
    const BRANCH: entity::Column = entity::Column::Id;
}
