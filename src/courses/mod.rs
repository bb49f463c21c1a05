//! The headquarters course catalogue: courses, lessons, translations with
//! per-field fallback, publishing to branches.

pub(crate) mod asset_commands;
pub(crate) mod assets;
pub(crate) mod commands;
pub(crate) mod course_entity;
pub(crate) mod course_translation_entity;
pub(crate) mod dto;
pub(crate) mod error;
pub(crate) mod lesson_commands;
pub(crate) mod lesson_entity;
pub(crate) mod lesson_translation_entity;
pub(crate) mod offering_entity;
pub(crate) mod routes;
pub(crate) mod service;
pub(crate) mod status;
pub(crate) mod texts;
pub(crate) mod upload_chunks;
pub(crate) mod upload_commands;
pub(crate) mod upload_entity;
pub(crate) mod upload_part_entity;
pub(crate) mod uploads;
pub(crate) mod writes;

pub(crate) use error::CourseError;

/// An offer of a headquarters course to one branch: a branch sees the
/// courses offered to it (see `service::visibility`).
impl crate::tenancy::BranchOwned for offering_entity::Entity {
    const BRANCH: offering_entity::Column = offering_entity::Column::BranchId;
}
