//! Issue 15: explicit resume (an expired attempt is never restarted
//! silently) and a trainee's own attempts.

use crate::support::exams::exam_with_bkk_trainee;
use crate::support::queries::counted;
use crate::support::world::{PASSWORD, create_user};
use crate::support::{TestApp, World};
use chrono::Duration;
use serde_json::{Value, json};

struct Setup {
    world: World,
    exam_id: String,
    cohort_id: String,
}

/// A published course with an exam (30 minutes, 2 attempts) and BKK's
/// trainee enrolled.
async fn setup(app: &TestApp) -> Setup {
    let world = World::build(app).await;
    let (exam, cohort_id) = exam_with_bkk_trainee(app, &world).await;
    Setup {
        exam_id: exam["id"].as_str().unwrap().to_string(),
        world,
        cohort_id,
    }
}

async fn enrol(app: &TestApp, world: &World, cohort_id: &str, user_id: &str) {
    let res = app
        .post(&format!("/api/v1/cohorts/{cohort_id}/enrolments"))
        .token(&world.bkk_admin.token)
        .json(json!({"user_id": user_id}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
}

async fn mine(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app.get(&format!("/api/v1/users/me/attempts{query}")).token(token).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[actix_rt::test]
async fn an_expired_attempt_is_answered_with_its_result_until_a_new_one_is_asked_for() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let t = s.world.bkk_trainee.token.clone();
    let path = format!("/api/v1/exams/{}/attempts", s.exam_id);
    let first = app.post(&path).token(&t).send().await;
    assert_eq!(first.status, 201, "{}", first.text());
    let first = first.json();
    let first_id = first["id"].as_str().unwrap().to_string();
    // While it is open, every form of "start" resumes it.
    for body in [None, Some(json!({})), Some(json!({"new": false})), Some(json!({"new": true}))] {
        let call = app.post(&path).token(&t);
        let call = match body {
            Some(b) => call.json(b),
            None => call,
        };
        let res = call.send().await;
        assert_eq!(res.status, 200, "{}", res.text());
        assert_eq!(res.json()["id"], first_id.as_str());
    }
    app.state.clock.advance(Duration::minutes(31));
    let t = app.login("BKK", &s.world.bkk_trainee.email, PASSWORD).await;
    // The "resume" of a phone after the deadline: graded, 409, nothing burnt.
    let expired = app.post(&path).token(&t).header("Accept-Language", "th").send().await;
    let doc = expired.problem(409, "attempt_expired");
    assert_eq!(doc["title"], "หมดเวลาสอบแล้ว");
    assert_eq!(doc["attempt"]["id"], first_id.as_str());
    assert_eq!(doc["attempt"]["attempt_number"], 1);
    assert_eq!(doc["attempt"]["status"], "submitted");
    assert_eq!(doc["attempt"]["expired"], true);
    assert_eq!(doc["attempt"]["result"]["score"], 0.0);
    assert_eq!(doc["attempt"]["result"]["passed"], false);
    assert_eq!(doc["attempt"]["submitted_at"], doc["attempt"]["deadline"]);
    // Retried, in any form short of asking for a new one: the same answer.
    for body in [json!({}), json!({"new": false})] {
        let again = app.post(&path).token(&t).json(body).send().await;
        assert_eq!(again.problem(409, "attempt_expired")["attempt"]["id"], first_id.as_str());
    }
    let list = mine(&app, &t, "").await;
    assert_eq!(ids(&list), vec![first_id.clone()], "no second attempt was started");
    // The grading is kept (audited once, closed by the deadline).
    let hq = app.login("HQ", &s.world.hq.email, PASSWORD).await;
    let audit = app
        .get(&format!("/api/v1/audit?action=attempt.grade&record_id={first_id}"))
        .token(&hq)
        .send()
        .await
        .json();
    assert_eq!(audit["items"].as_array().unwrap().len(), 1, "{audit}");
    assert_eq!(audit["items"][0]["details"]["closed_by"], "deadline");
    // Asked for explicitly: attempt 2.
    let second = app.post(&path).token(&t).json(json!({"new": true})).send().await;
    assert_eq!(second.status, 201, "{}", second.text());
    let second = second.json();
    assert_eq!(second["attempt_number"], 2);
    let second_id = second["id"].as_str().unwrap().to_string();
    assert_ne!(second_id, first_id);
    // Attempt 2 expires as well; asking for a third is refused.
    app.state.clock.advance(Duration::minutes(31));
    let t = app.login("BKK", &s.world.bkk_trainee.email, PASSWORD).await;
    let doc = app.post(&path).token(&t).send().await.problem(409, "attempt_expired");
    assert_eq!(doc["attempt"]["id"], second_id.as_str());
    assert_eq!(doc["attempt"]["attempt_number"], 2);
    app.post(&path)
        .token(&t)
        .json(json!({"new": true}))
        .send()
        .await
        .problem(409, "attempts_exhausted");
    let list = mine(&app, &t, "").await;
    assert_eq!(ids(&list), vec![second_id.clone(), first_id.clone()], "newest first");
    for item in list["items"].as_array().unwrap() {
        assert_eq!(item["status"], "submitted");
        assert_eq!(item["expired"], true);
        assert_eq!(item["exam_id"], s.exam_id.as_str());
        assert_eq!(item["result"]["passed"], false);
    }
}

#[actix_rt::test]
async fn an_attempt_graded_by_the_sweep_is_not_restarted_silently() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let path = format!("/api/v1/exams/{}/attempts", s.exam_id);
    let first = app.post(&path).token(&s.world.bkk_trainee.token).send().await.json();
    app.state.clock.advance(Duration::hours(1));
    assert_eq!(zhijiang::progress::sweep(&app.state).await.unwrap(), 1);
    let t = app.login("BKK", &s.world.bkk_trainee.email, PASSWORD).await;
    let doc = app.post(&path).token(&t).send().await.problem(409, "attempt_expired");
    assert_eq!(doc["attempt"]["id"], first["id"]);
    assert_eq!(doc["attempt"]["result"]["score"], 0.0);
    assert_eq!(mine(&app, &t, "").await["items"].as_array().unwrap().len(), 1);
}

#[actix_rt::test]
async fn a_submitted_attempt_still_lets_the_next_start_without_asking() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let t = &s.world.bkk_trainee.token;
    let path = format!("/api/v1/exams/{}/attempts", s.exam_id);
    let first = app.post(&path).token(t).send().await.json();
    let submitted = app
        .post(&format!("/api/v1/attempts/{}/submit", first["id"].as_str().unwrap()))
        .token(t)
        .send()
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.text());
    // Submitted by the trainee in time: nothing expired, so no question to ask.
    let second = app.post(&path).token(t).send().await;
    assert_eq!(second.status, 201, "{}", second.text());
    assert_eq!(second.json()["attempt_number"], 2);
    let list = mine(&app, t, "").await;
    assert_eq!(list["items"][1]["expired"], false);
    assert_eq!(list["items"][0]["status"], "open");
    assert!(list["items"][0]["result"].is_null());
}

