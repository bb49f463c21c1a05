//! Issue 20, part four: practical sign-off. Headquarters defines a course's
//! checklist (translated, per-field fallback); an assessor of the trainee's
//! branch records assessments (append-only, audited); a course that
//! requires the sign-off certifies only after a passed one, and the
//! credential then states it.

use crate::support::certify::{self, Course, python};
use crate::support::orgs::{consent, member, organisation, withdraw};
use crate::support::{TestApp, World};
use serde_json::{Value, json};

/// Defines a three-step lock-out/tag-out checklist on the course; the checklist.
async fn checklist(app: &TestApp, hq: &str, course: &str, required: bool) -> Value {
    let res = app
        .put(&format!("/api/v1/courses/{course}/practical"))
        .token(hq)
        .header("Accept-Language", "en")
        .json(json!({
            "required": required,
            "translations": {"en": {"title": "Lock-out/tag-out"}, "th": {"title": "การล็อกและติดป้าย"}, "zh-CN": {"title": "上锁挂牌"}},
            "items": [
                {"translations": {"en": {"text": "Isolate the HV battery"}, "th": {"text": "ตัดแบตเตอรี่แรงสูง"}}},
                {"translations": {"en": {"text": "Apply the lock and tag"}, "zh-CN": {"text": "上锁并挂牌"}}},
                {"translations": {"en": {"text": "Verify zero voltage"}, "th": {"text": "ตรวจสอบว่าไม่มีแรงดัน"}}}
            ]
        }))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

fn step_ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

fn results(steps: &[String], failed: Option<usize>) -> Value {
    json!(steps
        .iter()
        .enumerate()
        .map(|(i, id)| json!({"item_id": id, "passed": Some(i) != failed, "comment": if Some(i) == failed { "Forgot the tag" } else { "" }}))
        .collect::<Vec<_>>())
}

async fn assess(app: &TestApp, token: &str, body: Value) -> crate::support::Response {
    app.post("/api/v1/practical-assessments").token(token).json(body).send().await
}

struct Setup {
    app: TestApp,
    w: World,
    course: Course,
    cohort: String,
    steps: Vec<String>,
    assessor: String,
}

async fn setup(required: bool) -> Setup {
    let app = TestApp::new().await;
    let w = World::build(&app).await;
    let course = certify::course(&app, &w, "EV-LOTO-1", None).await;
    let list = checklist(&app, &w.hq.token, &course.id, required).await;
    let steps = step_ids(&list);
    let cohort = certify::cohort(&app, &w.bkk_admin.token, &course, "Workshop intake").await;
    let (_, assessor) = member(&app, &w.bkk_admin.token, "BKK", "assessor@bkk.test", "assessor", None).await;
    Setup {
        app,
        w,
        course,
        cohort,
        steps,
        assessor,
    }
}

#[actix_rt::test]
async fn certification_waits_for_the_practical_sign_off() {
    let s = setup(true).await;
    let (app, w) = (&s.app, &s.w);
    // Lessons done and the exam passed: no certificate yet.
    let result = certify::certify(
        app,
        &w.bkk_admin.token,
        &s.course,
        &s.cohort,
        &w.bkk_trainee.id,
        &w.bkk_trainee.token,
    )
    .await;
    assert!(result["passed"].as_bool().unwrap());
    assert!(result["certificate_id"].is_null(), "{result}");
    let mine = app
        .get("/api/v1/users/me/enrolments")
        .token(&w.bkk_trainee.token)
        .send()
        .await
        .json();
    assert_eq!(mine["items"][0]["status"], "active");
    // A failed step: still nothing.
    let failed = assess(
        app,
        &s.assessor,
        json!({"user_id": w.bkk_trainee.id, "course_id": s.course.id, "results": results(&s.steps, Some(1)),
               "notes": "Did not tag the isolator.\nRetry next week."}),
    )
    .await;
    assert_eq!(failed.status, 201, "{}", failed.text());
    let failed = failed.json();
    assert_eq!(failed["passed"], false);
    assert_eq!(failed["results"][1]["comment"], "Forgot the tag");
    assert_eq!(failed["assessor"]["display_name"], "assessor assessor@bkk.test");
    let certs = app
        .get("/api/v1/users/me/certificates")
        .token(&w.bkk_trainee.token)
        .send()
        .await
        .json();
    assert!(certs["items"].as_array().unwrap().is_empty());
    // A correction (a new entry) that passes certifies.
    let passed = assess(
        app,
        &s.assessor,
        json!({"user_id": w.bkk_trainee.id, "course_id": s.course.id, "results": results(&s.steps, None), "corrects": failed["id"]}),
    )
    .await;
    assert_eq!(passed.status, 201, "{}", passed.text());
    let passed = passed.json();
    assert_eq!(passed["passed"], true);
    assert_eq!(passed["corrects"], failed["id"]);
    let certs = app
        .get("/api/v1/users/me/certificates")
        .token(&w.bkk_trainee.token)
        .send()
        .await
        .json();
    let cert = certs["items"][0]["id"].as_str().unwrap().to_string();
    let mine = app
        .get("/api/v1/users/me/enrolments")
        .token(&w.bkk_trainee.token)
        .send()
        .await
        .json();
    assert_eq!(mine["items"][0]["status"], "completed");
    // History: both entries, for the trainee and for the branch's assessors, localized.
    let own = app
        .get("/api/v1/users/me/practical-assessments")
        .token(&w.bkk_trainee.token)
        .header("Accept-Language", "th")
        .send()
        .await
        .json();
    assert_eq!(own["items"].as_array().unwrap().len(), 2);
    assert_eq!(own["items"][0]["results"][0]["text"], "ตัดแบตเตอรี่แรงสูง");
    // No Thai for step two: the branch default (Thai) has none either, so English.
    assert_eq!(own["items"][0]["results"][1]["text"], "Apply the lock and tag");
    let listed = app
        .get(&format!("/api/v1/users/{}/practical-assessments", w.bkk_trainee.id))
        .token(&s.assessor)
        .send()
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    let audit = app
        .get(&format!(
            "/api/v1/audit?action=practical.assess&record_id={}",
            passed["id"].as_str().unwrap()
        ))
        .token(&w.hq.token)
        .send()
        .await
        .json();
    assert_eq!(audit["items"][0]["details"]["passed"], true);
    assert_eq!(audit["items"][0]["details"]["corrects"], failed["id"]);

    // The credential states the sign-off as a result of the achievement.
    let token = app
        .get(&format!("/api/v1/certificates/{cert}/credential"))
        .token(&w.bkk_trainee.token)
        .send()
        .await
        .text();
    let payload: Value = {
        use base64::Engine;
        let part = token.split('.').nth(1).unwrap();
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    };
    let achievement = &payload["credentialSubject"]["achievement"];
    assert_eq!(achievement["resultDescription"][0]["resultType"], "Status");
    assert_eq!(achievement["resultDescription"][0]["name"], "การล็อกและติดป้าย");
    assert!(achievement["criteria"]["narrative"].as_str().unwrap().contains("การล็อกและติดป้าย"));
    let result = &payload["credentialSubject"]["result"][0];
    assert_eq!(result["status"], "Completed");
    assert_eq!(result["resultDescription"], achievement["resultDescription"][0]["id"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vc.jwt");
    std::fs::write(&file, &token).unwrap();
    let (ok, out, err) = python("vc_jsonld_schema.py", &[file.to_str().unwrap()]).await;
    assert!(ok, "JSON-LD or schema check failed: {out} {err}");
    assert_eq!(out["undefined"], json!([]));
    assert_eq!(out["schema_errors"], json!([]));
}

#[actix_rt::test]
async fn a_practical_that_is_not_required_does_not_hold_back_certification() {
    let s = setup(false).await;
    let result = certify::certify(
        &s.app,
        &s.w.bkk_admin.token,
        &s.course,
        &s.cohort,
        &s.w.bkk_trainee.id,
        &s.w.bkk_trainee.token,
    )
    .await;
    assert!(result["certificate_id"].is_string(), "{result}");
}

#[actix_rt::test]
async fn assessments_are_checked() {
    let s = setup(true).await;
    let (app, w) = (&s.app, &s.w);
    let base = |extra: Value| {
        let mut body = json!({"user_id": w.bkk_trainee.id, "course_id": s.course.id, "results": results(&s.steps, None)});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    // Not enrolled yet.
    assess(app, &s.assessor, base(json!({}))).await.problem(409, "trainee_not_enrolled");
    let e = app
        .post(&format!("/api/v1/cohorts/{}/enrolments", s.cohort))
        .token(&w.bkk_admin.token)
        .json(json!({"user_id": w.bkk_trainee.id}))
        .send()
        .await;
    assert_eq!(e.status, 201);
    // Another branch's trainee is missing; a course without a practical is refused.
    assess(app, &s.assessor, base(json!({"user_id": w.han_trainee.id})))
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/users/{}/practical-assessments", w.han_trainee.id))
        .token(&s.assessor)
        .send()
        .await
        .problem(404, "not_found");
    let plain = crate::support::catalogue::published_course(app, &w.hq.token, "EV-PLAIN", 1, &["BKK"]).await;
    let doc = assess(app, &s.assessor, base(json!({"course_id": plain["id"]})))
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["code"], "no_practical");
    // Steps: all of them, once each, and only the checklist's.
    let doc = assess(app, &s.assessor, base(json!({"results": results(&s.steps[..2], None)})))
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["code"], "checklist_incomplete");
    let mut twice = results(&s.steps, None);
    twice[2]["item_id"] = twice[0]["item_id"].clone();
    let doc = assess(app, &s.assessor, base(json!({"results": twice})))
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["field"], "results[2].item_id");
    let mut foreign = results(&s.steps, None);
    foreign[0]["item_id"] = json!(w.hq.id);
    let doc = assess(app, &s.assessor, base(json!({"results": foreign})))
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["code"], "not_in_checklist");
    // Free text: no control characters, NUL or invisible ones, bounded.
    for (notes, code) in [
        ("bad\u{0}", "invalid_characters"),
        ("bell\u{7}", "invalid_characters"),
        ("zw\u{200B}j", "invalid_characters"),
    ] {
        let doc = assess(app, &s.assessor, base(json!({"notes": notes})))
            .await
            .problem(422, "validation_failed");
        assert_eq!(
            (doc["errors"][0]["field"].as_str(), doc["errors"][0]["code"].as_str()),
            (Some("notes"), Some(code))
        );
    }
    let doc = assess(app, &s.assessor, base(json!({"notes": "x".repeat(4001)})))
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["code"], "too_long");
    let mut bad_comment = results(&s.steps, None);
    bad_comment[1]["comment"] = json!("esc\u{1b}[31m");
    let doc = assess(app, &s.assessor, base(json!({"results": bad_comment})))
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["field"], "results[1].comment");
    let doc = assess(app, &s.assessor, base(json!({"corrects": w.hq.id})))
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["field"], "corrects");
    // Who may record: assessors and administrators, not trainees or employers.
    assess(app, &w.bkk_trainee.token, base(json!({}))).await.problem(403, "forbidden");
    let dealer = organisation(app, &w.bkk_admin.token, "dealer", "BYD Bangna", None).await;
    let (_, employer) = member(app, &w.bkk_admin.token, "BKK", "hr@byd.test", "employer", Some(&dealer)).await;
    assess(app, &employer, base(json!({}))).await.problem(403, "forbidden");
    assess(app, &w.han_admin.token, base(json!({}))).await.problem(404, "not_found");
    let by_admin = assess(
        app,
        &w.bkk_admin.token,
        base(json!({"notes": "  Signed off by the campus head.  "})),
    )
    .await;
    assert_eq!(by_admin.status, 201, "{}", by_admin.text());
    assert_eq!(by_admin.json()["notes"], "Signed off by the campus head.");
    // Nothing was written by the refused ones.
    let listed = app
        .get(&format!("/api/v1/users/{}/practical-assessments", w.bkk_trainee.id))
        .token(&s.assessor)
        .send()
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[actix_rt::test]
async fn checklists_are_translated_and_redefined_without_losing_history() {
    let s = setup(true).await;
    let (app, w) = (&s.app, &s.w);
    let read = app
        .get(&format!("/api/v1/courses/{}/practical", s.course.id))
        .token(&w.han_trainee.token)
        .header("Accept-Language", "vi")
        .send()
        .await
        .json();
    // No Vietnamese: the branch default (vi) has none, so English, field by field.
    assert_eq!(read["title"], "Lock-out/tag-out");
    assert_eq!(read["locale"], "en");
    let zh = app
        .get(&format!("/api/v1/courses/{}/practical?lang=zh-CN", s.course.id))
        .token(&w.bkk_admin.token)
        .send()
        .await
        .json();
    assert_eq!(zh["items"][1]["text"], "上锁并挂牌");
    assert_eq!(zh["items"][0]["text"], "ตัดแบตเตอรี่แรงสูง");
    // Redefine: keep step one, drop two, add a new one.
    let res = app
        .put(&format!("/api/v1/courses/{}/practical", s.course.id))
        .token(&w.hq.token)
        .json(json!({"required": true, "translations": {"en": {"title": "LOTO v2"}},
            "items": [{"id": s.steps[0], "translations": {"en": {"text": "Isolate"}}}, {"translations": {"en": {"text": "Test the tester"}}}]}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let v2 = res.json();
    assert_eq!(v2["items"].as_array().unwrap().len(), 2);
    assert_eq!(v2["items"][0]["id"], s.steps[0].as_str());
    // Bad definitions.
    for (body, field) in [
        (
            json!({"required": true, "translations": {}, "items": [{"translations": {"en": {"text": "x"}}}]}),
            "translations",
        ),
        (
            json!({"required": true, "translations": {"xx": {"title": "T"}}, "items": [{"translations": {"en": {"text": "x"}}}]}),
            "translations.xx",
        ),
        (
            json!({"required": true, "translations": {"en": {"title": "T"}}, "items": []}),
            "items",
        ),
        (
            json!({"required": true, "translations": {"en": {"title": "T"}}, "items": [{"translations": {"en": {"text": "a\u{0}b"}}}]}),
            "items[0].translations.en",
        ),
        (
            json!({"required": true, "translations": {"en": {"title": "T"}}, "items": [{"id": w.hq.id, "translations": {"en": {"text": "x"}}}]}),
            "items[0].id",
        ),
    ] {
        let doc = app
            .put(&format!("/api/v1/courses/{}/practical", s.course.id))
            .token(&w.hq.token)
            .json(body)
            .send()
            .await
            .problem(422, "validation_failed");
        assert_eq!(doc["errors"][0]["field"], field, "{doc}");
    }
    app.put(&format!("/api/v1/courses/{}/practical", s.course.id))
        .token(&w.bkk_admin.token)
        .json(json!({"required": false, "translations": {"en": {"title": "T"}}, "items": [{"translations": {"en": {"text": "x"}}}]}))
        .send()
        .await
        .problem(403, "forbidden");
    app.get(&format!("/api/v1/courses/{}/practical", w.hq.id))
        .token(&w.hq.token)
        .send()
        .await
        .problem(404, "not_found");
}

#[actix_rt::test]
async fn employers_see_sign_offs_of_their_people_only_with_consent() {
    let s = setup(true).await;
    let (app, w) = (&s.app, &s.w);
    let dealer = organisation(app, &w.bkk_admin.token, "dealer", "BYD Bangna", None).await;
    let (_, employer) = member(app, &w.bkk_admin.token, "BKK", "hr@byd.test", "employer", Some(&dealer)).await;
    let (employee, _) = member(app, &w.bkk_admin.token, "BKK", "tech@byd.test", "trainee", Some(&dealer)).await;
    for user in [&employee, &w.bkk_trainee.id] {
        let e = app
            .post(&format!("/api/v1/cohorts/{}/enrolments", s.cohort))
            .token(&w.bkk_admin.token)
            .json(json!({"user_id": user}))
            .send()
            .await;
        assert_eq!(e.status, 201);
        let res = assess(
            app,
            &s.assessor,
            json!({"user_id": user, "course_id": s.course.id, "results": results(&s.steps, None)}),
        )
        .await;
        assert_eq!(res.status, 201, "{}", res.text());
    }
    let read = |person: String| {
        let employer = employer.clone();
        async move {
            app.get(&format!("/api/v1/employer/people/{person}/practical-assessments"))
                .token(&employer)
                .send()
                .await
        }
    };
    let own = read(employee.clone()).await;
    assert_eq!(own.status, 200);
    assert_eq!(own.json()["items"].as_array().unwrap().len(), 1);
    read(w.bkk_trainee.id.clone()).await.problem(404, "not_found");
    let given = consent(app, &w.bkk_trainee.token, &dealer).await;
    assert_eq!(read(w.bkk_trainee.id.clone()).await.json()["items"].as_array().unwrap().len(), 1);
    withdraw(app, &w.bkk_trainee.token, given["id"].as_str().unwrap()).await;
    read(w.bkk_trainee.id.clone()).await.problem(404, "not_found");
}

#[actix_rt::test]
async fn photo_evidence_is_stripped_of_location_and_shown_only_to_who_may_read_the_assessment() {
    let s = setup(true).await;
    let (app, w) = (&s.app, &s.w);
    let e = app
        .post(&format!("/api/v1/cohorts/{}/enrolments", s.cohort))
        .token(&w.bkk_admin.token)
        .json(json!({"user_id": w.bkk_trainee.id}))
        .send()
        .await;
    assert_eq!(e.status, 201);
    let assessed = assess(
        app,
        &s.assessor,
        json!({"user_id": w.bkk_trainee.id, "course_id": s.course.id, "results": results(&s.steps, None)}),
    )
    .await
    .json();
    let id = assessed["id"].as_str().unwrap();
    let original = crate::support::media::photo(64, 48, 40);
    assert!(original.windows(3).any(|w| w == b"GPS"));
    let upload = |token: String, content_type: &'static str, bytes: Vec<u8>| {
        let path = format!("/api/v1/practical-assessments/{id}/photos");
        async move { app.post(&path).token(&token).body(content_type, bytes).send().await }
    };
    let res = upload(s.assessor.clone(), "image/png", original.clone()).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let photo = res.json();
    assert_eq!(photo["width"], 64);
    let photo_id = photo["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/practical-assessments/{id}/photos/{photo_id}");
    let got = app.get(&path).token(&s.assessor).send().await;
    assert_eq!(got.status, 200);
    assert_eq!(got.header("content-type").as_deref(), Some("image/png"));
    assert!(!got.body.windows(3).any(|w| w == b"GPS"), "the location is gone");
    assert_eq!(crate::support::media::sha256_hex(&got.body), photo["sha256"].as_str().unwrap());
    assert_ne!(crate::support::media::sha256_hex(&original), photo["sha256"].as_str().unwrap());
    // Listed with the assessment; audited.
    let listed = app
        .get("/api/v1/users/me/practical-assessments")
        .token(&w.bkk_trainee.token)
        .send()
        .await
        .json();
    assert_eq!(listed["items"][0]["photos"][0]["id"], photo_id.as_str());
    let audit = app
        .get(&format!("/api/v1/audit?action=practical.photo&record_id={id}"))
        .token(&w.hq.token)
        .send()
        .await
        .json();
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
    // Who reads it: the trainee yes; another campus no; an employer only with consent.
    assert_eq!(app.get(&path).token(&w.bkk_trainee.token).send().await.status, 200);
    app.get(&path).token(&w.han_admin.token).send().await.problem(404, "not_found");
    app.get(&path).token(&w.han_trainee.token).send().await.problem(404, "not_found");
    let dealer = organisation(app, &w.bkk_admin.token, "dealer", "BYD Bangna", None).await;
    let (_, employer) = member(app, &w.bkk_admin.token, "BKK", "hr@byd.test", "employer", Some(&dealer)).await;
    app.get(&path).token(&employer).send().await.problem(404, "not_found");
    let given = consent(app, &w.bkk_trainee.token, &dealer).await;
    assert_eq!(app.get(&path).token(&employer).send().await.status, 200);
    withdraw(app, &w.bkk_trainee.token, given["id"].as_str().unwrap()).await;
    app.get(&path).token(&employer).send().await.problem(404, "not_found");
    // What may be added, and by whom.
    upload(s.assessor.clone(), "video/mp4", crate::support::media::mp4(4096))
        .await
        .problem(415, "unsupported_media_type");
    upload(w.bkk_trainee.token.clone(), "image/png", original.clone())
        .await
        .problem(403, "forbidden");
    upload(w.han_admin.token.clone(), "image/png", original.clone())
        .await
        .problem(404, "not_found");
    let empty = upload(s.assessor.clone(), "image/png", Vec::new()).await;
    assert!(empty.status >= 400 && empty.status < 500, "{}", empty.text());
}
