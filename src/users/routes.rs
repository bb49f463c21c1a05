//! `/api/v1/branches/{code}/users` and `/api/v1/users/me`.

use super::commands;
use super::entity as user;
use super::manage;
use super::recovery::{self, InvitationState};
use super::sessions;
use crate::branches::service as branches;
use crate::error::ApiResult;
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{Json, PageParams, negotiate, with_language};
use crate::state::AppState;
use crate::tenancy::{Actor, Authorized, Caller, Staff};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use sea_orm::ActiveEnum;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateUser {
    pub email: String,
    #[schema(min_length = 1, max_length = 120)]
    pub display_name: String,
    /// `hq_admin` (HQ only), `branch_admin`, `trainee`, `employer` (an
    /// organisation's representative) or `assessor` (practical sign-offs).
    #[schema(pattern = "^(hq_admin|branch_admin|trainee|employer|assessor)$")]
    pub role: String,
    #[schema(value_type = crate::i18n::Locale)]
    pub locale: String,
    /// Without one, the user is emailed an invitation link.
    #[schema(min_length = 10, max_length = 128)]
    pub password: Option<String>,
    /// A trainee's employer or school, or the organisation an `employer`
    /// represents (required for that role): one of the branch's
    /// organisations or a shared one.
    pub organisation_id: Option<Uuid>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct User {
    pub id: Uuid,
    pub branch: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub locale: String,
    /// `active`, `invited` (no password set yet) or `deactivated`.
    pub status: String,
    /// Where the user's invitation stands; `null` for a user created with a password.
    pub invitation: Option<InvitationState>,
    /// The organisation the user belongs to (or, for an `employer`, represents).
    pub organisation_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) fn to_dto(row: user::Model, branch_code: &str, invitation: Option<InvitationState>, organisation_id: Option<Uuid>) -> User {
    User {
        id: row.id,
        branch: branch_code.to_string(),
        email: row.email,
        display_name: row.display_name,
        role: row.role.as_str().to_string(),
        locale: row.locale,
        status: row.status.to_value(),
        invitation,
        organisation_id,
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
        organisation_id: body.organisation_id,
    };
    let row = commands::create(&state, &actor, &branch, input).await?;
    let invitation = (row.status == super::service::INVITED).then_some(InvitationState::Pending);
    Ok(with_language(
        HttpResponse::Created().json(to_dto(row, &branch.code, invitation, body.organisation_id)),
        negotiate(&req),
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct UserFilter {
    /// Finds users whose display name or email contains this text, ignoring
    /// case and accents (`nguyen van a` finds `Nguyễn Văn A`); Thai and
    /// Chinese match as substrings. At most 200 characters.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only users with this role.
    #[param(pattern = "^(hq_admin|branch_admin|trainee|employer|assessor)$")]
    pub role: Option<String>,
    /// Only users with this status.
    #[param(pattern = "^(active|invited|deactivated)$")]
    pub status: Option<String>,
}

/// Users of a branch (headquarters, or that branch's admin), found by name
/// or email and filtered by role and status. A bad filter value is a 422
/// with a field error (`invalid_choice`, `invalid_characters`, `too_long`).
#[utoipa::path(get, path = "/api/v1/branches/{code}/users", tag = "users", params(("code" = String, Path), PageParams, UserFilter),
    security(("bearer" = [])), responses((status = 200, body = inline(List<User>)), (status = 401), (status = 403), (status = 404),
    (status = 422, description = "a filter value is invalid", body = crate::error::ProblemSchema)))]
pub(crate) async fn list(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    code: web::Path<String>,
    page: crate::http::Query<PageParams>,
    filter: crate::http::Query<UserFilter>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let branch = branches::visible(&state.db, &caller, &code).await?;
    let query = manage::UserQuery {
        q: filter.q.as_deref(),
        role: filter.role.as_deref(),
        status: filter.status.as_deref(),
    };
    let rows = manage::search(&state.db, &caller, branch.id, query, page).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let states = recovery::invitation_states(&state.db, &ids, state.clock.now()).await?;
    let organisations = crate::orgs::service::memberships(&state.db, &ids).await?;
    Ok(HttpResponse::Ok().json(List::from_rows(
        rows,
        page,
        |r| r.id,
        |r| {
            let invitation = states.get(&r.id).copied();
            let organisation = organisations.get(&r.id).copied();
            to_dto(r, &branch.code, invitation, organisation)
        },
    )))
}

#[utoipa::path(get, path = "/api/v1/users/me", tag = "users", security(("bearer" = [])), responses((status = 200, body = User), (status = 401)))]
pub(crate) async fn me(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let row = commands::find_me(&state.db, &caller).await?;
    one_user(&state, row, &caller.branch_code).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateMe {
    /// Answers speak it from the next request on (`?lang=` and
    /// `Accept-Language` still win).
    #[schema(value_type = Option<crate::i18n::Locale>)]
    pub locale: Option<String>,
    #[schema(max_length = 120)]
    pub display_name: Option<String>,
    /// A new password; needs `current_password`.
    #[schema(min_length = 10, max_length = 128)]
    pub password: Option<String>,
    pub current_password: Option<String>,
}

/// Changes the caller's own profile. A new `locale` takes effect from the
/// very next request, with the same access token, on every node (it is read
/// per request, not from the token); a new password ends every session.
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
    one_user(&state, updated, &actor.branch_code).await
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
    let organisation = crate::orgs::service::memberships(&state.db, &[row.id]).await?.get(&row.id).copied();
    Ok(HttpResponse::Accepted().json(to_dto(row, &branch.code, Some(InvitationState::Pending), organisation)))
}

/// A user as served, with their invitation state.
async fn one_user(state: &AppState, row: user::Model, branch_code: &str) -> ApiResult<HttpResponse> {
    let invitation = recovery::invitation_state(&state.db, row.id, state.clock.now()).await?;
    let organisation = crate::orgs::service::memberships(&state.db, &[row.id]).await?.get(&row.id).copied();
    Ok(HttpResponse::Ok().json(to_dto(row, branch_code, invitation, organisation)))
}

/// One user (headquarters: any; a branch administrator: their branch's).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = User), (status = 401), (status = 403), (status = 404, description = "no such user in the caller's scope")))]
pub(crate) async fn get(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (row, branch) = manage::find(&state.db, &caller, *id).await?;
    one_user(&state, row, &branch.code).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateUser {
    #[schema(min_length = 1, max_length = 120)]
    pub display_name: Option<String>,
    /// Normalized (NFKC) and unique in the branch, compared ignoring case:
    /// 409 `email_taken` if another user has it. An invited user's
    /// invitation is sent again to the new address.
    pub email: Option<String>,
    #[schema(value_type = Option<crate::i18n::Locale>)]
    pub locale: Option<String>,
    /// Headquarters administrators only (403 `role_change_not_allowed`
    /// otherwise); never across the HQ/branch line (422 `role_crosses_hq`).
    #[schema(pattern = "^(hq_admin|branch_admin|trainee|employer|assessor)$")]
    pub role: Option<String>,
    /// The user's organisation (see `CreateUser`); `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>, nullable)]
    pub organisation_id: Option<Option<Uuid>>,
}

/// A field that may be sent as `null` (to clear it): present → `Some`.
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Corrects a user's display name, email or locale, or changes their role.
/// A branch administrator changes their branch's trainees and themselves.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)), request_body = UpdateUser,
    security(("bearer" = [])), responses((status = 200, body = User), (status = 401),
    (status = 403, description = "`forbidden` (not a trainee of the caller's branch) or `role_change_not_allowed`", body = crate::error::ProblemSchema),
    (status = 404), (status = 409, description = "`email_taken`", body = crate::error::ProblemSchema),
    (status = 422, body = crate::error::ProblemSchema)))]
pub(crate) async fn update(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    id: web::Path<Uuid>,
    body: Json<UpdateUser>,
) -> ApiResult<HttpResponse> {
    let changes = manage::UserChanges {
        display_name: body.display_name.as_deref(),
        email: body.email.as_deref(),
        locale: body.locale.as_deref(),
        role: body.role.as_deref(),
        organisation_id: body.organisation_id,
    };
    let (row, branch) = manage::update(&state, &actor, *id, changes).await?;
    one_user(&state, row, &branch.code).await
}

/// Deactivates a user: they cannot sign in, and their refresh and access
/// tokens are refused at once on every node. Nobody deactivates themselves.
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "users", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = User), (status = 401), (status = 403), (status = 404),
    (status = 409, description = "`cannot_deactivate_self`", body = crate::error::ProblemSchema)))]
