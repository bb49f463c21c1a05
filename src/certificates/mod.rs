//! Certificates: issued once, emailed, verifiable (Open Badges 3.0 VC-JWT)
//! and checkable on a public page.

pub mod code;
pub mod credential;
pub mod entity;
pub mod page;
pub mod qr;
pub mod routes;
pub mod service;
