//! Reports: completion across branches, CSV export, talent pool.

pub(crate) mod audit_log;
pub(crate) mod completion;
pub(crate) mod csv;
mod names;
pub(crate) mod routes;
pub(crate) mod talent;
pub(crate) mod zone;
