//! `/api/v1/branches`: create, list, read, update; the public JWKS; key rotation.

use super::entity::{self as branch, Entity as Branches};
use super::service::{self, check_names, names_json, parse_names, valid_time_zone};
use crate::audit;
use crate::error::FieldCode;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{Json, PageParams, negotiate, with_language};
use crate::i18n::{self, Locale};
use crate::signing::JwkSet;
use crate::state::AppState;
use crate::tenancy::{Caller, Role};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBranch {
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
pub struct UpdateBranch {
    #[schema(pattern = "^[A-Z]{2}$")]
    pub country: Option<String>,
    #[schema(value_type = Option<crate::i18n::Locale>)]
    pub default_locale: Option<String>,
    pub time_zone: Option<String>,
    #[schema(value_type = Option<BTreeMap<crate::i18n::Locale, String>>)]
    pub names: Option<BTreeMap<String, String>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Branch {
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

pub fn to_dto(row: branch::Model, requested: Locale) -> Branch {
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
pub async fn create(state: web::Data<AppState>, caller: Caller, req: HttpRequest, body: Json<CreateBranch>) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let new = service::validate_new(&body.code, &body.country, &body.default_locale, &body.time_zone, &body.names)?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let row = service::insert(&state, &txn, new, now).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        Some(row.id),
        "branch.create",
        "branch",
        &row.code,
        json!({"country": row.country}),
    )
    .await?;
    txn.commit().await?;
    let locale = negotiate(&req);
    Ok(with_language(HttpResponse::Created().json(to_dto(row, locale)), locale))
}

/// Branches the caller may see: all for headquarters, its own otherwise.
#[utoipa::path(get, path = "/api/v1/branches", tag = "branches", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = inline(List<Branch>)), (status = 401)))]
pub async fn list(state: web::Data<AppState>, caller: Caller, req: HttpRequest, page: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let mut query = Branches::find().filter(caller.scope().condition(branch::Column::Id));
    if let Some(after) = page.after {
        query = query.filter(branch::Column::Id.gt(after));
    }
    let rows = query.order_by_asc(branch::Column::Id).limit(page.limit + 1).all(&state.db).await?;
    let locale = negotiate(&req);
    Ok(with_language(
        HttpResponse::Ok().json(List::from_rows(rows, page, |r| r.id, |r| to_dto(r, locale))),
        locale,
    ))
}

#[utoipa::path(get, path = "/api/v1/branches/{code}", tag = "branches", params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Branch), (status = 401), (status = 404)))]
pub async fn get(state: web::Data<AppState>, caller: Caller, req: HttpRequest, code: web::Path<String>) -> ApiResult<HttpResponse> {
    let row = service::visible(&state.db, &caller, &code).await?;
    let locale = negotiate(&req);
    Ok(with_language(HttpResponse::Ok().json(to_dto(row, locale)), locale))
}

#[utoipa::path(patch, path = "/api/v1/branches/{code}", tag = "branches", params(("code" = String, Path)), request_body = UpdateBranch,
    security(("bearer" = [])), responses((status = 200, body = Branch), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    code: web::Path<String>,
    body: Json<UpdateBranch>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let txn = crate::db::begin(&state.db).await?;
    let row = service::visible(&txn, &caller, &code).await?;
    let mut errors = Vec::new();
    let mut active: branch::ActiveModel = row.clone().into();
    if let Some(country) = &body.country {
        if super::countries::is_country(country) {
            active.country = Set(country.clone());
        } else {
            errors.push(FieldError::new("country", FieldCode::InvalidCountry));
        }
    }
    if let Some(locale) = &body.default_locale {
        match Locale::from_canonical(locale) {
            Some(l) => active.default_locale = Set(l.as_str().to_string()),
            None => errors.push(FieldError::new("default_locale", FieldCode::UnknownLocale)),
        }
    }
    if let Some(tz) = &body.time_zone {
        if valid_time_zone(tz) {
            active.time_zone = Set(tz.clone());
        } else {
            errors.push(FieldError::new("time_zone", FieldCode::InvalidTimeZone));
        }
    }
    if let Some(names) = &body.names {
        let clean = check_names("names", names, &mut errors);
        if names.is_empty() {
            errors.push(FieldError::new("names", FieldCode::Required));
        }
        active.names = Set(names_json(&clean));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    active.updated_at = Set(state.clock.now());
    let updated = active.update(&txn).await?;
    let changes = json!({
        "country": body.country, "default_locale": body.default_locale, "time_zone": body.time_zone,
        "names": body.names.is_some(),
    });
    audit::record(
        &txn,
        &req,
        &caller,
        Some(updated.id),
        "branch.update",
        "branch",
        &updated.code,
        changes,
    )
    .await?;
    // Cached verifiers carry the branch's details.
    let changed = crate::cluster::announce(&txn, crate::cluster::Event::Keys(updated.id)).await?;
    txn.commit().await?;
    changed.apply(&state);
    let locale = negotiate(&req);
    Ok(with_language(HttpResponse::Ok().json(to_dto(updated, locale)), locale))
}

/// The branch's public keys (active and retired), to verify its tokens and credentials.
#[utoipa::path(get, path = "/api/v1/branches/{code}/jwks.json", tag = "auth", params(("code" = String, Path)),
    responses((status = 200, body = JwkSet), (status = 404)))]
pub async fn jwks(state: web::Data<AppState>, code: web::Path<String>) -> ApiResult<HttpResponse> {
    let row = service::find_by_code(&state.db, &code).await?.ok_or_else(ApiError::not_found)?;
    let set = state.keys.jwks(&state.db, row.id).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "public, max-age=300")).json(set))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateKeys {
    /// Reject tokens signed by the old key at once.
    #[serde(default)]
    pub revoke_old: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Rotated {
    /// The new signing key's id.
    pub kid: String,
    pub revoked_old: bool,
    pub jwks: JwkSet,
}

/// Makes a new signing key for the branch (headquarters only).
#[utoipa::path(post, path = "/api/v1/branches/{code}/keys/rotate", tag = "auth", params(("code" = String, Path)),
    request_body(content = RotateKeys, description = "optional"), security(("bearer" = [])),
    responses((status = 200, body = Rotated), (status = 401), (status = 403), (status = 404)))]
pub async fn rotate(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    code: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let options: RotateKeys = if body.iter().all(|b| b.is_ascii_whitespace()) {
        RotateKeys::default()
    } else {
        crate::http::json::parse(&body)?
    };
    let txn = crate::db::begin(&state.db).await?;
    let row = service::visible(&txn, &caller, &code).await?;
    let key = state
        .keys
        .rotate(&txn, row.id, &row.code, options.revoke_old, state.clock.now())
        .await?;
    audit::record(
        &txn,
        &req,
        &caller,
        Some(row.id),
        "branch.rotate_keys",
        "branch",
        &row.code,
        json!({"kid": key.kid, "revoke_old": options.revoke_old}),
    )
    .await?;
    let rotated = crate::cluster::announce(&txn, crate::cluster::Event::Keys(row.id)).await?;
    txn.commit().await?;
    rotated.apply(&state);
    let set = state.keys.jwks(&state.db, row.id).await?;
    Ok(HttpResponse::Ok().json(Rotated {
        kid: key.kid,
        revoked_old: options.revoke_old,
        jwks: set,
    }))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub fn routes(r: &mut Routes) {
    r.add(__path_create, create)
        .add(__path_list, list)
        .add(__path_get, get)
        .add(__path_update, update)
        .add(__path_jwks, jwks)
        .add(__path_rotate, rotate);
}
