//! Enrolling trainees, listing enrolments, withdrawals: thin handlers over
//! `commands` and `service` (the CSV import is in `import`).

use super::dto::{Enrol, Enrolment, LessonDone, MemberListFilter, views};
use super::entity as enrolment;
use super::members as member_list;
use super::{commands, service};
use crate::error::{ApiError, ApiResult};
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{Json, PageParams, negotiate, with_language};
use crate::state::AppState;
use crate::tenancy::{Authorized, Caller, Role, Staff};
use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

/// One enrolment's view with the ids of its completed lessons; the trainee
/// is named for administrators.
async fn one(state: &AppState, req: &HttpRequest, caller: &Caller, row: enrolment::Model) -> ApiResult<Enrolment> {
    let lessons = service::completions(&state.db, row.id).await?;
    let with_trainee = caller.role != Role::Trainee;
    let mut list = views(&state.db, vec![row], negotiate(req), caller.branch_default_locale, with_trainee).await?;
    let mut view = list.pop().ok_or_else(ApiError::not_found)?;
    view.completed_lesson_ids = Some(lessons.iter().map(|c| c.lesson_id).collect());
    view.completed_lessons = Some(
        lessons
            .into_iter()
            .map(|c| LessonDone {
                lesson_id: c.lesson_id,
                completed_at: c.completed_at,
            })
            .collect(),
    );
    Ok(view)
}

/// Enrols a trainee of the branch. A full cohort answers 409 `cohort_full`.
#[utoipa::path(post, path = "/api/v1/cohorts/{id}/enrolments", tag = "enrolments", params(("id" = Uuid, Path)), request_body = Enrol,
    security(("bearer" = [])),
    responses((status = 201, body = Enrolment), (status = 403), (status = 404), (status = 409, description = "cohort_full, already_enrolled, cohort_closed"), (status = 422)))]
pub(crate) async fn enrol(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<Enrol>,
) -> ApiResult<HttpResponse> {
    let row = commands::enrol(&state, &actor, *id, body.user_id).await?;
    let view = one(&state, &req, &actor, row).await?;
    Ok(with_language(HttpResponse::Created().json(view), negotiate(&req)))
}

/// A cohort's members with their progress and latest activity, filtered
/// by status, progress and idleness and sorted by any of these.
#[utoipa::path(get, path = "/api/v1/cohorts/{id}/enrolments", tag = "enrolments", params(("id" = Uuid, Path), PageParams, MemberListFilter),
    security(("bearer" = [])), responses((status = 200, body = inline(List<Enrolment>)), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn members(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    page: crate::http::Query<PageParams>,
    filter: crate::http::Query<MemberListFilter>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let query = filter.query()?;
    crate::enrolments::activity_buffer::settle(&state).await;
    let rows = member_list::members(&state.db, &caller, *id, &query, page, state.clock.now()).await?;
    let (rows, next_cursor) = crate::http::page::split_page(rows, page, |r| r.id);
    let locale = negotiate(&req);
    let items = views(&state.db, rows, locale, caller.branch_default_locale, true).await?;
    Ok(with_language(HttpResponse::Ok().json(List { items, next_cursor }), locale))
}

/// One enrolment, with the ids of the lessons completed.
#[utoipa::path(get, path = "/api/v1/enrolments/{id}", tag = "enrolments", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Enrolment), (status = 404)))]
pub(crate) async fn get(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    crate::enrolments::activity_buffer::settle(&state).await;
    let row = service::find_visible(&state.db, &caller, *id).await?;
    let view = one(&state, &req, &caller, row).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

/// Withdraws a trainee from the cohort (frees the seat).
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/withdraw", tag = "enrolments", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Enrolment), (status = 403), (status = 404)))]
pub(crate) async fn withdraw(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let row = commands::withdraw(&state, &actor, *id).await?;
    let view = one(&state, &req, &actor, row).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_enrol, enrol)
        .add(__path_members, members)
        .add(super::import::__path_import, super::import::import)
        .add(__path_get, get)
        .add(__path_withdraw, withdraw);
}
