//! Issue 3: the transactional outbox, delivered to a real SMTP server.

use crate::support::smtp::{SmtpSink, free_port};
use crate::support::{TestApp, World};
use chrono::Duration;
use sea_orm::{EntityTrait, PaginatorTrait, TransactionTrait};
use serde_json::{Map, Value};
use zhijiang::i18n::{self, Arg, Locale};
use zhijiang::notifications::entity::{Entity as Outbox, Status};
use zhijiang::notifications::worker::Worker;
use zhijiang::notifications::{Email, enqueue};

fn email(to: &str, locale: Locale, name: &str) -> Email {
    let mut args = Map::new();
    args.insert("name".into(), Value::String(name.into()));
    Email {
        branch_id: None,
        recipient: to.into(),
        recipient_name: Some(name.into()),
        locale,
        template: "test",
        args,
        dedup_key: None,
    }
}

async fn queue(app: &TestApp, e: Email) {
    let txn = app.state.db.begin().await.unwrap();
    enqueue(&txn, e, app.state.clock.now()).await.unwrap();
    txn.commit().await.unwrap();
}

#[actix_rt::test]
async fn a_committed_email_arrives_once_readable_in_each_locale() {
    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(sink_dir.path().to_path_buf());
    let url = sink.url();
    let app = TestApp::with_config(|c| c.smtp_url = Some(url.into())).await;
    let names = [
        (Locale::ZhCn, "王小明"),
        (Locale::En, "Alex"),
        (Locale::Th, "สมชาย"),
        (Locale::Vi, "Trần Văn Minh"),
    ];
    for (locale, name) in names {
        queue(
            &app,
            email(&format!("{}@example.test", locale.as_str().to_lowercase()), locale, name),
        )
        .await;
    }
    let worker = Worker::new(app.state.clone()).unwrap();
    assert_eq!(worker.drain_once().await.unwrap(), 4);
    assert_eq!(worker.drain_once().await.unwrap(), 0, "nothing is sent twice");
    let messages = sink.wait_for(4);
    assert_eq!(messages.len(), 4);
    for (locale, name) in names {
        let to = format!("{}@example.test", locale.as_str().to_lowercase());
        let m = messages
            .iter()
            .find(|m| m["rcpt_tos"][0] == to.as_str())
            .expect("message for each locale");
        let subject = i18n::t(locale, "email-test-subject", &[]);
        assert_eq!(m["subject"], subject.as_str(), "decoded subject in {locale}");
        let text = i18n::t(locale, "email-test-text", &[("name", Arg::from(name))]);
        assert!(m["text"].as_str().unwrap().contains(&text), "{m}");
        assert!(m["html"].as_str().unwrap().contains(name));
        assert_eq!(m["content_type"], "multipart/alternative");
        assert!(m["message_id"].as_str().unwrap().starts_with('<'));
    }
}

#[actix_rt::test]
async fn an_email_in_a_rolled_back_transaction_never_arrives() {
    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(sink_dir.path().to_path_buf());
    let url = sink.url();
    let app = TestApp::with_config(|c| c.smtp_url = Some(url.into())).await;
    let txn = app.state.db.begin().await.unwrap();
    enqueue(&txn, email("ghost@example.test", Locale::En, "Ghost"), app.state.clock.now())
        .await
        .unwrap();
    txn.rollback().await.unwrap();
    let worker = Worker::new(app.state.clone()).unwrap();
    assert_eq!(worker.drain_once().await.unwrap(), 0);
    assert_eq!(Outbox::find().count(&app.state.db).await.unwrap(), 0);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(sink.messages().is_empty());
}

#[actix_rt::test]
async fn smtp_down_then_up_delivers_exactly_once() {
    let port = free_port();
    let app = TestApp::with_config(|c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}").into())).await;
    queue(&app, email("late@example.test", Locale::Th, "สมหญิง")).await;
    let worker = Worker::new(app.state.clone()).unwrap();
    assert_eq!(worker.drain_once().await.unwrap(), 1);
    let row = Outbox::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(row.status, Status::Pending, "a refused connection is retried");
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.is_some());
    assert!(row.next_attempt_at > app.state.clock.now(), "backoff pushes the next attempt out");
    // Not due yet: nothing happens.
    assert_eq!(worker.drain_once().await.unwrap(), 0);

    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start_on(port, sink_dir.path().to_path_buf(), "");
    app.state.clock.advance(Duration::hours(2));
    assert_eq!(worker.drain_once().await.unwrap(), 1);
    assert_eq!(worker.drain_once().await.unwrap(), 0);
    let messages = sink.wait_for(1);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(sink.messages().len(), 1, "{messages:?}");
    let row = Outbox::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(row.status, Status::Sent);
    assert_eq!(row.attempts, 2);
}

