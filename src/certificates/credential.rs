//! A certificate as an Open Badges 3.0 `OpenBadgeCredential` (1EdTech OB 3.0
//! on the W3C Verifiable Credentials Data Model 2.0), secured as a VC-JWT.
//!
//! Why Open Badges: employers and wallets in every country the academy works
//! in can check a certificate with off-the-shelf tools, without an account
//! here. The JWT is signed by the issuing branch's Ed25519 key, so anyone can
//! verify it against `/api/v1/branches/{code}/jwks.json`.
//!
//! The JWT follows W3C "Securing Verifiable Credentials using JOSE and COSE":
//! the payload *is* the credential (not wrapped in a `vc` claim as in VC 1.1),
//! the header says `typ: vc+jwt` and `cty: vc`, and the registered JWT claims
//! `iss`, `sub`, `jti`, `nbf` and `iat` are added alongside the credential
//! members so that generic JWT libraries can check them too.

use super::CertificateError;
use crate::i18n::{self, Arg, Locale};
use chrono::{DateTime, SecondsFormat, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use uuid::Uuid;

/// The contexts of an OB 3.0 credential, in the order the spec requires.
pub(crate) const CONTEXTS: [&str; 2] = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
];

/// `credentialStatus.type`. A custom status method (VC 2.0 allows any type;
/// undefined terms fall under the v2 context's issuer-dependent `@vocab`).
///
/// Not `1EdTechRevocationList`: that method requires its `id` to serve a
/// revocation-list document of its own format, and we have none. Instead the
/// status is read live from the public verify endpoint: `GET` the
/// `credentialStatus.id` URL with `Accept: application/json` and read
/// `status` (`"valid"` or `"revoked"`), as documented in API.md.
pub(crate) const STATUS_TYPE: &str = "ZhijiangVerifyStatus";

/// Everything a credential states, gathered by the caller from the database.
#[derive(Clone, Debug)]
pub(crate) struct CredentialInput {
    pub certificate_id: Uuid,
    pub code: String,
    pub holder_id: Uuid,
    pub holder_name: String,
    pub course_id: Uuid,
    pub course_code: String,
    pub course_title: String,
    pub course_summary: String,
    pub branch_code: String,
    pub branch_name: String,
    /// ISO 3166-1 alpha-2 code of the branch's country.
    pub branch_country: String,
    pub issued_at: DateTime<Utc>,
    /// The service's public base URL, e.g. `https://academy.example`.
    pub public_url: String,
    /// The language of the course and branch texts above; the criteria
    /// narrative is written in it too, and it becomes `inLanguage`.
    pub locale: Locale,
}

impl CredentialInput {
    fn base(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }

    /// The credential's `id`: where it can be downloaded again.
    pub(crate) fn credential_id(&self) -> String {
        format!("{}/api/v1/certificates/{}/credential", self.base(), self.certificate_id)
    }

    /// The issuer Profile's `id` (also the JWT `iss`).
    pub(crate) fn issuer_id(&self) -> String {
        format!("{}/api/v1/branches/{}", self.base(), self.branch_code)
    }

    /// The holder's `id` (also the JWT `sub`). A URN rather than a URL: user
    /// records are not public.
    pub(crate) fn subject_id(&self) -> String {
        format!("urn:uuid:{}", self.holder_id)
    }

    /// The public verify page of this certificate.
    pub(crate) fn verify_url(&self) -> String {
        format!("{}/verify/{}", self.base(), self.code)
    }
}

