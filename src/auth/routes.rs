//! `/api/v1/auth/*`: login, refresh, logout, accepting an invitation.

use super::password;
use super::refresh::{self, Spent};
use super::throttle;
use super::tokens::{self, Subject};
use crate::audit;
use crate::branches::service as branches;
use crate::error::ProblemCode;
use crate::error::{ApiError, ApiResult};
use crate::http::Json;
use crate::http::client_address::client_address;
use crate::http::json::JsonLimit;
use crate::http::routes::Routes;
use crate::state::AppState;
use crate::text;
use crate::users::entity::{self as user, Entity as Users};
use crate::users::invitation_entity::{self as invitation, Entity as Invitations};
use crate::users::service as users;
use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::atomic::Ordering;
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Login {
    /// Branch code, e.g. `BKK`.
    pub branch: String,
    pub email: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AcceptInvite {
    pub token: String,
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
}

/// Mints an access token and a refresh token of `family`.
async fn pair(state: &AppState, db: &impl ConnectionTrait, row: &user::Model, branch_code: &str, family: Uuid) -> ApiResult<TokenPair> {
    let subject = Subject {
        user_id: row.id,
        branch_id: row.branch_id,
        branch_code,
        role: &row.role,
        locale: &row.locale,
        tokens_valid_after: row.tokens_valid_after,
    };
    let (access_token, expires_in) = tokens::issue(state, &subject).await?;
    let ttl = chrono::Duration::from_std(state.config.refresh_token_ttl).unwrap_or(chrono::Duration::days(30));
    let refresh_token = refresh::issue(db, row.id, family, state.clock.now(), ttl).await?;
    Ok(TokenPair {
        access_token,
        refresh_token,
        token_type: "Bearer",
        expires_in,
    })
}

/// A token a client sends back: refused with 422 if it has characters or a
/// length no token of ours has (it is hashed, so this is about the answer
/// being clear, not about the database).
fn check_token(field: &str, value: &str) -> ApiResult<()> {
    text::TOKEN
        .check(field, value)
        .map(|_| ())
        .map_err(|e| ApiError::validation(vec![e]))
}

/// Bodies of `/api/v1/auth/*` are a few short fields: anything bigger is refused unread.
pub const AUTH_JSON_LIMIT: usize = 8 * 1024;

/// Signs in. Unknown email and wrong password get the same answer, after the same work.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = Login,
    responses((status = 200, body = TokenPair), (status = 401), (status = 422, description = "characters or lengths no account can have"), (status = 429)))]
pub async fn login(state: web::Data<AppState>, req: HttpRequest, body: Json<Login>) -> ApiResult<HttpResponse> {
    // Text that could never be stored is refused before anything else looks
    // at it; a clean but unknown branch or address is a plain 401 below.
    let mut errors = Vec::new();
    if let Err(e) = text::check_lookup("branch", &body.branch, 8) {
        errors.push(e);
    }
    let email_key = text::email::lookup_key("email", &body.email).map_err(|e| errors.push(e)).ok();
    let Some(email_key) = email_key.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let account = throttle::account(&body.branch, &email_key);
    let attempt = match throttle::begin(&state, &account, client_address(&req)).await {
        Ok(attempt) => attempt,
        Err(refused) => {
            state.metrics.logins_throttled.fetch_add(1, Ordering::Relaxed);
            return Err(refused);
        }
    };
    let branch = if branches::valid_code(&body.branch.to_ascii_uppercase()) {
        branches::find_by_code(&state.db, &body.branch).await?
    } else {
        None
    };
    let found = match &branch {
        Some(b) => users::find_in_branch(&state.db, b.id, &body.email).await?,
        None => None,
    };
    let candidate = found.filter(|u| u.status == users::ACTIVE && u.password_hash.is_some());
    let given = body.password.clone();
    let ok = match &candidate {
        Some(u) => {
            let stored = u.password_hash.clone().unwrap_or_default();
            password::verify_async(given, stored).await
        }
        None => {
            password::verify_dummy_async(given).await;
            false
        }
    };
    let (Some(row), Some(branch), true) = (candidate, branch, ok) else {
        throttle::failed(&state, &attempt).await?;
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNAUTHORIZED,
            ProblemCode::InvalidCredentials,
        ));
    };
    throttle::succeeded(&state, &attempt).await?;
    let tokens = pair(&state, &state.db, &row, &branch.code, Uuid::now_v7()).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(tokens))
}

