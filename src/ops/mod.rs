//! Operational endpoints: liveness, readiness, metrics, the OpenAPI document
//! and its viewer.

pub(crate) mod openapi;
pub(crate) mod routes;
