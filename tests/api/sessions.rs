//! Issue 14, own sessions and the saved locale: a user lists the sessions
//! (refresh-token families) they are signed in with, by device; ends one
//! (its refresh token is refused, the others carry on); or signs out
//! everywhere (refresh and access tokens refused). A language change speaks
//! from the very next request, with the same token, on every node.

use crate::support::world::{PASSWORD, create_user};
use crate::support::{Response, TestApp, World, postgres_url};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ANDROID_CHROME: &str =
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";
const WINDOWS_FIREFOX: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0";

struct Pair {
    access: String,
    refresh: String,
}

fn pair_of(res: &Response) -> Pair {
    assert_eq!(res.status, 200, "{}", res.text());
    let body = res.json();
    Pair {
        access: body["access_token"].as_str().unwrap().to_string(),
        refresh: body["refresh_token"].as_str().unwrap().to_string(),
    }
}

async fn sign_in_with(app: &TestApp, email: &str, user_agent: &[u8]) -> Pair {
    let res = app
        .post("/api/v1/auth/login")
        .raw_header("User-Agent", user_agent)
        .json(json!({"branch": "BKK", "email": email, "password": PASSWORD}))
        .send()
        .await;
    pair_of(&res)
}

async fn refresh(app: &TestApp, token: &str) -> Response {
    app.post("/api/v1/auth/refresh").json(json!({"refresh_token": token})).send().await
}

async fn sessions(app: &TestApp, token: &str) -> Vec<Value> {
    let res = app.get("/api/v1/users/me/sessions").token(token).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("cache-control").as_deref(), Some("no-store"));
    res.json()["items"].as_array().unwrap().clone()
}

async fn me(app: &TestApp, token: &str) -> u16 {
    app.get("/api/v1/users/me").token(token).send().await.status
}

/// A trainee of BKK with no session yet.
async fn fresh_trainee(app: &TestApp, world: &World, email: &str) -> Value {
    create_user(app, &world.bkk_admin.token, "BKK", email, "trainee", "th", Some(PASSWORD)).await
}

#[actix_rt::test]
async fn sessions_are_listed_by_device_and_ending_one_leaves_the_others() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    fresh_trainee(&app, &world, "pim@bkk.test").await;
    let phone = sign_in_with(&app, "pim@bkk.test", ANDROID_CHROME.as_bytes()).await;
    let laptop = sign_in_with(&app, "pim@bkk.test", WINDOWS_FIREFOX.as_bytes()).await;

    let listed = sessions(&app, &phone.access).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0]["device"], "Chrome on Android");
    assert_eq!(listed[1]["device"], "Firefox on Windows");
    assert_eq!(listed[0]["current"], true);
    assert_eq!(listed[1]["current"], false);
    for s in &listed {
        let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 5, "id, device, created_at, last_used_at, current: {s}");
        assert_eq!(s["created_at"], s["last_used_at"], "not refreshed yet");
    }
    let phone_id = listed[0]["id"].as_str().unwrap().to_string();
    let laptop_id = listed[1]["id"].as_str().unwrap().to_string();
    // From the laptop, the laptop is current.
    let from_laptop = sessions(&app, &laptop.access).await;
    assert_eq!(from_laptop[1]["current"], true);
    assert_eq!(from_laptop[0]["current"], false);

    // A refresh keeps the session, moves its last use, and stays current.
    app.clock_tick();
    let laptop = pair_of(&refresh(&app, &laptop.refresh).await);
    let after = sessions(&app, &laptop.access).await;
    assert_eq!(after.len(), 2);
    assert_eq!(after[1]["id"], laptop_id.as_str());
    assert_eq!(after[1]["current"], true);
    assert_eq!(after[1]["created_at"], listed[1]["created_at"]);
    assert!(after[1]["last_used_at"].as_str() > listed[1]["last_used_at"].as_str(), "{after:?}");

    // Another user's session, an unknown one, and a malformed id: 404.
    let other = sessions(&app, &world.bkk_trainee.token).await;
    let others_id = other[0]["id"].as_str().unwrap();
    for id in [others_id, "0190f1a2-0000-7000-8000-000000000000", "not-a-uuid"] {
        let res = app
            .delete(&format!("/api/v1/users/me/sessions/{id}"))
            .token(&laptop.access)
            .send()
            .await;
        res.problem(404, "not_found");
    }
    // ... and the other user's session is untouched.
    assert_eq!(sessions(&app, &world.bkk_trainee.token).await.len(), other.len());
    // Nor can an administrator end a trainee's session through this path.
    let res = app
        .delete(&format!("/api/v1/users/me/sessions/{phone_id}"))
        .token(&world.bkk_admin.token)
        .send()
        .await;
    assert_eq!(res.status, 404);

    // The laptop ends the phone's session.
    let res = app
        .delete(&format!("/api/v1/users/me/sessions/{phone_id}"))
        .token(&laptop.access)
        .send()
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    refresh(&app, &phone.refresh).await.problem(401, "unauthenticated");
    // As with logout, access tokens end too; the laptop refreshes and carries on.
    assert_eq!(me(&app, &phone.access).await, 401);
    assert_eq!(me(&app, &laptop.access).await, 401);
    let laptop = pair_of(&refresh(&app, &laptop.refresh).await);
    assert_eq!(me(&app, &laptop.access).await, 200);
    let left = sessions(&app, &laptop.access).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["id"], laptop_id.as_str());
    // Ended once is gone: a second time is 404.
    let res = app
        .delete(&format!("/api/v1/users/me/sessions/{phone_id}"))
        .token(&laptop.access)
        .send()
        .await;
    assert_eq!(res.status, 404);

    // Audited, with the session named.
    let log = app
        .get("/api/v1/audit?action=user.session_end")
        .token(&world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(log["items"].as_array().unwrap().len(), 1, "{log}");
    assert_eq!(log["items"][0]["details"]["session"], phone_id.as_str());
}

