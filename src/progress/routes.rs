//! The routes where a trainee makes progress: marking a lesson done, and
//! taking an exam (start, read, submit; attempts at an exam for admins).
//! Each may complete the enrolment and certify, through `progress`.

use crate::courses::texts::chain;
use crate::enrolments::service as enrolments;
use crate::error::ProblemCode;
use crate::error::{ApiError, ApiResult};
use crate::exams::attempt_entity::{self as attempt, Entity as Attempts};
use crate::exams::attempts::{self, Started};
use crate::exams::authoring;
use crate::exams::routes::find_visible;
use crate::exams::views::{self, Attempt, AttemptResult};
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{PageParams, negotiate, with_language};
use crate::state::AppState;
use crate::tenancy::{Caller, Role};
use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::{ActiveEnum, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use uuid::Uuid;

/// Marks a lesson done (the trainee, on their own enrolment). Idempotent.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/lessons/{lesson_id}/complete", tag = "enrolments",
    params(("id" = Uuid, Path), ("lesson_id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "enrolment withdrawn")))]
pub async fn complete_lesson(state: web::Data<AppState>, caller: Caller, path: web::Path<(Uuid, Uuid)>) -> ApiResult<HttpResponse> {
    caller.require(&[Role::Trainee])?;
    let (id, lesson_id) = path.into_inner();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let row = enrolments::find_visible(&txn, &caller, id).await?;
    super::lesson_done(&txn, &row, lesson_id, now).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn attempt_view(state: &AppState, req: &HttpRequest, caller: &Caller, row: &attempt::Model) -> ApiResult<Attempt> {
    let snapshot = authoring::snapshot(&state.db, row.version_id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let answers = attempts::answers(&state.db, row.id).await?;
    Ok(views::attempt(
        row,
        &snapshot,
        &attempts::drawn(row),
        &answers,
        &chain(negotiate(req), caller.branch_default_locale),
    ))
}

/// Starts an attempt (a trainee with an active enrolment in the course). A
/// second start while one is open returns that one (200).
#[utoipa::path(post, path = "/api/v1/exams/{id}/attempts", tag = "exams", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 201, body = Attempt), (status = 200, body = Attempt, description = "the open attempt"), (status = 403), (status = 404), (status = 409, description = "attempts_exhausted")))]
pub async fn start(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    caller.require(&[Role::Trainee])?;
    let now = state.clock.now();
    let row = find_visible(&state.db, &caller, *id).await?;
    let txn = crate::db::begin(&state.db).await?;
    let outcome = super::start_attempt(&txn, &caller, &row, now).await;
    let (started, created) = match outcome {
        Ok((Started::New(a), _)) => (a, true),
        Ok((Started::Existing(a), _)) => (a, false),
        Err(e) if e.code == ProblemCode::AttemptRace => {
            // Another start won; this one answers with the winner's attempt.
            drop(txn);
            let open = attempts::open_attempt(&state.db, row.id, caller.user_id)
                .await?
                .ok_or_else(ApiError::internal)?;
            let view = attempt_view(&state, &req, &caller, &open).await?;
            return Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)));
        }
        Err(e) => return Err(e),
    };
    txn.commit().await?;
    let view = attempt_view(&state, &req, &caller, &started).await?;
    let response = if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    };
    Ok(with_language(response, negotiate(&req)))
}

/// An attempt and, once submitted, its result. An attempt past its deadline is graded on the way.
#[utoipa::path(get, path = "/api/v1/attempts/{id}", tag = "exams", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Attempt), (status = 404)))]
pub async fn get_attempt(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let mut row = attempts::find_visible(&state.db, &caller, *id).await?;
    let now = state.clock.now();
    if row.status == attempt::Status::Open && now > row.deadline {
        let txn = crate::db::begin(&state.db).await?;
        row = super::close_attempt(&txn, row, now).await?;
        txn.commit().await?;
    }
    let view = attempt_view(&state, &req, &caller, &row).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

/// Submits and grades the attempt; a second submit returns the same result.
#[utoipa::path(post, path = "/api/v1/attempts/{id}/submit", tag = "exams", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = AttemptResult), (status = 404)))]
pub async fn submit(state: web::Data<AppState>, caller: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    caller.require(&[Role::Trainee])?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let row = attempts::find_visible(&txn, &caller, *id).await?;
    let closed = super::close_attempt(&txn, row, now).await?;
    txn.commit().await?;
    let result = views::result(&closed).ok_or_else(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(result))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AttemptSummary {
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
pub struct AttemptFilter {
    pub user_id: Option<Uuid>,
}

/// Attempts at an exam in the caller's scope, with results (headquarters, branch admins).
#[utoipa::path(get, path = "/api/v1/exams/{id}/attempts", tag = "exams", params(("id" = Uuid, Path), PageParams, AttemptFilter),
    security(("bearer" = [])), responses((status = 200, body = inline(List<AttemptSummary>)), (status = 403), (status = 404)))]
pub async fn list_attempts(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
    filter: web::Query<AttemptFilter>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin, Role::BranchAdmin])?;
    let page = page.page()?;
    let row = find_visible(&state.db, &caller, *id).await?;
    let mut query = Attempts::find()
        .filter(attempt::Column::ExamId.eq(row.id))
        .filter(caller.scope().condition(attempt::Column::BranchId));
    if let Some(user) = filter.user_id {
        query = query.filter(attempt::Column::UserId.eq(user));
    }
    if let Some(after) = page.after {
        query = query.filter(attempt::Column::Id.gt(after));
    }
    let rows = query.order_by_asc(attempt::Column::Id).limit(page.limit + 1).all(&state.db).await?;
    let (rows, next_cursor) = crate::http::page::split_page(rows, page, |r| r.id);
    let items: Vec<AttemptSummary> = rows
        .iter()
        .map(|r| AttemptSummary {
            id: r.id,
            user_id: r.user_id,
            attempt_number: r.attempt_number,
            status: r.status.to_value(),
            started_at: r.started_at,
            deadline: r.deadline,
            submitted_at: r.submitted_at,
            result: views::result(r),
        })
        .collect();
    Ok(HttpResponse::Ok().json(List { items, next_cursor }))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub fn routes(r: &mut Routes) {
    r.add(__path_complete_lesson, complete_lesson)
        .add(__path_start, start)
        .add(__path_list_attempts, list_attempts)
        .add(__path_get_attempt, get_attempt)
        .add(__path_submit, submit);
}