#[actix_rt::test]
async fn my_attempts_are_mine_only_filtered_by_exam_and_paged() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let other = create_user(&app, &s.world.hq.token, "BKK", "malee@bkk.test", "trainee", "th", Some(PASSWORD)).await;
    let other_id = other["id"].as_str().unwrap();
    enrol(&app, &s.world, &s.cohort_id, other_id).await;
    let other_token = app.login("BKK", "malee@bkk.test", PASSWORD).await;
    let t = &s.world.bkk_trainee.token;
    let path = format!("/api/v1/exams/{}/attempts", s.exam_id);
    let a1 = app.post(&path).token(t).send().await.json();
    app.post(&format!("/api/v1/attempts/{}/submit", a1["id"].as_str().unwrap()))
        .token(t)
        .send()
        .await;
    let a2 = app.post(&path).token(t).send().await.json();
    let theirs = app.post(&path).token(&other_token).send().await.json();

    let list = mine(&app, t, &format!("?exam_id={}", s.exam_id)).await;
    assert_eq!(
        ids(&list),
        vec![a2["id"].as_str().unwrap().to_string(), a1["id"].as_str().unwrap().to_string()]
    );
    assert!(
        !list.to_string().contains(theirs["id"].as_str().unwrap()),
        "another trainee's attempt leaked"
    );
    assert!(!list.to_string().contains("\"correct\""), "no answer key in the list");
    assert_eq!(
        ids(&mine(&app, &other_token, "").await),
        vec![theirs["id"].as_str().unwrap().to_string()]
    );
    // Paged by cursor.
    let page1 = mine(&app, t, "?limit=1").await;
    assert_eq!(ids(&page1), vec![a2["id"].as_str().unwrap().to_string()]);
    let cursor = page1["next_cursor"].as_str().expect("a next page");
    let page2 = mine(&app, t, &format!("?limit=1&cursor={cursor}")).await;
    assert_eq!(ids(&page2), vec![a1["id"].as_str().unwrap().to_string()]);
    assert!(page2["next_cursor"].is_null());
    // Another exam: nothing. Any role sees only its own (an admin has none).
    let unknown = uuid::Uuid::now_v7();
    assert!(ids(&mine(&app, t, &format!("?exam_id={unknown}")).await).is_empty());
    assert!(ids(&mine(&app, &s.world.bkk_admin.token, "").await).is_empty());
    assert!(ids(&mine(&app, &s.world.hq.token, "").await).is_empty());
    // A bad filter is a problem, not an empty list.
    for bad in ["?exam_id=nope", "?exam_id=1%27%20OR%201=1", "?exam_id="] {
        let res = app.get(&format!("/api/v1/users/me/attempts{bad}")).token(t).send().await;
        assert_eq!(res.status, 400, "{bad}: {}", res.text());
        res.problem(400, "invalid_query");
    }
    app.get("/api/v1/users/me/attempts?limit=0")
        .token(t)
        .send()
        .await
        .problem(422, "validation_failed");
    app.get("/api/v1/users/me/attempts?cursor=garbage")
        .token(t)
        .send()
        .await
        .problem(422, "validation_failed");
    app.get("/api/v1/users/me/attempts").send().await.problem(401, "unauthenticated");
}

