//! Issue 15: the exam on the "my course" page follows the rules of a start:
//! the window that applies to the enrolment (the cohort's own, else the
//! branch's), attempts counted per enrolment, an override's extra attempts,
//! extra time and unlock; and it agrees with the availability endpoint.

use crate::support::exams::exam_with_bkk_trainee;
use crate::support::windows::{at, grant, rfc, start, submit, time, window};
use crate::support::world::PASSWORD;
use crate::support::{TestApp, World};
use chrono::Duration;
use serde_json::{Value, json};

/// The caller's enrolments (one page is enough here).
async fn my_enrolments(app: &TestApp, token: &str) -> Vec<Value> {
    let res = app.get("/api/v1/users/me/enrolments?limit=50").token(token).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["items"].as_array().unwrap().clone()
}

/// The exam object of the enrolment `id` on the list.
fn exam_of(items: &[Value], id: &Value) -> Value {
    let item = items.iter().find(|i| &i["id"] == id).unwrap_or_else(|| panic!("{id} in {items:?}"));
    item["exam"].clone()
}

/// A window without the server's time (which moves between two reads).
fn timeless(window: &Value) -> Value {
    let mut w = window.clone();
    if let Some(o) = w.as_object_mut() {
        o.remove("server_time");
    }
    w
}

