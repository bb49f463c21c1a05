//! Content negotiation on `Accept` with q-values (RFC 9110, section 12.5.1),
//! for the few routes that answer in more than one media type.

use actix_web::HttpRequest;
use actix_web::http::header;

/// The quality the `Accept` header gives `media` (`type/subtype`): that of
/// the most specific range that matches it (`type/subtype` over `type/*`
/// over `*/*`); 0 when none does. Without an `Accept` header every type is 1.
pub(crate) fn quality(accept: Option<&str>, media: &str) -> f32 {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return 1.0;
    };
    let (kind, _) = media.split_once('/').unwrap_or((media, ""));
    let mut best: Option<(u8, f32)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let specificity = if name == media {
            3
        } else if name == format!("{kind}/*") {
            2
        } else if name == "*/*" {
            1
        } else {
            continue;
        };
        let q = parts
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
            .and_then(|(_, v)| v.trim().parse::<f32>().ok())
            .map_or(1.0, |q| q.clamp(0.0, 1.0));
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, q));
        }
    }
    best.map_or(0.0, |(_, q)| q)
}

/// Whether the client would rather have `wanted` than `default`: only when
/// it accepts `wanted` strictly more. Ties, and headers that accept neither,
/// get `default`.
pub(crate) fn prefers(req: &HttpRequest, wanted: &str, default: &str) -> bool {
    let accept = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let q = quality(accept, wanted);
    q > 0.0 && q > quality(accept, default)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_over_html(accept: &str) -> bool {
        let q = quality(Some(accept), "application/json");
        q > 0.0 && q > quality(Some(accept), "text/html")
    }

    #[test]
    fn q_values_decide() {
        assert!(json_over_html("text/html;q=0.5, application/json"));
        assert!(json_over_html("application/json"));
        assert!(json_over_html("application/*, text/*;q=0.9"));
        assert!(!json_over_html("application/json;q=0"));
        assert!(!json_over_html("*/*"));
        assert!(!json_over_html("application/json, text/html"));
        assert!(!json_over_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
        assert!(!json_over_html("application/json;q=0.4, */*;q=0.5"));
        assert!(json_over_html("application/json; Q=0.9, text/html;q=0.3"));
        assert_eq!(quality(None, "text/html"), 1.0);
        assert_eq!(quality(Some("text/plain"), "text/html"), 0.0);
    }
}
