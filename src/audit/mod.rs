//! The audit log: who changed which record, when and from where. Rows are
//! written in the same transaction as the change they describe.

pub mod entity;
pub mod routes;
pub mod service;

pub use service::record;
