//! Issue 9: completion and talent-pool reports, CSV export, the audit log.

use crate::support::catalogue::published_course;
use crate::support::exams::{options, published_exam, right_answer};
use crate::support::world::create_user;
use crate::support::{TestApp, World};
use serde_json::{Value, json};

/// Enrols a new trainee of `branch` in `cohort`, optionally completes the
/// lesson and sits the exam (right or wrong), optionally withdraws.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn trainee(
    app: &TestApp,
    world: &World,
    admin: &str,
    branch: &str,
    cohort: &str,
    course: &Value,
    exam: &str,
    n: usize,
    outcome: &str,
) {
    let email = format!("t{n}@{}.test", branch.to_lowercase());
    let user = create_user(app, admin, branch, &email, "trainee", "en", Some("long enough pw")).await;
    let e = app
        .post(&format!("/api/v1/cohorts/{cohort}/enrolments"))
        .token(admin)
        .json(json!({"user_id": user["id"]}))
        .send()
        .await
        .json();
    let eid = e["id"].as_str().unwrap();
    if outcome == "withdrawn" {
        app.post(&format!("/api/v1/enrolments/{eid}/withdraw")).token(admin).send().await;
        return;
    }
    if outcome == "enrolled" {
        return;
    }
    let token = app.login(branch, &email, "long enough pw").await;
    for lesson in course["lessons"].as_array().unwrap() {
        app.post(&format!(
            "/api/v1/enrolments/{eid}/lessons/{}/complete",
            lesson["id"].as_str().unwrap()
        ))
        .token(&token)
        .send()
        .await;
    }
    let attempt = app
        .post(&format!("/api/v1/exams/{exam}/attempts"))
        .token(&token)
        .send()
        .await
        .json();
    let id = attempt["id"].as_str().unwrap();
    for q in attempt["questions"].as_array().unwrap() {
        let texts = if outcome == "passed" { right_answer(q) } else { vec![] };
        app.put(&format!("/api/v1/attempts/{id}/answers/{}", q["id"].as_str().unwrap()))
            .token(&token)
            .json(json!({"selected": options(q, &texts)}))
            .send()
            .await;
    }
    app.post(&format!("/api/v1/attempts/{id}/submit")).token(&token).send().await;
    let _ = world;
}

