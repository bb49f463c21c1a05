//! Branches: the tenants. Headquarters is the branch `HQ`.

pub mod countries;
pub mod entity;
pub mod routes;
pub mod service;
