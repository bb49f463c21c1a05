//! Issue 18, exact roll-ups: completion rows carry the counts behind every
//! rate, and the report groups by branch, course or month, in JSON and CSV.

use crate::reports::{cohort, trainee};
use crate::support::catalogue::published_course;
use crate::support::exams::published_exam;
use crate::support::{TestApp, World};
use serde_json::Value;

/// Two BKK cohorts and one HAN cohort of one course (as in the report
/// test): BKK-1 passed, passed, failed, withdrawn, enrolled; BKK-2 passed;
/// HAN-1 failed, withdrawn.
async fn scenario(app: &TestApp, world: &World) -> (String, String, String, String) {
    let course = published_course(app, &world.hq.token, "EV-HV-101", 1, &["BKK", "HAN"]).await;
    let exam = published_exam(app, &world.hq.token, course["id"].as_str().unwrap(), 4, false, false).await;
    let exam = exam["id"].as_str().unwrap().to_string();
    let bkk1 = cohort(app, &world.bkk_admin.token, "BKK", &course, "BKK-1").await;
    let bkk2 = cohort(app, &world.bkk_admin.token, "BKK", &course, "BKK-2").await;
    let han = cohort(app, &world.han_admin.token, "HAN", &course, "HAN-1").await;
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
            trainee(app, world, admin, branch, cohort, &course, &exam, n, outcome).await;
        }
    }
    (course["id"].as_str().unwrap().to_string(), bkk1, bkk2, han)
}

async fn report(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app.get(&format!("/api/v1/reports/completion?{query}")).token(token).send().await;
    assert_eq!(res.status, 200, "{query}: {}", res.text());
    res.json()
}

fn counts(row: &Value) -> Vec<i64> {
    [
        "enrolled",
        "active",
        "completed",
        "certified",
        "withdrawn",
        "examined",
        "passed",
        "scored",
        "late_synced_attempts",
    ]
    .iter()
    .map(|k| row[k].as_i64().unwrap_or_else(|| panic!("{k} in {row}")))
    .collect()
}

#[actix_rt::test]
async fn grouped_rows_are_exact_sums_of_the_cohort_rows() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (course_id, bkk1, bkk2, han) = scenario(&app, &world).await;
    let hq = &world.hq.token;

    let by_cohort = report(&app, hq, "").await;
    let rows = by_cohort["items"].as_array().unwrap();
    let row = |id: &str| rows.iter().find(|r| r["cohort_id"] == id).unwrap().clone();
    let (b1, b2, h) = (row(&bkk1), row(&bkk2), row(&han));
    assert_eq!(counts(&b1), vec![5, 2, 2, 2, 1, 3, 2, 3, 0]);
    assert_eq!(counts(&b2), vec![1, 0, 1, 1, 0, 1, 1, 1, 0]);
    assert_eq!(counts(&h), vec![2, 1, 0, 0, 1, 1, 0, 1, 0]);
    assert_eq!(b1["pass_rate"], 0.667);

    let by_branch = report(&app, hq, "group_by=branch").await;
    assert_eq!(by_branch["group_by"], "branch");
    let branches = by_branch["items"].as_array().unwrap();
    assert_eq!(branches.len(), 2);
    let bkk = &branches[0];
    assert_eq!((bkk["branch"].as_str(), bkk["cohorts"].as_i64()), (Some("BKK"), Some(2)));
    assert!(bkk["course_id"].is_null() && bkk["month"].is_null());
    let summed: Vec<i64> = counts(&b1).iter().zip(counts(&b2)).map(|(a, b)| a + b).collect();
    assert_eq!(counts(bkk), summed, "the BKK row is the sum of its cohorts");
    assert_eq!(bkk["pass_rate"], 0.75, "3 of the 4 who sat passed");
    assert_eq!(bkk["average_score"], 75.0, "best scores 100, 100, 0, 100");
    assert_eq!(branches[1]["branch"], "HAN");
    assert_eq!(counts(&branches[1]), counts(&h));

    let by_course = report(&app, hq, "group_by=course").await;
    let courses = by_course["items"].as_array().unwrap();
    assert_eq!(courses.len(), 1);
    assert_eq!(
        (courses[0]["course_id"].as_str(), courses[0]["course_code"].as_str()),
        (Some(course_id.as_str()), Some("EV-HV-101"))
    );
    assert_eq!(counts(&courses[0]), vec![8, 3, 3, 3, 2, 5, 3, 5, 0]);
    assert_eq!(courses[0]["pass_rate"], 0.6);

    let by_month = report(&app, hq, "group_by=month").await;
    let months = by_month["items"].as_array().unwrap();
    assert_eq!(months.len(), 1);
    assert_eq!(months[0]["month"], app.state.clock.now().format("%Y-%m").to_string());
    assert_eq!(months[0]["cohorts"], 3);
    assert_eq!(counts(&months[0]), counts(&courses[0]));
    assert!(
        report(&app, hq, "group_by=month&from=2099-01-01").await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // A branch admin's grouped report holds its own branch only.
    let own = report(&app, &world.bkk_admin.token, "group_by=course").await;
    assert_eq!(counts(&own["items"][0]), summed);
    let own = report(&app, &world.han_admin.token, "group_by=branch&branch=BKK").await;
    assert!(own["items"].as_array().unwrap().is_empty());

    // The same as CSV, headers in the caller's language.
    let csv = app
        .get("/api/v1/reports/completion?group_by=branch")
        .token(hq)
        .header("Accept", "text/csv")
        .header("Accept-Language", "vi")
        .send()
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text());
    assert_eq!(csv.header("content-language").as_deref(), Some("vi"));
    let text = String::from_utf8(csv.body[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("Cơ sở,Số lớp,"), "{}", lines[0]);
    assert!(
        lines[0].ends_with(",Số người dự thi,Số người thi đạt,Số người có điểm,Lượt thi có câu trả lời đồng bộ muộn"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("BKK,2,6,2,3,3,1,0.75,75,"), "{}", lines[1]);
    assert!(lines[1].ends_with(",4,3,4,0"), "{}", lines[1]);
    let cohort_csv = app
        .get("/api/v1/reports/completion")
        .token(hq)
        .header("Accept", "text/csv")
        .send()
        .await;
    let text = String::from_utf8(cohort_csv.body[3..].to_vec()).unwrap();
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with(",Sat the exam,Passed the exam,With a score,Attempts with late-synced answers"),
        "{text}"
    );
}

