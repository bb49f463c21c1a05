//! Issue 4: login, tokens, refresh families, key rotation, invitations,
//! throttling, idempotency.

use crate::support::smtp::SmtpSink;
use crate::support::world::{PASSWORD, create_user};
use crate::support::{TestApp, World};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use zhijiang::notifications::worker::Worker;

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

fn parts(token: &str) -> (Value, Value) {
    let mut it = token.split('.');
    let header = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap()).unwrap();
    let claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap()).unwrap();
    (header, claims)
}

#[actix_rt::test]
async fn login_issues_eddsa_tokens_with_the_contract_claims() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let res = app
        .post("/api/v1/auth/login")
        .json(json!({"branch": "BKK", "email": "SOMCHAI@bkk.test", "password": PASSWORD}))
        .send()
        .await;
    assert_eq!(res.status, 200, "emails compare case-insensitively: {}", res.text());
    let body = res.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["refresh_token"].as_str().unwrap().len() >= 40);
    let (header, claims) = parts(body["access_token"].as_str().unwrap());
    assert_eq!(header["alg"], "EdDSA");
    assert!(header["kid"].as_str().unwrap().starts_with("bkk-"));
    assert_eq!(claims["sub"], world.bkk_trainee.id.as_str());
    assert_eq!(claims["branch"], "BKK");
    assert_eq!(claims["aud"], "BKK");
    assert_eq!(claims["iss"], "zhijiang");
    assert_eq!(claims["role"], "trainee");
    assert_eq!(claims["locale"], "th");
    assert!(claims["jti"].is_string() && claims["iat"].is_number());
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 900);

    // The token verifies against the branch's published JWKS.
    let jwks = app.get("/api/v1/branches/BKK/jwks.json").send().await.json();
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .expect("kid published");
    assert_eq!(key["kty"], "OKP");
    assert_eq!(key["crv"], "Ed25519");
    let decoding = jsonwebtoken::DecodingKey::from_ed_components(key["x"].as_str().unwrap()).unwrap();
    let mut validation = jsonwebtoken::Validation::new(Algorithm::EdDSA);
    validation.set_audience(&["BKK"]);
    jsonwebtoken::decode::<Value>(body["access_token"].as_str().unwrap(), &decoding, &validation).expect("verifies with the JWKS");
}

#[actix_rt::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = TestApp::new().await;
    World::build(&app).await;
    let wrong = app
        .post("/api/v1/auth/login")
        .json(json!({"branch": "BKK", "email": "somchai@bkk.test", "password": "not-the-password"}))
        .send()
        .await;
    let unknown = app
        .post("/api/v1/auth/login")
        .json(json!({"branch": "BKK", "email": "nobody@bkk.test", "password": "not-the-password"}))
        .send()
        .await;
    let no_branch = app
        .post("/api/v1/auth/login")
        .json(json!({"branch": "ZZZ", "email": "somchai@bkk.test", "password": PASSWORD}))
        .send()
        .await;
    let other_branch = app
        .post("/api/v1/auth/login")
        .json(json!({"branch": "HAN", "email": "somchai@bkk.test", "password": PASSWORD}))
        .send()
        .await;
    let a = wrong.problem(401, "invalid_credentials");
    for other in [unknown, no_branch, other_branch] {
        assert_eq!(other.problem(401, "invalid_credentials"), a);
    }
}

