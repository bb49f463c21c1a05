//! `GET /api/v1/exams/{id}/item-statistics`: which questions are hard, and
//! which are hard only in one language.

use super::items::{self};
use super::items_view::Report;
use crate::error::{ApiError, ApiResult, FieldCode, FieldError};
use crate::exams::routes::languages;
use crate::http::{negotiate, with_language};
use crate::state::AppState;
use crate::tenancy::{Authorized, Staff};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct ItemQuery {
    /// The exam version (from 1); default: the current one.
    #[param(value_type = u32, required = false, minimum = 1)]
    pub version: Option<String>,
    /// Branch code: only that branch's attempts (a branch admin always
    /// counts its own branch only; another branch gives no answers).
    pub branch: Option<String>,
}

/// Item statistics per locale for an exam version: per question and per
/// language the attempts were taken in, answers, difficulty,
/// discrimination and option shares, and a flag where one language's
/// difficulty differs from the others beyond chance.
#[utoipa::path(get, path = "/api/v1/exams/{id}/item-statistics", tag = "reports", params(("id" = Uuid, Path), ItemQuery),
    security(("bearer" = [])), responses((status = 200, body = Report), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn item_statistics(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    q: crate::http::Query<ItemQuery>,
) -> ApiResult<HttpResponse> {
    let version = match q.version.as_deref() {
        None => None,
        Some(text) => match text.trim().parse::<i32>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                return Err(ApiError::validation(vec![
                    FieldError::new("version", FieldCode::OutOfRange)
                        .arg("min", 1)
                        .arg("max", i64::from(i32::MAX)),
                ]));
            }
        },
    };
    let report = items::for_exam(&state, &caller, *id, version, q.branch.as_deref(), &languages(&req, &caller)).await?;
    Ok(with_language(HttpResponse::Ok().json(report), negotiate(&req)))
}
