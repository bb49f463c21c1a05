//! Issue 12 (items 2, 4, 16, 17, 18): the CSV import at scale and at its
//! cap, the idempotency layer kept to authenticated callers on matched
//! routes, security headers, the bounded catalogue cache, and content
//! negotiation on the verify route.

use crate::support::catalogue::{bkk_cohort, published_course};
use crate::support::exams::{options, published_exam, right_answer};
use crate::support::world::PASSWORD;
use crate::support::{Response, TestApp, World};
use serde_json::{Value, json};

async fn import(app: &TestApp, token: &str, cohort: &str, body: String) -> Response {
    app.post(&format!("/api/v1/cohorts/{cohort}/enrolments/import"))
        .token(token)
        .header("Accept-Language", "th")
        .body("text/csv", body)
        .send()
        .await
}

async fn enrolled(app: &TestApp, world: &World, cohort: &str) -> i64 {
    let c = app
        .get(&format!("/api/v1/cohorts/{cohort}"))
        .token(&world.bkk_admin.token)
        .send()
        .await
        .json();
    c["enrolled"].as_i64().unwrap()
}

fn rows_and_codes(list: &Value) -> Vec<(i64, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|f| (f["row"].as_i64().unwrap(), f["code"].as_str().unwrap().to_string()))
        .collect()
}

// ---- item 2: CSV import ----

#[actix_rt::test]
async fn import_row_numbers_hold_with_crlf_blank_lines_and_multi_line_cells() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let cohort = bkk_cohort(&app, &world, 50).await;
    // Multi-line cells sit in an extra column (ignored by the import), so
    // that the names themselves stay plain.
    let lines = [
        "email,display_name,locale,note",
        "one@bkk.test,Somchai,th,\"first\r\nsecond\"",
        "",
        "not-an-email,Nobody,th,",
        "two@bkk.test,\"Two, Quoted\",en,\"three",
        "line",
        "note\"",
        "three@bkk.test,Short row,th",
        "\r",
        "four@bkk.test,Four,klingon,",
        "five@bkk.test,Five,vi,\"\"\"quoted\"\"\"",
    ];
    let file = lines.join("\r\n") + "\r\n";
    let res = import(&app, &world.bkk_admin.token, &cohort, file).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let report = res.json();
    assert_eq!((report["created"].as_i64(), report["enrolled"].as_i64()), (Some(3), Some(3)));
    assert_eq!(
        rows_and_codes(&report["failed"]),
        vec![
            (5, "invalid_email".to_string()),
            (9, "wrong_column_count".to_string()),
            (11, "unknown_locale".to_string())
        ],
        "{report}"
    );
    // Messages name the same line, in the caller's language.
    assert!(report["failed"][1]["message"].as_str().unwrap().contains('9'));
    // The same file again enrols nobody twice.
    let again = import(&app, &world.bkk_admin.token, &cohort, lines.join("\r\n")).await.json();
    assert_eq!((again["created"].as_i64(), again["enrolled"].as_i64()), (Some(0), Some(0)));
    assert_eq!(
        rows_and_codes(&again["skipped"]),
        vec![
            (2, "already_enrolled".into()),
            (6, "already_enrolled".into()),
            (12, "already_enrolled".into())
        ]
    );
    assert_eq!(enrolled(&app, &world, &cohort).await, 3);
}

#[actix_rt::test]
async fn a_file_past_the_row_cap_is_refused_and_enrols_nobody() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let cohort = bkk_cohort(&app, &world, 100).await;
    let mut file = String::from("email,display_name,locale\n");
    for i in 0..50_001 {
        file.push_str(&format!("cap{i}@bkk.test,T {i},th\n"));
    }
    let res = import(&app, &world.bkk_admin.token, &cohort, file).await;
    let problem = res.problem(413, "csv_too_many_rows");
    assert_eq!(res.header("content-language").as_deref(), Some("th"));
    assert!(problem["detail"].as_str().unwrap().contains("50000") || problem["detail"].as_str().unwrap().contains("50,000"));
    assert_eq!(enrolled(&app, &world, &cohort).await, 0);
    let users = app
        .get("/api/v1/branches/BKK/users?limit=200")
        .token(&world.bkk_admin.token)
        .send()
        .await
        .json();
    assert!(!users.to_string().contains("cap0@bkk.test"));
}

