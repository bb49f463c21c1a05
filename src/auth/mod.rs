//! Authentication and tenancy: per-branch signing keys, access and refresh
//! tokens, passwords, login throttling, and building the `Caller` from a
//! request. The `Caller`/`Scope`/`Role` types live in `crate::tenancy`.

pub mod caller;
pub mod error;
pub mod routes;
pub mod service;
pub mod sessions;
pub mod tokens;

pub use error::AuthError;

// Kept for callers outside `src/`; code in `src/` names `crate::crypto` and
// `crate::tenancy` directly.
pub use crate::crypto;
// Accounts own their credentials and sessions; authentication uses them.
pub use crate::signing as keys;
pub use crate::signing::entity as key_entity;
pub use crate::tenancy::{Caller, Role, Scope};
pub use crate::users::{password, refresh, refresh_entity, throttle};
