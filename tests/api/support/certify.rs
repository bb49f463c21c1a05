//! Certifying trainees through the API: a published course with an exam
//! (optionally with a certificate validity), cohorts at BKK, and a trainee
//! taken through enrolment, lessons and a passed exam.

use super::catalogue::published_course;
use super::exams::{options, published_exam, right_answer};
use super::{TestApp, World};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

pub struct Course {
    pub course: Value,
    pub id: String,
    pub exam_id: String,
}

/// A course published to BKK and HAN with one lesson and a published exam;
/// its certificates are valid `valid_days` (None: for ever).
pub async fn course(app: &TestApp, world: &World, code: &str, valid_days: Option<i64>) -> Course {
    let course = published_course(app, &world.hq.token, code, 1, &["BKK", "HAN"]).await;
    let id = course["id"].as_str().unwrap().to_string();
    if let Some(days) = valid_days {
        let res = app
            .patch(&format!("/api/v1/courses/{id}"))
            .token(&world.hq.token)
            .json(json!({"certificate_valid_days": days}))
            .send()
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
    let exam = published_exam(app, &world.hq.token, &id, 4, false, true).await;
    Course {
        course,
        id,
        exam_id: exam["id"].as_str().unwrap().to_string(),
    }
}

/// A new open cohort of the course at BKK.
pub async fn cohort(app: &TestApp, admin: &str, c: &Course, name: &str) -> String {
    let res = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(admin)
        .json(json!({"course_id": c.id, "name": name, "starts_on": "2026-03-01", "ends_on": "2030-06-30", "capacity": 30}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["id"].as_str().unwrap().to_string()
}

/// Enrols the trainee in `cohort_id`, completes the lessons, passes the
/// exam and returns the submit result (`certificate_id` among it).
/// `admin` is a BKK administrator's token.
pub async fn certify(app: &TestApp, admin: &str, c: &Course, cohort_id: &str, user_id: &str, token: &str) -> Value {
    let e = app
        .post(&format!("/api/v1/cohorts/{cohort_id}/enrolments"))
        .token(admin)
        .json(json!({"user_id": user_id}))
        .send()
        .await;
    assert_eq!(e.status, 201, "{}", e.text());
    let eid = e.json()["id"].as_str().unwrap().to_string();
    for lesson in c.course["lessons"].as_array().unwrap() {
        let done = app
            .post(&format!(
                "/api/v1/enrolments/{eid}/lessons/{}/complete",
                lesson["id"].as_str().unwrap()
            ))
            .token(token)
            .send()
            .await;
        assert_eq!(done.status, 204, "{}", done.text());
    }
    let attempt = app
        .post(&format!("/api/v1/exams/{}/attempts", c.exam_id))
        .token(token)
        .header("Accept-Language", "en")
        .send()
        .await;
    assert_eq!(attempt.status, 201, "{}", attempt.text());
    let attempt = attempt.json();
    let id = attempt["id"].as_str().unwrap().to_string();
    for q in attempt["questions"].as_array().unwrap() {
        app.put(&format!("/api/v1/attempts/{id}/answers/{}", q["id"].as_str().unwrap()))
            .token(token)
            .json(json!({"selected": options(q, &right_answer(q))}))
            .send()
            .await;
    }
    let result = app.post(&format!("/api/v1/attempts/{id}/submit")).token(token).send().await;
    assert_eq!(result.status, 200, "{}", result.text());
    result.json()
}

/// Runs `tests/support/{script}` with `args`; returns (success, stdout JSON
/// or text, stderr). Off the test's thread: a script may call the service
/// served on a real port, which must answer meanwhile.
pub async fn python(script: &str, args: &[&str]) -> (bool, Value, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support").join(script);
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
            .arg(path)
            .args(args)
            .output()
            .expect("python3 (scripts/test installs the test requirements)")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let value = serde_json::from_str(stdout.trim()).unwrap_or(Value::String(stdout));
    (out.status.success(), value, String::from_utf8_lossy(&out.stderr).to_string())
}