/// 20,000 rows (twice the largest cohort): the line-number search used to
/// be quadratic; here every row is placed right and the work completes.
#[actix_rt::test]
async fn twenty_thousand_rows_import_with_every_row_number_right() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let cohort = bkk_cohort(&app, &world, 10_000).await;
    let mut file = String::from("email,display_name,locale\r\n");
    let mut bad = Vec::new();
    for i in 0..20_000 {
        let line = i + 2;
        if i % 1000 == 999 {
            file.push_str(&format!("broken-{i},Broken,th\r\n"));
            bad.push((line as i64, "invalid_email".to_string()));
        } else if i % 3 == 0 {
            file.push_str(&format!("t{i}@bkk.test,\"ผู้เรียน {i}, นำเข้า\",th\r\n"));
        } else {
            file.push_str(&format!("t{i}@bkk.test,Trainee {i},\r\n"));
        }
    }
    let res = import(&app, &world.bkk_admin.token, &cohort, file.clone()).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let report = res.json();
    assert_eq!(
        (report["created"].as_i64(), report["enrolled"].as_i64()),
        (Some(10_000), Some(10_000))
    );
    let failed = rows_and_codes(&report["failed"]);
    let invalid: Vec<_> = failed.iter().filter(|(_, c)| c == "invalid_email").cloned().collect();
    assert_eq!(invalid, bad);
    let full: Vec<i64> = failed.iter().filter(|(_, c)| c == "cohort_full").map(|(r, _)| *r).collect();
    assert_eq!(full.len(), 20_000 - 20 - 10_000);
    // Good rows fill the cohort in file order: the first refused one is the
    // 10,001st good row, at line 10,012 (10 bad rows come before it).
    assert_eq!(full[0], 10_012);
    assert_eq!(*full.last().unwrap(), 20_000, "line 20,001 is a bad row");
    assert_eq!(enrolled(&app, &world, &cohort).await, 10_000);
    let again = import(&app, &world.bkk_admin.token, &cohort, file).await.json();
    assert_eq!((again["created"].as_i64(), again["enrolled"].as_i64()), (Some(0), Some(0)));
    assert_eq!(again["skipped"].as_array().unwrap().len(), 10_000);
}

// ---- item 4: Idempotency-Key ----

async fn idempotency_rows(app: &TestApp) -> u64 {
    crate::support::rows::count(app, "idempotency_keys").await
}

#[actix_rt::test]
async fn a_replayed_refresh_with_the_same_key_meets_reuse_detection() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let login = app
        .post("/api/v1/auth/login")
        .header("Idempotency-Key", "login-1")
        .json(json!({"branch": "BKK", "email": world.bkk_trainee.email, "password": PASSWORD}))
        .send()
        .await;
    assert_eq!(login.status, 200, "{}", login.text());
    // A login retried with its key logs in again: nothing was remembered.
    let again = app
        .post("/api/v1/auth/login")
        .header("Idempotency-Key", "login-1")
        .json(json!({"branch": "BKK", "email": world.bkk_trainee.email, "password": PASSWORD}))
        .send()
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.header("idempotent-replayed"), None);
    assert_ne!(again.json()["refresh_token"], login.json()["refresh_token"]);
    assert_eq!(idempotency_rows(&app).await, 0, "no tokens stored for login");

    let refresh = login.json()["refresh_token"].as_str().unwrap().to_string();
    let first = app
        .post("/api/v1/auth/refresh")
        .token(&world.bkk_trainee.token)
        .header("Idempotency-Key", "refresh-1")
        .json(json!({"refresh_token": refresh}))
        .send()
        .await;
    assert_eq!(first.status, 200, "{}", first.text());
    let replay = app
        .post("/api/v1/auth/refresh")
        .token(&world.bkk_trainee.token)
        .header("Idempotency-Key", "refresh-1")
        .json(json!({"refresh_token": refresh}))
        .send()
        .await;
    replay.problem(401, "unauthenticated");
    assert_eq!(replay.header("idempotent-replayed"), None);
    // Reuse detection revoked the family: the token from the first refresh is dead too.
    app.post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": first.json()["refresh_token"]}))
        .send()
        .await
        .problem(401, "unauthenticated");
    assert_eq!(idempotency_rows(&app).await, 0);
}

