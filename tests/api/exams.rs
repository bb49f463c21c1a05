//! Issue 7: exams, attempts, grading; no answer key ever reaches a trainee.

use crate::support::catalogue::published_course;
use crate::support::exams::{options, published_exam, right_answer};
use crate::support::world::PASSWORD;
use crate::support::{Response, TestApp, World};
use chrono::Duration;
use serde_json::{Value, json};

struct Setup {
    world: World,
    course: Value,
    exam_id: String,
    enrolment_id: String,
}

async fn setup(app: &TestApp, question_count: i64, partial: bool, shuffle: bool) -> Setup {
    let world = World::build(app).await;
    let course = published_course(app, &world.hq.token, "EV-HV-101", 2, &["BKK", "HAN"]).await;
    let course_id = course["id"].as_str().unwrap();
    let exam = published_exam(app, &world.hq.token, course_id, question_count, partial, shuffle).await;
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
        .await
        .json();
    Setup {
        world,
        course,
        exam_id: exam["id"].as_str().unwrap().to_string(),
        enrolment_id: e["id"].as_str().unwrap().to_string(),
    }
}

/// No trainee-facing body may carry the answer key in any form.
fn assert_no_key(res: &Response) {
    let text = res.text();
    assert!(!text.contains("\"correct\""), "answer key leaked: {text}");
    assert!(!text.contains("partial_credit"), "bank internals leaked: {text}");
}

async fn answer(app: &TestApp, token: &str, attempt: &Value, pick: impl Fn(&Value) -> Vec<&'static str>) {
    let id = attempt["id"].as_str().unwrap();
    for q in attempt["questions"].as_array().unwrap() {
        let selected = options(q, &pick(q));
        let res = app
            .put(&format!("/api/v1/attempts/{id}/answers/{}", q["id"].as_str().unwrap()))
            .token(token)
            .json(json!({"selected": selected}))
            .send()
            .await;
        assert_eq!(res.status, 204, "{}", res.text());
    }
}

#[actix_rt::test]
async fn a_perfect_attempt_passes_and_completes_the_enrolment() {
    let app = TestApp::new().await;
    let s = setup(&app, 4, false, true).await;
    let t = &s.world.bkk_trainee.token;
    let exam = app
        .get(&format!("/api/v1/exams/{}", s.exam_id))
        .token(t)
        .header("Accept-Language", "th")
        .send()
        .await;
    assert_no_key(&exam);
    assert_eq!(exam.json()["title"], "สอบปลายภาค");
    let res = app.post(&format!("/api/v1/exams/{}/attempts", s.exam_id)).token(t).send().await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_no_key(&res);
    let attempt = res.json();
    assert_eq!(attempt["questions"].as_array().unwrap().len(), 4);
    answer(&app, t, &attempt, right_answer).await;
    // Lessons first: the enrolment completes only with both.
    for lesson in s.course["lessons"].as_array().unwrap() {
        app.post(&format!(
            "/api/v1/enrolments/{}/lessons/{}/complete",
            s.enrolment_id,
            lesson["id"].as_str().unwrap()
        ))
        .token(t)
        .send()
        .await;
    }
    let before = app
        .get(&format!("/api/v1/enrolments/{}", s.enrolment_id))
        .token(t)
        .send()
        .await
        .json();
    assert_eq!(before["status"], "active", "the exam is part of the completion rule");
    let id = attempt["id"].as_str().unwrap();
    let res = app.post(&format!("/api/v1/attempts/{id}/submit")).token(t).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_no_key(&res);
    let result = res.json();
    assert_eq!(result["score"], 5.0);
    assert_eq!(result["max_score"], 5.0);
    assert_eq!(result["percent"], 100.0);
    assert_eq!(result["passed"], true);
    assert!(result.get("certificate_id").is_some());
    let again = app.post(&format!("/api/v1/attempts/{id}/submit")).token(t).send().await.json();
    assert_eq!(again, result, "a second submit returns the same result");
    let after = app
        .get(&format!("/api/v1/enrolments/{}", s.enrolment_id))
        .token(t)
        .send()
        .await
        .json();
    assert_eq!(after["status"], "completed");
    let view = app.get(&format!("/api/v1/attempts/{id}")).token(t).send().await;
    assert_no_key(&view);
    assert_eq!(view.json()["result"]["passed"], true);
    assert!(view.json().get("review").is_none(), "per-question review is off by default");
    // Answers after submit are refused.
    let q = &attempt["questions"][0];
    app.put(&format!("/api/v1/attempts/{id}/answers/{}", q["id"].as_str().unwrap()))
        .token(t)
        .json(json!({"selected": []}))
        .send()
        .await
        .problem(409, "attempt_submitted");
}

