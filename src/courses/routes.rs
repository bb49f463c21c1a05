//! `/api/v1/courses`: the headquarters catalogue.

use super::course_entity::{self as course, Entity as Courses};
use super::dto::{self, CourseDetail, CourseListItem, Lesson};
use super::lesson_entity::{self as lesson, Entity as Lessons};
use super::offering_entity as offering;
use super::service;
use super::texts::{CourseText, LessonText, check_course_texts, check_lesson_texts};
use crate::audit;
use crate::branches::service as branches;
use crate::cluster::{self, Event};
use crate::error::{ApiError, ApiResult, FieldError, is_foreign_key_violation, is_unique_violation};
use crate::error::{FieldCode, ProblemCode};
use crate::http::etag::{etag_of, json_bytes_with_known_etag};
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{Json, PageParams, negotiate, with_language};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{Caller, Role};
use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveEnum, ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLesson {
    /// 1-based; omitted or past the end appends.
    pub position: Option<i32>,
    #[schema(value_type = BTreeMap<crate::i18n::Locale, LessonText>)]
    pub translations: BTreeMap<String, LessonText>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCourse {
    /// Unique, e.g. `EV-HV-101`.
    #[schema(pattern = "^[A-Z0-9][A-Z0-9-]{1,31}$")]
    pub code: String,
    /// The locale authors write in (default: the first of zh-CN, en, th, vi given).
    #[schema(value_type = Option<crate::i18n::Locale>)]
    pub source_locale: Option<String>,
    #[schema(value_type = BTreeMap<crate::i18n::Locale, CourseText>)]
    pub translations: BTreeMap<String, CourseText>,
    #[serde(default)]
    pub lessons: Vec<NewLesson>,
}

fn detail_response(req: &HttpRequest, body: CourseDetail, created: bool) -> HttpResponse {
    let locale = negotiate(req);
    if created {
        with_language(HttpResponse::Created().json(body), locale)
    } else {
        with_language(HttpResponse::Ok().json(body), locale)
    }
}

async fn detail_of(state: &AppState, req: &HttpRequest, caller: &Caller, row: course::Model) -> ApiResult<CourseDetail> {
    let editor = caller.is_hq();
    let branches = if editor {
        Some(service::offered_branches(&state.db, row.id).await?)
    } else {
        None
    };
    let bundle = service::load_bundle(&state.db, row).await?;
    Ok(dto::detail(bundle, negotiate(req), caller.branch_default_locale, editor, branches))
}

/// Creates a course, optionally with its lessons (headquarters only).
#[utoipa::path(post, path = "/api/v1/courses", tag = "courses", request_body = CreateCourse, security(("bearer" = [])),
    responses((status = 201, body = CourseDetail), (status = 401), (status = 403), (status = 409, description = "code taken"), (status = 422)))]
pub async fn create(state: web::Data<AppState>, caller: Caller, req: HttpRequest, body: Json<CreateCourse>) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let mut errors = Vec::new();
    let code = body.code.trim().to_string();
    if !service::valid_code(&code) {
        errors.push(FieldError::new("code", FieldCode::InvalidCourseCode));
    }
    let texts = check_course_texts("translations", &body.translations, &mut errors);
    if body.translations.is_empty() {
        errors.push(FieldError::new("translations", FieldCode::Required));
    }
    let source = match &body.source_locale {
        Some(s) => match Locale::from_canonical(s) {
            Some(l) if texts.contains_key(&l) || !errors.is_empty() => Some(l),
            Some(_) => {
                errors.push(FieldError::new("source_locale", FieldCode::SourceNotTranslated));
                None
            }
            None => {
                errors.push(FieldError::new("source_locale", FieldCode::UnknownLocale));
                None
            }
        },
        None => Locale::ALL.into_iter().find(|l| texts.contains_key(l)),
    };
    let mut lessons = Vec::new();
    for (i, l) in body.lessons.iter().enumerate() {
        let prefix = format!("lessons[{i}].translations");
        let clean = check_lesson_texts(&prefix, &l.translations, &mut errors);
        if l.translations.is_empty() {
            errors.push(FieldError::new(prefix, FieldCode::Required));
        }
        lessons.push((l.position, clean));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let row = course::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(code),
        source_locale: Set(source.unwrap_or(Locale::En).as_str().to_string()),
        status: Set(course::Status::Draft),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            ApiError::conflict(ProblemCode::CourseExists)
        } else {
            e.into()
        }
    })?;
    for (locale, text) in &texts {
        service::upsert_course_text(&txn, row.id, *locale, text, now).await?;
    }
    for (position, texts) in &lessons {
        service::insert_lesson(&txn, row.id, *position, texts, now).await?;
    }
    audit::record(
        &txn,
        &req,
        &caller,
        None,
        "course.create",
        "course",
        &row.id.to_string(),
        json!({"code": row.code, "lessons": lessons.len()}),
    )
    .await?;
    let changed = cluster::announce(&txn, Event::Catalogue).await?;
    txn.commit().await?;
    changed.apply(&state);
    let detail = detail_of(&state, &req, &caller, row).await?;
    Ok(detail_response(&req, detail, true))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct CourseFilter {
    /// `draft` or `published` (headquarters).
    #[param(pattern = "^(draft|published)$")]
    pub status: Option<String>,
}

