//! The routes where a trainee makes progress: marking a lesson done, and
//! taking an exam (start, read, submit; attempts at an exam for admins).
//! Each may complete the enrolment and certify, through `progress`; the
//! handlers only call one command each (`progress::commands`).

use super::commands;
use super::my_course::{self, MyEnrolment};
use crate::enrolments::dto::MemberFilter;
use crate::error::ApiResult;
use crate::exams::attempt_entity as attempt;
use crate::exams::attempts::{self, Started};
use crate::exams::routes::languages;
use crate::exams::service as exams;
use crate::exams::views::{self, Attempt, AttemptResult, MyAttempt};
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{OptionalJson, PageParams, negotiate, with_language};
use crate::state::AppState;
use crate::tenancy::{Actor, Authorized, Caller, Staff, Trainees};
use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::ActiveEnum;
use serde::Deserialize;
use uuid::Uuid;

/// Marks a lesson done (the trainee, on their own enrolment). Idempotent.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/lessons/{lesson_id}/complete", tag = "enrolments",
    params(("id" = Uuid, Path), ("lesson_id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "enrolment withdrawn")))]
pub(crate) async fn complete_lesson(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Trainees>,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, lesson_id) = path.into_inner();
    commands::complete_lesson(&state, &actor, id, lesson_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn attempt_view(state: &AppState, req: &HttpRequest, caller: &Caller, row: &attempt::Model) -> ApiResult<Attempt> {
    Ok(exams::attempt_view(&state.db, row, &languages(req, caller)).await?)
}

/// The optional body of a start: `{"new": true}` asks for a new attempt
/// after the latest one expired.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StartAttempt {
    /// Start a new attempt even though the latest one expired (only if
    /// attempts remain).
    #[serde(default)]
    pub new: bool,
}

/// Starts an attempt (a trainee with an active enrolment in the course). A
/// second start while one is open returns that one (200). After the latest
/// attempt ran out of time, the answer is 409 `attempt_expired` carrying
/// that attempt's graded result in `attempt`, unless the body is
/// `{"new": true}`: then a new attempt starts if attempts remain.
#[utoipa::path(post, path = "/api/v1/exams/{id}/attempts", tag = "exams", params(("id" = Uuid, Path)), security(("bearer" = [])),
    request_body(content = Option<StartAttempt>, description = "optional; `{\"new\": true}` starts a new attempt after an expired one"),
    responses((status = 201, body = Attempt), (status = 200, body = Attempt, description = "the open attempt"),
        (status = 400, description = "malformed_json or invalid_json (the body is not `{}` or `{\"new\": bool}`)"), (status = 403), (status = 404),
        (status = 409, description = "attempt_expired (the problem's member `attempt` holds the graded expired attempt, shaped as an item of `GET /api/v1/users/me/attempts`), attempts_exhausted")))]
pub(crate) async fn start(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Trainees>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: OptionalJson<StartAttempt>,
) -> ApiResult<HttpResponse> {
    let new = body.0.unwrap_or_default().new;
    let (row, created) = match commands::start(&state, &actor, *id, new, negotiate(&req)).await? {
        Started::New(row) => (row, true),
        Started::Existing(row) => (row, false),
    };
    let response = if created {
        let view = exams::new_attempt_view(&state.db, &row, &languages(&req, &actor)).await?;
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(attempt_view(&state, &req, &actor, &row).await?)
    };
    Ok(with_language(response, negotiate(&req)))
}