/// Builds the unsigned `OpenBadgeCredential`.
///
/// The holder is identified by an `IdentityObject` of type `name` (the OB 3.0
/// way to name an `AchievementSubject`, which has no `name` property of its
/// own); the name is in plain text because the public verify page shows it
/// anyway.
pub(crate) fn open_badge(input: &CredentialInput) -> Value {
    let base = input.base();
    let mut address = json!({
        "type": ["Address"],
        "addressCountry": input.branch_country,
    });
    if input.branch_country.len() == 2 && input.branch_country.bytes().all(|b| b.is_ascii_uppercase()) {
        address["addressCountryCode"] = json!(input.branch_country);
    }
    let narrative = i18n::t(
        input.locale,
        "cert-criteria-narrative",
        &[("course", Arg::from(input.course_title.as_str()))],
    );
    json!({
        "@context": CONTEXTS,
        "id": input.credential_id(),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": input.issuer_id(),
            "type": ["Profile"],
            "name": input.branch_name,
            "address": address,
        },
        "name": input.course_title,
        "description": input.course_summary,
        "validFrom": input.issued_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "credentialSubject": {
            "id": input.subject_id(),
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": false,
                "identityHash": input.holder_name,
            }],
            "achievement": {
                "id": format!("{base}/api/v1/courses/{}", input.course_id),
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "humanCode": input.course_code,
                "name": input.course_title,
                "description": input.course_summary,
                "criteria": { "narrative": narrative },
                "inLanguage": input.locale.as_str(),
            },
        },
        "credentialStatus": {
            "id": input.verify_url(),
            "type": STATUS_TYPE,
        },
    })
}