#[actix_rt::test]
async fn signing_out_everywhere_refuses_every_refresh_and_access_token() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    fresh_trainee(&app, &world, "pim@bkk.test").await;
    let phone = sign_in_with(&app, "pim@bkk.test", ANDROID_CHROME.as_bytes()).await;
    let laptop = sign_in_with(&app, "pim@bkk.test", WINDOWS_FIREFOX.as_bytes()).await;
    assert_eq!(me(&app, &phone.access).await, 200);

    let res = app.post("/api/v1/users/me/sessions/end-all").token(&laptop.access).send().await;
    assert_eq!(res.status, 204, "{}", res.text());
    for token in [&phone.access, &laptop.access] {
        assert_eq!(me(&app, token).await, 401);
    }
    for token in [&phone.refresh, &laptop.refresh] {
        refresh(&app, token).await.problem(401, "unauthenticated");
    }
    // Other users carry on.
    assert_eq!(me(&app, &world.bkk_trainee.token).await, 200);
    // Signing in again starts a single new session.
    let again = sign_in_with(&app, "pim@bkk.test", b"curl/8.5.0").await;
    let listed = sessions(&app, &again.access).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["device"], "curl");
    let log = app
        .get("/api/v1/audit?action=user.sessions_end_all")
        .token(&world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(log["items"].as_array().unwrap().len(), 1, "{log}");
    // Without a token: 401.
    let res = app.post("/api/v1/users/me/sessions/end-all").send().await;
    res.problem(401, "unauthenticated");
}

