//! Issue 14: forgotten passwords (reset links asked for by the user or sent
//! by an administrator) and invitations sent again, through the HTTP API and
//! the real SMTP server.

use crate::support::smtp::SmtpSink;
use crate::support::world::{PASSWORD, create_user};
use crate::support::{Response, TestApp, World};
use chrono::Duration;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use tempfile::TempDir;
use zhijiang::notifications::entity::Entity as Outbox;
use zhijiang::notifications::worker::Worker;

const NEW_PASSWORD: &str = "a brand new passphrase";

/// An app whose mail goes to a real SMTP server.
async fn app_with_sink() -> (TestApp, SmtpSink, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(dir.path().to_path_buf());
    let url = sink.url();
    let app = TestApp::with_config(|c| c.smtp_url = Some(url.into())).await;
    (app, sink, dir)
}

async fn drain(app: &TestApp) {
    Worker::new(app.state.clone()).unwrap().drain_once().await.unwrap();
}

/// The token of the link `{public_url}/{page}?token=...` in an email's text.
fn token_in(message: &Value, page: &str) -> String {
    let text = message["text"].as_str().unwrap();
    let prefix = format!("http://zhijiang.test/{page}?token=");
    let start = text.find(&prefix).unwrap_or_else(|| panic!("no {page} link in: {text}")) + prefix.len();
    let token: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert!(token.len() >= 43, "a long token: {token}");
    assert!(message["html"].as_str().unwrap().contains(&token));
    token
}

/// The messages sent to `to`, oldest first.
fn messages_to(sink: &SmtpSink, to: &str) -> Vec<Value> {
    let mut found: Vec<Value> = sink.messages().into_iter().filter(|m| m["rcpt_tos"][0] == to).collect();
    // Message-IDs are the outbox ids, UUIDv7: in the order the emails were queued.
    found.sort_by_key(|m| m["message_id"].as_str().map(str::to_string).unwrap_or_default());
    found
}

/// Waits until `to` has received `n` messages and returns the last one.
fn nth_message_to(sink: &SmtpSink, to: &str, n: usize) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let found = messages_to(sink, to);
        if found.len() >= n {
            return found[n - 1].clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "expected {n} messages to {to}, got {}",
            found.len()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

async fn ask_reset(app: &TestApp, branch: &str, email: &str) -> Response {
    app.post("/api/v1/auth/password-reset")
        .json(json!({"branch": branch, "email": email}))
        .send()
        .await
}

async fn confirm(app: &TestApp, token: &str, password: &str) -> Response {
    app.post("/api/v1/auth/password-reset/confirm")
        .json(json!({"token": token, "password": password}))
        .send()
        .await
}

async fn login_raw(app: &TestApp, branch: &str, email: &str, password: &str) -> Response {
    app.post("/api/v1/auth/login")
        .json(json!({"branch": branch, "email": email, "password": password}))
        .send()
        .await
}

async fn outbox_args(app: &TestApp) -> Vec<String> {
    Outbox::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.args)
        .collect()
}

async fn set_status(app: &TestApp, user_id: &str, status: &str) {
    let id = uuid::Uuid::parse_str(user_id).unwrap();
    crate::support::rows::set_column(app, "users", id, "status", status).await;
}

