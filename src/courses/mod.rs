//! The headquarters course catalogue: courses, lessons, translations with
//! per-field fallback, publishing to branches.

pub mod commands;
pub mod course_entity;
pub mod course_translation_entity;
pub mod dto;
pub mod error;
pub mod lesson_commands;
pub mod lesson_entity;
pub mod lesson_translation_entity;
pub mod offering_entity;
pub mod routes;
pub mod service;
pub mod status;
pub mod texts;
pub mod writes;

pub use error::CourseError;

/// An offer of a headquarters course to one branch: a branch sees the
/// courses offered to it (see `service::visibility`).
impl crate::tenancy::BranchOwned for offering_entity::Entity {
    const BRANCH: offering_entity::Column = offering_entity::Column::BranchId;
}