#[actix_rt::test]
async fn grading_of_every_kind_with_and_without_partial_credit() {
    for partial in [false, true] {
        let app = TestApp::new().await;
        let s = setup(&app, 4, partial, false).await;
        let t = &s.world.bkk_trainee.token;
        let attempt = app
            .post(&format!("/api/v1/exams/{}/attempts", s.exam_id))
            .token(t)
            .send()
            .await
            .json();
        // Q1 right, Q2 half right (A only), Q3 wrong, Q4 unanswered.
        answer(&app, t, &attempt, |q| match &q["prompt"].as_str().unwrap()[..2] {
            "Q1" => vec!["B"],
            "Q2" => vec!["A"],
            "Q3" => vec!["False"],
            _ => vec![],
        })
        .await;
        let result = app
            .post(&format!("/api/v1/attempts/{}/submit", attempt["id"].as_str().unwrap()))
            .token(t)
            .send()
            .await
            .json();
        let expected = if partial { 2.0 } else { 1.0 };
        assert_eq!(result["score"], expected, "partial credit {partial}");
        assert_eq!(result["max_score"], 5.0);
        assert_eq!(result["passed"], false);
        assert_eq!(result["percent"], expected * 20.0);
    }
}

#[actix_rt::test]
async fn an_attempt_is_stable_across_reloads_and_answers_last_write_wins() {
    let app = TestApp::new().await;
    let s = setup(&app, 3, false, true).await;
    let t = &s.world.bkk_trainee.token;
    let first = app
        .post(&format!("/api/v1/exams/{}/attempts", s.exam_id))
        .token(t)
        .send()
        .await
        .json();
    assert_eq!(
        first["questions"].as_array().unwrap().len(),
        3,
        "question_count questions are drawn"
    );
    let again = app.post(&format!("/api/v1/exams/{}/attempts", s.exam_id)).token(t).send().await;
    assert_eq!(again.status, 200, "a second start returns the open attempt");
    assert_eq!(again.json()["id"], first["id"]);
    assert_eq!(
        again.json()["questions"],
        first["questions"],
        "same draw, same option order, same ids"
    );
    let id = first["id"].as_str().unwrap();
    let q = &first["questions"][0];
    let qid = q["id"].as_str().unwrap();
    let ids: Vec<String> = q["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    for choice in [&ids[0], &ids[1]] {
        let res = app
            .put(&format!("/api/v1/attempts/{id}/answers/{qid}"))
            .token(t)
            .json(json!({"selected": [choice]}))
            .send()
            .await;
        assert_eq!(res.status, 204);
    }
    let view = app.get(&format!("/api/v1/attempts/{id}")).token(t).send().await.json();
    assert_eq!(view["answers"][qid], json!([ids[1]]), "last write wins");
    assert_eq!(view["questions"], first["questions"]);
    // Junk option ids and questions that are not in the attempt.
    let res = app
        .put(&format!("/api/v1/attempts/{id}/answers/{qid}"))
        .token(t)
        .json(json!({"selected": ["zzz"]}))
        .send()
        .await;
    assert_eq!(res.problem(422, "validation_failed")["errors"][0]["code"], "no_such_option");
    app.put(&format!("/api/v1/attempts/{id}/answers/{}", s.exam_id))
        .token(t)
        .json(json!({"selected": []}))
        .send()
        .await
        .problem(404, "not_found");
    app.put(&format!("/api/v1/attempts/{id}/answers/{qid}"))
        .token(t)
        .json(json!({"selected": "x"}))
        .send()
        .await
        .problem(400, "invalid_json");
}

