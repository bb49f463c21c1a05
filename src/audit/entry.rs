//! One audit entry as a value: what was done to which record. Who did it and
//! from where comes from the command's [`Author`], so a service writes
//! `AuditEntry::new("course.create", "course", id).details(...)` and never
//! handles request details.

use super::entity as audit;
use crate::tenancy::{Actor, Origin};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde_json::Value;
use uuid::Uuid;

#[derive(Clone, Debug)]
pub struct AuditEntry {
    /// `area.verb`, e.g. `cohort.update`.
    pub action: &'static str,
    pub record_type: &'static str,
    pub record_id: String,
    /// The branch the record belongs to (`None` for headquarters records).
    pub branch_id: Option<Uuid>,
    pub details: Value,
}

impl AuditEntry {
    pub fn new(action: &'static str, record_type: &'static str, record_id: impl ToString) -> Self {
        AuditEntry {
            action,
            record_type,
            record_id: record_id.to_string(),
            branch_id: None,
            details: Value::Object(Default::default()),
        }
    }
    pub fn branch(mut self, branch_id: Uuid) -> Self {
        self.branch_id = Some(branch_id);
        self
    }
    pub fn details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }
}

/// Who an entry is written for: a signed-in user, or an anonymous flow
/// (accepting an invitation, the command line) known by an email or nothing.
#[derive(Clone, Debug, Default)]
pub struct Author {
    pub user_id: Option<Uuid>,
    pub email: Option<String>,
    pub origin: Origin,
}

impl From<&Actor> for Author {
    fn from(actor: &Actor) -> Self {
        Author {
            user_id: Some(actor.user_id),
            email: None,
            origin: actor.origin.clone(),
        }
    }
}

/// Writes `entry` for `author` (in the caller's transaction).
pub(crate) async fn write_entry(db: &impl ConnectionTrait, author: &Author, entry: AuditEntry, at: DateTime<Utc>) -> Result<(), DbErr> {
    audit::ActiveModel {
        id: Set(Uuid::now_v7()),
        actor_user_id: Set(author.user_id),
        actor_email: Set(author.email.clone()),
        branch_id: Set(entry.branch_id),
        action: Set(entry.action.to_string()),
        record_type: Set(entry.record_type.to_string()),
        record_id: Set(entry.record_id),
        details: Set(entry.details.to_string()),
        ip: Set(author.origin.address.clone()),
        request_id: Set(author.origin.request_id.clone()),
        created_at: Set(at),
    }
    .insert(db)
    .await
    .map(|_| ())
}