pub(crate) async fn deactivate(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (row, branch) = manage::deactivate(&state, &actor, *id).await?;
    one_user(&state, row, &branch.code).await
}

/// Reactivates a deactivated user (`active`, or `invited` if they never set
/// a password); they sign in again.
#[utoipa::path(post, path = "/api/v1/users/{id}/reactivate", tag = "users", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = User), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn reactivate(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (row, branch) = manage::reactivate(&state, &actor, *id).await?;
    one_user(&state, row, &branch.code).await
}

/// One of the caller's sessions: a sign-in on one device and the token
/// refreshes that followed it.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Session {
    pub id: Uuid,
    /// A short label derived from the User-Agent at sign-in, e.g. `Chrome on
    /// Android` (plain ASCII letters, digits, spaces, `.`, `_`, `-`); `null`
    /// when nothing was recognisable.
    #[schema(max_length = 64)]
    pub device: Option<String>,
    /// The sign-in.
    pub created_at: DateTime<Utc>,
    /// The sign-in or the latest token refresh.
    pub last_used_at: DateTime<Utc>,
    /// Whether the access token of this request belongs to this session.
    pub current: bool,
}

impl From<sessions::Session> for Session {
    fn from(s: sessions::Session) -> Self {
        Session {
            id: s.id,
            device: s.device,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            current: s.current,
        }
    }
}

