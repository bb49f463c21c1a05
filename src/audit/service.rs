//! Writing audit rows, in the same transaction as the change they describe.

use super::entity as audit;
use crate::http::request_id::RequestId;
use crate::tenancy::Caller;
use actix_web::{HttpMessage, HttpRequest};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use uuid::Uuid;

/// Records that `caller` did `action` to `record_type`/`record_id`.
#[allow(clippy::too_many_arguments)]
pub async fn record(
    db: &impl ConnectionTrait,
    req: &HttpRequest,
    caller: &Caller,
    branch_id: Option<Uuid>,
    action: &str,
    record_type: &str,
    record_id: &str,
    details: serde_json::Value,
) -> Result<(), DbErr> {
    // The derived client address, never a raw header a client could write.
    let ip = Some(crate::http::client_address::client_address(req).to_string());
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    write(
        db,
        Some(caller.user_id),
        None,
        branch_id,
        action,
        record_type,
        record_id,
        details,
        ip,
        request_id,
    )
    .await
}

/// The same for actions without an authenticated caller (command line, invitations).
#[allow(clippy::too_many_arguments)]
pub async fn write(
    db: &impl ConnectionTrait,
    actor_user_id: Option<Uuid>,
    actor_email: Option<String>,
    branch_id: Option<Uuid>,
    action: &str,
    record_type: &str,
    record_id: &str,
    details: serde_json::Value,
    ip: Option<String>,
    request_id: Option<String>,
) -> Result<(), DbErr> {
    audit::ActiveModel {
        id: Set(Uuid::now_v7()),
        actor_user_id: Set(actor_user_id),
        actor_email: Set(actor_email),
        branch_id: Set(branch_id),
        action: Set(action.to_string()),
        record_type: Set(record_type.to_string()),
        record_id: Set(record_id.to_string()),
        details: Set(details.to_string()),
        ip: Set(ip),
        request_id: Set(request_id),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(db)
    .await
    .map(|_| ())
}
