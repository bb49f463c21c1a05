//! Issue 12, items 11, 12 and 14: access tokens a branch key can forge, tokens
//! that outlive logout or a password change, option ids anyone could hash.

use crate::support::catalogue::published_course;
use crate::support::exams::{options, published_exam, right_answer};
use crate::support::world::PASSWORD;
use crate::support::{TestApp, World};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

async fn refresh_status(app: &TestApp, refresh_token: &str) -> u16 {
    app.post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": refresh_token}))
        .send()
        .await
        .status
}

/// Signs `claims` with the branch's real, current signing key, as someone
/// holding that branch's key (or the service's own signing code) could.
async fn signed_by(app: &TestApp, branch: &str, claims: &Value) -> String {
    let row = zhijiang::branches::service::find_by_code(&app.state.db, branch)
        .await
        .unwrap()
        .unwrap();
    let signer = app.state.keys.signer(&app.state.db, row.id).await.unwrap().unwrap();
    zhijiang::auth::tokens::sign(&signer.kid, &signer.key, claims).unwrap()
}

#[actix_rt::test]
async fn a_branch_key_cannot_mint_headquarters_strangers_or_long_lived_tokens() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let base = claims_of(&world.bkk_trainee.token);
    let now = app.state.clock.now().timestamp();
    let forge = |edit: &dyn Fn(&mut Value)| {
        let mut claims = base.clone();
        claims["jti"] = json!(Uuid::new_v4());
        claims["iat"] = json!(now);
        claims["nbf"] = json!(now);
        claims["exp"] = json!(now + 900);
        edit(&mut claims);
        claims
    };

    // The forging works: the same claims, freshly signed, are accepted.
    let control = signed_by(&app, "BKK", &forge(&|_| {})).await;
    assert_eq!(app.me_status(&control).await, 200);

    let ten_years = 10 * 365 * 24 * 3600;
    let cases: Vec<(&str, Value)> = vec![
        (
            "BKK key claiming hq_admin for its trainee",
            forge(&|c| c["role"] = json!("hq_admin")),
        ),
        (
            "BKK key claiming hq_admin for the real HQ administrator",
            forge(&|c| {
                c["sub"] = json!(world.hq.id);
                c["role"] = json!("hq_admin");
            }),
        ),
        ("BKK key naming HAN's trainee", forge(&|c| c["sub"] = json!(world.han_trainee.id))),
        (
            "BKK key naming HAN's admin",
            forge(&|c| {
                c["sub"] = json!(world.han_admin.id);
                c["role"] = json!("branch_admin");
            }),
        ),
        ("BKK key naming nobody", forge(&|c| c["sub"] = json!(Uuid::now_v7()))),
        ("BKK key promoting its trainee", forge(&|c| c["role"] = json!("branch_admin"))),
        ("ten-year lifetime", forge(&|c| c["exp"] = json!(now + ten_years))),
        (
            "ten-year lifetime issued long ago",
            forge(&|c| {
                c["iat"] = json!(now - ten_years + 600);
                c["nbf"] = json!(now - ten_years + 600);
                c["exp"] = json!(now + 600);
            }),
        ),
        (
            "expiry far ahead with a matching iat",
            forge(&|c| {
                c["iat"] = json!(now + 3600);
                c["nbf"] = json!(now);
                c["exp"] = json!(now + 3600 + 900);
            }),
        ),
        ("a few minutes over the lifetime", forge(&|c| c["exp"] = json!(now + 900 + 300))),
    ];
    for (name, claims) in cases {
        let token = signed_by(&app, "BKK", &claims).await;
        let res = app.get("/api/v1/users/me").token(&token).send().await;
        res.problem(401, "unauthenticated");
        assert_eq!(app.me_status(&token).await, 401, "{name}: refused again from the caches");
        let res = app.get("/api/v1/branches").token(&token).send().await;
        assert_eq!(res.status, 401, "{name}: {}", res.text());
    }

    // Headquarters' own key still mints headquarters tokens.
    let hq = claims_of(&world.hq.token);
    let mut fresh = hq.clone();
    fresh["jti"] = json!(Uuid::new_v4());
    let token = signed_by(&app, "HQ", &fresh).await;
    assert_eq!(app.get("/api/v1/branches").token(&token).send().await.status, 200);
}

