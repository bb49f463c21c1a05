//! `/api/v1/branches/{code}/cohorts` and `/api/v1/cohorts/{id}`.

use super::entity::{self as cohort, Entity as Cohorts};
use super::service;
use crate::branches::service as branches;
use crate::courses::service as courses;
use crate::courses::texts::{chain, pick};
use crate::error::FieldCode;
use crate::error::{ApiError, ApiResult};
use crate::http::CursorPage;
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{Json, PageParams, negotiate, with_language};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{Authorized, Caller, Staff};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateCohort {
    pub course_id: Uuid,
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// The name in other languages (`{"th": "รุ่นที่ 1/2569", "en": "Intake 1/2026"}`);
    /// readers get their language, else the branch default, else `name`.
    pub names: Option<BTreeMap<String, String>>,
    /// `YYYY-MM-DD`, in the branch's time zone.
    #[schema(format = Date)]
    pub starts_on: String,
    #[schema(format = Date)]
    pub ends_on: String,
    #[schema(minimum = 1, maximum = 10000)]
    pub capacity: i32,
    /// The organisation sponsoring the cohort (the branch's or a shared one).
    pub sponsor_id: Option<Uuid>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateCohort {
    #[schema(max_length = 120, min_length = 1)]
    pub name: Option<String>,
    /// Replaces every translation of the name (`{}` removes them).
    pub names: Option<BTreeMap<String, String>>,
    #[schema(format = Date)]
    pub starts_on: Option<String>,
    #[schema(format = Date)]
    pub ends_on: Option<String>,
    #[schema(minimum = 1, maximum = 10000)]
    pub capacity: Option<i32>,
    /// `open` or `closed` (a closed cohort takes no new enrolments).
    #[schema(pattern = "^(open|closed)$")]
    pub status: Option<String>,
    /// The sponsoring organisation; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>, nullable)]
    pub sponsor_id: Option<Option<Uuid>>,
}

/// A field that may be sent as `null` (to clear it): present → `Some`.
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Cohort {
    pub id: Uuid,
    pub branch: String,
    pub course_id: Uuid,
    pub course_code: String,
    /// The course title in the response language.
    pub course_title: String,
    pub locale: Option<String>,
    /// The name in the response language (see `names`).
    pub name: String,
    /// Every translation of the name, by locale.
    pub names: BTreeMap<String, String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    /// Seats taken by active and completed enrolments.
    pub enrolled: i32,
    pub seats_left: i32,
    pub status: String,
    /// The organisation sponsoring the cohort, if any.
    pub sponsor_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Views of cohorts with their courses' codes and titles, in two queries.
pub(crate) async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<cohort::Model>,
    branch_code: &str,
    requested: Locale,
    default: Locale,
) -> ApiResult<Vec<Cohort>> {
    let course_ids: Vec<Uuid> = rows.iter().map(|r| r.course_id).collect();
    let texts = courses::course_texts(db, &course_ids).await?;
    let codes = crate::courses::service::course_codes(db, &course_ids).await?;
    let chain = chain(requested, default);
    let name_chain = super::names::chain(requested, default);
    Ok(rows
        .into_iter()
        .map(|r| {
            let t = texts.get(&r.course_id);
            let title = pick(&chain, |l| t.and_then(|m| m.get(&l)).map(|x| x.title.as_str()));
            Cohort {
                id: r.id,
                branch: branch_code.to_string(),
                course_id: r.course_id,
                course_code: codes.get(&r.course_id).cloned().unwrap_or_default(),
                course_title: title.text,
                locale: title.locale.map(|l| l.as_str().to_string()),
                name: super::names::resolve(&r.name, r.names.as_deref(), &name_chain),
                names: super::names::stored(r.names.as_deref()),
                starts_on: r.starts_on,
                ends_on: r.ends_on,
                capacity: r.capacity,
                enrolled: r.seats_taken,
                seats_left: (r.capacity - r.seats_taken).max(0),
                status: r.status.to_value(),
                sponsor_id: r.sponsor_id,
                created_at: r.created_at,
                updated_at: r.updated_at,
            }
        })
        .collect())
}

async fn one_view(state: &AppState, req: &HttpRequest, caller: &Caller, row: cohort::Model) -> ApiResult<Cohort> {
    let branch = crate::branches::entity::Entity::find_by_id(row.branch_id)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let default = Locale::from_canonical(&branch.default_locale).unwrap_or(caller.branch_default_locale);
    let mut list = views(&state.db, vec![row], &branch.code, negotiate(req), default).await?;
    list.pop().ok_or_else(ApiError::not_found)
}

/// Opens a cohort of a course offered to the branch (that branch's admin, or headquarters).
#[utoipa::path(post, path = "/api/v1/branches/{code}/cohorts", tag = "cohorts", params(("code" = String, Path)), request_body = CreateCohort,
    security(("bearer" = [])), responses((status = 201, body = Cohort), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn create(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    req: HttpRequest,
    code: web::Path<String>,
    body: Json<CreateCohort>,
) -> ApiResult<HttpResponse> {
    let branch = branches::visible(&state.db, &actor, &code).await?;
    let new = service::NewCohort {
        course_id: body.course_id,
        name: &body.name,
        names: body.names.as_ref(),
        starts_on: &body.starts_on,
        ends_on: &body.ends_on,
        capacity: body.capacity,
        sponsor_id: body.sponsor_id,
    };
    let row = service::create(&state, &actor, branch.id, new).await?;
    let view = one_view(&state, &req, &actor, row).await?;
    Ok(with_language(HttpResponse::Created().json(view), negotiate(&req)))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct CohortFilter {
    pub course_id: Option<Uuid>,
    /// `open` or `closed`.
    #[param(pattern = "^(open|closed)$")]
    pub status: Option<String>,
}

/// A branch's cohorts.
#[utoipa::path(get, path = "/api/v1/branches/{code}/cohorts", tag = "cohorts", params(("code" = String, Path), PageParams, CohortFilter),
    security(("bearer" = [])), responses((status = 200, body = inline(List<Cohort>)), (status = 403), (status = 404)))]
pub(crate) async fn list(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    req: HttpRequest,
    code: web::Path<String>,
    page: crate::http::Query<PageParams>,
    filter: crate::http::Query<CohortFilter>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let branch = branches::visible(&state.db, &caller, &code).await?;
    let mut query = crate::tenancy::visible::<Cohorts>(&caller).filter(cohort::Column::BranchId.eq(branch.id));
    if let Some(course_id) = filter.course_id {
        query = query.filter(cohort::Column::CourseId.eq(course_id));
    }
    if let Some(status) = &filter.status {
        let status = cohort::Status::try_from_value(status).map_err(|_| ApiError::field("status", FieldCode::InvalidChoice))?;
        query = query.filter(cohort::Column::Status.eq(status));
    }
    let rows = query.cursor_page(cohort::Column::Id, page).all(&state.db).await?;
    let (rows, next_cursor) = crate::http::page::split_page(rows, page, |r| r.id);
    let default = Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En);
    let locale = negotiate(&req);
    let items = views(&state.db, rows, &branch.code, locale, default).await?;
    Ok(with_language(HttpResponse::Ok().json(List { items, next_cursor }), locale))
}

#[utoipa::path(get, path = "/api/v1/cohorts/{id}", tag = "cohorts", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Cohort), (status = 403), (status = 404)))]
pub(crate) async fn get(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let row = service::find_scoped(&state.db, &caller, *id).await?;
    let view = one_view(&state, &req, &caller, row).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

#[utoipa::path(patch, path = "/api/v1/cohorts/{id}", tag = "cohorts", params(("id" = Uuid, Path)), request_body = UpdateCohort,
    security(("bearer" = [])), responses((status = 200, body = Cohort), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn update(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<UpdateCohort>,
) -> ApiResult<HttpResponse> {
    let changes = service::CohortChanges {
        name: body.name.as_deref(),
        names: body.names.as_ref(),
        starts_on: body.starts_on.as_deref(),
        ends_on: body.ends_on.as_deref(),
        capacity: body.capacity,
        status: body.status.as_deref(),
        sponsor_id: body.sponsor_id,
    };
    let updated = service::update(&state, &actor, *id, changes).await?;
    let view = one_view(&state, &req, &actor, updated).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_create, create)
        .add(__path_list, list)
        .add(__path_get, get)
        .add(__path_update, update);
}
