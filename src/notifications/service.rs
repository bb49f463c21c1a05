//! What administrators do with the outbox: read the emails of the branches
//! they may see, and put a failed one back in the queue.

use super::NotificationError;
use super::entity::{self as outbox, Entity as Outbox};
use crate::audit::AuditEntry;
use crate::command::Command;
use crate::error::{FieldCode, FieldError};
use crate::http::CursorPage;
use crate::http::page::Page;
use crate::state::AppState;
use crate::tenancy::{self, Actor, Caller};
use sea_orm::{ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, Set};
use uuid::Uuid;

/// The email if the caller's scope includes its branch.
pub(crate) async fn find_scoped(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<outbox::Model, NotificationError> {
    tenancy::find_visible::<Outbox>(db, caller, id)
        .await?
        .ok_or(NotificationError::NotFound)
}

/// One page of the emails the caller may see, newest first, optionally only
/// those in `status` (up to `limit + 1` rows: see `List::from_rows`).
pub(crate) async fn list(
    db: &impl ConnectionTrait,
    caller: &Caller,
    status: Option<&str>,
    page: Page,
) -> Result<Vec<outbox::Model>, NotificationError> {
    let mut query = tenancy::visible::<Outbox>(caller);
    if let Some(status) = status {
        let status = outbox::Status::try_from_value(&status.to_string())
            .map_err(|_| NotificationError::Invalid(vec![FieldError::new("status", FieldCode::InvalidChoice)]))?;
        query = query.filter(outbox::Column::Status.eq(status));
    }
    Ok(query.cursor_page_newest_first(outbox::Column::Id, page).all(db).await?)
}

/// Puts a failed email back in the queue, to be tried again at once.
pub(crate) async fn retry(state: &AppState, actor: &Actor, id: Uuid) -> Result<outbox::Model, NotificationError> {
    let mut cmd = Command::begin(state, actor).await?;
    let row = find_scoped(cmd.txn(), actor, id).await?;
    if row.status != outbox::Status::Failed {
        return Err(NotificationError::NotFailed);
    }
    let branch_id = row.branch_id;
    let mut active: outbox::ActiveModel = row.into();
    active.status = Set(outbox::Status::Pending);
    active.attempts = Set(0);
    active.next_attempt_at = Set(cmd.now());
    active.updated_at = Set(cmd.now());
    let updated = active.update(cmd.txn()).await?;
    let mut entry = AuditEntry::new("notification.retry", "notification", updated.id);
    entry.branch_id = branch_id;
    cmd.audit(entry);
    cmd.commit().await?;
    Ok(updated)
}
