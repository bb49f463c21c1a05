//! Issue 18, activity: last activity and lesson dates on enrolments, member
//! lists filtered and sorted by progress, idleness and status, and the
//! cohort summary (the completion funnel).

use crate::support::exams::{exam_with_bkk_trainee, options, right_answer};
use crate::support::world::{PASSWORD, create_user};
use crate::support::{TestApp, World};
use chrono::Duration;
use serde_json::{Value, json};

struct Cohort {
    id: String,
    exam: Value,
    lessons: Vec<String>,
    /// (email, enrolment id) of the trainees, in enrolment order.
    trainees: Vec<(String, String)>,
}

/// BKK's trainee plus two more in one BKK cohort of a 2-lesson course with an exam.
async fn cohort(app: &TestApp, world: &World) -> Cohort {
    let (exam, cohort_id) = exam_with_bkk_trainee(app, world).await;
    let course = app
        .get(&format!("/api/v1/courses/{}", exam["course_id"].as_str().unwrap()))
        .token(&world.hq.token)
        .send()
        .await
        .json();
    let lessons = course["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    let mut trainees = Vec::new();
    let members = app
        .get(&format!("/api/v1/cohorts/{cohort_id}/enrolments"))
        .token(&world.bkk_admin.token)
        .send()
        .await
        .json();
    trainees.push((
        world.bkk_trainee.email.clone(),
        members["items"][0]["id"].as_str().unwrap().to_string(),
    ));
    for n in 2..=3 {
        app.clock_tick();
        let email = format!("trainee{n}@bkk.test");
        let user = create_user(app, &world.bkk_admin.token, "BKK", &email, "trainee", "th", Some(PASSWORD)).await;
        let res = app
            .post(&format!("/api/v1/cohorts/{cohort_id}/enrolments"))
            .token(&world.bkk_admin.token)
            .json(json!({"user_id": user["id"]}))
            .send()
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        trainees.push((email, res.json()["id"].as_str().unwrap().to_string()));
    }
    Cohort {
        id: cohort_id,
        exam,
        lessons,
        trainees,
    }
}

async fn complete(app: &TestApp, token: &str, enrolment: &str, lesson: &str) {
    let res = app
        .post(&format!("/api/v1/enrolments/{enrolment}/lessons/{lesson}/complete"))
        .token(token)
        .send()
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
}

/// Starts the exam, answers every question right and submits.
async fn pass_exam(app: &TestApp, token: &str, exam: &Value) {
    let attempt = app
        .post(&format!("/api/v1/exams/{}/attempts", exam["id"].as_str().unwrap()))
        .token(token)
        .send()
        .await
        .json();
    let id = attempt["id"].as_str().unwrap();
    for q in attempt["questions"].as_array().unwrap() {
        let res = app
            .put(&format!("/api/v1/attempts/{id}/answers/{}", q["id"].as_str().unwrap()))
            .token(token)
            .json(json!({"selected": options(q, &right_answer(q))}))
            .send()
            .await;
        assert_eq!(res.status, 204, "{}", res.text());
    }
    let res = app.post(&format!("/api/v1/attempts/{id}/submit")).token(token).send().await;
    assert_eq!(res.json()["passed"], true, "{}", res.text());
}

/// The trainee emails of a member-list page, and its cursor.
async fn page(app: &TestApp, token: &str, cohort: &str, query: &str) -> (Vec<String>, Option<String>) {
    let res = app
        .get(&format!("/api/v1/cohorts/{cohort}/enrolments?{query}"))
        .token(token)
        .send()
        .await;
    assert_eq!(res.status, 200, "{query}: {}", res.text());
    let body = res.json();
    let emails = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["trainee"]["email"].as_str().unwrap().to_string())
        .collect();
    (emails, body["next_cursor"].as_str().map(str::to_string))
}

/// Every page of a sorted list, one member per page (the keyset cursor).
async fn walk(app: &TestApp, token: &str, cohort: &str, query: &str) -> Vec<String> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("{query}&limit=1&cursor={c}"),
            None => format!("{query}&limit=1"),
        };
        let (emails, next) = page(app, token, cohort, &q).await;
        all.extend(emails);
        match next {
            Some(next) => cursor = Some(next),
            None => return all,
        }
    }
}

