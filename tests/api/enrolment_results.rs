//! Issue 18: the exam results each enrolment keeps (graded attempts, best
//! percentage, passed, late-synced attempts) agree with its attempts after
//! a realistic flow — a failed then a passed attempt, certification and
//! revocation, an attempt graded at its deadline, answers synced late —
//! and the completion report counts from them what it counted from the
//! attempts.

use crate::support::certify::{Course, cohort, course};
use crate::support::exams::{options, right_answer, sync_all_right};
use crate::support::rows::set_all;
use crate::support::world::{PASSWORD, create_user};
use crate::support::{TestApp, World};
use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Query};
use serde_json::{Value, json};

/// (enrolment, graded attempts, best percent, passed, late-synced attempts)
type Facts = (uuid::Uuid, i32, Option<f64>, bool, i32);

/// Every enrolment's stored results, by id.
async fn stored(app: &TestApp) -> Vec<Facts> {
    let mut select = Query::select();
    for column in ["id", "graded_attempts", "best_percent", "exam_passed", "late_synced_attempts"] {
        select.column(Alias::new(column));
    }
    select
        .from(Alias::new("enrolments"))
        .order_by(Alias::new("id"), sea_orm::Order::Asc);
    let statement = app.state.db.get_database_backend().build(&select);
    let rows = app.state.db.query_all_raw(statement).await.unwrap();
    rows.iter()
        .map(|r| {
            (
                r.try_get_by_index(0).unwrap(),
                r.try_get_by_index(1).unwrap(),
                r.try_get_by_index(2).unwrap(),
                r.try_get_by_index(3).unwrap(),
                r.try_get_by_index(4).unwrap(),
            )
        })
        .collect()
}

async fn enrol(app: &TestApp, admin: &str, cohort: &str, user_id: &str) -> uuid::Uuid {
    let res = app
        .post(&format!("/api/v1/cohorts/{cohort}/enrolments"))
        .token(admin)
        .json(json!({"user_id": user_id}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["id"].as_str().unwrap().parse().unwrap()
}

async fn start(app: &TestApp, token: &str, c: &Course) -> Value {
    let res = app.post(&format!("/api/v1/exams/{}/attempts", c.exam_id)).token(token).send().await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

/// Starts an attempt, answers every question right (or none) and submits.
async fn sit(app: &TestApp, token: &str, c: &Course, right: bool) -> Value {
    let attempt = start(app, token, c).await;
    let id = attempt["id"].as_str().unwrap();
    if right {
        for q in attempt["questions"].as_array().unwrap() {
            let res = app
                .put(&format!("/api/v1/attempts/{id}/answers/{}", q["id"].as_str().unwrap()))
                .token(token)
                .json(json!({"selected": options(q, &right_answer(q))}))
                .send()
                .await;
            assert!(res.status < 300, "{}", res.text());
        }
    }
    let res = app.post(&format!("/api/v1/attempts/{id}/submit")).token(token).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

/// Every question answered right in one batch, given at `at`, all taken as
/// late-synced.
async fn sync_right(app: &TestApp, token: &str, attempt: &Value, at: DateTime<Utc>) {
    let statuses = sync_all_right(app, token, attempt, at).await;
    assert!(statuses.iter().all(|s| s == "late_synced"), "{statuses:?}");
}

#[actix_rt::test]
async fn results_kept_on_enrolments_agree_with_their_attempts() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let admin = &world.bkk_admin.token;
    let c = course(&app, &world, "ER-101", None).await;
    let group = cohort(&app, admin, &c, "Results").await;

    // A: fails, then passes (lessons done: completed and certified), and
    // headquarters revokes the certificate.
    let a = enrol(&app, admin, &group, &world.bkk_trainee.id).await;
    let t = &world.bkk_trainee.token;
    for lesson in c.course["lessons"].as_array().unwrap() {
        let path = format!("/api/v1/enrolments/{a}/lessons/{}/complete", lesson["id"].as_str().unwrap());
        assert_eq!(app.post(&path).token(t).send().await.status, 204);
    }
    assert_eq!(sit(&app, t, &c, false).await["passed"], false);
    let passed = sit(&app, t, &c, true).await;
    let certificate = passed["certificate_id"].as_str().unwrap_or_else(|| panic!("{passed}"));
    let res = app
        .post(&format!("/api/v1/certificates/{certificate}/revoke"))
        .token(&world.hq.token)
        .json(json!({"reason": "Exam taken by someone else"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());

    // B and C start an attempt and leave it open; D only enrols.
    let mut others = Vec::new();
    for n in ["b", "c", "d"] {
        let email = format!("{n}@results.test");
        let user = create_user(&app, admin, "BKK", &email, "trainee", "en", Some(PASSWORD)).await;
        others.push((enrol(&app, admin, &group, user["id"].as_str().unwrap()).await, email));
    }
    let b_token = app.login("BKK", &others[0].1, PASSWORD).await;
    start(&app, &b_token, &c).await;
    let c_token = app.login("BKK", &others[1].1, PASSWORD).await;
    let c_attempt = start(&app, &c_token, &c).await;
    // A minute past C's deadline, C's device syncs answers given before it
    // (late-synced, within the two-minute grace); then the sweep grades both.
    app.state.clock.advance(Duration::minutes(31));
    let c_token = app.login("BKK", &others[1].1, PASSWORD).await;
    let deadline: DateTime<Utc> = c_attempt["deadline"].as_str().unwrap().parse().unwrap();
    sync_right(&app, &c_token, &c_attempt, deadline - Duration::minutes(1)).await;
    app.state.clock.advance(Duration::minutes(3));
    assert_eq!(zhijiang::progress::sweep(&app.state).await.unwrap(), 2);

    let live = stored(&app).await;
    let of = |id: uuid::Uuid| *live.iter().find(|f| f.0 == id).unwrap();
    assert_eq!(of(a), (a, 2, Some(100.0), true, 0));
    let (b, c_id, d) = (others[0].0, others[1].0, others[2].0);
    assert_eq!(of(b), (b, 1, Some(0.0), false, 0), "graded at the deadline with nothing answered");
    assert_eq!(of(c_id), (c_id, 1, Some(100.0), true, 1));
    assert_eq!(of(d), (d, 0, None, false, 0));

    // The migration's backfill, derived from the attempts alone, agrees.
    set_all(&app, "enrolments", "graded_attempts", 0).await;
    set_all(&app, "enrolments", "best_percent", Option::<f64>::None).await;
    set_all(&app, "enrolments", "exam_passed", false).await;
    set_all(&app, "enrolments", "late_synced_attempts", 0).await;
    app.state
        .db
        .execute_unprepared(zhijiang_migrations::ENROLMENT_RESULTS_BACKFILL)
        .await
        .unwrap();
    assert_eq!(stored(&app).await, live);

    // The report counts them: the revoked certificate still counts as issued.
    let hq = app.login("HQ", &world.hq.email, PASSWORD).await;
    let res = app
        .get(&format!("/api/v1/reports/completion?course_id={}", c.id))
        .token(&hq)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let row = res.json()["items"][0].clone();
    let figures: Vec<Value> = [
        "enrolled",
        "completed",
        "certified",
        "examined",
        "passed",
        "scored",
        "late_synced_attempts",
        "pass_rate",
        "average_score",
    ]
    .iter()
    .map(|k| row[k].clone())
    .collect();
    assert_eq!(
        figures,
        vec![
            json!(4),
            json!(1),
            json!(1),
            json!(3),
            json!(2),
            json!(3),
            json!(1),
            json!(0.667),
            json!(66.7)
        ],
        "{row}"
    );
}
