//! Putting an email in the outbox, inside the caller's transaction: the
//! business row and its email commit or roll back together.

use super::entity::{self as outbox, Entity as Outbox};
use crate::i18n::Locale;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};
use serde_json::{Map, Value};
use uuid::Uuid;

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

/// An email to send later.
#[derive(Clone, Debug)]
pub struct Email {
    pub branch_id: Option<Uuid>,
    pub recipient: String,
    pub recipient_name: Option<String>,
    pub locale: Locale,
    /// A template in `locales/*/email.ftl`: `invitation`, `certificate`, ...
    pub template: &'static str,
    pub args: Map<String, Value>,
    /// Enqueueing twice with the same key is a no-op.
    pub dedup_key: Option<String>,
}

/// Writes the email row with `db` (a transaction, usually). Returns the id, or
/// `None` if an email with the same dedup key is already queued.
pub async fn enqueue(db: &impl ConnectionTrait, email: Email, now: DateTime<Utc>) -> Result<Option<Uuid>, DbErr> {
    let row = model(email, now);
    let id = row.id.clone().unwrap();
    let inserted = Outbox::insert(row)
        .on_conflict_do_nothing_on([outbox::Column::DedupKey])
        .exec(db)
        .await?;
    Ok(match inserted {
        sea_orm::TryInsertResult::Inserted(_) => Some(id),
        _ => None,
    })
}

/// The row `enqueue` writes, for callers that insert many at once.
pub fn model(email: Email, now: DateTime<Utc>) -> outbox::ActiveModel {
    outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        branch_id: Set(email.branch_id),
        recipient: Set(email.recipient),
        recipient_name: Set(email.recipient_name),
        locale: Set(email.locale.as_str().to_string()),
        template: Set(email.template.to_string()),
        args: Set(Value::Object(email.args).to_string()),
        dedup_key: Set(email.dedup_key),
        status: Set(PENDING.to_string()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_owner: Set(None),
        lease_until: Set(None),
        last_error: Set(None),
        sent_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}
