//! `GET /api/v1/notifications`, `POST /api/v1/notifications/{id}/retry`.

use super::entity as outbox;
use super::service;
use crate::error::ApiResult;
use crate::http::PageParams;
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::state::AppState;
use crate::tenancy::{Authorized, Staff};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use sea_orm::ActiveEnum;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Notification {
    pub id: Uuid,
    pub recipient: String,
    pub locale: String,
    pub template: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<outbox::Model> for Notification {
    fn from(m: outbox::Model) -> Self {
        Notification {
            id: m.id,
            recipient: m.recipient,
            locale: m.locale,
            template: m.template,
            status: m.status.to_value(),
            attempts: m.attempts,
            last_error: m.last_error,
            next_attempt_at: m.next_attempt_at,
            sent_at: m.sent_at,
            created_at: m.created_at,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct NotificationFilter {
    /// Only emails in this state (`pending`, `sent`, `failed`).
    #[param(pattern = "^(pending|sent|failed)$")]
    pub status: Option<String>,
}

/// Emails in the outbox: all for headquarters, the branch's own recipients for a branch admin.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    params(PageParams, NotificationFilter), security(("bearer" = [])),
    responses((status = 200, body = inline(List<Notification>)), (status = 401), (status = 403)))]
pub(crate) async fn list(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    page: crate::http::Query<PageParams>,
    filter: crate::http::Query<NotificationFilter>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let rows = service::list(&state.db, &caller, filter.status.as_deref(), page).await?;
    Ok(HttpResponse::Ok().json(List::from_rows(rows, page, |r| r.id, Notification::from)))
}

/// Puts a failed email back in the queue.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/retry", tag = "notifications",
    params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Notification), (status = 404), (status = 409, description = "not failed")))]
pub(crate) async fn retry(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Staff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let updated = service::retry(&state, &actor, *id).await?;
    Ok(HttpResponse::Ok().json(Notification::from(updated)))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_list, list).add(__path_retry, retry);
}