/// The caller's active sessions (refresh-token families), oldest sign-in first.
#[utoipa::path(get, path = "/api/v1/users/me/sessions", tag = "users", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = inline(List<Session>)), (status = 401), (status = 422)))]
pub(crate) async fn my_sessions(
    state: web::Data<AppState>,
    caller: Caller,
    page: crate::http::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let rows = sessions::list(&state.db, &caller, state.clock.now(), page).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(List::from_rows(rows, page, |s| s.id, Session::from)))
}

/// Ends one of the caller's sessions: its refresh token is refused from now
/// on. Like logout, every access token the caller holds ends too (on every
/// node); the other sessions refresh and carry on.
#[utoipa::path(delete, path = "/api/v1/users/me/sessions/{id}", tag = "users", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 404, description = "no active session of the caller's with this id")))]
pub(crate) async fn end_session(state: web::Data<AppState>, actor: Actor, id: web::Path<String>) -> ApiResult<HttpResponse> {
    // Not a UUID: no such session either.
    let id = Uuid::parse_str(&id).map_err(|_| crate::error::ApiError::not_found())?;
    sessions::end(&state, &actor, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Signs the caller out everywhere: every session's refresh token and every
/// access token, this one included, are refused on every node.
#[utoipa::path(post, path = "/api/v1/users/me/sessions/end-all", tag = "users", security(("bearer" = [])),
    responses((status = 204), (status = 401)))]
pub(crate) async fn end_all_sessions(state: web::Data<AppState>, actor: Actor) -> ApiResult<HttpResponse> {
    sessions::end_all(&state, &actor).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_create, create)
        .add(__path_list, list)
        .add(__path_me, me)
        .add(__path_update_me, update_me)
        .add(__path_get, get)
        .add(__path_update, update)
        .add(__path_deactivate, deactivate)
        .add(__path_reactivate, reactivate)
        .add(__path_my_sessions, my_sessions)
        .add(__path_end_all_sessions, end_all_sessions)
        .add(__path_end_session, end_session)
        .add(__path_send_password_reset, send_password_reset)
        .add(__path_resend_invitation, resend_invitation);
}
