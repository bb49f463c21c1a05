//! Security headers on every answer: the API is JSON and must never be
//! rendered, sniffed or framed as a page; the two kinds of HTML it serves
//! get a policy of their own.
//!
//! - JSON, problem documents and everything else: `default-src 'none'`.
//! - `/docs/` (Swagger UI): its own scripts, styles and images, and fetches
//!   of `/openapi.json` (Swagger UI sets inline styles, so styles allow them).
//! - A handler may set its own `Content-Security-Policy`; it is kept. The
//!   pages for browsers do (`pages::frame`: the certificate verify page, the
//!   pages behind email links): their one inline stylesheet by hash, no
//!   scripts, nothing from elsewhere, forms only to this origin.
//!
//! `Referrer-Policy: no-referrer`: verify URLs carry certificate codes, the
//! links in emails carry tokens, and nothing here needs to tell other sites
//! where a visitor came from.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

/// For answers that are data, not pages.
pub(crate) const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/// For Swagger UI under `/docs/`.
pub(crate) const DOCS_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

pub(crate) async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let docs = req.path() == "/docs" || req.path().starts_with("/docs/");
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let policy = if docs { DOCS_POLICY } else { API_POLICY };
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    Ok(res)
}
