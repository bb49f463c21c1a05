//! Cohorts: a branch's intake of trainees for one course.

pub mod entity;
pub mod error;
pub mod routes;
pub mod service;

pub use error::CohortError;

impl crate::tenancy::BranchOwned for entity::Entity {
    const BRANCH: entity::Column = entity::Column::BranchId;
}
