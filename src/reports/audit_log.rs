//! `GET /api/v1/audit`: who did what to which record, when (headquarters).
//! Audit rows have no update or delete endpoint: they cannot be changed
//! through the API. Served from reports, not from `audit`, because it reads
//! the branches the rows name: areas write audit rows, so `audit` imports none.

use crate::audit::entity::{self as audit, Entity as Audit};
use crate::error::{ApiError, ApiResult};
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{CursorPage, PageParams};
use crate::state::AppState;
use crate::tenancy::{Authorized, HqOnly};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AuditEntry {
    pub id: Uuid,
    pub actor_user_id: Option<Uuid>,
    pub actor_email: Option<String>,
    /// The branch whose record changed (code), if any.
    pub branch: Option<String>,
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    pub details: serde_json::Value,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct AuditFilter {
    /// User id of who acted.
    pub actor: Option<Uuid>,
    /// Branch code.
    pub branch: Option<String>,
    /// e.g. `user`, `course`, `certificate`.
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    /// e.g. `certificate.revoke`.
    pub action: Option<String>,
    /// RFC 3339; entries at or after.
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// RFC 3339; entries before.
    #[param(format = DateTime)]
    pub to: Option<String>,
}

/// The audit log, newest first (headquarters).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(PageParams, AuditFilter), security(("bearer" = [])),
    responses((status = 200, body = inline(crate::http::page::List<AuditEntry>)), (status = 403)))]
pub(crate) async fn list(
    state: web::Data<AppState>,
    _: Authorized<HqOnly>,
    page: crate::http::Query<PageParams>,
    filter: crate::http::Query<AuditFilter>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let Some(query) = filtered(&state, &filter).await? else {
        // An unknown branch has no entries.
        return Ok(HttpResponse::Ok().json(List::<AuditEntry> {
            items: Vec::new(),
            next_cursor: None,
        }));
    };
    let rows = query.cursor_page_newest_first(audit::Column::Id, page).all(&state.db).await?;
    let (rows, next_cursor) = crate::http::page::split_page(rows, page, |r| r.id);
    let items = entries(&state, rows).await?;
    Ok(HttpResponse::Ok().json(List { items, next_cursor }))
}

/// The query for `filter`, checked; `None` when it names an unknown branch
/// (an empty page, once the other filters are checked).
async fn filtered(state: &AppState, filter: &AuditFilter) -> ApiResult<Option<sea_orm::Select<Audit>>> {
    // Free-text filters are compared, never stored, but NUL would still fail the query.
    let texts = [
        ("record_type", &filter.record_type),
        ("record_id", &filter.record_id),
        ("action", &filter.action),
    ];
    let errors: Vec<_> = texts
        .iter()
        .filter_map(|(field, value)| value.as_deref().and_then(|v| crate::text::check_lookup(field, v, 200).err()))
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let from = crate::http::parse_time("from", &filter.from)?;
    let to = crate::http::parse_time("to", &filter.to)?;
    let mut query = Audit::find();
    if let Some(actor) = filter.actor {
        query = query.filter(audit::Column::ActorUserId.eq(actor));
    }
    for (column, value) in [
        (audit::Column::RecordType, &filter.record_type),
        (audit::Column::RecordId, &filter.record_id),
        (audit::Column::Action, &filter.action),
    ] {
        if let Some(v) = value {
            query = query.filter(column.eq(v.clone()));
        }
    }
    if let Some(from) = from {
        query = query.filter(audit::Column::CreatedAt.gte(from));
    }
    if let Some(to) = to {
        query = query.filter(audit::Column::CreatedAt.lt(to));
    }
    if let Some(code) = &filter.branch {
        match crate::branches::service::find_by_code(&state.db, code).await? {
            Some(branch) => query = query.filter(audit::Column::BranchId.eq(branch.id)),
            None => return Ok(None),
        }
    }
    Ok(Some(query))
}

/// Rows as served, with the branch codes they name (one query).
async fn entries(state: &AppState, rows: Vec<audit::Model>) -> ApiResult<Vec<AuditEntry>> {
    let branch_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.branch_id).collect();
    let codes: std::collections::HashMap<Uuid, String> = crate::branches::entity::Entity::find()
        .filter(crate::branches::entity::Column::Id.is_in(branch_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.code))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            actor_user_id: r.actor_user_id,
            actor_email: r.actor_email,
            branch: r.branch_id.and_then(|b| codes.get(&b).cloned()),
            action: r.action,
            record_type: r.record_type,
            record_id: r.record_id,
            details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
            ip: r.ip,
            request_id: r.request_id,
            created_at: r.created_at,
        })
        .collect())
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_list, list);
}