/// Trades a refresh token for a new pair. A spent token revokes its family.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401), (status = 422, description = "not shaped like a token")))]
pub async fn refresh_tokens(state: web::Data<AppState>, body: Json<RefreshRequest>) -> ApiResult<HttpResponse> {
    check_token("refresh_token", &body.refresh_token)?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let outcome = refresh::spend(&txn, &body.refresh_token, now).await?;
    let (user_id, family_id) = match outcome {
        Spent::Fresh { user_id, family_id } => (user_id, family_id),
        Spent::Reused => {
            // The revocation must stick even though the answer is an error.
            txn.commit().await?;
            tracing::warn!("a spent refresh token was presented; its family is revoked");
            return Err(ApiError::unauthenticated());
        }
        Spent::Invalid => return Err(ApiError::unauthenticated()),
    };
    let row = Users::find_by_id(user_id)
        .one(&txn)
        .await?
        .filter(|u| u.status == users::ACTIVE)
        .ok_or_else(ApiError::unauthenticated)?;
    let branch = crate::branches::entity::Entity::find_by_id(row.branch_id)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    let tokens = pair(&state, &txn, &row, &branch.code, family_id).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(tokens))
}

/// Ends the session the refresh token belongs to, and every access token
/// the user holds (on every node); other devices refresh and carry on.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204), (status = 422, description = "not shaped like a token")))]
pub async fn logout(state: web::Data<AppState>, body: Json<RefreshRequest>) -> ApiResult<HttpResponse> {
    check_token("refresh_token", &body.refresh_token)?;
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let ended = match refresh::revoke_by_token(&txn, &body.refresh_token, now).await? {
        Some(user_id) => Some(users::end_access_tokens(&txn, user_id, now).await?),
        None => None,
    };
    txn.commit().await?;
    if let Some(ended) = ended {
        ended.apply(&state);
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Sets the password of an invited user with the one-time token from the
/// invitation email, and signs them in.
#[utoipa::path(post, path = "/api/v1/auth/accept-invite", tag = "auth", request_body = AcceptInvite,
    responses((status = 200, body = TokenPair), (status = 400, description = "invalid, used or expired token"), (status = 422)))]
pub async fn accept_invite(state: web::Data<AppState>, req: HttpRequest, body: Json<AcceptInvite>) -> ApiResult<HttpResponse> {
    check_token("token", &body.token)?;
    let rules = password::check_rules("password", &body.password);
    if !rules.is_empty() {
        return Err(ApiError::validation(rules));
    }
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let invalid = || ApiError::bad_request(ProblemCode::InvitationInvalid);
    let invite = Invitations::find()
        .filter(invitation::Column::TokenHash.eq(crate::crypto::token_hash(&body.token)))
        .one(&txn)
        .await?
        .filter(|i| i.used_at.is_none() && i.expires_at > now)
        .ok_or_else(invalid)?;
    // Conditional: two concurrent uses of one token cannot both succeed.
    let used = Invitations::update_many()
        .col_expr(invitation::Column::UsedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(invite.id))
        .filter(invitation::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if used.rows_affected == 0 {
        return Err(invalid());
    }
    let row = Users::find_by_id(invite.user_id).one(&txn).await?.ok_or_else(invalid)?;
    let given = body.password.clone();
    let hash = password::hash_async(given).await.ok_or_else(ApiError::internal)?;
    let mut active: user::ActiveModel = row.into();
    active.password_hash = Set(Some(hash));
    active.status = Set(users::ACTIVE.to_string());
    active.updated_at = Set(now);
    let row = active.update(&txn).await?;
    // A password set ends whatever came before it.
    let ended = users::end_sessions(&txn, row.id, now).await?;
    let row = Users::find_by_id(row.id).one(&txn).await?.ok_or_else(invalid)?;
    let branch = crate::branches::entity::Entity::find_by_id(row.branch_id)
        .one(&txn)
        .await?
        .ok_or_else(invalid)?;
    let ip = Some(client_address(&req).to_string());
    audit::service::write(
        &txn,
        Some(row.id),
        Some(row.email.clone()),
        Some(branch.id),
        "user.accept_invite",
        "user",
        &row.id.to_string(),
        json!({}),
        ip,
        None,
    )
    .await?;
    let tokens = pair(&state, &txn, &row, &branch.code, Uuid::now_v7()).await?;
    txn.commit().await?;
    ended.apply(&state);
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(tokens))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub fn routes(r: &mut Routes) {
    r.add_with(__path_login, login, |resource| resource.app_data(JsonLimit(AUTH_JSON_LIMIT)))
        .add_with(__path_refresh_tokens, refresh_tokens, |resource| {
            resource.app_data(JsonLimit(AUTH_JSON_LIMIT))
        })
        .add_with(__path_logout, logout, |resource| resource.app_data(JsonLimit(AUTH_JSON_LIMIT)))
        .add_with(__path_accept_invite, accept_invite, |resource| {
            resource.app_data(JsonLimit(AUTH_JSON_LIMIT))
        });
}
