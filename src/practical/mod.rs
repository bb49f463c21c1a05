//! Practical sign-off: headquarters' checklists per course, and the
//! append-only assessments that assessors record in the workshop. A course
//! whose checklist is required certifies only after a passed assessment
//! (see `progress::reevaluate`).

pub(crate) mod assessment_entity;
pub(crate) mod assessments;
pub(crate) mod checklist_entity;
pub(crate) mod checklists;
pub(crate) mod error;
pub(crate) mod item_entity;
pub(crate) mod photo_entity;
pub(crate) mod photos;
pub(crate) mod result_entity;
pub(crate) mod routes;
pub(crate) mod views;

pub(crate) use error::PracticalError;

impl crate::tenancy::BranchOwned for assessment_entity::Entity {
    const BRANCH: assessment_entity::Column = assessment_entity::Column::BranchId;
    const OWNER: Option<assessment_entity::Column> = Some(assessment_entity::Column::UserId);
}
