//! `/api/v1/courses/{id}/practical` (the checklist) and the lists of a
//! trainee's practical assessments. Recording one is
//! `POST /api/v1/practical-assessments` (in `progress`: a pass may certify).

use super::PracticalError;
use super::assessment_entity::Entity as Assessments;
use super::checklists::{self, ChecklistInput, ItemInput};
use super::views::{Assessment, Checklist, assessment_views, checklist_view};
use crate::error::ApiResult;
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{Json, negotiate, with_language};
use crate::state::AppState;
use crate::tenancy::{self, Assessors, Authorized, Caller, HqOnly, Trainees};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Assessments listed per trainee: a bound, not a page (a trainee has few).
const MAX_LISTED: u64 = 200;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TitleText {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepText {
    #[schema(min_length = 1, max_length = 500)]
    pub text: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepInput {
    /// An existing step's id, to keep it (and its past results); omitted: a new step.
    pub id: Option<Uuid>,
    /// `{locale: {text}}`, at least one.
    pub translations: BTreeMap<String, StepText>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DefineChecklist {
    /// Whether certification waits for a passed practical assessment.
    pub required: bool,
    /// `{locale: {title}}`, at least one.
    pub translations: BTreeMap<String, TitleText>,
    /// The steps in order (1 to 100); steps left out are retired.
    pub items: Vec<StepInput>,
}

/// Defines or redefines the course's practical checklist (headquarters).
#[utoipa::path(put, path = "/api/v1/courses/{id}/practical", tag = "practical", params(("id" = Uuid, Path)), request_body = DefineChecklist,
    security(("bearer" = [])), responses((status = 200, body = Checklist), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn define(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<DefineChecklist>,
) -> ApiResult<HttpResponse> {
    let titles: BTreeMap<String, String> = body.translations.iter().map(|(k, v)| (k.clone(), v.title.clone())).collect();
    let texts: Vec<BTreeMap<String, String>> = body
        .items
        .iter()
        .map(|i| i.translations.iter().map(|(k, v)| (k.clone(), v.text.clone())).collect())
        .collect();
    let input = ChecklistInput {
        required: body.required,
        titles: &titles,
        items: body
            .items
            .iter()
            .zip(&texts)
            .map(|(i, t)| ItemInput { id: i.id, texts: t })
            .collect(),
    };
    let row = checklists::define(&state, &actor, *id, input).await?;
    let items = checklists::items(&state.db, row.id, true).await?;
    let locale = negotiate(&req);
    Ok(with_language(
        HttpResponse::Ok().json(checklist_view(row, items, locale, actor.branch_default_locale)),
        locale,
    ))
}

/// The course's practical checklist, in the response language (404 when it has none).
#[utoipa::path(get, path = "/api/v1/courses/{id}/practical", tag = "practical", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = Checklist), (status = 401), (status = 404)))]
pub(crate) async fn get(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let course = crate::courses::service::find_visible(&state.db, &caller, *id).await?;
    let row = checklists::of_course(&state.db, course.id).await?.ok_or(PracticalError::NotFound)?;
    let items = checklists::items(&state.db, row.id, true).await?;
    let locale = negotiate(&req);
    Ok(with_language(
        HttpResponse::Ok().json(checklist_view(row, items, locale, caller.branch_default_locale)),
        locale,
    ))
}

/// A trainee's practical assessments, corrections included, oldest first
/// (assessors and administrators of the trainee's branch).
#[utoipa::path(get, path = "/api/v1/users/{id}/practical-assessments", tag = "practical", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = inline(List<Assessment>)), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn of_user(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Assessors>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    super::assessments::assessable_trainee(&state.db, &caller, *id).await?;
    let rows = super::assessments::list(&state.db, tenancy::branch_rows::<Assessments>(&caller), *id, MAX_LISTED).await?;
    let locale = negotiate(&req);
    let items = assessment_views(&state.db, rows, locale, caller.branch_default_locale).await?;
    Ok(with_language(HttpResponse::Ok().json(List { items, next_cursor: None }), locale))
}

/// The trainee's own practical assessments, oldest first.
#[utoipa::path(get, path = "/api/v1/users/me/practical-assessments", tag = "practical",
    security(("bearer" = [])), responses((status = 200, body = inline(List<Assessment>)), (status = 401), (status = 403)))]
pub(crate) async fn mine(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Trainees>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let rows = super::assessments::list(&state.db, tenancy::visible::<Assessments>(&caller), caller.user_id, MAX_LISTED).await?;
    let locale = negotiate(&req);
    let items = assessment_views(&state.db, rows, locale, caller.branch_default_locale).await?;
    Ok(with_language(HttpResponse::Ok().json(List { items, next_cursor: None }), locale))
}

/// Adds a photo to an assessment (assessors and administrators of the
/// trainee's branch). The body is the image itself (`image/jpeg` or
/// `image/png`); metadata such as EXIF GPS positions is removed before it
/// is stored.
#[utoipa::path(post, path = "/api/v1/practical-assessments/{id}/photos", tag = "practical", params(("id" = Uuid, Path)),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "a JPEG or PNG photo"),
    security(("bearer" = [])), responses((status = 201, body = super::views::Photo), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "20 photos already"), (status = 413), (status = 415), (status = 422)))]
pub(crate) async fn add_photo(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Assessors>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let claimed = req.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_string);
    let row = super::photos::add(&state, &actor, *id, claimed.as_deref(), body).await?;
    Ok(HttpResponse::Created().json(super::views::photo_view(row)))
}

/// A photo of an assessment the caller may read (the branch's assessors and
/// administrators, the trainee, an employer reaching the trainee).
#[utoipa::path(get, path = "/api/v1/practical-assessments/{id}/photos/{photo_id}", tag = "practical",
    params(("id" = Uuid, Path), ("photo_id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, description = "the image", content_type = "image/jpeg"), (status = 401), (status = 404)))]
pub(crate) async fn photo(state: web::Data<AppState>, caller: Caller, path: web::Path<(Uuid, Uuid)>) -> ApiResult<HttpResponse> {
    let (id, photo_id) = path.into_inner();
    let (row, bytes) = super::photos::read(&state, &caller, id, photo_id).await?;
    Ok(HttpResponse::Ok()
        .content_type(row.content_type)
        .insert_header(("Cache-Control", "private, no-store"))
        .body(bytes))
}

/// This area's routes.
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_define, define)
        .add(__path_get, get)
        .add(__path_mine, mine)
        .add(__path_of_user, of_user)
        .add(__path_add_photo, add_photo)
        .add(__path_photo, photo);
}
