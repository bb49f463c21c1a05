//! `Idempotency-Key` on `POST`: a retry with the same key by the same caller
//! within 24 hours gets the first answer again instead of acting twice
//! (API.md, Conventions). Trainees on flaky mobile links depend on it.
//!
//! Only authenticated callers on matched routes are served this way, with
//! the route's own body limit. Anonymous requests and unknown paths pass
//! through untouched (nothing buffered, nothing stored), and `/api/v1/auth/*`
//! is never remembered: its answers carry access and refresh tokens, and a
//! replayed refresh would let a spent refresh token escape reuse detection.
//!
//! The key is claimed by inserting a row before the handler runs (unique on
//! caller + key), so two concurrent retries cannot both act: the second sees
//! the claim and is told to retry (409 `idempotency_in_progress`). A key
//! reused for a different request body or path is refused (422). Answers of
//! 5xx are not remembered, so a retry after a server fault acts again.

use super::idempotency_entity::{self as idem, Entity as IdempotencyKeys};
use crate::error::{ApiError, FieldError, is_unique_violation};
use crate::error::{FieldCode, ProblemCode};
use crate::state::AppState;
use crate::tenancy::Caller;
use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError, web};
use base64::Engine;
use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub(crate) const HEADER: &str = "idempotency-key";
const REPLAYED: &str = "idempotent-replayed";
const KEEP_HOURS: i64 = 24;
/// Login, refresh, logout and invitation answers carry tokens: never stored.
const AUTH_ROUTES: &str = "/api/v1/auth/";
/// Response headers worth replaying.
const KEPT_HEADERS: [header::HeaderName; 3] = [header::CONTENT_TYPE, header::CONTENT_LANGUAGE, header::LOCATION];

/// Authenticates a request (provided by `auth`).
pub(crate) type Authenticate =
    for<'a> fn(&'a AppState, &'a actix_web::HttpRequest) -> futures_util::future::LocalBoxFuture<'a, Result<Caller, ApiError>>;

/// What the layer needs from the areas, registered as app data by `crate::app`.
pub(crate) struct Settings {
    pub authenticate: Authenticate,
    /// Route patterns that take files (the CSV limit) rather than JSON.
    pub upload_routes: &'static [&'static str],
    /// Route patterns whose bodies are streamed to storage (media uploads,
    /// up to gigabytes): never read ahead. A key on them is matched by
    /// method, path, query and declared length instead of the body's hash.
    pub streamed_routes: &'static [&'static str],
}

pub(crate) async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let key = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .map(str::to_string);
    let (Some(key), true) = (key, req.method() == Method::POST) else {
        return next.call(req).await.map(|r| r.map_into_boxed_body());
    };
    let Some(pattern) = remembered_route(&req) else {
        return next.call(req).await.map(|r| r.map_into_boxed_body());
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next.call(req).await.map(|r| r.map_into_boxed_body());
    };
    let Some(settings) = req.app_data::<web::Data<Settings>>().cloned() else {
        return next.call(req).await.map(|r| r.map_into_boxed_body());
    };
    // Anonymous requests are served as if they had no key: nothing is read
    // ahead of the handler and nothing is stored for them.
    let Ok(caller) = (settings.authenticate)(&state, req.request()).await else {
        return next.call(req).await.map(|r| r.map_into_boxed_body());
    };
    let caller = caller.user_id.to_string();
    if let Some(refusal) = check_key(&key) {
        return Ok(problem(req, ApiError::validation(vec![refusal])));
    }
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(req.path().as_bytes());
    hasher.update(b"\n");
    if settings.streamed_routes.contains(&pattern.as_str()) {
        hasher.update(req.query_string().as_bytes());
        hasher.update(b"\n");
        let length = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).unwrap_or("");
        hasher.update(length.as_bytes());
    } else {
        let limit = body_limit(&pattern, &settings, &state.config);
        let mut payload = req.take_payload();
        let body = match super::json::read_body(req.request(), &mut payload, limit).await {
            Ok(body) => body,
            Err(err) => return Ok(problem(req, err)),
        };
        hasher.update(&body);
        let (_, mut fresh) = actix_http::h1::Payload::create(true);
        fresh.unread_data(body);
        req.set_payload(Payload::from(fresh));
    }
    let request_hash = base64::engine::general_purpose::STANDARD_NO_PAD.encode(hasher.finalize());

    let now = state.clock.now();
    let claim = idem::ActiveModel {
        id: Set(Uuid::now_v7()),
        caller: Set(caller.clone()),
        idem_key: Set(key.clone()),
        method: Set(req.method().to_string()),
        path: Set(req.path().to_string()),
        request_hash: Set(request_hash.clone()),
        status_code: Set(None),
        response_headers: Set(None),
        response_body: Set(None),
        created_at: Set(now),
    };
    let claimed = match claim.clone().insert(&state.db).await {
        Ok(row) => row,
        Err(err) if is_unique_violation(&err) => match earlier_claim(&state, &caller, &key, claim, &request_hash).await {
            Ok(Earlier::Expired(row)) => row,
            Ok(Earlier::Answered(existing)) => {
                return Ok(req.into_response(replay(
                    existing.status_code.unwrap_or(200),
                    existing.response_headers.as_deref(),
                    existing.response_body.unwrap_or_default(),
                )));
            }
            Err(err) => return Ok(problem(req, err)),
        },
        Err(err) => return Ok(problem(req, ApiError::from(err))),
    };

    // Rendered before it is remembered, so a replay speaks the same language.
    let response = super::problem::render(next.call(req).await?.map_into_boxed_body()).await;
    let status = response.status();
    // 5xx: a retry should act again. 405: the path exists, but not for POST,
    // so there was no route to remember an answer of.
    if status.is_server_error() || status == StatusCode::METHOD_NOT_ALLOWED {
        let _ = IdempotencyKeys::delete_by_id(claimed.id).exec(&state.db).await;
        return Ok(response.map_into_boxed_body());
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let bytes = to_bytes(body).await.unwrap_or_default();
    let headers: Vec<(String, String)> = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            head.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| (name.to_string(), v.to_string()))
        })
        .collect();
    let stored = IdempotencyKeys::update_many()
        .col_expr(idem::Column::StatusCode, Expr::value(status.as_u16() as i32))
        .col_expr(
            idem::Column::ResponseHeaders,
            Expr::value(serde_json::to_string(&headers).unwrap_or_default()),
        )
        .col_expr(idem::Column::ResponseBody, Expr::value(bytes.to_vec()))
        .filter(idem::Column::Id.eq(claimed.id))
        .exec(&state.db)
        .await;
    if let Err(err) = stored {
        tracing::warn!(error = %err, "could not remember an idempotent answer");
    }
    let response = head.set_body(bytes).map_into_boxed_body();
    Ok(ServiceResponse::new(request, response))
}

