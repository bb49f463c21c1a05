//! A certificate as an Open Badges 3.0 `OpenBadgeCredential` (1EdTech OB 3.0.3
//! on the W3C Verifiable Credentials Data Model 2.0), secured as a VC-JWT
//! signed with ES256 by the issuing branch's credential key.
//!
//! Why Open Badges: employers and wallets in every country the academy works
//! in can check a certificate with off-the-shelf tools, without an account
//! here. Everything a verifier needs is public under the service's URL:
//! `issuer.id` answers the issuer Profile, the JWT `kid` is a URL answering
//! the public key as a JWK, and `credentialStatus` points at a signed W3C
//! Bitstring Status List (see `urls` for the paths).
//!
//! The JWT follows W3C "Securing Verifiable Credentials using JOSE and COSE":
//! the payload *is* the credential, the header says `typ: vc+jwt` and
//! `cty: vc`, and the registered claims `iss`, `sub`, `jti`, `iat`, `nbf`
//! (and `exp` when the certificate expires) sit beside the credential
//! members, so that generic JWT libraries check them too. The VC 2.0
//! context defines all of them but `jti`; a one-term inline context, last
//! in `@context`, defines that one, so that the document expanded as
//! JSON-LD has no undefined term.

use super::CertificateError;
use super::urls::Urls;
use crate::i18n::{self, Arg, Locale};
use chrono::{DateTime, SecondsFormat, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The published contexts of an OB 3.0 credential, in the required order.
pub(crate) const CONTEXTS: [&str; 2] = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
];

/// Defines `jti`, the one registered JWT claim in the payload that the VC
/// 2.0 context leaves undefined (it defines `iss`, `sub`, `iat`, `nbf` and
/// `exp`), with the IANA "JSON Web Token Claims" registry's IRI.
pub(crate) fn jwt_claims_context() -> Value {
    json!({
        "jti": {"@id": "https://www.iana.org/assignments/jwt#jti", "@type": "@id"},
    })
}

/// Where the credential's revocation bit is.
#[derive(Clone, Debug)]
pub(crate) struct StatusEntry {
    /// The list's number within the branch (1, 2, ...).
    pub list: i32,
    pub index: i32,
}

/// Everything a credential states, gathered by the caller from the database.
#[derive(Clone, Debug)]
pub(crate) struct CredentialInput {
    pub certificate_id: Uuid,
    pub holder_id: Uuid,
    pub holder_name: String,
    /// The holder's email, only ever published salted and hashed.
    pub holder_email: String,
    /// The salt of the email hash (random per signature).
    pub salt: String,
    pub course_id: Uuid,
    pub course_code: String,
    pub course_title: String,
    pub course_summary: String,
    pub branch_name: String,
    /// ISO 3166-1 alpha-2 code of the branch's country.
    pub branch_country: String,
    /// When it was awarded (the certificate's `issued_at`).
    pub awarded_at: DateTime<Utc>,
    /// When this credential was signed: `validFrom` and `iat`. Equal to
    /// `awarded_at` at issuance, later for a deliberate re-issue.
    pub signed_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub status: StatusEntry,
    pub urls: Urls,
    /// The language of the texts above; it becomes `inLanguage`.
    pub locale: Locale,
    /// The practical sign-off the course required and the holder passed:
    /// the checklist's title (in `locale`), stated as a result.
    pub practical: Option<String>,
}

impl CredentialInput {
    /// The credential's `id`: a URN, stable across re-issues, that names the
    /// certificate without pointing at anything private.
    pub(crate) fn credential_id(&self) -> String {
        format!("urn:uuid:{}", self.certificate_id)
    }

    /// The holder's `id` (also the JWT `sub`). A URN: user records are private.
    pub(crate) fn subject_id(&self) -> String {
        format!("urn:uuid:{}", self.holder_id)
    }
}

/// `sha256$` + hex SHA-256 of the address (trimmed, lower-case) and salt,
/// the OB 3.0 `IdentityHash`: an employer who holds the address can match it.
pub(crate) fn identity_hash(email: &str, salt: &str) -> String {
    let digest = Sha256::digest(format!("{}{salt}", email.trim().to_lowercase()).as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256${hex}")
}

/// The issuer Profile, as `issuer` in a credential and at `issuer.id`.
pub(crate) fn issuer_profile(urls: &Urls, name: &str, country: &str) -> Value {
    let mut address = json!({"type": ["Address"], "addressCountry": country});
    if country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()) {
        address["addressCountryCode"] = json!(country);
    }
    json!({
        "id": urls.issuer(),
        "type": ["Profile"],
        "name": name,
        "url": urls.base(),
        "address": address,
    })
}

