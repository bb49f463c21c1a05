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
    answer(
        req,
        locale,
        bytes,
        etag,
        "private, no-cache",
        "Accept-Language, Authorization, Accept-Encoding",
    )
}

/// A public answer (the same for every caller, no token involved) that
/// shared caches may keep for `max_age` seconds, one copy per language.
pub(crate) fn public_json_with_etag(req: &HttpRequest, locale: Locale, bytes: actix_web::web::Bytes, max_age: u32) -> HttpResponse {
    let etag = etag_of(&bytes);
    let cache_control = format!("public, max-age={max_age}");
    answer(req, locale, bytes, &etag, &cache_control, "Accept-Language, Accept-Encoding")
}

fn answer(req: &HttpRequest, locale: Locale, bytes: actix_web::web::Bytes, etag: &str, cache_control: &str, vary: &str) -> HttpResponse {
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
    headers.insert(header::VARY, header::HeaderValue::from_str(vary).expect("ascii"));
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_str(cache_control).expect("ascii"));
    with_language(response, locale)
}
