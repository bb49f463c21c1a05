//! Enrolments: trainees in cohorts, CSV import, lesson progress.

pub mod completion_entity;
pub mod csv_import;
pub mod entity;
pub mod import;
pub mod routes;
pub mod service;
