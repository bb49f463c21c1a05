//! Issue 15: per-trainee overrides (extra attempts, extra time, a one-off
//! unlock of a closed window) granted by branch admins for their branch,
//! and attempts counted per enrolment (a re-take cohort starts afresh).

use crate::support::TestApp;
use crate::support::windows::{at, exam_day, grant, rfc, start, submit, time, window};
use crate::support::world::{PASSWORD, create_user};
use chrono::Duration;
use serde_json::{Value, json};

/// Starts and submits one attempt of the trainee (201 expected).
async fn sit(app: &TestApp, token: &str, exam_id: &str) -> Value {
    let (status, attempt) = start(app, token, exam_id).await;
    assert_eq!(status, 201, "{attempt}");
    submit(app, token, &attempt).await;
    attempt
}

async fn availability(app: &TestApp, token: &str, exam_id: &str) -> Value {
    let res = app.get(&format!("/api/v1/exams/{exam_id}/availability")).token(token).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

#[actix_rt::test]
async fn an_extra_attempt_is_granted_after_the_attempts_ran_out() {
    let app = TestApp::new().await;
    let s = exam_day(&app).await;
    let trainee = s.world.bkk_trainee.token.clone();
    sit(&app, &trainee, &s.exam_id).await;
    sit(&app, &trainee, &s.exam_id).await;
    let (status, doc) = start(&app, &trainee, &s.exam_id).await;
    assert_eq!((status, doc["code"].as_str()), (409, Some("attempts_exhausted")), "{doc}");
    // The trainee was ill: one more attempt (a total, so a retry grants nothing twice).
    let path = format!("/api/v1/exams/{}/overrides/{}", s.exam_id, s.world.bkk_trainee.id);
    let body = json!({"extra_attempts": 1});
    let first = app.put(&path).token(&s.world.bkk_admin.token).json(body.clone()).send().await;
    assert_eq!(first.status, 201, "{}", first.text());
    let again = app.put(&path).token(&s.world.bkk_admin.token).json(body).send().await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["extra_attempts"], 1);
    let a = availability(&app, &trainee, &s.exam_id).await;
    assert_eq!(
        (
            a["attempts_used"].as_i64(),
            a["attempts_allowed"].as_i64(),
            a["attempts_left"].as_i64()
        ),
        (Some(2), Some(3), Some(1))
    );
    let third = sit(&app, &trainee, &s.exam_id).await;
    assert_eq!(third["attempt_number"], 3);
    let (status, doc) = start(&app, &trainee, &s.exam_id).await;
    assert_eq!((status, doc["code"].as_str()), (409, Some("attempts_exhausted")), "{doc}");
    // Audited, and visible to headquarters.
    let audit = app
        .get("/api/v1/audit?action=exam_override.set")
        .token(&s.world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(audit["items"].as_array().unwrap().len(), 2, "{audit}");
    let list = app
        .get(&format!("/api/v1/exams/{}/overrides", s.exam_id))
        .token(&s.world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(list["items"][0]["user_id"], s.world.bkk_trainee.id.as_str());
    assert_eq!(list["items"][0]["branch"], "BKK");
}

#[actix_rt::test]
async fn extra_time_extends_the_deadline_and_a_hard_end() {
    let app = TestApp::new().await;
    let s = exam_day(&app).await;
    let trainee = s.world.bkk_trainee.token.clone();
    let g = grant(
        &app,
        &s.world.bkk_admin.token,
        &s.exam_id,
        &s.world.bkk_trainee.id,
        json!({"extra_minutes": 15}),
    )
    .await;
    assert_eq!(g["extra_minutes"], 15);
    let (status, attempt) = start(&app, &trainee, &s.exam_id).await;
    assert_eq!(status, 201, "{attempt}");
    assert_eq!(time(&attempt["deadline"]) - time(&attempt["started_at"]), Duration::minutes(45));
    submit(&app, &trainee, &attempt).await;
    // With a hard end 10 minutes away, the extra time extends the end too.
    let closes = at(&app, Duration::minutes(10));
    window(
        &app,
        &s.world.bkk_admin.token,
        &s.exam_id,
        json!({"cohort_id": s.cohort_id, "opens_at": rfc(at(&app, -Duration::hours(1))), "closes_at": rfc(closes), "hard_end": true}),
    )
    .await;
    let (status, attempt) = start(&app, &trainee, &s.exam_id).await;
    assert_eq!(status, 201, "{attempt}");
    assert_eq!(time(&attempt["deadline"]), closes + Duration::minutes(15));
    // Bounded.
    let path = format!("/api/v1/exams/{}/overrides/{}", s.exam_id, s.world.bkk_trainee.id);
    for body in [
        json!({"extra_minutes": 241}),
        json!({"extra_minutes": -1}),
        json!({"extra_attempts": 11}),
    ] {
        let doc = app
            .put(&path)
            .token(&s.world.bkk_admin.token)
            .json(body.clone())
            .send()
            .await
            .problem(422, "validation_failed");
        assert_eq!(doc["errors"][0]["code"], "out_of_range", "{body}: {doc}");
    }
    let kept = app.get(&path).token(&s.world.bkk_admin.token).send().await.json();
    assert_eq!(
        (kept["extra_minutes"].as_i64(), kept["extra_attempts"].as_i64()),
        (Some(15), Some(0)),
        "nothing stored"
    );
}

#[actix_rt::test]
async fn an_unlock_lets_one_start_outside_the_window_and_is_used_up() {
    let app = TestApp::new().await;
    let s = exam_day(&app).await;
    let trainee = s.world.bkk_trainee.token.clone();
    let opens = at(&app, -Duration::hours(3));
    window(
        &app,
        &s.world.bkk_admin.token,
        &s.exam_id,
        json!({"cohort_id": s.cohort_id, "opens_at": rfc(opens), "closes_at": rfc(at(&app, -Duration::hours(1))), "hard_end": true}),
    )
    .await;
    let (status, doc) = start(&app, &trainee, &s.exam_id).await;
    assert_eq!((status, doc["code"].as_str()), (409, Some("exam_window_closed")), "{doc}");
    assert_eq!(time(&doc["opens_at"]), opens);
    let g = grant(
        &app,
        &s.world.bkk_admin.token,
        &s.exam_id,
        &s.world.bkk_trainee.id,
        json!({"unlock_window": true}),
    )
    .await;
    assert_eq!(g["unlock_window"], true);
    assert_eq!(availability(&app, &trainee, &s.exam_id).await["open_now"], true);
    let (status, attempt) = start(&app, &trainee, &s.exam_id).await;
    assert_eq!(status, 201, "{attempt}");
    assert_eq!(
        time(&attempt["deadline"]) - time(&attempt["started_at"]),
        Duration::minutes(30),
        "no hard end outside the window"
    );
    // While open, starting again resumes the same attempt.
    let (status, again) = start(&app, &trainee, &s.exam_id).await;
    assert_eq!((status, &again["id"]), (200, &attempt["id"]));
    submit(&app, &trainee, &attempt).await;
    let used = app
        .get(&format!("/api/v1/exams/{}/overrides/{}", s.exam_id, s.world.bkk_trainee.id))
        .token(&s.world.bkk_admin.token)
        .send()
        .await
        .json();
    assert_eq!(used["unlock_window"], false);
    assert_eq!(used["unlock_attempt_id"], attempt["id"]);
    assert!(used["unlock_used_at"].is_string());
    let (status, doc) = start(&app, &trainee, &s.exam_id).await;
    assert_eq!(
        (status, doc["code"].as_str()),
        (409, Some("exam_window_closed")),
        "used once: {doc}"
    );
    let audit = app
        .get("/api/v1/audit?action=exam_override.unlock_used")
        .token(&s.world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(audit["items"].as_array().unwrap().len(), 1, "{audit}");
    assert_eq!(audit["items"][0]["details"]["attempt_id"], attempt["id"]);
}

#[actix_rt::test]
async fn a_re_take_cohort_gives_fresh_attempts() {
    let app = TestApp::new().await;
    let s = exam_day(&app).await;
    let trainee = s.world.bkk_trainee.token.clone();
    sit(&app, &trainee, &s.exam_id).await;
    sit(&app, &trainee, &s.exam_id).await;
    let first = availability(&app, &trainee, &s.exam_id).await;
    assert_eq!(first["attempts_left"], 0);
    // The re-take cohort: a new enrolment, whose attempts count afresh.
    let course_id = app
        .get(&format!("/api/v1/exams/{}", s.exam_id))
        .token(&s.world.hq.token)
        .send()
        .await
        .json()["course_id"]
        .clone();
    app.clock_tick();
    let retake = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(&s.world.bkk_admin.token)
        .json(json!({"course_id": course_id, "name": "C1 re-take", "starts_on": "2026-07-01", "ends_on": "2026-08-31", "capacity": 10}))
        .send()
        .await
        .json();
    let res = app
        .post(&format!("/api/v1/cohorts/{}/enrolments", retake["id"].as_str().unwrap()))
        .token(&s.world.bkk_admin.token)
        .json(json!({"user_id": s.world.bkk_trainee.id}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let enrolment = res.json();
    let a = availability(&app, &trainee, &s.exam_id).await;
    assert_eq!(a["enrolment_id"], enrolment["id"]);
    assert_eq!((a["attempts_used"].as_i64(), a["attempts_left"].as_i64()), (Some(0), Some(2)));
    let third = sit(&app, &trainee, &s.exam_id).await;
    assert_eq!(third["attempt_number"], 3, "numbers keep counting over enrolments");
    sit(&app, &trainee, &s.exam_id).await;
    let (status, doc) = start(&app, &trainee, &s.exam_id).await;
    assert_eq!((status, doc["code"].as_str()), (409, Some("attempts_exhausted")), "{doc}");
    // The re-take cohort's window governs, not the first cohort's.
    let tomorrow = at(&app, Duration::days(1));
    window(
        &app,
        &s.world.bkk_admin.token,
        &s.exam_id,
        json!({"cohort_id": s.cohort_id, "opens_at": rfc(tomorrow), "closes_at": rfc(tomorrow + Duration::hours(2))}),
    )
    .await;
    assert_eq!(availability(&app, &trainee, &s.exam_id).await["window"], Value::Null);
}

#[actix_rt::test]
async fn overrides_stay_inside_the_branch_and_need_an_enrolled_trainee() {
    let app = TestApp::new().await;
    let s = exam_day(&app).await;
    let path = format!("/api/v1/exams/{}/overrides/{}", s.exam_id, s.world.bkk_trainee.id);
    let han = &s.world.han_admin.token;
    // Another branch's trainee: as if there were none.
    app.put(&path)
        .token(han)
        .json(json!({"extra_attempts": 1}))
        .send()
        .await
        .problem(404, "not_found");
    grant(
        &app,
        &s.world.bkk_admin.token,
        &s.exam_id,
        &s.world.bkk_trainee.id,
        json!({"extra_attempts": 1}),
    )
    .await;
    app.get(&path).token(han).send().await.problem(404, "not_found");
    app.delete(&path).token(han).send().await.problem(404, "not_found");
    let list = app
        .get(&format!("/api/v1/exams/{}/overrides", s.exam_id))
        .token(han)
        .send()
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 0, "{list}");
    // Headquarters grants for anyone.
    let res = app
        .put(&path)
        .token(&s.world.hq.token)
        .json(json!({"extra_minutes": 10}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        (res.json()["extra_attempts"].as_i64(), res.json()["extra_minutes"].as_i64()),
        (Some(1), Some(10))
    );
    // A trainee of the branch not enrolled in the course: a clear conflict.
    let other = create_user(
        &app,
        &s.world.bkk_admin.token,
        "BKK",
        "nid@bkk.test",
        "trainee",
        "th",
        Some(PASSWORD),
    )
    .await;
    let other_path = format!("/api/v1/exams/{}/overrides/{}", s.exam_id, other["id"].as_str().unwrap());
    let doc = app
        .put(&other_path)
        .token(&s.world.bkk_admin.token)
        .header("Accept-Language", "zh-CN")
        .json(json!({"extra_attempts": 1}))
        .send()
        .await
        .problem(409, "trainee_not_enrolled");
    assert_eq!(doc["title"], "学员未报名");
    // A grading is final: there is no field to re-open an attempt.
    let res = app
        .put(&path)
        .token(&s.world.bkk_admin.token)
        .json(json!({"reopen_attempt": true}))
        .send()
        .await;
    assert_eq!(res.status / 100, 4, "{}", res.text());
    // Trainees do not grant themselves anything.
    app.put(&path)
        .token(&s.world.bkk_trainee.token)
        .json(json!({"extra_attempts": 5}))
        .send()
        .await
        .problem(403, "forbidden");
    let list = app
        .get(&format!("/api/v1/exams/{}/overrides", s.exam_id))
        .token(&s.world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "nothing else stored: {list}");
    // Withdrawn by the branch: gone.
    assert_eq!(app.delete(&path).token(&s.world.bkk_admin.token).send().await.status, 204);
    app.get(&path)
        .token(&s.world.bkk_admin.token)
        .send()
        .await
        .problem(404, "not_found");
}

#[actix_rt::test]
async fn an_attempt_that_expired_in_an_old_enrolment_does_not_hold_back_a_plain_start_in_the_re_take() {
    let app = TestApp::new().await;
    let s = exam_day(&app).await;
    let trainee = s.world.bkk_trainee.token.clone();
    let (status, first) = start(&app, &trainee, &s.exam_id).await;
    assert_eq!(status, 201, "{first}");
    // Left to run out of time in the first cohort: a plain start there
    // answers with the graded result, not a new attempt.
    app.state.clock.advance(Duration::minutes(31));
    let trainee = app.login("BKK", &s.world.bkk_trainee.email, PASSWORD).await;
    let admin = app.login("BKK", &s.world.bkk_admin.email, PASSWORD).await;
    let (status, doc) = start(&app, &trainee, &s.exam_id).await;
    assert_eq!((status, doc["code"].as_str()), (409, Some("attempt_expired")), "{doc}");
    assert_eq!(doc["attempt"]["id"], first["id"]);
    // In the re-take cohort the same plain start (no body) begins afresh.
    let course_id = app.get(&format!("/api/v1/exams/{}", s.exam_id)).token(&admin).send().await.json()["course_id"].clone();
    app.clock_tick();
    let retake = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(&admin)
        .json(json!({"course_id": course_id, "name": "C1 re-take", "starts_on": "2026-07-01", "ends_on": "2026-08-31", "capacity": 10}))
        .send()
        .await
        .json();
    let res = app
        .post(&format!("/api/v1/cohorts/{}/enrolments", retake["id"].as_str().unwrap()))
        .token(&admin)
        .json(json!({"user_id": s.world.bkk_trainee.id}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let (status, second) = start(&app, &trainee, &s.exam_id).await;
    assert_eq!(status, 201, "{second}");
    assert_ne!(second["id"], first["id"]);
    assert_eq!(second["attempt_number"], 2);
    let a = availability(&app, &trainee, &s.exam_id).await;
    assert_eq!(a["enrolment_id"], res.json()["id"]);
    assert_eq!((a["attempts_used"].as_i64(), a["attempts_left"].as_i64()), (Some(1), Some(1)));
    // Starting again while it runs resumes it.
    let (status, again) = start(&app, &trainee, &s.exam_id).await;
    assert_eq!((status, &again["id"]), (200, &second["id"]));
}