/// Signs `credential` as a VC-JWT with the branch key `signer_kid`.
///
/// `issuer_id` and `subject_id` should be the credential's issuer and subject
/// ids ([`CredentialInput::issuer_id`], [`CredentialInput::subject_id`]) so the
/// JWT claims and the credential agree; `jti` is usually the credential id.
pub(crate) fn sign_vc_jwt(
    signer_kid: &str,
    key: &EncodingKey,
    credential: &Value,
    issued_at: DateTime<Utc>,
    issuer_id: &str,
    subject_id: &str,
    jti: &str,
) -> Result<String, CertificateError> {
    let Value::Object(members) = credential else {
        return Err(CertificateError::CredentialNotObject);
    };
    let mut payload = members.clone();
    let at = issued_at.timestamp();
    payload.insert("iss".into(), json!(issuer_id));
    payload.insert("sub".into(), json!(subject_id));
    payload.insert("jti".into(), json!(jti));
    payload.insert("nbf".into(), json!(at));
    payload.insert("iat".into(), json!(at));

    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(signer_kid.to_string());
    header.typ = Some("vc+jwt".into());
    header.cty = Some("vc".into());
    Ok(jsonwebtoken::encode(&header, &payload, key)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use jsonwebtoken::{DecodingKey, Validation};

    /// PKCS#8 v1 prefix of an Ed25519 private key (as in `auth::keys`).
    const PKCS8_ED25519_PREFIX: [u8; 16] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ];

    fn keypair() -> (EncodingKey, DecodingKey) {
        use rand::RngCore;
        let mut seed = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut seed);
        let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key().to_bytes();
        let der = [PKCS8_ED25519_PREFIX.as_slice(), &seed].concat();
        (EncodingKey::from_ed_der(&der), DecodingKey::from_ed_der(&public))
    }

    fn input() -> CredentialInput {
        CredentialInput {
            certificate_id: Uuid::now_v7(),
            code: "BKK-7F3K-9QPX".into(),
            holder_id: Uuid::new_v4(),
            holder_name: "Somchai Jaidee".into(),
            course_id: Uuid::new_v4(),
            course_code: "HV-101".into(),
            course_title: "High-voltage safety".into(),
            course_summary: "Working safely on EV high-voltage systems.".into(),
            branch_code: "BKK".into(),
            branch_name: "Zhijiang Academy Bangkok".into(),
            branch_country: "TH".into(),
            issued_at: Utc.with_ymd_and_hms(2026, 11, 28, 9, 30, 0).unwrap(),
            public_url: "https://academy.example/".into(),
            locale: Locale::En,
        }
    }

    #[test]
    fn the_credential_has_the_ob3_shape() {
        let input = input();
        let vc = open_badge(&input);
        assert_eq!(vc["@context"], json!(CONTEXTS));
        assert_eq!(vc["type"], json!(["VerifiableCredential", "OpenBadgeCredential"]));
        assert_eq!(
            vc["id"],
            json!(format!(
                "https://academy.example/api/v1/certificates/{}/credential",
                input.certificate_id
            ))
        );
        assert_eq!(vc["issuer"]["id"], "https://academy.example/api/v1/branches/BKK");
        assert_eq!(vc["issuer"]["type"], json!(["Profile"]));
        assert_eq!(vc["issuer"]["address"]["addressCountryCode"], "TH");
        assert_eq!(vc["validFrom"], "2026-11-28T09:30:00Z");
        let subject = &vc["credentialSubject"];
        assert_eq!(subject["id"], json!(format!("urn:uuid:{}", input.holder_id)));
        assert_eq!(subject["type"], json!(["AchievementSubject"]));
        assert_eq!(subject["identifier"][0]["identityHash"], "Somchai Jaidee");
        let achievement = &subject["achievement"];
        assert_eq!(achievement["type"], json!(["Achievement"]));
        assert_eq!(achievement["achievementType"], "Certificate");
        assert_eq!(achievement["name"], "High-voltage safety");
        let narrative = achievement["criteria"]["narrative"].as_str().unwrap();
        assert!(narrative.contains("High-voltage safety"), "{narrative}");
        assert_eq!(vc["credentialStatus"]["id"], "https://academy.example/verify/BKK-7F3K-9QPX");
    }

    #[test]
    fn the_criteria_follow_the_credential_language() {
        let mut input = input();
        input.locale = Locale::ZhCn;
        let vc = open_badge(&input);
        let narrative = vc["credentialSubject"]["achievement"]["criteria"]["narrative"].as_str().unwrap();
        assert_ne!(
            narrative,
            i18n::t(
                Locale::En,
                "cert-criteria-narrative",
                &[("course", Arg::from("High-voltage safety"))]
            )
        );
        assert_eq!(vc["credentialSubject"]["achievement"]["inLanguage"], "zh-CN");
    }

    #[test]
    fn a_signed_credential_verifies_with_the_public_key() {
        let input = input();
        let vc = open_badge(&input);
        let (signing, verifying) = keypair();
        let jti = input.credential_id();
        let token = sign_vc_jwt(
            "bkk-20261128-abc",
            &signing,
            &vc,
            input.issued_at,
            &input.issuer_id(),
            &input.subject_id(),
            &jti,
        )
        .unwrap();

        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, Algorithm::EdDSA);
        assert_eq!(header.typ.as_deref(), Some("vc+jwt"));
        assert_eq!(header.cty.as_deref(), Some("vc"));
        assert_eq!(header.kid.as_deref(), Some("bkk-20261128-abc"));

        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.validate_aud = false;
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["iss", "sub", "nbf"]);
        validation.set_issuer(&[input.issuer_id()]);
        let data = jsonwebtoken::decode::<Value>(&token, &verifying, &validation).unwrap();
        let payload = data.claims;
        assert_eq!(payload["@context"], json!(CONTEXTS));
        assert_eq!(payload["type"][1], "OpenBadgeCredential");
        assert_eq!(payload["issuer"]["id"], json!(input.issuer_id()));
        assert_eq!(payload["iss"], json!(input.issuer_id()));
        assert_eq!(payload["sub"], json!(input.subject_id()));
        assert_eq!(payload["jti"], json!(jti));
        assert_eq!(payload["iat"], json!(input.issued_at.timestamp()));
        assert_eq!(payload["nbf"], json!(input.issued_at.timestamp()));
        assert_eq!(
            payload["credentialSubject"]["achievement"]["id"],
            json!(format!("https://academy.example/api/v1/courses/{}", input.course_id))
        );
    }

    #[test]
    fn another_key_does_not_verify() {
        let input = input();
        let (signing, _) = keypair();
        let (_, other) = keypair();
        let token = sign_vc_jwt(
            "k",
            &signing,
            &open_badge(&input),
            input.issued_at,
            &input.issuer_id(),
            &input.subject_id(),
            "j",
        )
        .unwrap();
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.validate_aud = false;
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["iss"]);
        assert!(jsonwebtoken::decode::<Value>(&token, &other, &validation).is_err());
    }

    #[test]
    fn only_objects_are_signed() {
        let (signing, _) = keypair();
        let now = Utc::now();
        assert!(sign_vc_jwt("k", &signing, &json!([1]), now, "i", "s", "j").is_err());
    }
}
