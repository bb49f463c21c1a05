//! What an organisation's representative (the `employer` role) sees: its
//! people — its employees, and trainees who consented to it — with their
//! enrolments, progress and certificates, in its own branch. Every read
//! carries the organisation's reach (`orgs::reach`) in its own statement.

pub(crate) mod routes;
pub(crate) mod service;
