//! Authentication and tenancy: per-branch signing keys, access and refresh
//! tokens, passwords, login throttling, and building the `Caller` from a
//! request. The `Caller`/`Scope`/`Role` types live in `crate::tenancy`.

pub mod caller;
pub mod password;
pub mod refresh;
pub mod refresh_entity;
pub mod routes;
pub mod sessions;
pub mod throttle;
pub mod tokens;

// Kept for callers outside `src/`; code in `src/` names `crate::crypto` and
// `crate::tenancy` directly.
pub use crate::crypto;
pub use crate::signing as keys;
pub use crate::signing::entity as key_entity;
pub use crate::tenancy::{Caller, Role, Scope};
