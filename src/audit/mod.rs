//! The audit log: who changed which record, when and from where.

pub mod entity;
pub mod service;

pub use service::record;
