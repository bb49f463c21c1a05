//! Issue 17, review item 12 in reports: the completion report names each
//! cohort in the reader's language, with the cohort views' fallback (the
//! branch's default language, then the cohort's own `name`), in JSON and CSV.

use crate::support::exams::exam_with_bkk_trainee;
use crate::support::{TestApp, World};
use serde_json::json;

async fn name_for(app: &TestApp, hq: &str, cohort: &str, lang: &str) -> String {
    let doc = app
        .get(&format!("/api/v1/reports/completion?cohort_id={cohort}"))
        .token(hq)
        .header("Accept-Language", lang)
        .send()
        .await
        .json();
    assert_eq!(doc["items"].as_array().unwrap().len(), 1, "{doc}");
    doc["items"][0]["cohort_name"].as_str().unwrap().to_string()
}

#[actix_rt::test]
async fn the_completion_report_names_cohorts_in_the_readers_language() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (exam, _) = exam_with_bkk_trainee(&app, &world).await;
    let admin = &world.bkk_admin.token;
    let res = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(admin)
        .json(
            json!({"course_id": exam["course_id"], "name": "Spring intake", "names": {"th": "รุ่นที่ 1/2569", "zh-CN": "2026年第1期"},
                     "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": 10}),
        )
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let cohort = res.json()["id"].as_str().unwrap().to_string();
    let res = app
        .post(&format!("/api/v1/cohorts/{cohort}/enrolments"))
        .token(admin)
        .json(json!({"user_id": world.bkk_trainee.id}))
        .send()
        .await;
    assert!(res.status < 300, "{}", res.text());

    let hq = &world.hq.token;
    assert_eq!(name_for(&app, hq, &cohort, "zh-CN").await, "2026年第1期");
    assert_eq!(name_for(&app, hq, &cohort, "th").await, "รุ่นที่ 1/2569");
    // No Vietnamese or English name: Bangkok's default (Thai) comes next.
    assert_eq!(name_for(&app, hq, &cohort, "vi").await, "รุ่นที่ 1/2569");
    assert_eq!(name_for(&app, hq, &cohort, "en").await, "รุ่นที่ 1/2569");

    // The CSV has the same names.
    let res = app
        .get(&format!("/api/v1/reports/completion?cohort_id={cohort}"))
        .token(&world.hq.token)
        .header("Accept", "text/csv")
        .header("Accept-Language", "zh-CN")
        .send()
        .await;
    let text = String::from_utf8_lossy(&res.body).to_string();
    assert!(text.contains(",2026年第1期,"), "{text}");

    // Without a Thai name either, the cohort's own name is the last resort.
    let res = app
        .patch(&format!("/api/v1/cohorts/{cohort}"))
        .token(admin)
        .json(json!({"names": {"zh-CN": "2026年第1期"}}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(name_for(&app, hq, &cohort, "vi").await, "Spring intake");
}