pub(crate) async fn cohort(app: &TestApp, admin: &str, branch: &str, course: &Value, name: &str) -> String {
    let res = app
        .post(&format!("/api/v1/branches/{branch}/cohorts"))
        .token(admin)
        .json(json!({"course_id": course["id"], "name": name, "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": 50}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["id"].as_str().unwrap().to_string()
}

#[actix_rt::test]
async fn completion_numbers_match_a_scenario_built_through_the_api() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let course = published_course(&app, &world.hq.token, "EV-HV-101", 1, &["BKK", "HAN"]).await;
    let exam = published_exam(&app, &world.hq.token, course["id"].as_str().unwrap(), 4, false, false).await;
    let exam = exam["id"].as_str().unwrap().to_string();
    let bkk1 = cohort(&app, &world.bkk_admin.token, "BKK", &course, "=BKK-1").await;
    let bkk2 = cohort(&app, &world.bkk_admin.token, "BKK", &course, "BKK-2").await;
    let han = cohort(&app, &world.han_admin.token, "HAN", &course, "HAN-1").await;
    let mut n = 0;
    for (branch, admin, cohort, outcomes) in [
        (
            "BKK",
            &world.bkk_admin.token,
            &bkk1,
            vec!["passed", "passed", "failed", "withdrawn", "enrolled"],
        ),
        ("BKK", &world.bkk_admin.token, &bkk2, vec!["passed"]),
        ("HAN", &world.han_admin.token, &han, vec!["failed", "withdrawn"]),
    ] {
        for outcome in outcomes {
            n += 1;
            trainee(&app, &world, admin, branch, cohort, &course, &exam, n, outcome).await;
        }
    }
    let res = app.get("/api/v1/reports/completion").token(&world.hq.token).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    let items = res.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 3);
    let row = |cohort: &str| items.iter().find(|r| r["cohort_id"] == cohort).unwrap().clone();
    let r = row(&bkk1);
    assert_eq!(r["branch"], "BKK");
    assert_eq!(r["course_code"], "EV-HV-101");
    assert_eq!(
        (
            r["enrolled"].as_i64(),
            r["active"].as_i64(),
            r["completed"].as_i64(),
            r["certified"].as_i64(),
            r["withdrawn"].as_i64()
        ),
        (Some(5), Some(2), Some(2), Some(2), Some(1))
    );
    assert_eq!(r["pass_rate"], 0.667, "2 of 3 who sat passed");
    assert_eq!(r["average_score"], 66.7, "best scores 100, 100, 0");
    assert_eq!(r["median_days_to_certificate"], 0.0);
    let h = row(&han);
    assert_eq!(
        (h["enrolled"].as_i64(), h["certified"].as_i64(), h["withdrawn"].as_i64()),
        (Some(2), Some(0), Some(1))
    );
    assert_eq!(h["pass_rate"], 0.0);
    assert!(h["median_days_to_certificate"].is_null());
    // Filters.
    let only = app
        .get(&format!("/api/v1/reports/completion?cohort_id={bkk2}"))
        .token(&world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(only["items"].as_array().unwrap().len(), 1);
    let by_branch = app
        .get("/api/v1/reports/completion?branch=HAN")
        .token(&world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(by_branch["items"].as_array().unwrap().len(), 1);
    let future = app
        .get("/api/v1/reports/completion?from=2099-01-01")
        .token(&world.hq.token)
        .send()
        .await
        .json();
    assert!(future["items"].as_array().unwrap().is_empty());
    app.get("/api/v1/reports/completion?from=yesterday")
        .token(&world.hq.token)
        .send()
        .await
        .problem(422, "validation_failed");
    // Scope: a branch admin sees its own branch only; asking for another gives nothing, not an error.
    let own = app
        .get("/api/v1/reports/completion")
        .token(&world.bkk_admin.token)
        .send()
        .await
        .json();
    assert_eq!(own["items"].as_array().unwrap().len(), 2);
    assert!(own["items"].as_array().unwrap().iter().all(|r| r["branch"] == "BKK"));
    let other = app
        .get("/api/v1/reports/completion?branch=HAN")
        .token(&world.bkk_admin.token)
        .send()
        .await
        .json();
    assert!(other["items"].as_array().unwrap().is_empty());
    app.get("/api/v1/reports/completion")
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .problem(403, "forbidden");

    // CSV: BOM, localized header, formula injection neutralised.
    let csv = app
        .get("/api/v1/reports/completion")
        .token(&world.hq.token)
        .header("Accept", "text/csv")
        .header("Accept-Language", "th")
        .send()
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(csv.body.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let text = String::from_utf8(csv.body[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("วิทยาเขต,"), "Thai column headers");
    assert!(text.contains(",'=BKK-1,"), "formula neutralised: {text}");
    assert_eq!(text.lines().count(), 4);

    // Talent pool: 3 certified technicians of the course in Thailand this month.
    let pool = app.get("/api/v1/reports/talent-pool").token(&world.hq.token).send().await.json();
    let rows = pool["items"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["country"], "TH");
    assert_eq!(rows[0]["certified_count"], 3);
    assert_eq!(rows[0]["month"].as_str().unwrap().len(), 7);
    app.get("/api/v1/reports/talent-pool")
        .token(&world.bkk_admin.token)
        .send()
        .await
        .problem(403, "forbidden");
    let pool_csv = app
        .get("/api/v1/reports/talent-pool?country=th")
        .token(&world.hq.token)
        .header("Accept", "text/csv")
        .send()
        .await;
    assert!(String::from_utf8_lossy(&pool_csv.body).contains(",TH,"));
}

#[actix_rt::test]
async fn the_audit_log_records_administrative_changes_for_headquarters_only() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    published_course(&app, &world.hq.token, "EV-HV-101", 1, &["BKK"]).await;
    let log = app.get("/api/v1/audit").token(&world.hq.token).send().await.json();
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions[0], "course.publish", "newest first: {actions:?}");
    assert!(actions.contains(&"branch.create") && actions.contains(&"user.create") && actions.contains(&"course.create"));
    let first = &log["items"][0];
    assert_eq!(first["actor_user_id"], world.hq.id.as_str());
    assert!(first["request_id"].is_string());
    let users = app
        .get("/api/v1/audit?record_type=user&branch=BKK")
        .token(&world.hq.token)
        .send()
        .await
        .json();
    assert!(
        users["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["record_type"] == "user" && e["branch"] == "BKK")
    );
    assert_eq!(users["items"].as_array().unwrap().len(), 2);
    let mine = app
        .get(&format!("/api/v1/audit?actor={}&action=course.create", world.hq.id))
        .token(&world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let page = app.get("/api/v1/audit?limit=2").token(&world.hq.token).send().await.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert!(page["next_cursor"].is_string());
    app.get("/api/v1/audit")
        .token(&world.bkk_admin.token)
        .send()
        .await
        .problem(403, "forbidden");
    // There is no way to change or delete an entry.
    let id = first["id"].as_str().unwrap();
    assert_eq!(
        app.delete(&format!("/api/v1/audit/{id}"))
            .token(&world.hq.token)
            .send()
            .await
            .status,
        404
    );
    assert_eq!(app.delete("/api/v1/audit").token(&world.hq.token).send().await.status, 405);
}

#[actix_rt::test]
async fn an_unknown_branch_filter_gives_empty_reports_after_the_other_checks() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    for token in [&world.hq.token, &world.bkk_admin.token] {
        let report = app.get("/api/v1/reports/completion?branch=NOPE").token(token).send().await.json();
        assert!(report["items"].as_array().unwrap().is_empty());
    }
    let log = app.get("/api/v1/audit?branch=NOPE").token(&world.hq.token).send().await.json();
    assert!(log["items"].as_array().unwrap().is_empty());
    assert!(log["next_cursor"].is_null());
    // A bad filter next to an unknown branch is still refused.
    app.get("/api/v1/audit?branch=NOPE&from=yesterday")
        .token(&world.hq.token)
        .send()
        .await
        .problem(422, "validation_failed");
    app.get("/api/v1/reports/completion?branch=NOPE&from=yesterday")
        .token(&world.hq.token)
        .send()
        .await
        .problem(422, "validation_failed");
}