/// The id of the result a practical sign-off is stated as (an
/// `ResultDescription` of the achievement).
pub(crate) fn practical_result_id(urls: &Urls, course_id: Uuid) -> String {
    format!("{}#practical", urls.achievement(course_id))
}

/// The achievement a course's certificate stands for, as in a credential
/// and at its public `id`. A course that requires a practical sign-off
/// (`practical`: the checklist's title) says so in its criteria and
/// describes the result as a `ResultDescription` of type `Status`.
pub(crate) fn achievement(
    urls: &Urls,
    course_id: Uuid,
    code: &str,
    title: &str,
    summary: &str,
    locale: Locale,
    practical: Option<&str>,
) -> Value {
    let narrative = match practical {
        None => i18n::t(locale, "cert-criteria-narrative", &[("course", Arg::from(title))]),
        Some(sign_off) => i18n::t(
            locale,
            "cert-criteria-narrative-practical",
            &[("course", Arg::from(title)), ("practical", Arg::from(sign_off))],
        ),
    };
    let mut doc = json!({
        "id": urls.achievement(course_id),
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "humanCode": code,
        "name": title,
        "description": summary,
        "criteria": { "narrative": narrative },
        "inLanguage": locale.as_str(),
    });
    if let Some(sign_off) = practical {
        doc["resultDescription"] = json!([{
            "id": practical_result_id(urls, course_id),
            "type": ["ResultDescription"],
            "name": sign_off,
            "resultType": "Status",
        }]);
    }
    doc
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Builds the unsigned `OpenBadgeCredential`.
///
/// The holder is named twice in `identifier`: by name in plain text (the
/// public verify page shows it anyway) and by email, salted and hashed.
pub(crate) fn open_badge(input: &CredentialInput) -> Value {
    let urls = &input.urls;
    let list_url = urls.status_list(input.status.list);
    let mut credential = json!({
        "@context": [CONTEXTS[0], CONTEXTS[1], jwt_claims_context()],
        "id": input.credential_id(),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(urls, &input.branch_name, &input.branch_country),
        "name": input.course_title,
        "description": input.course_summary,
        "validFrom": timestamp(input.signed_at),
        "awardedDate": timestamp(input.awarded_at),
        "credentialSubject": {
            "id": input.subject_id(),
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": false,
                    "identityHash": input.holder_name,
                },
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": true,
                    "identityHash": identity_hash(&input.holder_email, &input.salt),
                    "salt": input.salt,
                },
            ],
            "achievement": achievement(
                urls,
                input.course_id,
                &input.course_code,
                &input.course_title,
                &input.course_summary,
                input.locale,
                input.practical.as_deref(),
            ),
        },
        "credentialStatus": {
            "id": format!("{list_url}#{}", input.status.index),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": input.status.index.to_string(),
            "statusListCredential": list_url,
        },
    });
    if let Some(end) = input.expires_at {
        credential["validUntil"] = json!(timestamp(end));
    }
    if input.practical.is_some() {
        credential["credentialSubject"]["result"] = json!([{
            "type": ["Result"],
            "resultDescription": practical_result_id(urls, input.course_id),
            "status": "Completed",
        }]);
    }
    credential
}

/// The registered claims added to a signed payload.
pub(crate) struct JwtClaims<'a> {
    pub iss: &'a str,
    pub sub: &'a str,
    pub jti: &'a str,
    pub iat: DateTime<Utc>,
    pub exp: Option<DateTime<Utc>>,
}

