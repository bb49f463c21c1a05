//! Authentication and tenancy: per-branch signing keys, access and refresh
//! tokens, passwords, login throttling, and building the `Caller` from a
//! request. The `Caller`/`Scope`/`Role` types live in `crate::tenancy`.

pub(crate) mod caller;
pub(crate) mod error;
pub(crate) mod recovery;
pub(crate) mod routes;
pub(crate) mod service;
pub(crate) mod sessions;
pub mod tokens;

pub use error::AuthError;
// For the pages behind the reset link (`/reset-password`).
pub(crate) use recovery::{confirm_password_reset, password_reset_user};