#[actix_rt::test]
async fn forged_expired_and_foreign_tokens_are_401() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let good = world.bkk_trainee.token.clone();
    assert_eq!(app.me_status(&good).await, 200);
    let (header, claims) = parts(&good);
    let signature = good.rsplit('.').next().unwrap().to_string();

    // Payload edited after signing: claims a different role.
    let mut edited = claims.clone();
    edited["role"] = json!("hq_admin");
    let tampered = format!("{}.{}.{}", b64(&header), b64(&edited), signature);
    // Forged signature.
    let mut sig = URL_SAFE_NO_PAD.decode(&signature).unwrap();
    sig[0] ^= 0xff;
    let forged = format!("{}.{}.{}", b64(&header), b64(&claims), URL_SAFE_NO_PAD.encode(sig));
    // alg: none.
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT", "kid": header["kid"]})),
        b64(&claims)
    );
    // HS256 signed with the branch's public key as the secret.
    let jwks = app.get("/api/v1/branches/BKK/jwks.json").send().await.json();
    let public = URL_SAFE_NO_PAD.decode(jwks["keys"][0]["x"].as_str().unwrap()).unwrap();
    let mut hs_header = Header::new(Algorithm::HS256);
    hs_header.kid = header["kid"].as_str().map(str::to_string);
    let hs256 = jsonwebtoken::encode(&hs_header, &claims, &EncodingKey::from_secret(&public).unwrap()).unwrap();
    // A token signed by HAN's key that claims to be from BKK.
    let han_branch = zhijiang::branches::service::find_by_code(&app.state.db, "HAN")
        .await
        .unwrap()
        .unwrap();
    let han_signer = app.state.keys.signer(&app.state.db, han_branch.id).await.unwrap().unwrap();
    let han_as_bkk = zhijiang::auth::tokens::sign(&han_signer.kid, &han_signer.key, &claims).unwrap();
    // A BKK-signed token whose branch claim says HAN.
    let bkk_branch = zhijiang::branches::service::find_by_code(&app.state.db, "BKK")
        .await
        .unwrap()
        .unwrap();
    let bkk_signer = app.state.keys.signer(&app.state.db, bkk_branch.id).await.unwrap().unwrap();
    let mut claims_han = claims.clone();
    claims_han["branch"] = json!("HAN");
    let wrong_branch_claim = zhijiang::auth::tokens::sign(&bkk_signer.kid, &bkk_signer.key, &claims_han).unwrap();
    // No kid at all.
    let mut no_kid = Header::new(Algorithm::EdDSA);
    no_kid.kid = None;
    let without_kid = jsonwebtoken::encode(&no_kid, &claims, &bkk_signer.key).unwrap();
    // Wrong issuer.
    let mut claims_iss = claims.clone();
    claims_iss["iss"] = json!("someone-else");
    let wrong_issuer = zhijiang::auth::tokens::sign(&bkk_signer.kid, &bkk_signer.key, &claims_iss).unwrap();

    for (name, token) in [
        ("tampered", tampered),
        ("forged", forged),
        ("alg none", none),
        ("hs256 with public key", hs256),
        ("HAN key claiming BKK", han_as_bkk),
        ("branch claim mismatch", wrong_branch_claim),
        ("no kid", without_kid),
        ("wrong issuer", wrong_issuer),
        ("garbage", "not.a.token".to_string()),
    ] {
        let res = app.get("/api/v1/users/me").token(&token).send().await;
        assert_eq!(res.status, 401, "{name}: {}", res.text());
        res.problem(401, "unauthenticated");
        assert_eq!(res.header("www-authenticate").as_deref(), Some("Bearer"));
    }
    // Expired: fifteen minutes and the leeway later.
    app.state.clock.advance(Duration::minutes(16));
    assert_eq!(app.me_status(&good).await, 401, "expired");
}

#[actix_rt::test]
async fn key_rotation_keeps_old_tokens_unless_revoked() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let before = world.bkk_trainee.token.clone();
    let res = app.post("/api/v1/branches/BKK/keys/rotate").token(&world.hq.token).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    let rotated = res.json();
    assert_eq!(
        rotated["jwks"]["keys"].as_array().unwrap().len(),
        2,
        "the retired key stays published"
    );
    assert_eq!(app.me_status(&before).await, 200, "old tokens work until they expire");
    let after = app.login("BKK", "somchai@bkk.test", PASSWORD).await;
    assert_eq!(parts(&after).0["kid"], rotated["kid"]);

    let res = app
        .post("/api/v1/branches/BKK/keys/rotate")
        .token(&world.hq.token)
        .json(json!({"revoke_old": true}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["jwks"]["keys"].as_array().unwrap().len(), 1);
    assert_eq!(app.me_status(&before).await, 401, "revoked at once");
    assert_eq!(app.me_status(&after).await, 401);
    let fresh = app.login("BKK", "somchai@bkk.test", PASSWORD).await;
    assert_eq!(app.me_status(&fresh).await, 200);
    // Other branches are untouched.
    assert_eq!(app.me_status(&world.han_trainee.token).await, 200);
    // Only headquarters rotates.
    let admin = app.login("BKK", "admin@bkk.test", PASSWORD).await;
    app.post("/api/v1/branches/BKK/keys/rotate")
        .token(&admin)
        .send()
        .await
        .problem(403, "forbidden");
}

