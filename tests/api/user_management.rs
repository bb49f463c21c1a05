//! Issue 14, user management: administrators read and correct a user
//! (name, email, locale, role), deactivate and reactivate them, and find
//! users of a branch by name or email regardless of case and accents.
//! Deactivation ends the user's access at once, on every node.

use crate::support::world::{PASSWORD, create_user};
use crate::support::{Response, TestApp, World, postgres_url};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use zhijiang::notifications::worker::Worker;

const WITHIN: Duration = Duration::from_secs(1);

fn user_path(id: &str) -> String {
    format!("/api/v1/users/{id}")
}

async fn get_user(app: &TestApp, token: &str, id: &str) -> Response {
    app.get(&user_path(id)).token(token).send().await
}

async fn patch_user(app: &TestApp, token: &str, id: &str, body: Value) -> Response {
    app.patch(&user_path(id)).token(token).json(body).send().await
}

async fn act(app: &TestApp, token: &str, id: &str, action: &str) -> Response {
    app.post(&format!("/api/v1/users/{id}/{action}")).token(token).send().await
}

/// The field codes of a 422 answer.
#[track_caller]
fn field_codes(res: &Response) -> Vec<(String, String)> {
    let doc = res.problem(422, "validation_failed");
    doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string()))
        .collect()
}

/// The audit entries of `action` on user `id` (read by HQ).
async fn audit(app: &TestApp, hq: &str, action: &str, id: &str) -> Vec<Value> {
    let res = app
        .get(&format!("/api/v1/audit?action={action}&record_id={id}"))
        .token(hq)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["items"].as_array().unwrap().clone()
}

/// Creates a user with this display name and a password; returns its id.
async fn named_user(app: &TestApp, token: &str, branch: &str, email: &str, name: &str, role: &str) -> String {
    let res = app
        .post(&format!("/api/v1/branches/{branch}/users"))
        .token(token)
        .json(json!({"email": email, "display_name": name, "role": role, "locale": "en", "password": PASSWORD}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["id"].as_str().unwrap().to_string()
}

/// The invitation token in the newest mail file sent to `recipient`.
fn invitation_token(app: &TestApp, recipient: &str) -> Option<String> {
    let mut files: Vec<_> = std::fs::read_dir(&app.state.config.mail_dir)
        .ok()?
        .flatten()
        .map(|f| (f.metadata().and_then(|m| m.modified()).ok(), f.path()))
        .collect();
    files.sort();
    files.iter().rev().find_map(|(_, path)| {
        let eml = std::fs::read_to_string(path).ok()?;
        let to = eml.lines().find(|l| l.to_ascii_lowercase().starts_with("to:"))?;
        if !to.contains(recipient) {
            return None;
        }
        let body = readable(&eml);
        let token: String = body
            .split("token=")
            .nth(1)?
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        Some(token)
    })
}

/// A mail file's text with its base64 parts decoded and quoted-printable
/// soft line breaks joined, so that a link can be found in it.
fn readable(eml: &str) -> String {
    use base64::Engine;
    let mut text = eml.replace("=\r\n", "").replace("=\n", "");
    let mut chunk = String::new();
    for line in eml.lines().chain(std::iter::once("")) {
        let line = line.trim_end();
        if !line.is_empty() && line.chars().all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c)) {
            chunk.push_str(line);
        } else if !chunk.is_empty() {
            if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(&chunk) {
                text.push('\n');
                text.push_str(&String::from_utf8_lossy(&bytes));
            }
            chunk.clear();
        }
    }
    text
}

async fn send_mail(app: &TestApp) {
    Worker::new(app.state.clone()).unwrap().drain_once().await.unwrap();
}

