//! A short, harmless label for the device a session was started from
//! ("Chrome on Android"), derived from the User-Agent at sign-in.
//!
//! The User-Agent is whatever the client sends. Only a bounded prefix of it
//! is read, and the label is built from a fixed vocabulary (browser and
//! system names known here) or, failing that, from the first product name
//! reduced to ASCII letters, digits, `.`, `_` and `-`: no control character,
//! markup or other text of the client's ever reaches the label.

/// How much of a User-Agent is looked at.
const READ_AT_MOST: usize = 512;
/// The longest product name kept when no known browser is recognised.
const PRODUCT_AT_MOST: usize = 32;

/// The label for a User-Agent header value (`None`: nothing recognisable).
pub(crate) fn label(user_agent: Option<&str>) -> Option<String> {
    let raw = user_agent?;
    let mut end = raw.len().min(READ_AT_MOST);
    while !raw.is_char_boundary(end) {
        end -= 1;
    }
    let ua: String = raw[..end].chars().filter(|c| !c.is_control()).collect();
    let browser = browser(&ua);
    let system = system(&ua);
    match (browser, system) {
        (Some(b), Some(s)) => Some(format!("{b} on {s}")),
        (Some(b), None) => Some(b.to_string()),
        (None, Some(s)) => Some(product(&ua).map_or_else(|| s.to_string(), |p| format!("{p} on {s}"))),
        (None, None) => product(&ua),
    }
}

fn browser(ua: &str) -> Option<&'static str> {
    const KNOWN: &[(&str, &str)] = &[
        ("Edg/", "Edge"),
        ("EdgA/", "Edge"),
        ("EdgiOS/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("UCBrowser/", "UC Browser"),
        ("MicroMessenger/", "WeChat"),
        ("Zalo", "Zalo"),
        ("Line/", "LINE"),
        ("YaBrowser/", "Yandex Browser"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
    ];
    if let Some((_, name)) = KNOWN.iter().find(|(token, _)| ua.contains(token)) {
        return Some(name);
    }
    (ua.contains("Safari/") && ua.contains("Version/")).then_some("Safari")
}

fn system(ua: &str) -> Option<&'static str> {
    const KNOWN: &[(&str, &str)] = &[
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("CrOS", "ChromeOS"),
        ("Windows", "Windows"),
        ("Macintosh", "macOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    KNOWN.iter().find(|(token, _)| ua.contains(token)).map(|(_, name)| *name)
}

/// The first product name (`curl` of `curl/8.5.0`), kept only if it is
/// plain ASCII: letters, digits, `.`, `_`, `-`. Browsers' `Mozilla` says nothing.
fn product(ua: &str) -> Option<String> {
    let first = ua.split([' ', '/', '(', ';']).find(|t| !t.is_empty())?;
    let clean: String = first
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(PRODUCT_AT_MOST)
        .collect();
    (clean.chars().any(|c| c.is_ascii_alphabetic()) && clean != "Mozilla").then_some(clean)
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn common_browsers_and_apps_get_short_labels() {
        let cases = [
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
                "Chrome on Android",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari on iPhone",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
                "Firefox on Windows",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
                "Edge on macOS",
            ),
            ("curl/8.5.0", "curl"),
            ("ZhijiangApp/2.1 (Android 13)", "ZhijiangApp on Android"),
        ];
        for (ua, expected) in cases {
            assert_eq!(label(Some(ua)).as_deref(), Some(expected), "{ua}");
        }
    }

    #[test]
    fn hostile_values_never_reach_the_label() {
        assert_eq!(label(None), None);
        assert_eq!(label(Some("")), None);
        assert_eq!(label(Some("<script>alert(1)</script>")), Some("scriptalert".into()));
        assert_eq!(label(Some("\u{0}\u{1b}[31m")), Some("31m".into()));
        assert_eq!(label(Some("🙂🙂🙂")), None);
        let long = "A".repeat(100_000);
        assert_eq!(label(Some(&long)).map(|l| l.len()), Some(32));
        let evil = format!("{}Chrome/1 Android", "x".repeat(600));
        assert_eq!(
            label(Some(&evil)).as_deref(),
            Some(&"x".repeat(32)[..]),
            "only a bounded prefix is read"
        );
        for value in ["a\u{202e}b\r\nSet-Cookie: x", "Chrome/1\u{7f}\u{85} on <b>", "名前/1.0"] {
            let l = label(Some(value)).unwrap_or_default();
            assert!(
                l.chars().all(|c| c.is_ascii_alphanumeric() || " ._-".contains(c)),
                "{value:?} gave {l:?}"
            );
        }
    }
}
