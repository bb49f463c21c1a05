//! Issue 17, review items 1-3, 8 and 16: every answer speaks the caller's
//! language, including those no handler wrote (the idempotency layer,
//! routing, extractors), and never leaks a library's English.

use crate::support::{TestApp, World};
use serde_json::json;

const END_ALL: &str = "/api/v1/users/me/sessions/end-all";

#[actix_rt::test]
async fn idempotency_refusals_speak_the_callers_language_with_their_arguments() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let token = &world.bkk_trainee.token;

    let long = "k".repeat(256);
    let res = app.post(END_ALL).token(token).header("Idempotency-Key", &long).send().await;
    let doc = res.problem(422, "validation_failed");
    assert_eq!(res.header("content-language").as_deref(), Some("th"));
    assert_eq!(doc["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(doc["errors"][0]["code"], "too_long");
    let message = doc["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("255") && !message.contains('{'), "{message}");
    assert!(message.chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c)), "Thai: {message}");

    // A blank key is missing, not too long.
    let res = app.post(END_ALL).token(token).header("Idempotency-Key", "   ").send().await;
    let doc = res.problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["code"], "required");
    assert_eq!(res.header("content-language").as_deref(), Some("th"));

    // Vietnamese for the Hanoi trainee, with the same rules.
    let res = app
        .post(END_ALL)
        .token(&world.han_trainee.token)
        .header("Idempotency-Key", &long)
        .send()
        .await;
    res.problem(422, "validation_failed");
    assert_eq!(res.header("content-language").as_deref(), Some("vi"));
}

#[actix_rt::test]
async fn routing_errors_know_the_saved_language_even_on_a_cold_node() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    // Another process: no key or standing cached yet, and no handler runs.
    let cold = app.another_node(|_| {}).await;
    let token = &world.han_trainee.token;

    let res = cold.get("/api/v1/no-such-thing").token(token).send().await;
    res.problem(404, "not_found");
    assert_eq!(res.header("content-language").as_deref(), Some("vi"));

    let res = cold.delete("/api/v1/users/me").token(token).send().await;
    res.problem(405, "method_not_allowed");
    assert_eq!(res.header("content-language").as_deref(), Some("vi"));
    assert!(res.header("allow").is_some());

    let res = cold.get("/api/v1/courses/not-a-uuid").token(token).send().await;
    res.problem(404, "not_found");
    assert_eq!(res.header("content-language").as_deref(), Some("vi"));

    // Without a token (or with a bad one) the default stays English.
    let res = cold.get("/api/v1/no-such-thing").token("garbage").send().await;
    res.problem(404, "not_found");
    assert_eq!(res.header("content-language").as_deref(), Some("en"));
}

#[actix_rt::test]
async fn a_language_change_speaks_from_the_next_request_with_the_same_token() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let token = &world.bkk_trainee.token;
    let res = app.get("/api/v1/no-such-thing").token(token).send().await;
    assert_eq!(res.header("content-language").as_deref(), Some("th"));

    let res = app
        .patch("/api/v1/users/me")
        .token(token)
        .json(json!({"locale": "zh-CN"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    for path in ["/api/v1/no-such-thing", "/api/v1/courses/not-a-uuid"] {
        let res = app.get(path).token(token).send().await;
        res.problem(404, "not_found");
        assert_eq!(res.header("content-language").as_deref(), Some("zh-CN"), "{path}");
    }
}

#[actix_rt::test]
async fn bad_query_parameters_name_the_parameter_and_leak_no_parser_text() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let res = app
        .get("/api/v1/users/me/attempts?exam_id=nope")
        .token(&world.bkk_trainee.token)
        .send()
        .await;
    let doc = res.problem(400, "invalid_query");
    assert_eq!(res.header("content-language").as_deref(), Some("th"));
    assert_eq!(doc["errors"][0]["field"], "exam_id");
    let text = doc.to_string();
    for leak in ["deserialize", "UUID", "parsing", "invalid character", "Query"] {
        assert!(!text.contains(leak), "{leak} leaked: {text}");
    }
}

#[actix_rt::test]
async fn language_tags_are_decoded_and_chinese_scripts_map_to_simplified() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/no-such-thing?lang=zh%2DCN").send().await;
    assert_eq!(res.header("content-language").as_deref(), Some("zh-CN"));
    for (header, expected) in [
        ("zh-Hans-HK", "zh-CN"),
        ("zh-SG", "zh-CN"),
        ("zh-TW", "zh-CN"),
        ("zh-Hant, en;q=0.5", "en"),
        ("zh-HK, fr;q=0.9", "zh-CN"),
    ] {
        let res = app.get("/api/v1/no-such-thing").header("Accept-Language", header).send().await;
        res.problem(404, "not_found");
        assert_eq!(res.header("content-language").as_deref(), Some(expected), "{header}");
    }
}

#[actix_rt::test]
async fn a_buddhist_era_year_is_refused_naming_the_likely_mistake() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (exam, _) = crate::support::exams::exam_with_bkk_trainee(&app, &world).await;
    let admin = &world.bkk_admin.token;
    let before = crate::support::rows::count(&app, "cohorts").await;
    let body =
        json!({"course_id": exam["course_id"], "name": "รุ่นที่ 2/2569", "starts_on": "2569-03-01", "ends_on": "2569-06-30", "capacity": 20});
    let res = app.post("/api/v1/branches/BKK/cohorts").token(admin).json(body).send().await;
    let doc = res.problem(422, "validation_failed");
    assert_eq!(res.header("content-language").as_deref(), Some("th"));
    assert_eq!(doc["errors"][0]["field"], "starts_on");
    assert_eq!(doc["errors"][0]["code"], "buddhist_era_year");
    let message = doc["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("พ.ศ.") && message.contains("ค.ศ.") && message.contains("2026") && message.contains("2569"),
        "{message}"
    );
    assert!(!message.contains("2,"), "years are not grouped: {message}");
    assert_eq!(crate::support::rows::count(&app, "cohorts").await, before, "nothing stored");

    let body = json!({"course_id": exam["course_id"], "name": "x", "starts_on": "0026-03-01", "ends_on": "2026-06-30", "capacity": 20});
    let doc = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(admin)
        .json(body)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["code"], "implausible_year");
    assert_eq!(zhijiang::i18n::misses().1, 0, "no message fell back to English");
}
