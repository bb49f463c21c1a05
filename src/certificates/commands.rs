//! The certificate commands a request runs (revocation, re-issue), each
//! owning its transaction and audit entry through `Command`.
//!
//! Revocation answers are defined for every state:
//! - a valid certificate: revoked at once (verify page, JSON and the public
//!   status list), the holder emailed with the reason in their language;
//! - an expired one: revoked all the same (a revocation says more than an
//!   expiry: the verify page then says "revoked"), and emailed;
//! - a revoked one: `200` with the certificate as it is; nothing changes,
//!   nothing is audited or emailed again, the first reason stands;
//! - a holder whose account is deactivated: revoked, and the email goes to
//!   the address on record all the same (accounts are deactivated, never
//!   deleted while they hold certificates).

use super::CertificateError;
use super::entity as certificate;
use super::service;
use crate::audit::AuditEntry;
use crate::command::Command;
use crate::i18n::Locale;
use crate::notifications::{Email, enqueue};
use crate::state::AppState;
use crate::tenancy::Actor;
use crate::users::entity::Entity as Users;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// Revokes a certificate with a reason and emails the holder.
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
    let was = row.status_at(now);
    let mut active: certificate::ActiveModel = row.into();
    active.status = Set(certificate::Status::Revoked);
    active.revoked_at = Set(Some(now));
    active.revoked_reason = Set(Some(reason.clone()));
    active.updated_at = Set(now);
    let row = active.update(cmd.txn()).await?;
    if let Some(holder) = Users::find_by_id(row.user_id).one(cmd.txn()).await? {
        let locale = Locale::from_canonical(&holder.locale).unwrap_or(Locale::En);
        let branch = crate::branches::entity::Entity::find_by_id(row.branch_id).one(cmd.txn()).await?;
        let default = branch
            .as_ref()
            .and_then(|b| Locale::from_canonical(&b.default_locale))
            .unwrap_or(Locale::En);
        let (course, _) = service::course_title(cmd.txn(), row.course_id, locale, default).await?;
        let mut args = Map::new();
        args.insert("name".into(), Value::String(holder.display_name.clone()));
        args.insert("course".into(), Value::String(course));
        args.insert("code".into(), Value::String(row.code.clone()));
        args.insert("reason".into(), Value::String(reason.clone()));
        args.insert(
            "branch".into(),
            Value::String(branch.as_ref().map(|b| service::branch_name(b, locale)).unwrap_or_default()),
        );
        enqueue(
            cmd.txn(),
            Email {
                branch_id: Some(row.branch_id),
                recipient: holder.email.clone(),
                recipient_name: Some(holder.display_name.clone()),
                locale,
                template: "certificate-revoked",
                args,
                dedup_key: Some(format!("certificate-revoked:{}", row.id)),
            },
            now,
        )
        .await?;
    }
    cmd.audit(
        AuditEntry::new("certificate.revoke", "certificate", row.id)
            .branch(row.branch_id)
            .details(json!({"code": row.code, "reason": reason, "was": was})),
    );
    cmd.commit().await?;
    Ok(row)
}

/// Signs the certificate's credential again after a name correction: the
/// holder's current display name becomes the certificate's, and the new
/// credential keeps its `id`, status entry, expiry and `awardedDate`, with
/// `validFrom` and `iat` now. A revoked certificate is not re-issued (409).
pub(crate) async fn reissue(state: &AppState, actor: &Actor, id: Uuid) -> Result<certificate::Model, CertificateError> {
    let mut cmd = Command::begin(state, actor).await?;
    let row = service::find_visible(cmd.txn(), actor, id).await?;
    if row.status == certificate::Status::Revoked {
        return Err(CertificateError::Revoked);
    }
    let now = cmd.now();
    let holder = Users::find_by_id(row.user_id).one(cmd.txn()).await?;
    let before = row.holder_name.clone();
    let mut active: certificate::ActiveModel = row.into();
    if let Some(holder) = &holder {
        active.holder_name = Set(holder.display_name.clone());
    }
    active.updated_at = Set(now);
    let row = active.update(cmd.txn()).await?;
    super::signing::sign_and_store(state, cmd.txn(), &row, now).await?;
    cmd.audit(
        AuditEntry::new("certificate.reissue", "certificate", row.id)
            .branch(row.branch_id)
            .details(json!({"code": row.code, "holder_name_before": before, "holder_name": row.holder_name})),
    );
    cmd.commit().await?;
    service::find_visible(&state.db, actor, id).await
}

/// Retires the branch's credential key and makes a new one (headquarters).
/// Retired keys stay published, so every credential keeps verifying;
/// access-token keys are untouched. Answers the branch's JWK Set.
pub(crate) async fn rotate_credential_key(state: &AppState, actor: &Actor, code: &str) -> Result<Value, CertificateError> {
    let mut cmd = Command::begin(state, actor).await?;
    let branch = crate::branches::service::find_by_code(cmd.txn(), code)
        .await?
        .ok_or(CertificateError::NotFound)?;
    let row = crate::signing::credentials::rotate(cmd.txn(), state.keys.master(), branch.id, &branch.code, cmd.now()).await?;
    cmd.audit(
        AuditEntry::new("credential_key.rotate", "branch", branch.id)
            .branch(branch.id)
            .details(json!({"kid": row.kid})),
    );
    cmd.commit().await?;
    super::issuer::jwks(state, &branch.code).await
}
