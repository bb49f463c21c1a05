//! CSV exports in the caller's language: the certificate register and a
//! trainee's transcript.

use super::register::{self, Filter};
use super::scope::{Coverage, coverage};
use super::transcript;
use crate::error::{ApiError, ApiResult, FieldCode, FieldError};
use crate::http::{negotiate, parse_time};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{Authorized, Caller, Staff};
use actix_web::http::header as h;
use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::ActiveEnum;
use serde::Deserialize;
use uuid::Uuid;

fn csv(locale: Locale, filename: &str) -> actix_web::HttpResponseBuilder {
    let mut builder = HttpResponse::Ok();
    builder
        .content_type("text/csv; charset=utf-8")
        .insert_header((h::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")))
        .insert_header((h::CONTENT_LANGUAGE, locale.as_str()));
    builder
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct RegisterQuery {
    /// Branch code (a branch admin only ever sees its own branch).
    pub branch: Option<String>,
    pub course_id: Option<Uuid>,
    /// Issued from (`YYYY-MM-DD` or RFC 3339), inclusive.
    pub from: Option<String>,
    /// Issued before, exclusive.
    pub to: Option<String>,
    /// `valid` or `revoked`.
    #[param(pattern = "^(valid|revoked)$")]
    pub status: Option<String>,
}

/// The certificate register as CSV (UTF-8 with BOM, headers, course titles
/// and statuses in the caller's language), streamed.
#[utoipa::path(get, path = "/api/v1/reports/certificates", tag = "reports", params(RegisterQuery), security(("bearer" = [])),
    responses((status = 200, description = "CSV, one line per certificate", content_type = "text/csv", body = String), (status = 403), (status = 422)))]
pub(crate) async fn certificate_register(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    req: HttpRequest,
    q: crate::http::Query<RegisterQuery>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let mut when = |field: &'static str, value: &Option<String>| {
        parse_time(field, value).unwrap_or_else(|_| {
            errors.push(FieldError::new(field, FieldCode::InvalidDate));
            None
        })
    };
    let (issued_from, issued_to) = (when("from", &q.from), when("to", &q.to));
    let status = q.status.as_ref().and_then(|s| {
        crate::certificates::entity::Status::try_from_value(s)
            .map_err(|_| errors.push(FieldError::new("status", FieldCode::InvalidChoice)))
            .ok()
    });
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let mut filter = Filter {
        course_id: q.course_id,
        issued_from,
        issued_to,
        status,
        ..Filter::default()
    };
    let locale = negotiate(&req);
    match coverage(&state, &caller, q.branch.as_deref()).await? {
        Coverage::Every => {}
        Coverage::One(id) => filter.branch_id = Some(id),
        Coverage::Nothing => filter.nothing = true,
    }
    let body = register::stream(&state, caller.caller, filter, locale).await?;
    Ok(csv(locale, "certificates.csv").streaming(body))
}

/// The caller's own transcript as CSV.
#[utoipa::path(get, path = "/api/v1/users/me/transcript", tag = "reports", security(("bearer" = [])),
    responses((status = 200, description = "CSV: enrolments, lessons with dates, attempts, certificates", content_type = "text/csv", body = String), (status = 401)))]
pub(crate) async fn my_transcript(state: web::Data<AppState>, caller: Caller, req: HttpRequest) -> ApiResult<HttpResponse> {
    let locale = negotiate(&req);
    let body = transcript::transcript(&state, &caller, caller.user_id, locale).await?;
    Ok(csv(locale, "transcript.csv").body(body))
}

/// A trainee's transcript as CSV (staff of the trainee's branch, or headquarters).
#[utoipa::path(get, path = "/api/v1/users/{id}/transcript", tag = "reports", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, description = "CSV: enrolments, lessons with dates, attempts, certificates", content_type = "text/csv", body = String), (status = 403), (status = 404)))]
pub(crate) async fn transcript(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let locale = negotiate(&req);
    let body = transcript::transcript(&state, &caller, *id, locale).await?;
    Ok(csv(locale, "transcript.csv").body(body))
}
