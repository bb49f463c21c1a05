//! `/api/v1/auth/*`: login, refresh, logout, accepting an invitation.

use super::caller::origin;
use super::service::{self, Tokens};
use crate::error::ApiResult;
use crate::http::Json;
use crate::http::client_address::client_address;
use crate::http::json::JsonLimit;
use crate::http::routes::Routes;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct Login {
    /// Branch code, e.g. `BKK`.
    pub branch: String,
    pub email: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct AcceptInvite {
    pub token: String,
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct PasswordResetRequest {
    /// Branch code, e.g. `BKK`.
    pub branch: String,
    pub email: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Accepted {
    /// Always `accepted`.
    pub status: &'static str,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct PasswordResetConfirm {
    /// The token of the emailed link (`/reset-password?token=...`).
    pub token: String,
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
}

impl From<Tokens> for TokenPair {
    fn from(t: Tokens) -> Self {
        TokenPair {
            access_token: t.access_token,
            refresh_token: t.refresh_token,
            token_type: "Bearer",
            expires_in: t.expires_in,
        }
    }
}

/// A token pair, never cached.
fn tokens_response(tokens: Tokens) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenPair::from(tokens))
}

/// The label the session started by this request is listed with (from the
/// User-Agent, untrusted: see `users::device`).
pub(crate) fn device_of(req: &HttpRequest) -> Option<String> {
    let user_agent = req.headers().get(actix_web::http::header::USER_AGENT);
    crate::users::device::label(user_agent.map(|v| String::from_utf8_lossy(v.as_bytes())).as_deref())
}

/// Bodies of `/api/v1/auth/*` are a few short fields: anything bigger is refused unread.
pub(crate) const AUTH_JSON_LIMIT: usize = 8 * 1024;

/// Signs in. Unknown email and wrong password get the same answer, after the same work.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = Login,
    responses((status = 200, body = TokenPair), (status = 401), (status = 422, description = "characters or lengths no account can have"), (status = 429)))]
pub(crate) async fn login(state: web::Data<AppState>, req: HttpRequest, body: Json<Login>) -> ApiResult<HttpResponse> {
    let from = service::SignIn {
        client: client_address(&req),
        device: device_of(&req),
    };
    let tokens = service::login(&state, from, &body.branch, &body.email, &body.password).await?;
    Ok(tokens_response(tokens))
}

/// Trades a refresh token for a new pair. A spent token revokes its family.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401), (status = 422, description = "not shaped like a token")))]
pub(crate) async fn refresh_tokens(state: web::Data<AppState>, body: Json<RefreshRequest>) -> ApiResult<HttpResponse> {
    let tokens = service::refresh(&state, &body.refresh_token).await?;
    Ok(tokens_response(tokens))
}

/// Ends the session the refresh token belongs to, and every access token
/// the user holds (on every node); other devices refresh and carry on.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204), (status = 422, description = "not shaped like a token")))]
pub(crate) async fn logout(state: web::Data<AppState>, body: Json<RefreshRequest>) -> ApiResult<HttpResponse> {
    service::logout(&state, &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sets the password of an invited user with the one-time token from the
/// invitation email, and signs them in.
#[utoipa::path(post, path = "/api/v1/auth/accept-invite", tag = "auth", request_body = AcceptInvite,
    responses((status = 200, body = TokenPair), (status = 400, description = "invalid, used or expired token"), (status = 422)))]
pub(crate) async fn accept_invite(state: web::Data<AppState>, req: HttpRequest, body: Json<AcceptInvite>) -> ApiResult<HttpResponse> {
    let tokens = service::accept_invite(&state, origin(&req), device_of(&req), &body.token, &body.password).await?;
    Ok(tokens_response(tokens))
}

/// A branch as a sign-in picker shows it: nothing else about it is public.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PickerBranch {
    /// The code to sign in with, e.g. `BKK`.
    pub code: String,
    /// The name in the response language (`Content-Language`), falling back
    /// to the branch's default locale, English, then any name it has.
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    #[schema(value_type = crate::i18n::Locale)]
    pub default_locale: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PickerBranches {
    pub items: Vec<PickerBranch>,
}

