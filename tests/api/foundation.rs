//! Issue 2: operations endpoints, problem documents, language negotiation.

use crate::support::TestApp;
use serde_json::json;

#[actix_rt::test]
async fn health_readiness_metrics_openapi_and_docs_answer() {
    let app = TestApp::new().await;
    let health = app.get("/healthz").send().await;
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
    let ready = app.get("/readyz").send().await;
    assert_eq!(ready.status, 200, "{}", ready.text());

    let openapi = app.get("/openapi.json").send().await;
    assert_eq!(openapi.status, 200);
    let doc = openapi.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/auth/login",
        "/api/v1/branches",
        "/api/v1/users/me",
        "/api/v1/notifications",
        "/healthz",
    ] {
        assert!(doc["paths"].get(path).is_some(), "OpenAPI lacks {path}");
    }

    let docs = app.get("/docs/").send().await;
    assert_eq!(docs.status, 200);
    assert!(docs.text().to_lowercase().contains("swagger"), "docs page is Swagger UI");
    // Its assets are served from the binary, not a CDN.
    assert!(!docs.text().contains("https://"), "docs must work without internet");
    let asset = app.get("/docs/swagger-ui.css").send().await;
    assert_eq!(asset.status, 200);

    let metrics = app.get("/metrics").send().await;
    assert_eq!(metrics.status, 200);
    let text = metrics.text();
    assert!(
        text.contains("zhijiang_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(text.contains("zhijiang_http_request_duration_seconds_bucket"));
    assert!(text.contains("zhijiang_db_pool_connections"));
    assert!(text.contains("zhijiang_outbox_pending 0"));
}

#[actix_rt::test]
async fn malformed_json_is_a_localized_400_problem() {
    let app = TestApp::new().await;
    let cases = [
        ("th", "JSON ผิดรูปแบบ"),
        ("vi", "JSON sai định dạng"),
        ("zh-CN", "JSON 格式错误"),
        ("en", "Malformed JSON"),
    ];
    for (lang, title) in cases {
        let res = app
            .post("/api/v1/auth/login")
            .header("Accept-Language", lang)
            .body("application/json", "{\"branch\": ")
            .send()
            .await;
        let doc = res.problem(400, "malformed_json");
        assert_eq!(doc["title"], title);
        assert_eq!(res.header("content-language").as_deref(), Some(lang));
    }
    // The same on an endpoint that needs authentication: the body is never read first.
    let res = app
        .post("/api/v1/branches")
        .header("Accept-Language", "th")
        .body("application/json", "{")
        .send()
        .await;
    res.problem(401, "unauthenticated");
}

#[actix_rt::test]
async fn extractor_failures_are_problem_documents() {
    let app = TestApp::new().await;
    // Wrong types name the field.
    let res = app
        .post("/api/v1/auth/login")
        .json(json!({"branch": 5, "email": "a@b.c", "password": "x"}))
        .send()
        .await;
    let doc = res.problem(400, "invalid_json");
    assert_eq!(doc["errors"][0]["field"], "branch");
    assert_eq!(doc["errors"][0]["code"], "invalid_type");
    // Missing fields too.
    let res = app.post("/api/v1/auth/login").json(json!({"branch": "HQ"})).send().await;
    let doc = res.problem(400, "invalid_json");
    assert_eq!(doc["errors"][0]["code"], "required");
    // Not JSON at all.
    let res = app.post("/api/v1/auth/login").body("text/plain", "hello").send().await;
    res.problem(415, "unsupported_media_type");
    // Too large.
    let huge = format!("{{\"branch\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let res = app.post("/api/v1/auth/login").body("application/json", huge).send().await;
    res.problem(413, "payload_too_large");
    // Unknown route, wrong method.
    let res = app.get("/api/v1/nothing-here").header("Accept-Language", "zh-CN").send().await;
    let doc = res.problem(404, "not_found");
    assert_eq!(doc["title"], "未找到");
    let res = app.delete("/healthz").send().await;
    res.problem(405, "method_not_allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET"));
    // A bad query value.
    let res = app.get("/api/v1/notifications?limit=abc").send().await;
    res.problem(401, "unauthenticated");
}

#[actix_rt::test]
async fn language_negotiation_follows_the_contract() {
    let app = TestApp::new().await;
    let title = |res: &crate::support::Response| res.json()["title"].as_str().unwrap().to_string();
    // q-values are honoured.
    let res = app
        .get("/nope")
        .header("Accept-Language", "fr;q=1, th;q=0.5, vi;q=0.8")
        .send()
        .await;
    assert_eq!(res.header("content-language").as_deref(), Some("vi"));
    // Aliases.
    for (tag, expected) in [
        ("zh-Hans", "zh-CN"),
        ("zh-SG", "zh-CN"),
        ("th-TH", "th"),
        ("vi-VN", "vi"),
        ("en-GB", "en"),
    ] {
        let res = app.get("/nope").header("Accept-Language", tag).send().await;
        assert_eq!(res.header("content-language").as_deref(), Some(expected), "{tag}");
    }
    // ?lang= wins over the header.
    let res = app.get("/nope?lang=th").header("Accept-Language", "vi").send().await;
    assert_eq!(res.header("content-language").as_deref(), Some("th"));
    assert_eq!(title(&res), "ไม่พบข้อมูล");
    // Nothing usable: English.
    let res = app.get("/nope").header("Accept-Language", "de-DE, fr").send().await;
    assert_eq!(res.header("content-language").as_deref(), Some("en"));
}

#[actix_rt::test]
async fn request_ids_are_echoed_or_made() {
    let app = TestApp::new().await;
    let res = app.get("/healthz").header("X-Request-Id", "trace-abc-123").send().await;
    assert_eq!(res.header("x-request-id").as_deref(), Some("trace-abc-123"));
    let res = app.get("/healthz").send().await;
    let id = res.header("x-request-id").expect("a request id is made");
    assert_eq!(id.len(), 36);
    // Junk ids are replaced, not echoed.
    let res = app.get("/healthz").header("X-Request-Id", "bad id with spaces").send().await;
    assert_ne!(res.header("x-request-id").as_deref(), Some("bad id with spaces"));
}

#[actix_rt::test]
async fn json_is_compressed_for_clients_that_ask() {
    let app = TestApp::new().await;
    let res = app.get("/openapi.json").header("Accept-Encoding", "gzip").send().await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-encoding").as_deref(), Some("gzip"));
}

#[actix_rt::test]
async fn the_openapi_document_describes_every_contract_path() {
    let app = TestApp::new().await;
    let doc = app.get("/openapi.json").send().await.json();
    let paths = doc["paths"].as_object().unwrap();
    let contract = [
        ("post", "/api/v1/auth/login"),
        ("post", "/api/v1/auth/refresh"),
        ("post", "/api/v1/auth/logout"),
        ("post", "/api/v1/auth/accept-invite"),
        ("get", "/api/v1/branches/{code}/jwks.json"),
        ("post", "/api/v1/branches/{code}/keys/rotate"),
        ("post", "/api/v1/branches"),
        ("get", "/api/v1/branches"),
        ("get", "/api/v1/branches/{code}"),
        ("patch", "/api/v1/branches/{code}"),
        ("post", "/api/v1/branches/{code}/users"),
        ("get", "/api/v1/branches/{code}/users"),
        ("get", "/api/v1/users/me"),
        ("patch", "/api/v1/users/me"),
        ("post", "/api/v1/courses"),
        ("get", "/api/v1/courses"),
        ("get", "/api/v1/courses/{id}"),
        ("put", "/api/v1/courses/{id}/translations/{locale}"),
        ("post", "/api/v1/courses/{id}/lessons"),
        ("put", "/api/v1/courses/{id}/lessons/{lesson_id}"),
        ("post", "/api/v1/courses/{id}/publish"),
        ("get", "/api/v1/courses/{id}/translation-status"),
        ("post", "/api/v1/branches/{code}/cohorts"),
        ("get", "/api/v1/branches/{code}/cohorts"),
        ("get", "/api/v1/cohorts/{id}"),
        ("patch", "/api/v1/cohorts/{id}"),
        ("post", "/api/v1/cohorts/{id}/enrolments"),
        ("post", "/api/v1/cohorts/{id}/enrolments/import"),
        ("get", "/api/v1/users/me/enrolments"),
        ("post", "/api/v1/enrolments/{id}/lessons/{lesson_id}/complete"),
        ("post", "/api/v1/enrolments/{id}/withdraw"),
        ("post", "/api/v1/courses/{id}/exams"),
        ("post", "/api/v1/exams/{id}/questions"),
        ("post", "/api/v1/exams/{id}/publish"),
        ("post", "/api/v1/exams/{id}/attempts"),
        ("put", "/api/v1/attempts/{id}/answers/{question_id}"),
        ("post", "/api/v1/attempts/{id}/submit"),
        ("get", "/api/v1/attempts/{id}"),
        ("get", "/api/v1/users/me/certificates"),
        ("get", "/api/v1/certificates/{id}"),
        ("get", "/api/v1/certificates/{id}/credential"),
        ("post", "/api/v1/certificates/{id}/revoke"),
        ("get", "/verify/{code}"),
        ("get", "/api/v1/reports/completion"),
        ("get", "/api/v1/audit"),
        ("get", "/healthz"),
        ("get", "/readyz"),
        ("get", "/metrics"),
    ];
    for (method, path) in contract {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "OpenAPI lacks {method} {path}"
        );
    }
    // And every documented path answers something other than "no such route".
    for (path, item) in paths {
        let concrete = path
            .replace("{code}", "BKK")
            .replace("{locale}", "th")
            .replace(['{', '}'], "")
            .replace("id", "00000000-0000-0000-0000-000000000000")
            .replace(
                "lesson_00000000-0000-0000-0000-000000000000",
                "00000000-0000-0000-0000-000000000000",
            )
            .replace(
                "question_00000000-0000-0000-0000-000000000000",
                "00000000-0000-0000-0000-000000000000",
            );
        for method in item.as_object().unwrap().keys() {
            let call = match method.as_str() {
                "get" => app.get(&concrete),
                "post" => app.post(&concrete),
                "put" => app.put(&concrete),
                "patch" => app.patch(&concrete),
                "delete" => app.delete(&concrete),
                _ => continue,
            };
            let res = call.send().await;
            assert_ne!(res.status, 405, "{method} {path} is documented but not routed");
            assert!(res.status < 500, "{method} {path}: {}", res.text());
        }
    }
}
