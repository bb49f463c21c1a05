//! Issue 15: exam windows per cohort or per branch, in the branch's time
//! zone, managed by branch admins for their own branch; starts outside a
//! window are refused with when it opens.

use crate::support::windows::{ExamDay, at, exam_day, rfc, start, submit, time, window};
use crate::support::world::PASSWORD;
use crate::support::{TestApp, World};
use chrono::{Datelike as _, Duration};
use serde_json::{Value, json};

/// Fresh tokens after the clock moved past their expiry: (BKK admin, BKK trainee).
async fn tokens(app: &TestApp, world: &World) -> (String, String) {
    (
        app.login("BKK", &world.bkk_admin.email, PASSWORD).await,
        app.login("BKK", &world.bkk_trainee.email, PASSWORD).await,
    )
}

async fn count_windows(app: &TestApp, token: &str, exam_id: &str) -> usize {
    let res = app.get(&format!("/api/v1/exams/{exam_id}/windows")).token(token).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["items"].as_array().unwrap().len()
}

#[actix_rt::test]
async fn a_start_is_refused_before_and_after_the_window_and_admitted_inside_it() {
    let app = TestApp::new().await;
    let s = exam_day(&app).await;
    let (opens, closes) = (at(&app, Duration::hours(1)), at(&app, Duration::hours(4)));
    let w = window(
        &app,
        &s.world.bkk_admin.token,
        &s.exam_id,
        json!({"cohort_id": s.cohort_id, "opens_at": rfc(opens), "closes_at": rfc(closes)}),
    )
    .await;
    assert_eq!(time(&w["opens_at"]), opens);
    assert_eq!(time(&w["closes_at"]), closes);
    assert_eq!(w["time_zone"], "Asia/Bangkok");
    assert_eq!(w["branch"], "BKK");
    assert_eq!(w["hard_end"], false);
    assert_eq!(w["status"], "upcoming");
    assert!(w["opens_at_local"].as_str().unwrap().ends_with("+07:00"), "{w}");
    let local = opens.with_timezone(&chrono_tz::Asia::Bangkok);
    assert_eq!(w["opens_at_local"], local.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    assert!(w["server_time"].is_string());

    // Before: 409 with when it opens, the message naming the local time.
    let res = app
        .post(&format!("/api/v1/exams/{}/attempts", s.exam_id))
        .token(&s.world.bkk_trainee.token)
        .header("Accept-Language", "en")
        .send()
        .await;
    let doc = res.problem(409, "exam_not_open_yet");
    assert_eq!(time(&doc["opens_at"]), opens);
    assert_eq!(doc["time_zone"], "Asia/Bangkok");
    assert!(doc["server_time"].is_string());
    // The local time as the reader writes it (CLDR): the English month
    // name and the year; in Thai the Buddhist-era year.
    let detail = doc["detail"].as_str().unwrap();
    assert!(detail.contains(&local.format("%B").to_string()), "{doc}");
    assert!(detail.contains(&local.year().to_string()), "{doc}");
    assert!(!detail.contains(&local.format("%Y-%m-%d").to_string()), "{doc}");
    assert!(doc["detail"].as_str().unwrap().contains("Asia/Bangkok"), "{doc}");
    let th = app
        .post(&format!("/api/v1/exams/{}/attempts", s.exam_id))
        .token(&s.world.bkk_trainee.token)
        .header("Accept-Language", "th")
        .send()
        .await
        .problem(409, "exam_not_open_yet");
    assert_eq!(th["title"], "ยังไม่เปิดสอบ");
    assert!(th["detail"].as_str().unwrap().contains(&(local.year() + 543).to_string()), "{th}");
    let availability = app
        .get(&format!("/api/v1/exams/{}/availability", s.exam_id))
        .token(&s.world.bkk_trainee.token)
        .send()
        .await;
    assert_eq!(availability.status, 200, "{}", availability.text());
    let availability = availability.json();
    assert_eq!(availability["open_now"], false);
    assert_eq!(availability["window"]["id"], w["id"]);
    assert_eq!(availability["attempts_left"], 2);

    // Inside: a soft end keeps the full 30 minutes.
    app.state.clock.advance(Duration::hours(2));
    let (_, trainee) = tokens(&app, &s.world).await;
    let (status, attempt) = start(&app, &trainee, &s.exam_id).await;
    assert_eq!(status, 201, "{attempt}");
    assert_eq!(time(&attempt["deadline"]) - time(&attempt["started_at"]), Duration::minutes(30));
    submit(&app, &trainee, &attempt).await;

    // After: closed, with the window in the problem.
    app.state.clock.advance(Duration::hours(3));
    let (_, trainee) = tokens(&app, &s.world).await;
    let (status, doc) = start(&app, &trainee, &s.exam_id).await;
    assert_eq!((status, doc["code"].as_str()), (409, Some("exam_window_closed")), "{doc}");
    assert_eq!(time(&doc["opens_at"]), opens);
    assert_eq!(time(&doc["closes_at"]), closes);
}

#[actix_rt::test]
async fn a_hard_end_caps_the_deadline_and_a_soft_end_does_not() {
    let app = TestApp::new().await;
    let s = exam_day(&app).await;
    let closes = at(&app, Duration::minutes(10));
    let w = window(
        &app,
        &s.world.bkk_admin.token,
        &s.exam_id,
        json!({"cohort_id": s.cohort_id, "opens_at": rfc(at(&app, -Duration::hours(1))), "closes_at": rfc(closes), "hard_end": true}),
    )
    .await;
    assert_eq!(w["status"], "open");
    let (status, attempt) = start(&app, &s.world.bkk_trainee.token, &s.exam_id).await;
    assert_eq!(status, 201, "{attempt}");
    assert_eq!(time(&attempt["deadline"]), closes, "a hard end cuts the 30 minutes short");
    submit(&app, &s.world.bkk_trainee.token, &attempt).await;

    let path = format!("/api/v1/exams/{}/windows/{}", s.exam_id, w["id"].as_str().unwrap());
    let res = app
        .patch(&path)
        .token(&s.world.bkk_admin.token)
        .json(json!({"hard_end": false}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["hard_end"], false);
    let (status, attempt) = start(&app, &s.world.bkk_trainee.token, &s.exam_id).await;
    assert_eq!(status, 201, "{attempt}");
    assert_eq!(time(&attempt["deadline"]) - time(&attempt["started_at"]), Duration::minutes(30));
    assert!(time(&attempt["deadline"]) > closes);
}

#[actix_rt::test]
async fn a_cohorts_own_window_beats_its_branchs_window() {
    let app = TestApp::new().await;
    let s = exam_day(&app).await;
    let admin = &s.world.bkk_admin.token;
    // Branch-wide (no cohort: the admin's own branch): open now.
    let branch_wide = window(
        &app,
        admin,
        &s.exam_id,
        json!({"opens_at": rfc(at(&app, -Duration::hours(1))), "closes_at": rfc(at(&app, Duration::hours(2)))}),
    )
    .await;
    assert_eq!(branch_wide["cohort_id"], Value::Null);
    assert_eq!(branch_wide["branch"], "BKK");
    // The cohort's own: tomorrow.
    let tomorrow = at(&app, Duration::days(1));
    let own = window(
        &app,
        admin,
        &s.exam_id,
        json!({"cohort_id": s.cohort_id, "opens_at": rfc(tomorrow), "closes_at": rfc(tomorrow + Duration::hours(3))}),
    )
    .await;
    let (status, doc) = start(&app, &s.world.bkk_trainee.token, &s.exam_id).await;
    assert_eq!((status, doc["code"].as_str()), (409, Some("exam_not_open_yet")), "{doc}");
    assert_eq!(time(&doc["opens_at"]), tomorrow);
    // Without the cohort's own window, the branch's governs.
    let path = format!("/api/v1/exams/{}/windows/{}", s.exam_id, own["id"].as_str().unwrap());
    assert_eq!(app.delete(&path).token(admin).send().await.status, 204);
    assert_eq!(app.get(&path).token(admin).send().await.status, 404);
    let (status, attempt) = start(&app, &s.world.bkk_trainee.token, &s.exam_id).await;
    assert_eq!(status, 201, "{attempt}");
    // Every change is audited.
    let audit = app
        .get("/api/v1/audit?action=exam_window.delete")
        .token(&s.world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(audit["items"].as_array().unwrap().len(), 1, "{audit}");
    assert_eq!(audit["items"][0]["record_id"], own["id"]);
    let audit = app
        .get("/api/v1/audit?action=exam_window.create")
        .token(&s.world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(audit["items"].as_array().unwrap().len(), 2, "{audit}");
}

#[actix_rt::test]
async fn local_times_are_read_in_the_branchs_time_zone() {
    let app = TestApp::new().await;
    let s = exam_day(&app).await;
    let bkk = chrono_tz::Asia::Bangkok;
    // "Saturday 09:00-12:00 Bangkok time", written as a local date-time.
    let day = (app.state.clock.now() + Duration::days(3)).with_timezone(&bkk).date_naive();
    let w = window(
        &app,
        &s.world.bkk_admin.token,
        &s.exam_id,
        json!({"cohort_id": s.cohort_id, "opens_at": format!("{day}T09:00"), "closes_at": format!("{day} 12:00:00")}),
    )
    .await;
    assert_eq!(w["opens_at"], format!("{day}T02:00:00Z"));
    assert_eq!(w["closes_at"], format!("{day}T05:00:00Z"));
    assert_eq!(w["opens_at_local"], format!("{day}T09:00:00+07:00"));
    assert_eq!(w["closes_at_local"], format!("{day}T12:00:00+07:00"));
    // An explicit offset is an exact instant, whatever the branch's zone.
    let path = format!("/api/v1/exams/{}/windows/{}", s.exam_id, w["id"].as_str().unwrap());
    let res = app
        .patch(&path)
        .token(&s.world.bkk_admin.token)
        .json(json!({"opens_at": format!("{day}T08:30:00+08:00"), "closes_at": format!("{day}T06:00:00Z")}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let w = res.json();
    assert_eq!(w["opens_at"], format!("{day}T00:30:00Z"));
    assert_eq!(w["opens_at_local"], format!("{day}T07:30:00+07:00"));
    assert_eq!(w["closes_at_local"], format!("{day}T13:00:00+07:00"));
    // HQ sets a branch-wide window for HAN (Asia/Ho_Chi_Minh) by naming it.
    let han = window(
        &app,
        &s.world.hq.token,
        &s.exam_id,
        json!({"branch": "HAN", "opens_at": format!("{day}T09:00"), "closes_at": format!("{day}T12:00")}),
    )
    .await;
    assert_eq!(han["branch"], "HAN");
    assert_eq!(han["time_zone"], "Asia/Ho_Chi_Minh");
    assert_eq!(han["opens_at"], format!("{day}T02:00:00Z"));
}

#[actix_rt::test]
async fn bad_windows_are_refused_field_by_field_and_nothing_is_stored() {
    let app = TestApp::new().await;
    let s = exam_day(&app).await;
    let admin = s.world.bkk_admin.token.clone();
    let path = format!("/api/v1/exams/{}/windows", s.exam_id);
    let now = at(&app, Duration::zero());
    let cases = [
        (
            json!({"cohort_id": s.cohort_id, "opens_at": rfc(now), "closes_at": rfc(now)}),
            "closes_at",
            "closes_before_opens",
        ),
        (
            json!({"cohort_id": s.cohort_id, "opens_at": rfc(now), "closes_at": rfc(now - Duration::hours(1))}),
            "closes_at",
            "closes_before_opens",
        ),
        (
            json!({"cohort_id": s.cohort_id, "opens_at": rfc(now), "closes_at": rfc(now + Duration::days(400))}),
            "closes_at",
            "window_too_long",
        ),
        (
            json!({"cohort_id": s.cohort_id, "opens_at": rfc(now + Duration::days(3650)), "closes_at": rfc(now + Duration::days(3651))}),
            "opens_at",
            "too_far_from_now",
        ),
        (
            json!({"cohort_id": s.cohort_id, "opens_at": "next Saturday", "closes_at": rfc(now)}),
            "opens_at",
            "invalid_date_time",
        ),
        (
            json!({"cohort_id": s.cohort_id, "opens_at": rfc(now), "closes_at": "2026-02-30T09:00"}),
            "closes_at",
            "invalid_date_time",
        ),
        (
            json!({"cohort_id": s.cohort_id, "opens_at": "+275760-09-13T00:00:00Z", "closes_at": rfc(now)}),
            "opens_at",
            "invalid_date_time",
        ),
    ];
    for (body, field, code) in cases {
        let res = app
            .post(&path)
            .token(&admin)
            .header("Accept-Language", "vi")
            .json(body.clone())
            .send()
            .await;
        let doc = res.problem(422, "validation_failed");
        let errors = doc["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["code"] == code && !e["message"].as_str().unwrap().is_empty()),
            "{body}: {doc}"
        );
    }
    // A cohort of another branch: as if it did not exist.
    let han_cohort = app
        .post("/api/v1/branches/HAN/cohorts")
        .token(&s.world.han_admin.token)
        .json(json!({"course_id": enrolled_course(&app, &s).await, "name": "H1", "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": 5}))
        .send()
        .await
        .json();
    let body = json!({"cohort_id": han_cohort["id"], "opens_at": rfc(now), "closes_at": rfc(now + Duration::hours(1))});
    app.post(&path).token(&admin).json(body).send().await.problem(404, "not_found");
    // A cohort of another course than the exam's.
    let other = crate::support::catalogue::published_course(&app, &s.world.hq.token, "EV-LV-102", 1, &["BKK"]).await;
    let other_cohort = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(&admin)
        .json(json!({"course_id": other["id"], "name": "O1", "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": 5}))
        .send()
        .await
        .json();
    let body = json!({"cohort_id": other_cohort["id"], "opens_at": rfc(now), "closes_at": rfc(now + Duration::hours(1))});
    let doc = app
        .post(&path)
        .token(&admin)
        .json(body)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["field"], "cohort_id");
    assert_eq!(doc["errors"][0]["code"], "cohort_other_course");
    // Headquarters must say which branch a branch-wide window is for.
    let body = json!({"opens_at": rfc(now), "closes_at": rfc(now + Duration::hours(1))});
    let doc = app
        .post(&path)
        .token(&s.world.hq.token)
        .json(body)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["field"], "branch");
    // A branch admin naming another branch: 404.
    let body = json!({"branch": "HAN", "opens_at": rfc(now), "closes_at": rfc(now + Duration::hours(1))});
    app.post(&path).token(&admin).json(body).send().await.problem(404, "not_found");
    // Unknown fields and wrong types are 4xx problems too.
    let body = json!({"opens_at": rfc(now), "closes_at": rfc(now + Duration::hours(1)), "hard_end": "yes"});
    assert_eq!(app.post(&path).token(&admin).json(body).send().await.status / 100, 4);
    assert_eq!(count_windows(&app, &s.world.hq.token, &s.exam_id).await, 0, "nothing stored");
    // One window per cohort: a second is a conflict, not a second row.
    let body = json!({"cohort_id": s.cohort_id, "opens_at": rfc(now), "closes_at": rfc(now + Duration::hours(1))});
    window(&app, &admin, &s.exam_id, body.clone()).await;
    app.post(&path).token(&admin).json(body).send().await.problem(409, "window_exists");
    assert_eq!(count_windows(&app, &s.world.hq.token, &s.exam_id).await, 1);
}

/// The course of the setup's exam.
async fn enrolled_course(app: &TestApp, s: &ExamDay) -> String {
    let exam = app
        .get(&format!("/api/v1/exams/{}", s.exam_id))
        .token(&s.world.hq.token)
        .send()
        .await
        .json();
    exam["course_id"].as_str().unwrap().to_string()
}

#[actix_rt::test]
async fn windows_belong_to_their_branch() {
    let app = TestApp::new().await;
    let s = exam_day(&app).await;
    let now = at(&app, Duration::zero());
    let times = json!({"opens_at": rfc(now), "closes_at": rfc(now + Duration::hours(1))});
    let mut bkk_body = times.clone();
    bkk_body["cohort_id"] = json!(s.cohort_id);
    let bkk = window(&app, &s.world.bkk_admin.token, &s.exam_id, bkk_body).await;
    window(&app, &s.world.han_admin.token, &s.exam_id, times.clone()).await;
    let path = format!("/api/v1/exams/{}/windows/{}", s.exam_id, bkk["id"].as_str().unwrap());
    let han = &s.world.han_admin.token;
    // HAN's admin sees only HAN's window and cannot touch BKK's.
    assert_eq!(count_windows(&app, han, &s.exam_id).await, 1);
    app.get(&path).token(han).send().await.problem(404, "not_found");
    app.patch(&path)
        .token(han)
        .json(json!({"hard_end": true}))
        .send()
        .await
        .problem(404, "not_found");
    app.delete(&path).token(han).send().await.problem(404, "not_found");
    // HQ sees both; BKK's admin sees BKK's.
    assert_eq!(count_windows(&app, &s.world.hq.token, &s.exam_id).await, 2);
    assert_eq!(count_windows(&app, &s.world.bkk_admin.token, &s.exam_id).await, 1);
    let filtered = app
        .get(&format!("/api/v1/exams/{}/windows?cohort_id={}", s.exam_id, s.cohort_id))
        .token(&s.world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(filtered["items"].as_array().unwrap().len(), 1);
    // Trainees do not manage windows.
    let res = app
        .get(&format!("/api/v1/exams/{}/windows", s.exam_id))
        .token(&s.world.bkk_trainee.token)
        .send()
        .await;
    res.problem(403, "forbidden");
    // HQ may change BKK's window; the change is audited with before and after.
    let res = app
        .patch(&path)
        .token(&s.world.hq.token)
        .json(json!({"hard_end": true}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let audit = app
        .get("/api/v1/audit?action=exam_window.update")
        .token(&s.world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(audit["items"][0]["details"]["after"]["hard_end"], true, "{audit}");
}