#[actix_rt::test]
async fn hostile_start_bodies_are_problems_and_start_nothing() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let t = &s.world.bkk_trainee.token;
    let path = format!("/api/v1/exams/{}/attempts", s.exam_id);
    for (body, code) in [
        (json!({"new": "yes"}), "invalid_json"),
        (json!({"new": 1}), "invalid_json"),
        (json!({"new": null}), "invalid_json"),
        (json!({"new": true, "attempt_number": 7}), "invalid_json"),
        (json!([true]), "invalid_json"),
        (json!("new"), "invalid_json"),
    ] {
        let res = app.post(&path).token(t).json(body.clone()).send().await;
        assert_eq!(res.status, 400, "{body}: {}", res.text());
        res.problem(400, code);
    }
    app.post(&path)
        .token(t)
        .body("application/json", "{\"new\": tru")
        .send()
        .await
        .problem(400, "malformed_json");
    app.post(&path)
        .token(t)
        .body("application/json", "{\"new\": true} {}")
        .send()
        .await
        .problem(400, "malformed_json");
    app.post(&path)
        .token(t)
        .body("text/plain", "{\"new\": true}")
        .send()
        .await
        .problem(415, "unsupported_media_type");
    let huge = format!("{{\"new\": true, \"pad\": \"{}\"}}", "x".repeat(4 * 1024 * 1024));
    let res = app.post(&path).token(t).body("application/json", huge).send().await;
    assert_eq!(res.status, 413, "{}", res.text());
    assert!(ids(&mine(&app, t, "").await).is_empty(), "no attempt was started");
    // A plain start still works afterwards.
    assert_eq!(app.post(&path).token(t).send().await.status, 201);
}

/// The synchronized start: a press of "start" by a trainee whose token the
/// server knows costs two statements on PostgreSQL (one read of the
/// enrolment, its allowance and the latest attempt; the insert), and a
/// trainee new to the server one more (their session standing, read in a
/// batch with whoever else is new at that moment).
#[actix_rt::test]
async fn a_start_costs_two_statements() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let path = format!("/api/v1/exams/{}/attempts", s.exam_id);
    // Someone of the branch started first: the exam is cached for BKK.
    let first = app.post(&path).token(&s.world.bkk_trainee.token).send().await;
    assert_eq!(first.status, 201, "{}", first.text());
    let mut counts = Vec::new();
    for (i, warm) in [(1, true), (2, false)] {
        let email = format!("trainee{i}@bkk.test");
        let user = create_user(&app, &s.world.hq.token, "BKK", &email, "trainee", "en", Some(PASSWORD)).await;
        enrol(&app, &s.world, &s.cohort_id, user["id"].as_str().unwrap()).await;
        let token = app.login("BKK", &email, PASSWORD).await;
        if warm {
            assert_eq!(app.get("/api/v1/users/me").token(&token).send().await.status, 200);
        } else {
            // The standing cached by the login is forgotten: a node that
            // never saw this trainee.
            app.state.sessions.clear();
        }
        let (res, n) = counted(app.post(&path).token(&token)).await;
        assert_eq!(res.status, 201, "{}", res.text());
        assert_eq!(
            res.json()["questions"].as_array().map(Vec::len),
            first.json()["questions"].as_array().map(Vec::len)
        );
        counts.push(n);
    }
    if crate::support::postgres_url().is_some() && std::env::var_os("ZHIJIANG_TEST_LOG").is_none() {
        assert_eq!(counts, vec![Some(2), Some(3)]);
    }
}