#[actix_rt::test]
async fn refresh_tokens_work_once_and_reuse_revokes_the_family() {
    let app = TestApp::new().await;
    World::build(&app).await;
    let login = app
        .post("/api/v1/auth/login")
        .json(json!({"branch": "HAN", "email": "minh@han.test", "password": PASSWORD}))
        .send()
        .await
        .json();
    let first = login["refresh_token"].as_str().unwrap().to_string();
    let res = app.post("/api/v1/auth/refresh").json(json!({"refresh_token": first})).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    let second = res.json()["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(first, second);
    assert_eq!(app.me_status(res.json()["access_token"].as_str().unwrap()).await, 200);
    // Reusing the spent token: 401, and the family (including `second`) is revoked.
    app.post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": first}))
        .send()
        .await
        .problem(401, "unauthenticated");
    app.post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": second}))
        .send()
        .await
        .problem(401, "unauthenticated");
    // Logout ends a session.
    let login = app
        .post("/api/v1/auth/login")
        .json(json!({"branch": "HAN", "email": "minh@han.test", "password": PASSWORD}))
        .send()
        .await
        .json();
    let token = login["refresh_token"].as_str().unwrap();
    assert_eq!(
        app.post("/api/v1/auth/logout")
            .json(json!({"refresh_token": token}))
            .send()
            .await
            .status,
        204
    );
    app.post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": token}))
        .send()
        .await
        .problem(401, "unauthenticated");
    app.post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": "made-up"}))
        .send()
        .await
        .problem(401, "unauthenticated");
}

#[actix_rt::test]
async fn repeated_failures_are_throttled_with_retry_after() {
    let app = TestApp::new().await;
    World::build(&app).await;
    for _ in 0..5 {
        let res = app
            .post("/api/v1/auth/login")
            .json(json!({"branch": "BKK", "email": "somchai@bkk.test", "password": "guess-guess"}))
            .send()
            .await;
        res.problem(401, "invalid_credentials");
    }
    let res = app
        .post("/api/v1/auth/login")
        .json(json!({"branch": "BKK", "email": "somchai@bkk.test", "password": PASSWORD}))
        .send()
        .await;
    res.problem(429, "too_many_requests");
    let wait: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 0 && wait <= 15 * 60 + 1);
    // Another account is not locked.
    app.login("BKK", "admin@bkk.test", PASSWORD).await;
}

