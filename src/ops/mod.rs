//! Operational endpoints: liveness, readiness, metrics, the OpenAPI document
//! and its viewer; heartbeats and supervision of background chores.

pub mod jobs;
pub mod openapi;
pub mod routes;
