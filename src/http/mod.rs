//! HTTP plumbing shared by every area: JSON extraction with localized errors,
//! language negotiation, pagination, and the middleware stack.

pub mod etag;
pub mod idempotency;
pub mod idempotency_entity;
pub mod json;
pub mod locale;
pub mod metrics;
pub mod page;
pub mod problem;
pub mod rate_limit;
pub mod request_id;

pub use json::Json;
pub use locale::{LocaleHints, negotiate, with_language};
pub use page::{Page, PageParams};

pub const PROBLEM_JSON: &str = "application/problem+json";