#[actix_rt::test]
async fn the_deadline_closes_the_attempt_as_it_stood() {
    let app = TestApp::new().await;
    let s = setup(&app, 4, false, false).await;
    let t = &s.world.bkk_trainee.token;
    let attempt = app
        .post(&format!("/api/v1/exams/{}/attempts", s.exam_id))
        .token(t)
        .send()
        .await
        .json();
    let id = attempt["id"].as_str().unwrap();
    // Answer only Q1 correctly in time.
    let q1 = attempt["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["prompt"].as_str().unwrap().starts_with("Q1"))
        .unwrap()
        .clone();
    app.put(&format!("/api/v1/attempts/{id}/answers/{}", q1["id"].as_str().unwrap()))
        .token(t)
        .json(json!({"selected": options(&q1, &["B"])}))
        .send()
        .await;
    app.state.clock.advance(Duration::minutes(31));
    // Access tokens live 15 minutes: sign in again.
    let t = &app.login("BKK", &s.world.bkk_trainee.email, PASSWORD).await;
    let late = app
        .put(&format!("/api/v1/attempts/{id}/answers/{}", q1["id"].as_str().unwrap()))
        .token(t)
        .header("Accept-Language", "th")
        .json(json!({"selected": []}))
        .send()
        .await;
    assert_eq!(late.problem(409, "exam_time_over")["title"], "หมดเวลาแล้ว");
    let view = app.get(&format!("/api/v1/attempts/{id}")).token(t).send().await.json();
    assert_eq!(view["status"], "submitted", "graded lazily on read");
    assert_eq!(view["result"]["score"], 1.0);
    assert_eq!(view["submitted_at"], view["deadline"]);
}

#[actix_rt::test]
async fn the_sweep_grades_forgotten_attempts() {
    let app = TestApp::new().await;
    let s = setup(&app, 4, false, false).await;
    let t = &s.world.bkk_trainee.token;
    let attempt = app
        .post(&format!("/api/v1/exams/{}/attempts", s.exam_id))
        .token(t)
        .send()
        .await
        .json();
    app.state.clock.advance(Duration::hours(1));
    assert_eq!(zhijiang::progress::sweep(&app.state).await.unwrap(), 1);
    let admin = app.login("BKK", &s.world.bkk_admin.email, PASSWORD).await;
    let han_admin = app.login("HAN", &s.world.han_admin.email, PASSWORD).await;
    let listing = app.get(&format!("/api/v1/exams/{}/attempts", s.exam_id)).token(&admin).send().await;
    assert_eq!(listing.status, 200, "{}", listing.text());
    let listing = listing.json();
    assert_eq!(listing["items"][0]["id"], attempt["id"]);
    assert_eq!(listing["items"][0]["status"], "submitted");
    assert_eq!(listing["items"][0]["result"]["score"], 0.0);
    // The result is audited even though nobody submitted it.
    let hq = app.login("HQ", &s.world.hq.email, PASSWORD).await;
    let audit = app
        .get(&format!(
            "/api/v1/audit?action=attempt.grade&record_id={}",
            attempt["id"].as_str().unwrap()
        ))
        .token(&hq)
        .send()
        .await
        .json();
    assert_eq!(audit["items"][0]["details"]["closed_by"], "deadline");
    // HAN's admin sees none of BKK's attempts.
    let han = app
        .get(&format!("/api/v1/exams/{}/attempts", s.exam_id))
        .token(&han_admin)
        .send()
        .await
        .json();
    assert!(han["items"].as_array().unwrap().is_empty());
}

#[actix_rt::test]
async fn concurrent_starts_make_one_attempt_and_attempts_run_out() {
    let app = TestApp::new().await;
    let s = setup(&app, 4, false, true).await;
    let t = &s.world.bkk_trainee.token;
    let path = format!("/api/v1/exams/{}/attempts", s.exam_id);
    let (a, b) = tokio::join!(app.post(&path).token(t).send(), app.post(&path).token(t).send());
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [200, 201], "{} / {}", a.text(), b.text());
    assert_eq!(a.json()["id"], b.json()["id"]);
    let id = a.json()["id"].as_str().unwrap().to_string();
    app.post(&format!("/api/v1/attempts/{id}/submit")).token(t).send().await;
    let second = app.post(&path).token(t).send().await;
    assert_eq!(second.status, 201);
    assert_eq!(second.json()["attempt_number"], 2);
    app.post(&format!("/api/v1/attempts/{}/submit", second.json()["id"].as_str().unwrap()))
        .token(t)
        .send()
        .await;
    app.post(&path).token(t).send().await.problem(409, "attempts_exhausted");
}

