//! Issue 17, review item 12: cohort names are translatable; `name` is the
//! name in the reader's language with the catalogue's per-field fallback.

use crate::support::exams::exam_with_bkk_trainee;
use crate::support::{TestApp, World};
use serde_json::json;

#[actix_rt::test]
async fn cohort_names_are_served_in_the_readers_language_with_fallback() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (exam, _) = exam_with_bkk_trainee(&app, &world).await;
    let admin = &world.bkk_admin.token;
    let res = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(admin)
        .json(
            json!({"course_id": exam["course_id"], "name": "รุ่นที่ 2/2569", "names": {"en": "Intake 2/2026", "zh-CN": "2026年第2期"},
                     "starts_on": "2026-07-01", "ends_on": "2026-09-30", "capacity": 10}),
        )
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let cohort = res.json();
    assert_eq!(cohort["name"], "รุ่นที่ 2/2569", "the Thai admin reads Thai");
    assert_eq!(cohort["names"]["en"], "Intake 2/2026");
    let id = cohort["id"].as_str().unwrap();

    let path = format!("/api/v1/cohorts/{id}");
    for (lang, expected) in [
        ("en", "Intake 2/2026"),
        ("zh-CN", "2026年第2期"),
        ("th", "รุ่นที่ 2/2569"),
        ("vi", "รุ่นที่ 2/2569"),
    ] {
        let doc = app.get(&format!("{path}?lang={lang}")).token(&world.hq.token).send().await.json();
        assert_eq!(doc["name"], expected, "{lang}");
    }

    // The trainee's enrolment names the cohort in the trainee's language.
    app.post(&format!("/api/v1/cohorts/{id}/enrolments"))
        .token(admin)
        .json(json!({"user_id": world.bkk_trainee.id}))
        .send()
        .await;
    let mine = app
        .get("/api/v1/users/me/enrolments?lang=en")
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .json();
    let names: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["cohort"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Intake 2/2026"), "{mine}");

    // Translations are checked like the name, and replaced as a whole.
    let doc = app
        .patch(&path)
        .token(admin)
        .json(json!({"names": {"fr": "Promotion", "en": " "}}))
        .send()
        .await
        .problem(422, "validation_failed");
    let fields: Vec<&str> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"names.fr") && fields.contains(&"names.en"), "{doc}");
    let res = app
        .patch(&path)
        .token(admin)
        .json(json!({"names": {"vi": "Khóa 2/2026"}}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let doc = app.get(&format!("{path}?lang=en")).token(admin).send().await.json();
    assert_eq!(doc["name"], "รุ่นที่ 2/2569", "English was removed: the branch default");
    assert_eq!(doc["names"], json!({"vi": "Khóa 2/2026"}));
}
