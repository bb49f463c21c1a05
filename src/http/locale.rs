//! Which language a response speaks (API.md, Conventions): `?lang=`, then
//! `Accept-Language`, then the caller's saved locale, then the branch
//! default, then English.

use crate::i18n::{Locale, best_from_accept_language};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

/// What authentication learned about the caller's languages; put in the
/// request extensions so that even error bodies can use it.
#[derive(Clone, Copy, Debug)]
pub struct LocaleHints {
    pub user: Option<Locale>,
    pub branch_default: Option<Locale>,
}

/// The explicit choice of the request itself, if any (`?lang=` or `Accept-Language`).
pub(crate) fn requested(req: &HttpRequest) -> Option<Locale> {
    // Decoded like every other parameter: `?lang=zh%2DCN` is `zh-CN`.
    let from_query = form_urlencoded::parse(req.query_string().as_bytes())
        .find_map(|(key, value)| (key == "lang").then(|| Locale::closest(&value)).flatten());
    from_query.or_else(|| {
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(best_from_accept_language)
    })
}

/// The language the browser asks for (`Accept-Language` only).
pub(crate) fn requested_by_browser(req: &HttpRequest) -> Option<Locale> {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(best_from_accept_language)
}

/// The response language for this request.
pub fn negotiate(req: &HttpRequest) -> Locale {
    if let Some(locale) = requested(req) {
        return locale;
    }
    let hints = req.extensions().get::<LocaleHints>().copied();
    hints.and_then(|h| h.user.or(h.branch_default)).unwrap_or(Locale::En)
}

/// Sets `Content-Language` on a response that carries text in `locale`.
pub fn with_language(mut response: HttpResponse, locale: Locale) -> HttpResponse {
    response
        .headers_mut()
        .insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(locale.as_str()));
    response
}
