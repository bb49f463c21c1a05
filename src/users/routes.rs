//! `/api/v1/branches/{code}/users` and `/api/v1/users/me`.

use super::commands;
use super::entity as user;
use super::recovery::{self, InvitationState};
use crate::branches::service as branches;
use crate::error::ApiResult;
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{Json, PageParams, negotiate, with_language};
use crate::state::AppState;
use crate::tenancy::{Actor, Authorized, Caller, Staff};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateUser {
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
pub(crate) struct User {
    pub id: Uuid,
    pub branch: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub locale: String,
    /// `active` or `invited`.
    pub status: String,
    /// Where the user's invitation stands; `null` for a user created with a password.
    pub invitation: Option<InvitationState>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) fn to_dto(row: user::Model, branch_code: &str, invitation: Option<InvitationState>) -> User {
    User {
        id: row.id,
        branch: branch_code.to_string(),
        email: row.email,
        display_name: row.display_name,
        role: row.role,
        locale: row.locale,
        status: row.status,
        invitation,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// Creates a user. Headquarters creates anyone anywhere; a branch admin creates trainees of its own branch.
#[utoipa::path(post, path = "/api/v1/branches/{code}/users", tag = "users", params(("code" = String, Path)), request_body = CreateUser,
    security(("bearer" = [])), responses((status = 201, body = User), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn create(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    req: HttpRequest,
    code: web::Path<String>,
    body: Json<CreateUser>,
) -> ApiResult<HttpResponse> {
    let branch = branches::visible(&state.db, &actor, &code).await?;
    let input = commands::NewUserInput {
        email: &body.email,
        display_name: &body.display_name,
        role: &body.role,
        locale: &body.locale,
        password: body.password.as_deref(),
    };
    let row = commands::create(&state, &actor, &branch, input).await?;
    let invitation = (row.status == super::service::INVITED).then_some(InvitationState::Pending);
    Ok(with_language(
        HttpResponse::Created().json(to_dto(row, &branch.code, invitation)),
        negotiate(&req),
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct UserFilter {
    /// Only users with this role.
    #[param(pattern = "^(hq_admin|branch_admin|trainee)$")]
    pub role: Option<String>,
}

/// Users of a branch (headquarters, or that branch's admin).
#[utoipa::path(get, path = "/api/v1/branches/{code}/users", tag = "users", params(("code" = String, Path), PageParams, UserFilter),
    security(("bearer" = [])), responses((status = 200, body = inline(List<User>)), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn list(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    code: web::Path<String>,
    page: web::Query<PageParams>,
    filter: web::Query<UserFilter>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let branch = branches::visible(&state.db, &caller, &code).await?;
    let rows = commands::list(&state.db, &caller, branch.id, filter.role.as_deref(), page).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let states = recovery::invitation_states(&state.db, &ids, state.clock.now()).await?;
    Ok(HttpResponse::Ok().json(List::from_rows(
        rows,
        page,
        |r| r.id,
        |r| {
            let invitation = states.get(&r.id).copied();
            to_dto(r, &branch.code, invitation)
        },
    )))
}

#[utoipa::path(get, path = "/api/v1/users/me", tag = "users", security(("bearer" = [])), responses((status = 200, body = User), (status = 401)))]
pub(crate) async fn me(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let row = commands::find_me(&state.db, &caller).await?;
    let invitation = recovery::invitation_state(&state.db, row.id, state.clock.now()).await?;
    Ok(HttpResponse::Ok().json(to_dto(row, &caller.branch_code, invitation)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateMe {
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
pub(crate) async fn update_me(state: web::Data<AppState>, actor: Actor, body: Json<UpdateMe>) -> ApiResult<HttpResponse> {
    let changes = commands::ProfileChanges {
        locale: body.locale.as_deref(),
        display_name: body.display_name.as_deref(),
        password: body.password.as_deref(),
        current_password: body.current_password.as_deref(),
    };
    let updated = commands::update_me(&state, &actor, changes).await?;
    let invitation = recovery::invitation_state(&state.db, updated.id, state.clock.now()).await?;
    Ok(HttpResponse::Ok().json(to_dto(updated, &actor.branch_code, invitation)))
}

/// Emails an active user of the caller's scope a one-time link (valid one
/// hour) to choose a new password, as if they had asked for it.
#[utoipa::path(post, path = "/api/v1/users/{id}/password-reset", tag = "users", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 202), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "the user is invited or deactivated (`user_not_active`)"), (status = 429)))]
pub(crate) async fn send_password_reset(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    recovery::send_password_reset(&state, &actor, id.into_inner()).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sends a user who has not accepted their invitation a new link (valid
/// seven days); the links sent before stop working.
#[utoipa::path(post, path = "/api/v1/users/{id}/invitation", tag = "users", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 202, body = User), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "the user accepted their invitation already, or was never invited (`not_invited`)"), (status = 429)))]
pub(crate) async fn resend_invitation(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (row, branch) = recovery::resend_invitation(&state, &actor, id.into_inner()).await?;
    Ok(HttpResponse::Accepted().json(to_dto(row, &branch.code, Some(InvitationState::Pending))))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_create, create)
        .add(__path_list, list)
        .add(__path_me, me)
        .add(__path_update_me, update_me)
        .add(__path_send_password_reset, send_password_reset)
        .add(__path_resend_invitation, resend_invitation);
}
