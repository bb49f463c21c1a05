//! Issue 8: certificates issued once, emailed, verifiable by anyone.

use crate::support::catalogue::published_course;
use crate::support::exams::{options, published_exam, right_answer};
use crate::support::smtp::SmtpSink;
use crate::support::world::create_user;
use crate::support::{TestApp, World};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use zhijiang::notifications::worker::Worker;

struct Course {
    course: Value,
    exam_id: String,
    cohort_id: String,
}

async fn course(app: &TestApp, world: &World) -> Course {
    let course = published_course(app, &world.hq.token, "EV-HV-101", 1, &["BKK", "HAN"]).await;
    let course_id = course["id"].as_str().unwrap().to_string();
    let exam = published_exam(app, &world.hq.token, &course_id, 4, false, true).await;
    let cohort = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(&world.bkk_admin.token)
        .json(json!({"course_id": course_id, "name": "C1", "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": 30}))
        .send()
        .await
        .json();
    Course {
        course,
        exam_id: exam["id"].as_str().unwrap().to_string(),
        cohort_id: cohort["id"].as_str().unwrap().to_string(),
    }
}

/// Enrols `user_id`, completes the lesson and starts and answers the exam
/// right; returns the attempt id (not yet submitted).
async fn ready_to_pass(app: &TestApp, world: &World, c: &Course, user_id: &str, token: &str) -> String {
    let e = app
        .post(&format!("/api/v1/cohorts/{}/enrolments", c.cohort_id))
        .token(&world.bkk_admin.token)
        .json(json!({"user_id": user_id}))
        .send()
        .await;
    assert_eq!(e.status, 201, "{}", e.text());
    let eid = e.json()["id"].as_str().unwrap().to_string();
    for lesson in c.course["lessons"].as_array().unwrap() {
        app.post(&format!(
            "/api/v1/enrolments/{eid}/lessons/{}/complete",
            lesson["id"].as_str().unwrap()
        ))
        .token(token)
        .send()
        .await;
    }
    let attempt = app
        .post(&format!("/api/v1/exams/{}/attempts", c.exam_id))
        .token(token)
        .header("Accept-Language", "en")
        .send()
        .await
        .json();
    let id = attempt["id"].as_str().unwrap().to_string();
    for q in attempt["questions"].as_array().unwrap() {
        let selected = options(q, &right_answer(q));
        app.put(&format!("/api/v1/attempts/{id}/answers/{}", q["id"].as_str().unwrap()))
            .token(token)
            .json(json!({"selected": selected}))
            .send()
            .await;
    }
    id
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".into())
}