#[actix_rt::test]
async fn activity_sorts_filters_and_the_funnel_follow_what_trainees_do() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let c = cohort(&app, &world).await;
    let (first, second, third) = (&c.trainees[0], &c.trainees[1], &c.trainees[2]);

    // The first trainee finishes both lessons and passes; the second does
    // one lesson a day later; the third does nothing.
    let t1 = app.login("BKK", &first.0, PASSWORD).await;
    complete(&app, &t1, &first.1, &c.lessons[0]).await;
    app.clock_tick();
    complete(&app, &t1, &first.1, &c.lessons[1]).await;
    complete(&app, &t1, &first.1, &c.lessons[1]).await; // again: no double count
    pass_exam(&app, &t1, &c.exam).await;
    app.state.clock.advance(Duration::days(1));
    let t2 = app.login("BKK", &second.0, PASSWORD).await;
    let before = app.state.clock.now();
    complete(&app, &t2, &second.1, &c.lessons[0]).await;
    let after = app.state.clock.now();
    let t1 = app.login("BKK", &first.0, PASSWORD).await;

    let one = app.get(&format!("/api/v1/enrolments/{}", first.1)).token(&t1).send().await.json();
    let lessons = one["completed_lessons"].as_array().unwrap();
    assert_eq!(lessons.len(), 2, "{one}");
    assert_eq!(lessons[0]["lesson_id"], c.lessons[0].as_str());
    assert_eq!(lessons[1]["lesson_id"], c.lessons[1].as_str());
    let at = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    assert!(at(&lessons[0]["completed_at"]) < at(&lessons[1]["completed_at"]));
    // The attempt's start and saves came after the last lesson.
    assert!(at(&one["last_activity_at"]) >= at(&lessons[1]["completed_at"]), "{one}");
    assert_eq!(one["progress"]["done"], 2);

    // Ten days on, the admin looks for who is stuck.
    app.state.clock.advance(Duration::days(10));
    let admin = app.login("BKK", "admin@bkk.test", PASSWORD).await;
    let (all, _) = page(&app, &admin, &c.id, "").await;
    assert_eq!(
        all,
        vec![first.0.clone(), second.0.clone(), third.0.clone()],
        "enrolment order by default"
    );
    let third_row = app
        .get(&format!("/api/v1/enrolments/{}", third.1))
        .token(&admin)
        .send()
        .await
        .json();
    assert!(third_row["last_activity_at"].is_null(), "{third_row}");
    let second_row = app
        .get(&format!("/api/v1/enrolments/{}", second.1))
        .token(&admin)
        .send()
        .await
        .json();
    let second_done_at = at(&second_row["last_activity_at"]);
    assert!(before <= second_done_at && second_done_at <= after, "{second_row}");

    assert_eq!(
        walk(&app, &admin, &c.id, "sort=progress").await,
        vec![third.0.clone(), second.0.clone(), first.0.clone()]
    );
    assert_eq!(
        walk(&app, &admin, &c.id, "sort=-progress").await,
        vec![first.0.clone(), second.0.clone(), third.0.clone()]
    );
    // Idle longest first: the third never started (idle since enrolling, before anyone acted).
    assert_eq!(
        walk(&app, &admin, &c.id, "sort=last_activity").await,
        vec![third.0.clone(), first.0.clone(), second.0.clone()]
    );
    assert_eq!(
        walk(&app, &admin, &c.id, "sort=-last_activity").await,
        vec![second.0.clone(), first.0.clone(), third.0.clone()]
    );
    assert_eq!(
        walk(&app, &admin, &c.id, "sort=status").await,
        vec![second.0.clone(), third.0.clone(), first.0.clone()]
    );
    assert_eq!(
        page(&app, &admin, &c.id, "min_progress=50&max_progress=99").await.0,
        vec![second.0.clone()]
    );
    assert_eq!(page(&app, &admin, &c.id, "min_progress=100").await.0, vec![first.0.clone()]);
    assert_eq!(page(&app, &admin, &c.id, "max_progress=0").await.0, vec![third.0.clone()]);
    // Ten days after the second trainee's lesson, eleven after the rest.
    assert_eq!(page(&app, &admin, &c.id, "inactive_days=10").await.0.len(), 3);
    assert_eq!(
        page(&app, &admin, &c.id, "inactive_days=11&sort=enrolled").await.0,
        vec![first.0.clone(), third.0.clone()]
    );
    assert_eq!(
        page(&app, &admin, &c.id, "inactive_days=11&status=active").await.0,
        vec![third.0.clone()]
    );
    assert!(page(&app, &admin, &c.id, "inactive_days=12").await.0.is_empty());

    let summary = app
        .get(&format!("/api/v1/cohorts/{}/summary?inactive_days=11", c.id))
        .token(&admin)
        .send()
        .await;
    assert_eq!(summary.status, 200, "{}", summary.text());
    let s = summary.json();
    assert_eq!(s["lessons"], 2);
    assert_eq!(
        s["funnel"],
        json!({"enrolled": 3, "started_lessons": 2, "all_lessons": 1, "sat_exam": 1, "passed": 1, "certified": 1})
    );
    assert_eq!(s["statuses"], json!({"active": 2, "completed": 1, "withdrawn": 0}));
    assert_eq!((s["inactive_days"].as_i64(), s["inactive"].as_i64()), (Some(11), Some(1)), "{s}");
    assert_eq!(at(&s["last_activity_at"]), second_done_at);
    let hq = app.login("HQ", &world.hq.email, PASSWORD).await;
    let default = app.get(&format!("/api/v1/cohorts/{}/summary", c.id)).token(&hq).send().await.json();
    assert_eq!(
        (default["inactive_days"].as_i64(), default["inactive"].as_i64()),
        (Some(14), Some(0))
    );
}