/// Signs `credential` as a VC-JWT (ES256) with the key named `kid_url`.
pub(crate) fn sign_vc_jwt(
    kid_url: &str,
    key: &EncodingKey,
    credential: &Value,
    claims: &JwtClaims<'_>,
) -> Result<String, CertificateError> {
    let Value::Object(members) = credential else {
        return Err(CertificateError::CredentialNotObject);
    };
    let mut payload = members.clone();
    let at = claims.iat.timestamp();
    payload.insert("iss".into(), json!(claims.iss));
    payload.insert("sub".into(), json!(claims.sub));
    payload.insert("jti".into(), json!(claims.jti));
    payload.insert("nbf".into(), json!(at));
    payload.insert("iat".into(), json!(at));
    if let Some(exp) = claims.exp {
        payload.insert("exp".into(), json!(exp.timestamp()));
    }
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(kid_url.to_string());
    header.typ = Some("vc+jwt".into());
    header.cty = Some("vc".into());
    Ok(jsonwebtoken::encode(&header, &payload, key)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use jsonwebtoken::{DecodingKey, Validation};
    use p256::pkcs8::EncodePrivateKey;

    fn keypair() -> (EncodingKey, DecodingKey) {
        let secret = p256::SecretKey::from_slice(&[7u8; 32]).unwrap();
        let der = secret.to_pkcs8_der().unwrap();
        let public = secret.public_key().to_sec1_bytes();
        (EncodingKey::from_ec_der(der.as_bytes()), DecodingKey::from_ec_der(&public))
    }

    fn input() -> CredentialInput {
        let at = Utc.with_ymd_and_hms(2026, 11, 28, 9, 30, 0).unwrap();
        CredentialInput {
            certificate_id: Uuid::now_v7(),
            holder_id: Uuid::new_v4(),
            holder_name: "Somchai Jaidee".into(),
            holder_email: " Somchai@Example.com ".into(),
            salt: "pepper".into(),
            course_id: Uuid::new_v4(),
            course_code: "HV-101".into(),
            course_title: "High-voltage safety".into(),
            course_summary: "Working safely on EV high-voltage systems.".into(),
            branch_name: "Zhijiang Academy Bangkok".into(),
            branch_country: "TH".into(),
            awarded_at: at,
            signed_at: at,
            expires_at: Some(at + chrono::Duration::days(365)),
            status: StatusEntry { list: 1, index: 42 },
            urls: Urls::new("https://academy.example/", "BKK"),
            locale: Locale::En,
            practical: None,
        }
    }

    #[test]
    fn the_credential_has_the_ob3_shape_with_status_validity_and_hashed_email() {
        let input = input();
        let vc = open_badge(&input);
        assert_eq!(vc["@context"][0], CONTEXTS[0]);
        assert_eq!(vc["@context"][1], CONTEXTS[1]);
        assert_eq!(vc["id"], json!(format!("urn:uuid:{}", input.certificate_id)));
        assert_eq!(vc["issuer"]["id"], "https://academy.example/issuers/BKK");
        assert_eq!(vc["issuer"]["address"]["addressCountryCode"], "TH");
        assert_eq!(vc["validFrom"], "2026-11-28T09:30:00Z");
        assert_eq!(vc["validUntil"], "2027-11-28T09:30:00Z");
        let status = &vc["credentialStatus"];
        assert_eq!(status["type"], "BitstringStatusListEntry");
        assert_eq!(status["statusListIndex"], "42");
        assert_eq!(status["id"], "https://academy.example/issuers/BKK/status-lists/1#42");
        let email = &vc["credentialSubject"]["identifier"][1];
        assert_eq!(email["identityType"], "emailAddress");
        // sha256("somchai@example.compepper"): trimmed and lower-cased first.
        assert_eq!(email["identityHash"], identity_hash("somchai@example.com", "pepper"));
        assert!(email["identityHash"].as_str().unwrap().starts_with("sha256$"));
        assert_eq!(email["identityHash"].as_str().unwrap().len(), 7 + 64);
    }

    #[test]
    fn a_signed_credential_verifies_with_the_public_key_only() {
        let input = input();
        let (signing, verifying) = keypair();
        let kid = input.urls.key("bkk-vc-1");
        let claims = JwtClaims {
            iss: &input.urls.issuer(),
            sub: &input.subject_id(),
            jti: &input.credential_id(),
            iat: input.signed_at,
            exp: input.expires_at,
        };
        let token = sign_vc_jwt(&kid, &signing, &open_badge(&input), &claims).unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, Algorithm::ES256);
        assert_eq!(header.kid.as_deref(), Some("https://academy.example/issuers/BKK/keys/bkk-vc-1"));
        assert_eq!(header.typ.as_deref(), Some("vc+jwt"));
        let mut validation = Validation::new(Algorithm::ES256);
        validation.validate_aud = false;
        validation.validate_exp = false;
        validation.set_issuer(&[input.urls.issuer()]);
        let payload = jsonwebtoken::decode::<Value>(&token, &verifying, &validation).unwrap().claims;
        assert_eq!(payload["iat"], json!(input.signed_at.timestamp()));
        assert_eq!(payload["exp"], json!(input.expires_at.unwrap().timestamp()));
        let other = p256::SecretKey::from_slice(&[9u8; 32]).unwrap().public_key().to_sec1_bytes();
        assert!(jsonwebtoken::decode::<Value>(&token, &DecodingKey::from_ec_der(&other), &validation).is_err());
        assert!(
            sign_vc_jwt(&kid, &signing, &json!([1]), &claims).is_err(),
            "only objects are signed"
        );
    }
}