#[actix_rt::test]
async fn hostile_user_agents_give_short_plain_labels_or_none() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    fresh_trainee(&app, &world, "pim@bkk.test").await;
    let long = "A".repeat(16 * 1024);
    let padded = format!("{}Chrome/1 (Android)", "x".repeat(4096));
    let hostile: Vec<&[u8]> = vec![
        b"<script>alert(1)</script>",
        b"\"><img src=x onerror=alert(1)>",
        long.as_bytes(),
        padded.as_bytes(),
        b"Chrome/1\t\t<b>bold</b>",
        b"\xff\xfe\x80 not UTF-8",
        "\u{202e}evil\u{200b}".as_bytes(),
        "名前/1.0 (Linux)".as_bytes(),
        b"' OR 1=1 --",
        b"",
    ];
    let mut token = String::new();
    for ua in &hostile {
        token = sign_in_with(&app, "pim@bkk.test", ua).await.access;
    }
    // And one with no User-Agent at all.
    let res = app
        .post("/api/v1/auth/login")
        .json(json!({"branch": "BKK", "email": "pim@bkk.test", "password": PASSWORD}))
        .send()
        .await;
    pair_of(&res);
    let listed = sessions(&app, &token).await;
    assert_eq!(listed.len(), hostile.len() + 1);
    for s in &listed {
        match s["device"].as_str() {
            None => assert!(s["device"].is_null()),
            Some(label) => {
                assert!((1..=64).contains(&label.len()), "{label:?}");
                assert!(label.chars().all(|c| c.is_ascii_alphanumeric() || " ._-".contains(c)), "{label:?}");
            }
        }
    }
    // Paged like every list: the pages together are the whole list, in order.
    let mut paged = Vec::new();
    let mut cursor = String::new();
    loop {
        let res = app
            .get(&format!("/api/v1/users/me/sessions?limit=4&cursor={cursor}"))
            .token(&token)
            .send()
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        let page = res.json();
        paged.extend(page["items"].as_array().unwrap().iter().map(|s| s["id"].clone()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => break,
        }
    }
    assert_eq!(paged, listed.iter().map(|s| s["id"].clone()).collect::<Vec<_>>());
    let labels: Vec<Option<&str>> = listed.iter().map(|s| s["device"].as_str()).collect();
    assert_eq!(labels[0], Some("scriptalert"));
    assert_eq!(labels[2], Some(&"A".repeat(32)[..]));
    assert_eq!(labels[3], Some(&"x".repeat(32)[..]), "only a bounded prefix is read");
    assert_eq!(labels[4], Some("Chrome"));
    assert_eq!(labels[7], Some("Linux"));
    assert_eq!(labels[9], None);
    assert_eq!(labels[10], None);
}

/// The 404 title a token gets (in the language answers speak to its user).
async fn not_found_title(app: &TestApp, token: &str) -> (String, Option<String>) {
    let res = app.get("/api/v1/branches/HAN").token(token).send().await;
    let doc = res.problem(404, "not_found");
    (doc["title"].as_str().unwrap().to_string(), res.header("content-language"))
}

async fn branch_name(app: &TestApp, token: &str) -> String {
    let res = app.get("/api/v1/branches/BKK").token(token).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["name"].as_str().unwrap().to_string()
}

#[actix_rt::test]
async fn a_new_locale_speaks_from_the_very_next_request_with_the_same_token_on_every_node() {
    let a = TestApp::new().await;
    let second = match postgres_url() {
        Some(_) => Some(a.another_node(|_| {}).await),
        None => None,
    };
    let b = second.as_ref().unwrap_or(&a);
    let world = World::build(&a).await;
    let token = world.bkk_trainee.token.clone();
    // Saved locale Thai: answers are Thai, on both nodes (now cached there).
    for node in [&a, b] {
        assert_eq!(
            not_found_title(node, &token).await,
            ("ไม่พบข้อมูล".to_string(), Some("th".to_string()))
        );
        assert_eq!(branch_name(node, &token).await, "BKK local name");
    }

    let res = a.patch("/api/v1/users/me").token(&token).json(json!({"locale": "en"})).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["locale"], "en");
    // The very next request, same token, same node: English.
    assert_eq!(not_found_title(&a, &token).await, ("Not found".to_string(), Some("en".to_string())));
    assert_eq!(branch_name(&a, &token).await, "BKK campus");
    // The other node hears of it within a second.
    let started = Instant::now();
    loop {
        let (title, _) = not_found_title(b, &token).await;
        if title == "Not found" {
            println!("locale change: seen on the other node after {} ms", started.elapsed().as_millis());
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(1), "still {title}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(branch_name(b, &token).await, "BKK campus");
    // An explicit request still wins over the saved locale.
    let res = a.get("/api/v1/branches/HAN?lang=vi").token(&token).send().await;
    assert_eq!(res.problem(404, "not_found")["title"], "Không tìm thấy");
    // A token from a new sign-in speaks it too, and so does a refreshed one.
    let fresh = a.login("BKK", &world.bkk_trainee.email, PASSWORD).await;
    assert_eq!(not_found_title(&a, &fresh).await.0, "Not found");

    // Back to Thai, then Vietnamese: each the very next request.
    for (locale, title) in [("th", "ไม่พบข้อมูล"), ("vi", "Không tìm thấy")] {
        let res = a
            .patch("/api/v1/users/me")
            .token(&token)
            .json(json!({"locale": locale}))
            .send()
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        assert_eq!(not_found_title(&a, &token).await.0, title);
    }
    // Audited.
    let log = a
        .get("/api/v1/audit?action=user.locale_change")
        .token(&world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(log["items"].as_array().unwrap().len(), 3, "{log}");
}
