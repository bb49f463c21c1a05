//! Issue 15: one call for "my course": the trainee's enrolments with the
//! course's exam (attempts used and left, the open attempt, the best
//! result) and the certificate.

use crate::support::catalogue::published_course;
use crate::support::exams::{options, published_exam, right_answer};
use crate::support::queries::counted_get;
use crate::support::windows::{at, grant, rfc, window};
use crate::support::world::PASSWORD;
use crate::support::{TestApp, World};
use chrono::Duration;
use serde_json::{Value, json};

/// A course offered to BKK (with a published exam if asked), a BKK cohort
/// of it and BKK's trainee enrolled: the course, the exam and the enrolment.
async fn enrolled(app: &TestApp, world: &World, code: &str, with_exam: bool) -> (Value, Option<Value>, Value) {
    let course = published_course(app, &world.hq.token, code, 1, &["BKK"]).await;
    let course_id = course["id"].as_str().unwrap();
    let exam = if with_exam {
        Some(published_exam(app, &world.hq.token, course_id, 4, false, false).await)
    } else {
        None
    };
    let cohort = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(&world.bkk_admin.token)
        .json(json!({"course_id": course_id, "name": format!("{code} intake"), "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": 30}))
        .send()
        .await;
    assert_eq!(cohort.status, 201, "{}", cohort.text());
    let res = app
        .post(&format!("/api/v1/cohorts/{}/enrolments", cohort.json()["id"].as_str().unwrap()))
        .token(&world.bkk_admin.token)
        .json(json!({"user_id": world.bkk_trainee.id}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    (course, exam, res.json())
}

async fn start(app: &TestApp, token: &str, exam: &Value) -> Value {
    let res = app
        .post(&format!("/api/v1/exams/{}/attempts", exam["id"].as_str().unwrap()))
        .token(token)
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

async fn submit(app: &TestApp, token: &str, attempt: &Value) -> Value {
    let res = app
        .post(&format!("/api/v1/attempts/{}/submit", attempt["id"].as_str().unwrap()))
        .token(token)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

/// Every page of the caller's enrolments, `limit` at a time.
async fn all_pages(app: &TestApp, token: &str, limit: usize) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/users/me/enrolments?limit={limit}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let res = app.get(&path).token(token).header("Accept-Language", "en").send().await;
        assert_eq!(res.status, 200, "{}", res.text());
        let page = res.json();
        let got = page["items"].as_array().unwrap();
        assert!(got.len() <= limit);
        items.extend(got.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return items,
        }
    }
}

fn by_course<'a>(items: &'a [Value], course: &Value) -> &'a Value {
    items.iter().find(|i| i["course"]["id"] == course["id"]).unwrap()
}