async fn last_activity(app: &TestApp, token: &str, enrolment: &str) -> Value {
    app.get(&format!("/api/v1/enrolments/{enrolment}")).token(token).send().await.json()["last_activity_at"].clone()
}

async fn save(app: &TestApp, token: &str, attempt: &Value, q: &Value) {
    let res = app
        .put(&format!(
            "/api/v1/attempts/{}/answers/{}",
            attempt["id"].as_str().unwrap(),
            q["id"].as_str().unwrap()
        ))
        .token(token)
        .json(json!({"selected": options(q, &right_answer(q))}))
        .send()
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
}

#[actix_rt::test]
async fn starting_and_saving_an_attempt_is_activity() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (exam, cohort) = exam_with_bkk_trainee(&app, &world).await;
    let admin = &world.bkk_admin.token;
    let enrolment = app
        .get(&format!("/api/v1/cohorts/{cohort}/enrolments"))
        .token(admin)
        .send()
        .await
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(last_activity(&app, admin, &enrolment).await.is_null());
    let attempt = app
        .post(&format!("/api/v1/exams/{}/attempts", exam["id"].as_str().unwrap()))
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .json();
    let started = last_activity(&app, admin, &enrolment).await;
    assert_eq!(started, attempt["started_at"], "the start is activity");
    // A save within the minute keeps the time; one later moves it.
    let q = &attempt["questions"][0];
    app.state.clock.advance(Duration::seconds(30));
    save(&app, &world.bkk_trainee.token, &attempt, q).await;
    assert_eq!(last_activity(&app, admin, &enrolment).await, started);
    app.state.clock.advance(Duration::seconds(40));
    save(&app, &world.bkk_trainee.token, &attempt, q).await;
    let moved = last_activity(&app, admin, &enrolment).await;
    let at = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    assert!(at(&moved) - at(&started) >= Duration::seconds(70), "{moved} after {started}");
}

