//! Issue 18, item statistics per locale: a seeded world where the Thai
//! version of question 1 is mistranslated (Thai trainees pick the option
//! the bad translation suggests); the flag fires for it and only it, and a
//! language with too few answers says so instead of showing noise.

use crate::support::answers::{current_version, graded_attempt};
use crate::support::exams::{exam_with_bkk_trainee, options, right_answer};
use crate::support::world::PASSWORD;
use crate::support::{TestApp, World};
use serde_json::{Value, json};
use uuid::Uuid;

struct Question {
    id: Uuid,
    points: f64,
    key: String,
}

/// The bank in authored order with each question's key as stored.
async fn bank(app: &TestApp, hq: &str, exam: &str) -> Vec<Question> {
    let exam = app.get(&format!("/api/v1/exams/{exam}")).token(hq).send().await.json();
    exam["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| Question {
            id: q["id"].as_str().unwrap().parse().unwrap(),
            points: q["points"].as_f64().unwrap(),
            key: serde_json::to_string(&q["correct"]).unwrap(),
        })
        .collect()
}

/// A wrong selection for question `j` (the Thai question 1 draws its
/// wrong answers to option 2, the one the mistranslation points at).
fn wrong(j: usize, k: usize, mistranslated: bool) -> String {
    match j {
        0 if mistranslated => "[2]".into(),
        0 => if k.is_multiple_of(2) { "[0]" } else { "[2]" }.into(),
        1 => "[0]".into(),
        2 => "[1]".into(),
        _ => "[1]".into(),
    }
}

/// `count` graded attempts in `locale` by trainees of abilities 0-9 in
/// turn: question j is answered right from ability `[q1, 2, 4, 1][j]` on
/// (70, 80, 60 and 90 % right with `q1` = 3).
async fn stage(app: &TestApp, (exam, version, enrolment): (Uuid, Uuid, Uuid), bank: &[Question], locale: &str, count: usize, q1: usize) {
    for k in 0..count {
        let mut score = 0.0;
        let mut answers = Vec::new();
        for (j, q) in bank.iter().enumerate() {
            let right = k % 10 >= [q1, 2, 4, 1][j];
            if right {
                score += q.points;
            }
            let selected = if right { q.key.clone() } else { wrong(j, k, locale == "th") };
            answers.push((q.id, selected));
        }
        graded_attempt(app, exam, version, enrolment, locale, score, &answers).await;
    }
}

/// Starts, answers right and submits an attempt through the API.
async fn sit(app: &TestApp, token: &str, exam: &str, language: &str) -> Value {
    let attempt = app
        .post(&format!("/api/v1/exams/{exam}/attempts"))
        .token(token)
        .header("Accept-Language", language)
        .send()
        .await;
    assert_eq!(attempt.status, 201, "{}", attempt.text());
    let attempt = attempt.json();
    let id = attempt["id"].as_str().unwrap();
    for q in attempt["questions"].as_array().unwrap() {
        app.put(&format!("/api/v1/attempts/{id}/answers/{}", q["id"].as_str().unwrap()))
            .token(token)
            .json(json!({"selected": options(q, &right_answer(q))}))
            .send()
            .await;
    }
    app.post(&format!("/api/v1/attempts/{id}/submit")).token(token).send().await.json()
}

fn locale_of<'a>(question: &'a Value, locale: &str) -> &'a Value {
    question["locales"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["locale"] == locale)
        .unwrap_or_else(|| panic!("{locale} in {question}"))
}