#[actix_rt::test]
async fn admins_read_and_correct_users_in_their_scope_only() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;

    // HQ reads anyone; the DTO has the status.
    let res = get_user(&app, &w.hq.token, &w.bkk_trainee.id).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let user = res.json();
    assert_eq!(user["branch"], "BKK");
    assert_eq!(user["email"], "somchai@bkk.test");
    assert_eq!(user["status"], "active");
    assert_eq!(user["role"], "trainee");

    // A branch admin reads their branch; other branches and HQ are missing.
    assert_eq!(get_user(&app, &w.bkk_admin.token, &w.bkk_trainee.id).await.status, 200);
    get_user(&app, &w.bkk_admin.token, &w.han_trainee.id)
        .await
        .problem(404, "not_found");
    get_user(&app, &w.bkk_admin.token, &w.hq.id).await.problem(404, "not_found");
    get_user(&app, &w.bkk_admin.token, &uuid::Uuid::now_v7().to_string())
        .await
        .problem(404, "not_found");
    // Trainees manage nobody, not even themselves through this path.
    get_user(&app, &w.bkk_trainee.token, &w.bkk_trainee.id)
        .await
        .problem(403, "forbidden");
    patch_user(&app, &w.bkk_trainee.token, &w.bkk_trainee.id, json!({"display_name": "x"}))
        .await
        .problem(403, "forbidden");
    assert_eq!(app.get(&user_path(&w.bkk_trainee.id)).send().await.status, 401);
    // `me` still answers the caller, not a user called "me".
    assert_eq!(app.me_status(&w.bkk_admin.token).await, 200);

    // The branch admin corrects their trainee.
    let res = patch_user(
        &app,
        &w.bkk_admin.token,
        &w.bkk_trainee.id,
        json!({"display_name": "  สมชาย ใจดี ", "locale": "en"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let user = res.json();
    assert_eq!(user["display_name"], "สมชาย ใจดี");
    assert_eq!(user["locale"], "en");
    assert_eq!(user["status"], "active");
    // The trainee's session carries on (only a role change ends it).
    assert_eq!(app.me_status(&w.bkk_trainee.token).await, 200);
    // Audited with the changed fields, by the admin.
    let entries = audit(&app, &w.hq.token, "user.update", &w.bkk_trainee.id).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    let changed = &entries[0]["details"]["changed"];
    assert_eq!(changed["display_name"]["to"], "สมชาย ใจดี");
    assert_eq!(changed["display_name"]["from"], "trainee of BKK");
    assert_eq!(changed["locale"], json!({"from": "th", "to": "en"}));
    assert_eq!(entries[0]["details"]["invitation_resent"], false);
    assert!(changed.get("email").is_none());
    assert_eq!(entries[0]["actor_user_id"], w.bkk_admin.id.as_str());
    // Sending the same values again changes (and audits) nothing.
    let res = patch_user(&app, &w.bkk_admin.token, &w.bkk_trainee.id, json!({"display_name": "สมชาย ใจดี"})).await;
    assert_eq!(res.status, 200);
    assert_eq!(audit(&app, &w.hq.token, "user.update", &w.bkk_trainee.id).await.len(), 1);

    // Other branches' users are missing for writes too.
    patch_user(&app, &w.bkk_admin.token, &w.han_trainee.id, json!({"display_name": "x"}))
        .await
        .problem(404, "not_found");
    patch_user(&app, &w.bkk_admin.token, &w.hq.id, json!({"display_name": "x"}))
        .await
        .problem(404, "not_found");
    // A branch admin manages trainees, not another admin of the branch.
    let other_admin = named_user(&app, &w.hq.token, "BKK", "second.admin@bkk.test", "Second admin", "branch_admin").await;
    patch_user(&app, &w.bkk_admin.token, &other_admin, json!({"display_name": "x"}))
        .await
        .problem(403, "forbidden");
    act(&app, &w.bkk_admin.token, &other_admin, "deactivate")
        .await
        .problem(403, "forbidden");
    // ... but may correct their own name.
    let res = patch_user(&app, &w.bkk_admin.token, &w.bkk_admin.id, json!({"display_name": "BKK Admin"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    // HQ corrects anyone.
    let res = patch_user(&app, &w.hq.token, &w.han_trainee.id, json!({"display_name": "Lê Minh"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["branch"], "HAN");
}

#[actix_rt::test]
async fn email_changes_are_normalized_unique_per_branch_and_redirect_a_pending_invitation() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;

    // Fullwidth letters and spaces: stored as NFKC, trimmed, case kept.
    let res = patch_user(
        &app,
        &w.bkk_admin.token,
        &w.bkk_trainee.id,
        json!({"email": "  ＳＯＭＣＨＡＩ.J@BKK.test "}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["email"], "SOMCHAI.J@BKK.test");
    // The user signs in with the new address in any case, not the old one.
    app.sign_in("BKK", "somchai.j@bkk.test", PASSWORD).await;
    app.post("/api/v1/auth/login")
        .json(json!({"branch": "BKK", "email": "somchai@bkk.test", "password": PASSWORD}))
        .send()
        .await
        .problem(401, "invalid_credentials");
    let entries = audit(&app, &w.hq.token, "user.update", &w.bkk_trainee.id).await;
    assert_eq!(
        entries[0]["details"]["changed"]["email"],
        json!({"from": "somchai@bkk.test", "to": "SOMCHAI.J@BKK.test"})
    );

    // Another user's address, in another case or width: 409, nothing changed.
    let res = patch_user(&app, &w.bkk_admin.token, &w.bkk_trainee.id, json!({"email": "ADMIN@bkk.test"})).await;
    res.problem(409, "email_taken");
    let res = patch_user(&app, &w.bkk_admin.token, &w.bkk_trainee.id, json!({"email": "ａｄｍｉｎ@bkk.test"})).await;
    res.problem(409, "email_taken");
    assert_eq!(
        get_user(&app, &w.hq.token, &w.bkk_trainee.id).await.json()["email"],
        "SOMCHAI.J@BKK.test"
    );
    // Unique per branch: HAN's admin address is free in BKK.
    let res = patch_user(&app, &w.bkk_admin.token, &w.bkk_trainee.id, json!({"email": "admin@han.test"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    // A change of case alone is kept (the account stays the same).
    let res = patch_user(&app, &w.bkk_admin.token, &w.bkk_trainee.id, json!({"email": "Admin@HAN.test"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["email"], "Admin@HAN.test");

    // Bad addresses are field errors.
    for (email, code) in [
        ("not-an-email", "invalid_email"),
        ("s\u{043E}mchai@bkk.test", "mixed_scripts"),
        ("somchai\u{200B}@bkk.test", "invalid_characters"),
        ("a\r\nBcc: x@y.test", "invalid_characters"),
    ] {
        let res = patch_user(&app, &w.bkk_admin.token, &w.bkk_trainee.id, json!({"email": email})).await;
        assert_eq!(field_codes(&res), vec![("email".to_string(), code.to_string())], "{email:?}");
    }

    // An invited user with a typo in the address: the fix sends a new
    // invitation to the right address and the old link stops working.
    create_user(&app, &w.bkk_admin.token, "BKK", "typo@bkk.tset", "trainee", "th", None).await;
    let invited = app
        .get("/api/v1/branches/BKK/users?q=typo")
        .token(&w.bkk_admin.token)
        .send()
        .await
        .json()["items"][0]
        .clone();
    let id = invited["id"].as_str().unwrap();
    send_mail(&app).await;
    let old_token = invitation_token(&app, "typo@bkk.tset").expect("first invitation");
    let res = patch_user(&app, &w.bkk_admin.token, id, json!({"email": "typo@bkk.test"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "invited");
    send_mail(&app).await;
    let new_token = invitation_token(&app, "typo@bkk.test").expect("invitation to the corrected address");
    assert_ne!(old_token, new_token);
    app.post("/api/v1/auth/accept-invite")
        .json(json!({"token": old_token, "password": "a new good password"}))
        .send()
        .await
        .problem(400, "invitation_invalid");
    let res = app
        .post("/api/v1/auth/accept-invite")
        .json(json!({"token": new_token, "password": "a new good password"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let entries = audit(&app, &w.hq.token, "user.update", id).await;
    assert_eq!(entries[0]["details"]["invitation_resent"], true);
}

#[actix_rt::test]
async fn only_headquarters_changes_roles_and_never_across_the_hq_line() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;

    // A branch admin may not change roles at all.
    patch_user(&app, &w.bkk_admin.token, &w.bkk_trainee.id, json!({"role": "branch_admin"}))
        .await
        .problem(403, "role_change_not_allowed");
    patch_user(&app, &w.bkk_admin.token, &w.bkk_admin.id, json!({"role": "branch_admin"}))
        .await
        .problem(403, "role_change_not_allowed");
    // Localized: the Vietnamese admin reads it in Vietnamese.
    let doc = patch_user(&app, &w.han_admin.token, &w.han_trainee.id, json!({"role": "branch_admin"}))
        .await
        .problem(403, "role_change_not_allowed");
    assert_eq!(doc["title"], "Không được phép đổi vai trò");

    // Never across the HQ/branch line, either way.
    let res = patch_user(&app, &w.hq.token, &w.bkk_trainee.id, json!({"role": "hq_admin"})).await;
    assert_eq!(field_codes(&res), vec![("role".to_string(), "role_crosses_hq".to_string())]);
    let res = patch_user(&app, &w.hq.token, &w.bkk_admin.id, json!({"role": "hq_admin"})).await;
    assert_eq!(field_codes(&res), vec![("role".to_string(), "role_crosses_hq".to_string())]);
    let res = patch_user(&app, &w.hq.token, &w.hq.id, json!({"role": "branch_admin"})).await;
    assert_eq!(field_codes(&res), vec![("role".to_string(), "role_crosses_hq".to_string())]);
    let doc = patch_user(&app, &w.hq.token, &w.hq.id, json!({"role": "trainee"}))
        .await
        .problem(422, "validation_failed");
    assert!(doc["errors"][0]["message"].as_str().unwrap().contains("HQ administrator"));
    let res = patch_user(&app, &w.hq.token, &w.bkk_trainee.id, json!({"role": "superuser"})).await;
    assert_eq!(field_codes(&res), vec![("role".to_string(), "invalid_choice".to_string())]);
    // Nothing was changed by any of these.
    assert_eq!(get_user(&app, &w.hq.token, &w.bkk_trainee.id).await.json()["role"], "trainee");
    assert!(audit(&app, &w.hq.token, "user.update", &w.bkk_trainee.id).await.is_empty());

    // HQ promotes the trainee: the old token (which claims `trainee`) ends,
    // the next sign-in carries the new role.
    assert_eq!(app.me_status(&w.bkk_trainee.token).await, 200);
    let res = patch_user(&app, &w.hq.token, &w.bkk_trainee.id, json!({"role": "branch_admin"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["role"], "branch_admin");
    assert_eq!(app.me_status(&w.bkk_trainee.token).await, 401);
    let (token, _) = app.sign_in("BKK", &w.bkk_trainee.email, PASSWORD).await;
    assert_eq!(app.get("/api/v1/branches/BKK/users").token(&token).send().await.status, 200);
    let entries = audit(&app, &w.hq.token, "user.update", &w.bkk_trainee.id).await;
    assert_eq!(
        entries[0]["details"]["changed"]["role"],
        json!({"from": "trainee", "to": "branch_admin"})
    );
}

/// Polls until `node` refuses `token`; panics after `WITHIN`.
async fn refused_within(node: &TestApp, token: &str) -> Duration {
    let started = Instant::now();
    loop {
        if node.me_status(token).await == 401 {
            return started.elapsed();
        }
        assert!(started.elapsed() < WITHIN, "still accepted after {WITHIN:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[actix_rt::test]
async fn deactivation_ends_access_at_once_on_every_node_and_reactivation_restores_sign_in() {
    let a = TestApp::new().await;
    // On PostgreSQL a second node shares the database; SQLite serves one node.
    let second = match postgres_url() {
        Some(_) => Some(a.another_node(|_| {}).await),
        None => None,
    };
    let b = second.as_ref().unwrap_or(&a);
    let w = World::build(&a).await;

    let (token, refresh) = a.sign_in("BKK", &w.bkk_trainee.email, PASSWORD).await;
    let (token_b, refresh_b) = b.sign_in("BKK", &w.bkk_trainee.email, PASSWORD).await;
    // Both nodes have verified and cached the trainee's tokens.
    for _ in 0..2 {
        assert_eq!(a.me_status(&token).await, 200);
        assert_eq!(b.me_status(&token).await, 200);
        assert_eq!(b.me_status(&token_b).await, 200);
    }

    let res = act(&a, &w.bkk_admin.token, &w.bkk_trainee.id, "deactivate").await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "deactivated");
    // The node that deactivated refuses at once, the other within a second.
    assert_eq!(a.me_status(&token).await, 401);
    let took = refused_within(b, &token).await;
    println!("deactivation: refused on the other node after {} ms", took.as_millis());
    refused_within(b, &token_b).await;
    // Refresh tokens are refused too, on either node; so is signing in.
    for (node, refresh) in [(&a, &refresh), (b, &refresh_b)] {
        node.post("/api/v1/auth/refresh")
            .json(json!({"refresh_token": refresh}))
            .send()
            .await
            .problem(401, "unauthenticated");
    }
    b.post("/api/v1/auth/login")
        .json(json!({"branch": "BKK", "email": w.bkk_trainee.email, "password": PASSWORD}))
        .send()
        .await
        .problem(401, "invalid_credentials");
    // Still visible to the admin, as deactivated; again is a no-op.
    assert_eq!(
        get_user(b, &w.bkk_admin.token, &w.bkk_trainee.id).await.json()["status"],
        "deactivated"
    );
    let res = act(&a, &w.bkk_admin.token, &w.bkk_trainee.id, "deactivate").await;
    assert_eq!(res.status, 200);
    let entries = audit(&a, &w.hq.token, "user.deactivate", &w.bkk_trainee.id).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["actor_user_id"], w.bkk_admin.id.as_str());
    assert_eq!(
        entries[0]["details"]["changed"]["status"],
        json!({"from": "active", "to": "deactivated"})
    );
    assert!(!entries[0]["details"].to_string().contains("password"));

    // Reactivated: signs in again; the old tokens stay ended.
    let res = act(&a, &w.bkk_admin.token, &w.bkk_trainee.id, "reactivate").await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "active");
    let (fresh, _) = b.sign_in("BKK", &w.bkk_trainee.email, PASSWORD).await;
    assert_eq!(b.me_status(&fresh).await, 200);
    assert_eq!(a.me_status(&fresh).await, 200);
    assert_eq!(a.me_status(&token).await, 401);
    assert_eq!(b.me_status(&token_b).await, 401);
    assert_eq!(audit(&a, &w.hq.token, "user.reactivate", &w.bkk_trainee.id).await.len(), 1);
    // Reactivating an active user changes nothing.
    assert_eq!(act(&a, &w.bkk_admin.token, &w.bkk_trainee.id, "reactivate").await.status, 200);
    assert_eq!(audit(&a, &w.hq.token, "user.reactivate", &w.bkk_trainee.id).await.len(), 1);
}

#[actix_rt::test]
async fn nobody_deactivates_themselves_or_users_outside_their_reach() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;

    let doc = act(&app, &w.bkk_admin.token, &w.bkk_admin.id, "deactivate")
        .await
        .problem(409, "cannot_deactivate_self");
    assert_eq!(doc["title"], "ไม่สามารถระงับบัญชีของตนเองได้");
    act(&app, &w.hq.token, &w.hq.id, "deactivate")
        .await
        .problem(409, "cannot_deactivate_self");
    assert_eq!(app.me_status(&w.hq.token).await, 200);
    assert_eq!(app.me_status(&w.bkk_admin.token).await, 200);
    // HQ users and other branches are out of a branch admin's reach.
    act(&app, &w.bkk_admin.token, &w.hq.id, "deactivate")
        .await
        .problem(404, "not_found");
    act(&app, &w.bkk_admin.token, &w.han_trainee.id, "deactivate")
        .await
        .problem(404, "not_found");
    act(&app, &w.bkk_admin.token, &w.han_trainee.id, "reactivate")
        .await
        .problem(404, "not_found");
    act(&app, &w.bkk_trainee.token, &w.bkk_trainee.id, "deactivate")
        .await
        .problem(403, "forbidden");
    assert_eq!(app.me_status(&w.hq.token).await, 200);
    assert_eq!(app.me_status(&w.han_trainee.token).await, 200);
    // HQ deactivates a branch admin.
    let res = act(&app, &w.hq.token, &w.han_admin.id, "deactivate").await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(app.me_status(&w.han_admin.token).await, 401);

    // A deactivated invitee's link does nothing; reactivated, they are invited again.
    let invited = create_user(&app, &w.bkk_admin.token, "BKK", "later@bkk.test", "trainee", "th", None).await;
    let id = invited["id"].as_str().unwrap();
    send_mail(&app).await;
    let token = invitation_token(&app, "later@bkk.test").expect("invitation");
    assert_eq!(act(&app, &w.bkk_admin.token, id, "deactivate").await.status, 200);
    app.post("/api/v1/auth/accept-invite")
        .json(json!({"token": token, "password": "a new good password"}))
        .send()
        .await
        .problem(400, "invitation_invalid");
    let res = act(&app, &w.bkk_admin.token, id, "reactivate").await;
    assert_eq!(res.json()["status"], "invited");
}

async fn search(app: &TestApp, token: &str, branch: &str, query: &str) -> Response {
    app.get(&format!("/api/v1/branches/{branch}/users?{query}"))
        .token(token)
        .send()
        .await
}

/// The display names found, sorted.
async fn found(app: &TestApp, token: &str, branch: &str, query: &str) -> Vec<String> {
    let res = search(app, token, branch, query).await;
    assert_eq!(res.status, 200, "{query}: {}", res.text());
    let mut names: Vec<String> = res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["display_name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[actix_rt::test]
async fn search_ignores_case_and_vietnamese_accents_and_finds_thai_and_chinese_substrings() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;
    let hq = &w.hq.token;
    named_user(&app, hq, "HAN", "nguyen.a@han.test", "Nguyễn Văn A", "trainee").await;
    named_user(&app, hq, "HAN", "binh@han.test", "Nguyễn Thị Bình", "trainee").await;
    let duc = named_user(&app, hq, "HAN", "duc@han.test", "Trần Văn Đức", "branch_admin").await;
    named_user(&app, hq, "BKK", "somsak@bkk.test", "สมศักดิ์ ใจดี", "trainee").await;
    named_user(&app, hq, "BKK", "wang@bkk.test", "王小明", "trainee").await;
    named_user(&app, hq, "BKK", "percent@bkk.test", "Fifty 50% Off_Name", "trainee").await;
    let han = &w.han_admin.token;

    assert_eq!(
        found(&app, han, "HAN", &format!("q={}", enc("nguyen van a"))).await,
        ["Nguyễn Văn A"]
    );
    assert_eq!(found(&app, han, "HAN", "q=NGUYEN").await, ["Nguyễn Thị Bình", "Nguyễn Văn A"]);
    assert_eq!(
        found(&app, han, "HAN", &format!("q={}", enc("Văn"))).await,
        ["Nguyễn Văn A", "Trần Văn Đức"]
    );
    assert_eq!(found(&app, han, "HAN", "q=duc").await, ["Trần Văn Đức"]);
    assert_eq!(found(&app, han, "HAN", &format!("q={}", enc("ĐỨC"))).await, ["Trần Văn Đức"]);
    // Decomposed (NFD) input finds the same.
    assert_eq!(
        found(&app, han, "HAN", &format!("q={}", enc("Bi\u{300}nh"))).await,
        ["Nguyễn Thị Bình"]
    );
    // Email too, in any case.
    assert_eq!(found(&app, han, "HAN", "q=BINH%40HAN").await, ["Nguyễn Thị Bình"]);
    // A query never spans the name and the email.
    assert!(found(&app, han, "HAN", &format!("q={}", enc("binh binh@"))).await.is_empty());
    // Thai and Chinese: substrings.
    let bkk = &w.bkk_admin.token;
    assert_eq!(found(&app, bkk, "BKK", &format!("q={}", enc("ใจดี"))).await, ["สมศักดิ์ ใจดี"]);
    assert_eq!(found(&app, bkk, "BKK", &format!("q={}", enc("ศักดิ์"))).await, ["สมศักดิ์ ใจดี"]);
    assert_eq!(found(&app, bkk, "BKK", &format!("q={}", enc("小明"))).await, ["王小明"]);
    assert!(found(&app, bkk, "BKK", &format!("q={}", enc("大明"))).await.is_empty());
    // Fullwidth query letters are plain letters.
    assert_eq!(found(&app, bkk, "BKK", &format!("q={}", enc("ＷＡＮＧ"))).await, ["王小明"]);
    // LIKE wildcards are plain characters.
    assert_eq!(found(&app, bkk, "BKK", &format!("q={}", enc("50%"))).await, ["Fifty 50% Off_Name"]);
    assert!(found(&app, bkk, "BKK", &format!("q={}", enc("5%f"))).await.is_empty());
    assert_eq!(found(&app, bkk, "BKK", &format!("q={}", enc("off_"))).await, ["Fifty 50% Off_Name"]);
    assert!(found(&app, bkk, "BKK", &format!("q={}", enc("f_f"))).await.is_empty());
    // An empty or blank query lists everyone.
    assert_eq!(found(&app, bkk, "BKK", "q=").await.len(), 5);
    assert_eq!(found(&app, bkk, "BKK", "q=%20%20").await.len(), 5);
    // Tenancy: only one's own branch.
    search(&app, bkk, "HAN", "q=nguyen").await.problem(404, "not_found");
    assert_eq!(found(&app, hq, "HAN", "q=nguyen").await.len(), 2);

    // Filters, alone and with the query.
    assert_eq!(
        found(&app, han, "HAN", "role=branch_admin").await,
        ["Trần Văn Đức", "branch_admin of HAN"]
    );
    assert_eq!(found(&app, han, "HAN", "q=van&role=trainee").await, ["Nguyễn Văn A"]);
    assert!(found(&app, han, "HAN", "status=deactivated").await.is_empty());
    assert_eq!(act(&app, hq, &duc, "deactivate").await.status, 200);
    assert_eq!(found(&app, han, "HAN", "status=deactivated").await, ["Trần Văn Đức"]);
    assert_eq!(found(&app, han, "HAN", "q=van&status=active").await, ["Nguyễn Văn A"]);
    create_user(&app, hq, "HAN", "moi@han.test", "trainee", "vi", None).await;
    assert_eq!(found(&app, han, "HAN", "status=invited").await, ["trainee of HAN"]);

    // A renamed user is found by the new name only.
    let res = patch_user(&app, hq, &duc, json!({"display_name": "Phạm Quốc Việt"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(found(&app, han, "HAN", "q=tran").await.is_empty());
    assert_eq!(found(&app, han, "HAN", "q=viet").await, ["Phạm Quốc Việt"]);

    // Cursor pagination is unchanged under a query.
    let first = search(&app, han, "HAN", "q=han.test&limit=2").await.json();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().expect("a next page").to_string();
    let second = search(&app, han, "HAN", &format!("q=han.test&limit=2&cursor={cursor}"))
        .await
        .json();
    let mut ids: Vec<String> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 4);
}

#[actix_rt::test]
async fn bad_filters_and_hostile_input_are_field_errors_and_change_nothing() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;
    let bkk = &w.bkk_admin.token;

    let res = search(&app, bkk, "BKK", "role=boss").await;
    assert_eq!(field_codes(&res), vec![("role".to_string(), "invalid_choice".to_string())]);
    let res = search(&app, bkk, "BKK", "status=gone").await;
    assert_eq!(field_codes(&res), vec![("status".to_string(), "invalid_choice".to_string())]);
    let res = search(&app, bkk, "BKK", "role=Trainee&status=ACTIVE").await;
    assert_eq!(field_codes(&res).len(), 2);
    for q in ["a%00b", "a%01b", "a%0Ab", "%E2%80%AE", "a%7Fb"] {
        let res = search(&app, bkk, "BKK", &format!("q={q}")).await;
        assert_eq!(field_codes(&res), vec![("q".to_string(), "invalid_characters".to_string())], "{q}");
    }
    let res = search(&app, bkk, "BKK", &format!("q={}", "a".repeat(201))).await;
    assert_eq!(field_codes(&res), vec![("q".to_string(), "too_long".to_string())]);
    let res = search(&app, bkk, "BKK", &format!("q={}", enc(&"ễ".repeat(5000)))).await;
    assert_eq!(field_codes(&res), vec![("q".to_string(), "too_long".to_string())]);
    let res = search(&app, bkk, "BKK", &format!("role={}", "x".repeat(10_000))).await;
    assert_eq!(field_codes(&res), vec![("role".to_string(), "invalid_choice".to_string())]);
    // Exactly 200 characters is fine.
    assert_eq!(search(&app, bkk, "BKK", &format!("q={}", "a".repeat(200))).await.status, 200);

    let id = &w.bkk_trainee.id;
    for (body, field, code) in [
        (json!({"display_name": "Evil\u{202E}name"}), "display_name", "invalid_characters"),
        (json!({"display_name": "Two\r\nlines"}), "display_name", "invalid_characters"),
        (json!({"display_name": "nul\u{0}"}), "display_name", "invalid_characters"),
        (json!({"display_name": "   "}), "display_name", "required"),
        (json!({"display_name": "x".repeat(121)}), "display_name", "too_long"),
        (json!({"display_name": "名".repeat(100_000)}), "display_name", "too_long"),
        (json!({"email": format!("{}@bkk.test", "a".repeat(300))}), "email", "too_long"),
        (json!({"email": "a\u{0}@bkk.test"}), "email", "invalid_characters"),
        (json!({"locale": "xx"}), "locale", "unknown_locale"),
        (json!({"locale": "th\u{0}"}), "locale", "unknown_locale"),
        (json!({"role": "trainee\u{1}"}), "role", "role_change_not_allowed"),
    ] {
        let res = patch_user(&app, bkk, id, body.clone()).await;
        if code == "role_change_not_allowed" {
            res.problem(403, code);
        } else {
            assert_eq!(field_codes(&res), vec![(field.to_string(), code.to_string())], "{body}");
        }
    }
    // Every bad field is reported at once.
    let res = patch_user(&app, bkk, id, json!({"display_name": "", "email": "nope", "locale": "xx"})).await;
    assert_eq!(field_codes(&res).len(), 3);
    // Unknown fields (a password, say) are refused, not ignored.
    let res = patch_user(&app, bkk, id, json!({"password": "a new good password"})).await;
    assert!(res.status == 400 || res.status == 422, "{}", res.text());
    // A body that is not JSON, an id that is not one.
    let res = app
        .patch(&user_path(id))
        .token(bkk)
        .body("application/json", "{\"display_name\": ")
        .send()
        .await;
    assert_eq!(res.status, 400, "{}", res.text());
    let res = app.get("/api/v1/users/not-a-uuid").token(bkk).send().await;
    assert!(res.status == 404 || res.status == 400, "{}", res.text());
    let res = app.post("/api/v1/users/%00/deactivate").token(bkk).send().await;
    assert!(res.status == 404 || res.status == 400, "{}", res.text());

    // Nothing changed, and nothing was audited.
    let user = get_user(&app, bkk, id).await.json();
    assert_eq!(user["display_name"], "trainee of BKK");
    assert_eq!(user["email"], "somchai@bkk.test");
    assert_eq!(user["locale"], "th");
    assert!(audit(&app, &w.hq.token, "user.update", id).await.is_empty());
}

#[actix_rt::test]
async fn rows_without_a_search_key_are_filled_when_a_node_starts() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;
    named_user(&app, &w.hq.token, "HAN", "old@han.test", "Đỗ Thị Hoa", "trainee").await;
    // As if written before the column existed.
    app.state.db.execute_unprepared("UPDATE users SET search_key = NULL").await.unwrap();
    assert!(found(&app, &w.han_admin.token, "HAN", "q=hoa").await.is_empty());
    let node = app.another_node(|_| {}).await;
    assert_eq!(found(&node, &w.han_admin.token, "HAN", "q=do%20thi").await, ["Đỗ Thị Hoa"]);
    assert_eq!(found(&app, &w.hq.token, "BKK", "q=somchai").await, ["trainee of BKK"]);
}

#[actix_rt::test]
async fn users_created_by_csv_import_or_renamed_by_themselves_are_found_by_their_new_names() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;
    let cohort = crate::support::catalogue::bkk_cohort(&app, &w, 10).await;
    let file = "email,display_name,locale\nlan@bkk.test,Nguyễn Thị Lan,vi\nwei@bkk.test,李伟,zh-CN\n";
    let res = app
        .post(&format!("/api/v1/cohorts/{cohort}/enrolments/import"))
        .token(&w.bkk_admin.token)
        .body("text/csv", file)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(found(&app, &w.bkk_admin.token, "BKK", "q=thi%20lan").await, ["Nguyễn Thị Lan"]);
    assert_eq!(found(&app, &w.bkk_admin.token, "BKK", &format!("q={}", enc("伟"))).await, ["李伟"]);
    assert_eq!(
        found(&app, &w.bkk_admin.token, "BKK", "q=lan&status=invited").await,
        ["Nguyễn Thị Lan"]
    );

    // A trainee renames themselves: found by the new name, not the old one.
    let res = app
        .patch("/api/v1/users/me")
        .token(&w.bkk_trainee.token)
        .json(json!({"display_name": "Somchai Rattanakorn"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(found(&app, &w.bkk_admin.token, "BKK", "q=rattana").await, ["Somchai Rattanakorn"]);
    assert!(found(&app, &w.bkk_admin.token, "BKK", "q=trainee%20of").await.is_empty());
}
