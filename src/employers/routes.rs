//! `/api/v1/employer/...`: an organisation's representative reads its
//! people. Only the `employer` role may call these (403 for others).

use super::service;
use crate::certificates::dto::Certificate;
use crate::enrolments::dto::Enrolment;
use crate::error::ApiResult;
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{PageParams, negotiate, with_language};
use crate::i18n::Locale;
use crate::orgs::entity as organisation;
use crate::state::AppState;
use crate::tenancy::{Authorized, Employers};
use crate::users::entity as user;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Someone the organisation may follow.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Person {
    pub id: Uuid,
    pub display_name: String,
    pub email: String,
    pub branch: String,
    /// `employee` (a member of this enterprise or dealer) or `consented`
    /// (the trainee gave this organisation consent, which they may withdraw).
    #[schema(pattern = "^(employee|consented)$")]
    pub relation: &'static str,
}

fn person_view(org: &organisation::Model, row: user::Model, branch: &str, memberships: &HashMap<Uuid, Uuid>) -> Person {
    Person {
        relation: crate::orgs::reach::relation(org, memberships.get(&row.id).copied()),
        id: row.id,
        display_name: row.display_name,
        email: row.email,
        branch: branch.to_string(),
    }
}

/// The organisation's people in the caller's branch: its employees and the
/// trainees who consented to it (and have not withdrawn).
#[utoipa::path(get, path = "/api/v1/employer/people", tag = "employers", params(PageParams),
    security(("bearer" = [])), responses((status = 200, body = inline(List<Person>)), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn people(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Employers>,
    page: crate::http::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let org = service::organisation(&state.db, &caller).await?;
    let rows = service::people(&state.db, &caller, &org, page).await?;
    let (rows, next_cursor) = crate::http::page::split_page(rows, page, |r| r.id);
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let memberships = crate::orgs::service::memberships(&state.db, &ids).await?;
    let items = rows
        .into_iter()
        .map(|r| person_view(&org, r, &caller.branch_code, &memberships))
        .collect();
    Ok(HttpResponse::Ok().json(List { items, next_cursor }))
}

#[utoipa::path(get, path = "/api/v1/employer/people/{id}", tag = "employers", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = Person), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn person(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Employers>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let org = service::organisation(&state.db, &caller).await?;
    let row = service::person(&state.db, &caller, &org, *id).await?;
    let memberships = crate::orgs::service::memberships(&state.db, &[row.id]).await?;
    Ok(HttpResponse::Ok().json(person_view(&org, row, &caller.branch_code, &memberships)))
}

/// The person's enrolments with their progress (empty once the person's
/// consent is withdrawn, even between two calls).
#[utoipa::path(get, path = "/api/v1/employer/people/{id}/enrolments", tag = "employers", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = inline(List<Enrolment>)), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn enrolments(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Employers>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let org = service::organisation(&state.db, &caller).await?;
    service::person(&state.db, &caller, &org, *id).await?;
    let rows = service::enrolments(&state.db, &caller, &org, *id).await?;
    let locale = negotiate(&req);
    let items = crate::enrolments::dto::views(&state.db, rows, locale, caller.branch_default_locale, false).await?;
    Ok(with_language(HttpResponse::Ok().json(List { items, next_cursor: None }), locale))
}

/// The person's certificates (empty once consent is withdrawn).
#[utoipa::path(get, path = "/api/v1/employer/people/{id}/certificates", tag = "employers", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = inline(List<Certificate>)), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn certificates(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Employers>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let org = service::organisation(&state.db, &caller).await?;
    service::person(&state.db, &caller, &org, *id).await?;
    let rows = service::certificates(&state.db, &caller, &org, *id).await?;
    let locale: Locale = negotiate(&req);
    let items = crate::certificates::dto::views(&state, rows, locale, caller.branch_default_locale).await?;
    Ok(with_language(HttpResponse::Ok().json(List { items, next_cursor: None }), locale))
}

/// The person's practical assessments (empty once consent is withdrawn).
#[utoipa::path(get, path = "/api/v1/employer/people/{id}/practical-assessments", tag = "employers", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = inline(List<crate::practical::views::Assessment>)), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn practical(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Employers>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let org = service::organisation(&state.db, &caller).await?;
    service::person(&state.db, &caller, &org, *id).await?;
    let rows = service::practical(&state.db, &caller, &org, *id).await?;
    let locale = negotiate(&req);
    let items = crate::practical::views::assessment_views(&state.db, rows, locale, caller.branch_default_locale).await?;
    Ok(with_language(HttpResponse::Ok().json(List { items, next_cursor: None }), locale))
}

/// This area's routes.
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_people, people)
        .add(__path_person, person)
        .add(__path_enrolments, enrolments)
        .add(__path_certificates, certificates)
        .add(__path_practical, practical);
}
