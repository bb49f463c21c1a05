//! Issue 14, login helpers: the public branch list a sign-in picker shows.
//! No token; names in the requested language; cacheable by anyone (ETag,
//! 304, `Vary: Accept-Language`); nothing about a branch but its code, name,
//! country and default locale; headquarters left out; rate-limited.

use crate::support::{Response, TestApp, World};
use serde_json::json;

async fn picker(app: &TestApp, query: &str, accept_language: Option<&str>) -> Response {
    let mut call = app.get(&format!("/api/v1/auth/branches{query}"));
    if let Some(al) = accept_language {
        call = call.header("Accept-Language", al);
    }
    call.send().await
}

fn names(res: &Response) -> Vec<(String, String)> {
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["code"].as_str().unwrap().to_string(), b["name"].as_str().unwrap().to_string()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[actix_rt::test]
async fn the_picker_needs_no_token_speaks_the_requested_language_and_tells_nothing_else() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    // A branch with a single name, in Vietnamese only.
    let res = app
        .post("/api/v1/branches")
        .token(&world.hq.token)
        .json(
            json!({"code": "SGN", "country": "VN", "default_locale": "vi", "time_zone": "Asia/Ho_Chi_Minh",
                     "names": {"vi": "Sài Gòn"}}),
        )
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());

    let en = picker(&app, "?lang=en", None).await;
    assert_eq!(en.status, 200, "{}", en.text());
    assert_eq!(en.header("content-language").as_deref(), Some("en"));
    assert_eq!(en.header("cache-control").as_deref(), Some("public, max-age=300"));
    assert!(en.header("vary").unwrap_or_default().contains("Accept-Language"));
    assert!(!en.header("vary").unwrap_or_default().contains("Authorization"));
    // Headquarters is not a place trainees sign in: not listed.
    assert_eq!(
        names(&en),
        pairs(&[("BKK", "BKK campus"), ("HAN", "HAN campus"), ("SGN", "Sài Gòn")])
    );
    let items = en.json()["items"].clone();
    assert_eq!(
        items[0],
        json!({"code": "BKK", "name": "BKK campus", "country": "TH", "default_locale": "th"})
    );
    for item in items.as_array().unwrap() {
        let keys: Vec<&String> = item.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 4, "nothing but code, name, country, default_locale: {item}");
    }
    let text = en.text();
    for private in ["\"id\"", "time_zone", "\"names\"", "created_at", "Asia/", "local name"] {
        assert!(!text.contains(private), "{private} in {text}");
    }

    // Thai by `?lang=`, Vietnamese by Accept-Language: each branch falls
    // back to its own default, then English, then any name it has.
    let th = picker(&app, "?lang=th", Some("vi")).await;
    assert_eq!(th.header("content-language").as_deref(), Some("th"));
    assert_eq!(
        names(&th),
        pairs(&[("BKK", "BKK local name"), ("HAN", "HAN local name"), ("SGN", "Sài Gòn")])
    );
    let vi = picker(&app, "", Some("vi-VN")).await;
    assert_eq!(vi.header("content-language").as_deref(), Some("vi"));
    assert_eq!(names(&vi)[1], ("HAN".to_string(), "HAN local name".to_string()));
    let zh = picker(&app, "", Some("zh-CN")).await;
    assert_eq!(names(&zh)[0], ("BKK".to_string(), "BKK local name".to_string()));

    // A token is not needed, and a bad one changes nothing.
    let with_bad_token = app.get("/api/v1/auth/branches?lang=en").token("not-a-token").send().await;
    assert_eq!(with_bad_token.status, 200);
    assert_eq!(with_bad_token.body, en.body);
}

#[actix_rt::test]
async fn an_unchanged_list_is_answered_304_per_language_until_a_branch_changes() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let en = picker(&app, "?lang=en", None).await;
    let th = picker(&app, "?lang=th", None).await;
    let etag_en = en.header("etag").expect("an ETag");
    let etag_th = th.header("etag").expect("an ETag");
    assert_ne!(etag_en, etag_th, "each language has its own validator");

    let again = app
        .get("/api/v1/auth/branches?lang=en")
        .header("If-None-Match", &etag_en)
        .send()
        .await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag").as_deref(), Some(etag_en.as_str()));
    assert_eq!(again.header("cache-control").as_deref(), Some("public, max-age=300"));
    // The English validator does not match the Thai list.
    let other = app
        .get("/api/v1/auth/branches?lang=th")
        .header("If-None-Match", &etag_en)
        .send()
        .await;
    assert_eq!(other.status, 200);

    // A renamed branch: a new list, a new validator.
    let res = app
        .patch("/api/v1/branches/BKK")
        .token(&world.hq.token)
        .json(json!({"names": {"en": "Bangkok", "th": "กรุงเทพฯ"}}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let renamed = app
        .get("/api/v1/auth/branches?lang=en")
        .header("If-None-Match", &etag_en)
        .send()
        .await;
    assert_eq!(renamed.status, 200);
    assert_ne!(renamed.header("etag"), Some(etag_en));
    assert_eq!(names(&renamed)[0], ("BKK".to_string(), "Bangkok".to_string()));
}

#[actix_rt::test]
async fn the_picker_is_rate_limited_per_client() {
    let app = TestApp::with_config(|c| c.verify_requests_per_minute = 3).await;
    for _ in 0..3 {
        assert_eq!(picker(&app, "", None).await.status, 200);
    }
    let refused = picker(&app, "", None).await;
    refused.problem(429, "too_many_requests");
    assert!(refused.header("retry-after").is_some());
    // Another client is not affected.
    let res = app.get("/api/v1/auth/branches").peer("10.99.0.1:40000").send().await;
    assert_eq!(res.status, 200);
}
