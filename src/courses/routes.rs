//! `/api/v1/courses`: the headquarters catalogue. Handlers parse, authorize,
//! run one command of `commands`/`lesson_commands` and answer a view; reads
//! are served from the catalogue cache (keys and ETags below).

use super::CourseError;
use super::commands;
use super::course_entity as course;
use super::dto::{
    self, CourseDetail, CourseFilter, CourseListItem, CreateCourse, Lesson, NewLesson, Publish, Reorder, UpdateCourse, UpdateLesson,
};
use super::lesson_commands;
use super::service;
use super::texts::CourseText;
use crate::error::{ApiError, ApiResult, FieldCode};
use crate::http::etag::{etag_of, json_bytes_with_known_etag};
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{CursorPage, Json, PageParams, negotiate, with_language};
use crate::i18n::Locale;
use crate::media::resolve::{CourseMedia, Resolver};
use crate::state::AppState;
use crate::tenancy::{Authorized, Caller, HqOnly};
use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::{ActiveEnum, ColumnTrait, QueryFilter};
use std::collections::BTreeMap;
use uuid::Uuid;

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
    let media = CourseMedia::load(&state.db, row.id).await?;
    let bundle = service::load_bundle(&state.db, row).await?;
    let resolver = resolver(state, &media);
    Ok(dto::detail(bundle, negotiate(req), caller.branch_default_locale, editor, branches, &resolver))
}

async fn lesson_view(state: &AppState, req: &HttpRequest, caller: &Caller, course_id: Uuid, lesson_id: Uuid) -> ApiResult<Lesson> {
    let row = service::find(&state.db, course_id).await?;
    let media = CourseMedia::load(&state.db, row.id).await?;
    let bundle = service::load_bundle(&state.db, row).await?;
    let chain = super::texts::chain(negotiate(req), caller.branch_default_locale);
    let lesson = bundle
        .lessons
        .iter()
        .find(|l| l.lesson.id == lesson_id)
        .ok_or(CourseError::LessonNotFound)?;
    Ok(dto::lesson(lesson, &chain, true, &resolver(state, &media)))
}

/// Signs media links for one answer.
pub(crate) fn resolver<'m>(state: &'m AppState, media: &'m CourseMedia) -> Resolver<'m> {
    Resolver {
        media: &state.media,
        course: media,
        base: &state.config.public_url,
        now: state.clock.now(),
    }
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

/// Serves `body` with its ETag and keeps it in the catalogue cache under
/// `key` (unless the catalogue changed since `generation`).
fn cached_json(
    state: &AppState,
    req: &HttpRequest,
    locale: Locale,
    key: String,
    generation: u64,
    body: &impl serde::Serialize,
) -> HttpResponse {
    let body: web::Bytes = serde_json::to_vec(body).unwrap_or_default().into();
    let etag = etag_of(&body);
    state.catalogue.put(key, generation, body.clone(), etag.clone());
    json_bytes_with_known_etag(req, locale, body, &etag)
}

/// Creates a course, optionally with its lessons (headquarters only).
#[utoipa::path(post, path = "/api/v1/courses", tag = "courses", request_body = CreateCourse, security(("bearer" = [])),
    responses((status = 201, body = CourseDetail), (status = 401), (status = 403), (status = 409, description = "code taken"), (status = 422)))]
pub(crate) async fn create(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    body: Json<CreateCourse>,
) -> ApiResult<HttpResponse> {
    let row = commands::create(&state, &actor, &body).await?;
    let detail = detail_of(&state, &req, &actor, row).await?;
    Ok(detail_response(&req, detail, true))
}

/// The catalogue in the response language. Branch users see only published courses offered to their branch.
#[utoipa::path(get, path = "/api/v1/courses", tag = "courses", params(PageParams, CourseFilter), security(("bearer" = [])),
    responses((status = 200, body = inline(List<CourseListItem>)), (status = 304), (status = 401)))]
pub(crate) async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    page: crate::http::Query<PageParams>,
    filter: crate::http::Query<CourseFilter>,
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
    let mut query = service::visible(&caller);
    if let Some(status) = status {
        query = query.filter(course::Column::Status.eq(status));
    }
    let rows = query.cursor_page(course::Column::Id, page).all(&state.db).await?;
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
    Ok(cached_json(&state, &req, locale, key, generation, &list))
}

/// A course with its lessons in order, in the response language.
#[utoipa::path(get, path = "/api/v1/courses/{id}", tag = "courses", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = CourseDetail), (status = 304), (status = 401), (status = 404)))]
pub(crate) async fn get(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let locale = negotiate(&req);
    let key = cache_key(&format!("course {}", *id), &caller, locale);
    if let Some((body, etag)) = state.catalogue.get(&key) {
        return Ok(json_bytes_with_known_etag(&req, locale, body, &etag));
    }
    let generation = state.catalogue.generation();
    let row = service::find_visible(&state.db, &caller, *id).await?;
    let detail = detail_of(&state, &req, &caller, row).await?;
    Ok(cached_json(&state, &req, locale, key, generation, &detail))
}

