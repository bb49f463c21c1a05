//! `/api/v1/users/me/talent-profile`, `/api/v1/employer/needs`,
//! `/api/v1/employer/talent` and `/api/v1/reports/talent-demand`.

use super::need_entity as need;
use super::profile_entity as profile;
use super::skills::{self, Skills};
use super::supply::{self, SupplyDemandRow};
use super::{needs, profiles};
use crate::error::{ApiError, ApiResult, FieldCode};
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{Json, PageParams, negotiate, with_language};
use crate::state::AppState;
use crate::tenancy::{Authorized, Employers, HqOnly, Trainees};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct TalentProfile {
    /// Only a published profile is shown to employers (and counted for headquarters).
    pub published: bool,
    /// Where the trainee wants to work (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    pub languages: Vec<String>,
    /// `YYYY-MM-DD`; null: available now.
    pub available_from: Option<NaiveDate>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Certificates held and practical sign-offs passed (read live).
    pub skills: Skills,
}

fn profile_view(row: Option<profile::Model>, skills: Skills) -> TalentProfile {
    match row {
        Some(p) => TalentProfile {
            published: p.published,
            country: Some(p.country),
            languages: serde_json::from_str(&p.languages).unwrap_or_default(),
            available_from: p.available_from,
            updated_at: Some(p.updated_at),
            skills,
        },
        None => TalentProfile {
            published: false,
            country: None,
            languages: Vec::new(),
            available_from: None,
            updated_at: None,
            skills,
        },
    }
}

/// The trainee's skill profile (unpublished and empty until saved).
#[utoipa::path(get, path = "/api/v1/users/me/talent-profile", tag = "talent", security(("bearer" = [])),
    responses((status = 200, body = TalentProfile), (status = 401), (status = 403)))]
pub(crate) async fn my_profile(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Trainees>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let row = profiles::mine(&state.db, &caller).await?;
    let locale = negotiate(&req);
    let mut skills = skills::of_users(
        &state.db,
        &[caller.user_id],
        state.clock.now(),
        locale,
        caller.branch_default_locale,
    )
    .await?;
    let view = profile_view(row, skills.remove(&caller.user_id).unwrap_or_default());
    Ok(with_language(HttpResponse::Ok().json(view), locale))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SaveProfile {
    /// Publishing lets employers of the trainee's campus find the profile;
    /// `false` hides it from the next search on.
    pub published: bool,
    /// ISO 3166-1 alpha-2.
    #[schema(min_length = 2, max_length = 2)]
    pub country: String,
    /// Language tags (`th`, `en`, `zh-Hans`), at most 10.
    #[serde(default)]
    pub languages: Vec<String>,
    /// `YYYY-MM-DD`; omitted or null: available now.
    #[schema(format = Date)]
    pub available_from: Option<String>,
}

/// Saves the trainee's skill profile (publishing or unpublishing it is audited).
#[utoipa::path(put, path = "/api/v1/users/me/talent-profile", tag = "talent", request_body = SaveProfile, security(("bearer" = [])),
    responses((status = 200, body = TalentProfile), (status = 401), (status = 403), (status = 422)))]
