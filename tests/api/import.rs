//! Issue 6: importing trainees by CSV.

use crate::support::catalogue::bkk_cohort;
use crate::support::smtp::SmtpSink;
use crate::support::{TestApp, World};
use serde_json::{Value, json};
use zhijiang::notifications::worker::Worker;

async fn import(app: &TestApp, token: &str, cohort: &str, body: &str) -> crate::support::Response {
    app.post(&format!("/api/v1/cohorts/{cohort}/enrolments/import"))
        .token(token)
        .header("Accept-Language", "th")
        .body("text/csv", body.to_string())
        .send()
        .await
}

#[actix_rt::test]
async fn good_rows_are_enrolled_bad_rows_reported_and_a_reimport_changes_nothing() {
    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(sink_dir.path().to_path_buf());
    let url = sink.url();
    let app = TestApp::with_config(|c| c.smtp_url = Some(url.into())).await;
    let world = World::build(&app).await;
    let cohort = bkk_cohort(&app, &world, 10).await;
    let file = "\u{feff}email,display_name,locale\r\n\
                somchai@bkk.test,\"Somchai, W.\",th\r\n\
                new.one@bkk.test,สมหญิง ใจดี,th\r\n\
                bad-email,X,th\r\n\
                new.two@bkk.test,\"Nguyễn \"\"Lan\"\"\",vi-VN\r\n\
                new.three@bkk.test,Li Lei,fr\r\n\
                NEW.ONE@bkk.test,Again,th\r\n\
                admin@bkk.test,The admin,th\r\n";
    let res = import(&app, &world.bkk_admin.token, &cohort, file).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let report = res.json();
    assert_eq!(report["created"], 2, "{report}");
    assert_eq!(report["enrolled"], 3);
    let failed: Vec<(i64, &str)> = report["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["row"].as_i64().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        failed,
        vec![
            (4, "invalid_email"),
            (6, "unknown_locale"),
            (7, "duplicate_in_file"),
            (8, "not_a_trainee")
        ]
    );
    assert_eq!(
        report["failed"][0]["message"], "แถว 4: อีเมลไม่ถูกต้อง",
        "messages in the response language"
    );
    // The same file again enrols nobody twice.
    let again = import(&app, &world.bkk_admin.token, &cohort, file).await.json();
    assert_eq!((again["created"].as_i64(), again["enrolled"].as_i64()), (Some(0), Some(0)));
    assert_eq!(again["skipped"].as_array().unwrap().len(), 3);
    let members = app
        .get(&format!("/api/v1/cohorts/{cohort}/enrolments"))
        .token(&world.bkk_admin.token)
        .send()
        .await
        .json();
    assert_eq!(members["items"].as_array().unwrap().len(), 3);
    // New trainees are invited in their own language.
    Worker::new(app.state.clone()).unwrap().drain_once().await.unwrap();
    let messages = sink.wait_for(2);
    let vi = messages
        .iter()
        .find(|m| m["rcpt_tos"][0] == "new.two@bkk.test")
        .expect("invitation");
    assert!(
        vi["subject"].as_str().unwrap().starts_with("Tài khoản Zhijiang"),
        "{}",
        vi["subject"]
    );
    let th = messages
        .iter()
        .find(|m| m["rcpt_tos"][0] == "new.one@bkk.test")
        .expect("invitation");
    assert!(th["subject"].as_str().unwrap().starts_with("บัญชี Zhijiang"));
}

#[actix_rt::test]
async fn bad_files_are_4xx_problems_and_scopes_hold() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let cohort = bkk_cohort(&app, &world, 10).await;
    let t = &world.bkk_admin.token;
    let garbage = app
        .post(&format!("/api/v1/cohorts/{cohort}/enrolments/import"))
        .token(t)
        .body("text/csv", vec![0u8, 159, 146, 150, 255, 0])
        .send()
        .await;
    garbage.problem(400, "csv_not_text");
    import(&app, t, &cohort, "name,mail\nx,y\n").await.problem(400, "csv_bad_header");
    import(&app, t, &cohort, "email,display_name,locale\n")
        .await
        .problem(400, "csv_empty");
    app.post(&format!("/api/v1/cohorts/{cohort}/enrolments/import"))
        .token(t)
        .json(json!({"email": "x"}))
        .send()
        .await
        .problem(415, "unsupported_media_type");
    import(&app, &world.han_admin.token, &cohort, "email,display_name,locale\na@b.th,A,th\n")
        .await
        .problem(404, "not_found");
    import(&app, &world.bkk_trainee.token, &cohort, "email,display_name,locale\na@b.th,A,th\n")
        .await
        .problem(403, "forbidden");
}

#[actix_rt::test]
async fn a_full_cohort_fails_the_rows_beyond_capacity() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let cohort = bkk_cohort(&app, &world, 2).await;
    let res = import(
        &app,
        &world.bkk_admin.token,
        &cohort,
        "email,display_name,locale\na@x.th,A,th\nb@x.th,B,th\nc@x.th,C,th\n",
    )
    .await
    .json();
    assert_eq!(res["enrolled"], 2);
    assert_eq!(res["failed"][0]["code"], "cohort_full");
    assert_eq!(res["failed"][0]["row"], 4);
    let c = app
        .get(&format!("/api/v1/cohorts/{cohort}"))
        .token(&world.bkk_admin.token)
        .send()
        .await
        .json();
    assert_eq!(c["seats_left"], 0);
}

#[actix_rt::test]
async fn five_thousand_rows_import_in_one_request() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let cohort = bkk_cohort(&app, &world, 6000).await;
    let mut file = String::from("email,display_name,locale\n");
    for i in 0..5000 {
        file.push_str(&format!("trainee{i}@bkk.test,ผู้เรียน {i},th\n"));
    }
    let started = std::time::Instant::now();
    let res = import(&app, &world.bkk_admin.token, &cohort, &file).await;
    eprintln!("5,000-row import took {:?}", started.elapsed());
    assert_eq!(res.status, 200, "{}", res.text());
    let report: Value = res.json();
    assert_eq!((report["created"].as_i64(), report["enrolled"].as_i64()), (Some(5000), Some(5000)));
    let c = app
        .get(&format!("/api/v1/cohorts/{cohort}"))
        .token(&world.bkk_admin.token)
        .send()
        .await
        .json();
    assert_eq!(c["enrolled"], 5000);
}