#[actix_rt::test]
async fn one_call_shows_each_course_with_its_exam_and_certificate() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let t = &world.bkk_trainee.token;
    let (plain, _, _) = enrolled(&app, &world, "MC-PLAIN", false).await;
    let (running, running_exam, _) = enrolled(&app, &world, "MC-OPEN", true).await;
    let (done, done_exam, done_enrolment) = enrolled(&app, &world, "MC-DONE", true).await;
    let (spent, spent_exam, _) = enrolled(&app, &world, "MC-SPENT", true).await;
    // An attempt in progress.
    let open = start(&app, t, running_exam.as_ref().unwrap()).await;
    // Lesson done and the exam passed: completed and certified.
    let eid = done_enrolment["id"].as_str().unwrap();
    for lesson in done["lessons"].as_array().unwrap() {
        let res = app
            .post(&format!(
                "/api/v1/enrolments/{eid}/lessons/{}/complete",
                lesson["id"].as_str().unwrap()
            ))
            .token(t)
            .send()
            .await;
        assert_eq!(res.status, 204, "{}", res.text());
    }
    let passing = start(&app, t, done_exam.as_ref().unwrap()).await;
    for q in passing["questions"].as_array().unwrap() {
        let res = app
            .put(&format!(
                "/api/v1/attempts/{}/answers/{}",
                passing["id"].as_str().unwrap(),
                q["id"].as_str().unwrap()
            ))
            .token(t)
            .json(json!({"selected": options(q, &right_answer(q))}))
            .send()
            .await;
        assert_eq!(res.status, 204, "{}", res.text());
    }
    let passed = submit(&app, t, &passing).await;
    assert_eq!(passed["passed"], true, "{passed}");
    // Both attempts (max 2) submitted blank: failed and exhausted.
    let first = start(&app, t, spent_exam.as_ref().unwrap()).await;
    submit(&app, t, &first).await;
    let second = start(&app, t, spent_exam.as_ref().unwrap()).await;
    submit(&app, t, &second).await;

    // Pages of two hold the same four enrolments as one page of ten.
    let paged = all_pages(&app, t, 2).await;
    let whole = all_pages(&app, t, 10).await;
    assert_eq!(paged.len(), 4);
    assert_eq!(paged, whole);
    let items = &whole;

    // No exam: the enrolment's own fields as before, exam and certificate null.
    let p = by_course(items, &plain);
    assert_eq!(p["course"]["code"], "MC-PLAIN");
    assert_eq!(p["cohort"]["name"], "MC-PLAIN intake");
    assert_eq!(p["status"], "active");
    assert_eq!(p["progress"]["done"], 0);
    assert_eq!(p["progress"]["total"], 1);
    assert_eq!(p["exam"], Value::Null, "{p}");
    assert_eq!(p["certificate"], Value::Null);

    // An open attempt: its id and deadline, one attempt left, no result yet.
    let r = by_course(items, &running);
    let exam = &r["exam"];
    assert_eq!(exam["id"], running_exam.as_ref().unwrap()["id"]);
    assert_eq!(exam["title"], "Final exam");
    assert_eq!(exam["locale"], "en");
    assert_eq!(exam["max_attempts"], 2);
    assert_eq!(exam["attempts_used"], 1);
    assert_eq!(exam["attempts_left"], 1);
    assert_eq!(exam["open_attempt"]["id"], open["id"]);
    assert_eq!(exam["open_attempt"]["deadline"], open["deadline"]);
    assert_eq!(exam["open_attempt"]["started_at"], open["started_at"]);
    assert_eq!(exam["best_result"], Value::Null);
    assert_eq!(exam["window"], Value::Null);
    assert!(exam.as_object().unwrap().contains_key("window"), "{exam}");
    assert_eq!(r["certificate"], Value::Null);

    // Passed and certified: the best result and the certificate's verify link.
    let d = by_course(items, &done);
    assert_eq!(d["status"], "completed");
    assert_eq!(d["progress"]["done"], 1);
    let exam = &d["exam"];
    assert_eq!(exam["attempts_used"], 1);
    assert_eq!(exam["attempts_left"], 1);
    assert_eq!(exam["open_attempt"], Value::Null);
    assert_eq!(exam["best_result"]["attempt_id"], passing["id"]);
    assert_eq!(exam["best_result"]["passed"], true);
    assert_eq!(exam["best_result"]["percent"], 100.0);
    assert_eq!(exam["best_result"]["score"], passed["score"]);
    let mine = app.get("/api/v1/users/me/certificates").token(t).send().await.json();
    let cert = &mine["items"][0];
    assert_eq!(d["certificate"]["id"], cert["id"]);
    assert_eq!(d["certificate"]["code"], cert["code"]);
    assert_eq!(d["certificate"]["status"], "valid");
    assert_eq!(d["certificate"]["verify_url"], cert["verify_url"]);
    let url = format!("{}/verify/{}", app.state.config.public_url, cert["code"].as_str().unwrap());
    assert_eq!(d["certificate"]["verify_url"], url.as_str());

    // Attempts exhausted: none left, the best of two fails.
    let s = by_course(items, &spent);
    let exam = &s["exam"];
    assert_eq!(exam["attempts_used"], 2);
    assert_eq!(exam["attempts_left"], 0);
    assert_eq!(exam["open_attempt"], Value::Null);
    assert_eq!(exam["best_result"]["passed"], false);
    assert_eq!(exam["best_result"]["percent"], 0.0);
    assert_eq!(s["certificate"], Value::Null);

    // The single enrolment: the same, with the lessons done.
    let res = app
        .get(&format!("/api/v1/users/me/enrolments/{eid}"))
        .token(t)
        .header("Accept-Language", "en")
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let one = res.json();
    let lesson_ids: Vec<Value> = done["lessons"].as_array().unwrap().iter().map(|l| l["id"].clone()).collect();
    assert_eq!(one["completed_lesson_ids"], Value::Array(lesson_ids));
    let mut listed = d.clone();
    listed["completed_lesson_ids"] = one["completed_lesson_ids"].clone();
    assert_eq!(one, listed);

    // In the trainee's language: the exam title follows Accept-Language.
    let res = app
        .get(&format!("/api/v1/users/me/enrolments/{eid}"))
        .token(t)
        .header("Accept-Language", "th")
        .send()
        .await;
    assert_eq!(res.json()["exam"]["title"], "สอบปลายภาค");

    // Past its deadline the attempt is no longer open; once graded (read)
    // it counts as a result.
    app.state.clock.advance(Duration::minutes(31));
    let t = &app.login("BKK", &world.bkk_trainee.email, PASSWORD).await;
    let items = all_pages(&app, t, 10).await;
    let exam = &by_course(&items, &running)["exam"];
    assert_eq!(exam["open_attempt"], Value::Null, "{exam}");
    assert_eq!(exam["attempts_used"], 1);
    assert_eq!(exam["best_result"], Value::Null);
    let res = app
        .get(&format!("/api/v1/attempts/{}", open["id"].as_str().unwrap()))
        .token(t)
        .send()
        .await;
    assert_eq!(res.json()["status"], "submitted");
    let items = all_pages(&app, t, 10).await;
    let exam = &by_course(&items, &running)["exam"];
    assert_eq!(exam["best_result"]["attempt_id"], open["id"]);
    assert_eq!(exam["best_result"]["passed"], false);
}