#[actix_rt::test]
async fn only_authenticated_callers_on_matched_routes_are_remembered() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let body = json!({"email": "anon@bkk.test", "display_name": "Anon", "role": "trainee", "locale": "th"});
    // Anonymous, with a key: refused as usual, nothing stored, nothing replayed.
    for _ in 0..2 {
        let res = app
            .post("/api/v1/branches/BKK/users")
            .header("Idempotency-Key", "anon-1")
            .json(body.clone())
            .send()
            .await;
        res.problem(401, "unauthenticated");
        assert_eq!(res.header("idempotent-replayed"), None);
    }
    // A large anonymous body is not buffered for the key: the route answers.
    let big = json!({"email": "x@bkk.test", "display_name": "x".repeat(3 * 1024 * 1024)});
    app.post("/api/v1/branches/BKK/users")
        .header("Idempotency-Key", "anon-2")
        .json(big)
        .send()
        .await
        .problem(401, "unauthenticated");
    // No such route, even for a signed-in caller.
    for path in ["/api/v1/no-such-thing", "/nowhere"] {
        app.post(path)
            .token(&world.bkk_admin.token)
            .header("Idempotency-Key", "nowhere-1")
            .json(json!({}))
            .send()
            .await
            .problem(404, "not_found");
    }
    // A route that exists, but not for POST.
    let res = app
        .post("/api/v1/users/me")
        .token(&world.bkk_admin.token)
        .header("Idempotency-Key", "wrong-method")
        .json(json!({}))
        .send()
        .await;
    assert_eq!(res.status, 405, "{}", res.text());
    assert_eq!(idempotency_rows(&app).await, 0);

    // A signed-in caller on a real route is remembered (the layer still works).
    let res = app
        .post("/api/v1/branches/BKK/users")
        .token(&world.bkk_admin.token)
        .header("Idempotency-Key", "real-1")
        .json(body.clone())
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(idempotency_rows(&app).await, 1);
    // Over the route's own limit (1 MiB of JSON): 413 in the caller's language.
    let big = json!({"email": "y@bkk.test", "display_name": "y".repeat(2 * 1024 * 1024)});
    let res = app
        .post("/api/v1/branches/BKK/users")
        .token(&world.bkk_admin.token)
        .header("Idempotency-Key", "big-1")
        .header("Accept-Language", "vi")
        .json(big)
        .send()
        .await;
    res.problem(413, "payload_too_large");
    assert_eq!(res.header("content-language").as_deref(), Some("vi"));
    assert_eq!(idempotency_rows(&app).await, 1);
}

// ---- item 16: security headers ----