#[actix_rt::test]
async fn a_reset_link_arrives_in_the_users_language_works_once_and_ends_every_session() {
    let (app, sink, _dir) = app_with_sink().await;
    let world = World::build(&app).await;
    let old_access = world.bkk_trainee.token.clone();
    let old_refresh = login_raw(&app, "BKK", "somchai@bkk.test", PASSWORD).await.json()["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();

    let res = ask_reset(&app, "bkk", "SOMCHAI@bkk.test").await;
    assert_eq!(res.status, 202, "{}", res.text());
    assert_eq!(res.json(), json!({"status": "accepted"}));
    drain(&app).await;
    let message = nth_message_to(&sink, "somchai@bkk.test", 1);
    let subject = message["subject"].as_str().unwrap();
    assert!(subject.contains("ตั้งรหัสผ่านใหม่"), "Thai subject: {subject}");
    assert!(message["text"].as_str().unwrap().contains("60"), "{}", message["text"]);
    let token = token_in(&message, "reset-password");
    for args in outbox_args(&app).await {
        assert!(!args.contains(&token), "the outbox holds the token in clear: {args}");
    }

    // Until the link is used, the old password and sessions still work.
    assert_eq!(app.get("/api/v1/users/me").token(&old_access).send().await.status, 200);
    let weak = confirm(&app, &token, "short").await;
    assert_eq!(weak.problem(422, "validation_failed")["errors"][0]["code"], "password_too_short");
    app.login("BKK", "somchai@bkk.test", PASSWORD).await;

    let res = confirm(&app, &token, NEW_PASSWORD).await;
    assert_eq!(res.status, 204, "{}", res.text());
    // Once only.
    let again = app
        .post("/api/v1/auth/password-reset/confirm")
        .header("Accept-Language", "th")
        .json(json!({"token": token, "password": "yet another passphrase"}))
        .send()
        .await;
    let doc = again.problem(400, "password_reset_invalid");
    assert!(doc["detail"].as_str().unwrap().contains("ลิงก์"), "in the asked language: {doc}");

    login_raw(&app, "BKK", "somchai@bkk.test", PASSWORD)
        .await
        .problem(401, "invalid_credentials");
    let fresh = app.login("BKK", "somchai@bkk.test", NEW_PASSWORD).await;
    assert_eq!(app.get("/api/v1/users/me").token(&fresh).send().await.status, 200);
    assert_eq!(app.get("/api/v1/users/me").token(&old_access).send().await.status, 401);
    app.post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": old_refresh}))
        .send()
        .await
        .problem(401, "unauthenticated");
    // Another user's sessions are untouched.
    assert_eq!(app.get("/api/v1/users/me").token(&world.bkk_admin.token).send().await.status, 200);
    for args in outbox_args(&app).await {
        assert!(!args.contains(&token), "after sending either: {args}");
    }
}

#[actix_rt::test]
async fn unknown_and_known_accounts_get_the_same_answer() {
    let (app, sink, _dir) = app_with_sink().await;
    World::build(&app).await;
    let strip = |res: &Response| {
        let mut headers: Vec<(String, String)> = res
            .headers
            .iter()
            .filter(|(name, _)| !matches!(name.as_str(), "x-request-id" | "date"))
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or_default().to_string()))
            .collect();
        headers.sort();
        (res.status, res.body.clone(), headers)
    };
    let mut answers = Vec::new();
    for (branch, email) in [
        ("BKK", "somchai@bkk.test"),
        ("BKK", "nobody@bkk.test"),
        ("HAN", "somchai@bkk.test"),
        ("XYZ", "somchai@bkk.test"),
    ] {
        let started = std::time::Instant::now();
        let res = ask_reset(&app, branch, email).await;
        let took = started.elapsed();
        assert!(
            took >= std::time::Duration::from_millis(200),
            "{branch}/{email} answered in {took:?}"
        );
        answers.push(strip(&res));
    }
    assert_eq!(answers[0].0, 202);
    for other in &answers[1..] {
        assert_eq!(&answers[0], other);
    }
    drain(&app).await;
    sink.wait_for(1);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(sink.messages().len(), 1, "only the existing account gets an email");
    assert_eq!(Outbox::find().count(&app.state.db).await.unwrap(), 1);
}

#[actix_rt::test]
async fn an_expired_link_is_refused() {
    let (app, sink, _dir) = app_with_sink().await;
    World::build(&app).await;
    assert_eq!(ask_reset(&app, "HAN", "minh@han.test").await.status, 202);
    drain(&app).await;
    let token = token_in(&nth_message_to(&sink, "minh@han.test", 1), "reset-password");
    app.state.clock.advance(Duration::minutes(61));
    confirm(&app, &token, NEW_PASSWORD).await.problem(400, "password_reset_invalid");
    app.login("HAN", "minh@han.test", PASSWORD).await;
}

#[actix_rt::test]
async fn unknown_or_malformed_tokens_are_refused() {
    let app = TestApp::new().await;
    World::build(&app).await;
    confirm(&app, "A".repeat(43).as_str(), NEW_PASSWORD)
        .await
        .problem(400, "password_reset_invalid");
    confirm(&app, "bad\u{0}token", NEW_PASSWORD).await.problem(422, "validation_failed");
}

#[actix_rt::test]
async fn two_uses_of_one_link_at_once_only_one_wins() {
    let (app, sink, _dir) = app_with_sink().await;
    World::build(&app).await;
    assert_eq!(ask_reset(&app, "BKK", "somchai@bkk.test").await.status, 202);
    drain(&app).await;
    let token = token_in(&nth_message_to(&sink, "somchai@bkk.test", 1), "reset-password");
    let (a, b) = tokio::join!(
        confirm(&app, &token, "first new passphrase"),
        confirm(&app, &token, "second new passphrase")
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [204, 400], "{} / {}", a.text(), b.text());
    let winner = if a.status == 204 {
        "first new passphrase"
    } else {
        "second new passphrase"
    };
    app.login("BKK", "somchai@bkk.test", winner).await;
}

