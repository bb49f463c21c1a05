//! The request and response types of the certificate routes, and the views
//! that turn certificate rows into them.

use super::entity as certificate;
use crate::branches::entity::Entity as Branches;
use crate::error::FieldCode;
use crate::error::{ApiError, ApiResult};
use crate::i18n::Locale;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveEnum, ColumnTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Certificate {
    pub id: Uuid,
    /// Short, human-typable, e.g. `BKK-7F3K-9QPX`.
    pub code: String,
    /// `valid`, `revoked`, or `expired` (valid until `expires_at`, now past).
    pub status: String,
    /// When it stops being valid; null: never.
    pub expires_at: Option<DateTime<Utc>>,
    /// The trainee's current certificate for the course; earlier ones
    /// (before a recertification) are history.
    pub current: bool,
    pub user_id: Uuid,
    pub holder_name: String,
    pub branch: String,
    pub course_id: Uuid,
    pub course_code: String,
    pub course_title: String,
    pub issued_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    pub verify_url: String,
}

/// Where anyone checks a certificate: `{public_url}/verify/{code}` (the
/// link in the email and the QR code).
pub(crate) fn verify_url(public_url: &str, code: &str) -> String {
    format!("{public_url}/verify/{code}")
}

/// A certificate as a trainee's course names it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CertificateRef {
    pub id: Uuid,
    /// Short, human-typable, e.g. `BKK-7F3K-9QPX`.
    pub code: String,
    /// `valid` or `revoked`.
    pub status: String,
    pub verify_url: String,
}

pub(crate) fn certificate_ref(public_url: &str, row: &certificate::Model) -> CertificateRef {
    CertificateRef {
        id: row.id,
        code: row.code.clone(),
        status: row.status.to_value(),
        verify_url: verify_url(public_url, &row.code),
    }
}

/// Views of certificates with their course and branch codes and titles, in
/// a fixed number of queries.
pub(crate) async fn views(
    state: &AppState,
    rows: Vec<certificate::Model>,
    locale: Locale,
    default: Locale,
) -> Result<Vec<Certificate>, DbErr> {
    let course_ids: Vec<Uuid> = rows.iter().map(|r| r.course_id).collect();
    let branch_ids: Vec<Uuid> = rows.iter().map(|r| r.branch_id).collect();
    let texts = crate::courses::service::course_texts(&state.db, &course_ids).await?;
    let codes = crate::courses::service::course_codes(&state.db, &course_ids).await?;
    let branches: HashMap<Uuid, String> = Branches::find()
        .filter(crate::branches::entity::Column::Id.is_in(branch_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.code))
        .collect();
    let chain = crate::courses::texts::chain(locale, default);
    let now = state.clock.now();
    Ok(rows
        .into_iter()
        .map(|r| {
            let t = texts.get(&r.course_id);
            let status = r.status_at(now).to_string();
            Certificate {
                id: r.id,
                verify_url: verify_url(&state.config.public_url, &r.code),
                code: r.code,
                status,
                expires_at: r.expires_at,
                current: r.is_current,
                user_id: r.user_id,
                holder_name: r.holder_name,
                branch: branches.get(&r.branch_id).cloned().unwrap_or_default(),
                course_id: r.course_id,
                course_code: codes.get(&r.course_id).cloned().unwrap_or_default(),
                course_title: crate::courses::texts::pick(&chain, |l| t.and_then(|m| m.get(&l)).map(|x| x.title.as_str())).text,
                issued_at: r.issued_at,
                revoked_at: r.revoked_at,
                revoked_reason: r.revoked_reason,
            }
        })
        .collect())
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct CertificateFilter {
    /// Branch code (headquarters).
    pub branch: Option<String>,
    pub course_id: Option<Uuid>,
    /// `valid` or `revoked`.
    #[param(pattern = "^(valid|revoked)$")]
    pub status: Option<String>,
}

impl CertificateFilter {
    /// The status asked for, if any (422 for an unknown one).
    pub(crate) fn status(&self) -> ApiResult<Option<certificate::Status>> {
        self.status
            .as_ref()
            .map(|s| certificate::Status::try_from_value(s).map_err(|_| ApiError::field("status", FieldCode::InvalidChoice)))
            .transpose()
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Revoke {
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Verification {
    pub code: String,
    /// `valid`, `revoked` or `expired`.
    pub status: String,
    /// When it stops (or stopped) being valid; null: never.
    pub expires_at: Option<DateTime<Utc>>,
    pub holder_name: String,
    pub course_title: String,
    pub course_code: String,
    /// The issuing branch's code.
    pub branch: String,
    pub branch_name: String,
    pub issued_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    pub locale: String,
}
