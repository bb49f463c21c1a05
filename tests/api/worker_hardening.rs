//! Issue 12, items 1 (the worker side), 5, 8 and 9: no outbox row can stop
//! the email worker, stalled chores show in /readyz, invitation links are not
//! readable in the database, no weak bootstrap password, no silently lost
//! master key.

use crate::support::smtp::SmtpSink;
use crate::support::world::create_user;
use crate::support::{TestApp, World};
use chrono::Duration;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use std::time::Instant;
use tokio::sync::watch;
use uuid::Uuid;
use zhijiang::config::Config;
use zhijiang::crypto::MasterKey;
use zhijiang::i18n::Locale;
use zhijiang::notifications::entity::{self as outbox, Entity as Outbox};
use zhijiang::notifications::outbox::{Email, model as outbox_row};
use zhijiang::notifications::worker::Worker;

/// An outbox row written straight to the database, as a row from before input
/// validation existed (or from a future bug) would be.
async fn raw_row(app: &TestApp, recipient: &str, name: Option<&str>, template: &str, args: &str) -> Uuid {
    let now = app.state.clock.now();
    // The row `enqueue` would write, then the fields validation now refuses.
    let mut row = outbox_row(
        Email {
            branch_id: None,
            recipient: String::new(),
            recipient_name: None,
            locale: Locale::En,
            template: "test",
            args: Default::default(),
            dedup_key: None,
        },
        now,
    );
    row.recipient = Set(recipient.into());
    row.recipient_name = Set(name.map(str::to_string));
    row.template = Set(template.into());
    row.args = Set(args.into());
    let id = row.id.clone().unwrap();
    row.insert(&app.state.db).await.expect("insert outbox row");
    id
}

