//! The certificate commands a request runs (revocation), each owning its
//! transaction and audit entry through `Command`.

use super::CertificateError;
use super::entity as certificate;
use super::service;
use crate::audit::AuditEntry;
use crate::command::Command;
use crate::state::AppState;
use crate::tenancy::Actor;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;
use uuid::Uuid;

/// Revokes a certificate with a reason; the verify page says so at once.
/// Revoking a revoked certificate changes nothing (and audits nothing).
pub(crate) async fn revoke(state: &AppState, actor: &Actor, id: Uuid, reason: &str) -> Result<certificate::Model, CertificateError> {
    let reason = crate::text::REASON
        .check("reason", reason)
        .map_err(|e| CertificateError::Invalid(vec![e]))?;
    let mut cmd = Command::begin(state, actor).await?;
    let row = service::find_visible(cmd.txn(), actor, id).await?;
    if row.status == certificate::Status::Revoked {
        cmd.commit().await?;
        return Ok(row);
    }
    let now = cmd.now();
    let mut active: certificate::ActiveModel = row.into();
    active.status = Set(certificate::Status::Revoked);
    active.revoked_at = Set(Some(now));
    active.revoked_reason = Set(Some(reason.clone()));
    active.updated_at = Set(now);
    let row = active.update(cmd.txn()).await?;
    cmd.audit(
        AuditEntry::new("certificate.revoke", "certificate", row.id)
            .branch(row.branch_id)
            .details(json!({"code": row.code, "reason": reason})),
    );
    cmd.commit().await?;
    Ok(row)
}