/// The catalogue in the response language. Branch users see only published courses offered to their branch.
#[utoipa::path(get, path = "/api/v1/courses", tag = "courses", params(PageParams, CourseFilter), security(("bearer" = [])),
    responses((status = 200, body = inline(List<CourseListItem>)), (status = 304), (status = 401)))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    page: web::Query<PageParams>,
    filter: web::Query<CourseFilter>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let status = filter
        .status
        .as_ref()
        .map(|s| course::Status::try_from_value(s).map_err(|_| ApiError::field("status", FieldCode::InvalidChoice)))
        .transpose()?;
    let locale = negotiate(&req);
    let what = format!(
        "list status={} limit={} after={}",
        filter.status.as_deref().unwrap_or(""),
        page.limit,
        page.after.map(|id| id.to_string()).unwrap_or_default()
    );
    let key = cache_key(&what, &caller, locale);
    if let Some((body, etag)) = state.catalogue.get(&key) {
        return Ok(json_bytes_with_known_etag(&req, locale, body, &etag));
    }
    let generation = state.catalogue.generation();
    let mut query = Courses::find().filter(service::visibility(&caller));
    if let Some(status) = status {
        query = query.filter(course::Column::Status.eq(status));
    }
    if let Some(after) = page.after {
        query = query.filter(course::Column::Id.gt(after));
    }
    let rows = query.order_by_asc(course::Column::Id).limit(page.limit + 1).all(&state.db).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let texts = service::course_texts(&state.db, &ids).await?;
    let counts = service::lesson_counts(&state.db, &ids).await?;
    let empty = BTreeMap::new();
    let list = List::from_rows(
        rows,
        page,
        |r| r.id,
        |r| {
            let id = r.id;
            dto::list_item(
                r,
                texts.get(&id).unwrap_or(&empty),
                counts.get(&id).copied().unwrap_or(0),
                locale,
                caller.branch_default_locale,
            )
        },
    );
    let body: web::Bytes = serde_json::to_vec(&list).unwrap_or_default().into();
    let etag = etag_of(&body);
    state.catalogue.put(key, generation, body.clone(), etag.clone());
    Ok(json_bytes_with_known_etag(&req, locale, body, &etag))
}

/// What a catalogue read depends on: `what` was asked (the validated
/// parameters that change the answer, never the raw URL: junk parameters
/// must not make new entries), who may see what (headquarters sees drafts
/// and editors' data; others see their branch's offer), and the languages.
fn cache_key(what: &str, caller: &Caller, locale: Locale) -> String {
    let audience = if caller.is_hq() {
        "hq".to_string()
    } else {
        caller.branch_id.to_string()
    };
    format!("{what}|{audience}|{locale}|{}", caller.branch_default_locale)
}