#[track_caller]
fn assert_hardened(res: &Response) {
    assert_eq!(res.header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(res.header("x-frame-options").as_deref(), Some("DENY"));
    assert_eq!(res.header("referrer-policy").as_deref(), Some("no-referrer"));
    let csp = res.header("content-security-policy").expect("Content-Security-Policy");
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
}

#[actix_rt::test]
async fn every_kind_of_answer_carries_security_headers() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    // JSON.
    let res = app.get("/api/v1/users/me").token(&world.bkk_admin.token).send().await;
    assert_eq!(res.status, 200);
    assert_hardened(&res);
    assert!(!res.header("content-security-policy").unwrap().contains("script-src"));
    // Problem documents: a handler's, a missing route, a missing token, a wrong method.
    let res = app.get("/api/v1/branches/NOPE").token(&world.hq.token).send().await;
    res.problem(404, "not_found");
    assert_hardened(&res);
    let res = app.get("/api/v1/nothing-here").send().await;
    res.problem(404, "not_found");
    assert_hardened(&res);
    let res = app.get("/api/v1/users/me").send().await;
    res.problem(401, "unauthenticated");
    assert_hardened(&res);
    let res = app.delete("/healthz").send().await;
    assert_eq!(res.status, 405);
    assert_hardened(&res);
    // The verify page (HTML, not found): only its own stylesheet, no scripts.
    let res = app.get("/verify/BKK-0000-0000").header("Accept", "text/html").send().await;
    assert_eq!(res.status, 404);
    assert!(res.header("content-type").unwrap().starts_with("text/html"));
    assert_hardened(&res);
    let csp = res.header("content-security-policy").unwrap();
    assert!(csp.contains("style-src 'sha256-"), "{csp}");
    assert!(!csp.contains("script") && !csp.contains("unsafe"), "{csp}");
    // Swagger UI runs its own scripts, nothing from elsewhere.
    let res = app.get("/docs/").send().await;
    assert_eq!(res.status, 200);
    assert_hardened(&res);
    let csp = res.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("script-src 'self' 'unsafe"),
        "{csp}"
    );
}

// ---- item 17: catalogue cache ----

#[actix_rt::test]
async fn junk_query_parameters_do_not_grow_the_catalogue_cache() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    published_course(&app, &world.hq.token, "EV-HV-101", 1, &["BKK"]).await;
    let first = app.get("/api/v1/courses").token(&world.bkk_trainee.token).send().await;
    assert_eq!(first.status, 200);
    let course_id = first.json()["items"][0]["id"].as_str().unwrap().to_string();
    let detail = app
        .get(&format!("/api/v1/courses/{course_id}"))
        .token(&world.bkk_trainee.token)
        .send()
        .await;
    assert_eq!(detail.status, 200);
    let held = app.state.catalogue.len();
    assert_eq!(held, 2);
    let pad = "x".repeat(2000);
    for i in 0..300 {
        let res = app
            .get(&format!("/api/v1/courses?pad={pad}{i}&utm_source={i}"))
            .token(&world.bkk_trainee.token)
            .send()
            .await;
        assert_eq!(res.status, 200);
        assert_eq!(res.body, first.body, "same answer whatever the junk");
        let res = app
            .get(&format!("/api/v1/courses/{course_id}?v={i}"))
            .token(&world.bkk_trainee.token)
            .send()
            .await;
        assert_eq!(res.body, detail.body);
    }
    assert_eq!(app.state.catalogue.len(), held, "junk parameters made new entries");
    // Parameters that do change the answer are honoured.
    let one = app.get("/api/v1/courses?limit=1&pad=1").token(&world.hq.token).send().await.json();
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    let th = app
        .get("/api/v1/courses?lang=th")
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .json();
    assert_eq!(th["items"][0]["title"], "ความปลอดภัยระบบไฟฟ้าแรงสูงของรถยนต์ไฟฟ้า");
    let zh = app
        .get("/api/v1/courses?lang=zh-CN")
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .json();
    assert_eq!(zh["items"][0]["title"], "新能源汽车高压安全");
    app.get("/api/v1/courses?status=junk")
        .token(&world.hq.token)
        .send()
        .await
        .problem(422, "validation_failed");
}

// ---- item 18: verify negotiation ----

