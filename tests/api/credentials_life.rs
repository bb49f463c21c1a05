//! Issue 16: certificates with a life: validity, reminders (moved clock,
//! exactly once, real SMTP), expiry, recertification, revocation email.

use crate::support::certify::{certify, cohort, course};
use crate::support::smtp::SmtpSink;
use crate::support::{TestApp, World, rows};
use chrono::Duration;
use serde_json::{Value, json};
use zhijiang::notifications::worker::Worker;

async fn with_smtp() -> (TestApp, SmtpSink, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(dir.path().to_path_buf());
    let url = sink.url();
    let app = TestApp::with_config(|c| c.smtp_url = Some(url.into())).await;
    (app, sink, dir)
}

/// Runs the housekeeping chores once and delivers what they queued.
async fn chores(app: &TestApp) {
    let worker = Worker::new(app.state.clone()).unwrap();
    worker.housekeeping().await;
    worker.drain_once().await.unwrap();
}

fn subjects_to(sink: &SmtpSink, to: &str) -> Vec<String> {
    sink.messages()
        .iter()
        .filter(|m| m["rcpt_tos"][0] == to)
        .map(|m| m["subject"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Fresh access tokens after the clock moved past the old ones' life:
/// (headquarters, BKK admin, BKK trainee).
async fn sign_in_again(app: &TestApp, world: &World) -> (String, String, String) {
    let p = crate::support::world::PASSWORD;
    (
        app.login("HQ", &world.hq.email, p).await,
        app.login("BKK", &world.bkk_admin.email, p).await,
        app.login("BKK", &world.bkk_trainee.email, p).await,
    )
}

async fn verify_json(app: &TestApp, code: &str) -> Value {
    app.get(&format!("/verify/{code}"))
        .header("Accept", "application/json")
        .send()
        .await
        .json()
}

#[actix_rt::test]
async fn a_validity_of_zero_or_absurd_length_is_refused_and_nothing_is_stored() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let body =
        |days: Value| json!({"code": "EV-VAL-1", "translations": {"en": {"title": "T", "summary": "S"}}, "certificate_valid_days": days});
    for days in [json!(0), json!(-5), json!(3661), json!(1_000_000_000_000i64)] {
        let res = app
            .post("/api/v1/courses")
            .token(&world.hq.token)
            .json(body(days.clone()))
            .send()
            .await;
        let problem = res.problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "certificate_valid_days", "{days}");
        assert_eq!(problem["errors"][0]["code"], "out_of_range");
    }
    app.post("/api/v1/courses")
        .token(&world.hq.token)
        .json(body(json!("a year")))
        .send()
        .await
        .problem(400, "invalid_json");
    assert_eq!(rows::count(&app, "courses").await, 0, "nothing partial stored");
    let created = app
        .post("/api/v1/courses")
        .token(&world.hq.token)
        .json(body(json!(365)))
        .send()
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/courses/{id}");
    let detail = || app.get(&path).token(&world.hq.token).send();
    assert_eq!(detail().await.json()["certificate_valid_days"], 365);
    let patch = |days: Value| {
        app.patch(&format!("/api/v1/courses/{id}"))
            .token(&world.hq.token)
            .json(json!({"certificate_valid_days": days}))
            .send()
    };
    patch(json!(0)).await.problem(422, "validation_failed");
    assert_eq!(detail().await.json()["certificate_valid_days"], 365);
    assert_eq!(patch(json!(null)).await.status, 200);
    assert_eq!(detail().await.json()["certificate_valid_days"], Value::Null);
}

#[actix_rt::test]
async fn certificates_expire_and_remind_60_and_14_days_ahead_exactly_once() {
    let (app, sink, _dir) = with_smtp().await;
    let world = World::build(&app).await;
    let c = course(&app, &world, "EV-HV-301", Some(90)).await;
    let cohort_id = cohort(&app, &world.bkk_admin.token, &c, "C1").await;
    let t = &world.bkk_trainee.token;
    let cert_id = certify(&app, &world.bkk_admin.token, &c, &cohort_id, &world.bkk_trainee.id, t).await["certificate_id"]
        .as_str()
        .unwrap()
        .to_string();
    let cert = app.get(&format!("/api/v1/certificates/{cert_id}")).token(t).send().await.json();
    let issued = chrono::DateTime::parse_from_rfc3339(cert["issued_at"].as_str().unwrap()).unwrap();
    let expires = chrono::DateTime::parse_from_rfc3339(cert["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(expires - issued, Duration::days(90));
    assert_eq!(cert["status"], "valid");
    let code = cert["code"].as_str().unwrap().to_string();
    chores(&app).await;
    let to = world.bkk_trainee.email.as_str();
    sink.wait_for(1);
    assert_eq!(subjects_to(&sink, to).len(), 1, "only the certificate email so far");

    // 31 days on: 59 days left, the first reminder, once, in Thai.
    app.state.clock.advance(Duration::days(31));
    chores(&app).await;
    chores(&app).await;
    sink.wait_for(2);
    let subjects = subjects_to(&sink, to);
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    assert!(subjects.iter().any(|s| s.starts_with("ใบรับรองของคุณจะหมดอายุ")), "{subjects:?}");
    // 77 days on: 13 days left, the last reminder, once.
    app.state.clock.advance(Duration::days(46));
    chores(&app).await;
    chores(&app).await;
    sink.wait_for(3);
    let messages: Vec<Value> = sink.messages().into_iter().filter(|m| m["rcpt_tos"][0] == to).collect();
    assert_eq!(messages.len(), 3);
    let texts: Vec<&str> = messages.iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert!(texts.iter().any(|t| t.contains("(อีก 59 วัน)")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("(อีก 13 วัน)")), "{texts:?}");
    assert_eq!(verify_json(&app, &code).await["status"], "valid");

    // Past the expiry: expired everywhere, and no more reminders.
    app.state.clock.advance(Duration::days(14));
    chores(&app).await;
    let v = verify_json(&app, &code).await;
    assert_eq!(v["status"], "expired");
    assert_eq!(v["expires_at"], cert["expires_at"]);
    let page = app
        .get(&format!("/verify/{code}"))
        .header("Accept-Language", "en")
        .send()
        .await
        .text();
    assert!(page.contains("Expired") && page.contains("Valid until"), "the page says so");
    let (_, _, t) = sign_in_again(&app, &world).await;
    let mine = app.get("/api/v1/users/me/certificates").token(&t).send().await.json();
    assert_eq!(mine["items"][0]["status"], "expired");
    assert_eq!(subjects_to(&sink, to).len(), 3);
}

#[actix_rt::test]
async fn a_short_validity_gets_only_the_last_reminder() {
    let (app, sink, _dir) = with_smtp().await;
    let world = World::build(&app).await;
    let c = course(&app, &world, "EV-HV-302", Some(10)).await;
    let cohort_id = cohort(&app, &world.bkk_admin.token, &c, "C1").await;
    certify(
        &app,
        &world.bkk_admin.token,
        &c,
        &cohort_id,
        &world.bkk_trainee.id,
        &world.bkk_trainee.token,
    )
    .await;
    chores(&app).await;
    chores(&app).await;
    sink.wait_for(2);
    assert_eq!(subjects_to(&sink, &world.bkk_trainee.email).len(), 2, "certificate + one reminder");
}

#[actix_rt::test]
async fn expired_and_revoked_trainees_are_certified_again_with_history_kept() {
    let (app, sink, _dir) = with_smtp().await;
    let world = World::build(&app).await;
    let c = course(&app, &world, "EV-HV-303", Some(365)).await;
    let t = &world.bkk_trainee.token;
    let me = &world.bkk_trainee.id;
    let first_cohort = cohort(&app, &world.bkk_admin.token, &c, "C1").await;
    let first = certify(&app, &world.bkk_admin.token, &c, &first_cohort, me, t).await["certificate_id"]
        .as_str()
        .unwrap()
        .to_string();

    // Still valid for long: completing the course again changes nothing.
    // After expiry: a new enrolment, a new exam pass, a new certificate.
    let again = certify_again(&app, &world, &c, &first_cohort).await;
    assert_eq!(again, first, "a certificate that still stands is kept");
    app.state.clock.advance(Duration::days(366));
    let (hq, admin, t) = sign_in_again(&app, &world).await;
    let t = &t;
    let second_cohort = cohort(&app, &admin, &c, "C2").await;
    let second = certify(&app, &admin, &c, &second_cohort, me, t).await["certificate_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(first, second);
    let mine = app.get("/api/v1/users/me/certificates").token(t).send().await.json();
    let items = mine["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "history kept");
    let by_id = |id: &str| items.iter().find(|i| i["id"] == id).unwrap().clone();
    assert_eq!(by_id(&first)["status"], "expired");
    assert_eq!(by_id(&first)["current"], false);
    assert_eq!(by_id(&second)["status"], "valid");
    assert_eq!(by_id(&second)["current"], true);

    // Revoked: the holder is emailed with the reason, in Thai, once.
    let revoke = |id: String, reason: &'static str| {
        app.post(&format!("/api/v1/certificates/{id}/revoke"))
            .token(&hq)
            .json(json!({"reason": reason}))
            .send()
    };
    let res = revoke(second.clone(), "ใช้เอกสารปลอม").await;
    assert_eq!(res.status, 200, "{}", res.text());
    let again = revoke(second.clone(), "another reason").await;
    assert_eq!(again.status, 200, "revoking twice answers the certificate unchanged");
    assert_eq!(again.json()["revoked_reason"], "ใช้เอกสารปลอม");
    // An expired certificate can be revoked too.
    let old = revoke(first.clone(), "Records audit").await;
    assert_eq!(old.status, 200);
    assert_eq!(old.json()["status"], "revoked");
    Worker::new(app.state.clone()).unwrap().drain_once().await.unwrap();
    let messages = sink.wait_for(4);
    let revocations: Vec<&Value> = messages
        .iter()
        .filter(|m| m["subject"].as_str().unwrap_or_default().starts_with("ใบรับรองถูกเพิกถอน"))
        .collect();
    assert_eq!(revocations.len(), 2, "one email per revocation, none for the repeat");
    assert!(revocations.iter().any(|m| m["text"].as_str().unwrap().contains("ใช้เอกสารปลอม")));

    // Revoked: certified again after a third enrolment.
    let third_cohort = cohort(&app, &admin, &c, "C3").await;
    let third = certify(&app, &admin, &c, &third_cohort, me, t).await["certificate_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(third != first && third != second);
    let all = app
        .get(&format!("/api/v1/certificates?course_id={}", c.id))
        .token(&hq)
        .send()
        .await
        .json();
    let statuses: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == "revoked").count(), 2);
    assert_eq!(statuses.iter().filter(|s| **s == "valid").count(), 1);
}

/// A second trainee-free check: the same trainee completing another cohort
/// while the certificate stands; returns the certificate id the pass names.
async fn certify_again(app: &TestApp, world: &World, c: &crate::support::certify::Course, _first_cohort: &str) -> String {
    let other = cohort(app, &world.bkk_admin.token, c, "C1b").await;
    certify(
        app,
        &world.bkk_admin.token,
        c,
        &other,
        &world.bkk_trainee.id,
        &world.bkk_trainee.token,
    )
    .await["certificate_id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[actix_rt::test]
async fn a_name_correction_reissues_the_same_credential_and_a_revoked_one_is_not_reissued() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let c = course(&app, &world, "EV-HV-304", None).await;
    let cohort_id = cohort(&app, &world.bkk_admin.token, &c, "C1").await;
    let t = &world.bkk_trainee.token;
    let id = certify(&app, &world.bkk_admin.token, &c, &cohort_id, &world.bkk_trainee.id, t).await["certificate_id"]
        .as_str()
        .unwrap()
        .to_string();
    let payload = |jwt: &str| -> Value {
        use base64::Engine;
        let part = jwt.split('.').nth(1).unwrap();
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    };
    let before = payload(
        &app.get(&format!("/api/v1/certificates/{id}/credential"))
            .token(t)
            .send()
            .await
            .text(),
    );
    app.patch("/api/v1/users/me")
        .token(t)
        .json(json!({"display_name": "Somchai Jaidee"}))
        .send()
        .await;
    app.state.clock.advance(Duration::days(3));
    let (hq, admin, t) = sign_in_again(&app, &world).await;
    let t = &t;
    app.post(&format!("/api/v1/certificates/{id}/reissue"))
        .token(&admin)
        .send()
        .await
        .problem(403, "forbidden");
    let res = app.post(&format!("/api/v1/certificates/{id}/reissue")).token(&hq).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["holder_name"], "Somchai Jaidee");
    let after = payload(
        &app.get(&format!("/api/v1/certificates/{id}/credential"))
            .token(t)
            .send()
            .await
            .text(),
    );
    assert_eq!(after["id"], before["id"]);
    assert_eq!(after["awardedDate"], before["awardedDate"]);
    assert_eq!(after["credentialStatus"], before["credentialStatus"]);
    assert_ne!(after["validFrom"], before["validFrom"]);
    assert_eq!(after["credentialSubject"]["identifier"][0]["identityHash"], "Somchai Jaidee");
    app.post(&format!("/api/v1/certificates/{id}/revoke"))
        .token(&hq)
        .json(json!({"reason": "fraud"}))
        .send()
        .await;
    app.post(&format!("/api/v1/certificates/{id}/reissue"))
        .token(&hq)
        .send()
        .await
        .problem(409, "certificate_revoked");
}

/// Users are never deleted while they hold certificates (deactivated
/// instead): a deactivated holder's certificate still verifies, revoking it
/// still emails the address on record, and no expiry reminder goes out.
#[actix_rt::test]
async fn a_deactivated_holder_is_told_of_a_revocation_but_not_reminded() {
    let (app, sink, _dir) = with_smtp().await;
    let world = World::build(&app).await;
    let c = course(&app, &world, "EV-HV-305", Some(30)).await;
    let cohort_id = cohort(&app, &world.bkk_admin.token, &c, "C1").await;
    let t = &world.bkk_trainee.token;
    let id = certify(&app, &world.bkk_admin.token, &c, &cohort_id, &world.bkk_trainee.id, t).await["certificate_id"]
        .as_str()
        .unwrap()
        .to_string();
    let code = app.get(&format!("/api/v1/certificates/{id}")).token(t).send().await.json()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let res = app
        .post(&format!("/api/v1/users/{}/deactivate", world.bkk_trainee.id))
        .token(&world.bkk_admin.token)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(verify_json(&app, &code).await["status"], "valid");
    chores(&app).await;
    let messages = sink.wait_for(1);
    assert_eq!(messages.len(), 1, "the certificate email only: no reminder to a deactivated holder");
    let res = app
        .post(&format!("/api/v1/certificates/{id}/revoke"))
        .token(&world.hq.token)
        .json(json!({"reason": "Left the programme"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    Worker::new(app.state.clone()).unwrap().drain_once().await.unwrap();
    let messages = sink.wait_for(2);
    assert!(
        messages
            .iter()
            .any(|m| m["text"].as_str().unwrap_or_default().contains("Left the programme"))
    );
    assert_eq!(verify_json(&app, &code).await["status"], "revoked");
}