async fn availability(app: &TestApp, token: &str, exam_id: &str) -> Value {
    let res = app.get(&format!("/api/v1/exams/{exam_id}/availability")).token(token).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

/// The page's exam object says what the availability endpoint says for
/// the current enrolment.
fn agrees(exam: &Value, a: &Value) {
    for field in ["attempts_used", "attempts_allowed", "attempts_left", "extra_minutes"] {
        assert_eq!(exam[field], a[field], "{field}: {exam} vs {a}");
    }
    assert_eq!(exam["unlock_available"], a["unlock_available"], "{exam} vs {a}");
    assert_eq!(timeless(&exam["window"]), timeless(&a["window"]), "{exam} vs {a}");
}

#[actix_rt::test]
async fn my_course_shows_the_window_overrides_and_fresh_attempts_of_a_re_take() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (exam, cohort_id) = exam_with_bkk_trainee(&app, &world).await;
    let exam_id = exam["id"].as_str().unwrap();
    let admin = &world.bkk_admin.token.clone();
    let t = &world.bkk_trainee.token.clone();
    let items = my_enrolments(&app, t).await;
    assert_eq!(items.len(), 1);
    let first_id = items[0]["id"].clone();

    // A branch-wide window tomorrow and the cohort's own in an hour: the
    // cohort's applies, upcoming, then open.
    let tomorrow = at(&app, Duration::days(1));
    let branch_wide = window(
        &app,
        admin,
        exam_id,
        json!({"opens_at": rfc(tomorrow), "closes_at": rfc(tomorrow + Duration::hours(3))}),
    )
    .await;
    let opens = at(&app, Duration::hours(1));
    let closes = at(&app, Duration::hours(4));
    let own = window(
        &app,
        admin,
        exam_id,
        json!({"cohort_id": cohort_id, "opens_at": rfc(opens), "closes_at": rfc(closes), "hard_end": true}),
    )
    .await;
    let e = exam_of(&my_enrolments(&app, t).await, &first_id);
    assert_eq!(e["window"]["id"], own["id"], "{e}");
    assert_eq!(e["window"]["status"], "upcoming", "{e}");
    agrees(&e, &availability(&app, t, exam_id).await);
    app.state.clock.advance(Duration::minutes(61));
    let admin = &app.login("BKK", &world.bkk_admin.email, PASSWORD).await;
    let t = &app.login("BKK", &world.bkk_trainee.email, PASSWORD).await;
    let e = exam_of(&my_enrolments(&app, t).await, &first_id);
    let w = &e["window"];
    assert_eq!(w["id"], own["id"], "{e}");
    assert_eq!(w["cohort_id"], cohort_id.as_str());
    assert_eq!(w["status"], "open");
    assert_eq!(w["branch"], "BKK");
    assert_eq!(w["time_zone"], "Asia/Bangkok");
    assert_eq!(w["hard_end"], true);
    assert_eq!(time(&w["opens_at"]), opens);
    assert_eq!(time(&w["closes_at"]), closes);
    assert!(w["opens_at_local"].as_str().unwrap().ends_with("+07:00"), "{w}");
    assert_eq!(time(&w["opens_at_local"]), opens);
    assert!(w["server_time"].is_string());
    assert_eq!(
        (
            e["max_attempts"].as_i64(),
            e["attempts_allowed"].as_i64(),
            e["attempts_used"].as_i64()
        ),
        (Some(2), Some(2), Some(0))
    );
    assert_eq!(
        (e["extra_minutes"].as_i64(), e["unlock_available"].as_bool()),
        (Some(0), Some(false))
    );
    agrees(&e, &availability(&app, t, exam_id).await);

    // Both attempts used and failed: none left.
    for _ in 0..2 {
        let (status, attempt) = start(&app, t, exam_id).await;
        assert_eq!(status, 201, "{attempt}");
        submit(&app, t, &attempt).await;
    }
    let e = exam_of(&my_enrolments(&app, t).await, &first_id);
    assert_eq!(
        (e["attempts_used"].as_i64(), e["attempts_left"].as_i64()),
        (Some(2), Some(0)),
        "{e}"
    );
    assert_eq!(e["best_result"]["passed"], false);

    // An override: one more attempt, extra time and an unlock.
    grant(
        &app,
        admin,
        exam_id,
        &world.bkk_trainee.id,
        json!({"extra_attempts": 1, "extra_minutes": 15, "unlock_window": true}),
    )
    .await;
    let e = exam_of(&my_enrolments(&app, t).await, &first_id);
    assert_eq!(
        (
            e["attempts_allowed"].as_i64(),
            e["attempts_used"].as_i64(),
            e["attempts_left"].as_i64()
        ),
        (Some(3), Some(2), Some(1)),
        "{e}"
    );
    assert_eq!(
        (e["extra_minutes"].as_i64(), e["unlock_available"].as_bool()),
        (Some(15), Some(true))
    );
    agrees(&e, &availability(&app, t, exam_id).await);

    // After the cohort's window: closed.
    app.state.clock.advance(Duration::hours(3));
    let admin = &app.login("BKK", &world.bkk_admin.email, PASSWORD).await;
    let t = &app.login("BKK", &world.bkk_trainee.email, PASSWORD).await;
    let e = exam_of(&my_enrolments(&app, t).await, &first_id);
    assert_eq!(e["window"]["status"], "closed", "{e}");

    // The re-take cohort has no window of its own: the branch's applies
    // (upcoming), and its enrolment starts with fresh attempts.
    app.clock_tick();
    let course_id = exam["course_id"].as_str().unwrap();
    let retake = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(admin)
        .json(json!({"course_id": course_id, "name": "C1 re-take", "starts_on": "2026-07-01", "ends_on": "2026-08-31", "capacity": 10}))
        .send()
        .await;
    assert_eq!(retake.status, 201, "{}", retake.text());
    let res = app
        .post(&format!("/api/v1/cohorts/{}/enrolments", retake.json()["id"].as_str().unwrap()))
        .token(admin)
        .json(json!({"user_id": world.bkk_trainee.id}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let second_id = res.json()["id"].clone();
    let items = my_enrolments(&app, t).await;
    assert_eq!(items.len(), 2);
    let fresh = exam_of(&items, &second_id);
    assert_eq!(
        (
            fresh["attempts_used"].as_i64(),
            fresh["attempts_allowed"].as_i64(),
            fresh["attempts_left"].as_i64()
        ),
        (Some(0), Some(3), Some(3)),
        "{fresh}"
    );
    assert_eq!(fresh["best_result"], Value::Null, "the old enrolment's result stays with it");
    assert_eq!(fresh["window"]["id"], branch_wide["id"], "{fresh}");
    assert_eq!(fresh["window"]["cohort_id"], Value::Null);
    assert_eq!(fresh["window"]["status"], "upcoming");
    let a = availability(&app, t, exam_id).await;
    assert_eq!(a["enrolment_id"], second_id);
    agrees(&fresh, &a);
    // The first enrolment keeps its own attempts, result and window.
    let old = exam_of(&items, &first_id);
    assert_eq!((old["attempts_used"].as_i64(), old["attempts_left"].as_i64()), (Some(2), Some(1)));
    assert_eq!(old["best_result"]["passed"], false);
    assert_eq!(old["window"]["id"], own["id"]);

    // The unlock lets the re-take start before its window; the page shows
    // the open attempt on both enrolments (a start would return it) and
    // counts it where it belongs.
    let (status, attempt) = start(&app, t, exam_id).await;
    assert_eq!(status, 201, "{attempt}");
    let items = my_enrolments(&app, t).await;
    let fresh = exam_of(&items, &second_id);
    assert_eq!(fresh["open_attempt"]["id"], attempt["id"], "{fresh}");
    assert_eq!(
        (fresh["attempts_used"].as_i64(), fresh["unlock_available"].as_bool()),
        (Some(1), Some(false))
    );
    assert_eq!(time(&attempt["deadline"]) - time(&attempt["started_at"]), Duration::minutes(45));
    let old = exam_of(&items, &first_id);
    assert_eq!(old["open_attempt"]["id"], attempt["id"]);
    assert_eq!(old["attempts_used"], 2);
}