pub(crate) async fn save_profile(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Trainees>,
    req: HttpRequest,
    body: Json<SaveProfile>,
) -> ApiResult<HttpResponse> {
    let input = profiles::ProfileInput {
        published: body.published,
        country: &body.country,
        languages: &body.languages,
        available_from: body.available_from.as_deref(),
    };
    let row = profiles::save(&state, &actor, input).await?;
    let locale = negotiate(&req);
    let mut skills = skills::of_users(&state.db, &[actor.user_id], state.clock.now(), locale, actor.branch_default_locale).await?;
    let view = profile_view(Some(row), skills.remove(&actor.user_id).unwrap_or_default());
    Ok(with_language(HttpResponse::Ok().json(view), locale))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PostNeed {
    /// The skill: a course offered to the representative's campus.
    pub course_id: Uuid,
    /// Where (ISO 3166-1 alpha-2).
    #[schema(min_length = 2, max_length = 2)]
    pub country: String,
    /// How many people (1 to 10000).
    #[schema(minimum = 1, maximum = 10000)]
    pub headcount: i32,
    /// By when (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub needed_by: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Need {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub course_id: Uuid,
    pub country: String,
    pub headcount: i32,
    pub needed_by: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

fn need_view(row: need::Model) -> Need {
    Need {
        id: row.id,
        organisation_id: row.organisation_id,
        course_id: row.course_id,
        country: row.country,
        headcount: row.headcount,
        needed_by: row.needed_by,
        created_at: row.created_at,
        closed_at: row.closed_at,
    }
}

/// Posts a need of the representative's organisation.
#[utoipa::path(post, path = "/api/v1/employer/needs", tag = "talent", request_body = PostNeed, security(("bearer" = [])),
    responses((status = 201, body = Need), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn post_need(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Employers>,
    body: Json<PostNeed>,
) -> ApiResult<HttpResponse> {
    let org = crate::orgs::service::represented(&state.db, &actor)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let input = needs::NeedInput {
        course_id: body.course_id,
        country: &body.country,
        headcount: body.headcount,
        needed_by: &body.needed_by,
    };
    let row = needs::post(&state, &actor, &org, input).await?;
    Ok(HttpResponse::Created().json(need_view(row)))
}

/// The organisation's needs.
#[utoipa::path(get, path = "/api/v1/employer/needs", tag = "talent", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = inline(List<Need>)), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn list_needs(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Employers>,
    page: crate::http::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let org = crate::orgs::service::represented(&state.db, &caller)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let rows = needs::of_organisation(&state.db, &org, page).await?;
    Ok(HttpResponse::Ok().json(List::from_rows(rows, page, |r| r.id, need_view)))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct TalentSearch {
    /// Only people holding a valid certificate of this course.
    pub course_id: Option<Uuid>,
    /// Only profiles for this country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
}

/// A published profile, as an employer sees it.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Candidate {
    pub user_id: Uuid,
    pub display_name: String,
    pub country: String,
    pub languages: Vec<String>,
    pub available_from: Option<NaiveDate>,
    pub skills: Skills,
}

/// Published profiles of the representative's campus, by skill and country.
#[utoipa::path(get, path = "/api/v1/employer/talent", tag = "talent", params(PageParams, TalentSearch), security(("bearer" = [])),
    responses((status = 200, body = inline(List<Candidate>)), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn search(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Employers>,
    req: HttpRequest,
    page: crate::http::Query<PageParams>,
    query: crate::http::Query<TalentSearch>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    if query
        .country
        .as_deref()
        .is_some_and(|c| !crate::branches::countries::is_country(&c.to_ascii_uppercase()))
    {
        return Err(ApiError::field("country", FieldCode::InvalidCountry));
    }
    let org = crate::orgs::service::represented(&state.db, &caller)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let search = profiles::Search {
        course_id: query.course_id,
        country: query.country.clone(),
    };
    let now = state.clock.now();
    let rows = profiles::search(&state.db, &caller, &org, &search, page, now).await?;
    let (rows, next_cursor) = crate::http::page::split_page(rows, page, |(u, _)| u.id);
    let ids: Vec<Uuid> = rows.iter().map(|(u, _)| u.id).collect();
    let locale = negotiate(&req);
    let mut skills = skills::of_users(&state.db, &ids, now, locale, caller.branch_default_locale).await?;
    let items: Vec<Candidate> = rows
        .into_iter()
        .map(|(u, p)| Candidate {
            skills: skills.remove(&u.id).unwrap_or_default(),
            user_id: u.id,
            display_name: u.display_name,
            country: p.country,
            languages: serde_json::from_str(&p.languages).unwrap_or_default(),
            available_from: p.available_from,
        })
        .collect();
    Ok(with_language(HttpResponse::Ok().json(List { items, next_cursor }), locale))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct DemandQuery {
    /// The first month, `YYYY-MM` (default: the current month, UTC).
    #[param(pattern = "^[0-9]{4}-[0-9]{2}$")]
    pub from: Option<String>,
    /// How many months (1 to 24, default 12).
    pub months: Option<u32>,
    pub course_id: Option<Uuid>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SupplyDemand {
    pub items: Vec<SupplyDemandRow>,
}

/// Supply against demand per skill (course), country and month
/// (headquarters): counts of people, nobody named.
#[utoipa::path(get, path = "/api/v1/reports/talent-demand", tag = "talent", params(DemandQuery), security(("bearer" = [])),
    responses((status = 200, body = SupplyDemand), (status = 401), (status = 403), (status = 422)))]
pub(crate) async fn demand(
    state: web::Data<AppState>,
    Authorized(_caller, _): Authorized<HqOnly>,
    query: crate::http::Query<DemandQuery>,
) -> ApiResult<HttpResponse> {
    let now = state.clock.now();
    let first = match query.from.as_deref() {
        None | Some("") => now.date_naive().with_day(1).unwrap_or(now.date_naive()),
        Some(m) => {
            NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").map_err(|_| ApiError::field("from", FieldCode::InvalidDate))?
        }
    };
    let months = query.months.unwrap_or(12);
    if !(1..=supply::MAX_MONTHS).contains(&months) {
        return Err(ApiError::validation(vec![
            crate::error::FieldError::new("months", FieldCode::OutOfRange)
                .arg("min", 1)
                .arg("max", i64::from(supply::MAX_MONTHS)),
        ]));
    }
    let country = query.country.as_ref().map(|c| c.to_ascii_uppercase());
    if country.as_deref().is_some_and(|c| !crate::branches::countries::is_country(c)) {
        return Err(ApiError::field("country", FieldCode::InvalidCountry));
    }
    let items = supply::report(&state.db, first, months, query.course_id, country.as_deref(), now).await?;
    Ok(HttpResponse::Ok().json(SupplyDemand { items }))
}

/// This area's routes.
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_my_profile, my_profile)
        .add(__path_save_profile, save_profile)
        .add(__path_post_need, post_need)
        .add(__path_list_needs, list_needs)
        .add(__path_search, search)
        .add(__path_demand, demand);
}