#[actix_rt::test]
async fn logout_ends_the_users_access_tokens_at_once() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let email = &world.bkk_trainee.email;
    let (phone, phone_refresh) = app.sign_in("BKK", email, PASSWORD).await;
    let (laptop, laptop_refresh) = app.sign_in("BKK", email, PASSWORD).await;
    // Warm every cache with both tokens.
    for token in [&phone, &laptop, &phone, &laptop] {
        assert_eq!(app.me_status(token).await, 200);
    }
    let res = app
        .post("/api/v1/auth/logout")
        .json(json!({"refresh_token": phone_refresh}))
        .send()
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    app.get("/api/v1/users/me")
        .token(&phone)
        .send()
        .await
        .problem(401, "unauthenticated");
    assert_eq!(app.me_status(&laptop).await, 401, "every access token of the user ends");
    assert_eq!(refresh_status(&app, &phone_refresh).await, 401, "the logged-out session is gone");

    // The other device's session lives on: it refreshes and carries on.
    let res = app
        .post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": laptop_refresh}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let renewed = res.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(app.me_status(&renewed).await, 200);
    // Signing in again works at once, even within the same second.
    let (again, _) = app.sign_in("BKK", email, PASSWORD).await;
    assert_eq!(app.me_status(&again).await, 200);
    // Other users are untouched.
    assert_eq!(app.me_status(&world.bkk_admin.token).await, 200);

    // A refresh token that is no longer live cannot end anyone's tokens.
    let res = app
        .post("/api/v1/auth/logout")
        .json(json!({"refresh_token": phone_refresh}))
        .send()
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(app.me_status(&again).await, 200);
}

