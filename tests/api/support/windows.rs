//! Exam windows and overrides through the API, with times relative to the
//! service clock (whole seconds, as both databases store them exactly).

use super::exams::exam_with_bkk_trainee;
use super::{TestApp, World};
use chrono::{DateTime, Duration, SecondsFormat, SubsecRound, Utc};
use serde_json::Value;

/// The service clock moved by `offset`, to the second.
pub fn at(app: &TestApp, offset: Duration) -> DateTime<Utc> {
    (app.state.clock.now() + offset).trunc_subsecs(0)
}

/// RFC 3339 in UTC: `2026-03-07T02:00:00Z`.
pub fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A timestamp of a response.
pub fn time(v: &Value) -> DateTime<Utc> {
    v.as_str()
        .unwrap_or_else(|| panic!("a timestamp, got {v}"))
        .parse()
        .unwrap_or_else(|e| panic!("{v}: {e}"))
}

/// Creates a window of `exam_id` (201 expected) and returns it.
pub async fn window(app: &TestApp, token: &str, exam_id: &str, body: Value) -> Value {
    let res = app
        .post(&format!("/api/v1/exams/{exam_id}/windows"))
        .token(token)
        .json(body)
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

/// Sets a trainee's override (200 or 201 expected) and returns it.
pub async fn grant(app: &TestApp, token: &str, exam_id: &str, user_id: &str, body: Value) -> Value {
    let res = app
        .put(&format!("/api/v1/exams/{exam_id}/overrides/{user_id}"))
        .token(token)
        .json(body)
        .send()
        .await;
    assert!(res.status == 200 || res.status == 201, "{} {}", res.status, res.text());
    res.json()
}

/// Starts an attempt; returns (status, body).
pub async fn start(app: &TestApp, token: &str, exam_id: &str) -> (u16, Value) {
    let res = app.post(&format!("/api/v1/exams/{exam_id}/attempts")).token(token).send().await;
    let status = res.status;
    (status, res.json())
}

/// Submits an attempt (200 expected).
pub async fn submit(app: &TestApp, token: &str, attempt: &Value) {
    let id = attempt["id"].as_str().expect("an attempt id");
    let res = app.post(&format!("/api/v1/attempts/{id}/submit")).token(token).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
}

/// An exam-day world: the exam of `exam_with_bkk_trainee` (30 minutes, 2
/// attempts) and the BKK cohort its trainee is enrolled in.
pub struct ExamDay {
    pub world: World,
    pub exam_id: String,
    pub cohort_id: String,
}

pub async fn exam_day(app: &TestApp) -> ExamDay {
    let world = World::build(app).await;
    let (exam, cohort_id) = exam_with_bkk_trainee(app, &world).await;
    ExamDay {
        exam_id: exam["id"].as_str().unwrap().to_string(),
        world,
        cohort_id,
    }
}
