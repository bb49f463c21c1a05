//! Email that is never lost: a transactional outbox, Fluent templates in four
//! languages, and a lettre SMTP worker.

pub mod entity;
pub mod metrics;
pub mod outbox;
pub mod routes;
pub mod templates;
pub mod transport;
pub mod worker;

pub use outbox::{Email, enqueue};
