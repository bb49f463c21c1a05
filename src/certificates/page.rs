//! The public verify page of a certificate (`GET /verify/{code}` as HTML).
//!
//! Whoever scans the QR code on a printed certificate (an employer in Hanoi,
//! an auditor in Shenzhen) must understand it without choosing a language:
//! the page is bilingual, Chinese (the academy's working language) beside the
//! viewer's language, or English for a Chinese viewer. Each part carries its
//! own `lang` so browsers pick the right fonts and screen readers the right
//! voice. The page is self-contained (inline CSS and SVG, no script, no
//! external assets) so it loads on a weak phone connection, cannot leak the
//! visit to third parties, and prints on one A4 sheet. All words come from
//! `certificates.ftl`; every dynamic value is HTML-escaped, including the
//! formatted messages that embed one.

pub(crate) use super::page_frame::content_security_policy;
use super::page_frame::document;
use super::qr::qr_svg;
use crate::i18n::{self, Arg, Locale};
use crate::notifications::templates::escape_html;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// What the verify page shows. Texts named `_zh` are in Chinese, those named
/// `_viewer` in [`second_language`] of the viewer.
#[derive(Clone, Debug)]
pub(crate) struct VerifyView {
    /// The canonical certificate code.
    pub code: String,
    /// False when the certificate is revoked.
    pub status_valid: bool,
    /// Valid (not revoked) but past its expiry.
    pub expired: bool,
    /// When it stops being valid; None: never.
    pub expires_at: Option<DateTime<Utc>>,
    /// Why it was revoked, as the administrator wrote it (shown verbatim).
    pub revoked_reason: Option<String>,
    pub holder_name: String,
    pub course_title_zh: String,
    pub course_title_viewer: String,
    pub branch_name_zh: String,
    pub branch_name_viewer: String,
    pub issued_at: DateTime<Utc>,
    /// The issuing branch's time zone: the date of issue is the one on the
    /// branch's wall calendar, as printed on the paper certificate.
    pub time_zone: Tz,
    /// This page's own URL, encoded in the QR code and printed under it.
    pub verify_url: String,
}

/// The language shown beside Chinese: the viewer's own, or English when the
/// viewer reads Chinese already. Callers use it to pick the `_viewer` texts.
pub(crate) fn second_language(viewer: Locale) -> Locale {
    match viewer {
        Locale::ZhCn => Locale::En,
        other => other,
    }
}

/// A calendar date in the words of `locale`, by CLDR (ICU4X): Thai dates
/// count years in the Buddhist Era, as Thai documents do.
pub(crate) fn format_date(date: NaiveDate, locale: Locale) -> String {
    i18n::format_date(date, locale)
}

/// A message, escaped for HTML.
fn text(locale: Locale, id: &str) -> String {
    escape_html(&i18n::t(locale, id, &[]))
}

/// The two languages of the page, Chinese first.
fn languages(viewer: Locale) -> [Locale; 2] {
    [Locale::ZhCn, second_language(viewer)]
}

