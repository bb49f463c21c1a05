//! Talent matching with consent. A trainee may publish a skill profile
//! (certificates held and practical sign-offs, read live from their own
//! tables, plus country, languages and availability); an organisation's
//! representative posts needs (a course, a country, how many, by when) and
//! searches published profiles of its branch; headquarters compares supply
//! with demand per skill, country and month. Unpublishing hides a profile
//! from the next query on: the condition is part of the search itself.

pub(crate) mod need_entity;
pub(crate) mod needs;
pub(crate) mod profile_entity;
pub(crate) mod profiles;
pub(crate) mod routes;
pub(crate) mod skills;
pub(crate) mod supply;