#[utoipa::path(patch, path = "/api/v1/courses/{id}", tag = "courses", params(("id" = Uuid, Path)), request_body = UpdateCourse,
    security(("bearer" = [])), responses((status = 200, body = CourseDetail), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn update(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<UpdateCourse>,
) -> ApiResult<HttpResponse> {
    let row = commands::update(&state, &actor, *id, &body).await?;
    let detail = detail_of(&state, &req, &actor, row).await?;
    Ok(detail_response(&req, detail, false))
}

/// Deletes a course while nothing depends on it (no cohorts, no exams); 409 otherwise.
#[utoipa::path(delete, path = "/api/v1/courses/{id}", tag = "courses", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "in use")))]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    commands::delete(&state, &actor, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sets one locale's title and summary.
#[utoipa::path(put, path = "/api/v1/courses/{id}/translations/{locale}", tag = "courses",
    params(("id" = Uuid, Path), ("locale" = crate::i18n::Locale, Path, description = "zh-CN, en, th or vi")), request_body = CourseText,
    security(("bearer" = [])), responses((status = 200, body = CourseDetail), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn put_translation(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    path: web::Path<(Uuid, String)>,
    body: Json<CourseText>,
) -> ApiResult<HttpResponse> {
    let (id, locale) = path.into_inner();
    let row = commands::translate(&state, &actor, id, &locale, &body).await?;
    let detail = detail_of(&state, &req, &actor, row).await?;
    Ok(detail_response(&req, detail, false))
}

/// Adds a lesson at a position.
#[utoipa::path(post, path = "/api/v1/courses/{id}/lessons", tag = "courses", params(("id" = Uuid, Path)), request_body = NewLesson,
    security(("bearer" = [])), responses((status = 201, body = Lesson), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn add_lesson(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<NewLesson>,
) -> ApiResult<HttpResponse> {
    let created = lesson_commands::add(&state, &actor, *id, &body).await?;
    let view = lesson_view(&state, &req, &actor, created.course_id, created.id).await?;
    Ok(with_language(HttpResponse::Created().json(view), negotiate(&req)))
}

/// Changes a lesson's texts or position.
#[utoipa::path(put, path = "/api/v1/courses/{id}/lessons/{lesson_id}", tag = "courses",
    params(("id" = Uuid, Path), ("lesson_id" = Uuid, Path)), request_body = UpdateLesson, security(("bearer" = [])),
    responses((status = 200, body = Lesson), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn update_lesson(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<UpdateLesson>,
) -> ApiResult<HttpResponse> {
    let (course_id, lesson_id) = path.into_inner();
    let row = lesson_commands::update(&state, &actor, course_id, lesson_id, &body).await?;
    let view = lesson_view(&state, &req, &actor, row.course_id, row.id).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

/// Removes a lesson while no trainee progress refers to it.
#[utoipa::path(delete, path = "/api/v1/courses/{id}/lessons/{lesson_id}", tag = "courses",
    params(("id" = Uuid, Path), ("lesson_id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403), (status = 404), (status = 409)))]
pub(crate) async fn delete_lesson(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (course_id, lesson_id) = path.into_inner();
    lesson_commands::delete(&state, &actor, course_id, lesson_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Puts the lessons in a new order.
#[utoipa::path(post, path = "/api/v1/courses/{id}/lessons/reorder", tag = "courses", params(("id" = Uuid, Path)), request_body = Reorder,
    security(("bearer" = [])), responses((status = 200, body = CourseDetail), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn reorder(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<Reorder>,
) -> ApiResult<HttpResponse> {
    let row = lesson_commands::reorder(&state, &actor, *id, &body).await?;
    let detail = detail_of(&state, &req, &actor, row).await?;
    Ok(detail_response(&req, detail, false))
}

/// Publishes the course and offers it to branches.
#[utoipa::path(post, path = "/api/v1/courses/{id}/publish", tag = "courses", params(("id" = Uuid, Path)), request_body = Publish,
    security(("bearer" = [])), responses((status = 200, body = CourseDetail), (status = 403), (status = 404), (status = 409, description = "no lessons"), (status = 422)))]
pub(crate) async fn publish(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<Publish>,
) -> ApiResult<HttpResponse> {
    let row = commands::publish(&state, &actor, *id, &body).await?;
    let detail = detail_of(&state, &req, &actor, row).await?;
    Ok(detail_response(&req, detail, false))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
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