#[actix_rt::test]
async fn bad_report_parameters_are_localized_422s() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let hq = &world.hq.token;
    for (query, fields) in [
        ("group_by=region", vec!["group_by"]),
        ("group_by=", vec!["group_by"]),
        ("from=2026-13-01", vec!["from"]),
        ("to=2026-02-30", vec!["to"]),
        ("from=2026-06-01&to=2026-05-01", vec!["to"]),
        ("date_field=issued&group_by=week&from=x", vec!["from", "date_field", "group_by"]),
    ] {
        let res = app
            .get(&format!("/api/v1/reports/completion?{query}&lang=vi"))
            .token(hq)
            .send()
            .await;
        let doc = res.problem(422, "validation_failed");
        let got: Vec<&str> = doc["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(got, fields, "{query}: {doc}");
        assert_eq!(res.header("content-language").as_deref(), Some("vi"));
        assert!(doc["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // Lists still refuse huge pages.
    app.get("/api/v1/audit?limit=100000")
        .token(hq)
        .send()
        .await
        .problem(422, "validation_failed");
}

/// Each certificate with its enrolment's cohort: (certificate, enrolment, cohort).
async fn certificates(app: &TestApp) -> Vec<(uuid::Uuid, uuid::Uuid, uuid::Uuid)> {
    use sea_orm::ConnectionTrait;
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    let select = Query::select()
        .column((Alias::new("c"), Alias::new("id")))
        .column((Alias::new("c"), Alias::new("enrolment_id")))
        .column((Alias::new("e"), Alias::new("cohort_id")))
        .from_as(Alias::new("certificates"), Alias::new("c"))
        .join_as(
            sea_orm::sea_query::JoinType::InnerJoin,
            Alias::new("enrolments"),
            Alias::new("e"),
            Expr::col((Alias::new("e"), Alias::new("id"))).equals((Alias::new("c"), Alias::new("enrolment_id"))),
        )
        .to_owned();
    let statement = app.state.db.get_database_backend().build(&select);
    app.state
        .db
        .query_all_raw(statement)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get_by_index(0).unwrap(),
                r.try_get_by_index(1).unwrap(),
                r.try_get_by_index(2).unwrap(),
            )
        })
        .collect()
}

/// The median days from enrolment to certificate in every grouping: the
/// mean of the middle two for an even count, the middle one for an odd
/// count, whole seconds counted, rounded to a tenth of a day.
#[actix_rt::test]
async fn median_days_to_certificate_is_exact_in_every_grouping() {
    use crate::support::rows::set_column;
    use chrono::{DateTime, Duration};
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (_, bkk1, bkk2, _) = scenario(&app, &world).await;
    let hq = &world.hq.token;
    let enrolled = DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z").unwrap().to_utc();
    // BKK-1 (two certificates): 1 day and 0.9 s (whole seconds: 1 day), and
    // 4.5 days; BKK-2 (one): 3 days.
    let mut bkk1_waits = vec![Duration::days(1) + Duration::milliseconds(900), Duration::hours(108)];
    let certs = certificates(&app).await;
    assert_eq!(certs.len(), 3);
    for (certificate, enrolment, cohort) in certs {
        let wait = if cohort.to_string() == bkk1 {
            bkk1_waits.pop().unwrap()
        } else {
            assert_eq!(cohort.to_string(), bkk2);
            Duration::days(3)
        };
        set_column(&app, "enrolments", enrolment, "enrolled_at", enrolled).await;
        set_column(&app, "certificates", certificate, "issued_at", enrolled + wait).await;
    }

    let by_cohort = report(&app, hq, "").await;
    let median = |rows: &Value, key: &str, value: &str| {
        rows["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[key] == value)
            .unwrap_or_else(|| panic!("{key} {value} in {rows}"))["median_days_to_certificate"]
            .clone()
    };
    assert_eq!(median(&by_cohort, "cohort_id", &bkk1), 2.8, "(1 + 4.5) / 2 = 2.75");
    assert_eq!(median(&by_cohort, "cohort_id", &bkk2), 3.0);
    assert_eq!(median(&report(&app, hq, "group_by=branch").await, "branch", "BKK"), 3.0);
    assert_eq!(median(&report(&app, hq, "group_by=branch").await, "branch", "HAN"), Value::Null);
    assert_eq!(median(&report(&app, hq, "group_by=course").await, "course_code", "EV-HV-101"), 3.0);
    assert_eq!(median(&report(&app, hq, "group_by=month").await, "month", "2026-03"), 3.0);
    // Only BKK-1's certificates issued from the fourth day on: the 4.5 days.
    let late = report(&app, hq, "date_field=certified&from=2026-03-04&to=2026-03-10").await;
    assert_eq!(median(&late, "cohort_id", &bkk1), 4.5);
}
