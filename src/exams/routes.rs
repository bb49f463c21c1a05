//! `/api/v1/courses/{id}/exams`, `/api/v1/exams/*`, `/api/v1/attempts/*`.

use super::attempts;
use super::authoring::{self, ExamText, QuestionInputText};
use super::exam_entity::{self as exam, Entity as Exams};
use super::question_entity::{self as question, Entity as Questions};
use super::views::{self, Exam};
use crate::audit;
use crate::courses::service as courses;
use crate::courses::texts::chain;
use crate::error::FieldCode;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{Json, negotiate, with_language};
use crate::state::AppState;
use crate::tenancy::{Caller, Role};
use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExam {
    #[schema(value_type = BTreeMap<crate::i18n::Locale, ExamText>)]
    pub translations: BTreeMap<String, ExamText>,
    #[schema(minimum = 1, maximum = 100)]
    pub pass_mark_percent: i32,
    #[schema(minimum = 1, maximum = 600)]
    pub time_limit_minutes: i32,
    #[schema(minimum = 1, maximum = 100)]
    pub max_attempts: i32,
    /// Questions drawn per attempt from the bank.
    #[schema(minimum = 1, maximum = 500)]
    pub question_count: i32,
    #[serde(default)]
    pub shuffle: bool,
    /// Let trainees see per-question points after submitting (off by default).
    #[serde(default)]
    pub review_allowed: bool,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateExam {
    #[schema(value_type = Option<BTreeMap<crate::i18n::Locale, ExamText>>)]
    pub translations: Option<BTreeMap<String, ExamText>>,
    #[schema(minimum = 1, maximum = 100)]
    pub pass_mark_percent: Option<i32>,
    #[schema(minimum = 1, maximum = 600)]
    pub time_limit_minutes: Option<i32>,
    #[schema(minimum = 1, maximum = 100)]
    pub max_attempts: Option<i32>,
    #[schema(minimum = 1, maximum = 500)]
    pub question_count: Option<i32>,
    pub shuffle: Option<bool>,
    pub review_allowed: Option<bool>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionInput {
    /// `single_choice`, `multiple_choice` or `true_false`.
    #[schema(pattern = "^(single_choice|multiple_choice|true_false)$")]
    pub kind: String,
    #[schema(minimum = 1, maximum = 100)]
    pub points: i32,
    /// Multiple choice only: credit for partly right answers (default all or nothing).
    #[serde(default)]
    pub partial_credit: bool,
    #[schema(value_type = BTreeMap<crate::i18n::Locale, QuestionInputText>)]
    pub translations: BTreeMap<String, QuestionInputText>,
    /// Indices of the correct options.
    #[schema(min_items = 1)]
    pub correct: Vec<i64>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    /// Option ids from the attempt.
    pub selected: Vec<String>,
}

/// The exam if the caller may see it: headquarters any; others published
/// exams of courses offered to their branch.
pub async fn find_visible(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> ApiResult<exam::Model> {
    let row = Exams::find_by_id(id).one(db).await?.ok_or_else(ApiError::not_found)?;
    if !caller.is_hq() {
        if row.status != exam::Status::Published {
            return Err(ApiError::not_found());
        }
        courses::find_visible(db, caller, row.course_id).await?;
    }
    Ok(row)
}

async fn exam_view(state: &AppState, req: &HttpRequest, caller: &Caller, row: exam::Model) -> ApiResult<Exam> {
    let titles = authoring::titles(&state.db, &[row.id]).await?.remove(&row.id).unwrap_or_default();
    let bank = if caller.is_hq() {
        Some(authoring::load_bank(&state.db, row.id).await?)
    } else {
        None
    };
    Ok(views::exam(
        row,
        &titles,
        &chain(negotiate(req), caller.branch_default_locale),
        bank,
    ))
}

/// Creates an exam for a course (headquarters).
#[utoipa::path(post, path = "/api/v1/courses/{id}/exams", tag = "exams", params(("id" = Uuid, Path)), request_body = CreateExam,
    security(("bearer" = [])), responses((status = 201, body = Exam), (status = 403), (status = 404), (status = 422)))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<CreateExam>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let mut errors = Vec::new();
    let titles = authoring::check_titles(&body.translations, &mut errors);
    let s = authoring::check_settings(
        body.pass_mark_percent,
        body.time_limit_minutes,
        body.max_attempts,
        body.question_count,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let course = courses::find_visible(&txn, &caller, *id).await?;
    let row = exam::ActiveModel {
        id: Set(Uuid::now_v7()),
        course_id: Set(course.id),
        status: Set(exam::Status::Draft),
        pass_mark_percent: Set(s.pass_mark_percent),
        time_limit_minutes: Set(s.time_limit_minutes),
        max_attempts: Set(s.max_attempts),
        question_count: Set(s.question_count),
        shuffle: Set(body.shuffle),
        review_allowed: Set(body.review_allowed),
        current_version_id: Set(None),
        has_unpublished_changes: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    for (locale, title) in &titles {
        authoring::set_title(&txn, row.id, *locale, title, now).await?;
    }
    audit::record(
        &txn,
        &req,
        &caller,
        None,
        "exam.create",
        "exam",
        &row.id.to_string(),
        json!({"course_id": course.id}),
    )
    .await?;
    txn.commit().await?;
    let view = exam_view(&state, &req, &caller, row).await?;
    Ok(with_language(HttpResponse::Created().json(view), negotiate(&req)))
}

/// The exams of a course the caller may see.
#[utoipa::path(get, path = "/api/v1/courses/{id}/exams", tag = "exams", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = inline(List<Exam>)), (status = 404)))]
pub async fn list(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let course = courses::find_visible(&state.db, &caller, *id).await?;
    let mut query = Exams::find().filter(exam::Column::CourseId.eq(course.id));
    if !caller.is_hq() {
        query = query.filter(exam::Column::Status.eq(exam::Status::Published));
    }
    let rows = query.order_by_asc(exam::Column::Id).limit(200).all(&state.db).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let titles = authoring::titles(&state.db, &ids).await?;
    let chain = chain(negotiate(&req), caller.branch_default_locale);
    let empty = BTreeMap::new();
    let items: Vec<Exam> = rows
        .into_iter()
        .map(|r| {
            let t = titles.get(&r.id).unwrap_or(&empty);
            views::exam(r, t, &chain, None)
        })
        .collect();
    Ok(with_language(
        HttpResponse::Ok().json(List { items, next_cursor: None }),
        negotiate(&req),
    ))
}

/// An exam; headquarters also gets the question bank with its answer key.
#[utoipa::path(get, path = "/api/v1/exams/{id}", tag = "exams", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Exam), (status = 404)))]
pub async fn get(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let row = find_visible(&state.db, &caller, *id).await?;
    let view = exam_view(&state, &req, &caller, row).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

/// Changes settings or titles. A published exam keeps serving its published
/// version until it is published again.
#[utoipa::path(patch, path = "/api/v1/exams/{id}", tag = "exams", params(("id" = Uuid, Path)), request_body = UpdateExam,
    security(("bearer" = [])), responses((status = 200, body = Exam), (status = 403), (status = 404), (status = 422)))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<UpdateExam>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let row = find_visible(&txn, &caller, *id).await?;
    let mut errors = Vec::new();
    let titles = body
        .translations
        .as_ref()
        .map(|t| authoring::check_titles(t, &mut errors))
        .unwrap_or_default();
    let s = authoring::check_settings(
        body.pass_mark_percent.unwrap_or(row.pass_mark_percent),
        body.time_limit_minutes.unwrap_or(row.time_limit_minutes),
        body.max_attempts.unwrap_or(row.max_attempts),
        body.question_count.unwrap_or(row.question_count),
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    for (locale, title) in &titles {
        authoring::set_title(&txn, row.id, *locale, title, now).await?;
    }
    let mut active: exam::ActiveModel = row.clone().into();
    active.pass_mark_percent = Set(s.pass_mark_percent);
    active.time_limit_minutes = Set(s.time_limit_minutes);
    active.max_attempts = Set(s.max_attempts);
    active.question_count = Set(s.question_count);
    if let Some(v) = body.shuffle {
        active.shuffle = Set(v);
    }
    if let Some(v) = body.review_allowed {
        active.review_allowed = Set(v);
    }
    active.has_unpublished_changes = Set(row.status == exam::Status::Published);
    active.updated_at = Set(now);
    let row = active.update(&txn).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        None,
        "exam.update",
        "exam",
        &row.id.to_string(),
        json!({"settings": true}),
    )
    .await?;
    txn.commit().await?;
    let view = exam_view(&state, &req, &caller, row).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

/// Adds a question to the bank (headquarters).
#[utoipa::path(post, path = "/api/v1/exams/{id}/questions", tag = "exams", params(("id" = Uuid, Path)), request_body = QuestionInput,
    security(("bearer" = [])), responses((status = 201, body = views::AuthoredQuestion), (status = 403), (status = 404), (status = 422)))]
pub async fn add_question(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<QuestionInput>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let clean = authoring::check_question(&body.kind, body.points, body.partial_credit, &body.translations, &body.correct)?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let row = find_visible(&txn, &caller, *id).await?;
    let q = authoring::save_question(&txn, row.id, None, &clean, now).await?;
    authoring::mark_changed(&txn, &row, now).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        None,
        "question.create",
        "question",
        &q.id.to_string(),
        json!({"exam_id": row.id}),
    )
    .await?;
    txn.commit().await?;
    let bank = authoring::load_bank(&state.db, row.id).await?;
    let view = bank
        .into_iter()
        .find(|x| x.id == q.id)
        .map(views::authored)
        .ok_or_else(ApiError::internal)?;
    Ok(HttpResponse::Created().json(view))
}

