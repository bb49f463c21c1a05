//! `/api/v1/organisations` and a trainee's `/api/v1/users/me/consents`.

use super::consent_entity as consent;
use super::entity::{self as organisation, Entity as Organisations, Kind};
use super::{consents, service};
use crate::branches::entity::Entity as Branches;
use crate::error::{ApiError, ApiResult, FieldCode};
use crate::http::CursorPage;
use crate::http::Json;
use crate::http::PageParams;
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::state::AppState;
use crate::tenancy::{Authorized, Caller, Staff, Trainees};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateOrganisation {
    pub kind: Kind,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// The owning branch's code; omitted or null: shared by every branch
    /// (headquarters only). A branch administrator's organisations are its
    /// own branch's.
    pub branch: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateOrganisation {
    pub kind: Option<Kind>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Organisation {
    pub id: Uuid,
    pub kind: Kind,
    pub name: String,
    /// The owning branch's code; null: shared by every branch.
    pub branch: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

async fn branch_codes(db: &impl ConnectionTrait, ids: impl Iterator<Item = Uuid>) -> Result<HashMap<Uuid, String>, DbErr> {
    let ids: Vec<Uuid> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(Branches::find()
        .filter(crate::branches::entity::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.code))
        .collect())
}

pub(crate) async fn views(db: &impl ConnectionTrait, rows: Vec<organisation::Model>) -> Result<Vec<Organisation>, DbErr> {
    let codes = branch_codes(db, rows.iter().filter_map(|r| r.branch_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| Organisation {
            id: r.id,
            kind: r.kind,
            name: r.name,
            branch: r.branch_id.and_then(|b| codes.get(&b).cloned()),
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

async fn one(db: &impl ConnectionTrait, row: organisation::Model) -> ApiResult<Organisation> {
    views(db, vec![row]).await?.pop().ok_or_else(ApiError::not_found)
}

/// Creates an organisation: for one branch, or (headquarters) shared by every branch.
#[utoipa::path(post, path = "/api/v1/organisations", tag = "organisations", request_body = CreateOrganisation,
    security(("bearer" = [])), responses((status = 201, body = Organisation), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn create(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    body: Json<CreateOrganisation>,
) -> ApiResult<HttpResponse> {
    let branch_id = match body.branch.as_deref() {
        Some(code) => Some(crate::branches::service::visible(&state.db, &actor, code).await?.id),
        None if actor.is_hq() => None,
        None => Some(actor.branch_id),
    };
    let new = service::NewOrganisation {
        kind: body.kind,
        name: &body.name,
        branch_id,
    };
    let row = service::create(&state, &actor, new).await?;
    Ok(HttpResponse::Created().json(one(&state.db, row).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct OrganisationFilter {
    /// `enterprise`, `dealer` or `college`.
    #[param(pattern = "^(enterprise|dealer|college)$")]
    pub kind: Option<String>,
}

/// Organisations the caller may see: its branch's and the shared ones (all
/// for headquarters; an employer, only its own).
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations", params(PageParams, OrganisationFilter),
    security(("bearer" = [])), responses((status = 200, body = inline(List<Organisation>)), (status = 401), (status = 422)))]
pub(crate) async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    page: crate::http::Query<PageParams>,
    filter: crate::http::Query<OrganisationFilter>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let mut query = service::visible(&caller);
    if let Some(kind) = &filter.kind {
        let kind = <Kind as sea_orm::ActiveEnum>::try_from_value(kind).map_err(|_| ApiError::field("kind", FieldCode::InvalidChoice))?;
        query = query.filter(organisation::Column::Kind.eq(kind));
    }
    let rows = query.cursor_page(organisation::Column::Id, page).all(&state.db).await?;
    let (rows, next_cursor) = crate::http::page::split_page(rows, page, |r| r.id);
    let items = views(&state.db, rows).await?;
    Ok(HttpResponse::Ok().json(List { items, next_cursor }))
}

#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "organisations", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = Organisation), (status = 401), (status = 404)))]
pub(crate) async fn get(state: web::Data<AppState>, caller: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let row = service::find_visible(&state.db, &caller, *id).await?;
    Ok(HttpResponse::Ok().json(one(&state.db, row).await?))
}

/// Renames an organisation or changes its kind (shared ones: headquarters only).
#[utoipa::path(patch, path = "/api/v1/organisations/{id}", tag = "organisations", params(("id" = Uuid, Path)),
    request_body = UpdateOrganisation, security(("bearer" = [])),
    responses((status = 200, body = Organisation), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn update(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    id: web::Path<Uuid>,
    body: Json<UpdateOrganisation>,
) -> ApiResult<HttpResponse> {
    let row = service::update(&state, &actor, *id, body.name.as_deref(), body.kind).await?;
    Ok(HttpResponse::Ok().json(one(&state.db, row).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GrantConsent {
    /// An organisation of the trainee's branch or a shared one.
    pub organisation_id: Uuid,
}

/// One consent: while `withdrawn_at` is null, the organisation's
/// representatives see the trainee's enrolments, progress and certificates.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Consent {
    pub id: Uuid,
    pub organisation: Organisation,
    pub granted_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// `active` or `withdrawn`.
    #[schema(pattern = "^(active|withdrawn)$")]
    pub status: &'static str,
}

async fn consent_views(db: &impl ConnectionTrait, rows: Vec<consent::Model>) -> Result<Vec<Consent>, DbErr> {
    let org_ids: Vec<Uuid> = rows.iter().map(|r| r.organisation_id).collect();
    let orgs = Organisations::find()
        .filter(organisation::Column::Id.is_in(org_ids))
        .all(db)
        .await?;
    let orgs: HashMap<Uuid, Organisation> = views(db, orgs).await?.into_iter().map(|o| (o.id, o)).collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let organisation = orgs.get(&r.organisation_id)?;
            Some(Consent {
                id: r.id,
                organisation: Organisation {
                    id: organisation.id,
                    kind: organisation.kind,
                    name: organisation.name.clone(),
                    branch: organisation.branch.clone(),
                    created_at: organisation.created_at,
                    updated_at: organisation.updated_at,
                },
                granted_at: r.granted_at,
                withdrawn_at: r.withdrawn_at,
                status: if r.withdrawn_at.is_some() { "withdrawn" } else { "active" },
            })
        })
        .collect())
}

/// The trainee's consents, active and withdrawn (the history), oldest first.
#[utoipa::path(get, path = "/api/v1/users/me/consents", tag = "organisations", params(PageParams),
    security(("bearer" = [])), responses((status = 200, body = inline(List<Consent>)), (status = 401), (status = 403), (status = 422)))]
pub(crate) async fn my_consents(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Trainees>,
    page: crate::http::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let rows = consents::mine(&state.db, &caller, page).await?;
    let (rows, next_cursor) = crate::http::page::split_page(rows, page, |r| r.id);
    let items = consent_views(&state.db, rows).await?;
    Ok(HttpResponse::Ok().json(List { items, next_cursor }))
}

/// Lets an organisation's representatives follow the trainee's training
/// (201; an active consent to the same organisation answers 200 as it is).
#[utoipa::path(post, path = "/api/v1/users/me/consents", tag = "organisations", request_body = GrantConsent,
    security(("bearer" = [])), responses((status = 201, body = Consent), (status = 200, body = Consent), (status = 401), (status = 403), (status = 422)))]
pub(crate) async fn grant(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Trainees>,
    body: Json<GrantConsent>,
) -> ApiResult<HttpResponse> {
    let (row, created) = consents::grant(&state, &actor, body.organisation_id).await?;
    let view = consent_views(&state.db, vec![row]).await?.pop().ok_or_else(ApiError::not_found)?;
    Ok(if created { HttpResponse::Created() } else { HttpResponse::Ok() }.json(view))
}

/// Withdraws a consent: from the next request on the organisation sees
/// nothing more of the trainee (unless they are its employee).
#[utoipa::path(post, path = "/api/v1/users/me/consents/{id}/withdraw", tag = "organisations", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = Consent), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn withdraw(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Trainees>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let row = consents::withdraw(&state, &actor, *id).await?;
    let view = consent_views(&state.db, vec![row]).await?.pop().ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(view))
}

/// This area's routes.
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_create, create)
        .add(__path_list, list)
        .add(__path_get, get)
        .add(__path_update, update)
        .add(__path_my_consents, my_consents)
        .add(__path_grant, grant)
        .add(__path_withdraw, withdraw);
}
