//! `POST /api/v1/cohorts/{id}/enrolments/import`: a CSV of trainees. The
//! handler checks the media type and the cohort before reading the upload,
//! runs the import command (`import_command`) and renders its report in the
//! caller's language.

use super::csv_import::RowFailure;
use super::dto::{ImportReport, RowReport};
use super::import_command::{self, Outcome};
use crate::error::ProblemCode;
use crate::error::{ApiError, ApiResult};
use crate::http::json::read_body;
use crate::http::{negotiate, with_language};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{Authorized, Staff};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

/// The route of the import (its body limit is the CSV limit).
pub(crate) const ROUTE: &str = "/api/v1/cohorts/{id}/enrolments/import";

fn is_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .is_some_and(|v| v == "text/csv" || v == "application/csv")
}

/// Imports trainees from CSV (`email,display_name,locale`) and enrols them.
#[utoipa::path(post, path = "/api/v1/cohorts/{id}/enrolments/import", tag = "enrolments", params(("id" = Uuid, Path)),
    request_body(content = String, content_type = "text/csv", description = "header email,display_name,locale"),
    security(("bearer" = [])),
    responses((status = 200, body = ImportReport), (status = 400, description = "not CSV text, wrong header, empty"), (status = 403), (status = 404), (status = 413, description = "more than 50,000 rows, or a body over the CSV size limit"), (status = 415)))]
pub(crate) async fn import(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    if !is_csv(&req) {
        return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, ProblemCode::UnsupportedMediaType).arg("expected", "text/csv"));
    }
    // Refuse other branches' cohorts before reading a large body.
    let cohort = import_command::importable(&state, &actor, *id).await?;
    let mut raw = payload.into_inner();
    let body = read_body(&req, &mut raw, state.config.csv_limit).await?;
    let outcome = import_command::import(&state, &actor, cohort.id, body).await?;
    // Up to 50,000 localized row messages: also off the HTTP worker.
    let locale = negotiate(&req);
    let body = web::block(move || serde_json::to_vec(&report(outcome, locale)))
        .await
        .map_err(|e| ApiError::internal_from(&e))?
        .map_err(|e| ApiError::internal_from(&e))?;
    Ok(with_language(
        HttpResponse::Ok().content_type("application/json").body(body),
        locale,
    ))
}

/// The report of an import in `locale`: failures in file order.
fn report(mut outcome: Outcome, locale: Locale) -> ImportReport {
    outcome.failed.sort_by_key(|f| f.row);
    let report = |f: &RowFailure| RowReport {
        row: f.row,
        code: f.code.as_str(),
        message: f.message(locale),
    };
    ImportReport {
        created: outcome.created,
        enrolled: outcome.enrolled,
        failed: outcome.failed.iter().map(report).collect(),
        skipped: outcome.skipped.iter().map(report).collect(),
    }
}