/// Replaces a question of the bank (headquarters). Attempts already started keep the published version.
#[utoipa::path(put, path = "/api/v1/exams/{id}/questions/{question_id}", tag = "exams", params(("id" = Uuid, Path), ("question_id" = Uuid, Path)),
    request_body = QuestionInput, security(("bearer" = [])), responses((status = 200, body = views::AuthoredQuestion), (status = 403), (status = 404), (status = 422)))]
pub async fn update_question(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<QuestionInput>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let (exam_id, question_id) = path.into_inner();
    let clean = authoring::check_question(&body.kind, body.points, body.partial_credit, &body.translations, &body.correct)?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let row = find_visible(&txn, &caller, exam_id).await?;
    Questions::find_by_id(question_id)
        .filter(question::Column::ExamId.eq(row.id))
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    authoring::save_question(&txn, row.id, Some(question_id), &clean, now).await?;
    authoring::mark_changed(&txn, &row, now).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        None,
        "question.update",
        "question",
        &question_id.to_string(),
        json!({"exam_id": row.id}),
    )
    .await?;
    txn.commit().await?;
    let bank = authoring::load_bank(&state.db, row.id).await?;
    let view = bank
        .into_iter()
        .find(|x| x.id == question_id)
        .map(views::authored)
        .ok_or_else(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(delete, path = "/api/v1/exams/{id}/questions/{question_id}", tag = "exams", params(("id" = Uuid, Path), ("question_id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 204), (status = 403), (status = 404)))]
pub async fn delete_question(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let (exam_id, question_id) = path.into_inner();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let row = find_visible(&txn, &caller, exam_id).await?;
    let deleted = Questions::delete_many()
        .filter(question::Column::Id.eq(question_id))
        .filter(question::Column::ExamId.eq(row.id))
        .exec(&txn)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(ApiError::not_found());
    }
    authoring::mark_changed(&txn, &row, now).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        None,
        "question.delete",
        "question",
        &question_id.to_string(),
        json!({"exam_id": row.id}),
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Freezes the bank and settings as a new version that new attempts use.
#[utoipa::path(post, path = "/api/v1/exams/{id}/publish", tag = "exams", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Exam), (status = 403), (status = 404), (status = 409, description = "fewer questions than question_count")))]
pub async fn publish(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let row = find_visible(&txn, &caller, *id).await?;
    let row = authoring::publish(&txn, row, now).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        None,
        "exam.publish",
        "exam",
        &row.id.to_string(),
        json!({"version_id": row.current_version_id}),
    )
    .await?;
    txn.commit().await?;
    let view = exam_view(&state, &req, &caller, row).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

/// Saves the answer to one question; the last write wins. After the deadline: 409 `exam_time_over`.
#[utoipa::path(put, path = "/api/v1/attempts/{id}/answers/{question_id}", tag = "exams", params(("id" = Uuid, Path), ("question_id" = Uuid, Path)),
    request_body = AnswerInput, security(("bearer" = [])),
    responses((status = 204), (status = 404), (status = 409, description = "exam_time_over or attempt_submitted"), (status = 422)))]
pub async fn save_answer(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<AnswerInput>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::Trainee])?;
    let (id, question_id) = path.into_inner();
    if body.selected.len() > 10 {
        return Err(ApiError::validation(vec![
            FieldError::new("selected", FieldCode::TooLong).arg("max", 10),
        ]));
    }
    let now = state.clock.now();
    let row = attempts::find_visible(&state.db, &caller, id).await?;
    attempts::save_answer(&state.db, &row, question_id, &body.selected, now).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub fn routes(r: &mut Routes) {
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
    .add(__path_save_answer, save_answer);
}