/// A course with its lessons in order, in the response language.
#[utoipa::path(get, path = "/api/v1/courses/{id}", tag = "courses", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = CourseDetail), (status = 304), (status = 401), (status = 404)))]
pub async fn get(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let locale = negotiate(&req);
    let key = cache_key(&format!("course {}", *id), &caller, locale);
    if let Some((body, etag)) = state.catalogue.get(&key) {
        return Ok(json_bytes_with_known_etag(&req, locale, body, &etag));
    }
    let generation = state.catalogue.generation();
    let row = service::find_visible(&state.db, &caller, *id).await?;
    let detail = detail_of(&state, &req, &caller, row).await?;
    let body: web::Bytes = serde_json::to_vec(&detail).unwrap_or_default().into();
    let etag = etag_of(&body);
    state.catalogue.put(key, generation, body.clone(), etag.clone());
    Ok(json_bytes_with_known_etag(&req, locale, body, &etag))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCourse {
    #[schema(pattern = "^[A-Z0-9][A-Z0-9-]{1,31}$")]
    pub code: Option<String>,
    #[schema(value_type = Option<crate::i18n::Locale>)]
    pub source_locale: Option<String>,
}

#[utoipa::path(patch, path = "/api/v1/courses/{id}", tag = "courses", params(("id" = Uuid, Path)), request_body = UpdateCourse,
    security(("bearer" = [])), responses((status = 200, body = CourseDetail), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<UpdateCourse>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let txn = crate::db::begin(&state.db).await?;
    let row = service::find_visible(&txn, &caller, *id).await?;
    let mut active: course::ActiveModel = row.into();
    let mut errors = Vec::new();
    if let Some(code) = &body.code {
        if service::valid_code(code.trim()) {
            active.code = Set(code.trim().to_string());
        } else {
            errors.push(FieldError::new("code", FieldCode::InvalidCourseCode));
        }
    }
    if let Some(source) = &body.source_locale {
        match Locale::from_canonical(source) {
            Some(l) => active.source_locale = Set(l.as_str().to_string()),
            None => errors.push(FieldError::new("source_locale", FieldCode::UnknownLocale)),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    active.updated_at = Set(state.clock.now());
    let row = active.update(&txn).await.map_err(|e| {
        if is_unique_violation(&e) {
            ApiError::conflict(ProblemCode::CourseExists)
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        &req,
        &caller,
        None,
        "course.update",
        "course",
        &row.id.to_string(),
        json!({"code": body.code, "source_locale": body.source_locale}),
    )
    .await?;
    let changed = cluster::announce(&txn, Event::Catalogue).await?;
    txn.commit().await?;
    changed.apply(&state);
    let detail = detail_of(&state, &req, &caller, row).await?;
    Ok(detail_response(&req, detail, false))
}

/// Deletes a course while nothing depends on it (no cohorts, no exams); 409 otherwise.
#[utoipa::path(delete, path = "/api/v1/courses/{id}", tag = "courses", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "in use")))]
pub async fn delete(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let txn = crate::db::begin(&state.db).await?;
    let row = service::find_visible(&txn, &caller, *id).await?;
    Courses::delete_by_id(row.id).exec(&txn).await.map_err(|e| {
        if is_foreign_key_violation(&e) {
            ApiError::conflict(ProblemCode::CourseInUse)
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        &req,
        &caller,
        None,
        "course.delete",
        "course",
        &row.id.to_string(),
        json!({"code": row.code}),
    )
    .await?;
    let changed = cluster::announce(&txn, Event::Catalogue).await?;
    txn.commit().await?;
    changed.apply(&state);
    Ok(HttpResponse::NoContent().finish())
}

/// Sets one locale's title and summary.
#[utoipa::path(put, path = "/api/v1/courses/{id}/translations/{locale}", tag = "courses",
    params(("id" = Uuid, Path), ("locale" = crate::i18n::Locale, Path, description = "zh-CN, en, th or vi")), request_body = CourseText,
    security(("bearer" = [])), responses((status = 200, body = CourseDetail), (status = 403), (status = 404), (status = 422)))]
pub async fn put_translation(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, String)>,
    body: Json<CourseText>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let (id, locale) = path.into_inner();
    let mut errors = Vec::new();
    let texts = check_course_texts("", &BTreeMap::from([(locale.clone(), body.0.clone())]), &mut errors);
    let errors: Vec<FieldError> = errors
        .into_iter()
        .map(|mut e| {
            e.field = e
                .field
                .trim_start_matches('.')
                .split_once('.')
                .map(|(_, f)| f.to_string())
                .unwrap_or_else(|| "locale".into());
            e
        })
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let row = service::find_visible(&txn, &caller, id).await?;
    for (l, text) in &texts {
        service::upsert_course_text(&txn, row.id, *l, text, now).await?;
    }
    service::touch(&txn, row.id, now).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        None,
        "course.translate",
        "course",
        &row.id.to_string(),
        json!({"locale": locale}),
    )
    .await?;
    let changed = cluster::announce(&txn, Event::Catalogue).await?;
    txn.commit().await?;
    changed.apply(&state);
    let row = Courses::find_by_id(id).one(&state.db).await?.ok_or_else(ApiError::not_found)?;
    let detail = detail_of(&state, &req, &caller, row).await?;
    Ok(detail_response(&req, detail, false))
}

async fn lesson_view(state: &AppState, req: &HttpRequest, caller: &Caller, course_id: Uuid, lesson_id: Uuid) -> ApiResult<Lesson> {
    let row = Courses::find_by_id(course_id)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let bundle = service::load_bundle(&state.db, row).await?;
    let chain = super::texts::chain(negotiate(req), caller.branch_default_locale);
    bundle
        .lessons
        .iter()
        .find(|l| l.lesson.id == lesson_id)
        .map(|l| dto::lesson(l, &chain, true))
        .ok_or_else(ApiError::not_found)
}

/// Adds a lesson at a position.
#[utoipa::path(post, path = "/api/v1/courses/{id}/lessons", tag = "courses", params(("id" = Uuid, Path)), request_body = NewLesson,
    security(("bearer" = [])), responses((status = 201, body = Lesson), (status = 403), (status = 404), (status = 422)))]
pub async fn add_lesson(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<NewLesson>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let mut errors = Vec::new();
    let texts = check_lesson_texts("translations", &body.translations, &mut errors);
    if body.translations.is_empty() {
        errors.push(FieldError::new("translations", FieldCode::Required));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let row = service::find_visible(&txn, &caller, *id).await?;
    let created = service::insert_lesson(&txn, row.id, body.position, &texts, now).await?;
    service::touch(&txn, row.id, now).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        None,
        "lesson.create",
        "lesson",
        &created.id.to_string(),
        json!({"course_id": row.id}),
    )
    .await?;
    let changed = cluster::announce(&txn, Event::Catalogue).await?;
    txn.commit().await?;
    changed.apply(&state);
    let view = lesson_view(&state, &req, &caller, row.id, created.id).await?;
    Ok(with_language(HttpResponse::Created().json(view), negotiate(&req)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLesson {
    /// Move the lesson to this 1-based position.
    #[schema(minimum = 1)]
    pub position: Option<i32>,
    /// Locales to set; others are kept.
    #[schema(value_type = Option<BTreeMap<crate::i18n::Locale, LessonText>>)]
    pub translations: Option<BTreeMap<String, LessonText>>,
}

async fn find_lesson(db: &impl sea_orm::ConnectionTrait, course_id: Uuid, lesson_id: Uuid) -> ApiResult<lesson::Model> {
    Lessons::find_by_id(lesson_id)
        .filter(lesson::Column::CourseId.eq(course_id))
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Changes a lesson's texts or position.
#[utoipa::path(put, path = "/api/v1/courses/{id}/lessons/{lesson_id}", tag = "courses",
    params(("id" = Uuid, Path), ("lesson_id" = Uuid, Path)), request_body = UpdateLesson, security(("bearer" = [])),
    responses((status = 200, body = Lesson), (status = 403), (status = 404), (status = 422)))]
pub async fn update_lesson(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<UpdateLesson>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let (course_id, lesson_id) = path.into_inner();
    let mut errors = Vec::new();
    let texts = body
        .translations
        .as_ref()
        .map(|t| check_lesson_texts("translations", t, &mut errors))
        .unwrap_or_default();
    if let Some(p) = body.position
        && p < 1
    {
        errors.push(FieldError::new("position", FieldCode::OutOfRange).arg("min", 1).arg("max", 10_000));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let course = service::find_visible(&txn, &caller, course_id).await?;
    let row = find_lesson(&txn, course.id, lesson_id).await?;
    for (locale, text) in &texts {
        service::upsert_lesson_text(&txn, row.id, *locale, text, now).await?;
    }
    if let Some(position) = body.position {
        service::move_lesson(&txn, course.id, row.id, position).await?;
    }
    service::touch(&txn, course.id, now).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        None,
        "lesson.update",
        "lesson",
        &row.id.to_string(),
        json!({"position": body.position, "locales": texts.keys().map(|l| l.as_str()).collect::<Vec<_>>()}),
    )
    .await?;
    let changed = cluster::announce(&txn, Event::Catalogue).await?;
    txn.commit().await?;
    changed.apply(&state);
    let view = lesson_view(&state, &req, &caller, course.id, row.id).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

/// Removes a lesson while no trainee progress refers to it.
#[utoipa::path(delete, path = "/api/v1/courses/{id}/lessons/{lesson_id}", tag = "courses",
    params(("id" = Uuid, Path), ("lesson_id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403), (status = 404), (status = 409)))]
pub async fn delete_lesson(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let (course_id, lesson_id) = path.into_inner();
    let txn = crate::db::begin(&state.db).await?;
    let course = service::find_visible(&txn, &caller, course_id).await?;
    let row = find_lesson(&txn, course.id, lesson_id).await?;
    Lessons::delete_by_id(row.id).exec(&txn).await.map_err(|e| {
        if is_foreign_key_violation(&e) {
            ApiError::conflict(ProblemCode::LessonInUse)
        } else {
            e.into()
        }
    })?;
    service::renumber(&txn, course.id).await?;
    service::touch(&txn, course.id, state.clock.now()).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        None,
        "lesson.delete",
        "lesson",
        &row.id.to_string(),
        json!({"course_id": course.id}),
    )
    .await?;
    let changed = cluster::announce(&txn, Event::Catalogue).await?;
    txn.commit().await?;
    changed.apply(&state);
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reorder {
    /// Every lesson id of the course, in the new order.
    pub lesson_ids: Vec<Uuid>,
}

/// Puts the lessons in a new order.
#[utoipa::path(post, path = "/api/v1/courses/{id}/lessons/reorder", tag = "courses", params(("id" = Uuid, Path)), request_body = Reorder,
    security(("bearer" = [])), responses((status = 200, body = CourseDetail), (status = 403), (status = 404), (status = 422)))]
pub async fn reorder(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<Reorder>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let txn = crate::db::begin(&state.db).await?;
    let course = service::find_visible(&txn, &caller, *id).await?;
    let mut current: Vec<Uuid> = Lessons::find()
        .filter(lesson::Column::CourseId.eq(course.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    let mut wanted = body.lesson_ids.clone();
    current.sort();
    wanted.sort();
    if current != wanted {
        return Err(ApiError::field("lesson_ids", FieldCode::NotAPermutation));
    }
    service::set_order(&txn, &body.lesson_ids).await?;
    service::touch(&txn, course.id, state.clock.now()).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        None,
        "course.reorder",
        "course",
        &course.id.to_string(),
        json!({"lesson_ids": body.lesson_ids}),
    )
    .await?;
    let changed = cluster::announce(&txn, Event::Catalogue).await?;
    txn.commit().await?;
    changed.apply(&state);
    let row = Courses::find_by_id(course.id)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let detail = detail_of(&state, &req, &caller, row).await?;
    Ok(detail_response(&req, detail, false))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Publish {
    /// Branch codes to offer the course to (added to earlier offers).
    pub branches: Vec<String>,
}

/// Publishes the course and offers it to branches.
#[utoipa::path(post, path = "/api/v1/courses/{id}/publish", tag = "courses", params(("id" = Uuid, Path)), request_body = Publish,
    security(("bearer" = [])), responses((status = 200, body = CourseDetail), (status = 403), (status = 404), (status = 409, description = "no lessons"), (status = 422)))]
pub async fn publish(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<Publish>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let course = service::find_visible(&txn, &caller, *id).await?;
    let mut branch_ids = Vec::new();
    let mut errors = Vec::new();
    for (i, code) in body.branches.iter().enumerate() {
        match branches::find_by_code(&txn, code).await? {
            Some(b) => branch_ids.push(b.id),
            None => errors.push(FieldError::new(format!("branches[{i}]"), FieldCode::UnknownBranch)),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let lesson_count = service::lesson_counts(&txn, &[course.id])
        .await?
        .get(&course.id)
        .copied()
        .unwrap_or(0);
    if lesson_count == 0 {
        return Err(ApiError::conflict(ProblemCode::CourseHasNoLessons));
    }
    for branch_id in branch_ids {
        let row = offering::ActiveModel {
            id: Set(Uuid::now_v7()),
            course_id: Set(course.id),
            branch_id: Set(branch_id),
            created_at: Set(now),
        };
        offering::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([offering::Column::CourseId, offering::Column::BranchId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    let mut active: course::ActiveModel = course.into();
    active.status = Set(course::Status::Published);
    active.updated_at = Set(now);
    let course = active.update(&txn).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        None,
        "course.publish",
        "course",
        &course.id.to_string(),
        json!({"branches": body.branches}),
    )
    .await?;
    let changed = cluster::announce(&txn, Event::Catalogue).await?;
    txn.commit().await?;
    changed.apply(&state);
    let detail = detail_of(&state, &req, &caller, course).await?;
    Ok(detail_response(&req, detail, false))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub fn routes(r: &mut Routes) {
    r.add(__path_create, create)
        .add(__path_list, list)
        .add(__path_get, get)
        .add(__path_update, update)
        .add(__path_delete, delete)
        .add(__path_put_translation, put_translation)
        .add(__path_publish, publish)
        .add(__path_add_lesson, add_lesson)
        .add(__path_reorder, reorder)
        .add(__path_update_lesson, update_lesson)
        .add(__path_delete_lesson, delete_lesson);
}
