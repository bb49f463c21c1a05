//! The frame of every page this service renders for a browser (the
//! certificate verify page, the pages behind email links): the HTML5
//! document, its one inline stylesheet, and the Content-Security-Policy that
//! allows exactly that stylesheet by its SHA-256 and nothing else. No page
//! runs a script or loads anything from anywhere; the policy and the CSS it
//! hashes are built from the same string, so they cannot drift apart.

use crate::i18n::Locale;

/// Where a page's forms may be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Forms {
    /// The page has no form (`form-action 'none'`).
    None,
    /// Forms post back to this origin (`form-action 'self'`).
    SameOrigin,
}

/// The `Content-Security-Policy` of a page whose only stylesheet is `css`.
pub(crate) fn policy(css: &str, forms: Forms) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()));
    let form_action = match forms {
        Forms::None => "'none'",
        Forms::SameOrigin => "'self'",
    };
    format!("default-src 'none'; style-src 'sha256-{hash}'; frame-ancestors 'none'; base-uri 'none'; form-action {form_action}")
}

/// The HTML5 document around a page body: `lang` on `<html>`, the viewport
/// for phones, no indexing, the one stylesheet, and `<main class="sheet …">`.
pub(crate) fn document(lang: Locale, title: &str, class: &str, css: &str, body: &str) -> String {
    format!(
        concat!(
            "<!DOCTYPE html>\n",
            r#"<html lang="{lang}"><head><meta charset="utf-8">"#,
            r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#,
            r#"<meta name="robots" content="noindex">"#,
            "<title>{title}</title><style>{style}</style></head>",
            r#"<body><main class="sheet {class}">{body}</main></body></html>"#,
            "\n"
        ),
        lang = lang.as_str(),
        title = title,
        style = css,
        class = class,
        body = body,
    )
}

/// The stylesheet of the account pages (set a password, and what follows).
pub(crate) const FORM_STYLE: &str = r#"
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;padding:0 .5rem;background:#eef1f4;color:#1b1b1b;font:17px/1.55 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans SC","PingFang SC","Microsoft YaHei","Noto Sans Thai","Leelawadee UI",sans-serif}
.sheet{max-width:34rem;margin:1rem auto;background:#fff;padding:1.25rem 1.25rem 1.75rem;border-radius:.5rem;box-shadow:0 1px 4px rgba(0,0,0,.15)}
.brand{margin:0 0 .75rem;font-weight:700;color:#0b5c8a;letter-spacing:.02em}
h1{font-size:1.45rem;line-height:1.3;margin:0 0 1rem}
h2{font-size:1.1rem;margin:0 0 .5rem}
p{margin:0 0 1rem}
.languages{margin:0 0 1rem;font-size:.95rem}
.languages ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0}
.languages a{color:#0b5c8a;padding:.25rem 0;display:inline-block}
.languages a[aria-current]{color:#1b1b1b;font-weight:700;text-decoration:none}
dl{margin:0 0 1rem;display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dt{color:#555}
dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.field{margin:0 0 1.25rem}
label{display:block;font-weight:600;margin:0 0 .25rem}
.hint{display:block;color:#555;font-size:.95rem;margin:0 0 .35rem}
.error{display:block;color:#b3261e;font-weight:600;margin:0 0 .35rem}
input{display:block;width:100%;font:inherit;padding:.6rem .7rem;border:2px solid #6b6b6b;border-radius:.3rem;background:#fff;color:inherit}
input[readonly]{background:#f2f2f2;border-color:#c4c4c4}
input[aria-invalid=true]{border-color:#b3261e;border-width:3px}
input:focus,button:focus,a:focus{outline:3px solid #f5b400;outline-offset:2px}
button{font:inherit;font-weight:700;padding:.7rem 1.4rem;border:0;border-radius:.3rem;background:#0b5c8a;color:#fff;cursor:pointer;min-height:2.75rem}
button:hover{background:#084a70}
.summary{border:3px solid #b3261e;border-radius:.4rem;padding:.85rem 1rem;margin:0 0 1.25rem;background:#fde8e7}
.summary ul{margin:0;padding-left:1.2rem}
.summary a{color:#6f140e;font-weight:600}
.done .status{border:3px solid #1e7b3c;background:#e6f5ea;color:#0d4a22;border-radius:.4rem;padding:.85rem 1rem;margin:0 0 1.25rem}
.invalid .status{border:3px solid #8a6d00;background:#fff6d6;border-radius:.4rem;padding:.85rem 1rem;margin:0 0 1.25rem}
.code{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;letter-spacing:.06em}
"#;

/// The policy of the account pages: [`FORM_STYLE`], forms to this origin.
pub(crate) fn form_page_policy() -> &'static str {
    static POLICY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| policy(FORM_STYLE, Forms::SameOrigin));
    &POLICY
}
