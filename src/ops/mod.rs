//! Operational endpoints: liveness, readiness, metrics, the OpenAPI document
//! and its viewer.

pub mod openapi;
pub mod routes;
