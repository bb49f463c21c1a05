//! Issue 17, review items 10, 13, 16 and 17: report dates in the branch's
//! time zone (or the one headquarters names), cohort names in the reader's
//! collation, CSV that varies by language and says its units.

use crate::support::exams::{exam_with_bkk_trainee, options, right_answer};
use crate::support::rows::set_column;
use crate::support::{TestApp, World};
use serde_json::{Value, json};
use uuid::Uuid;

/// BKK's trainee completes the course and passes: the certificate's id.
pub(crate) async fn certify_bkk_trainee(app: &TestApp, world: &World) -> (Value, String) {
    let (exam, cohort) = exam_with_bkk_trainee(app, world).await;
    let token = &world.bkk_trainee.token;
    let enrolments = app.get("/api/v1/users/me/enrolments").token(token).send().await.json();
    let enrolment = enrolments["items"][0]["id"].as_str().unwrap().to_string();
    let course = app
        .get(&format!("/api/v1/courses/{}", exam["course_id"].as_str().unwrap()))
        .token(token)
        .send()
        .await
        .json();
    for lesson in course["lessons"].as_array().unwrap() {
        let res = app
            .post(&format!(
                "/api/v1/enrolments/{enrolment}/lessons/{}/complete",
                lesson["id"].as_str().unwrap()
            ))
            .token(token)
            .send()
            .await;
        assert!(res.status < 300, "{}", res.text());
    }
    let attempt = app
        .post(&format!("/api/v1/exams/{}/attempts", exam["id"].as_str().unwrap()))
        .token(token)
        .send()
        .await
        .json();
    let id = attempt["id"].as_str().unwrap();
    for q in attempt["questions"].as_array().unwrap() {
        app.put(&format!("/api/v1/attempts/{id}/answers/{}", q["id"].as_str().unwrap()))
            .token(token)
            .json(json!({"selected": options(q, &right_answer(q))}))
            .send()
            .await;
    }
    let result = app.post(&format!("/api/v1/attempts/{id}/submit")).token(token).send().await.json();
    let certificate = result["certificate_id"].as_str().unwrap_or_else(|| panic!("{result}")).to_string();
    let _ = cohort;
    (exam, certificate)
}

#[actix_rt::test]
async fn date_only_bounds_and_months_use_the_branch_zone_unless_headquarters_names_one() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (_, certificate) = certify_bkk_trainee(&app, &world).await;
    // 03:00 on 1 March in Bangkok is still February in UTC.
    let issued = chrono::DateTime::parse_from_rfc3339("2026-02-28T20:00:00Z").unwrap().to_utc();
    set_column(&app, "certificates", Uuid::parse_str(&certificate).unwrap(), "issued_at", issued).await;
    let hq = &world.hq.token;

    let pool = app.get("/api/v1/reports/talent-pool").token(hq).send().await.json();
    assert_eq!(pool["time_zone"], "branch");
    assert_eq!(pool["items"][0]["month"], "2026-03", "{pool}");
    let pool = app.get("/api/v1/reports/talent-pool?tz=UTC").token(hq).send().await.json();
    assert_eq!(pool["time_zone"], "UTC");
    assert_eq!(pool["items"][0]["month"], "2026-02", "{pool}");
    let pool = app.get("/api/v1/reports/talent-pool?from=2026-03-01").token(hq).send().await.json();
    assert_eq!(pool["items"].as_array().unwrap().len(), 1, "Bangkok's 1 March: {pool}");
    let pool = app
        .get("/api/v1/reports/talent-pool?from=2026-03-01&tz=UTC")
        .token(hq)
        .send()
        .await
        .json();
    assert_eq!(pool["items"].as_array().unwrap().len(), 0, "UTC's 1 March: {pool}");
    let pool = app
        .get("/api/v1/reports/talent-pool?to=2026-03-01&tz=Asia/Ho_Chi_Minh")
        .token(hq)
        .send()
        .await
        .json();
    assert_eq!(pool["items"].as_array().unwrap().len(), 0, "{pool}");

    let certified = |doc: &Value| {
        doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["certified"].as_i64().unwrap())
            .sum::<i64>()
    };
    let path = "/api/v1/reports/completion?date_field=certified&from=2026-03-01";
    let own = app.get(path).token(&world.bkk_admin.token).send().await.json();
    assert_eq!(own["time_zone"], "Asia/Bangkok");
    assert_eq!(certified(&own), 1, "{own}");
    let across = app.get(path).token(hq).send().await.json();
    assert_eq!(across["time_zone"], "UTC");
    assert_eq!(certified(&across), 0, "{across}");
    let bkk = app.get(&format!("{path}&branch=BKK")).token(hq).send().await.json();
    assert_eq!(bkk["time_zone"], "Asia/Bangkok");
    assert_eq!(certified(&bkk), 1, "{bkk}");
    let chosen = app.get(&format!("{path}&tz=Asia/Bangkok")).token(hq).send().await.json();
    assert_eq!(certified(&chosen), 1, "{chosen}");

    let res = app
        .get("/api/v1/reports/talent-pool?tz=Mars/Olympus")
        .token(hq)
        .header("Accept-Language", "vi")
        .send()
        .await;
    let doc = res.problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["field"], "tz");
    assert_eq!(doc["errors"][0]["code"], "invalid_time_zone");

    let csv = app
        .get("/api/v1/reports/talent-pool")
        .token(hq)
        .header("Accept", "text/csv")
        .send()
        .await;
    assert_eq!(csv.header("report-time-zone").as_deref(), Some("branch"));
    let vary = csv.header("vary").unwrap_or_default().to_ascii_lowercase();
    assert!(vary.contains("accept-language"), "{vary}");
}

#[actix_rt::test]
async fn cohort_names_sort_by_the_readers_collation() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (exam, _) = exam_with_bkk_trainee(&app, &world).await;
    let admin = &world.bkk_admin.token;
    for name in ["แดง", "ไก่", "เขียว", "กา"] {
        let res = app
            .post("/api/v1/branches/BKK/cohorts")
            .token(admin)
            .json(json!({"course_id": exam["course_id"], "name": name, "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": 5}))
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
        assert!(res.status < 300 || res.status == 409, "{}", res.text());
    }
    let doc = app.get("/api/v1/reports/completion?lang=th").token(admin).send().await.json();
    let names: Vec<&str> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["cohort_name"].as_str().unwrap())
        .filter(|n| *n != "C1")
        .collect();
    assert!(names.len() >= 2, "{doc}");
    let mut expected = names.clone();
    expected.sort_by(|a, b| zhijiang::i18n::compare(zhijiang::i18n::Locale::Th, a, b));
    assert_eq!(names, expected);
    let mut bytewise = names.clone();
    bytewise.sort();
    assert_ne!(names, bytewise, "Thai order differs from code point order here");
}
