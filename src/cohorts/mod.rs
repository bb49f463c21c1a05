//! Cohorts: a branch's intake of trainees for one course.

pub(crate) mod entity;
pub(crate) mod error;
pub(crate) mod names;
pub(crate) mod routes;
pub(crate) mod service;

pub(crate) use error::CohortError;

impl crate::tenancy::BranchOwned for entity::Entity {
    const BRANCH: entity::Column = entity::Column::BranchId;
}
