//! Users of a branch: administrators and trainees, and their invitations;
//! their credentials (password hashing, the login throttle) and sessions
//! (refresh tokens, token cut-offs). `auth` builds on these.

pub mod commands;
pub mod entity;
pub mod error;
pub mod invitation_entity;
pub mod password;
pub mod refresh;
pub mod refresh_entity;
pub mod routes;
pub mod service;
pub mod throttle;

pub use error::UserError;

/// A trainee sees only their own account.
impl crate::tenancy::BranchOwned for entity::Entity {
    const BRANCH: entity::Column = entity::Column::BranchId;
    const OWNER: Option<entity::Column> = Some(entity::Column::Id);
}
