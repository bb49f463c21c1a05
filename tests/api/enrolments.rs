//! Issue 6: cohorts, enrolments, progress.

use crate::support::catalogue::published_course;
use crate::support::world::create_user;
use crate::support::{TestApp, World};
use serde_json::{Value, json};

async fn cohort(app: &TestApp, token: &str, branch: &str, course_id: &str, capacity: i64) -> Value {
    let res = app
        .post(&format!("/api/v1/branches/{branch}/cohorts"))
        .token(token)
        .json(json!({"course_id": course_id, "name": "2026 intake 1", "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": capacity}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

#[actix_rt::test]
async fn cohorts_belong_to_a_branch_and_an_offered_course() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let course = published_course(&app, &world.hq.token, "EV-HV-101", 3, &["BKK"]).await;
    let course_id = course["id"].as_str().unwrap();
    let c = cohort(&app, &world.bkk_admin.token, "BKK", course_id, 20).await;
    assert_eq!(c["branch"], "BKK");
    assert_eq!(c["seats_left"], 20);
    assert_eq!(c["starts_on"], "2026-03-01");
    assert_eq!(
        c["course_title"], "ความปลอดภัยระบบไฟฟ้าแรงสูงของรถยนต์ไฟฟ้า",
        "titles in the admin's language"
    );
    let id = c["id"].as_str().unwrap();
    // Not offered to HAN: a HAN cohort of it is refused.
    let res = app
        .post("/api/v1/branches/HAN/cohorts")
        .token(&world.han_admin.token)
        .json(json!({"course_id": course_id, "name": "x", "starts_on": "2026-01-01", "ends_on": "2026-02-01", "capacity": 5}))
        .send()
        .await;
    assert_eq!(res.problem(422, "validation_failed")["errors"][0]["code"], "course_not_offered");
    // Another branch's cohort is "not found", for reading and writing alike.
    app.get(&format!("/api/v1/cohorts/{id}"))
        .token(&world.han_admin.token)
        .send()
        .await
        .problem(404, "not_found");
    app.patch(&format!("/api/v1/cohorts/{id}"))
        .token(&world.han_admin.token)
        .json(json!({"name": "mine now"}))
        .send()
        .await
        .problem(404, "not_found");
    app.post("/api/v1/branches/BKK/cohorts")
        .token(&world.han_admin.token)
        .json(json!({"course_id": course_id, "name": "x", "starts_on": "2026-01-01", "ends_on": "2026-02-01", "capacity": 5}))
        .send()
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/cohorts/{id}"))
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .problem(403, "forbidden");
    assert_eq!(
        app.get(&format!("/api/v1/cohorts/{id}")).token(&world.hq.token).send().await.status,
        200
    );
    let list = app
        .get("/api/v1/branches/BKK/cohorts")
        .token(&world.bkk_admin.token)
        .send()
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // Bad dates and capacity.
    let res = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(&world.bkk_admin.token)
        .json(json!({"course_id": course_id, "name": "", "starts_on": "2026-05-01", "ends_on": "2026-04-01", "capacity": 0}))
        .send()
        .await;
    let doc = res.problem(422, "validation_failed");
    let codes: Vec<&str> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["required", "ends_before_start", "out_of_range"]);
    let res = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(&world.bkk_admin.token)
        .json(json!({"course_id": course_id, "name": "x", "starts_on": "01/03/2026", "ends_on": "2026-04-01", "capacity": 3}))
        .send()
        .await;
    assert_eq!(res.problem(422, "validation_failed")["errors"][0]["code"], "invalid_date");
    let patched = app
        .patch(&format!("/api/v1/cohorts/{id}"))
        .token(&world.bkk_admin.token)
        .json(json!({"capacity": 25, "status": "closed"}))
        .send()
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    assert_eq!(patched.json()["capacity"], 25);
}

#[actix_rt::test]
async fn trainees_progress_through_lessons_to_completion() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let course = published_course(&app, &world.hq.token, "EV-HV-101", 3, &["BKK"]).await;
    let lessons: Vec<String> = course["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    let c = cohort(&app, &world.bkk_admin.token, "BKK", course["id"].as_str().unwrap(), 10).await;
    let cid = c["id"].as_str().unwrap();
    let res = app
        .post(&format!("/api/v1/cohorts/{cid}/enrolments"))
        .token(&world.bkk_admin.token)
        .json(json!({"user_id": world.bkk_trainee.id}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let enrolment = res.json();
    let eid = enrolment["id"].as_str().unwrap().to_string();
    assert_eq!(enrolment["status"], "active");
    assert_eq!(enrolment["progress"], json!({"done": 0, "total": 3, "percent": 0.0}));
    app.post(&format!("/api/v1/cohorts/{cid}/enrolments"))
        .token(&world.bkk_admin.token)
        .json(json!({"user_id": world.bkk_trainee.id}))
        .send()
        .await
        .problem(409, "already_enrolled");
    // Someone from another branch cannot be enrolled here.
    let res = app
        .post(&format!("/api/v1/cohorts/{cid}/enrolments"))
        .token(&world.bkk_admin.token)
        .json(json!({"user_id": world.han_trainee.id}))
        .send()
        .await;
    assert_eq!(res.problem(422, "validation_failed")["errors"][0]["code"], "unknown_user");

    let t = &world.bkk_trainee.token;
    for lesson in &lessons[..2] {
        for _ in 0..2 {
            let res = app
                .post(&format!("/api/v1/enrolments/{eid}/lessons/{lesson}/complete"))
                .token(t)
                .send()
                .await;
            assert_eq!(res.status, 204, "idempotent: {}", res.text());
        }
    }
    let mine = app.get("/api/v1/users/me/enrolments").token(t).send().await.json();
    let item = &mine["items"][0];
    assert_eq!(item["progress"]["done"], 2);
    assert_eq!(item["status"], "active");
    assert_eq!(item["course"]["title"], "ความปลอดภัยระบบไฟฟ้าแรงสูงของรถยนต์ไฟฟ้า");
    assert_eq!(item["cohort"]["name"], "2026 intake 1");
    // Another trainee, another branch's admin: not found.
    app.post(&format!("/api/v1/enrolments/{eid}/lessons/{}/complete", lessons[2]))
        .token(&world.han_trainee.token)
        .send()
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/enrolments/{eid}"))
        .token(&world.han_admin.token)
        .send()
        .await
        .problem(404, "not_found");
    // A lesson of another course: not found.
    app.post(&format!("/api/v1/enrolments/{eid}/lessons/{eid}/complete"))
        .token(t)
        .send()
        .await
        .problem(404, "not_found");
    app.post(&format!("/api/v1/enrolments/{eid}/lessons/{}/complete", lessons[2]))
        .token(t)
        .send()
        .await;
    let one = app.get(&format!("/api/v1/enrolments/{eid}")).token(t).send().await.json();
    assert_eq!(one["status"], "completed");
    assert_eq!(one["progress"]["percent"], 100.0);
    assert_eq!(one["completed_lesson_ids"].as_array().unwrap().len(), 3);
    assert!(one["completed_at"].is_string());
    let members = app
        .get(&format!("/api/v1/cohorts/{cid}/enrolments?status=completed"))
        .token(&world.bkk_admin.token)
        .send()
        .await
        .json();
    assert_eq!(members["items"][0]["trainee"]["email"], "somchai@bkk.test");
    let none = app
        .get(&format!("/api/v1/cohorts/{cid}/enrolments?status=withdrawn"))
        .token(&world.bkk_admin.token)
        .send()
        .await
        .json();
    assert!(none["items"].as_array().unwrap().is_empty());
    // A lesson with progress cannot be deleted.
    app.delete(&format!(
        "/api/v1/courses/{}/lessons/{}",
        course["id"].as_str().unwrap(),
        lessons[0]
    ))
    .token(&world.hq.token)
    .send()
    .await
    .problem(409, "lesson_in_use");
    app.delete(&format!("/api/v1/courses/{}", course["id"].as_str().unwrap()))
        .token(&world.hq.token)
        .send()
        .await
        .problem(409, "course_in_use");
}

#[actix_rt::test]
async fn withdrawal_frees_the_seat_and_stops_progress() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let course = published_course(&app, &world.hq.token, "EV-HV-101", 2, &["BKK"]).await;
    let lesson = course["lessons"][0]["id"].as_str().unwrap().to_string();
    let c = cohort(&app, &world.bkk_admin.token, "BKK", course["id"].as_str().unwrap(), 1).await;
    let cid = c["id"].as_str().unwrap();
    let e = app
        .post(&format!("/api/v1/cohorts/{cid}/enrolments"))
        .token(&world.bkk_admin.token)
        .json(json!({"user_id": world.bkk_trainee.id}))
        .send()
        .await
        .json();
    let eid = e["id"].as_str().unwrap();
    let other = create_user(&app, &world.bkk_admin.token, "BKK", "second@bkk.test", "trainee", "th", None).await;
    app.post(&format!("/api/v1/cohorts/{cid}/enrolments"))
        .token(&world.bkk_admin.token)
        .json(json!({"user_id": other["id"]}))
        .send()
        .await
        .problem(409, "cohort_full");
    app.patch(&format!("/api/v1/cohorts/{cid}"))
        .token(&world.bkk_admin.token)
        .json(json!({"capacity": 0}))
        .send()
        .await
        .problem(422, "validation_failed");
    app.post(&format!("/api/v1/enrolments/{eid}/withdraw"))
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .problem(403, "forbidden");
    let res = app
        .post(&format!("/api/v1/enrolments/{eid}/withdraw"))
        .token(&world.bkk_admin.token)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "withdrawn");
    app.post(&format!("/api/v1/enrolments/{eid}/lessons/{lesson}/complete"))
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .problem(409, "enrolment_not_active");
    let res = app
        .post(&format!("/api/v1/cohorts/{cid}/enrolments"))
        .token(&world.bkk_admin.token)
        .json(json!({"user_id": other["id"]}))
        .send()
        .await;
    assert_eq!(res.status, 201, "the freed seat is taken: {}", res.text());
}

#[actix_rt::test]
async fn fifty_concurrent_enrolments_for_five_seats_give_exactly_five() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let course = published_course(&app, &world.hq.token, "EV-HV-101", 1, &["BKK"]).await;
    let c = cohort(&app, &world.bkk_admin.token, "BKK", course["id"].as_str().unwrap(), 5).await;
    let cid = c["id"].as_str().unwrap().to_string();
    let mut ids = Vec::new();
    for i in 0..50 {
        let u = create_user(
            &app,
            &world.bkk_admin.token,
            "BKK",
            &format!("race{i}@bkk.test"),
            "trainee",
            "th",
            None,
        )
        .await;
        ids.push(u["id"].as_str().unwrap().to_string());
    }
    let calls = ids.iter().map(|id| {
        app.post(&format!("/api/v1/cohorts/{cid}/enrolments"))
            .token(&world.bkk_admin.token)
            .json(json!({"user_id": id}))
            .send()
    });
    let results = futures_util::future::join_all(calls).await;
    let created = results.iter().filter(|r| r.status == 201).count();
    let full = results
        .iter()
        .filter(|r| r.status == 409 && r.json()["code"] == "cohort_full")
        .count();
    assert_eq!(
        (created, full),
        (5, 45),
        "{:?}",
        results.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let cohort = app
        .get(&format!("/api/v1/cohorts/{cid}"))
        .token(&world.bkk_admin.token)
        .send()
        .await
        .json();
    assert_eq!(cohort["enrolled"], 5);
    assert_eq!(cohort["seats_left"], 0);
    let members = app
        .get(&format!("/api/v1/cohorts/{cid}/enrolments"))
        .token(&world.bkk_admin.token)
        .send()
        .await
        .json();
    assert_eq!(members["items"].as_array().unwrap().len(), 5);
}