/// How long shared caches may keep the branch list.
const PICKER_MAX_AGE: u32 = 300;

/// The branches trainees sign in to, for a sign-in picker: no token needed,
/// cacheable (`Cache-Control: public, max-age=300`, `ETag`, `Vary:
/// Accept-Language`), names in the language of `?lang=` or
/// `Accept-Language`. Headquarters is not listed (no trainee signs in
/// there). Rate-limited per client like the other public endpoints.
#[utoipa::path(get, path = "/api/v1/auth/branches", tag = "auth",
    params(("lang" = Option<crate::i18n::Locale>, Query, description = "the language of the names (else `Accept-Language`)"),
        ("If-None-Match" = Option<String>, Header, description = "an `ETag` served before")),
    responses((status = 200, body = PickerBranches, headers(("ETag" = String), ("Cache-Control" = String), ("Content-Language" = String))),
        (status = 304, description = "unchanged since the `ETag` given"), (status = 429)))]
pub(crate) async fn branches(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let client = client_address(&req);
    crate::http::rate_limit::check(&state, "branches", client, state.config.verify_requests_per_minute).await?;
    let locale = crate::http::negotiate(&req);
    let rows = crate::branches::service::picker(&state.db, locale).await?;
    let body = PickerBranches {
        items: rows
            .into_iter()
            .map(|b| PickerBranch {
                code: b.code,
                name: b.name,
                country: b.country,
                default_locale: b.default_locale,
            })
            .collect(),
    };
    let bytes = serde_json::to_vec(&body).map_err(|e| crate::error::ApiError::internal_from(&e))?;
    Ok(crate::http::etag::public_json_with_etag(&req, locale, bytes.into(), PICKER_MAX_AGE))
}

/// Emails a one-time link (valid one hour) to choose a new password, if the
/// branch has an active user with this email. The answer is the same, after
/// the same time, whether or not the account exists.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = PasswordResetRequest,
    responses((status = 202, body = Accepted, description = "the same answer whether or not the account exists"),
        (status = 422, description = "characters or lengths no account can have"), (status = 429)))]
pub(crate) async fn password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<PasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    super::recovery::request_password_reset(&state, origin(&req), &body.branch, &body.email).await?;
    Ok(HttpResponse::Accepted()
        .insert_header(("Cache-Control", "no-store"))
        .json(Accepted { status: "accepted" }))
}

/// Sets a new password with the token of a reset link. The link works once;
/// every session of the user ends (refresh and access tokens, on every node).
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "auth", request_body = PasswordResetConfirm,
    responses((status = 204), (status = 400, description = "unknown, used or expired link, or a user who may not sign in"),
        (status = 422), (status = 429)))]
pub(crate) async fn password_reset_confirm(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<PasswordResetConfirm>,
) -> ApiResult<HttpResponse> {
    super::recovery::confirm_password_reset(&state, origin(&req), &body.token, &body.password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_branches, branches);
    r.add_with(__path_login, login, |resource| resource.app_data(JsonLimit(AUTH_JSON_LIMIT)))
        .add_with(__path_refresh_tokens, refresh_tokens, |resource| {
            resource.app_data(JsonLimit(AUTH_JSON_LIMIT))
        })
        .add_with(__path_logout, logout, |resource| resource.app_data(JsonLimit(AUTH_JSON_LIMIT)))
        .add_with(__path_accept_invite, accept_invite, |resource| {
            resource.app_data(JsonLimit(AUTH_JSON_LIMIT))
        })
        .add_with(__path_password_reset, password_reset, |resource| {
            resource.app_data(JsonLimit(AUTH_JSON_LIMIT))
        })
        .add_with(__path_password_reset_confirm, password_reset_confirm, |resource| {
            resource.app_data(JsonLimit(AUTH_JSON_LIMIT))
        });
}
