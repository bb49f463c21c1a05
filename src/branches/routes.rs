//! `/api/v1/branches`: create, list, read, update; the public JWKS; key rotation.

use super::commands;
use super::entity::{self as branch, Entity as Branches};
use super::service::{self, parse_names};
use crate::error::{ApiError, ApiResult};
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{CursorPage, Json, PageParams, negotiate, with_language};
use crate::i18n::{self, Locale};
use crate::signing::JwkSet;
use crate::state::AppState;
use crate::tenancy::{self, Authorized, Caller, HqOnly};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateBranch {
    /// 2-8 upper-case letters or digits.
    #[schema(pattern = "^[A-Z0-9]{2,8}$")]
    pub code: String,
    /// ISO 3166-1 alpha-2.
    #[schema(pattern = "^[A-Z]{2}$")]
    pub country: String,
    #[schema(value_type = crate::i18n::Locale)]
    pub default_locale: String,
    /// IANA time zone name, e.g. `Asia/Bangkok`.
    pub time_zone: String,
    /// `{locale: name}`.
    #[schema(value_type = BTreeMap<crate::i18n::Locale, String>)]
    pub names: BTreeMap<String, String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateBranch {
    #[schema(pattern = "^[A-Z]{2}$")]
    pub country: Option<String>,
    #[schema(value_type = Option<crate::i18n::Locale>)]
    pub default_locale: Option<String>,
    pub time_zone: Option<String>,
    #[schema(value_type = Option<BTreeMap<crate::i18n::Locale, String>>)]
    pub names: Option<BTreeMap<String, String>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Branch {
    pub id: Uuid,
    pub code: String,
    pub country: String,
    pub default_locale: String,
    pub time_zone: String,
    pub names: BTreeMap<String, String>,
    /// The name in the response language, with fallback.
    pub name: Option<String>,
    /// The locale `name` was served in.
    pub locale: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) fn to_dto(row: branch::Model, requested: Locale) -> Branch {
    let names = parse_names(&row.names);
    let default = Locale::from_canonical(&row.default_locale).unwrap_or(Locale::En);
    let chain = i18n::fallback_chain(requested, default);
    let served = i18n::pick_locale(&chain, |l| names.contains_key(&l));
    Branch {
        id: row.id,
        code: row.code,
        country: row.country,
        default_locale: row.default_locale,
        time_zone: row.time_zone,
        name: served.and_then(|l| names.get(&l).cloned()),
        locale: served.map(|l| l.as_str().to_string()),
        names: names.into_iter().map(|(k, v)| (k.as_str().to_string(), v)).collect(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// Creates a branch with its own signing key (headquarters only).
#[utoipa::path(post, path = "/api/v1/branches", tag = "branches", request_body = CreateBranch, security(("bearer" = [])),
    responses((status = 201, body = Branch), (status = 400), (status = 401), (status = 403), (status = 409, description = "code taken"), (status = 422)))]
pub(crate) async fn create(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    body: Json<CreateBranch>,
) -> ApiResult<HttpResponse> {
    let input = commands::NewBranchInput {
        code: &body.code,
        country: &body.country,
        default_locale: &body.default_locale,
        time_zone: &body.time_zone,
        names: &body.names,
    };
    let row = commands::create(&state, &actor, input).await?;
    let locale = negotiate(&req);
    Ok(with_language(HttpResponse::Created().json(to_dto(row, locale)), locale))
}

/// Branches the caller may see: all for headquarters, its own otherwise.
#[utoipa::path(get, path = "/api/v1/branches", tag = "branches", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = inline(List<Branch>)), (status = 401)))]
pub(crate) async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    page: crate::http::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let rows = tenancy::visible::<Branches>(&caller)
        .cursor_page(branch::Column::Id, page)
        .all(&state.db)
        .await?;
    let locale = negotiate(&req);
    Ok(with_language(
        HttpResponse::Ok().json(List::from_rows(rows, page, |r| r.id, |r| to_dto(r, locale))),
        locale,
    ))
}

#[utoipa::path(get, path = "/api/v1/branches/{code}", tag = "branches", params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Branch), (status = 401), (status = 404)))]
pub(crate) async fn get(state: web::Data<AppState>, caller: Caller, req: HttpRequest, code: web::Path<String>) -> ApiResult<HttpResponse> {
    let row = service::visible(&state.db, &caller, &code).await?;
    let locale = negotiate(&req);
    Ok(with_language(HttpResponse::Ok().json(to_dto(row, locale)), locale))
}

#[utoipa::path(patch, path = "/api/v1/branches/{code}", tag = "branches", params(("code" = String, Path)), request_body = UpdateBranch,
    security(("bearer" = [])), responses((status = 200, body = Branch), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn update(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    code: web::Path<String>,
    body: Json<UpdateBranch>,
) -> ApiResult<HttpResponse> {
    let changes = commands::BranchChanges {
        country: body.country.as_deref(),
        default_locale: body.default_locale.as_deref(),
        time_zone: body.time_zone.as_deref(),
        names: body.names.as_ref(),
    };
    let updated = commands::update(&state, &actor, &code, changes).await?;
    let locale = negotiate(&req);
    Ok(with_language(HttpResponse::Ok().json(to_dto(updated, locale)), locale))
}

/// The branch's public keys (active and retired), to verify its tokens and credentials.
#[utoipa::path(get, path = "/api/v1/branches/{code}/jwks.json", tag = "auth", params(("code" = String, Path)),
    responses((status = 200, body = JwkSet), (status = 404)))]
pub(crate) async fn jwks(state: web::Data<AppState>, code: web::Path<String>) -> ApiResult<HttpResponse> {
    let row = service::find_by_code(&state.db, &code).await?.ok_or_else(ApiError::not_found)?;
    let set = state.keys.jwks(&state.db, row.id).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "public, max-age=300")).json(set))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RotateKeys {
    /// Reject tokens signed by the old key at once.
    #[serde(default)]
    pub revoke_old: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Rotated {
    /// The new signing key's id.
    pub kid: String,
    pub revoked_old: bool,
    pub jwks: JwkSet,
}

/// Makes a new signing key for the branch (headquarters only).
#[utoipa::path(post, path = "/api/v1/branches/{code}/keys/rotate", tag = "auth", params(("code" = String, Path)),
    request_body(content = RotateKeys, description = "optional"), security(("bearer" = [])),
    responses((status = 200, body = Rotated), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn rotate(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    code: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let options: RotateKeys = if body.iter().all(|b| b.is_ascii_whitespace()) {
        RotateKeys::default()
    } else {
        crate::http::json::parse(&body)?
    };
    let rotation = commands::rotate_keys(&state, &actor, &code, options.revoke_old).await?;
    Ok(HttpResponse::Ok().json(Rotated {
        kid: rotation.kid,
        revoked_old: options.revoke_old,
        jwks: rotation.jwks,
    }))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_create, create)
        .add(__path_list, list)
        .add(__path_get, get)
        .add(__path_update, update)
        .add(__path_jwks, jwks)
        .add(__path_rotate, rotate);
}
