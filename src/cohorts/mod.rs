//! Cohorts: a branch's intake of trainees for one course.

pub mod entity;
pub mod routes;
pub mod service;
