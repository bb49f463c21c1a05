//! The audit log: who changed which record, when and from where. Rows are
//! written in the same transaction as the change they describe (service
//! commands add an [`AuditEntry`] to their `Command`); the log is read
//! through `reports::audit_log`.

pub(crate) mod entity;
pub(crate) mod entry;

pub(crate) use entry::{AuditEntry, Author, write_entry};
