//! `GET /api/v1/notifications`, `POST /api/v1/notifications/{id}/retry`.

use super::entity::{self as outbox, Entity as Outbox};
use crate::audit;
use crate::error::{ApiError, ApiResult};
use crate::error::{FieldCode, ProblemCode};
use crate::http::PageParams;
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::state::AppState;
use crate::tenancy::{Caller, Role};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveEnum, ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Notification {
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
pub struct NotificationFilter {
    /// Only emails in this state (`pending`, `sent`, `failed`).
    #[param(pattern = "^(pending|sent|failed)$")]
    pub status: Option<String>,
}

/// Emails in the outbox: all for headquarters, the branch's own recipients for a branch admin.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    params(PageParams, NotificationFilter), security(("bearer" = [])),
    responses((status = 200, body = inline(List<Notification>)), (status = 401), (status = 403)))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    page: web::Query<PageParams>,
    filter: web::Query<NotificationFilter>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin, Role::BranchAdmin])?;
    let page = page.page()?;
    let mut query = Outbox::find().filter(caller.scope().condition(outbox::Column::BranchId));
    if let Some(status) = &filter.status {
        let status = outbox::Status::try_from_value(status).map_err(|_| ApiError::field("status", FieldCode::InvalidChoice))?;
        query = query.filter(outbox::Column::Status.eq(status));
    }
    if let Some(after) = page.after {
        query = query.filter(outbox::Column::Id.lt(after));
    }
    let rows = query.order_by_desc(outbox::Column::Id).limit(page.limit + 1).all(&state.db).await?;
    Ok(HttpResponse::Ok().json(List::from_rows(rows, page, |r| r.id, Notification::from)))
}

/// Puts a failed email back in the queue.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/retry", tag = "notifications",
    params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Notification), (status = 404), (status = 409, description = "not failed")))]
pub async fn retry(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin, Role::BranchAdmin])?;
    let txn = crate::db::begin(&state.db).await?;
    let row = Outbox::find_by_id(*id)
        .filter(caller.scope().condition(outbox::Column::BranchId))
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if row.status != outbox::Status::Failed {
        return Err(ApiError::conflict(ProblemCode::NotFailed));
    }
    let now = state.clock.now();
    let branch_id = row.branch_id;
    let mut active: outbox::ActiveModel = row.into();
    active.status = Set(outbox::Status::Pending);
    active.attempts = Set(0);
    active.next_attempt_at = Set(now);
    active.updated_at = Set(now);
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        &req,
        &caller,
        branch_id,
        "notification.retry",
        "notification",
        &updated.id.to_string(),
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(Notification::from(updated)))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub fn routes(r: &mut Routes) {
    r.add(__path_list, list).add(__path_retry, retry);
}
