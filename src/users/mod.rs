//! Users of a branch: administrators and trainees, and their invitations;
//! their credentials (password hashing, the login throttle) and sessions
//! (refresh tokens, token cut-offs). `auth` builds on these.

pub(crate) mod commands;
pub(crate) mod device;
pub(crate) mod entity;
pub(crate) mod error;
pub(crate) mod invitation_entity;
pub(crate) mod manage;
pub(crate) mod password;
pub(crate) mod password_reset_entity;
pub(crate) mod recovery;
pub(crate) mod refresh;
pub(crate) mod refresh_entity;
pub(crate) mod routes;
pub mod service;
pub(crate) mod sessions;
pub(crate) mod throttle;

pub use error::UserError;

/// A trainee sees only their own account.
impl crate::tenancy::BranchOwned for entity::Entity {
    const BRANCH: entity::Column = entity::Column::BranchId;
    const OWNER: Option<entity::Column> = Some(entity::Column::Id);
}
