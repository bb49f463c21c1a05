//! Issue 15: the grace period for answers synced late is an exam setting
//! (`sync_grace_minutes`, 0 to 30, default 2), carried by the published
//! version; late-synced answers show in results and the completion report.

use crate::support::catalogue::published_course;
use crate::support::exams::{published_exam_with, sync_all_right};
use crate::support::rows::count;
use crate::support::world::PASSWORD;
use crate::support::{TestApp, World};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

/// A course offered to BKK with a published exam made with `extra`
/// settings, BKK's trainee enrolled: the course and the exam.
async fn setup(app: &TestApp, world: &World, extra: Value) -> (Value, Value) {
    let course = published_course(app, &world.hq.token, "SG-101", 1, &["BKK"]).await;
    let course_id = course["id"].as_str().unwrap();
    let exam = published_exam_with(app, &world.hq.token, course_id, 4, false, extra).await;
    let cohort = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(&world.bkk_admin.token)
        .json(json!({"course_id": course_id, "name": "Grace", "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": 30}))
        .send()
        .await
        .json();
    let res = app
        .post(&format!("/api/v1/cohorts/{}/enrolments", cohort["id"].as_str().unwrap()))
        .token(&world.bkk_admin.token)
        .json(json!({"user_id": world.bkk_trainee.id}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    (course, exam)
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

fn deadline(attempt: &Value) -> DateTime<Utc> {
    attempt["deadline"].as_str().unwrap().parse().unwrap()
}

#[actix_rt::test]
async fn grace_zero_refuses_an_answer_arriving_after_the_deadline() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (_, exam) = setup(&app, &world, json!({"sync_grace_minutes": 0})).await;
    assert_eq!(exam["sync_grace_minutes"], 0, "{exam}");
    let attempt = start(&app, &world.bkk_trainee.token, &exam).await;
    app.state.clock.advance(Duration::minutes(30) + Duration::seconds(20));
    let t = &app.login("BKK", &world.bkk_trainee.email, PASSWORD).await;
    // Given a minute before the deadline, arriving 20 s after it: too late.
    let given = deadline(&attempt) - Duration::minutes(1);
    assert_eq!(sync_all_right(&app, t, &attempt, given).await, vec!["grace_over"; 4]);
    // No grace to wait for: the sweep grades it now, with nothing answered.
    assert_eq!(zhijiang::progress::sweep(&app.state).await.unwrap(), 1);
    let view = app
        .get(&format!("/api/v1/attempts/{}", attempt["id"].as_str().unwrap()))
        .token(t)
        .send()
        .await
        .json();
    assert_eq!(view["status"], "submitted");
    assert_eq!(view["answers"], json!({}));
    assert_eq!(view["late_synced"], json!([]));
}

#[actix_rt::test]
async fn grace_five_takes_an_answer_at_four_minutes_and_reports_count_it() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (course, exam) = setup(&app, &world, json!({"sync_grace_minutes": 5})).await;
    assert_eq!(exam["sync_grace_minutes"], 5);
    // A change after publication does not reach the published version:
    // attempts keep the grace of the version they start on.
    let res = app
        .patch(&format!("/api/v1/exams/{}", exam["id"].as_str().unwrap()))
        .token(&world.hq.token)
        .json(json!({"sync_grace_minutes": 0}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["sync_grace_minutes"], 0);
    assert_eq!(res.json()["has_unpublished_changes"], true);
    let attempt = start(&app, &world.bkk_trainee.token, &exam).await;
    app.state.clock.advance(Duration::minutes(34));
    let t = &app.login("BKK", &world.bkk_trainee.email, PASSWORD).await;
    // Four minutes past the deadline the sweep still waits (the former
    // fixed 2 minutes would not have).
    assert_eq!(zhijiang::progress::sweep(&app.state).await.unwrap(), 0);
    let given = deadline(&attempt) - Duration::minutes(1);
    assert_eq!(sync_all_right(&app, t, &attempt, given).await, vec!["late_synced"; 4]);
    // The result shows which answers were late-synced, and counts them.
    let view = app
        .get(&format!("/api/v1/attempts/{}", attempt["id"].as_str().unwrap()))
        .token(t)
        .send()
        .await
        .json();
    assert_eq!(view["status"], "submitted");
    assert_eq!(view["result"]["percent"], 100.0, "{view}");
    let mut late: Vec<String> = view["late_synced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q.as_str().unwrap().into())
        .collect();
    let mut ids: Vec<String> = attempt["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap().into())
        .collect();
    late.sort();
    ids.sort();
    assert_eq!(late, ids);
    // The completion report counts the attempt, in JSON and CSV.
    let report = app
        .get(&format!("/api/v1/reports/completion?course_id={}", course["id"].as_str().unwrap()))
        .token(&app.login("BKK", "admin@bkk.test", PASSWORD).await)
        .send()
        .await;
    assert_eq!(report.status, 200, "{}", report.text());
    let rows = report.json()["items"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["late_synced_attempts"], 1, "{}", rows[0]);
    let csv = app
        .get(&format!("/api/v1/reports/completion?course_id={}", course["id"].as_str().unwrap()))
        .token(&app.login("HQ", &world.hq.email, PASSWORD).await)
        .header("Accept", "text/csv")
        .header("Accept-Language", "en")
        .send()
        .await
        .text();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(header.ends_with(",Attempts with late-synced answers"), "{header}");
    assert!(lines.next().unwrap().ends_with(",1"), "{csv}");
}

#[actix_rt::test]
async fn bad_grace_values_are_refused_and_nothing_is_stored() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let course = published_course(&app, &world.hq.token, "SG-BAD", 1, &["BKK"]).await;
    let course_id = course["id"].as_str().unwrap();
    let body = |grace: Value| {
        json!({"translations": {"en": {"title": "Final exam"}}, "pass_mark_percent": 70, "time_limit_minutes": 30,
               "max_attempts": 2, "question_count": 1, "sync_grace_minutes": grace})
    };
    let before = count(&app, "exams").await;
    for grace in [json!(-1), json!(31), json!(1000)] {
        let res = app
            .post(&format!("/api/v1/courses/{course_id}/exams"))
            .token(&world.hq.token)
            .header("Accept-Language", "th")
            .json(body(grace.clone()))
            .send()
            .await;
        let doc = res.problem(422, "validation_failed");
        let error = &doc["errors"][0];
        assert_eq!(error["field"], "sync_grace_minutes", "{grace}: {doc}");
        assert_eq!(error["code"], "out_of_range");
        assert!(error["message"].as_str().unwrap().contains("30"), "{doc}");
    }
    for grace in [json!("2"), json!(2.5), json!(4_294_967_296_i64)] {
        let res = app
            .post(&format!("/api/v1/courses/{course_id}/exams"))
            .token(&world.hq.token)
            .json(body(grace.clone()))
            .send()
            .await;
        assert!(res.status == 400 || res.status == 422, "{grace}: {}", res.text());
        assert_eq!(res.header("content-type").as_deref(), Some("application/problem+json"));
    }
    assert_eq!(count(&app, "exams").await, before);
    // Without the field the grace is 2; a bad change keeps what is stored.
    let res = app
        .post(&format!("/api/v1/courses/{course_id}/exams"))
        .token(&world.hq.token)
        .json(
            json!({"translations": {"en": {"title": "Final exam"}}, "pass_mark_percent": 70, "time_limit_minutes": 30,
                     "max_attempts": 2, "question_count": 1}),
        )
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let exam = res.json();
    assert_eq!(exam["sync_grace_minutes"], 2);
    let path = format!("/api/v1/exams/{}", exam["id"].as_str().unwrap());
    let res = app
        .patch(&path)
        .token(&world.hq.token)
        .json(json!({"sync_grace_minutes": 31}))
        .send()
        .await;
    let doc = res.problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["field"], "sync_grace_minutes");
    let res = app
        .patch(&path)
        .token(&world.hq.token)
        .json(json!({"sync_grace_minutes": 30}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let stored = app.get(&path).token(&world.hq.token).send().await.json();
    assert_eq!(stored["sync_grace_minutes"], 30);
    // Only headquarters sets it.
    let res = app
        .patch(&path)
        .token(&world.bkk_admin.token)
        .json(json!({"sync_grace_minutes": 5}))
        .send()
        .await;
    assert_eq!(res.status, 403, "{}", res.text());
}
