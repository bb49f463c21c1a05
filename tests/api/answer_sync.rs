//! Issue 15: answers that survive a dropped connection (batch sync with
//! client sequence numbers, device times and a grace period).

use crate::support::exams::{exam_with_bkk_trainee, options, right_answer};
use crate::support::world::PASSWORD;
use crate::support::{TestApp, World};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

struct Setup {
    world: World,
    attempt: Value,
}

/// A published 4-question exam (30 minutes), the Bangkok trainee enrolled
/// and their attempt started.
async fn setup(app: &TestApp) -> Setup {
    let world = World::build(app).await;
    let (exam, _) = exam_with_bkk_trainee(app, &world).await;
    let res = app
        .post(&format!("/api/v1/exams/{}/attempts", exam["id"].as_str().unwrap()))
        .token(&world.bkk_trainee.token)
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    Setup {
        world,
        attempt: res.json(),
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn questions(attempt: &Value) -> Vec<Value> {
    attempt["questions"].as_array().unwrap().clone()
}

/// A wrong single option for a question (the first that is not right).
fn wrong_answer(q: &Value) -> Vec<String> {
    let right = right_answer(q);
    let id = q["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| !right.contains(&o["text"].as_str().unwrap()))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    vec![id]
}

fn item(q: &Value, selected: Vec<String>, seq: i64, at: DateTime<Utc>) -> Value {
    json!({"question_id": q["id"], "selected": selected, "seq": seq, "answered_at": time(at)})
}

/// Every question answered right, seq 1.., given at `at`.
fn all_right(attempt: &Value, first_seq: i64, at: DateTime<Utc>) -> Vec<Value> {
    (first_seq..)
        .zip(questions(attempt))
        .map(|(seq, q)| item(&q, options(&q, &right_answer(&q)), seq, at))
        .collect()
}

async fn sync(app: &TestApp, token: &str, attempt: &Value, answers: Vec<Value>) -> crate::support::Response {
    app.put(&format!("/api/v1/attempts/{}/answers", attempt["id"].as_str().unwrap()))
        .token(token)
        .json(json!({"answers": answers}))
        .send()
        .await
}

fn statuses(res: &crate::support::Response) -> Vec<String> {
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap().to_string())
        .collect()
}

async fn view(app: &TestApp, token: &str, attempt: &Value) -> Value {
    let res = app
        .get(&format!("/api/v1/attempts/{}", attempt["id"].as_str().unwrap()))
        .token(token)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
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

#[actix_rt::test]
async fn a_batch_saves_and_an_older_seq_arriving_later_does_not_replace_a_newer_one() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let t = &s.world.bkk_trainee.token;
    let now = app.state.clock.now();
    // Given right (seq 11..14), but a wrong first try (seq 1..4) arrives later.
    let res = sync(&app, t, &s.attempt, all_right(&s.attempt, 11, now)).await;
    assert_eq!(statuses(&res), vec!["saved"; 4]);
    let wrong: Vec<Value> = (1..)
        .zip(questions(&s.attempt))
        .map(|(seq, q)| item(&q, wrong_answer(&q), seq, now))
        .collect();
    let res = sync(&app, t, &s.attempt, wrong.clone()).await;
    assert_eq!(statuses(&res), vec!["stale"; 4]);
    // The same seq again is stale too.
    let res = sync(
        &app,
        t,
        &s.attempt,
        vec![item(&questions(&s.attempt)[0], wrong_answer(&questions(&s.attempt)[0]), 11, now)],
    )
    .await;
    assert_eq!(statuses(&res), vec!["stale"]);
    let v = view(&app, t, &s.attempt).await;
    for q in questions(&s.attempt) {
        let mut kept: Vec<String> = v["answers"][q["id"].as_str().unwrap()]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect();
        let mut right = options(&q, &right_answer(&q));
        kept.sort();
        right.sort();
        assert_eq!(kept, right);
    }
    assert_eq!(v["late_synced"], json!([]));
    // Within one batch a later seq for the same question wins.
    let q0 = &questions(&s.attempt)[0];
    let res = sync(
        &app,
        t,
        &s.attempt,
        vec![
            item(q0, wrong_answer(q0), 20, now),
            item(q0, options(q0, &right_answer(q0)), 21, now),
        ],
    )
    .await;
    assert_eq!(statuses(&res), vec!["saved", "saved"]);
    // The single-answer endpoint still works alongside.
    let q3 = &questions(&s.attempt)[3];
    let res = app
        .put(&format!(
            "/api/v1/attempts/{}/answers/{}",
            s.attempt["id"].as_str().unwrap(),
            q3["id"].as_str().unwrap()
        ))
        .token(t)
        .json(json!({"selected": options(q3, &right_answer(q3))}))
        .send()
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    // The graded result uses the kept answers: all right.
    let result = submit(&app, t, &s.attempt).await;
    assert_eq!(result["percent"], 100.0, "{result}");
    assert_eq!(result["passed"], true);
    // Closed: a batch is refused like a single answer.
    let res = sync(&app, t, &s.attempt, all_right(&s.attempt, 100, now)).await;
    res.problem(409, "attempt_submitted");
}

#[actix_rt::test]
async fn answers_given_in_time_are_taken_within_the_grace_period_and_flagged() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let t = &s.world.bkk_trainee.token;
    let started = app.state.clock.now();
    let deadline: DateTime<Utc> = s.attempt["deadline"].as_str().unwrap().parse().unwrap();
    let qs = questions(&s.attempt);
    // Two answered online, the rest queued offline near the deadline.
    let res = sync(
        &app,
        t,
        &s.attempt,
        vec![item(&qs[0], wrong_answer(&qs[0]), 1, started + Duration::minutes(1))],
    )
    .await;
    assert_eq!(statuses(&res), vec!["saved"]);
    app.state.clock.advance(Duration::minutes(31));
    // (Access tokens outlive no exam: sign in again, as the phone would.)
    let t = &app.login("BKK", &s.world.bkk_trainee.email, PASSWORD).await;
    // The sweep leaves the attempt open during the grace period.
    assert_eq!(zhijiang::progress::sweep(&app.state).await.unwrap(), 0);
    let given = deadline - Duration::minutes(2);
    let mut batch = all_right(&s.attempt, 2, given);
    // One given after the deadline (by the device's clock) is refused.
    batch.push(item(&qs[1], wrong_answer(&qs[1]), 10, deadline + Duration::seconds(30)));
    let res = sync(&app, t, &s.attempt, batch).await;
    assert_eq!(
        statuses(&res),
        vec![
            "late_synced",
            "late_synced",
            "late_synced",
            "late_synced",
            "answered_after_deadline"
        ]
    );
    let v = view(&app, t, &s.attempt).await;
    let mut late: Vec<String> = v["late_synced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect();
    let mut ids: Vec<String> = qs.iter().map(|q| q["id"].as_str().unwrap().to_string()).collect();
    late.sort();
    ids.sort();
    assert_eq!(late, ids);
    // Reading it past the deadline graded it with the late-synced answers.
    assert_eq!(v["status"], "submitted");
    assert_eq!(v["result"]["percent"], 100.0, "{v}");
    // The late sync is audited.
    let hq = &app.login("HQ", &s.world.hq.email, PASSWORD).await;
    let audit = app.get("/api/v1/audit?action=attempt.answers_late_synced").token(hq).send().await;
    assert_eq!(audit.status, 200, "{}", audit.text());
    assert!(audit.text().contains("attempt.answers_late_synced"), "{}", audit.text());
}

#[actix_rt::test]
async fn answers_arriving_after_the_grace_period_are_refused() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let deadline: DateTime<Utc> = s.attempt["deadline"].as_str().unwrap().parse().unwrap();
    app.state.clock.advance(Duration::minutes(32) + Duration::seconds(1));
    let t = &app.login("BKK", &s.world.bkk_trainee.email, PASSWORD).await;
    let res = sync(&app, t, &s.attempt, all_right(&s.attempt, 1, deadline - Duration::minutes(5))).await;
    assert_eq!(statuses(&res), vec!["grace_over"; 4]);
    // The sweep now grades it, with nothing answered.
    assert_eq!(zhijiang::progress::sweep(&app.state).await.unwrap(), 1);
    let v = view(&app, t, &s.attempt).await;
    assert_eq!(v["answers"], json!({}));
    assert_eq!(v["result"]["score"], 0.0);
}

#[actix_rt::test]
async fn malformed_batches_are_refused_whole_with_the_item_named() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let t = &s.world.bkk_trainee.token;
    let now = app.state.clock.now();
    let qs = questions(&s.attempt);
    let q1 = qs.iter().find(|q| q["prompt"].as_str().unwrap().starts_with("Q1")).unwrap();
    let right = |i: usize, seq: i64, at: DateTime<Utc>| item(&qs[i], options(&qs[i], &right_answer(&qs[i])), seq, at);
    let cases: Vec<(Vec<Value>, &str, &str)> = vec![
        (
            vec![right(0, 5, now), right(1, 6, now), right(2, 4, now)],
            "answers[2].seq",
            "seq_not_increasing",
        ),
        (vec![right(0, 1, now), right(1, 0, now)], "answers[1].seq", "out_of_range"),
        (
            vec![right(0, 1, now), right(1, 4_294_967_296, now)],
            "answers[1].seq",
            "out_of_range",
        ),
        (vec![right(0, 1, now), right(1, -3, now)], "answers[1].seq", "out_of_range"),
        (vec![right(0, 1, now), right(0, 1, now)], "answers[1].seq", "duplicate_answer"),
        (
            vec![right(0, 1, now), right(1, 2, now + Duration::minutes(10))],
            "answers[1].answered_at",
            "time_in_future",
        ),
        (
            vec![right(0, 1, now - Duration::hours(1))],
            "answers[0].answered_at",
            "before_attempt_start",
        ),
        (
            vec![
                right(0, 1, now),
                json!({"question_id": uuid::Uuid::now_v7(), "selected": [], "seq": 2, "answered_at": time(now)}),
            ],
            "answers[1].question_id",
            "not_in_attempt",
        ),
        (
            // An option of another question.
            vec![right(0, 1, now), item(&qs[1], options(&qs[0], &right_answer(&qs[0])), 2, now)],
            "answers[1].selected",
            "no_such_option",
        ),
        (
            vec![right(0, 1, now), item(&qs[0], vec!["nope".into()], 2, now)],
            "answers[1].selected",
            "no_such_option",
        ),
        (
            vec![item(q1, options(q1, &["A", "B"]), 1, now)],
            "answers[0].selected",
            "one_correct_option",
        ),
    ];
    for (batch, field, code) in cases {
        let res = sync(&app, t, &s.attempt, batch).await;
        let doc = res.problem(422, "validation_failed");
        let errors = doc["errors"].as_array().unwrap();
        assert!(
            errors.iter().any(|e| e["field"] == field && e["code"] == code),
            "{field} {code}: {doc}"
        );
    }
    // Over the cap.
    let big: Vec<Value> = (1..=201).map(|i| right(0, i, now)).collect();
    let doc = sync(&app, t, &s.attempt, big).await.problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["field"], "answers");
    assert_eq!(doc["errors"][0]["code"], "too_many_items");
    // Localized.
    let res = app
        .put(&format!("/api/v1/attempts/{}/answers", s.attempt["id"].as_str().unwrap()))
        .token(t)
        .header("Accept-Language", "vi")
        .json(json!({"answers": [right(0, 1, now + Duration::hours(2))]}))
        .send()
        .await;
    let doc = res.problem(422, "validation_failed");
    assert_eq!(
        doc["errors"][0]["message"],
        "Thời điểm này ở tương lai; vui lòng kiểm tra đồng hồ của thiết bị."
    );
    // Nothing of any refused batch was stored.
    let v = view(&app, t, &s.attempt).await;
    assert_eq!(v["answers"], json!({}));
}

#[actix_rt::test]
async fn another_trainees_attempt_is_not_found() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let now = app.state.clock.now();
    let res = sync(&app, &s.world.han_trainee.token, &s.attempt, all_right(&s.attempt, 1, now)).await;
    res.problem(404, "not_found");
    let res = sync(&app, &s.world.bkk_admin.token, &s.attempt, all_right(&s.attempt, 1, now)).await;
    assert_eq!(res.status, 403, "{}", res.text());
    let v = view(&app, &s.world.bkk_trainee.token, &s.attempt).await;
    assert_eq!(v["answers"], json!({}));
}
