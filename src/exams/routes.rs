//! `/api/v1/courses/{id}/exams`, `/api/v1/exams/*`, `/api/v1/attempts/*`:
//! thin handlers over `commands` (writes) and `service` (reads).

use super::dto::{AnswerInput, CreateExam, QuestionInput, SyncAnswersInput, UpdateExam};
use super::views::{self, Exam};
use super::{commands, service};
use crate::courses::texts::chain;
use crate::error::ApiResult;
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{Json, negotiate, with_language};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{Authorized, Caller, HqOnly, Trainees};
use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

/// The languages to answer in: the request's, then the branch's default.
pub(crate) fn languages(req: &HttpRequest, caller: &Caller) -> Vec<Locale> {
    chain(negotiate(req), caller.branch_default_locale)
}

/// Creates an exam for a course (headquarters).
#[utoipa::path(post, path = "/api/v1/courses/{id}/exams", tag = "exams", params(("id" = Uuid, Path)), request_body = CreateExam,
    security(("bearer" = [])), responses((status = 201, body = Exam), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn create(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<CreateExam>,
) -> ApiResult<HttpResponse> {
    let row = commands::create_exam(&state, &actor, *id, &body).await?;
    let view = service::exam_view(&state.db, &actor, row, &languages(&req, &actor)).await?;
    Ok(with_language(HttpResponse::Created().json(view), negotiate(&req)))
}

/// The exams of a course the caller may see.
#[utoipa::path(get, path = "/api/v1/courses/{id}/exams", tag = "exams", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = inline(List<Exam>)), (status = 404)))]
pub(crate) async fn list(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let items = service::list_exams(&state.db, &caller, *id, &languages(&req, &caller)).await?;
    Ok(with_language(
        HttpResponse::Ok().json(List { items, next_cursor: None }),
        negotiate(&req),
    ))
}

/// An exam; headquarters also gets the question bank with its answer key.
#[utoipa::path(get, path = "/api/v1/exams/{id}", tag = "exams", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Exam), (status = 404)))]
pub(crate) async fn get(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let row = service::find_exam(&state.db, &caller, *id).await?;
    let view = service::exam_view(&state.db, &caller, row, &languages(&req, &caller)).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

/// Changes settings or titles. A published exam keeps serving its published
/// version until it is published again.
#[utoipa::path(patch, path = "/api/v1/exams/{id}", tag = "exams", params(("id" = Uuid, Path)), request_body = UpdateExam,
    security(("bearer" = [])), responses((status = 200, body = Exam), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn update(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<UpdateExam>,
) -> ApiResult<HttpResponse> {
    let row = commands::update_exam(&state, &actor, *id, &body).await?;
    let view = service::exam_view(&state.db, &actor, row, &languages(&req, &actor)).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

/// Adds a question to the bank (headquarters).
#[utoipa::path(post, path = "/api/v1/exams/{id}/questions", tag = "exams", params(("id" = Uuid, Path)), request_body = QuestionInput,
    security(("bearer" = [])), responses((status = 201, body = views::AuthoredQuestion), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn add_question(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    id: web::Path<Uuid>,
    body: Json<QuestionInput>,
) -> ApiResult<HttpResponse> {
    let question = commands::add_question(&state, &actor, *id, &body).await?;
    Ok(HttpResponse::Created().json(views::authored(question)))
}

/// Replaces a question of the bank (headquarters). Attempts already started keep the published version.
#[utoipa::path(put, path = "/api/v1/exams/{id}/questions/{question_id}", tag = "exams", params(("id" = Uuid, Path), ("question_id" = Uuid, Path)),
    request_body = QuestionInput, security(("bearer" = [])), responses((status = 200, body = views::AuthoredQuestion), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn update_question(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<QuestionInput>,
) -> ApiResult<HttpResponse> {
    let (exam_id, question_id) = path.into_inner();
    let question = commands::update_question(&state, &actor, exam_id, question_id, &body).await?;
    Ok(HttpResponse::Ok().json(views::authored(question)))
}

#[utoipa::path(delete, path = "/api/v1/exams/{id}/questions/{question_id}", tag = "exams", params(("id" = Uuid, Path), ("question_id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 204), (status = 403), (status = 404)))]
pub(crate) async fn delete_question(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (exam_id, question_id) = path.into_inner();
    commands::delete_question(&state, &actor, exam_id, question_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Freezes the bank and settings as a new version that new attempts use.
#[utoipa::path(post, path = "/api/v1/exams/{id}/publish", tag = "exams", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Exam), (status = 403), (status = 404), (status = 409, description = "fewer questions than question_count")))]
pub(crate) async fn publish(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let row = commands::publish(&state, &actor, *id).await?;
    let view = service::exam_view(&state.db, &actor, row, &languages(&req, &actor)).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

/// Saves the answer to one question; the last write wins. After the deadline: 409 `exam_time_over`.
#[utoipa::path(put, path = "/api/v1/attempts/{id}/answers/{question_id}", tag = "exams", params(("id" = Uuid, Path), ("question_id" = Uuid, Path)),
    request_body = AnswerInput, security(("bearer" = [])),
    responses((status = 204), (status = 404), (status = 409, description = "exam_time_over or attempt_submitted"), (status = 422)))]
pub(crate) async fn save_answer(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Trainees>,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<AnswerInput>,
) -> ApiResult<HttpResponse> {
    let (id, question_id) = path.into_inner();
    commands::save_answer(&state, &actor, id, question_id, &body).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// What became of one answer of a batch.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct SyncedAnswer {
    pub question_id: Uuid,
    pub seq: i64,
    /// `saved`, `stale` (an answer with this or a higher seq is kept),
    /// `late_synced` (kept, arrived within the grace period after the
    /// deadline), or refused: `answered_after_deadline`, `grace_over`.
    pub status: super::attempts::SyncOutcome,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct SyncedAnswers {
    /// One per answer sent, in the same order.
    pub items: Vec<SyncedAnswer>,
}

/// Saves a batch of answers queued on a device: per question the highest
/// `seq` wins; answers given before the deadline are taken for the exam's
/// `sync_grace_minutes` after it (default 2; flagged late-synced). A malformed batch stores nothing (422,
/// fields named `answers[i].field`).
#[utoipa::path(put, path = "/api/v1/attempts/{id}/answers", tag = "exams", params(("id" = Uuid, Path)),
    request_body = SyncAnswersInput, security(("bearer" = [])),
    responses((status = 200, body = SyncedAnswers), (status = 404), (status = 409, description = "attempt_submitted"), (status = 422)))]
pub(crate) async fn sync_answers(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Trainees>,
    id: web::Path<Uuid>,
    body: Json<SyncAnswersInput>,
) -> ApiResult<HttpResponse> {
    let outcomes = commands::sync_answers(&state, &actor, *id, &body).await?;
    let items = body
        .answers
        .iter()
        .zip(outcomes)
        .map(|(a, status)| SyncedAnswer {
            question_id: a.question_id,
            seq: a.seq,
            status,
        })
        .collect();
    Ok(HttpResponse::Ok().json(SyncedAnswers { items }))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
    r.add(
        super::translation_status::__path_translation_status,
        super::translation_status::translation_status,
    )
    .add(__path_create, create)
    .add(__path_list, list)
    .add(__path_get, get)
    .add(__path_update, update)
    .add(__path_add_question, add_question)
    .add(__path_update_question, update_question)
    .add(__path_delete_question, delete_question)
    .add(__path_publish, publish)
    .add(__path_save_answer, save_answer)
    .add(__path_sync_answers, sync_answers);
}
