//! Users of a branch: administrators and trainees, and their invitations.

pub mod entity;
pub mod invitation_entity;
pub mod routes;
pub mod service;