#[actix_rt::test]
async fn only_enrolled_trainees_sit_and_attempts_are_private() {
    let app = TestApp::new().await;
    let s = setup(&app, 4, false, true).await;
    // HAN's trainee can see the course but is not enrolled.
    app.post(&format!("/api/v1/exams/{}/attempts", s.exam_id))
        .token(&s.world.han_trainee.token)
        .send()
        .await
        .problem(403, "not_enrolled");
    app.post(&format!("/api/v1/exams/{}/attempts", s.exam_id))
        .token(&s.world.bkk_admin.token)
        .send()
        .await
        .problem(403, "forbidden");
    let attempt = app
        .post(&format!("/api/v1/exams/{}/attempts", s.exam_id))
        .token(&s.world.bkk_trainee.token)
        .send()
        .await
        .json();
    let id = attempt["id"].as_str().unwrap();
    app.get(&format!("/api/v1/attempts/{id}"))
        .token(&s.world.han_trainee.token)
        .send()
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/attempts/{id}"))
        .token(&s.world.han_admin.token)
        .send()
        .await
        .problem(404, "not_found");
    app.post(&format!("/api/v1/attempts/{id}/submit"))
        .token(&s.world.han_trainee.token)
        .send()
        .await
        .problem(404, "not_found");
    let admin_view = app
        .get(&format!("/api/v1/attempts/{id}"))
        .token(&s.world.bkk_admin.token)
        .send()
        .await;
    assert_eq!(admin_view.status, 200);
    // Headquarters sees the bank with its key; trainees never do.
    let hq = app
        .get(&format!("/api/v1/exams/{}", s.exam_id))
        .token(&s.world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(hq["questions"].as_array().unwrap().len(), 4);
    assert!(hq["questions"][0]["correct"].is_array());
}

#[actix_rt::test]
async fn editing_a_published_exam_leaves_running_attempts_alone() {
    let app = TestApp::new().await;
    let s = setup(&app, 4, false, false).await;
    let t = &s.world.bkk_trainee.token;
    let hq = &s.world.hq.token;
    let attempt = app
        .post(&format!("/api/v1/exams/{}/attempts", s.exam_id))
        .token(t)
        .send()
        .await
        .json();
    let exam = app.get(&format!("/api/v1/exams/{}", s.exam_id)).token(hq).send().await.json();
    let q1 = exam["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["translations"]["en"]["prompt"].as_str().unwrap().starts_with("Q1"))
        .unwrap()
        .clone();
    // Headquarters changes Q1's right answer to "C".
    let res = app
        .put(&format!("/api/v1/exams/{}/questions/{}", s.exam_id, q1["id"].as_str().unwrap()))
        .token(hq)
        .json(json!({"kind": "single_choice", "points": 1, "translations": {"en": {"prompt": "Q1 Safe voltage (revised)?", "options": ["A", "B", "C"]}}, "correct": [2]}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        app.get(&format!("/api/v1/exams/{}", s.exam_id)).token(hq).send().await.json()["has_unpublished_changes"],
        true
    );
    let view = app
        .get(&format!("/api/v1/attempts/{}", attempt["id"].as_str().unwrap()))
        .token(t)
        .send()
        .await
        .json();
    assert_eq!(view["questions"], attempt["questions"], "the attempt keeps its version");
    answer(&app, t, &attempt, right_answer).await;
    let result = app
        .post(&format!("/api/v1/attempts/{}/submit", attempt["id"].as_str().unwrap()))
        .token(t)
        .send()
        .await
        .json();
    assert_eq!(result["score"], 5.0, "graded against the version it was drawn from");
    // Translation status now lists the question texts.
    let status = app
        .get(&format!("/api/v1/courses/{}/translation-status", s.course["id"].as_str().unwrap()))
        .token(hq)
        .send()
        .await
        .json();
    let th = status["locales"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["locale"] == "th")
        .unwrap()
        .clone();
    assert!(th["missing"].as_array().unwrap().iter().any(|m| m["kind"] == "question"), "{th}");
}

#[actix_rt::test]
async fn bad_questions_are_refused_with_field_errors() {
    let app = TestApp::new().await;
    let s = setup(&app, 4, false, false).await;
    let hq = &s.world.hq.token;
    let path = format!("/api/v1/exams/{}/questions", s.exam_id);
    let cases = [
        (
            json!({"kind": "essay", "points": 1, "translations": {"en": {"prompt": "p", "options": ["a", "b"]}}, "correct": [0]}),
            "invalid_choice",
        ),
        (
            json!({"kind": "single_choice", "points": 1, "translations": {"en": {"prompt": "p", "options": ["a", "b"]}}, "correct": [5]}),
            "no_such_option",
        ),
        (
            json!({"kind": "single_choice", "points": 1, "translations": {"en": {"prompt": "p", "options": ["a", "b"]}}, "correct": [0, 1]}),
            "one_correct_option",
        ),
        (
            json!({"kind": "true_false", "points": 1, "translations": {"en": {"prompt": "p", "options": ["a", "b", "c"]}}, "correct": [0]}),
            "true_false_needs_two_options",
        ),
        (
            json!({"kind": "single_choice", "points": 1, "translations": {"en": {"prompt": "p", "options": ["a", "b"]}, "th": {"prompt": "p", "options": ["a"]}}, "correct": [0]}),
            "option_count",
        ),
        (
            json!({"kind": "single_choice", "points": 0, "translations": {"en": {"prompt": "p", "options": ["a", "b"]}}, "correct": [0]}),
            "out_of_range",
        ),
    ];
    for (body, code) in cases {
        let res = app.post(&path).token(hq).json(body).send().await;
        let doc = res.problem(422, "validation_failed");
        assert!(doc["errors"].as_array().unwrap().iter().any(|e| e["code"] == code), "{code}: {doc}");
    }
    let res = app
        .post(&format!("/api/v1/courses/{}/exams", s.course["id"].as_str().unwrap()))
        .token(hq)
        .json(json!({"translations": {"en": {"title": "Big"}}, "pass_mark_percent": 70, "time_limit_minutes": 30, "max_attempts": 1, "question_count": 10}))
        .send()
        .await
        .json();
    app.post(&format!("/api/v1/exams/{}/publish", res["id"].as_str().unwrap()))
        .token(hq)
        .send()
        .await
        .problem(409, "question_bank_too_small");
}
