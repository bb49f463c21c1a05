//! Organisations: the enterprises, dealers and colleges the academy works
//! with; which one a user belongs to; and trainees' consents that let an
//! organisation follow their training (`reach` is the condition every
//! employer query carries).

pub(crate) mod consent_entity;
pub(crate) mod consents;
pub(crate) mod entity;
pub(crate) mod error;
pub(crate) mod member_entity;
pub(crate) mod reach;
pub(crate) mod routes;
pub(crate) mod service;

pub(crate) use error::OrgError;