/// An attempt and, once submitted, its result. An attempt past its deadline is graded on the way.
#[utoipa::path(get, path = "/api/v1/attempts/{id}", tag = "exams", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Attempt), (status = 404)))]
pub(crate) async fn get_attempt(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let row = commands::read_attempt(&state, &actor, *id).await?;
    let view = attempt_view(&state, &req, &actor, &row).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

/// Submits and grades the attempt; a second submit returns the same result.
#[utoipa::path(post, path = "/api/v1/attempts/{id}/submit", tag = "exams", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = AttemptResult), (status = 404)))]
pub(crate) async fn submit(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Trainees>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let result = commands::submit(&state, &actor, *id).await?;
    Ok(HttpResponse::Ok().json(result))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct AttemptSummary {
    pub id: Uuid,
    pub user_id: Uuid,
    pub attempt_number: i32,
    pub status: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub deadline: chrono::DateTime<chrono::Utc>,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub result: Option<AttemptResult>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct AttemptFilter {
    pub user_id: Option<Uuid>,
}

fn summary(r: attempt::Model) -> AttemptSummary {
    AttemptSummary {
        result: views::result(&r),
        id: r.id,
        user_id: r.user_id,
        attempt_number: r.attempt_number,
        status: r.status.to_value(),
        started_at: r.started_at,
        deadline: r.deadline,
        submitted_at: r.submitted_at,
    }
}

/// Attempts at an exam in the caller's scope, with results (headquarters, branch admins).
#[utoipa::path(get, path = "/api/v1/exams/{id}/attempts", tag = "exams", params(("id" = Uuid, Path), PageParams, AttemptFilter),
    security(("bearer" = [])), responses((status = 200, body = inline(List<AttemptSummary>)), (status = 403), (status = 404)))]
pub(crate) async fn list_attempts(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    id: web::Path<Uuid>,
    page: crate::http::Query<PageParams>,
    filter: crate::http::Query<AttemptFilter>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let rows = exams::list_attempts(&state.db, &caller, *id, filter.user_id, page).await?;
    Ok(HttpResponse::Ok().json(List::from_rows(rows, page, |r| r.id, summary)))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct MyAttemptFilter {
    /// Only attempts at this exam.
    pub exam_id: Option<Uuid>,
}

/// The caller's own attempts, newest first, with results once graded (any role; only the caller's rows).
#[utoipa::path(get, path = "/api/v1/users/me/attempts", tag = "exams", params(PageParams, MyAttemptFilter), security(("bearer" = [])),
    responses((status = 200, body = inline(List<MyAttempt>)), (status = 400, description = "a bad exam_id or cursor"), (status = 401)))]
pub(crate) async fn my_attempts(
    state: web::Data<AppState>,
    caller: Caller,
    page: crate::http::Query<PageParams>,
    filter: crate::http::Query<MyAttemptFilter>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let rows = attempts::mine(&state.db, &caller, filter.exam_id, page).await?;
    Ok(HttpResponse::Ok().json(List::from_rows(rows, page, |r| r.id, |r| views::my_attempt(&r))))
}

/// The caller's own enrolments, each with course, cohort, status and
/// progress, the course's exam as the caller stands at it (attempts used
/// and left, the open attempt, the best result) and the certificate: what a
/// "my course" screen needs, in one call with a fixed number of queries.
#[utoipa::path(get, path = "/api/v1/users/me/enrolments", tag = "enrolments", params(PageParams, MemberFilter), security(("bearer" = [])),
    responses((status = 200, body = inline(List<MyEnrolment>)), (status = 401), (status = 422, description = "an unknown status")))]
pub(crate) async fn my_enrolments(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    page: crate::http::Query<PageParams>,
    filter: crate::http::Query<MemberFilter>,
) -> ApiResult<HttpResponse> {
    let (page, status, locale) = (page.page()?, filter.status()?, negotiate(&req));
    let list = my_course::page(&state, &caller, status, page, locale).await?;
    Ok(with_language(HttpResponse::Ok().json(list), locale))
}

/// One of the caller's own enrolments as in the list, with the ids of the
/// lessons done. Anyone else's enrolment answers 404.
#[utoipa::path(get, path = "/api/v1/users/me/enrolments/{id}", tag = "enrolments", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = MyEnrolment), (status = 401), (status = 404)))]
pub(crate) async fn my_enrolment(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let locale = negotiate(&req);
    let view = my_course::one(&state, &caller, *id, locale).await?;
    Ok(with_language(HttpResponse::Ok().json(view), locale))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_complete_lesson, complete_lesson)
        .add(__path_start, start)
        .add(__path_list_attempts, list_attempts)
        .add(__path_my_attempts, my_attempts)
        .add(__path_my_enrolments, my_enrolments)
        .add(__path_my_enrolment, my_enrolment)
        .add(__path_get_attempt, get_attempt)
        .add(__path_submit, submit);
    super::practical::routes(r);
}