#[actix_rt::test]
async fn a_password_change_ends_earlier_tokens_but_not_a_login_in_the_same_second() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let email = &world.bkk_admin.email;
    let (before, before_refresh) = app.sign_in("BKK", email, PASSWORD).await;
    assert_eq!(app.me_status(&before).await, 200);
    let res = app
        .patch("/api/v1/users/me")
        .token(&before)
        .json(json!({"password": "a-new-long-passphrase", "current_password": PASSWORD}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let (after, _) = app.sign_in("BKK", email, "a-new-long-passphrase").await;
    // Immediately, whatever second each fell into.
    assert_eq!(app.me_status(&after).await, 200, "a token issued after the change works");
    app.get("/api/v1/users/me")
        .token(&before)
        .send()
        .await
        .problem(401, "unauthenticated");
    assert_eq!(app.me_status(&world.bkk_admin.token).await, 401, "the World's own login too");
    assert_eq!(refresh_status(&app, &before_refresh).await, 401);
    // `iat` has whole seconds: the token after the change is dated after the
    // one before even when both were issued within one second.
    assert!(claims_of(&after)["iat"].as_i64() > claims_of(&before)["iat"].as_i64());
    // A wrong current password changes nothing and ends nothing.
    let res = app
        .patch("/api/v1/users/me")
        .token(&after)
        .json(json!({"password": "yet-another-passphrase", "current_password": "wrong-one-entirely"}))
        .send()
        .await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert_eq!(app.me_status(&after).await, 200);
}

#[actix_rt::test]
async fn ending_a_users_sessions_from_the_service_refuses_their_tokens() {
    // What deactivation and deletion call (users::service::end_sessions).
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (token, refresh) = app.sign_in("HAN", &world.han_trainee.email, PASSWORD).await;
    assert_eq!(app.me_status(&token).await, 200);
    let user_id: Uuid = world.han_trainee.id.parse().unwrap();
    let txn = zhijiang::db::begin(&app.state.db).await.unwrap();
    let ended = zhijiang::users::service::end_sessions(&txn, user_id, app.state.clock.now())
        .await
        .unwrap();
    txn.commit().await.unwrap();
    ended.apply(&app.state);
    assert_eq!(app.me_status(&token).await, 401);
    assert_eq!(app.me_status(&world.han_trainee.token).await, 401);
    assert_eq!(refresh_status(&app, &refresh).await, 401);
    assert_eq!(app.me_status(&world.han_admin.token).await, 200, "only that user");

    // A user who is no longer active is refused even with a fresh token.
    let mut claims = claims_of(&world.han_trainee.token);
    let now = app.state.clock.now().timestamp() + 1;
    claims["jti"] = json!(Uuid::new_v4());
    claims["iat"] = json!(now);
    claims["exp"] = json!(now + 600);
    let token = signed_by(&app, "HAN", &claims).await;
    assert_eq!(app.me_status(&token).await, 200, "dated after the cut-off");
    crate::support::rows::set_column(&app, "users", user_id, "status", "invited").await;
    app.state.sessions.forget(user_id);
    assert_eq!(app.me_status(&token).await, 401);
}

/// The unkeyed derivation option ids used to have.
fn unkeyed_id(attempt: &str, question: &str, index: u64) -> String {
    let mut hasher = Sha256::new();
    hasher.update(Uuid::parse_str(attempt).unwrap().as_bytes());
    hasher.update(Uuid::parse_str(question).unwrap().as_bytes());
    hasher.update(index.to_le_bytes());
    hasher.finalize()[..6].iter().map(|b| format!("{b:02x}")).collect()
}

async fn enrol(app: &TestApp, admin: &str, branch: &str, course_id: &str, user_id: &str) {
    let cohort = app
        .post(&format!("/api/v1/branches/{branch}/cohorts"))
        .token(admin)
        .json(json!({"course_id": course_id, "name": "C1", "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": 30}))
        .send()
        .await
        .json();
    let res = app
        .post(&format!("/api/v1/cohorts/{}/enrolments", cohort["id"].as_str().unwrap()))
        .token(admin)
        .json(json!({"user_id": user_id}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
}

/// Answers every question right and submits; returns the result.
async fn answer_right_and_submit(app: &TestApp, token: &str, attempt: &Value) -> Value {
    let id = attempt["id"].as_str().unwrap();
    for q in attempt["questions"].as_array().unwrap() {
        let res = app
            .put(&format!("/api/v1/attempts/{id}/answers/{}", q["id"].as_str().unwrap()))
            .token(token)
            .json(json!({"selected": options(q, &right_answer(q))}))
            .send()
            .await;
        assert_eq!(res.status, 204, "{}", res.text());
    }
    let res = app.post(&format!("/api/v1/attempts/{id}/submit")).token(token).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

#[actix_rt::test]
async fn option_ids_are_keyed_and_attempts_from_before_still_grade() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let course = published_course(&app, &world.hq.token, "EV-HV-101", 1, &["BKK", "HAN"]).await;
    let course_id = course["id"].as_str().unwrap();
    let exam = published_exam(&app, &world.hq.token, course_id, 4, false, true).await;
    let exam_id = exam["id"].as_str().unwrap();
    enrol(&app, &world.bkk_admin.token, "BKK", course_id, &world.bkk_trainee.id).await;
    enrol(&app, &world.han_admin.token, "HAN", course_id, &world.han_trainee.id).await;

    // A new attempt: no option id is the unkeyed hash of any position.
    let t = &world.bkk_trainee.token;
    let res = app.post(&format!("/api/v1/exams/{exam_id}/attempts")).token(t).send().await;
    assert_eq!(res.status, 201, "{}", res.text());
    let attempt = res.json();
    let attempt_id = attempt["id"].as_str().unwrap();
    for q in attempt["questions"].as_array().unwrap() {
        let qid = q["id"].as_str().unwrap();
        let guesses: Vec<String> = (0..8).map(|i| unkeyed_id(attempt_id, qid, i)).collect();
        for option in q["options"].as_array().unwrap() {
            let id = option["id"].as_str().unwrap();
            assert_eq!(id.len(), 12);
            assert!(!guesses.iter().any(|g| g == id), "option id {id} is the unkeyed hash");
        }
    }
    // Stable across reloads, and graded right.
    let again = app.get(&format!("/api/v1/attempts/{attempt_id}")).token(t).send().await.json();
    assert_eq!(again["questions"], attempt["questions"]);
    let result = answer_right_and_submit(&app, t, &attempt).await;
    assert_eq!(result["score"], 5.0, "{result}");
    assert_eq!(result["passed"], true);

    // An attempt stored before option ids were keyed (no key) keeps the ids
    // its trainee already saw, and grades with them.
    let t = &world.han_trainee.token;
    let res = app.post(&format!("/api/v1/exams/{exam_id}/attempts")).token(t).send().await;
    assert_eq!(res.status, 201, "{}", res.text());
    let attempt_id = res.json()["id"].as_str().unwrap().to_string();
    let attempt_uuid = Uuid::parse_str(&attempt_id).unwrap();
    crate::support::rows::set_column(&app, "attempts", attempt_uuid, "option_key", Option::<String>::None).await;
    let old = app.get(&format!("/api/v1/attempts/{attempt_id}")).token(t).send().await.json();
    for q in old["questions"].as_array().unwrap() {
        let qid = q["id"].as_str().unwrap();
        let guesses: Vec<String> = (0..8).map(|i| unkeyed_id(&attempt_id, qid, i)).collect();
        for option in q["options"].as_array().unwrap() {
            assert!(guesses.iter().any(|g| g == option["id"].as_str().unwrap()));
        }
    }
    let result = answer_right_and_submit(&app, t, &old).await;
    assert_eq!(result["score"], 5.0, "{result}");
    assert_eq!(result["passed"], true);
}
