//! How errors travel from a rule to the client.
//!
//! - **Inside an area** a service returns that area's own `thiserror` enum
//!   (`ExamError::AttemptsExhausted { max }`, `CohortError::Full`, ...). The
//!   variants name what went wrong in the area's words and keep their cause
//!   (`#[from] DbErr`), so callers match on variants, never on strings.
//! - **At the edge** each area enum has one `From<AreaError> for ApiError`
//!   that chooses the status, the [`ProblemCode`] and the detail arguments.
//!   That mapping is the only place an area decides what a client sees.
//! - **`ApiError`** is what handlers return: an RFC 9457 problem document with
//!   a stable code, rendered in the response language by
//!   `http::problem::ProblemDocuments` once that language is known (the
//!   caller's saved locale is only learnt during authentication).
//! - **Codes are types** ([`ProblemCode`], [`FieldCode`], [`ImportRowCode`]):
//!   a misspelt code does not compile, and one test walks every code and
//!   checks it has messages in every locale.
//! - **Faults are logged with their cause.** A 500 is built from the error
//!   that caused it ([`ApiError::internal_from`]), which logs the whole
//!   source chain at `error` with the request's id; the client only sees
//!   `internal`.

use crate::i18n::{self, Arg, Locale};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use sea_orm::DbErr;
use serde_json::{Value, json};
use std::fmt;

mod codes;
pub use codes::{FieldCode, ImportRowCode, ProblemCode};

/// The media type of problem documents (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid input field.
#[derive(Clone, Debug)]
pub struct FieldError {
    /// JSON path of the field (`translations.th.title`) or CSV column.
    pub field: String,
    /// Stable code; `field-{code}` is its Fluent message.
    pub code: FieldCode,
    pub args: Vec<(&'static str, Arg)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: FieldCode) -> Self {
        FieldError {
            field: field.into(),
            code,
            args: Vec::new(),
        }
    }
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }
    pub fn message(&self, locale: Locale) -> String {
        i18n::t(locale, &self.code.message_id(), &self.args)
    }
}

