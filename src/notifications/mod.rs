//! Email that is never lost: a transactional outbox, Fluent templates in four
//! languages, and a lettre SMTP worker.

pub mod entity;
pub(crate) mod error;
pub(crate) mod metrics;
pub mod outbox;
pub(crate) mod routes;
pub(crate) mod service;
pub(crate) mod templates;
pub(crate) mod transport;
pub mod worker;

pub use error::NotificationError;
pub use outbox::{Email, enqueue};

/// An email belongs to its recipient's branch (none for headquarters-wide mail).
impl crate::tenancy::BranchOwned for entity::Entity {
    const BRANCH: entity::Column = entity::Column::BranchId;
}