#[actix_rt::test]
async fn passing_certifies_once_emails_and_verifies_everywhere() {
    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(sink_dir.path().to_path_buf());
    let url = sink.url();
    let app = TestApp::with_config(|c| c.smtp_url = Some(url.into())).await;
    let world = World::build(&app).await;
    let c = course(&app, &world).await;
    let t = &world.bkk_trainee.token;
    let attempt = ready_to_pass(&app, &world, &c, &world.bkk_trainee.id, t).await;
    let result = app.post(&format!("/api/v1/attempts/{attempt}/submit")).token(t).send().await.json();
    assert_eq!(result["passed"], true);
    let cert_id = result["certificate_id"].as_str().expect("certified").to_string();

    let mine = app.get("/api/v1/users/me/certificates").token(t).send().await.json();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let cert = &mine["items"][0];
    assert_eq!(cert["id"], cert_id.as_str());
    let code = cert["code"].as_str().unwrap().to_string();
    assert!(code.starts_with("BKK-") && code.len() == 13, "{code}");
    assert_eq!(cert["status"], "valid");

    // The email, in the trainee's own language (Thai), with the link.
    Worker::new(app.state.clone()).unwrap().drain_once().await.unwrap();
    let messages = sink.wait_for(1);
    let m = messages
        .iter()
        .find(|m| m["rcpt_tos"][0] == "somchai@bkk.test")
        .expect("certificate email");
    assert!(m["subject"].as_str().unwrap().starts_with("คุณได้รับใบรับรอง"), "{}", m["subject"]);
    assert!(m["text"].as_str().unwrap().contains(&format!("http://zhijiang.test/verify/{code}")));
    assert!(m["html"].as_str().unwrap().contains(&code));

    // Public JSON check, no account needed; the code is forgiving of case and look-alikes.
    let loose = code.to_lowercase().replace('0', "o");
    let res = app
        .get(&format!("/verify/{loose}"))
        .header("Accept", "application/json")
        .header("Accept-Language", "vi")
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let v = res.json();
    assert_eq!(v["code"], code.as_str());
    assert_eq!(v["status"], "valid");
    assert_eq!(v["holder_name"], "trainee of BKK");
    assert_eq!(v["course_title"], "An toàn điện cao áp xe điện");
    assert_eq!(v["branch"], "BKK");
    assert!(v["issued_at"].as_str().unwrap().ends_with('Z'));

    // The HTML page: bilingual, with a QR code, no scripts or outside assets.
    let page = app.get(&format!("/verify/{code}")).header("Accept-Language", "th").send().await;
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    let html = page.text();
    assert!(html.contains("trainee of BKK"));
    assert!(
        html.contains("新能源汽车高压安全") && html.contains("ความปลอดภัยระบบไฟฟ้าแรงสูงของรถยนต์ไฟฟ้า"),
        "Chinese and Thai side by side"
    );
    assert!(html.contains("<svg") && !html.contains("<script"));
    assert!(html.contains("2569"), "Thai pages show the Buddhist Era year");

    // The credential verifies with the branch's credential JWKS in an independent library.
    let credential = app.get(&format!("/api/v1/certificates/{cert_id}/credential")).token(t).send().await;
    assert_eq!(credential.status, 200);
    assert_eq!(credential.header("content-type").as_deref(), Some("application/vc+jwt"));
    let dir = tempfile::tempdir().unwrap();
    let check = |token: &str, jwks: &Value| -> Value {
        std::fs::write(dir.path().join("token"), token).unwrap();
        std::fs::write(dir.path().join("jwks.json"), jwks.to_string()).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/verify_vc.py");
        let out = Command::new(python())
            .arg(script)
            .arg(dir.path().join("jwks.json"))
            .arg(dir.path().join("token"))
            .output()
            .expect("python3 with PyJWT");
        assert!(
            out.status.success(),
            "PyJWT refused the credential: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let jwks = app.get("/issuers/BKK/jwks.json").send().await.json();
    let checked = check(&credential.text(), &jwks);
    assert_eq!(checked["header"]["typ"], "vc+jwt");
    assert_eq!(checked["header"]["alg"], "ES256");
    let payload = &checked["payload"];
    assert_eq!(payload["type"], json!(["VerifiableCredential", "OpenBadgeCredential"]));
    assert_eq!(payload["@context"][0], "https://www.w3.org/ns/credentials/v2");
    assert!(payload["@context"][1].as_str().unwrap().contains("ob/v3p0"));
    assert_eq!(payload["credentialSubject"]["achievement"]["type"], json!(["Achievement"]));
    assert!(payload["validFrom"].is_string());
    assert_eq!(payload["credentialStatus"]["type"], "BitstringStatusListEntry");
    assert_eq!(
        payload["credentialStatus"]["statusListCredential"],
        "http://zhijiang.test/issuers/BKK/status-lists/1"
    );
    // After a rotation of the token keys and of the credential key, the
    // earlier credential still verifies (retired credential keys stay published).
    app.post("/api/v1/branches/BKK/keys/rotate").token(&world.hq.token).send().await;
    let rotated = app
        .post("/api/v1/branches/BKK/credential-keys/rotate")
        .token(&world.hq.token)
        .send()
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text());
    let jwks = app.get("/issuers/BKK/jwks.json").send().await.json();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
    check(&credential.text(), &jwks);
    // A forged credential does not.
    let mut forged = credential.text();
    forged.insert(forged.len() - 5, 'A');
    std::fs::write(dir.path().join("token"), &forged).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/verify_vc.py");
    let out = Command::new(python())
        .arg(script)
        .arg(dir.path().join("jwks.json"))
        .arg(dir.path().join("token"))
        .output()
        .unwrap();
    assert!(!out.status.success());

    // Finishing again certifies nobody twice.
    assert_eq!(
        app.post(&format!("/api/v1/attempts/{attempt}/submit")).token(t).send().await.json()["certificate_id"],
        cert_id.as_str()
    );
    let all = app.get("/api/v1/certificates").token(&world.hq.token).send().await.json();
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
}

#[actix_rt::test]
async fn a_double_submit_race_issues_exactly_one_certificate() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let c = course(&app, &world).await;
    let t = &world.bkk_trainee.token;
    let attempt = ready_to_pass(&app, &world, &c, &world.bkk_trainee.id, t).await;
    let path = format!("/api/v1/attempts/{attempt}/submit");
    let (a, b) = tokio::join!(app.post(&path).token(t).send(), app.post(&path).token(t).send());
    assert_eq!((a.status, b.status), (200, 200), "{} / {}", a.text(), b.text());
    assert_eq!(a.json(), b.json());
    let certs = app.get("/api/v1/certificates").token(&world.hq.token).send().await.json();
    assert_eq!(certs["items"].as_array().unwrap().len(), 1);
    use sea_orm::{EntityTrait, PaginatorTrait};
    let emails = zhijiang::notifications::entity::Entity::find().count(&app.state.db).await.unwrap();
    assert_eq!(emails, 1, "one certificate email");
}