#[actix_rt::test]
async fn bad_member_queries_and_other_branches_are_refused() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (_, cohort) = exam_with_bkk_trainee(&app, &world).await;
    let admin = &world.bkk_admin.token;
    for (query, field) in [
        ("sort=fastest", "sort"),
        ("sort=--progress", "sort"),
        ("inactive_days=0", "inactive_days"),
        ("inactive_days=abc", "inactive_days"),
        ("inactive_days=99999999999999999999", "inactive_days"),
        ("min_progress=101", "min_progress"),
        ("max_progress=-1", "max_progress"),
        ("status=stuck", "status"),
        ("sort=progress&cursor=AAAAAAAAAAAAAAAAAAAAAA", "cursor"),
    ] {
        let res = app
            .get(&format!("/api/v1/cohorts/{cohort}/enrolments?{query}&lang=th"))
            .token(admin)
            .send()
            .await;
        let doc = res.problem(422, "validation_failed");
        assert_eq!(doc["errors"][0]["field"], field, "{query}: {doc}");
        assert_eq!(res.header("content-language").as_deref(), Some("th"));
    }
    let res = app
        .get(&format!("/api/v1/cohorts/{cohort}/enrolments?sort=fastest&inactive_days=0"))
        .token(admin)
        .send()
        .await;
    assert_eq!(res.problem(422, "validation_failed")["errors"].as_array().unwrap().len(), 2);
    let res = app
        .get(&format!("/api/v1/cohorts/{cohort}/summary?inactive_days=x"))
        .token(admin)
        .send()
        .await;
    res.problem(422, "validation_failed");
    // Another branch's cohort is missing; a trainee may not ask.
    for path in [
        format!("/api/v1/cohorts/{cohort}/summary"),
        format!("/api/v1/cohorts/{cohort}/enrolments?sort=progress"),
    ] {
        app.get(&path).token(&world.han_admin.token).send().await.problem(404, "not_found");
        app.get(&path)
            .token(&world.bkk_trainee.token)
            .send()
            .await
            .problem(403, "forbidden");
    }
}

/// `(lessons done, last activity)` of each enrolment, as the API shows them.
async fn activity_of(app: &TestApp, token: &str, enrolments: &[&str]) -> Vec<(Value, Value)> {
    let mut out = Vec::new();
    for id in enrolments {
        let e = app.get(&format!("/api/v1/enrolments/{id}")).token(token).send().await.json();
        out.push((e["progress"]["done"].clone(), e["last_activity_at"].clone()));
    }
    out
}

#[actix_rt::test]
async fn the_migration_backfill_recomputes_what_the_steps_wrote() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let c = cohort(&app, &world).await;
    let (first, second) = (&c.trainees[0], &c.trainees[1]);
    let t1 = app.login("BKK", &first.0, PASSWORD).await;
    complete(&app, &t1, &first.1, &c.lessons[0]).await;
    complete(&app, &t1, &first.1, &c.lessons[1]).await;
    app.clock_tick();
    let res = app
        .post(&format!("/api/v1/exams/{}/attempts", c.exam["id"].as_str().unwrap()))
        .token(&t1)
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    app.clock_tick();
    let t2 = app.login("BKK", &second.0, PASSWORD).await;
    complete(&app, &t2, &second.1, &c.lessons[1]).await;
    let ids: Vec<&str> = c.trainees.iter().map(|t| t.1.as_str()).collect();
    let live = activity_of(&app, &world.bkk_admin.token, &ids).await;
    assert_eq!(live[0].1, res.json()["started_at"], "the attempt start came last");
    assert!(live[2].1.is_null());

    for id in &ids {
        let id = id.parse().unwrap();
        crate::support::rows::set_column(&app, "enrolments", id, "lessons_done", 0).await;
        crate::support::rows::set_column(
            &app,
            "enrolments",
            id,
            "last_activity_at",
            Option::<chrono::DateTime<chrono::Utc>>::None,
        )
        .await;
    }
    assert_ne!(activity_of(&app, &world.bkk_admin.token, &ids).await, live);
    for statement in zhijiang_migrations::ENROLMENT_ACTIVITY_BACKFILL {
        app.state.db.execute_unprepared(statement).await.unwrap();
    }
    assert_eq!(activity_of(&app, &world.bkk_admin.token, &ids).await, live);
    let (done, _) = page(&app, &world.bkk_admin.token, &c.id, "sort=-progress").await;
    assert_eq!(done[0], first.0, "the counter is back");
}
