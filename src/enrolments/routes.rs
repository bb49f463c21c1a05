//! Enrolling trainees, their progress, withdrawals.

use super::entity::{self as enrolment, Entity as Enrolments};
use super::service;
use crate::audit;
use crate::cohorts::entity::Entity as Cohorts;
use crate::cohorts::service as cohorts;
use crate::courses::service as courses;
use crate::courses::texts::{chain, pick};
use crate::error::FieldCode;
use crate::error::{ApiError, ApiResult};
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{Json, PageParams, negotiate, with_language};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{Caller, Role};
use crate::users::entity::Entity as Users;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Progress {
    /// Lessons completed.
    pub done: i64,
    /// Lessons in the course.
    pub total: i64,
    pub percent: f64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CourseRef {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub locale: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CohortRef {
    pub id: Uuid,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Trainee {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Enrolment {
    pub id: Uuid,
    pub user_id: Uuid,
    /// Present in administrators' lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trainee: Option<Trainee>,
    pub course: CourseRef,
    pub cohort: CohortRef,
    /// `active`, `completed` or `withdrawn`.
    pub status: String,
    pub progress: Progress,
    /// Present on a single enrolment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_lesson_ids: Option<Vec<Uuid>>,
    pub enrolled_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// Builds views of many enrolments with a fixed number of queries.
pub async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<enrolment::Model>,
    requested: Locale,
    default: Locale,
    with_trainee: bool,
) -> ApiResult<Vec<Enrolment>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let cohort_ids: Vec<Uuid> = rows.iter().map(|r| r.cohort_id).collect();
    let course_ids: Vec<Uuid> = rows.iter().map(|r| r.course_id).collect();
    let cohort_map: HashMap<Uuid, crate::cohorts::entity::Model> = Cohorts::find()
        .filter(crate::cohorts::entity::Column::Id.is_in(cohort_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let texts = courses::course_texts(db, &course_ids).await?;
    let codes = crate::courses::service::course_codes(db, &course_ids).await?;
    let totals = courses::lesson_counts(db, &course_ids).await?;
    let done = service::done_counts(db, &ids).await?;
    let users: HashMap<Uuid, crate::users::entity::Model> = if with_trainee {
        let user_ids: Vec<Uuid> = rows.iter().map(|r| r.user_id).collect();
        Users::find()
            .filter(crate::users::entity::Column::Id.is_in(user_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect()
    } else {
        HashMap::new()
    };
    let chain = chain(requested, default);
    Ok(rows
        .into_iter()
        .map(|r| {
            let t = texts.get(&r.course_id);
            let title = pick(&chain, |l| t.and_then(|m| m.get(&l)).map(|x| x.title.as_str()));
            let total = totals.get(&r.course_id).copied().unwrap_or(0);
            let done = done.get(&r.id).copied().unwrap_or(0).min(total);
            let cohort = cohort_map.get(&r.cohort_id);
            Enrolment {
                id: r.id,
                user_id: r.user_id,
                trainee: users.get(&r.user_id).map(|u| Trainee {
                    id: u.id,
                    email: u.email.clone(),
                    display_name: u.display_name.clone(),
                }),
                course: CourseRef {
                    id: r.course_id,
                    code: codes.get(&r.course_id).cloned().unwrap_or_default(),
                    title: title.text,
                    locale: title.locale.map(|l| l.as_str().to_string()),
                },
                cohort: CohortRef {
                    id: r.cohort_id,
                    name: cohort.map(|c| c.name.clone()).unwrap_or_default(),
                    starts_on: cohort.map(|c| c.starts_on).unwrap_or_default(),
                    ends_on: cohort.map(|c| c.ends_on).unwrap_or_default(),
                },
                status: r.status.to_value(),
                progress: Progress {
                    done,
                    total,
                    percent: if total == 0 {
                        0.0
                    } else {
                        (done as f64 * 1000.0 / total as f64).round() / 10.0
                    },
                },
                completed_lesson_ids: None,
                enrolled_at: r.enrolled_at,
                completed_at: r.completed_at,
                withdrawn_at: r.withdrawn_at,
            }
        })
        .collect())
}

async fn one(state: &AppState, req: &HttpRequest, caller: &Caller, row: enrolment::Model) -> ApiResult<Enrolment> {
    let lessons = service::completed_lessons(&state.db, row.id).await?;
    let with_trainee = caller.role != Role::Trainee;
    let mut list = views(&state.db, vec![row], negotiate(req), caller.branch_default_locale, with_trainee).await?;
    let mut view = list.pop().ok_or_else(ApiError::not_found)?;
    view.completed_lesson_ids = Some(lessons);
    Ok(view)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Enrol {
    pub user_id: Uuid,
}

/// Enrols a trainee of the branch. A full cohort answers 409 `cohort_full`.
#[utoipa::path(post, path = "/api/v1/cohorts/{id}/enrolments", tag = "enrolments", params(("id" = Uuid, Path)), request_body = Enrol,
    security(("bearer" = [])),
    responses((status = 201, body = Enrolment), (status = 403), (status = 404), (status = 409, description = "cohort_full, already_enrolled, cohort_closed"), (status = 422)))]
pub async fn enrol(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<Enrol>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin, Role::BranchAdmin])?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let cohort = cohorts::find_scoped(&txn, &caller, *id).await?;
    let row = service::enrol(&txn, &cohort, body.user_id, now).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        Some(cohort.branch_id),
        "enrolment.create",
        "enrolment",
        &row.id.to_string(),
        json!({"cohort_id": cohort.id, "user_id": row.user_id}),
    )
    .await?;
    txn.commit().await?;
    let view = one(&state, &req, &caller, row).await?;
    Ok(with_language(HttpResponse::Created().json(view), negotiate(&req)))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct MemberFilter {
    /// `active`, `completed` or `withdrawn`.
    #[param(pattern = "^(active|completed|withdrawn)$")]
    pub status: Option<String>,
}

fn parse_status(status: &Option<String>) -> ApiResult<Option<enrolment::Status>> {
    status
        .as_ref()
        .map(|s| enrolment::Status::try_from_value(s).map_err(|_| ApiError::field("status", FieldCode::InvalidChoice)))
        .transpose()
}

/// A cohort's members with their progress.
#[utoipa::path(get, path = "/api/v1/cohorts/{id}/enrolments", tag = "enrolments", params(("id" = Uuid, Path), PageParams, MemberFilter),
    security(("bearer" = [])), responses((status = 200, body = inline(List<Enrolment>)), (status = 403), (status = 404)))]
pub async fn members(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
    filter: web::Query<MemberFilter>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin, Role::BranchAdmin])?;
    let page = page.page()?;
    let status = parse_status(&filter.status)?;
    let cohort = cohorts::find_scoped(&state.db, &caller, *id).await?;
    let mut query = Enrolments::find().filter(enrolment::Column::CohortId.eq(cohort.id));
    if let Some(status) = status {
        query = query.filter(enrolment::Column::Status.eq(status));
    }
    if let Some(after) = page.after {
        query = query.filter(enrolment::Column::Id.gt(after));
    }
    let rows = query
        .order_by_asc(enrolment::Column::Id)
        .limit(page.limit + 1)
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = crate::http::page::split_page(rows, page, |r| r.id);
    let locale = negotiate(&req);
    let items = views(&state.db, rows, locale, caller.branch_default_locale, true).await?;
    Ok(with_language(HttpResponse::Ok().json(List { items, next_cursor }), locale))
}

