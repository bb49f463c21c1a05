//! `/api/v1/branches/{code}/users` and `/api/v1/users/me`.

use super::entity::{self as user, Entity as Users};
use super::password;
use super::service::{self, validate_new};
use crate::audit;
use crate::branches::service as branches;
use crate::error::FieldCode;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{Json, PageParams, negotiate, with_language};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{Caller, Role};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub email: String,
    #[schema(min_length = 1, max_length = 120)]
    pub display_name: String,
    /// `hq_admin` (HQ only), `branch_admin` or `trainee`.
    #[schema(pattern = "^(hq_admin|branch_admin|trainee)$")]
    pub role: String,
    #[schema(value_type = crate::i18n::Locale)]
    pub locale: String,
    /// Without one, the user is emailed an invitation link.
    #[schema(min_length = 10, max_length = 128)]
    pub password: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: Uuid,
    pub branch: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub locale: String,
    /// `active` or `invited`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn to_dto(row: user::Model, branch_code: &str) -> User {
    User {
        id: row.id,
        branch: branch_code.to_string(),
        email: row.email,
        display_name: row.display_name,
        role: row.role,
        locale: row.locale,
        status: row.status,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// Creates a user. Headquarters creates anyone anywhere; a branch admin creates trainees of its own branch.
#[utoipa::path(post, path = "/api/v1/branches/{code}/users", tag = "users", params(("code" = String, Path)), request_body = CreateUser,
    security(("bearer" = [])), responses((status = 201, body = User), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    code: web::Path<String>,
    body: Json<CreateUser>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin, Role::BranchAdmin])?;
    let branch = branches::visible(&state.db, &caller, &code).await?;
    if caller.role == Role::BranchAdmin && body.role != Role::Trainee.as_str() {
        return Err(ApiError::forbidden());
    }
    let new =
        validate_new(&body.email, &body.display_name, &body.role, &body.locale, body.password.as_deref()).map_err(ApiError::validation)?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let row = service::insert(&state, &txn, &branch, new, now).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        Some(branch.id),
        "user.create",
        "user",
        &row.id.to_string(),
        json!({"role": row.role, "invited": row.status == service::INVITED}),
    )
    .await?;
    txn.commit().await?;
    let locale = negotiate(&req);
    Ok(with_language(HttpResponse::Created().json(to_dto(row, &branch.code)), locale))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct UserFilter {
    /// Only users with this role.
    #[param(pattern = "^(hq_admin|branch_admin|trainee)$")]
    pub role: Option<String>,
}

/// Users of a branch (headquarters, or that branch's admin).
#[utoipa::path(get, path = "/api/v1/branches/{code}/users", tag = "users", params(("code" = String, Path), PageParams, UserFilter),
    security(("bearer" = [])), responses((status = 200, body = inline(List<User>)), (status = 401), (status = 403), (status = 404)))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    page: web::Query<PageParams>,
    filter: web::Query<UserFilter>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin, Role::BranchAdmin])?;
    let page = page.page()?;
    let branch = branches::visible(&state.db, &caller, &code).await?;
    let mut query = Users::find().filter(user::Column::BranchId.eq(branch.id));
    if let Some(role) = &filter.role {
        if Role::parse(role).is_none() {
            return Err(ApiError::field("role", FieldCode::InvalidChoice));
        }
        query = query.filter(user::Column::Role.eq(role.clone()));
    }
    if let Some(after) = page.after {
        query = query.filter(user::Column::Id.gt(after));
    }
    let rows = query.order_by_asc(user::Column::Id).limit(page.limit + 1).all(&state.db).await?;
    Ok(HttpResponse::Ok().json(List::from_rows(rows, page, |r| r.id, |r| to_dto(r, &branch.code))))
}

async fn load_me(state: &AppState, caller: &Caller) -> ApiResult<user::Model> {
    Users::find_by_id(caller.user_id)
        .filter(user::Column::BranchId.eq(caller.branch_id))
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::unauthenticated)
}

#[utoipa::path(get, path = "/api/v1/users/me", tag = "users", security(("bearer" = [])), responses((status = 200, body = User), (status = 401)))]
pub async fn me(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let row = load_me(&state, &caller).await?;
    Ok(HttpResponse::Ok().json(to_dto(row, &caller.branch_code)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    #[schema(value_type = Option<crate::i18n::Locale>)]
    pub locale: Option<String>,
    #[schema(max_length = 120)]
    pub display_name: Option<String>,
    /// A new password; needs `current_password`.
    #[schema(min_length = 10, max_length = 128)]
    pub password: Option<String>,
    pub current_password: Option<String>,
}

#[utoipa::path(patch, path = "/api/v1/users/me", tag = "users", request_body = UpdateMe, security(("bearer" = [])),
    responses((status = 200, body = User), (status = 401), (status = 422), (status = 429, description = "too many wrong current passwords")))]
pub async fn update_me(state: web::Data<AppState>, caller: Caller, req: HttpRequest, body: Json<UpdateMe>) -> ApiResult<HttpResponse> {
    let row = load_me(&state, &caller).await?;
    let mut errors = Vec::new();
    let mut active: user::ActiveModel = row.clone().into();
    if let Some(locale) = &body.locale {
        match Locale::from_canonical(locale) {
            Some(l) => active.locale = Set(l.as_str().to_string()),
            None => errors.push(FieldError::new("locale", FieldCode::UnknownLocale)),
        }
    }
    if let Some(name) = &body.display_name
        && let Some(name) = crate::text::PERSON_NAME.collect("display_name", name, &mut errors)
    {
        active.display_name = Set(name);
    }
    let mut password_changed = false;
    if let Some(new_password) = body.password.clone() {
        let rules = password::check_rules("password", &new_password);
        if !rules.is_empty() {
            errors.extend(rules);
        } else {
            // Guessing the current password is guessing a login: same throttle.
            let account = super::throttle::account(&caller.branch_code, &row.email);
            let client = crate::http::client_address::client_address(&req);
            let attempt = super::throttle::begin(&state, &account, client).await?;
            let current = body.current_password.clone().unwrap_or_default();
            let stored = row.password_hash.clone().unwrap_or_default();
            let ok = password::verify_async(current, stored).await;
            if !ok {
                super::throttle::failed(&state, &attempt).await?;
                errors.push(FieldError::new("current_password", FieldCode::WrongPassword));
            } else {
                super::throttle::succeeded(&state, &attempt).await?;
                let hash = password::hash_async(new_password).await.ok_or_else(ApiError::internal)?;
                active.password_hash = Set(Some(hash));
                password_changed = true;
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    active.updated_at = Set(state.clock.now());
    let txn = crate::db::begin(&state.db).await?;
    let updated = active.update(&txn).await?;
    let mut ended = None;
    if password_changed {
        // Every session ends, this one too: the client signs in again.
        ended = Some(service::end_sessions(&txn, updated.id, state.clock.now()).await?);
        audit::record(
            &txn,
            &req,
            &caller,
            Some(caller.branch_id),
            "user.password_change",
            "user",
            &updated.id.to_string(),
            json!({}),
        )
        .await?;
    }
    txn.commit().await?;
    if let Some(ended) = ended {
        ended.apply(&state);
    }
    Ok(HttpResponse::Ok().json(to_dto(updated, &caller.branch_code)))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub fn routes(r: &mut Routes) {
    r.add(__path_create, create)
        .add(__path_list, list)
        .add(__path_me, me)
        .add(__path_update_me, update_me);
}