/// `<span lang>` of a message in both languages, for headings.
fn both_spans(viewer: Locale, id: &str) -> String {
    languages(viewer)
        .iter()
        .map(|l| format!(r#"<span lang="{}">{}</span>"#, l.as_str(), text(*l, id)))
        .collect()
}

/// The title bar text: both languages, separated by a middle dot.
fn both_title(viewer: Locale, id: &str) -> String {
    let [a, b] = languages(viewer);
    format!("{} · {}", text(a, id), text(b, id))
}

/// The full verify page of a certificate, for a viewer who reads `viewer`.
pub(crate) fn render_verify_page(view: &VerifyView, viewer: Locale) -> String {
    let issued_on = view.issued_at.with_timezone(&view.time_zone).date_naive();
    let mut status = String::new();
    let mut columns = String::new();
    for (i, locale) in languages(viewer).into_iter().enumerate() {
        let lang = locale.as_str();
        let (word, detail) = if view.status_valid && view.expired {
            ("cert-status-expired", "cert-status-expired-detail")
        } else if view.status_valid {
            ("cert-status-valid", "cert-status-valid-detail")
        } else {
            ("cert-status-revoked", "cert-status-revoked-detail")
        };
        let reason = match (&view.revoked_reason, view.status_valid) {
            (Some(reason), false) if !reason.trim().is_empty() => format!(
                r#"<span class="reason">{}</span>"#,
                escape_html(&i18n::t(
                    locale,
                    "cert-status-revoked-reason",
                    &[("reason", Arg::from(reason.trim()))],
                ))
            ),
            _ => String::new(),
        };
        status.push_str(&format!(
            r#"<p lang="{lang}"><strong>{}</strong> {} {reason}</p>"#,
            text(locale, word),
            text(locale, detail),
        ));
        let (course, branch) = if i == 0 {
            (&view.course_title_zh, &view.branch_name_zh)
        } else {
            (&view.course_title_viewer, &view.branch_name_viewer)
        };
        columns.push_str(&format!(
            concat!(
                r#"<section lang="{lang}"><dl>"#,
                "<dt>{l_holder}</dt><dd>{holder}</dd>",
                "<dt>{l_course}</dt><dd>{course}</dd>",
                "<dt>{l_branch}</dt><dd>{branch}</dd>",
                "<dt>{l_issued}</dt><dd>{issued}</dd>",
                "{expires}",
                r#"<dt>{l_code}</dt><dd class="code">{code}</dd>"#,
                "<dt>{l_status}</dt><dd>{status}</dd>",
                "</dl></section>"
            ),
            lang = lang,
            l_holder = text(locale, "cert-page-holder"),
            holder = escape_html(&view.holder_name),
            l_course = text(locale, "cert-page-course"),
            course = escape_html(course),
            l_branch = text(locale, "cert-page-branch"),
            branch = escape_html(branch),
            l_issued = text(locale, "cert-page-issued"),
            issued = escape_html(&format_date(issued_on, locale)),
            expires = view.expires_at.map_or(String::new(), |end| format!(
                "<dt>{}</dt><dd>{}</dd>",
                text(locale, "cert-page-expires"),
                escape_html(&format_date(end.with_timezone(&view.time_zone).date_naive(), locale))
            )),
            l_code = text(locale, "cert-page-code"),
            code = escape_html(&view.code),
            l_status = text(locale, "cert-page-status"),
            status = text(locale, word),
        ));
    }
    let captions: String = languages(viewer)
        .iter()
        .map(|l| format!(r#"<p lang="{}">{}</p>"#, l.as_str(), text(*l, "cert-page-qr")))
        .collect();
    let body = format!(
        concat!(
            "<h1>{heading}</h1>",
            r#"<div class="status" role="status"><p class="mark" aria-hidden="true">{mark}</p><div class="status-texts">{status}</div></div>"#,
            r#"<div class="columns">{columns}</div>"#,
            r#"<figure class="qr-block">{qr}<figcaption>{captions}<p><span class="url">{url}</span></p></figcaption></figure>"#
        ),
        heading = both_spans(viewer, "cert-page-heading"),
        mark = if view.status_valid && !view.expired { "✓" } else { "✗" },
        status = status,
        columns = columns,
        qr = qr_svg(&view.verify_url),
        captions = captions,
        url = escape_html(&view.verify_url),
    );
    // An expired certificate is shown like a revoked one: not in force.
    let class = if view.status_valid && !view.expired { "valid" } else { "revoked" };
    document(viewer, &both_title(viewer, "cert-page-title"), class, &body)
}

/// The page for a code that matches no certificate (served with 404).
/// `code` is what the visitor asked for, shown back escaped.
pub(crate) fn render_not_found_page(code: &str, viewer: Locale) -> String {
    let parts: String = languages(viewer)
        .iter()
        .map(|l| {
            format!(
                r#"<section lang="{}"><p>{}</p><p>{}</p></section>"#,
                l.as_str(),
                escape_html(&i18n::t(*l, "cert-not-found-body", &[("code", Arg::from(code))])),
                text(*l, "cert-not-found-hint"),
            )
        })
        .collect();
    let body = format!(
        r#"<h1>{}</h1><div class="columns">{parts}</div>"#,
        both_spans(viewer, "cert-not-found-title"),
    );
    document(viewer, &both_title(viewer, "cert-not-found-title"), "not-found", &body)
}

/// The page for a visitor over the rate limit (served with 429 and
/// `Retry-After`): the same bilingual frame, with the wait in minutes or
/// seconds so a person knows when to reload.
pub(crate) fn render_busy_page(seconds: u64, viewer: Locale) -> String {
    let parts: String = languages(viewer)
        .iter()
        .map(|l| {
            format!(
                r#"<section lang="{}"><p>{}</p></section>"#,
                l.as_str(),
                escape_html(&i18n::t(*l, "cert-busy-body", &[("seconds", Arg::from(seconds))])),
            )
        })
        .collect();
    let body = format!(
        r#"<h1>{}</h1><div class="columns">{parts}</div>"#,
        both_spans(viewer, "cert-busy-title")
    );
    document(viewer, &both_title(viewer, "cert-busy-title"), "busy", &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const URL: &str = "https://academy.example/verify/BKK-7F3K-9QPX";

    #[test]
    fn the_policy_allows_exactly_the_inline_stylesheet() {
        use base64::Engine;
        use sha2::{Digest, Sha256};
        let html = render_verify_page(&view(), Locale::Th);
        let css = html.split("<style>").nth(1).unwrap().split("</style>").next().unwrap();
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()));
        let policy = content_security_policy();
        assert!(policy.contains(&format!("style-src 'sha256-{hash}'")), "{policy}");
        assert!(policy.starts_with("default-src 'none'") && !policy.contains("script"));
        assert_eq!(html.matches("<style>").count(), 1);
        assert!(!html.contains(" style="));
    }

    fn view() -> VerifyView {
        VerifyView {
            code: "BKK-7F3K-9QPX".into(),
            status_valid: true,
            expired: false,
            expires_at: None,
            revoked_reason: None,
            holder_name: "Somchai Jaidee".into(),
            course_title_zh: "高压安全".into(),
            course_title_viewer: "ความปลอดภัยระบบไฟฟ้าแรงสูง".into(),
            branch_name_zh: "智匠学院曼谷分院".into(),
            branch_name_viewer: "สถาบันจื้อเจียงกรุงเทพฯ".into(),
            // 20:00 UTC is already the next day in Bangkok (UTC+7).
            issued_at: Utc.with_ymd_and_hms(2026, 11, 27, 20, 0, 0).unwrap(),
            time_zone: chrono_tz::Asia::Bangkok,
            verify_url: URL.into(),
        }
    }

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn dates_follow_each_locale() {
        assert_eq!(format_date(date(), Locale::Th), "28 พฤศจิกายน 2569");
        assert_eq!(format_date(date(), Locale::Vi), "ngày 28 tháng 11 năm 2026");
        assert_eq!(format_date(date(), Locale::ZhCn), "2026年11月28日");
        assert_eq!(format_date(date(), Locale::En), "28 November 2026");
        let new_year = NaiveDate::from_ymd_opt(2027, 1, 3).unwrap();
        assert_eq!(format_date(new_year, Locale::En), "3 January 2027");
    }

    #[test]
    fn a_thai_viewer_sees_chinese_and_thai_with_the_buddhist_year() {
        let html = render_verify_page(&view(), Locale::Th);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains(r#"<html lang="th">"#));
        assert!(html.contains(r#"<section lang="zh-CN">"#));
        assert!(html.contains(r#"<section lang="th">"#));
        assert!(html.contains("28 พฤศจิกายน 2569"), "branch-local date");
        assert!(html.contains("2026年11月28日"));
        assert!(html.contains("高压安全") && html.contains("ความปลอดภัยระบบไฟฟ้าแรงสูง"));
        assert!(html.contains(&i18n::t(Locale::ZhCn, "cert-status-valid", &[])));
        assert!(html.contains(&i18n::t(Locale::Th, "cert-status-valid", &[])));
        assert!(!html.contains("cert-"), "every message exists");
    }

    #[test]
    fn a_chinese_viewer_gets_english_as_the_second_language() {
        let html = render_verify_page(&view(), Locale::ZhCn);
        assert!(html.contains(r#"<section lang="en">"#));
        assert!(html.contains("28 November 2026"));
        assert!(!html.contains(r#"lang="th""#));
    }

    #[test]
    fn a_malicious_holder_name_is_escaped() {
        let mut v = view();
        v.holder_name = r#"<script>alert("x")</script><img src=x onerror=alert(1)>"#.into();
        v.course_title_viewer = "A & B".into();
        let html = render_verify_page(&v, Locale::En);
        assert!(!html.contains("<script"));
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
        assert!(html.contains("A &amp; B"));
    }

    #[test]
    fn a_revoked_certificate_says_so_with_the_reason() {
        let mut v = view();
        v.status_valid = false;
        v.revoked_reason = Some("Exam <fraud>".into());
        let html = render_verify_page(&v, Locale::Vi);
        assert!(html.contains(r#"class="sheet revoked""#));
        for locale in [Locale::ZhCn, Locale::Vi] {
            assert!(html.contains(&i18n::t(locale, "cert-status-revoked", &[])));
            assert!(html.contains(&i18n::t(locale, "cert-status-revoked-detail", &[])));
        }
        assert!(html.contains("Exam &lt;fraud&gt;"));
        assert!(!html.contains(&i18n::t(Locale::Vi, "cert-status-valid", &[])));
    }

    #[test]
    fn the_page_is_self_contained() {
        let html = render_verify_page(&view(), Locale::En);
        assert!(!html.to_lowercase().contains("<script"));
        assert!(!html.contains("<link") && !html.contains("src="));
        assert!(html.contains(r#"<meta name="viewport""#));
        assert!(html.contains("@media print") && html.contains("size:A4"));
        assert!(html.contains(&qr_svg(URL)));
        // The only URL on the page is the verify URL, as text.
        let urls = html.matches("http").count();
        assert_eq!(urls, html.matches(URL).count(), "{html}");
    }

    #[test]
    fn the_not_found_page_is_bilingual_and_escapes_the_code() {
        let html = render_not_found_page("<b>NOPE</b>", Locale::Vi);
        assert!(html.contains(r#"<section lang="zh-CN">"#));
        assert!(html.contains(r#"<section lang="vi">"#));
        assert!(html.contains(&i18n::t(Locale::ZhCn, "cert-not-found-title", &[])));
        assert!(html.contains(&i18n::t(Locale::Vi, "cert-not-found-title", &[])));
        assert!(html.contains("&lt;b&gt;NOPE&lt;/b&gt;"));
        assert!(!html.contains("<b>NOPE"));
        assert!(!html.contains("<script") && !html.contains("cert-"));
    }
}