#[actix_rt::test]
async fn two_workers_draining_500_emails_deliver_each_once() {
    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(sink_dir.path().to_path_buf());
    let url = sink.url();
    let app = TestApp::with_config(|c| c.smtp_url = Some(url.into())).await;
    let txn = app.state.db.begin().await.unwrap();
    for i in 0..500 {
        enqueue(
            &txn,
            email(&format!("t{i}@example.test"), Locale::Vi, &format!("Học viên {i}")),
            app.state.clock.now(),
        )
        .await
        .unwrap();
    }
    txn.commit().await.unwrap();
    let a = Worker::new(app.state.clone()).unwrap();
    let b = Worker::new(app.state.clone()).unwrap();
    let drain = |w: Worker| async move {
        let mut total = 0;
        loop {
            let n = w.drain_once().await.unwrap();
            if n == 0 {
                return total;
            }
            total += n;
        }
    };
    let (na, nb) = tokio::join!(drain(a), drain(b));
    assert_eq!(na + nb, 500, "every row handled once ({na} + {nb})");
    let messages = sink.wait_for(500);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let messages = if messages.len() == 500 { sink.messages() } else { messages };
    assert_eq!(messages.len(), 500);
    let mut recipients: Vec<String> = messages.iter().map(|m| m["rcpt_tos"][0].as_str().unwrap().to_string()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 500, "no recipient got two");
}

#[actix_rt::test]
async fn a_dead_workers_claim_is_taken_over_after_its_lease() {
    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(sink_dir.path().to_path_buf());
    let url = sink.url();
    let app = TestApp::with_config(|c| c.smtp_url = Some(url.into())).await;
    queue(&app, email("orphan@example.test", Locale::ZhCn, "李雷")).await;
    let doomed = Worker::new(app.state.clone()).unwrap();
    assert_eq!(doomed.claim(10).await.unwrap().len(), 1);
    drop(doomed); // dies holding the lease
    let survivor = Worker::new(app.state.clone()).unwrap();
    assert_eq!(survivor.drain_once().await.unwrap(), 0, "the lease is still held");
    app.state
        .clock
        .advance(Duration::seconds(zhijiang::notifications::worker::LEASE_SECONDS + 1));
    assert_eq!(survivor.drain_once().await.unwrap(), 1);
    assert_eq!(sink.wait_for(1).len(), 1);
}

#[actix_rt::test]
async fn a_5xx_reply_ends_failed_with_the_reason_visible_and_can_be_retried() {
    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start_on(free_port(), sink_dir.path().to_path_buf(), "bounce");
    let url = sink.url();
    let app = TestApp::with_config(|c| c.smtp_url = Some(url.into())).await;
    let world = World::build(&app).await;
    queue(&app, email("bounce@example.test", Locale::En, "Nobody")).await;
    let worker = Worker::new(app.state.clone()).unwrap();
    worker.drain_once().await.unwrap();
    let res = app.get("/api/v1/notifications?status=failed").token(&world.hq.token).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    let items = res.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["status"], "failed");
    assert_eq!(items[0]["attempts"], 1);
    assert!(items[0]["last_error"].as_str().unwrap().contains("550"), "{}", items[0]);
    let id = items[0]["id"].as_str().unwrap();
    // Trainees may not look; branch admins do not see HQ's mail.
    app.get("/api/v1/notifications")
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .problem(403, "forbidden");
    let res = app
        .post(&format!("/api/v1/notifications/{id}/retry"))
        .token(&world.bkk_admin.token)
        .send()
        .await;
    res.problem(404, "not_found");
    let res = app
        .post(&format!("/api/v1/notifications/{id}/retry"))
        .token(&world.hq.token)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "pending");
    let res = app
        .post(&format!("/api/v1/notifications/{id}/retry"))
        .token(&world.hq.token)
        .send()
        .await;
    res.problem(409, "not_failed");
}

#[actix_rt::test]
async fn without_smtp_mail_is_written_as_eml_files() {
    let app = TestApp::new().await;
    queue(&app, email("file@example.test", Locale::Th, "สมชาย")).await;
    let worker = Worker::new(app.state.clone()).unwrap();
    assert_eq!(worker.drain_once().await.unwrap(), 1);
    let files: Vec<_> = std::fs::read_dir(&app.state.config.mail_dir).unwrap().flatten().collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(text.contains("Subject: =?utf-8?"), "UTF-8 subjects are encoded: {text}");
    assert!(text.contains("To: "));
}
