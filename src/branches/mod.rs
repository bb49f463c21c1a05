//! Branches: the tenants. Headquarters is the branch `HQ`.

pub mod commands;
pub mod countries;
pub mod entity;
pub mod error;
pub mod routes;
pub mod service;

pub use error::BranchError;

/// A branch belongs to itself: headquarters sees every branch, anyone else
/// only their own.
impl crate::tenancy::BranchOwned for entity::Entity {
    const BRANCH: entity::Column = entity::Column::Id;
}