#[actix_rt::test]
async fn certificate_emails_arrive_in_each_trainees_language() {
    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(sink_dir.path().to_path_buf());
    let url = sink.url();
    let app = TestApp::with_config(|c| c.smtp_url = Some(url.into())).await;
    let world = World::build(&app).await;
    let c = course(&app, &world).await;
    let subjects = [
        ("zh-CN", "您已获得证书"),
        ("en", "Certified:"),
        ("th", "คุณได้รับใบรับรอง"),
        ("vi", "Bạn đã được cấp chứng chỉ"),
    ];
    for (locale, _) in subjects {
        let email = format!("{}@bkk.test", locale.to_lowercase());
        let user = create_user(
            &app,
            &world.bkk_admin.token,
            "BKK",
            &email,
            "trainee",
            locale,
            Some("long enough pw"),
        )
        .await;
        let token = app.login("BKK", &email, "long enough pw").await;
        let attempt = ready_to_pass(&app, &world, &c, user["id"].as_str().unwrap(), &token).await;
        let r = app
            .post(&format!("/api/v1/attempts/{attempt}/submit"))
            .token(&token)
            .send()
            .await
            .json();
        assert!(r["certificate_id"].is_string());
    }
    Worker::new(app.state.clone()).unwrap().drain_once().await.unwrap();
    let messages = sink.wait_for(4);
    for (locale, subject) in subjects {
        let to = format!("{}@bkk.test", locale.to_lowercase());
        let m = messages
            .iter()
            .find(|m| m["rcpt_tos"][0] == to.as_str())
            .unwrap_or_else(|| panic!("no email for {locale}"));
        assert!(m["subject"].as_str().unwrap().starts_with(subject), "{locale}: {}", m["subject"]);
        assert!(m["text"].as_str().unwrap().contains("/verify/BKK-"));
    }
}

