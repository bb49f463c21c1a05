//! Issue 14: the pages behind email links (`/accept-invite`), over HTTP and
//! in a real browser: the form in the invited user's language, CSRF
//! protection, password rules next to the fields, invalid links, escaping,
//! headers, the language switch, and the whole flow in Chromium driven over
//! WebDriver in all four locales (with a screenshot per locale).

use crate::support::smtp::SmtpSink;
use crate::support::{Response, TestApp, World};
use serde_json::{Value, json};
use std::path::PathBuf;
use zhijiang::i18n::{self, Locale};
use zhijiang::notifications::worker::Worker;

const NEW_PASSWORD: &str = "river lantern orchid 42";

fn token_after(text: &str, marker: &str) -> String {
    text.split(marker)
        .nth(1)
        .unwrap_or_else(|| panic!("no {marker} in {text}"))
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// A fresh app whose mail goes to a real SMTP server.
async fn app_with_mail() -> (TestApp, SmtpSink, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(dir.path().to_path_buf());
    let url = sink.url();
    let app = TestApp::with_config(|c| c.smtp_url = Some(url.into())).await;
    (app, sink, dir)
}

/// The link to `page` in the latest email to `email` (waits for it).
fn link_in_mail(sink: &SmtpSink, email: &str, prefix: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let found = sink
            .messages()
            .into_iter()
            .filter(|m| m["rcpt_tos"][0] == email)
            .filter_map(|m| m["text"].as_str().map(str::to_string))
            .find(|text| text.contains(prefix));
        if let Some(text) = found {
            return format!("{prefix}{}", token_after(&text, prefix));
        }
        assert!(std::time::Instant::now() < deadline, "no email to {email} with {prefix}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Invites a trainee of BKK through the API and returns the token of the
/// link in the email the SMTP server received.
async fn invited(app: &TestApp, sink: &SmtpSink, world: &World, email: &str, locale: &str, name: &str) -> String {
    let res = app
        .post("/api/v1/branches/BKK/users")
        .token(&world.bkk_admin.token)
        .json(json!({"email": email, "display_name": name, "role": "trainee", "locale": locale}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    Worker::new(app.state.clone()).unwrap().drain_once().await.unwrap();
    let prefix = format!("{}/accept-invite?token=", app.state.config.public_url);
    let link = link_in_mail(sink, email, &prefix);
    link[prefix.len()..].to_string()
}

/// The CSRF cookie a page set (`zj_csrf=…`), and the hidden field's value.
fn csrf_of(page: &Response) -> (String, String) {
    let cookie = page
        .headers
        .get_all("set-cookie")
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("zj_csrf="))
        .unwrap_or_else(|| panic!("no CSRF cookie: {:?}", page.headers))
        .to_string();
    let value = cookie.trim_start_matches("zj_csrf=").split(';').next().unwrap().to_string();
    let field = token_after(&page.text(), r#"name="csrf" value=""#);
    (value, field)
}

async fn post_form(app: &TestApp, cookie: Option<&str>, fields: &[(&str, &str)]) -> Response {
    let body = serde_urlencoded::to_string(fields).unwrap();
    let mut call = app.post("/accept-invite");
    if let Some(value) = cookie {
        call = call.header("Cookie", &format!("theme=dark; zj_csrf={value}"));
    }
    call.body("application/x-www-form-urlencoded", body).send().await
}

async fn login_status(app: &TestApp, email: &str, password: &str) -> u16 {
    app.post("/api/v1/auth/login")
        .json(json!({"branch": "BKK", "email": email, "password": password}))
        .send()
        .await
        .status
}

#[track_caller]
fn assert_page(res: &Response, status: u16, lang: &str) {
    assert_eq!(res.status, status, "{}", res.text());
    assert_eq!(res.header("content-type").as_deref(), Some("text/html; charset=utf-8"));
    assert_eq!(res.header("content-language").as_deref(), Some(lang));
    assert!(res.text().contains(&format!(r#"<html lang="{lang}">"#)), "{}", res.text());
    assert_eq!(res.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(res.header("referrer-policy").as_deref(), Some("no-referrer"));
    let policy = res.header("content-security-policy").unwrap();
    assert!(policy.starts_with("default-src 'none'; style-src 'sha256-"), "{policy}");
    assert!(policy.contains("form-action 'self'") && !policy.contains("script"), "{policy}");
    let html = res.text().to_lowercase();
    for tag in ["<script", "<link", "<img", "<iframe", "<object"] {
        assert!(!html.contains(tag), "{tag}");
    }
    assert!(!html.contains(" style="), "the one stylesheet is the hashed one");
}

fn text(locale: Locale, id: &str) -> String {
    i18n::t(locale, id, &[])
}

#[actix_rt::test]
async fn the_invitation_page_sets_the_password_and_the_api_login_then_works() {
    let (app, sink, _mail) = app_with_mail().await;
    let world = World::build(&app).await;
    let token = invited(&app, &sink, &world, "lek@bkk.test", "th", "Lek").await;
    let page = app.get(&format!("/accept-invite?token={token}")).send().await;
    assert_page(&page, 200, "th");
    let html = page.text();
    assert!(html.contains(&text(Locale::Th, "invite-title")));
    assert!(html.contains(r#"autocomplete="new-password""#));
    assert!(html.contains(r#"<label for="password">"#) && html.contains(r#"<label for="password_confirmation">"#));
    assert!(html.contains(r#"aria-describedby="password-hint""#));
    assert!(html.contains(r#"<form method="post" action="accept-invite" novalidate>"#));
    assert!(html.contains("lek@bkk.test") && html.contains(">BKK<"));
    let cookie = page
        .headers
        .get_all("set-cookie")
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        cookie.contains("; Path=/accept-invite;") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "the test service is plain http");
    let (cookie, field) = csrf_of(&page);
    assert_eq!(cookie, field);
    assert!(cookie.len() >= 32);

    let done = post_form(
        &app,
        Some(&cookie),
        &[
            ("token", &token),
            ("csrf", &field),
            ("lang", "th"),
            ("password", NEW_PASSWORD),
            ("password_confirmation", NEW_PASSWORD),
        ],
    )
    .await;
    assert_page(&done, 200, "th");
    assert!(done.text().contains(&text(Locale::Th, "invite-done-title")), "{}", done.text());
    assert!(done.text().contains(&text(Locale::Th, "invite-done-body")));
    assert!(done.text().contains(">BKK<") && done.text().contains("lek@bkk.test"));
    assert!(done.header("set-cookie").unwrap().contains("Max-Age=0"), "the form's cookie goes");
    app.login("BKK", "lek@bkk.test", NEW_PASSWORD).await;

    // The link is spent: a page that says so, not a problem document, in
    // the language the browser asks for (the token names nobody any more).
    let again = app
        .get(&format!("/accept-invite?token={token}"))
        .header("Accept-Language", "th-TH,th;q=0.9,en;q=0.5")
        .send()
        .await;
    assert_page(&again, 410, "th");
    assert!(again.text().contains(&text(Locale::Th, "invite-invalid-title")));
    let replay = post_form(
        &app,
        Some(&cookie),
        &[
            ("token", &token),
            ("csrf", &field),
            ("password", "another long password"),
            ("password_confirmation", "another long password"),
        ],
    )
    .await;
    assert_page(&replay, 410, "en");
    assert_eq!(login_status(&app, "lek@bkk.test", "another long password").await, 401);
}

#[actix_rt::test]
async fn a_post_without_the_matching_csrf_token_is_refused_and_changes_nothing() {
    let (app, sink, _mail) = app_with_mail().await;
    let world = World::build(&app).await;
    let token = invited(&app, &sink, &world, "noi@bkk.test", "vi", "Noi").await;
    let page = app.get(&format!("/accept-invite?token={token}")).send().await;
    let (cookie, field) = csrf_of(&page);
    let other = app.get(&format!("/accept-invite?token={token}")).send().await;
    let (other_cookie, _) = csrf_of(&other);
    assert_ne!(cookie, other_cookie, "every new visitor gets their own token");
    // The page loaded again by the same browser keeps its token, so a form
    // in another tab still goes through.
    let reload = app
        .get(&format!("/accept-invite?token={token}"))
        .header("Cookie", &format!("zj_csrf={cookie}"))
        .send()
        .await;
    assert_eq!(csrf_of(&reload), (cookie.clone(), cookie.clone()));
    let form = |csrf: &'static str| -> Vec<(&'static str, String)> {
        let mut fields = vec![
            ("token", token.clone()),
            ("password", NEW_PASSWORD.to_string()),
            ("password_confirmation", NEW_PASSWORD.to_string()),
        ];
        if csrf == "field" {
            fields.push(("csrf", field.clone()));
        } else if csrf == "empty" {
            fields.push(("csrf", String::new()));
        }
        fields
    };
    type Case<'a> = (&'a str, Option<String>, Vec<(&'a str, String)>);
    let cases: Vec<Case> = vec![
        ("no cookie", None, form("field")),
        ("no field", Some(cookie.clone()), form("none")),
        ("empty field and cookie", Some(String::new()), form("empty")),
        ("another form's cookie", Some(other_cookie.clone()), form("field")),
        ("a guessed cookie", Some("x".repeat(43)), form("field")),
    ];
    for (case, cookie, fields) in cases {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = post_form(&app, cookie.as_deref(), &fields).await;
        assert_page(&res, 403, "vi");
        let html = res.text();
        assert!(html.contains(&text(Locale::Vi, "page-csrf-failed")), "{case}: {html}");
        assert!(html.contains(r#"id="password""#), "{case}: the form again");
        assert!(!html.contains(NEW_PASSWORD), "{case}: a password is never sent back");
        // A fresh token to try again with.
        let (fresh, fresh_field) = csrf_of(&res);
        assert_eq!(fresh, fresh_field);
    }
    assert_eq!(login_status(&app, "noi@bkk.test", NEW_PASSWORD).await, 401, "nothing changed");
    assert_eq!(
        app.get(&format!("/accept-invite?token={token}")).send().await.status,
        200,
        "the link still works"
    );
    let ok = post_form(
        &app,
        Some(&cookie),
        &[
            ("token", &token),
            ("csrf", &field),
            ("password", NEW_PASSWORD),
            ("password_confirmation", NEW_PASSWORD),
        ],
    )
    .await;
    assert_page(&ok, 200, "vi");
    app.login("BKK", "noi@bkk.test", NEW_PASSWORD).await;
}

#[actix_rt::test]
async fn password_rules_are_told_next_to_the_field_and_nothing_is_set() {
    let (app, sink, _mail) = app_with_mail().await;
    let world = World::build(&app).await;
    let token = invited(&app, &sink, &world, "ploy@bkk.test", "th", "Ploy").await;
    let page = app.get(&format!("/accept-invite?token={token}")).send().await;
    let (cookie, field) = csrf_of(&page);
    let send = |password: &'static str, confirmation: &'static str| {
        let (token, cookie, field) = (token.clone(), cookie.clone(), field.clone());
        let app = &app;
        async move {
            post_form(
                app,
                Some(&cookie),
                &[
                    ("token", &token),
                    ("csrf", &field),
                    ("lang", "th"),
                    ("password", password),
                    ("password_confirmation", confirmation),
                ],
            )
            .await
        }
    };
    let short = send("short", "short").await;
    assert_page(&short, 422, "th");
    let html = short.text();
    let too_short = i18n::t(Locale::Th, "field-password_too_short", &[("min", 10.into())]);
    let error = format!(
        r#"<span class="error" id="password-error"><span class="prefix">{}</span> {}</span>"#,
        text(Locale::Th, "page-error-prefix"),
        too_short
    );
    assert!(html.contains(&error), "{html}");
    assert!(
        html.contains(r#"aria-describedby="password-hint password-error" aria-invalid="true""#),
        "{html}"
    );
    assert!(html.contains(r##"<a href="#password">"##), "the summary links to the field");
    assert!(html.contains(&text(Locale::Th, "page-error-summary")));
    assert!(html.contains(&format!("<title>{} ", text(Locale::Th, "page-error-prefix"))));
    assert!(!html.contains(r#"value="short""#), "a password is never sent back");
    assert!(short.header("set-cookie").is_none(), "the form keeps its CSRF token");
    assert!(html.contains(&format!(r#"name="csrf" value="{field}""#)));

    let simple = send("aaaaaaaaaaaa", "aaaaaaaaaaaa").await;
    assert_page(&simple, 422, "th");
    assert!(simple.text().contains(&text(Locale::Th, "field-password_too_simple")));

    let mismatch = send(NEW_PASSWORD, "river lantern orchid 43").await;
    assert_page(&mismatch, 422, "th");
    let html = mismatch.text();
    assert!(
        html.contains(r#"id="password_confirmation-error""#) && !html.contains(r#"id="password-error""#),
        "{html}"
    );
    assert!(html.contains(&text(Locale::Th, "page-confirmation-mismatch")));
    assert!(
        html.contains(r#"aria-describedby="password_confirmation-error" aria-invalid="true""#),
        "{html}"
    );

    let missing = send(NEW_PASSWORD, "").await;
    assert_eq!(missing.status, 422);
    assert!(missing.text().contains(&text(Locale::Th, "page-confirmation-missing")));

    assert_eq!(login_status(&app, "ploy@bkk.test", NEW_PASSWORD).await, 401, "nothing changed");
    assert_eq!(login_status(&app, "ploy@bkk.test", "short").await, 401);
}

#[actix_rt::test]
async fn an_invalid_link_gets_a_page_in_the_visitors_language() {
    let (app, sink, _mail) = app_with_mail().await;
    let world = World::build(&app).await;
    let token = invited(&app, &sink, &world, "late@bkk.test", "th", "Late").await;
    let hostile = serde_urlencoded::to_string([("token", "<script>alert(1)</script>")]).unwrap();
    for (query, accept, lang) in [
        ("token=unknown-token-of-43-characters-xxxxxxxxxxxxx".to_string(), None, "en"),
        (String::new(), Some("vi-VN,vi;q=0.9"), "vi"),
        ("token=".to_string(), Some("zh-Hans"), "zh-CN"),
        (hostile.clone(), Some("th"), "th"),
        (format!("{hostile}&lang=zh-CN"), Some("th"), "zh-CN"),
    ] {
        let mut call = app.get(&format!("/accept-invite?{query}"));
        if let Some(accept) = accept {
            call = call.header("Accept-Language", accept);
        }
        let res = call.send().await;
        assert_page(&res, 410, lang);
        let locale = Locale::from_tag(lang).unwrap();
        let html = res.text();
        assert!(html.contains(&text(locale, "invite-invalid-title")), "{html}");
        assert!(html.contains(&text(locale, "invite-invalid-hint")));
        assert!(!html.contains("<script") && !html.contains("alert"), "the token is not echoed");
        assert!(res.header("set-cookie").is_none(), "no form, no CSRF cookie");
    }
    // An expired invitation.
    app.state.clock.advance(chrono::Duration::days(8));
    let res = app.get(&format!("/accept-invite?token={token}")).send().await;
    assert_page(&res, 410, "en");
    // A post for an invalid link is that page too, not a problem document.
    let res = post_form(&app, Some("abc"), &[("token", &token), ("csrf", "abc"), ("lang", "vi")]).await;
    assert_page(&res, 410, "vi");
    let res = app
        .post("/accept-invite")
        .body("application/json", r#"{"token": "x"}"#)
        .send()
        .await;
    assert_page(&res, 410, "en");
}

#[actix_rt::test]
async fn a_hostile_display_name_is_escaped() {
    let (app, sink, _mail) = app_with_mail().await;
    let world = World::build(&app).await;
    let name = r#"<script>alert("x")</script><img src=x onerror=alert(1)> & "Tom's""#;
    let token = invited(&app, &sink, &world, "hostile@bkk.test", "en", name).await;
    let page = app.get(&format!("/accept-invite?token={token}")).send().await;
    assert_page(&page, 200, "en");
    let html = page.text();
    assert!(
        html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Tom&#39;s&quot;"),
        "{html}"
    );
    assert!(!html.contains("<img") && !html.to_lowercase().contains("<script"));
    // Also on a re-rendered form.
    let (cookie, field) = csrf_of(&page);
    let res = post_form(&app, Some(&cookie), &[("token", &token), ("csrf", &field), ("password", "x")]).await;
    assert_eq!(res.status, 422);
    assert!(!res.text().contains("<img") && res.text().contains("&lt;img"));
}

#[actix_rt::test]
async fn the_page_speaks_the_users_language_and_switches_with_links() {
    let (app, sink, _mail) = app_with_mail().await;
    let world = World::build(&app).await;
    let token = invited(&app, &sink, &world, "minh.bkk@bkk.test", "vi", "Minh").await;
    // The saved locale wins over the browser's.
    let page = app
        .get(&format!("/accept-invite?token={token}"))
        .header("Accept-Language", "en")
        .send()
        .await;
    assert_page(&page, 200, "vi");
    let html = page.text();
    assert!(html.contains(&text(Locale::Vi, "invite-title")));
    assert!(html.contains(&format!(
        r#"<nav class="languages" aria-label="{}">"#,
        text(Locale::Vi, "page-languages")
    )));
    for (tag, name) in [("zh-CN", "中文"), ("en", "English"), ("th", "ไทย"), ("vi", "Tiếng Việt")] {
        let link = format!(r#"<a href="accept-invite?token={token}&amp;lang={tag}" hreflang="{tag}" lang="{tag}""#);
        assert!(html.contains(&link), "{link} in {html}");
        assert!(html.contains(&format!(">{name}</a>")));
    }
    assert!(html.contains(r#"lang="vi" aria-current="true">Tiếng Việt</a>"#));
    // Following a link: the page in that language, the form remembers it.
    for (tag, locale) in [("zh-CN", Locale::ZhCn), ("th", Locale::Th), ("en", Locale::En)] {
        let switched = app.get(&format!("/accept-invite?token={token}&lang={tag}")).send().await;
        assert_page(&switched, 200, tag);
        let html = switched.text();
        assert!(html.contains(&text(locale, "invite-title")));
        assert!(html.contains(&text(locale, "page-password")));
        assert!(html.contains(&format!(r#"<input type="hidden" name="lang" value="{tag}">"#)));
        assert!(html.contains(&i18n::t(locale, "invite-intro", &[("name", "Minh".into())])));
    }
    let (cookie, field) = csrf_of(&page);
    let res = post_form(
        &app,
        Some(&cookie),
        &[("token", &token), ("csrf", &field), ("lang", "zh-CN"), ("password", "x")],
    )
    .await;
    assert_page(&res, 422, "zh-CN");
    assert!(
        res.text()
            .contains(&i18n::t(Locale::ZhCn, "field-password_too_short", &[("min", 10.into())]))
    );
}

/// Where the browser test keeps its screenshots: `ZHIJIANG_SCREENSHOT_DIR`,
/// or `screenshots/` in Cargo's target directory.
fn screenshot_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("ZHIJIANG_SCREENSHOT_DIR") {
        return PathBuf::from(dir);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("screenshots")
}

/// Fills in the page at `url` in Chromium over WebDriver (see
/// tests/support/set_password_browser.py); what the browser saw.
async fn in_browser(url: String, password: &str, shots: PathBuf) -> Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/set_password_browser.py");
    let password = password.to_string();
    // Off the test's thread: the service answers the browser meanwhile.
    let out = tokio::task::spawn_blocking(move || {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        std::process::Command::new(python)
            .arg(script)
            .args(["--url", &url, "--password", &password, "--shots"])
            .arg(&shots)
            .output()
            .expect("python3 with selenium is needed: pip install -r tests/requirements.txt")
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "the browser run failed (Chromium and chromium-driver are needed: apt-get install chromium chromium-driver):\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[actix_rt::test]
async fn the_invitation_page_works_in_a_real_browser_in_every_locale() {
    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(sink_dir.path().to_path_buf());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let smtp = sink.url();
    let app = TestApp::with_config(|c| {
        c.smtp_url = Some(smtp.into());
        c.public_url = format!("http://127.0.0.1:{port}");
    })
    .await;
    let world = World::build(&app).await;
    let server = crate::support::serve(&app, listener);
    let shots = screenshot_dir();
    std::fs::create_dir_all(&shots).unwrap();
    for locale in Locale::ALL {
        let email = format!("browser.{}@bkk.test", locale.as_str().to_lowercase());
        let res = app
            .post("/api/v1/branches/BKK/users")
            .token(&world.bkk_admin.token)
            .json(json!({"email": email, "display_name": format!("Trainee {}", locale.as_str()), "role": "trainee", "locale": locale.as_str()}))
            .send()
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        Worker::new(app.state.clone()).unwrap().drain_once().await.unwrap();
        let link = link_in_mail(&sink, &email, &format!("http://127.0.0.1:{port}/accept-invite?token="));

        let seen = in_browser(link, NEW_PASSWORD, shots.join(format!("accept-invite-{}", locale.as_str()))).await;
        let tag = locale.as_str();
        assert_eq!(seen["form_lang"], tag, "{seen}");
        assert_eq!(seen["form_title"], i18n::t(locale, "invite-title", &[]));
        assert_eq!(seen["password_label"], i18n::t(locale, "page-password", &[]));
        assert_eq!(seen["password_autocomplete"], "new-password");
        assert_eq!(seen["languages"], json!(["中文", "English", "ไทย", "Tiếng Việt"]));
        assert_eq!(seen["error_invalid"], "true");
        assert_eq!(
            seen["error_described_by"][0].as_str().unwrap(),
            format!(
                "{} {}",
                i18n::t(locale, "page-error-prefix", &[]),
                i18n::t(locale, "page-confirmation-mismatch", &[])
            ),
            "{seen}"
        );
        assert_eq!(seen["done_lang"], tag);
        assert_eq!(seen["done_title"], i18n::t(locale, "invite-done-title", &[]));
        let done = seen["done_text"].as_str().unwrap();
        assert!(done.contains("BKK") && done.contains(&email), "{done}");
        assert!(!seen["cookies"].as_array().unwrap().iter().any(|c| c == "zj_csrf"), "{seen}");
        for part in ["form", "error", "done"] {
            let png = std::fs::read(shots.join(format!("accept-invite-{tag}-{part}.png"))).unwrap();
            assert!(
                png.starts_with(b"\x89PNG") && png.len() > 10_000,
                "a screenshot with text ({} bytes)",
                png.len()
            );
        }
        // The new password logs in through the API.
        app.login("BKK", &email, NEW_PASSWORD).await;
    }
    server.stop(true).await;
}

/// Asks for a reset of a World user through the API; the link's token.
async fn reset_link(app: &TestApp, sink: &SmtpSink, email: &str) -> String {
    let res = app
        .post("/api/v1/auth/password-reset")
        .json(json!({"branch": "BKK", "email": email}))
        .send()
        .await;
    assert_eq!(res.status, 202, "{}", res.text());
    Worker::new(app.state.clone()).unwrap().drain_once().await.unwrap();
    link_in_mail(sink, email, &format!("{}/reset-password?token=", app.state.config.public_url))
}

#[actix_rt::test]
async fn the_reset_page_sets_a_new_password_and_refuses_a_forged_post() {
    let (app, sink, _mail) = app_with_mail().await;
    let world = World::build(&app).await;
    let link = reset_link(&app, &sink, "somchai@bkk.test").await;
    let token = token_after(&link, "token=");
    let page = app.get(&format!("/reset-password?token={token}")).send().await;
    assert_page(&page, 200, "th");
    assert!(page.text().contains(&text(Locale::Th, "reset-title")));
    let (cookie, field) = csrf_of(&page);
    let post = |cookie: Option<String>| {
        let body = serde_urlencoded::to_string([
            ("token", token.as_str()),
            ("csrf", field.as_str()),
            ("password", NEW_PASSWORD),
            ("password_confirmation", NEW_PASSWORD),
        ])
        .unwrap();
        let mut call = app.post("/reset-password");
        if let Some(c) = cookie {
            call = call.header("Cookie", &format!("zj_csrf={c}"));
        }
        call.body("application/x-www-form-urlencoded", body).send()
    };
    assert_page(&post(None).await, 403, "th");
    assert_eq!(login_status(&app, "somchai@bkk.test", NEW_PASSWORD).await, 401);
    let done = post(Some(cookie)).await;
    assert_page(&done, 200, "th");
    assert!(done.text().contains(&text(Locale::Th, "reset-done-title")));
    app.login("BKK", "somchai@bkk.test", NEW_PASSWORD).await;
    // The old access token is ended by the reset.
    assert_eq!(app.get("/api/v1/users/me").token(&world.bkk_trainee.token).send().await.status, 401);
    let again = app.get(&format!("/reset-password?token={token}")).send().await;
    assert_page(&again, 410, "en");
    assert!(again.text().contains(&text(Locale::En, "reset-invalid-title")));
}

#[actix_rt::test]
async fn the_reset_page_works_in_a_real_browser_in_every_locale() {
    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(sink_dir.path().to_path_buf());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let smtp = sink.url();
    let app = TestApp::with_config(|c| {
        c.smtp_url = Some(smtp.into());
        c.public_url = format!("http://127.0.0.1:{port}");
    })
    .await;
    let world = World::build(&app).await;
    let server = crate::support::serve(&app, listener);
    let shots = screenshot_dir();
    std::fs::create_dir_all(&shots).unwrap();
    for locale in Locale::ALL {
        let tag = locale.as_str();
        let email = format!("reset.{}@bkk.test", tag.to_lowercase());
        crate::support::world::create_user(
            &app,
            &world.bkk_admin.token,
            "BKK",
            &email,
            "trainee",
            tag,
            Some(crate::support::world::PASSWORD),
        )
        .await;
        let link = reset_link(&app, &sink, &email).await;
        let seen = in_browser(link, NEW_PASSWORD, shots.join(format!("reset-password-{tag}"))).await;
        assert_eq!(seen["form_lang"], tag, "{seen}");
        assert_eq!(seen["form_title"], i18n::t(locale, "reset-title", &[]));
        assert_eq!(seen["done_title"], i18n::t(locale, "reset-done-title", &[]));
        app.login("BKK", &email, NEW_PASSWORD).await;
    }
    server.stop(true).await;
}
