//! Exams built through the API, and answering them by option text.

use super::TestApp;
use serde_json::{Value, json};

/// Four questions: single (correct "B"), multiple (correct "A","C"; partial
/// credit as asked), true/false (correct "True"), single (correct "D").
pub async fn published_exam(app: &TestApp, hq: &str, course_id: &str, question_count: i64, partial: bool, shuffle: bool) -> Value {
    published_exam_with(app, hq, course_id, question_count, partial, json!({"shuffle": shuffle})).await
}

/// `published_exam` with more settings in the create body (`extra` is
/// merged into it, e.g. `{"sync_grace_minutes": 5}`).
pub async fn published_exam_with(app: &TestApp, hq: &str, course_id: &str, question_count: i64, partial: bool, extra: Value) -> Value {
    let mut body = json!({"translations": {"en": {"title": "Final exam"}, "th": {"title": "สอบปลายภาค"}, "zh-CN": {"title": "结业考试"}, "vi": {"title": "Thi cuối khóa"}},
                     "pass_mark_percent": 70, "time_limit_minutes": 30, "max_attempts": 2, "question_count": question_count, "shuffle": false});
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    let res = app
        .post(&format!("/api/v1/courses/{course_id}/exams"))
        .token(hq)
        .json(body)
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let exam = res.json();
    let id = exam["id"].as_str().unwrap().to_string();
    let questions = [
        json!({"kind": "single_choice", "points": 1, "translations": {"en": {"prompt": "Q1 Safe voltage?", "options": ["A", "B", "C"]}, "th": {"prompt": "Q1 แรงดันไฟฟ้าที่ปลอดภัย?", "options": ["A", "B", "C"]}}, "correct": [1]}),
        json!({"kind": "multiple_choice", "points": 2, "partial_credit": partial, "translations": {"en": {"prompt": "Q2 PPE?", "options": ["A", "B", "C", "D"]}}, "correct": [0, 2]}),
        json!({"kind": "true_false", "points": 1, "translations": {"en": {"prompt": "Q3 Lock out first?", "options": ["True", "False"]}}, "correct": [0]}),
        json!({"kind": "single_choice", "points": 1, "translations": {"en": {"prompt": "Q4 Torque?", "options": ["A", "B", "C", "D"]}}, "correct": [3]}),
    ];
    for q in questions {
        let res = app.post(&format!("/api/v1/exams/{id}/questions")).token(hq).json(q).send().await;
        assert_eq!(res.status, 201, "{}", res.text());
    }
    let res = app.post(&format!("/api/v1/exams/{id}/publish")).token(hq).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

/// The option ids of `question` whose texts are in `texts`.
pub fn options(question: &Value, texts: &[&str]) -> Vec<String> {
    question["options"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| texts.contains(&o["text"].as_str().unwrap()))
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect()
}

/// The texts that answer each question correctly (by prompt prefix).
pub fn right_answer(question: &Value) -> Vec<&'static str> {
    let prompt = question["prompt"].as_str().unwrap();
    match &prompt[..2] {
        "Q1" => vec!["B"],
        "Q2" => vec!["A", "C"],
        "Q3" => vec!["True"],
        _ => vec!["D"],
    }
}

/// A published course (2 lessons, offered to BKK and HAN) with a published
/// 4-question exam, a BKK cohort of it and BKK's trainee enrolled: the exam
/// and the cohort's id.
pub async fn exam_with_bkk_trainee(app: &TestApp, world: &super::World) -> (Value, String) {
    let course = super::catalogue::published_course(app, &world.hq.token, "EV-HV-101", 2, &["BKK", "HAN"]).await;
    let course_id = course["id"].as_str().unwrap();
    let exam = published_exam(app, &world.hq.token, course_id, 4, false, false).await;
    let cohort = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(&world.bkk_admin.token)
        .json(serde_json::json!({"course_id": course_id, "name": "C1", "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": 30}))
        .send()
        .await
        .json();
    let cohort_id = cohort["id"].as_str().unwrap().to_string();
    let res = app
        .post(&format!("/api/v1/cohorts/{cohort_id}/enrolments"))
        .token(&world.bkk_admin.token)
        .json(serde_json::json!({"user_id": world.bkk_trainee.id}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    (exam, cohort_id)
}

/// Syncs every question of `attempt` answered right in one batch
/// (`PUT /attempts/{id}/answers`, seq 1.., all given at `at`): the status of
/// each item of the answer (`saved`, `late_synced`, ...).
pub async fn sync_all_right(app: &TestApp, token: &str, attempt: &Value, at: chrono::DateTime<chrono::Utc>) -> Vec<String> {
    let answers: Vec<Value> = attempt["questions"]
        .as_array()
        .unwrap()
        .iter()
        .zip(1..)
        .map(|(q, seq)| {
            serde_json::json!({"question_id": q["id"], "selected": options(q, &right_answer(q)), "seq": seq,
                   "answered_at": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)})
        })
        .collect();
    let res = app
        .put(&format!("/api/v1/attempts/{}/answers", attempt["id"].as_str().unwrap()))
        .token(token)
        .json(serde_json::json!({"answers": answers}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap().to_string())
        .collect()
}
