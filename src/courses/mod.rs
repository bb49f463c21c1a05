//! The headquarters course catalogue: courses, lessons, translations with
//! per-field fallback, publishing to branches.

pub mod course_entity;
pub mod course_translation_entity;
pub mod dto;
pub mod lesson_entity;
pub mod lesson_translation_entity;
pub mod offering_entity;
pub mod routes;
pub mod service;
pub mod status;
pub mod texts;
