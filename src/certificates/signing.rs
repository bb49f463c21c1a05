//! Signing a certificate's credential once and storing it.
//!
//! A credential is signed in the transaction that issues the certificate,
//! in the holder's language at that moment, with `iat` and `validFrom` the
//! signing time, and then served as stored: the same `id` always carries
//! the same names. It is signed again only on purpose (`reissue`, after a
//! name correction): same `id`, a new `validFrom`/`iat`, the original
//! `awardedDate`, the same status entry and expiry.

use super::CertificateError;
use super::credential::{CredentialInput, JwtClaims, StatusEntry, open_badge, sign_vc_jwt};
use super::entity::{self as certificate, Entity as Certificates};
use super::service::{branch_name, course, course_title};
use super::status_list;
use super::urls::Urls;
use crate::branches::entity::Entity as Branches;
use crate::i18n::Locale;
use crate::signing::credentials;
use crate::state::AppState;
use crate::users::entity::Entity as Users;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// A random salt for the email hash (96 bits, URL-safe).
fn new_salt() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Signs `row`'s credential as of `signed_at` and stores it on the row.
pub(crate) async fn sign_and_store(
    state: &AppState,
    db: &impl ConnectionTrait,
    row: &certificate::Model,
    signed_at: DateTime<Utc>,
) -> Result<String, CertificateError> {
    let branch = Branches::find_by_id(row.branch_id)
        .one(db)
        .await?
        .ok_or(CertificateError::NotFound)?;
    let holder = Users::find_by_id(row.user_id).one(db).await?;
    let locale = holder
        .as_ref()
        .and_then(|u| Locale::from_canonical(&u.locale))
        .unwrap_or(Locale::En);
    let default = Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En);
    let (title, summary) = course_title(db, row.course_id, locale, default).await?;
    let course = course(db, row.course_id).await?.ok_or(CertificateError::NotFound)?;
    // Certificates issued before status lists existed get their entry now.
    let (list, index) = match (row.status_list_id, row.status_index) {
        (Some(list_id), Some(index)) => (status_list::by_id(db, list_id).await?.ok_or(CertificateError::NotFound)?, index),
        _ => {
            let (list, index) = status_list::allocate(db, branch.id, signed_at).await?;
            Certificates::update_many()
                .col_expr(certificate::Column::StatusListId, Expr::value(list.id))
                .col_expr(certificate::Column::StatusIndex, Expr::value(index))
                .filter(certificate::Column::Id.eq(row.id))
                .exec(db)
                .await?;
            (list, index)
        }
    };
    let urls = Urls::new(&state.config.public_url, &branch.code);
    // A required practical sign-off the holder passed is stated as a result.
    let practical = match crate::practical::assessments::required(db, row.course_id).await? {
        Some(list)
            if crate::practical::assessments::latest(db, row.course_id, row.user_id)
                .await?
                .is_some_and(|a| a.passed) =>
        {
            Some(crate::practical::checklists::localized(&crate::practical::checklists::stored(&list.titles), locale, default).0)
        }
        _ => None,
    };
    let input = CredentialInput {
        certificate_id: row.id,
        holder_id: row.user_id,
        holder_name: row.holder_name.clone(),
        holder_email: holder.as_ref().map(|u| u.email.clone()).unwrap_or_default(),
        salt: new_salt(),
        course_id: row.course_id,
        course_code: course.code,
        course_title: title,
        course_summary: summary,
        branch_name: branch_name(&branch, locale),
        branch_country: branch.country.clone(),
        awarded_at: row.issued_at,
        signed_at,
        expires_at: row.expires_at,
        status: StatusEntry { list: list.number, index },
        urls: urls.clone(),
        locale,
        practical,
    };
    let signer = credentials::signer(db, state.keys.master(), branch.id, &branch.code, signed_at)
        .await?
        .ok_or(CertificateError::NoSigningKey { branch_id: branch.id })?;
    let jwt = sign_vc_jwt(
        &urls.key(&signer.row.kid),
        &signer.key,
        &open_badge(&input),
        &JwtClaims {
            iss: &urls.issuer(),
            sub: &input.subject_id(),
            jti: &input.credential_id(),
            iat: signed_at,
            exp: row.expires_at,
        },
    )?;
    Certificates::update_many()
        .col_expr(certificate::Column::CredentialJwt, Expr::value(jwt.clone()))
        .filter(certificate::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(jwt)
}

/// Signs the credentials of `user_id`'s certificates issued in this
/// transaction (those not signed yet), as of their issue.
pub(crate) async fn sign_issued(state: &AppState, db: &impl ConnectionTrait, user_id: Uuid) -> Result<(), CertificateError> {
    let unsigned = Certificates::find()
        .filter(certificate::Column::UserId.eq(user_id))
        .filter(certificate::Column::IsCurrent.eq(true))
        .filter(certificate::Column::CredentialJwt.is_null())
        .all(db)
        .await?;
    for row in unsigned {
        sign_and_store(state, db, &row, row.issued_at).await?;
    }
    Ok(())
}