/// Waits (without blocking the runtime the worker runs on) until no row is pending.
async fn until_nothing_pending(app: &TestApp) -> Vec<outbox::Model> {
    let deadline = Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let rows = Outbox::find().all(&app.state.db).await.unwrap();
        if rows.iter().all(|r| r.status != outbox::Status::Pending) {
            return rows;
        }
        assert!(Instant::now() < deadline, "rows still pending: {rows:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[actix_rt::test]
async fn poison_rows_fail_with_their_reason_and_the_next_email_still_goes_out() {
    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(sink_dir.path().to_path_buf());
    let url = sink.url();
    let app = TestApp::with_config(|c| {
        c.smtp_url = Some(url.into());
        c.worker_poll = std::time::Duration::from_millis(50);
    })
    .await;
    let args = r#"{"name":"Lan"}"#;
    let poison = [
        (
            raw_row(&app, "eve@example.test", Some("Eve\r\nBcc: everyone@example.test"), "test", args).await,
            "recipient name",
        ),
        (
            raw_row(&app, "lf@example.test", Some("Line\nBreak"), "test", args).await,
            "recipient name",
        ),
        (
            raw_row(&app, "x@example.test\r\nBcc: y@example.test", None, "test", args).await,
            "recipient address",
        ),
        (
            raw_row(&app, "t@example.test", None, "no-such-template", args).await,
            "unknown template",
        ),
        (
            raw_row(&app, "j@example.test", None, "test", "{not json").await,
            "not a JSON object",
        ),
    ];
    let good = raw_row(&app, "lan@example.test", Some("Nguyễn Thị Lan"), "test", args).await;

    let (stop, stopped) = watch::channel(false);
    let running = Worker::new(app.state.clone()).unwrap().start(stopped);
    let rows = until_nothing_pending(&app).await;
    let messages = sink.wait_for(1);

    for (id, reason) in poison {
        let row = rows.iter().find(|r| r.id == id).unwrap();
        assert_eq!(row.status, outbox::Status::Failed, "{row:?}");
        assert_eq!(row.attempts, 1, "refused for good, not retried: {row:?}");
        let error = row.last_error.as_deref().unwrap_or_default();
        assert!(error.contains(reason), "{reason:?} in {error:?}");
    }
    let row = rows.iter().find(|r| r.id == good).unwrap();
    assert_eq!(row.status, outbox::Status::Sent, "{row:?}");
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["rcpt_tos"][0], "lan@example.test");
    assert!(messages[0]["to"].as_str().unwrap().contains("Nguyễn Thị Lan"));

    // The loop is still alive: a later email goes out too.
    raw_row(&app, "later@example.test", None, "test", args).await;
    until_nothing_pending(&app).await;
    assert_eq!(sink.wait_for(2).len(), 2);
    assert_eq!(app.get("/readyz").send().await.status, 200);
    stop.send(true).unwrap();
    running.await.unwrap();
}

#[actix_rt::test]
async fn readyz_names_a_chore_that_stopped_running_and_metrics_show_its_last_run() {
    let app = TestApp::with_config(|c| c.worker_poll = std::time::Duration::from_millis(50)).await;
    // A process that runs no worker is not judged by it.
    app.state.clock.advance(Duration::hours(1));
    assert_eq!(app.get("/readyz").send().await.status, 200);

    let (stop, stopped) = watch::channel(false);
    let running = Worker::new(app.state.clone()).unwrap().start(stopped);
    let deadline = Instant::now() + std::time::Duration::from_secs(20);
    let jobs = &app.state.metrics.jobs;
    while jobs.last_run("outbox").is_none() || jobs.last_run("exam_sweep").is_none() {
        assert!(Instant::now() < deadline, "the chores never ran");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(app.get("/readyz").send().await.status, 200);
    let metrics = app.get("/metrics").send().await.text();
    let line = metrics
        .lines()
        .find(|l| l.starts_with("zhijiang_job_last_run_seconds{job=\"outbox\"}"))
        .expect("outbox heartbeat in /metrics");
    let at: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!((at - app.state.clock.now().timestamp() as f64).abs() < 60.0, "{line}");
    assert!(metrics.contains("zhijiang_job_last_run_seconds{job=\"exam_sweep\"}"));
    assert!(metrics.contains("zhijiang_job_restarts_total 0"));

    // The worker stops (as if its task hung); time passes beyond the bound.
    stop.send(true).unwrap();
    running.await.unwrap();
    let bound = app.state.config.worker_stale_after;
    app.state.clock.advance(Duration::from_std(bound).unwrap() + Duration::seconds(5));
    // The sweep still ran just now: the stale one is the outbox.
    jobs.beat("exam_sweep", app.state.clock.now());
    let res = app.get("/readyz").header("Accept-Language", "en").send().await;
    let problem = res.problem(503, "job_stale");
    assert!(problem["detail"].as_str().unwrap().contains("outbox"), "{problem}");
    assert!(res.header("retry-after").is_some());

    // A worker running again makes the process ready again.
    let (stop, stopped) = watch::channel(false);
    let running = Worker::new(app.state.clone()).unwrap().start(stopped);
    let deadline = Instant::now() + std::time::Duration::from_secs(20);
    while app.get("/readyz").send().await.status != 200 {
        assert!(Instant::now() < deadline, "still not ready");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop.send(true).unwrap();
    running.await.unwrap();
}

#[actix_rt::test]
async fn a_sent_invitation_leaves_no_usable_token_in_the_outbox_and_its_link_works() {
    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(sink_dir.path().to_path_buf());
    let url = sink.url();
    let app = TestApp::with_config(|c| c.smtp_url = Some(url.into())).await;
    let world = World::build(&app).await;
    create_user(&app, &world.bkk_admin.token, "BKK", "sealed@bkk.test", "trainee", "vi", None).await;
    let queued = Outbox::find()
        .filter(outbox::Column::Recipient.eq("sealed@bkk.test"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!queued.args.contains("token="), "queued row holds a raw link: {}", queued.args);

    Worker::new(app.state.clone()).unwrap().drain_once().await.unwrap();
    let messages = sink.wait_for(1);
    let m = messages.iter().find(|m| m["rcpt_tos"][0] == "sealed@bkk.test").unwrap();
    let text = m["text"].as_str().unwrap();
    let token: String = text
        .split("accept-invite?token=")
        .nth(1)
        .expect("link in the email")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert!(token.len() >= 40, "{token}");

    // Nowhere in the outbox table, in any column of any row.
    for row in Outbox::find().all(&app.state.db).await.unwrap() {
        let dump = format!("{row:?}");
        assert!(!dump.contains(&token), "token left in {dump}");
    }
    let sent = Outbox::find_by_id(queued.id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(sent.status, outbox::Status::Sent);
    assert!(!sent.args.contains("\"sealed\""), "sealed link erased after sending: {}", sent.args);

    let res = app
        .post("/api/v1/auth/accept-invite")
        .json(json!({"token": token, "password": "a long new password"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(res.json()["access_token"].as_str().is_some());
}

#[actix_rt::test]
async fn an_invitation_that_fails_for_good_has_its_link_erased_too() {
    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start_on(crate::support::smtp::free_port(), sink_dir.path().to_path_buf(), "bounce");
    let url = sink.url();
    let app = TestApp::with_config(|c| c.smtp_url = Some(url.into())).await;
    let world = World::build(&app).await;
    create_user(&app, &world.bkk_admin.token, "BKK", "bounce@bkk.test", "trainee", "en", None).await;
    Worker::new(app.state.clone()).unwrap().drain_once().await.unwrap();
    let row = Outbox::find()
        .filter(outbox::Column::Recipient.eq("bounce@bkk.test"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, outbox::Status::Failed);
    assert!(!row.args.contains("\"sealed\""), "{}", row.args);
    // Retried by an administrator, it fails with a reason instead of going out without its link.
    let retry = app
        .post(&format!("/api/v1/notifications/{}/retry", row.id))
        .token(&world.bkk_admin.token)
        .send()
        .await;
    assert_eq!(retry.status, 200, "{}", retry.text());
    Worker::new(app.state.clone()).unwrap().drain_once().await.unwrap();
    let row = Outbox::find_by_id(row.id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(row.status, outbox::Status::Failed);
    assert!(row.last_error.unwrap().contains("new invitation"));
}

/// The configuration of `app` with another data directory and master key.
fn restart_config(app: &TestApp, master_key: Option<String>, data_dir: &std::path::Path) -> Config {
    let mut config = (*app.state.config).clone();
    config.master_key = master_key.map(Into::into);
    config.data_dir = data_dir.to_path_buf();
    config
}

#[actix_rt::test]
async fn a_lost_or_wrong_master_key_stops_start_up_with_one_clear_line() {
    let app = TestApp::new().await;
    World::build(&app).await; // branches with sealed signing keys
    let empty = tempfile::tempdir().unwrap();

    let err = zhijiang::build_state(restart_config(&app, None, empty.path()))
        .await
        .err()
        .expect("no key, sealed keys in the database: refused");
    let line = err.to_string();
    assert!(matches!(err, zhijiang::StartError::MasterKeyMissing { .. }), "{line}");
    assert!(line.contains("ZHIJIANG_MASTER_KEY") && line.contains("master.key"), "{line}");
    assert!(!line.contains('\n'));
    assert!(!empty.path().join("master.key").exists(), "no key was generated");

    let other = MasterKey::generate().to_base64();
    let err = zhijiang::build_state(restart_config(&app, Some(other.clone()), empty.path()))
        .await
        .err()
        .expect("a different key: refused");
    let line = err.to_string();
    assert!(matches!(err, zhijiang::StartError::MasterKeyMismatch { .. }), "{line}");
    assert!(line.contains("ZHIJIANG_MASTER_KEY") && line.contains("does not open"), "{line}");
    assert!(!line.contains(&other), "the key itself is never printed");

    // A wrong key file is named as such.
    std::fs::write(empty.path().join("master.key"), &other).unwrap();
    let err = zhijiang::build_state(restart_config(&app, None, empty.path()))
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("master.key"), "{err}");

    // The right key still starts.
    let right = app.state.config.master_key.as_ref().map(|k| k.expose().to_string());
    assert!(zhijiang::build_state(restart_config(&app, right, empty.path())).await.is_ok());
}

#[actix_rt::test]
async fn a_first_start_on_an_empty_database_generates_a_key_file() {
    let app = TestApp::with_config(|c| c.master_key = None).await;
    let file = app.state.config.data_dir.join("master.key");
    let key = std::fs::read_to_string(&file).expect("a generated key file");
    assert!(MasterKey::from_base64(&key).is_ok());
    // It is used from then on: the same file opens what was sealed with it.
    World::build(&app).await;
    let again = restart_config(&app, None, &app.state.config.data_dir);
    assert!(zhijiang::build_state(again).await.is_ok());
}

#[actix_rt::test]
async fn a_known_or_short_bootstrap_password_is_refused_in_one_line() {
    let app = TestApp::new().await;
    for weak in ["change-me-please", "short-pw"] {
        let mut config = (*app.state.config).clone();
        config.bootstrap_email = Some("admin@example.com".into());
        config.bootstrap_password = Some(weak.into());
        let mut state = app.state.clone();
        state.config = std::sync::Arc::new(config);
        let err = zhijiang::bootstrap::from_environment(&state).await.unwrap_err();
        assert!(err.starts_with("ZHIJIANG_BOOTSTRAP_PASSWORD") && !err.contains('\n'), "{err}");
    }
    // Nobody was created.
    let res = app
        .post("/api/v1/auth/login")
        .json(json!({"branch": "HQ", "email": "admin@example.com", "password": "change-me-please"}))
        .send()
        .await;
    assert_eq!(res.status, 401, "{}", res.text());
}

#[actix_rt::test]
async fn links_of_invitations_sent_before_sealing_are_erased_by_the_migration() {
    let app = TestApp::new().await;
    let legacy = |token: &str| format!(r#"{{"name":"Old","link":"http://zhijiang.test/accept-invite?token={token}"}}"#);
    let sent = raw_row(&app, "old@example.test", None, "invitation", &legacy("SENTLEGACYTOKEN")).await;
    let pending = raw_row(&app, "new@example.test", None, "invitation", &legacy("PENDINGLEGACYTOKEN")).await;
    let mut row: outbox::ActiveModel = Outbox::find_by_id(sent).one(&app.state.db).await.unwrap().unwrap().into();
    row.status = Set(outbox::Status::Sent);
    row.update(&app.state.db).await.unwrap();

    // What the migration does to a database written before sealing.
    zhijiang_migrations::erase_sent_invitation_links(&app.state.db).await.unwrap();

    let sent = Outbox::find_by_id(sent).one(&app.state.db).await.unwrap().unwrap();
    assert!(!sent.args.contains("SENTLEGACYTOKEN"), "{}", sent.args);
    assert!(sent.args.contains("sealed_erased") && sent.args.contains("Old"), "{}", sent.args);
    let pending = Outbox::find_by_id(pending).one(&app.state.db).await.unwrap().unwrap();
    assert!(pending.args.contains("PENDINGLEGACYTOKEN"), "still to be sent: {}", pending.args);
}
