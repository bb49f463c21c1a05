//! Users of a branch: administrators and trainees, and their invitations;
//! their credentials (password hashing, the login throttle) and sessions
//! (refresh tokens, token cut-offs). `auth` builds on these.

pub mod entity;
pub mod invitation_entity;
pub mod password;
pub mod refresh;
pub mod refresh_entity;
pub mod routes;
pub mod service;
pub mod throttle;