#[actix_rt::test]
async fn a_deactivated_user_gets_no_email_and_their_link_does_nothing() {
    let (app, sink, _dir) = app_with_sink().await;
    let world = World::build(&app).await;
    // A link sent while active...
    assert_eq!(ask_reset(&app, "BKK", "somchai@bkk.test").await.status, 202);
    drain(&app).await;
    let token = token_in(&nth_message_to(&sink, "somchai@bkk.test", 1), "reset-password");
    set_status(&app, &world.bkk_trainee.id, "deactivated").await;
    // ...does nothing once the user is deactivated.
    confirm(&app, &token, NEW_PASSWORD).await.problem(400, "password_reset_invalid");
    // A new request answers the same, and sends nothing.
    let before = Outbox::find().count(&app.state.db).await.unwrap();
    assert_eq!(ask_reset(&app, "BKK", "somchai@bkk.test").await.status, 202);
    assert_eq!(Outbox::find().count(&app.state.db).await.unwrap(), before);
    // The password is unchanged.
    set_status(&app, &world.bkk_trainee.id, "active").await;
    app.login("BKK", "somchai@bkk.test", PASSWORD).await;
}

#[actix_rt::test]
async fn a_password_change_ends_the_reset_links_sent_before() {
    let (app, sink, _dir) = app_with_sink().await;
    let world = World::build(&app).await;
    assert_eq!(ask_reset(&app, "BKK", "somchai@bkk.test").await.status, 202);
    drain(&app).await;
    let token = token_in(&nth_message_to(&sink, "somchai@bkk.test", 1), "reset-password");
    let res = app
        .patch("/api/v1/users/me")
        .token(&world.bkk_trainee.token)
        .json(json!({"password": "remembered it after all", "current_password": PASSWORD}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    confirm(&app, &token, NEW_PASSWORD).await.problem(400, "password_reset_invalid");
    app.login("BKK", "somchai@bkk.test", "remembered it after all").await;
}

#[actix_rt::test]
async fn an_owner_locked_out_by_wrong_guesses_signs_in_right_after_a_reset() {
    let (app, sink, _dir) = app_with_sink().await;
    World::build(&app).await;
    for _ in 0..5 {
        login_raw(&app, "BKK", "somchai@bkk.test", "what was it again")
            .await
            .problem(401, "invalid_credentials");
    }
    login_raw(&app, "BKK", "somchai@bkk.test", PASSWORD)
        .await
        .problem(429, "too_many_requests");
    assert_eq!(ask_reset(&app, "BKK", "somchai@bkk.test").await.status, 202);
    drain(&app).await;
    let token = token_in(&nth_message_to(&sink, "somchai@bkk.test", 1), "reset-password");
    assert_eq!(confirm(&app, &token, NEW_PASSWORD).await.status, 204);
    app.login("BKK", "somchai@bkk.test", NEW_PASSWORD).await;
}

#[actix_rt::test]
async fn reset_requests_are_throttled_per_account_and_per_client() {
    let app = TestApp::new().await;
    World::build(&app).await;
    for _ in 0..3 {
        assert_eq!(ask_reset(&app, "BKK", "somchai@bkk.test").await.status, 202);
    }
    let res = ask_reset(&app, "BKK", "somchai@bkk.test").await;
    res.problem(429, "too_many_requests");
    let wait: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 0 && wait <= 3600, "{wait}");
    // The same for an account that does not exist: nothing is revealed.
    for _ in 0..3 {
        assert_eq!(
            app.post("/api/v1/auth/password-reset")
                .peer("10.250.0.1:1")
                .json(json!({"branch": "BKK", "email": "ghost@bkk.test"}))
                .send()
                .await
                .status,
            202
        );
    }
    app.post("/api/v1/auth/password-reset")
        .peer("10.250.0.1:1")
        .json(json!({"branch": "BKK", "email": "ghost@bkk.test"}))
        .send()
        .await
        .problem(429, "too_many_requests");
    // The per-account bound held back emails: 3 for somchai.
    assert_eq!(Outbox::find().count(&app.state.db).await.unwrap(), 3);
    // One client asking about many accounts.
    let client = "10.251.0.1:1";
    for n in 0..10 {
        let res = app
            .post("/api/v1/auth/password-reset")
            .peer(client)
            .json(json!({"branch": "BKK", "email": format!("someone{n}@bkk.test")}))
            .send()
            .await;
        assert_eq!(res.status, 202, "{n}: {}", res.text());
    }
    app.post("/api/v1/auth/password-reset")
        .peer(client)
        .json(json!({"branch": "HAN", "email": "minh@han.test"}))
        .send()
        .await
        .problem(429, "too_many_requests");
    // Other clients are not held back.
    assert_eq!(ask_reset(&app, "HAN", "minh@han.test").await.status, 202);
}

#[actix_rt::test]
async fn reset_confirmations_are_throttled_per_client() {
    let (app, sink, _dir) = app_with_sink().await;
    World::build(&app).await;
    assert_eq!(ask_reset(&app, "BKK", "somchai@bkk.test").await.status, 202);
    drain(&app).await;
    let token = token_in(&nth_message_to(&sink, "somchai@bkk.test", 1), "reset-password");
    let guesser = "10.252.0.1:1";
    for n in 0..10 {
        app.post("/api/v1/auth/password-reset/confirm")
            .peer(guesser)
            .json(json!({"token": format!("{n:0>43}"), "password": NEW_PASSWORD}))
            .send()
            .await
            .problem(400, "password_reset_invalid");
    }
    // Even the right token is held back for this client now.
    let res = app
        .post("/api/v1/auth/password-reset/confirm")
        .peer(guesser)
        .json(json!({"token": token, "password": NEW_PASSWORD}))
        .send()
        .await;
    res.problem(429, "too_many_requests");
    assert!(res.header("retry-after").is_some());
    // The owner, from their own client, is not.
    assert_eq!(confirm(&app, &token, NEW_PASSWORD).await.status, 204);
    app.login("BKK", "somchai@bkk.test", NEW_PASSWORD).await;
}

#[actix_rt::test]
async fn an_admin_sends_a_reset_link_to_a_user_of_their_scope() {
    let (app, sink, _dir) = app_with_sink().await;
    let world = World::build(&app).await;
    let path = format!("/api/v1/users/{}/password-reset", world.han_trainee.id);
    // Outside the scope: 404; a trainee: 403.
    app.post(&path).token(&world.bkk_admin.token).send().await.problem(404, "not_found");
    app.post(&path)
        .token(&world.han_trainee.token)
        .send()
        .await
        .problem(403, "forbidden");
    app.post("/api/v1/users/0190f3a0-0000-7000-8000-000000000000/password-reset")
        .token(&world.hq.token)
        .send()
        .await
        .problem(404, "not_found");
    let res = app.post(&path).token(&world.han_admin.token).send().await;
    assert_eq!(res.status, 202, "{}", res.text());
    drain(&app).await;
    let message = nth_message_to(&sink, "minh@han.test", 1);
    assert!(
        message["subject"].as_str().unwrap().contains("Đặt mật khẩu mới"),
        "Vietnamese: {}",
        message["subject"]
    );
    let token = token_in(&message, "reset-password");
    assert_eq!(confirm(&app, &token, NEW_PASSWORD).await.status, 204);
    app.login("HAN", "minh@han.test", NEW_PASSWORD).await;
    // Headquarters may too.
    assert_eq!(app.post(&path).token(&world.hq.token).send().await.status, 202);
    // An invited user has no password to reset: send the invitation again instead.
    let invited = create_user(&app, &world.han_admin.token, "HAN", "new@han.test", "trainee", "vi", None).await;
    app.post(&format!("/api/v1/users/{}/password-reset", invited["id"].as_str().unwrap()))
        .token(&world.han_admin.token)
        .send()
        .await
        .problem(409, "user_not_active");
    // Throttled per user.
    for _ in 0..3 {
        assert_eq!(app.post(&path).token(&world.han_admin.token).send().await.status, 202);
    }
    app.post(&path)
        .token(&world.han_admin.token)
        .send()
        .await
        .problem(429, "too_many_requests");
}

#[actix_rt::test]
async fn an_invitation_sent_again_replaces_the_old_link() {
    let (app, sink, _dir) = app_with_sink().await;
    let world = World::build(&app).await;
    let invited = create_user(&app, &world.bkk_admin.token, "BKK", "late@bkk.test", "trainee", "th", None).await;
    assert_eq!(invited["invitation"], "pending");
    let id = invited["id"].as_str().unwrap().to_string();
    drain(&app).await;
    let first = token_in(&nth_message_to(&sink, "late@bkk.test", 1), "accept-invite");

    // Eight days later the link has expired, and re-creating the user is refused...
    app.state.clock.advance(Duration::days(8));
    let admin = app.login("BKK", "admin@bkk.test", PASSWORD).await;
    let trainee = app.login("BKK", "somchai@bkk.test", PASSWORD).await;
    let han_admin = app.login("HAN", "admin@han.test", PASSWORD).await;
    let list = app.get("/api/v1/branches/BKK/users").token(&admin).send().await;
    let rows = list.json()["items"].as_array().unwrap().clone();
    let state_of = |email: &str| rows.iter().find(|u| u["email"] == email).unwrap()["invitation"].clone();
    assert_eq!(state_of("late@bkk.test"), "expired");
    assert_eq!(state_of("somchai@bkk.test"), Value::Null, "created with a password");
    let taken = app
        .post("/api/v1/branches/BKK/users")
        .token(&admin)
        .json(json!({"email": "late@bkk.test", "display_name": "Late", "role": "trainee", "locale": "th"}))
        .send()
        .await;
    let doc = taken.problem(409, "email_taken");
    assert!(
        doc["detail"].as_str().unwrap().contains("/invitation"),
        "points to re-sending: {doc}"
    );

    // ...but it can be sent again: a new link, the old one dead.
    let path = format!("/api/v1/users/{id}/invitation");
    app.post(&path).token(&han_admin).send().await.problem(404, "not_found");
    app.post(&path).token(&trainee).send().await.problem(403, "forbidden");
    let res = app.post(&path).token(&admin).send().await;
    assert_eq!(res.status, 202, "{}", res.text());
    assert_eq!(res.json()["invitation"], "pending");
    assert_eq!(res.json()["status"], "invited");
    drain(&app).await;
    let message = nth_message_to(&sink, "late@bkk.test", 2);
    assert!(
        message["subject"].as_str().unwrap().contains("บัญชี Zhijiang"),
        "Thai: {}",
        message["subject"]
    );
    let second = token_in(&message, "accept-invite");
    assert_ne!(first, second);
    for args in outbox_args(&app).await {
        assert!(!args.contains(&second), "the outbox holds the invitation token in clear: {args}");
    }

    // Sent again a second time: the second link dies too.
    assert_eq!(app.post(&path).token(&admin).send().await.status, 202);
    drain(&app).await;
    let third = token_in(&nth_message_to(&sink, "late@bkk.test", 3), "accept-invite");
    for dead in [&first, &second] {
        app.post("/api/v1/auth/accept-invite")
            .json(json!({"token": dead, "password": NEW_PASSWORD}))
            .send()
            .await
            .problem(400, "invitation_invalid");
    }
    let accepted = app
        .post("/api/v1/auth/accept-invite")
        .json(json!({"token": third, "password": NEW_PASSWORD}))
        .send()
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    let token = accepted.json()["access_token"].as_str().unwrap().to_string();
    let me = app.get("/api/v1/users/me").token(&token).send().await.json();
    assert_eq!(me["invitation"], "accepted");
    assert_eq!(me["status"], "active");

    // An accepted user gets no new invitation.
    app.post(&path).token(&admin).send().await.problem(409, "not_invited");
    // Nor does a user created with a password.
    app.post(&format!("/api/v1/users/{}/invitation", world.bkk_trainee.id))
        .token(&admin)
        .send()
        .await
        .problem(409, "not_invited");
    let list = app.get("/api/v1/branches/BKK/users").token(&admin).send().await;
    let rows = list.json()["items"].as_array().unwrap().clone();
    assert_eq!(
        rows.iter().find(|u| u["email"] == "late@bkk.test").unwrap()["invitation"],
        "accepted"
    );
}

#[actix_rt::test]
async fn sending_invitations_again_is_throttled() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let invited = create_user(&app, &world.bkk_admin.token, "BKK", "again@bkk.test", "trainee", "th", None).await;
    let path = format!("/api/v1/users/{}/invitation", invited["id"].as_str().unwrap());
    for _ in 0..5 {
        assert_eq!(app.post(&path).token(&world.bkk_admin.token).send().await.status, 202);
    }
    let res = app.post(&path).token(&world.bkk_admin.token).send().await;
    res.problem(429, "too_many_requests");
    assert!(res.header("retry-after").is_some());
    // An hour later it may be sent again.
    app.state.clock.advance(Duration::minutes(61));
    let admin = app.login("BKK", "admin@bkk.test", PASSWORD).await;
    assert_eq!(app.post(&path).token(&admin).send().await.status, 202);
}
