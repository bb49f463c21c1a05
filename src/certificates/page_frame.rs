//! The frame of the public certificate pages (`page`): the HTML5 document,
//! its one inline stylesheet, and the Content-Security-Policy that allows
//! exactly that stylesheet and nothing else. Kept apart from the page
//! content so that the policy and the CSS it hashes change together; the
//! document and the policy are the shared ones of `crate::pages::frame`.

use crate::i18n::Locale;
use crate::pages::frame;

pub(crate) const STYLE: &str = r#"
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#eef1f4;color:#1b1b1b;font:16px/1.55 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans SC","PingFang SC","Microsoft YaHei","Noto Sans Thai","Leelawadee UI",sans-serif}
.sheet{max-width:52rem;margin:1rem auto;background:#fff;padding:1.25rem;border-radius:.5rem;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.3rem;margin:0 0 1rem;display:flex;flex-wrap:wrap;gap:.2rem 1rem}
.status{display:flex;gap:1rem;align-items:flex-start;padding:1rem;border:3px solid;border-radius:.5rem;margin:0 0 1.25rem}
.valid .status{background:#e6f5ea;border-color:#1e7b3c;color:#0d4a22}
.revoked .status{background:#fde8e7;border-color:#b3261e;color:#6f140e}
.mark{font-size:2.6rem;line-height:1;font-weight:700;margin:0}
.status-texts{display:grid;gap:.75rem}
.status-texts p{margin:0}
.status strong{display:block;font-size:1.6rem;line-height:1.2}
.reason{display:block;font-weight:600;margin-top:.25rem}
.columns{display:grid;grid-template-columns:1fr;gap:.5rem 2rem}
@media (min-width:40rem){.columns{grid-template-columns:1fr 1fr}}
dl{margin:0}
dt{font-size:.85rem;color:#555;margin-top:.7rem}
dd{margin:0;font-size:1.1rem;font-weight:600;overflow-wrap:anywhere}
.code{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;letter-spacing:.06em}
.qr-block{display:flex;flex-wrap:wrap;align-items:center;gap:1rem 1.5rem;margin:1.5rem 0 0;padding-top:1rem;border-top:1px solid #ddd}
.qr{display:block;width:min(60vw,12rem);height:auto;aspect-ratio:1}
figcaption{flex:1 1 14rem;font-size:.9rem;display:grid;gap:.4rem}
figcaption p{margin:0}
.url{font-family:ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}
@page{size:A4;margin:15mm}
@media print{
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{background:#fff;font-size:11pt}
.sheet{box-shadow:none;border-radius:0;margin:0;max-width:none;padding:0}
.columns{grid-template-columns:1fr 1fr}
.qr{width:40mm}
.status,.qr-block,section{break-inside:avoid}
}
"#;

/// The `Content-Security-Policy` of these pages: the one inline stylesheet,
/// allowed by its SHA-256; no scripts, nothing loaded from anywhere, no
/// framing, no forms. (The QR code is inline SVG markup, not an image.)
pub(crate) fn content_security_policy() -> &'static str {
    static POLICY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| frame::policy(STYLE, frame::Forms::None));
    &POLICY
}

/// The HTML5 document around a page body.
pub(crate) fn document(viewer: Locale, title: &str, class: &str, body: &str) -> String {
    frame::document(viewer, title, class, STYLE, body)
}