/// The longest key accepted, in bytes.
const MAX_KEY: usize = 255;

/// Why a key is refused: blank (only spaces) or longer than [`MAX_KEY`].
fn check_key(key: &str) -> Option<FieldError> {
    if key.is_empty() {
        Some(FieldError::new(HEADER_NAME, FieldCode::Required))
    } else if key.len() > MAX_KEY {
        Some(FieldError::new(HEADER_NAME, FieldCode::TooLong).arg("max", MAX_KEY))
    } else {
        None
    }
}

/// The header as a field name in refusals.
const HEADER_NAME: &str = "Idempotency-Key";

/// A refusal from this layer; the problem renderer around it answers in
/// the caller's language.
fn problem(req: ServiceRequest, err: ApiError) -> ServiceResponse<BoxBody> {
    req.into_response(err.error_response())
}

/// The route pattern of a request whose answers may be remembered: a
/// matched route outside `/api/v1/auth/`, whose answers carry tokens.
fn remembered_route(req: &ServiceRequest) -> Option<String> {
    req.match_pattern().filter(|pattern| !pattern.starts_with(AUTH_ROUTES))
}

/// The body limit of the route itself: the CSV import takes files, every
/// other `POST` takes JSON.
fn body_limit(pattern: &str, settings: &Settings, config: &crate::config::Config) -> usize {
    if settings.upload_routes.contains(&pattern) {
        config.csv_limit
    } else {
        config.json_limit
    }
}

enum Earlier {
    /// The earlier claim had expired and was replaced by this new claim.
    Expired(idem::Model),
    /// The same request was answered already: replay that answer.
    Answered(idem::Model),
}

/// What to do when the caller already used this key: replay the answer,
/// replace an expired claim, or refuse (in progress, or another request).
async fn earlier_claim(
    state: &AppState,
    caller: &str,
    key: &str,
    claim: idem::ActiveModel,
    request_hash: &str,
) -> Result<Earlier, ApiError> {
    let existing = IdempotencyKeys::find()
        .filter(idem::Column::Caller.eq(caller))
        .filter(idem::Column::IdemKey.eq(key))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::conflict(ProblemCode::IdempotencyInProgress))?;
    if existing.created_at + Duration::hours(KEEP_HOURS) < state.clock.now() {
        // Expired: forget it and act as new.
        IdempotencyKeys::delete_by_id(existing.id).exec(&state.db).await?;
        return claim
            .insert(&state.db)
            .await
            .map(Earlier::Expired)
            .map_err(|_| ApiError::conflict(ProblemCode::IdempotencyInProgress));
    }
    if existing.request_hash != request_hash {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ProblemCode::IdempotencyKeyReused));
    }
    if existing.status_code.is_none() {
        return Err(ApiError::conflict(ProblemCode::IdempotencyInProgress));
    }
    Ok(Earlier::Answered(existing))
}

fn replay(status: i32, headers: Option<&str>, body: Vec<u8>) -> HttpResponse {
    let mut response = HttpResponse::build(
        u16::try_from(status)
            .ok()
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::OK),
    );
    let headers: Vec<(String, String)> = headers.and_then(|h| serde_json::from_str(h).ok()).unwrap_or_default();
    for (name, value) in headers {
        response.insert_header((name, value));
    }
    response.insert_header((REPLAYED, "true"));
    response.body(body)
}

/// Deletes remembered answers older than a day; called by the worker loop.
pub(crate) async fn purge_expired(state: &AppState) -> Result<u64, sea_orm::DbErr> {
    let cutoff = state.clock.now() - Duration::hours(KEEP_HOURS);
    IdempotencyKeys::delete_many()
        .filter(idem::Column::CreatedAt.lt(cutoff))
        .exec(&state.db)
        .await
        .map(|r| r.rows_affected)
}
