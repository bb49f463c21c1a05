//! `/api/v1/exams/{id}/windows*`, `/api/v1/exams/{id}/overrides*` and a
//! trainee's `/api/v1/exams/{id}/availability`: thin handlers over
//! `window_commands`, `overrides` and `windows`.

use super::window_views::{Availability, CreateWindow, ExamOverride, ExamWindow, SetOverride, UpdateWindow, override_view, window_view};
use super::{availability as available, overrides, window_commands};
use crate::error::ApiResult;
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{Json, PageParams};
use crate::state::AppState;
use crate::tenancy::{Authorized, Staff, Trainees};
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use uuid::Uuid;

/// Sets an exam window for a cohort, or for every cohort of a branch (a
/// cohort's own window wins). Times: RFC 3339 with an offset, or a local
/// date-time (`2026-03-07T09:00`) in the branch's time zone.
#[utoipa::path(post, path = "/api/v1/exams/{id}/windows", tag = "exams", params(("id" = Uuid, Path)), request_body = CreateWindow,
    security(("bearer" = [])), responses((status = 201, body = ExamWindow), (status = 403), (status = 404, description = "the exam, or a cohort or branch of another branch"),
        (status = 409, description = "window_exists"), (status = 422)))]
pub(crate) async fn create_window(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    id: web::Path<Uuid>,
    body: Json<CreateWindow>,
) -> ApiResult<HttpResponse> {
    let (row, code, tz) = window_commands::create(&state, &actor, *id, &body).await?;
    Ok(HttpResponse::Created().json(window_view(row, &code, tz, state.clock.now())))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct WindowFilter {
    /// Only this cohort's window.
    pub cohort_id: Option<Uuid>,
}

/// The exam's windows in the caller's scope (a branch admin: their branch's).
#[utoipa::path(get, path = "/api/v1/exams/{id}/windows", tag = "exams", params(("id" = Uuid, Path), PageParams, WindowFilter),
    security(("bearer" = [])), responses((status = 200, body = inline(List<ExamWindow>)), (status = 403), (status = 404)))]
pub(crate) async fn list_windows(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    id: web::Path<Uuid>,
    page: crate::http::Query<PageParams>,
    filter: crate::http::Query<WindowFilter>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let rows = window_commands::list(&state, &caller, *id, filter.cohort_id, page).await?;
    let now = state.clock.now();
    Ok(HttpResponse::Ok().json(List::from_rows(
        rows,
        page,
        |r| r.0.id,
        |(row, code, tz)| window_view(row, &code, tz, now),
    )))
}

#[utoipa::path(get, path = "/api/v1/exams/{id}/windows/{window_id}", tag = "exams", params(("id" = Uuid, Path), ("window_id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ExamWindow), (status = 403), (status = 404)))]
pub(crate) async fn get_window(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (exam_id, window_id) = path.into_inner();
    let (row, code, tz) = window_commands::get(&state, &caller, exam_id, window_id).await?;
    Ok(HttpResponse::Ok().json(window_view(row, &code, tz, state.clock.now())))
}

/// Moves a window or changes its end (attempts already started keep their deadlines).
#[utoipa::path(patch, path = "/api/v1/exams/{id}/windows/{window_id}", tag = "exams", params(("id" = Uuid, Path), ("window_id" = Uuid, Path)),
    request_body = UpdateWindow, security(("bearer" = [])),
    responses((status = 200, body = ExamWindow), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn update_window(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<UpdateWindow>,
) -> ApiResult<HttpResponse> {
    let (exam_id, window_id) = path.into_inner();
    let (row, code, tz) = window_commands::update(&state, &actor, exam_id, window_id, &body).await?;
    Ok(HttpResponse::Ok().json(window_view(row, &code, tz, state.clock.now())))
}

/// Removes a window.
#[utoipa::path(delete, path = "/api/v1/exams/{id}/windows/{window_id}", tag = "exams", params(("id" = Uuid, Path), ("window_id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 204), (status = 403), (status = 404)))]
pub(crate) async fn delete_window(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (exam_id, window_id) = path.into_inner();
    window_commands::delete(&state, &actor, exam_id, window_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Grants a trainee extra attempts, extra minutes or a one-off unlock of
/// the window (totals, not increments; absent fields unchanged). 201 when
/// the trainee had no override yet.
#[utoipa::path(put, path = "/api/v1/exams/{id}/overrides/{user_id}", tag = "exams", params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    request_body = SetOverride, security(("bearer" = [])),
    responses((status = 200, body = ExamOverride), (status = 201, body = ExamOverride), (status = 403),
        (status = 404, description = "the exam, or a user outside the caller's branch"),
        (status = 409, description = "trainee_not_enrolled (no active enrolment in the exam's course)"), (status = 422)))]
pub(crate) async fn set_override(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<SetOverride>,
) -> ApiResult<HttpResponse> {
    let (exam_id, user_id) = path.into_inner();
    let ((row, code), created) = overrides::set(&state, &actor, exam_id, user_id, &body).await?;
    let view = override_view(row, &code);
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

#[utoipa::path(get, path = "/api/v1/exams/{id}/overrides/{user_id}", tag = "exams", params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ExamOverride), (status = 403), (status = 404)))]
pub(crate) async fn get_override(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (exam_id, user_id) = path.into_inner();
    let (row, code) = overrides::get(&state, &caller, exam_id, user_id).await?;
    Ok(HttpResponse::Ok().json(override_view(row, &code)))
}

/// Withdraws a trainee's override.
#[utoipa::path(delete, path = "/api/v1/exams/{id}/overrides/{user_id}", tag = "exams", params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 204), (status = 403), (status = 404)))]
pub(crate) async fn delete_override(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (exam_id, user_id) = path.into_inner();
    overrides::delete(&state, &actor, exam_id, user_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The exam's overrides in the caller's scope (headquarters: all branches).
#[utoipa::path(get, path = "/api/v1/exams/{id}/overrides", tag = "exams", params(("id" = Uuid, Path), PageParams),
    security(("bearer" = [])), responses((status = 200, body = inline(List<ExamOverride>)), (status = 403), (status = 404)))]
pub(crate) async fn list_overrides(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    id: web::Path<Uuid>,
    page: crate::http::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let rows = overrides::list(&state, &caller, *id, page).await?;
    Ok(HttpResponse::Ok().json(List::from_rows(rows, page, |r| r.0.id, |(row, code)| override_view(row, &code))))
}

/// Whether the caller (a trainee) may start the exam now: the window that
/// applies to them in UTC and local time, attempts used and left for their
/// current enrolment, extra time, an unused unlock, and the server's time.
#[utoipa::path(get, path = "/api/v1/exams/{id}/availability", tag = "exams", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Availability), (status = 403, description = "not a trainee, or no active enrolment in the course"), (status = 404)))]
pub(crate) async fn availability(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Trainees>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let view = available::availability(&state.db, &caller, *id, state.clock.now()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// This file's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_create_window, create_window)
        .add(__path_list_windows, list_windows)
        .add(__path_get_window, get_window)
        .add(__path_update_window, update_window)
        .add(__path_delete_window, delete_window)
        .add(__path_set_override, set_override)
        .add(__path_get_override, get_override)
        .add(__path_delete_override, delete_override)
        .add(__path_list_overrides, list_overrides)
        .add(__path_availability, availability);
}
