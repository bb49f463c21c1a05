//! Enrolments: trainees in cohorts, CSV import, lesson progress.

pub mod commands;
pub mod completion_entity;
pub mod csv_import;
pub mod dto;
pub mod entity;
pub mod error;
pub mod import;
pub mod import_command;
pub mod import_plan;
pub mod routes;
pub mod service;

pub use error::{CsvError, EnrolmentError};

/// A trainee sees only their own enrolments; administrators their branch's.
impl crate::tenancy::BranchOwned for entity::Entity {
    const BRANCH: entity::Column = entity::Column::BranchId;
    const OWNER: Option<entity::Column> = Some(entity::Column::UserId);
}
