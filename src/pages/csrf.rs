//! CSRF protection of the page forms: a double-submit token. The page that
//! shows a form sets a random value in a cookie (`SameSite=Strict`,
//! `HttpOnly`, limited to the form's path, `Secure` when the service is
//! served over HTTPS) and puts the same value in a hidden field; a post is
//! taken only when the field equals the cookie (compared in constant time).
//! Another site can make a browser post to us, but can neither read nor set
//! our cookie, and a strict cookie is not even sent with its post.

use actix_web::HttpRequest;
use actix_web::http::header;

/// The name of the cookie and of the hidden field.
pub(crate) const FIELD: &str = "csrf";
const COOKIE: &str = "zj_csrf";
/// How long a form stays usable, in seconds (the page can be reloaded).
const MAX_AGE: u32 = 2 * 60 * 60;

/// A fresh random token.
pub(crate) fn new_token() -> String {
    crate::crypto::random_token()
}

/// The `Set-Cookie` value that carries `token` for the form at `path` (the
/// path as the browser sees it, under `PUBLIC_URL`).
pub(crate) fn set_cookie(token: &str, path: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={token}; Path={path}; Max-Age={MAX_AGE}; HttpOnly; SameSite=Strict{secure}")
}

/// The `Set-Cookie` value that removes the cookie of the form at `path`.
pub(crate) fn expired_cookie(path: &str) -> String {
    format!("{COOKIE}=; Path={path}; Max-Age=0; HttpOnly; SameSite=Strict")
}

/// The tokens the request's `Cookie` headers carry (several, if cookies of
/// the same name were set for different paths).
fn cookie_values(req: &HttpRequest) -> Vec<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE).then(|| value.trim_matches('"').to_string())
        })
        .collect()
}

/// The token of the request's cookie, if it has one shaped like ours: a
/// page loaded twice (an email link clicked again, a second tab) keeps it,
/// so that the form of the first tab still goes through.
pub(crate) fn current(req: &HttpRequest) -> Option<String> {
    cookie_values(req)
        .into_iter()
        .find(|v| v.len() == 43 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// Equality that takes the same time wherever the first difference is.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// The cookie's token when the posted field matches it, `None` otherwise
/// (no cookie, no field, an empty one, or a different value).
pub(crate) fn verified(req: &HttpRequest, field: Option<&str>) -> Option<String> {
    let field = field.filter(|f| !f.is_empty())?;
    let mut matched = None;
    for value in cookie_values(req) {
        if !value.is_empty() && constant_time_eq(value.as_bytes(), field.as_bytes()) {
            matched = Some(value);
        }
    }
    matched
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn the_field_must_equal_the_cookie() {
        let req = TestRequest::default()
            .insert_header((header::COOKIE, "other=1; zj_csrf=abc123"))
            .to_http_request();
        assert_eq!(verified(&req, Some("abc123")).as_deref(), Some("abc123"));
        assert_eq!(verified(&req, Some("abc124")), None);
        assert_eq!(verified(&req, Some("")), None);
        assert_eq!(verified(&req, None), None);
        let bare = TestRequest::default().to_http_request();
        assert_eq!(verified(&bare, Some("abc123")), None);
        let empty = TestRequest::default().insert_header((header::COOKIE, "zj_csrf=")).to_http_request();
        assert_eq!(verified(&empty, Some("")), None);
    }

    #[test]
    fn a_cookie_shaped_like_a_token_is_kept() {
        let token = new_token();
        let req = TestRequest::default()
            .insert_header((header::COOKIE, format!("zj_csrf=short; zj_csrf={token}")))
            .to_http_request();
        assert_eq!(current(&req), Some(token));
        let odd = TestRequest::default()
            .insert_header((header::COOKIE, format!("zj_csrf={}", "<".repeat(43))))
            .to_http_request();
        assert_eq!(current(&odd), None);
    }

    #[test]
    fn the_cookie_is_strict_http_only_and_scoped() {
        let c = set_cookie("T", "/app/accept-invite", true);
        assert_eq!(
            c,
            "zj_csrf=T; Path=/app/accept-invite; Max-Age=7200; HttpOnly; SameSite=Strict; Secure"
        );
        assert!(!set_cookie("T", "/x", false).contains("Secure"));
    }

    #[test]
    fn comparison() {
        assert!(constant_time_eq(b"same", b"same"));
        assert!(!constant_time_eq(b"same", b"sane"));
        assert!(!constant_time_eq(b"same", b"same!"));
    }
}