#[actix_rt::test]
async fn another_trainees_enrolment_is_not_found() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (_, _, enrolment) = enrolled(&app, &world, "MC-OWN", true).await;
    let path = format!("/api/v1/users/me/enrolments/{}", enrolment["id"].as_str().unwrap());
    let res = app.get(&path).token(&world.bkk_trainee.token).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    // Another branch's trainee, and the trainee's own branch admin: not theirs.
    app.get(&path)
        .token(&world.han_trainee.token)
        .send()
        .await
        .problem(404, "not_found");
    app.get(&path).token(&world.bkk_admin.token).send().await.problem(404, "not_found");
    app.get(&path).token(&world.hq.token).send().await.problem(404, "not_found");
    // Unknown ids, and no token.
    let unknown = format!("/api/v1/users/me/enrolments/{}", uuid::Uuid::now_v7());
    app.get(&unknown)
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .problem(404, "not_found");
    assert_eq!(app.get(&path).send().await.status, 401);
    // The other trainee's list is empty; a bad status filter is a problem.
    let list = app.get("/api/v1/users/me/enrolments").token(&world.han_trainee.token).send().await;
    assert_eq!(list.json()["items"], json!([]));
    let res = app
        .get("/api/v1/users/me/enrolments?status=finished")
        .token(&world.bkk_trainee.token)
        .send()
        .await;
    assert_eq!(res.status, 422, "{}", res.text());
}

#[actix_rt::test]
async fn a_page_costs_the_same_queries_whatever_its_size() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let t = &world.bkk_trainee.token;
    let mut counts = Vec::new();
    for code in ["MC-Q1", "MC-Q2", "MC-Q3", "MC-Q4", "MC-Q5"] {
        let (_, exam, enrolment) = enrolled(&app, &world, code, true).await;
        // Each exam with a window for the cohort, one for the branch, and an override.
        let exam_id = exam.as_ref().unwrap()["id"].as_str().unwrap();
        let (opens, closes) = (rfc(at(&app, -Duration::hours(1))), rfc(at(&app, Duration::hours(2))));
        let cohort = &enrolment["cohort"]["id"];
        window(
            &app,
            &world.bkk_admin.token,
            exam_id,
            json!({"cohort_id": cohort, "opens_at": opens, "closes_at": closes}),
        )
        .await;
        window(
            &app,
            &world.bkk_admin.token,
            exam_id,
            json!({"opens_at": opens, "closes_at": closes}),
        )
        .await;
        grant(
            &app,
            &world.bkk_admin.token,
            exam_id,
            &world.bkk_trainee.id,
            json!({"extra_attempts": 1}),
        )
        .await;
        start(&app, t, exam.as_ref().unwrap()).await;
        // The start's activity time waits in memory for a batched write
        // (`enrolments::activity_buffer`); a first read writes it, so the
        // counted read costs what a page costs.
        app.get("/api/v1/users/me/enrolments?limit=1").token(t).send().await;
        let (res, n) = counted_get(&app, t, "/api/v1/users/me/enrolments?limit=50").await;
        assert_eq!(res.status, 200, "{}", res.text());
        assert!(
            res.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["exam"]["open_attempt"].is_object()
                    && i["exam"]["window"]["cohort_id"] == i["cohort"]["id"]
                    && i["exam"]["attempts_left"] == 2)
        );
        counts.push(n);
    }
    // On PostgreSQL (where statements can be counted, unless a test log took
    // the tracing slot): the same number for one enrolment as for five, the
    // number `progress::my_course` documents: 12 (the page, 5 for the
    // enrolment views, 5 for the exams with their attempts, windows and
    // overrides, the certificates).
    if crate::support::postgres_url().is_some() && std::env::var_os("ZHIJIANG_TEST_LOG").is_none() {
        assert!(counts.iter().all(|n| *n == Some(12)), "{counts:?}");
    }
}