/// A certificate of the BKK trainee; its code.
async fn certificate_code(app: &TestApp, world: &World) -> String {
    let course = published_course(app, &world.hq.token, "EV-HV-101", 1, &["BKK"]).await;
    let course_id = course["id"].as_str().unwrap();
    let exam = published_exam(app, &world.hq.token, course_id, 4, false, true).await;
    let cohort = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(&world.bkk_admin.token)
        .json(json!({"course_id": course_id, "name": "C1", "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": 30}))
        .send()
        .await
        .json();
    let e = app
        .post(&format!("/api/v1/cohorts/{}/enrolments", cohort["id"].as_str().unwrap()))
        .token(&world.bkk_admin.token)
        .json(json!({"user_id": world.bkk_trainee.id}))
        .send()
        .await;
    assert_eq!(e.status, 201, "{}", e.text());
    let eid = e.json()["id"].as_str().unwrap().to_string();
    let t = &world.bkk_trainee.token;
    for lesson in course["lessons"].as_array().unwrap() {
        app.post(&format!(
            "/api/v1/enrolments/{eid}/lessons/{}/complete",
            lesson["id"].as_str().unwrap()
        ))
        .token(t)
        .send()
        .await;
    }
    let attempt = app
        .post(&format!("/api/v1/exams/{}/attempts", exam["id"].as_str().unwrap()))
        .token(t)
        .header("Accept-Language", "en")
        .send()
        .await
        .json();
    let id = attempt["id"].as_str().unwrap().to_string();
    for q in attempt["questions"].as_array().unwrap() {
        app.put(&format!("/api/v1/attempts/{id}/answers/{}", q["id"].as_str().unwrap()))
            .token(t)
            .json(json!({"selected": options(q, &right_answer(q))}))
            .send()
            .await;
    }
    let result = app.post(&format!("/api/v1/attempts/{id}/submit")).token(t).send().await.json();
    assert_eq!(result["passed"], true, "{result}");
    let mine = app.get("/api/v1/users/me/certificates").token(t).send().await.json();
    mine["items"][0]["code"].as_str().unwrap().to_string()
}

#[actix_rt::test]
async fn verify_follows_accept_q_values_and_says_it_varies() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let code = certificate_code(&app, &world).await;
    let cases = [
        (Some("text/html;q=0.5, application/json"), "application/json"),
        (Some("application/json"), "application/json"),
        (Some("application/json;q=0"), "text/html"),
        (Some("application/json;q=0, text/html"), "text/html"),
        (Some("*/*"), "text/html"),
        (Some("application/json, text/html"), "text/html"),
        (Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"), "text/html"),
        (None, "text/html"),
    ];
    for (accept, expected) in cases {
        let mut call = app.get(&format!("/verify/{code}")).header("Accept-Language", "vi");
        if let Some(accept) = accept {
            call = call.header("Accept", accept);
        }
        let res = call.send().await;
        assert_eq!(res.status, 200, "{accept:?}: {}", res.text());
        let content_type = res.header("content-type").unwrap();
        assert!(content_type.starts_with(expected), "Accept {accept:?} gave {content_type}");
        assert_eq!(res.header("vary").as_deref(), Some("Accept, Accept-Language"), "{accept:?}");
        if expected == "application/json" {
            assert_eq!(res.json()["code"], code.as_str());
        } else {
            assert!(res.text().contains(&code));
        }
    }
    // Not found: a problem document for JSON clients, the page for browsers; both vary.
    let res = app
        .get("/verify/BKK-0000-0000")
        .header("Accept", "text/html;q=0.1, application/json")
        .send()
        .await;
    res.problem(404, "not_found");
    assert_eq!(res.header("vary").as_deref(), Some("Accept, Accept-Language"));
    let res = app
        .get("/verify/BKK-0000-0000")
        .header("Accept", "application/json;q=0")
        .send()
        .await;
    assert_eq!(res.status, 404);
    assert!(res.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(res.header("vary").as_deref(), Some("Accept, Accept-Language"));
}

#[actix_rt::test]
async fn openapi_lists_both_media_types_of_verify() {
    let app = TestApp::new().await;
    let doc = app.get("/openapi.json").send().await.json();
    let content = &doc["paths"]["/verify/{code}"]["get"]["responses"]["200"]["content"];
    assert!(content["application/json"]["schema"].is_object(), "{content}");
    assert!(content["text/html"]["schema"].is_object(), "{content}");
    let missing = &doc["paths"]["/verify/{code}"]["get"]["responses"]["404"]["content"];
    assert!(
        missing["application/problem+json"].is_object() && missing["text/html"].is_object(),
        "{missing}"
    );
}
