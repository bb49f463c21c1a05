//! HTTP plumbing shared by every area: JSON extraction with localized errors,
//! language negotiation, pagination, and the middleware stack.

use crate::error::FieldCode;

pub(crate) mod accept;
pub mod client_address;
pub(crate) mod etag;
pub(crate) mod idempotency;
pub(crate) mod idempotency_entity;
pub(crate) mod json;
pub(crate) mod locale;
pub(crate) mod metrics;
pub(crate) mod page;
pub(crate) mod problem;
pub(crate) mod query;
pub(crate) mod rate_limit;
pub(crate) mod request_id;
pub(crate) mod routes;
pub(crate) mod security_headers;

pub use json::{Json, OptionalJson};
pub use locale::{LocaleHints, negotiate, with_language};
pub use page::{CursorPage, Page, PageParams};
pub use query::Query;

pub use crate::error::PROBLEM_JSON;

/// A period bound from a query parameter: RFC 3339, or a plain `YYYY-MM-DD`
/// (midnight UTC). Empty means no bound; anything else is a 422 on `field`.
pub fn parse_time(field: &'static str, value: &Option<String>) -> Result<Option<chrono::DateTime<chrono::Utc>>, crate::error::ApiError> {
    use chrono::{DateTime, NaiveDate, Utc};
    match value.as_deref() {
        None | Some("") => Ok(None),
        Some(v) => DateTime::parse_from_rfc3339(v)
            .map(|d| d.with_timezone(&Utc))
            .or_else(|_| NaiveDate::parse_from_str(v, "%Y-%m-%d").map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()))
            .map(Some)
            .map_err(|_| crate::error::ApiError::validation(vec![crate::error::FieldError::new(field, FieldCode::InvalidDate)])),
    }
}
