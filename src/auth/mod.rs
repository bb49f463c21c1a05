//! Authentication and tenancy: per-branch signing keys, access and refresh
//! tokens, passwords, login throttling, and building the `Caller` from a
//! request. The `Caller`/`Scope`/`Role` types live in `crate::tenancy`.

pub(crate) mod caller;
pub(crate) mod error;
pub(crate) mod routes;
pub(crate) mod service;
pub(crate) mod sessions;
pub mod tokens;

pub use error::AuthError;
