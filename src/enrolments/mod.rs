//! Enrolments: trainees in cohorts, CSV import, lesson progress.

pub mod completion_entity;
pub mod entity;
pub mod routes;
pub mod service;
