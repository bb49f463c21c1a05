//! Small pieces of HTML shared by the pages: escaping, links with a query,
//! and the language switcher (plain links, no script).

use crate::i18n::{self, Arg, Locale};

/// Escapes text for HTML content and double-quoted attribute values.
pub(crate) use crate::text::escape_html as escape;

/// A message in `locale`, escaped. Arguments (a display name, an email) are
/// formatted into the message first and escaped with it.
pub(crate) fn t(locale: Locale, id: &str, args: &[(&str, Arg)]) -> String {
    escape(&i18n::t(locale, id, args))
}

/// A relative link to `path` with a form-encoded query, escaped for an
/// attribute. Relative, so the pages work under a `PUBLIC_URL` with a path.
pub(crate) fn link(path: &str, query: &[(&str, &str)]) -> String {
    let query = serde_urlencoded::to_string(query).unwrap_or_default();
    if query.is_empty() {
        escape(path)
    } else {
        escape(&format!("{path}?{query}"))
    }
}

/// The language switcher: one link per locale, each named in its own
/// language (and marked with it), the current one `aria-current`. `query`
/// is what the link keeps besides `lang` (the token of the page).
pub(crate) fn language_switcher(current: Locale, path: &str, query: &[(&str, &str)]) -> String {
    let items: String = Locale::ALL
        .iter()
        .map(|&locale| {
            let mut params = query.to_vec();
            params.push(("lang", locale.as_str()));
            let current_mark = if locale == current { r#" aria-current="true""# } else { "" };
            format!(
                r#"<li><a href="{href}" hreflang="{tag}" lang="{tag}"{current_mark}>{name}</a></li>"#,
                href = link(path, &params),
                tag = locale.as_str(),
                name = t(locale, "page-language-name", &[]),
            )
        })
        .collect();
    format!(
        r#"<nav class="languages" aria-label="{label}"><ul>{items}</ul></nav>"#,
        label = t(current, "page-languages", &[]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn links_encode_their_query() {
        assert_eq!(
            link("accept-invite", &[("token", "a b&c"), ("lang", "th")]),
            "accept-invite?token=a+b%26c&amp;lang=th"
        );
        assert_eq!(link("accept-invite", &[]), "accept-invite");
    }

    #[test]
    fn the_switcher_names_each_language_in_itself() {
        let nav = language_switcher(Locale::Vi, "accept-invite", &[("token", "T")]);
        assert!(
            nav.contains(r#"href="accept-invite?token=T&amp;lang=th" hreflang="th" lang="th">ไทย</a>"#),
            "{nav}"
        );
        assert!(nav.contains(r#"lang="vi" aria-current="true">Tiếng Việt</a>"#), "{nav}");
        assert!(nav.contains(">中文<") && nav.contains(">English<"));
        assert_eq!(nav.matches("aria-current").count(), 1);
    }
}