#[actix_rt::test]
async fn revocation_shows_at_once_and_scopes_hold() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let c = course(&app, &world).await;
    let t = &world.bkk_trainee.token;
    let attempt = ready_to_pass(&app, &world, &c, &world.bkk_trainee.id, t).await;
    let cert = app.post(&format!("/api/v1/attempts/{attempt}/submit")).token(t).send().await.json()["certificate_id"]
        .as_str()
        .unwrap()
        .to_string();
    let code = app.get(&format!("/api/v1/certificates/{cert}")).token(t).send().await.json()["code"]
        .as_str()
        .unwrap()
        .to_string();
    app.get(&format!("/api/v1/certificates/{cert}"))
        .token(&world.han_admin.token)
        .send()
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/certificates/{cert}"))
        .token(&world.han_trainee.token)
        .send()
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/certificates/{cert}/credential"))
        .token(&world.han_admin.token)
        .send()
        .await
        .problem(404, "not_found");
    assert_eq!(
        app.get(&format!("/api/v1/certificates/{cert}"))
            .token(&world.bkk_admin.token)
            .send()
            .await
            .status,
        200
    );
    assert!(
        app.get("/api/v1/certificates").token(&world.han_admin.token).send().await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    app.post(&format!("/api/v1/certificates/{cert}/revoke"))
        .token(&world.bkk_admin.token)
        .json(json!({"reason": "x"}))
        .send()
        .await
        .problem(403, "forbidden");
    app.post(&format!("/api/v1/certificates/{cert}/revoke"))
        .token(&world.hq.token)
        .json(json!({"reason": " "}))
        .send()
        .await
        .problem(422, "validation_failed");
    let res = app
        .post(&format!("/api/v1/certificates/{cert}/revoke"))
        .token(&world.hq.token)
        .json(json!({"reason": "Exam taken by someone else"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "revoked");
    let v = app
        .get(&format!("/verify/{code}"))
        .header("Accept", "application/json")
        .send()
        .await
        .json();
    assert_eq!(v["status"], "revoked");
    assert_eq!(v["revoked_reason"], "Exam taken by someone else");
    let html = app
        .get(&format!("/verify/{code}"))
        .header("Accept-Language", "en")
        .send()
        .await
        .text();
    assert!(html.contains("Exam taken by someone else"));
    assert!(html.to_lowercase().contains("revoked"));
    // Unknown codes: 404 in the form asked for.
    app.get("/verify/BKK-0000-0000")
        .header("Accept", "application/json")
        .send()
        .await
        .problem(404, "not_found");
    let page = app.get("/verify/BKK-0000-0000").send().await;
    assert_eq!(page.status, 404);
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
}

#[actix_rt::test]
async fn the_verify_page_is_rate_limited() {
    let app = TestApp::with_config(|c| c.verify_requests_per_minute = 3).await;
    for _ in 0..3 {
        assert_eq!(
            app.get("/verify/BKK-0000-0000")
                .header("Accept", "application/json")
                .send()
                .await
                .status,
            404
        );
    }
    let res = app.get("/verify/BKK-0000-0000").header("Accept", "application/json").send().await;
    res.problem(429, "too_many_requests");
    assert!(res.header("retry-after").is_some());
}

#[actix_rt::test]
async fn the_verify_page_renders_in_a_real_browser() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let c = course(&app, &world).await;
    let t = &world.bkk_trainee.token;
    let attempt = ready_to_pass(&app, &world, &c, &world.bkk_trainee.id, t).await;
    let cert = app.post(&format!("/api/v1/attempts/{attempt}/submit")).token(t).send().await.json()["certificate_id"]
        .as_str()
        .unwrap()
        .to_string();
    let code = app.get(&format!("/api/v1/certificates/{cert}")).token(t).send().await.json()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let html = app
        .get(&format!("/verify/{code}"))
        .header("Accept-Language", "vi")
        .send()
        .await
        .text();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("verify.html");
    std::fs::write(&file, &html).unwrap();
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
        .expect("Chromium is needed for this test: apt-get install chromium (scripts/test installs it)");
    let profile = dir.path().join("profile");
    let common = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
    ];
    let dom = Command::new(chromium)
        .args(common)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", file.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("trainee of BKK") && dom.contains(&code),
        "the rendered DOM has the holder and the code"
    );
    let shot = dir.path().join("page.png");
    let out = Command::new(chromium)
        .args(common)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=412,915")
        .arg(format!("file://{}", file.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    assert!(
        png.len() > 10_000,
        "a phone-sized page with text and a QR code is not blank ({} bytes)",
        png.len()
    );
    if let Ok(keep) = std::env::var("ZHIJIANG_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}