#[actix_rt::test]
async fn the_mistranslated_question_is_flagged_in_its_language_and_nowhere_else() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (exam, _) = exam_with_bkk_trainee(&app, &world).await;
    let exam_id = exam["id"].as_str().unwrap().to_string();
    // The HAN trainee in a HAN cohort of the same course.
    let cohort = app
        .post("/api/v1/branches/HAN/cohorts")
        .token(&world.han_admin.token)
        .json(json!({"course_id": exam["course_id"], "name": "H1", "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": 30}))
        .send()
        .await
        .json();
    let han = app
        .post(&format!("/api/v1/cohorts/{}/enrolments", cohort["id"].as_str().unwrap()))
        .token(&world.han_admin.token)
        .json(json!({"user_id": world.han_trainee.id}))
        .send()
        .await
        .json();
    let bkk = app
        .get("/api/v1/users/me/enrolments")
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .json();
    let bkk_enrolment: Uuid = bkk["items"][0]["id"].as_str().unwrap().parse().unwrap();
    let han_enrolment: Uuid = han["id"].as_str().unwrap().parse().unwrap();

    // Real attempts record the negotiated language: Chinese asked for, and
    // the HAN trainee's own Vietnamese.
    assert_eq!(sit(&app, &world.bkk_trainee.token, &exam_id, "zh-CN").await["passed"], true);
    assert_eq!(sit(&app, &world.han_trainee.token, &exam_id, "").await["passed"], true);

    let exam_uuid: Uuid = exam_id.parse().unwrap();
    let version = current_version(&app, exam_uuid).await;
    let questions = bank(&app, &world.hq.token, &exam_id).await;
    stage(&app, (exam_uuid, version, bkk_enrolment), &questions, "en", 60, 3).await;
    stage(&app, (exam_uuid, version, bkk_enrolment), &questions, "zh-CN", 60, 3).await;
    // In Thai, only the strongest fifth get question 1 right.
    stage(&app, (exam_uuid, version, bkk_enrolment), &questions, "th", 60, 8).await;
    // A handful of Vietnamese answers, all wrong on question 1: noise.
    stage(&app, (exam_uuid, version, han_enrolment), &questions, "vi", 11, 10).await;

    let hq = app.login("HQ", &world.hq.email, PASSWORD).await;
    let res = app
        .get(&format!("/api/v1/exams/{exam_id}/item-statistics?lang=vi"))
        .token(&hq)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let report = res.json();
    assert_eq!(report["version"], 1);
    assert_eq!(report["min_answers"], 30);
    assert_eq!(
        report["locales"],
        json!([{"locale": "en", "attempts": 60}, {"locale": "th", "attempts": 60}, {"locale": "vi", "attempts": 12}, {"locale": "zh-CN", "attempts": 61}])
    );
    let qs = report["questions"].as_array().unwrap();
    assert_eq!(qs.len(), 4);
    let flagged: Vec<(i64, Vec<Value>)> = qs
        .iter()
        .map(|q| (q["position"].as_i64().unwrap(), q["flagged_locales"].as_array().unwrap().clone()))
        .collect();
    assert_eq!(
        flagged,
        vec![(1, vec![json!("th")]), (2, vec![]), (3, vec![]), (4, vec![])],
        "{report}"
    );

    let q1 = &qs[0];
    let th = locale_of(q1, "th");
    assert_eq!(
        (th["answers"].as_i64(), th["status"].as_str(), th["difficulty"].as_f64()),
        (Some(60), Some("ok"), Some(0.2))
    );
    assert_eq!(th["translated"], true, "question 1 has a Thai text");
    let c = &th["comparison"];
    assert_eq!(
        (c["flagged"].as_bool(), c["direction"].as_str()),
        (Some(true), Some("harder")),
        "{th}"
    );
    assert!(c["p_value"].as_f64().unwrap() < 1e-6, "{c}");
    let shares: Vec<f64> = th["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["share"].as_f64().unwrap())
        .collect();
    assert_eq!(shares, vec![0.0, 0.2, 0.8], "the distractor the translation points at");
    assert_eq!(th["options"][1]["correct"], true);
    // Still the stronger trainees who get it right.
    assert!(th["discrimination"].as_f64().unwrap() > 0.3, "{th}");
    for locale in ["en", "zh-CN"] {
        let l = locale_of(q1, locale);
        assert_eq!(l["comparison"]["flagged"], false, "{l}");
        assert!(l["difficulty"].as_f64().unwrap() >= 0.7, "{l}");
        assert!(l["discrimination"].as_f64().unwrap() > 0.5, "{l}");
        assert_eq!(l["translated"], locale == "en");
    }
    let vi = locale_of(q1, "vi");
    assert_eq!(
        (vi["answers"].as_i64(), vi["status"].as_str()),
        (Some(12), Some("not_enough_answers"))
    );
    assert!(vi["difficulty"].is_null() && vi["discrimination"].is_null() && vi["comparison"].is_null());
    assert!(vi["options"].as_array().unwrap().is_empty());
    let note = vi["note"].as_str().unwrap();
    assert!(note.contains("12") && note.contains("30") && note.contains("câu trả lời"), "{note}");
    // The other questions are alike everywhere: compared, never flagged.
    for q in &qs[1..] {
        for locale in ["en", "th", "zh-CN"] {
            let l = locale_of(q, locale);
            assert_eq!(l["comparison"]["flagged"], false, "{q}");
            assert!(l["comparison"]["p_value"].as_f64().unwrap() > 0.05, "{l}");
        }
    }
}

#[actix_rt::test]
async fn item_statistics_follow_the_branch_scope_and_refuse_bad_input() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (exam, _) = exam_with_bkk_trainee(&app, &world).await;
    let exam_id = exam["id"].as_str().unwrap().to_string();
    sit(&app, &world.bkk_trainee.token, &exam_id, "th").await;
    let path = format!("/api/v1/exams/{exam_id}/item-statistics");

    let own = app.get(&path).token(&world.bkk_admin.token).send().await.json();
    assert_eq!(own["branch"], "BKK");
    assert_eq!(own["locales"], json!([{"locale": "th", "attempts": 1}]));
    assert_eq!(own["comparisons"], 0);
    let q1 = &own["questions"][0];
    assert_eq!(locale_of(q1, "th")["status"], "not_enough_answers");
    // HAN sees its own branch's attempts only: none; asking for BKK's gives nothing either.
    for query in ["", "?branch=BKK"] {
        let other = app.get(&format!("{path}{query}")).token(&world.han_admin.token).send().await.json();
        assert!(other["locales"].as_array().unwrap().is_empty(), "{other}");
        assert!(other["questions"][0]["locales"].as_array().unwrap().is_empty());
    }
    let hq_bkk = app
        .get(&format!("{path}?branch=BKK&version=1"))
        .token(&world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(hq_bkk["locales"][0]["attempts"], 1);

    app.get(&path)
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .problem(403, "forbidden");
    app.get(&format!("/api/v1/exams/{}/item-statistics", Uuid::now_v7()))
        .token(&world.hq.token)
        .send()
        .await
        .problem(404, "not_found");
    app.get(&format!("{path}?version=9"))
        .token(&world.hq.token)
        .send()
        .await
        .problem(404, "not_found");
    for bad in ["0", "-1", "one", "99999999999"] {
        let res = app
            .get(&format!("{path}?version={bad}&lang=th"))
            .token(&world.hq.token)
            .send()
            .await;
        assert_eq!(res.problem(422, "validation_failed")["errors"][0]["field"], "version");
        assert_eq!(res.header("content-language").as_deref(), Some("th"));
    }
}
