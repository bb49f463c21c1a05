//! `ETag` / `If-None-Match` for reads that trainees repeat on slow links: a
//! weak validator over the exact JSON served (so each language variant has
//! its own), and `304 Not Modified` when the client already has it.

use super::with_language;
use crate::i18n::Locale;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The weak validator of a body.
pub(crate) fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!("W/\"{}\"", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16]))
}

/// The same with the validator computed before (cached bodies keep theirs).
pub(crate) fn json_bytes_with_known_etag(req: &HttpRequest, locale: Locale, bytes: actix_web::web::Bytes, etag: &str) -> HttpResponse {
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