#[actix_rt::test]
async fn an_invitation_arrives_in_the_invitees_language_and_works_once() {
    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(sink_dir.path().to_path_buf());
    let url = sink.url();
    let app = TestApp::with_config(|c| c.smtp_url = Some(url.into())).await;
    let world = World::build(&app).await;
    let user = create_user(&app, &world.bkk_admin.token, "BKK", "new.trainee@bkk.test", "trainee", "th", None).await;
    assert_eq!(user["status"], "invited");
    // Not able to log in yet.
    app.post("/api/v1/auth/login")
        .json(json!({"branch": "BKK", "email": "new.trainee@bkk.test", "password": ""}))
        .send()
        .await
        .problem(401, "invalid_credentials");
    Worker::new(app.state.clone()).unwrap().drain_once().await.unwrap();
    let messages = sink.wait_for(1);
    let m = &messages[0];
    assert_eq!(m["rcpt_tos"][0], "new.trainee@bkk.test");
    assert!(
        m["subject"].as_str().unwrap().contains("บัญชี Zhijiang ของคุณ"),
        "Thai subject: {}",
        m["subject"]
    );
    let text = m["text"].as_str().unwrap();
    let link_start = text
        .find("http://zhijiang.test/accept-invite?token=")
        .expect("link in the text part");
    let token: String = text[link_start..]
        .split("token=")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert!(m["html"].as_str().unwrap().contains(&token));

    let weak = app
        .post("/api/v1/auth/accept-invite")
        .json(json!({"token": token, "password": "short"}))
        .send()
        .await;
    assert_eq!(weak.problem(422, "validation_failed")["errors"][0]["code"], "password_too_short");
    let res = app
        .post("/api/v1/auth/accept-invite")
        .json(json!({"token": token, "password": "a new good password"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(app.me_status(res.json()["access_token"].as_str().unwrap()).await, 200);
    app.post("/api/v1/auth/accept-invite")
        .json(json!({"token": token, "password": "another password!"}))
        .send()
        .await
        .problem(400, "invitation_invalid");
    app.login("BKK", "new.trainee@bkk.test", "a new good password").await;
}

#[actix_rt::test]
async fn an_invitation_expires_after_seven_days() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    create_user(&app, &world.hq.token, "HAN", "late@han.test", "trainee", "vi", None).await;
    Worker::new(app.state.clone()).unwrap().drain_once().await.unwrap();
    let file = std::fs::read_dir(&app.state.config.mail_dir).unwrap().flatten().next().unwrap();
    let eml = std::fs::read_to_string(file.path()).unwrap();
    let token: String = eml
        .split("token=")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    app.state.clock.advance(Duration::days(8));
    app.post("/api/v1/auth/accept-invite")
        .json(json!({"token": token, "password": "a new good password"}))
        .send()
        .await
        .problem(400, "invitation_invalid");
}

#[actix_rt::test]
async fn users_manage_their_own_profile() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let t = &world.bkk_trainee.token;
    let res = app
        .patch("/api/v1/users/me")
        .token(t)
        .json(json!({"locale": "vi", "display_name": "Somchai W."}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["locale"], "vi");
    let res = app.patch("/api/v1/users/me").token(t).json(json!({"locale": "fr"})).send().await;
    assert_eq!(res.problem(422, "validation_failed")["errors"][0]["code"], "unknown_locale");
    let res = app
        .patch("/api/v1/users/me")
        .token(t)
        .json(json!({"password": "a brand new secret"}))
        .send()
        .await;
    assert_eq!(res.problem(422, "validation_failed")["errors"][0]["field"], "current_password");
    let res = app
        .patch("/api/v1/users/me")
        .token(t)
        .json(json!({"password": "a brand new secret", "current_password": PASSWORD}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    app.login("BKK", "somchai@bkk.test", "a brand new secret").await;
    // Error messages now default to the saved locale (from the next token on).
    let token = app.login("BKK", "somchai@bkk.test", "a brand new secret").await;
    let res = app.get("/api/v1/branches/HAN").token(&token).send().await;
    assert_eq!(res.problem(404, "not_found")["title"], "Không tìm thấy");
    assert_eq!(res.header("content-language").as_deref(), Some("vi"));
}

#[actix_rt::test]
async fn a_retried_create_with_the_same_idempotency_key_acts_once() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let body = json!({"email": "retry@bkk.test", "display_name": "Retry", "role": "trainee", "locale": "th", "password": "long enough pw"});
    let first = app
        .post("/api/v1/branches/BKK/users")
        .token(&world.bkk_admin.token)
        .header("Idempotency-Key", "k-1")
        .json(body.clone())
        .send()
        .await;
    assert_eq!(first.status, 201, "{}", first.text());
    let second = app
        .post("/api/v1/branches/BKK/users")
        .token(&world.bkk_admin.token)
        .header("Idempotency-Key", "k-1")
        .json(body.clone())
        .send()
        .await;
    assert_eq!(second.status, 201);
    assert_eq!(second.json()["id"], first.json()["id"]);
    assert_eq!(second.header("idempotent-replayed").as_deref(), Some("true"));
    // Without the key it is a real second attempt: a conflict.
    app.post("/api/v1/branches/BKK/users")
        .token(&world.bkk_admin.token)
        .json(body.clone())
        .send()
        .await
        .problem(409, "email_taken");
    // The same key for another body is refused.
    let mut other = body.clone();
    other["email"] = json!("other@bkk.test");
    app.post("/api/v1/branches/BKK/users")
        .token(&world.bkk_admin.token)
        .header("Idempotency-Key", "k-1")
        .json(other)
        .send()
        .await
        .problem(422, "idempotency_key_reused");
    // Keys are per caller: HQ using "k-1" acts on its own.
    let mut hq_body = body.clone();
    hq_body["email"] = json!("hq-made@bkk.test");
    let res = app
        .post("/api/v1/branches/BKK/users")
        .token(&world.hq.token)
        .header("Idempotency-Key", "k-1")
        .json(hq_body)
        .send()
        .await;
    assert_eq!(res.status, 201);
    assert_ne!(res.json()["id"], first.json()["id"]);
}
