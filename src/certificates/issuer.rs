//! The public documents a verifier fetches, without an account: the issuer
//! Profile (`issuer.id`), each credential key as a JWK (the JWT `kid`), the
//! issuer's JWK Set and the service-wide one at the well-known location,
//! the signed status lists, and the achievements. Built here; served by
//! `issuer_routes`.

use super::credential::{CONTEXTS, JwtClaims, achievement, issuer_profile, jwt_claims_context, sign_vc_jwt};
use super::service::{branch_name, course_title};
use super::status_list;
use super::urls::Urls;
use super::{CertificateError, service};
use crate::branches::entity::{self as branch, Entity as Branches};
use crate::courses::course_entity::Status as CourseStatus;
use crate::i18n::Locale;
use crate::signing::credentials;
use crate::state::AppState;
use chrono::SecondsFormat;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use uuid::Uuid;

async fn branch(state: &AppState, code: &str) -> Result<branch::Model, CertificateError> {
    crate::branches::service::find_by_code(&state.db, code)
        .await?
        .ok_or(CertificateError::NotFound)
}

fn default_locale(branch: &branch::Model) -> Locale {
    Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En)
}

/// The issuer Profile of branch `code` (named in its default language).
pub(crate) async fn profile(state: &AppState, code: &str) -> Result<Value, CertificateError> {
    let branch = branch(state, code).await?;
    let urls = Urls::new(&state.config.public_url, &branch.code);
    let mut profile = issuer_profile(&urls, &branch_name(&branch, default_locale(&branch)), &branch.country);
    profile["@context"] = json!(CONTEXTS);
    Ok(profile)
}

/// One credential key of branch `code`, as a JWK.
pub(crate) async fn key(state: &AppState, code: &str, kid: &str) -> Result<Value, CertificateError> {
    let branch = branch(state, code).await?;
    let row = credentials::by_kid(&state.db, kid)
        .await?
        .filter(|k| k.branch_id == branch.id)
        .ok_or(CertificateError::NotFound)?;
    Ok(credentials::jwk(
        &row,
        &Urls::new(&state.config.public_url, &branch.code).key(&row.kid),
    ))
}

/// Branch `code`'s credential keys (every one, retired included) as a JWK Set.
pub(crate) async fn jwks(state: &AppState, code: &str) -> Result<Value, CertificateError> {
    let branch = branch(state, code).await?;
    let urls = Urls::new(&state.config.public_url, &branch.code);
    let keys: Vec<Value> = credentials::published(&state.db, branch.id)
        .await?
        .iter()
        .map(|k| credentials::jwk(k, &urls.key(&k.kid)))
        .collect();
    Ok(json!({ "keys": keys }))
}

/// Every branch's credential keys as one JWK Set (`/.well-known/jwks.json`);
/// each `kid` is the key's URL, so they never clash.
pub(crate) async fn all_jwks(state: &AppState) -> Result<Value, CertificateError> {
    let mut keys = Vec::new();
    for branch in Branches::find().all(&state.db).await? {
        let urls = Urls::new(&state.config.public_url, &branch.code);
        for k in credentials::published(&state.db, branch.id).await? {
            keys.push(credentials::jwk(&k, &urls.key(&k.kid)));
        }
    }
    Ok(json!({ "keys": keys }))
}

/// Status list `number` of branch `code` as a signed VC-JWT
/// (`BitstringStatusListCredential`), current as of now.
pub(crate) async fn status_list(state: &AppState, code: &str, number: i32) -> Result<String, CertificateError> {
    let branch = branch(state, code).await?;
    let list = status_list::find(&state.db, branch.id, number)
        .await?
        .ok_or(CertificateError::NotFound)?;
    let urls = Urls::new(&state.config.public_url, &branch.code);
    let url = urls.status_list(number);
    let now = state.clock.now();
    let credential = json!({
        "@context": [CONTEXTS[0], jwt_claims_context()],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": urls.issuer(),
        "validFrom": now.to_rfc3339_opts(SecondsFormat::Secs, true),
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": status_list::encoded(&state.db, &list).await?,
        },
    });
    let signer = credentials::signer(&state.db, state.keys.master(), branch.id, &branch.code, now)
        .await?
        .ok_or(CertificateError::NoSigningKey { branch_id: branch.id })?;
    sign_vc_jwt(
        &urls.key(&signer.row.kid),
        &signer.key,
        &credential,
        &JwtClaims {
            iss: &urls.issuer(),
            sub: &format!("{url}#list"),
            jti: &url,
            iat: now,
            exp: None,
        },
    )
}

/// The achievement of a published course, in `locale`.
pub(crate) async fn achievement_of(state: &AppState, course_id: Uuid, locale: Locale) -> Result<Value, CertificateError> {
    let course = service::course(&state.db, course_id)
        .await?
        .filter(|c| c.status == CourseStatus::Published)
        .ok_or(CertificateError::NotFound)?;
    let (title, summary) = course_title(&state.db, course.id, locale, Locale::En).await?;
    let urls = Urls::new(&state.config.public_url, "");
    let practical = crate::practical::assessments::required(&state.db, course.id)
        .await?
        .map(|list| crate::practical::checklists::localized(&crate::practical::checklists::stored(&list.titles), locale, Locale::En).0);
    let mut doc = achievement(&urls, course.id, &course.code, &title, &summary, locale, practical.as_deref());
    doc["@context"] = json!(CONTEXTS);
    Ok(doc)
}
