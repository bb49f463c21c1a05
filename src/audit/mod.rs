//! The audit log: who changed which record, when and from where. Rows are
//! written in the same transaction as the change they describe; the log is
//! read through `reports::audit_log`.

pub mod entity;
pub mod service;

pub use service::record;
