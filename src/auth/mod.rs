//! Authentication and tenancy: per-branch signing keys, access and refresh
//! tokens, passwords, login throttling, and the `Caller`/`Scope` types.

pub mod caller;
pub mod crypto;
pub mod key_entity;
pub mod keys;
pub mod password;
pub mod refresh;
pub mod refresh_entity;
pub mod routes;
pub mod sessions;
pub mod throttle;
pub mod tokens;

pub use caller::{Caller, Role, Scope};
