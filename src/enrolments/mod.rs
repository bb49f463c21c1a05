//! Enrolments: trainees in cohorts, CSV import, lesson progress.

pub(crate) mod activity;
pub(crate) mod activity_buffer;
pub(crate) mod commands;
pub(crate) mod completion_entity;
pub(crate) mod csv_import;
pub(crate) mod dto;
pub(crate) mod entity;
pub(crate) mod error;
pub(crate) mod import;
pub(crate) mod import_command;
pub(crate) mod import_plan;
pub(crate) mod members;
pub(crate) mod routes;
pub(crate) mod service;

pub(crate) use error::EnrolmentError;

/// A trainee sees only their own enrolments; administrators their branch's.
impl crate::tenancy::BranchOwned for entity::Entity {
    const BRANCH: entity::Column = entity::Column::BranchId;
    const OWNER: Option<entity::Column> = Some(entity::Column::UserId);
}
