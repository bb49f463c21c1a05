//! `ETag` / `If-None-Match` for reads that trainees repeat on slow links: a
//! weak validator over the exact JSON served (so each language variant has
//! its own), and `304 Not Modified` when the client already has it.

use super::with_language;
use crate::i18n::Locale;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub fn json_with_etag(req: &HttpRequest, locale: Locale, body: &impl Serialize) -> HttpResponse {
    json_bytes_with_etag(req, locale, serde_json::to_vec(body).unwrap_or_default().into())
}

/// The same for a body already serialised.
pub fn json_bytes_with_etag(req: &HttpRequest, locale: Locale, bytes: actix_web::web::Bytes) -> HttpResponse {
    let etag = etag_of(&bytes);
    json_bytes_with_known_etag(req, locale, bytes, &etag)
}

/// The weak validator of a body.
pub fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!("W/\"{}\"", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16]))
}

/// The same with the validator computed before (cached bodies keep theirs).
pub fn json_bytes_with_known_etag(req: &HttpRequest, locale: Locale, bytes: actix_web::web::Bytes, etag: &str) -> HttpResponse {
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|candidate| candidate.trim() == etag || candidate.trim() == "*"));
    let mut response = if matches {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok().content_type("application/json").body(bytes)
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, header::HeaderValue::from_str(etag).expect("ascii"));
    headers.insert(
        header::VARY,
        header::HeaderValue::from_static("Accept-Language, Authorization, Accept-Encoding"),
    );
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-cache"));
    with_language(response, locale)
}