/// The caller's own enrolments with course, cohort, status and progress.
#[utoipa::path(get, path = "/api/v1/users/me/enrolments", tag = "enrolments", params(PageParams, MemberFilter), security(("bearer" = [])),
    responses((status = 200, body = inline(List<Enrolment>)), (status = 401)))]
pub async fn mine(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    page: web::Query<PageParams>,
    filter: web::Query<MemberFilter>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let status = parse_status(&filter.status)?;
    let mut query = Enrolments::find().filter(enrolment::Column::UserId.eq(caller.user_id));
    if let Some(status) = status {
        query = query.filter(enrolment::Column::Status.eq(status));
    }
    if let Some(after) = page.after {
        query = query.filter(enrolment::Column::Id.gt(after));
    }
    let rows = query
        .order_by_asc(enrolment::Column::Id)
        .limit(page.limit + 1)
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = crate::http::page::split_page(rows, page, |r| r.id);
    let locale = negotiate(&req);
    let items = views(&state.db, rows, locale, caller.branch_default_locale, false).await?;
    Ok(with_language(HttpResponse::Ok().json(List { items, next_cursor }), locale))
}

/// One enrolment, with the ids of the lessons completed.
#[utoipa::path(get, path = "/api/v1/enrolments/{id}", tag = "enrolments", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Enrolment), (status = 404)))]
pub async fn get(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let row = service::find_visible(&state.db, &caller, *id).await?;
    let view = one(&state, &req, &caller, row).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

/// Withdraws a trainee from the cohort (frees the seat).
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/withdraw", tag = "enrolments", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Enrolment), (status = 403), (status = 404)))]
pub async fn withdraw(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin, Role::BranchAdmin])?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let row = service::find_visible(&txn, &caller, *id).await?;
    let row = service::withdraw(&txn, row, now).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        Some(row.branch_id),
        "enrolment.withdraw",
        "enrolment",
        &row.id.to_string(),
        json!({"user_id": row.user_id}),
    )
    .await?;
    txn.commit().await?;
    let view = one(&state, &req, &caller, row).await?;
    Ok(with_language(HttpResponse::Ok().json(view), negotiate(&req)))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub fn routes(r: &mut Routes) {
    r.add(__path_enrol, enrol)
        .add(__path_members, members)
        .add(super::import::__path_import, super::import::import)
        .add(__path_mine, mine)
        .add(__path_get, get)
        .add(__path_withdraw, withdraw);
}