#[derive(Clone, Debug)]
pub struct ApiError {
    pub status: StatusCode,
    /// Stable machine-readable code; `problem-{code}` is its Fluent message.
    pub code: ProblemCode,
    /// Arguments for the detail text (`problem-{code}.detail`).
    pub args: Vec<(&'static str, Arg)>,
    pub errors: Vec<FieldError>,
    /// Seconds, for 429 and 503 answers.
    pub retry_after: Option<u64>,
    /// Extra members of the problem document (RFC 9457 extensions), such
    /// as the graded attempt of an `attempt_expired` answer.
    pub members: Vec<(&'static str, Value)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ProblemCode) -> Self {
        ApiError {
            status,
            code,
            args: Vec::new(),
            errors: Vec::new(),
            retry_after: None,
            members: Vec::new(),
        }
    }
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }
    /// Adds a member to the problem document (never one of its standard
    /// members: those are written after, and win).
    pub fn member(mut self, name: &'static str, value: Value) -> Self {
        self.members.push((name, value));
        self
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, ProblemCode::NotFound)
    }
    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ProblemCode::Unauthenticated)
    }
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, ProblemCode::Forbidden)
    }
    pub fn conflict(code: ProblemCode) -> Self {
        Self::new(StatusCode::CONFLICT, code)
    }
    pub fn bad_request(code: ProblemCode) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code)
    }
    /// A fault with no error value to show for it (a broken invariant).
    /// Prefer [`ApiError::internal_from`], which logs the cause.
    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, ProblemCode::Internal)
    }
    /// A fault caused by `cause`: logs its whole source chain (the client
    /// only sees `internal`).
    pub fn internal_from(cause: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(error = %cause_chain(cause), "internal error");
        Self::internal()
    }
    pub fn unavailable() -> Self {
        let mut e = Self::new(StatusCode::SERVICE_UNAVAILABLE, ProblemCode::ServiceUnavailable);
        e.retry_after = Some(5);
        e
    }
    pub fn too_many_requests(retry_after: u64) -> Self {
        let mut e = Self::new(StatusCode::TOO_MANY_REQUESTS, ProblemCode::TooManyRequests);
        e.retry_after = Some(retry_after.max(1));
        e
    }
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut e = Self::new(StatusCode::UNPROCESSABLE_ENTITY, ProblemCode::ValidationFailed);
        e.errors = errors;
        e
    }
    /// One invalid field.
    pub fn field(field: impl Into<String>, code: FieldCode) -> Self {
        Self::validation(vec![FieldError::new(field, code)])
    }

    /// The code used for a bare status answered by actix itself (no route,
    /// wrong method, ...), so that those too become problem documents.
    pub fn from_status(status: StatusCode) -> Self {
        let code = match status.as_u16() {
            400 => ProblemCode::BadRequest,
            401 => ProblemCode::Unauthenticated,
            403 => ProblemCode::Forbidden,
            404 => ProblemCode::NotFound,
            405 => ProblemCode::MethodNotAllowed,
            406 => ProblemCode::NotAcceptable,
            408 => ProblemCode::RequestTimeout,
            409 => ProblemCode::Conflict,
            413 => ProblemCode::PayloadTooLarge,
            415 => ProblemCode::UnsupportedMediaType,
            429 => ProblemCode::TooManyRequests,
            503 => ProblemCode::ServiceUnavailable,
            s if s >= 500 => ProblemCode::Internal,
            _ => ProblemCode::BadRequest,
        };
        let status = if status.is_client_error() || status.is_server_error() {
            status
        } else {
            StatusCode::BAD_REQUEST
        };
        Self::new(status, code)
    }

    /// The problem document in `locale`.
    pub fn to_problem(&self, locale: Locale) -> Value {
        let id = self.code.message_id();
        let title = if i18n::has(Locale::En, &id) {
            i18n::t(locale, &id, &self.args)
        } else {
            i18n::t(locale, "problem-generic", &[])
        };
        let detail = if i18n::has(Locale::En, &id) {
            i18n::t_attr(locale, &id, "detail", &self.args)
        } else {
            i18n::t_attr(locale, "problem-generic", "detail", &[])
        };
        let mut doc = json!({});
        for (name, value) in &self.members {
            doc[*name] = value.clone();
        }
        doc["type"] = json!(format!("/problems/{}", self.code));
        doc["title"] = json!(title);
        doc["status"] = json!(self.status.as_u16());
        doc["detail"] = json!(detail);
        doc["code"] = json!(self.code);
        if !self.errors.is_empty() {
            doc["errors"] = Value::Array(
                self.errors
                    .iter()
                    .map(|e| json!({"field": e.field, "code": e.code, "message": e.message(locale)}))
                    .collect(),
            );
        }
        doc
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.code)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        // Rendered in English here; ProblemDocuments re-renders it in the
        // response language. The English body is only seen if that middleware
        // is bypassed, which the app never does.
        let mut response = HttpResponse::build(self.status);
        response.content_type(PROBLEM_JSON);
        if let Some(seconds) = self.retry_after {
            response.insert_header(("Retry-After", seconds.to_string()));
        }
        let mut response = response.body(self.to_problem(Locale::En).to_string());
        response.extensions_mut().insert(self.clone());
        response
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        if is_connection_error(&err) {
            tracing::warn!(error = %err, "database unavailable");
            return ApiError::unavailable();
        }
        ApiError::internal_from(&err)
    }
}

/// `cause: its source: its source ...`, for logs.
pub fn cause_chain(cause: &(dyn std::error::Error + 'static)) -> String {
    let mut text = cause.to_string();
    let mut next = cause.source();
    while let Some(source) = next {
        text.push_str(": ");
        text.push_str(&source.to_string());
        next = source.source();
    }
    text
}

/// Whether a database error means "the database is not there right now"
/// (answered 503, retryable) rather than a fault in a query.
pub fn is_connection_error(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        other => {
            let text = other.to_string();
            text.contains("PoolTimedOut")
                || text.contains("pool timed out")
                || text.contains("Connection refused")
                || text.contains("connection closed")
                || text.contains("error communicating with database")
        }
    }
}

/// Whether `err` is a unique-constraint violation (a duplicate).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// Whether `err` is a foreign-key violation (something still refers to the row).
pub fn is_foreign_key_violation(err: &DbErr) -> bool {
    if matches!(err.sql_err(), Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_))) {
        return true;
    }
    let text = err.to_string();
    text.contains("FOREIGN KEY constraint failed") || text.contains("violates foreign key constraint")
}

/// The shape of a problem document, for the OpenAPI document.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = Problem)]
pub struct ProblemSchema {
    /// A URI reference naming the kind of problem.
    #[schema(rename = "type")]
    pub type_: String,
    /// Short, localized.
    pub title: String,
    pub status: u16,
    /// Localized explanation.
    pub detail: String,
    /// Stable machine-readable code: `validation_failed`, `not_found`, ...
    pub code: String,
    /// Field errors, for validation problems.
    pub errors: Option<Vec<ProblemField>>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    /// Localized.
    pub message: String,
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The text of a panic payload (`panic!("...")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}
