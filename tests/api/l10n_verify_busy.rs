//! Issue 17, review item 16: a browser over the verify page's rate limit
//! gets a page in its language like the page's other answers, not JSON;
//! JSON clients keep the problem document.

use crate::support::TestApp;

#[actix_rt::test]
async fn a_browser_over_the_verify_limit_gets_a_localized_page_with_the_wait() {
    let app = TestApp::with_config(|c| c.verify_requests_per_minute = 2).await;
    let browser = |lang: &'static str| {
        app.get("/verify/BKK-0000-0000")
            .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
            .header("Accept-Language", lang)
    };
    for _ in 0..2 {
        assert_eq!(browser("vi").send().await.status, 404);
    }
    let res = browser("vi").send().await;
    assert_eq!(res.status, 429);
    assert!(
        res.header("content-type").unwrap().starts_with("text/html"),
        "{:?}",
        res.header("content-type")
    );
    assert_eq!(res.header("content-language").as_deref(), Some("vi"));
    let wait: u64 = res.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(res.header("content-security-policy").is_some());
    let vary = res.header("vary").unwrap_or_default().to_ascii_lowercase();
    assert!(vary.contains("accept") && vary.contains("accept-language"), "{vary}");
    let html = res.text();
    assert!(html.contains(r#"lang="vi""#) && html.contains(r#"lang="zh-CN""#), "{html}");
    assert!(html.contains("Tra cứu quá nhiều lần") && html.contains("查验次数过多"), "{html}");
    assert!(html.contains(&format!("{wait} giây")), "the wait in Vietnamese: {html}");
    let body = html.split("</style>").nth(1).unwrap_or_default();
    assert!(!body.contains('{'), "no raw placeables: {body}");

    // English, with its plural, for an English browser.
    let html = browser("en").send().await.text();
    assert!(html.contains("Too many checks") && html.contains("second"), "{html}");

    // A JSON client keeps the problem document, in its language.
    let res = app
        .get("/verify/BKK-0000-0000")
        .header("Accept", "application/json")
        .header("Accept-Language", "th")
        .send()
        .await;
    res.problem(429, "too_many_requests");
    assert_eq!(res.header("content-language").as_deref(), Some("th"));
    assert!(res.header("retry-after").is_some());
    assert_eq!(zhijiang::i18n::misses().1, 0, "no message fell back to English");
}
