//! Reports: completion across branches, CSV export, talent pool.

pub mod audit_log;
pub mod completion;
pub mod csv;
pub mod routes;
pub mod talent;
