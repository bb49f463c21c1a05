//! Issue 16: credentials any verifier accepts. The credential is checked by
//! two independent libraries (PyJWT with the published JWK Set; jwcrypto
//! fetching the key and the status list over HTTP from the running server),
//! as JSON-LD with the published contexts, and against the OB 3.0 schema.

use crate::support::certify::{certify, cohort, course, python};
use crate::support::{TestApp, World, rows};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The app served on a real loopback port (the public URL points at it).
async fn served() -> (TestApp, actix_web::dev::ServerHandle, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let public = base.clone();
    let app = TestApp::with_config(move |c| c.public_url = public).await;
    let server = crate::support::serve(&app, listener);
    (app, server, base)
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// PyJWT against a JWK Set fetched from `url`; the credential's payload.
async fn pyjwt(app: &TestApp, dir: &tempfile::TempDir, token: &str, url: &str) -> Value {
    let res = app.get(url).send().await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type").as_deref(), Some("application/jwk-set+json"));
    let jwks = write(dir, "jwks.json", &res.text());
    let token = write(dir, "token", token);
    let (ok, out, err) = python("verify_vc.py", &[&jwks, &token]).await;
    assert!(ok, "PyJWT refused the credential: {err}");
    out
}

/// jwcrypto over HTTP: signature, status list and validity as a verifier sees them.
async fn over_http(dir: &tempfile::TempDir, token: &str) -> Value {
    let token = write(dir, "token-http", token);
    let (ok, out, err) = python("vc_http_verify.py", &[&token]).await;
    assert!(ok, "the HTTP verifier refused the credential: {err} {out}");
    out
}

#[actix_rt::test]
async fn the_credential_verifies_anywhere_and_revocation_travels() {
    let (app, server, base) = served().await;
    let world = World::build(&app).await;
    let c = course(&app, &world, "EV-HV-201", Some(730)).await;
    let cohort_id = cohort(&app, &world.bkk_admin.token, &c, "C1").await;
    let t = &world.bkk_trainee.token;
    let cert_id = certify(&app, &world.bkk_admin.token, &c, &cohort_id, &world.bkk_trainee.id, t).await["certificate_id"]
        .as_str()
        .expect("certified")
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let download = app.get(&format!("/api/v1/certificates/{cert_id}/credential")).token(t).send().await;
    assert_eq!(download.status, 200);
    assert_eq!(download.header("content-type").as_deref(), Some("application/vc+jwt"));
    let token = download.text();

    // Library 1: PyJWT with the issuer's JWK Set and with the well-known one.
    let checked = pyjwt(&app, &dir, &token, "/issuers/BKK/jwks.json").await;
    pyjwt(&app, &dir, &token, "/.well-known/jwks.json").await;
    let header = &checked["header"];
    assert_eq!(header["alg"], "ES256");
    let kid = header["kid"].as_str().unwrap();
    assert!(kid.starts_with(&format!("{base}/issuers/BKK/keys/")), "{kid}");
    let vc = &checked["payload"];
    assert_eq!(vc["id"], format!("urn:uuid:{cert_id}"));
    assert_eq!(vc["issuer"]["id"], format!("{base}/issuers/BKK"));
    assert_eq!(vc["iss"], vc["issuer"]["id"]);
    assert_eq!(vc["validFrom"], vc["awardedDate"]);
    assert!(vc["validUntil"].is_string(), "the course's certificates expire");
    assert!(vc["exp"].is_i64() && vc["iat"].is_i64());

    // The holder can be matched by email: sha256(email + salt).
    let hashed = vc["credentialSubject"]["identifier"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["identityType"] == "emailAddress")
        .expect("a hashed email IdentityObject");
    assert_eq!(hashed["hashed"], true);
    let salt = hashed["salt"].as_str().unwrap();
    let digest = Sha256::digest(format!("{}{salt}", world.bkk_trainee.email).as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hashed["identityHash"], format!("sha256${hex}"));
    assert!(!token.contains(&world.bkk_trainee.email), "the address itself is never published");

    // Everything the credential points at answers anonymously.
    let profile = app.get("/issuers/BKK").send().await;
    assert_eq!(profile.status, 200, "{}", profile.text());
    assert_eq!(profile.json()["type"], json!(["Profile"]));
    assert_eq!(profile.json()["id"], vc["issuer"]["id"]);
    let achievement_path = vc["credentialSubject"]["achievement"]["id"].as_str().unwrap().replace(&base, "");
    let achievement = app.get(&achievement_path).send().await;
    assert_eq!(achievement.status, 200);
    assert_eq!(achievement.json()["type"], json!(["Achievement"]));
    let key = app.get(&kid.replace(&base, "")).send().await;
    assert_eq!(key.header("content-type").as_deref(), Some("application/jwk+json"));
    assert_eq!(key.json()["kty"], "EC");
    assert_eq!(key.json()["crv"], "P-256");
    app.get("/issuers/NOPE").send().await.problem(404, "not_found");
    app.get("/issuers/BKK/keys/nope").send().await.problem(404, "not_found");

    // Library 2: jwcrypto, fetching key and status list from the server.
    let http = over_http(&dir, &token).await;
    assert_eq!(http["status"], "valid", "{http}");
    assert_eq!(http["list_entries"], 131_072);

    // Signed once: the same bytes on every download, whatever the holder's language now.
    app.patch("/api/v1/users/me").token(t).json(json!({"locale": "vi"})).send().await;
    let again = app.get(&format!("/api/v1/certificates/{cert_id}/credential")).token(t).send().await;
    assert_eq!(again.text(), token);

    // Revoking access-token keys at once leaves every credential verifiable.
    let rotated = app
        .post("/api/v1/branches/BKK/keys/rotate")
        .token(&world.hq.token)
        .json(json!({"revoke_old": true}))
        .send()
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text());
    pyjwt(&app, &dir, &token, "/issuers/BKK/jwks.json").await;
    assert_eq!(over_http(&dir, &token).await["status"], "valid");

    // Revocation flips the bit the verifier reads; the credential itself is unchanged.
    let hq = app.login("HQ", &world.hq.email, crate::support::world::PASSWORD).await;
    let res = app
        .post(&format!("/api/v1/certificates/{cert_id}/revoke"))
        .token(&hq)
        .json(json!({"reason": "Exam taken by someone else"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(over_http(&dir, &token).await["status"], "revoked");
    let list = app.get("/issuers/BKK/status-lists/1").send().await;
    assert_eq!(list.header("content-type").as_deref(), Some("application/vc+jwt"));
    assert!(list.header("cache-control").unwrap().contains("max-age=60"));
    server.stop(true).await;
}

#[actix_rt::test]
async fn the_credential_is_clean_json_ld_and_follows_the_ob3_schema() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let c = course(&app, &world, "EV-HV-202", None).await;
    let cohort_id = cohort(&app, &world.bkk_admin.token, &c, "C1").await;
    let t = &world.bkk_trainee.token;
    let cert_id = certify(&app, &world.bkk_admin.token, &c, &cohort_id, &world.bkk_trainee.id, t).await["certificate_id"]
        .as_str()
        .unwrap()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let token = app
        .get(&format!("/api/v1/certificates/{cert_id}/credential"))
        .token(t)
        .send()
        .await
        .text();
    let file = write(&dir, "vc", &token);
    let (ok, out, err) = python("vc_jsonld_schema.py", &[&file]).await;
    assert!(ok, "JSON-LD or schema check failed: {out} {err}");
    assert_eq!(out["undefined"], json!([]));
    assert_eq!(out["schema_errors"], json!([]));
    // Forever: no validUntil, no exp.
    let payload: Value = {
        use base64::Engine;
        let part = token.split('.').nth(1).unwrap();
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    };
    assert!(payload.get("validUntil").is_none() && payload.get("exp").is_none());
    // The status list credential is clean JSON-LD too.
    let list = app.get("/issuers/BKK/status-lists/1").send().await.text();
    let file = write(&dir, "list", &list);
    let (ok, out, err) = python("vc_jsonld_schema.py", &[&file, "--no-schema"]).await;
    assert!(ok, "status list JSON-LD: {out} {err}");
    // The check itself catches an undefined term.
    let (ok, out, _) = python(
        "vc_jsonld_schema.py",
        &[&write(&dir, "bad", &forged_with_undefined_term(&token)), "--no-schema"],
    )
    .await;
    assert!(!ok && out["undefined"].to_string().contains("zhijiangCustom"), "{out}");
}

/// The credential's payload with an undefined member (unsigned: only the
/// JSON-LD check reads it).
fn forged_with_undefined_term(token: &str) -> String {
    use base64::Engine;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let mut payload: Value = serde_json::from_slice(&engine.decode(&parts[1]).unwrap()).unwrap();
    payload["zhijiangCustom"] = json!("x");
    parts[1] = engine.encode(payload.to_string());
    parts.join(".")
}

#[actix_rt::test]
async fn a_full_status_list_is_followed_by_a_new_one() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let c = course(&app, &world, "EV-HV-203", None).await;
    let cohort_id = cohort(&app, &world.bkk_admin.token, &c, "C1").await;
    let first = certify(
        &app,
        &world.bkk_admin.token,
        &c,
        &cohort_id,
        &world.bkk_trainee.id,
        &world.bkk_trainee.token,
    )
    .await;
    assert!(first["certificate_id"].is_string());
    // The list is exhausted (as after 131,072 certificates).
    rows::set_all(&app, "status_lists", "next_index", 131_072).await;
    let other = crate::support::world::create_user(
        &app,
        &world.bkk_admin.token,
        "BKK",
        "second@bkk.test",
        "trainee",
        "en",
        Some("long enough pw"),
    )
    .await;
    let token = app.login("BKK", "second@bkk.test", "long enough pw").await;
    let second = certify(&app, &world.bkk_admin.token, &c, &cohort_id, other["id"].as_str().unwrap(), &token).await;
    let cert_id = second["certificate_id"].as_str().unwrap();
    let jwt = app
        .get(&format!("/api/v1/certificates/{cert_id}/credential"))
        .token(&token)
        .send()
        .await
        .text();
    let payload: Value = {
        use base64::Engine;
        let part = jwt.split('.').nth(1).unwrap();
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    };
    let status = &payload["credentialStatus"];
    assert_eq!(status["statusListCredential"], "http://zhijiang.test/issuers/BKK/status-lists/2");
    assert_eq!(status["statusListIndex"], "0");
    assert_eq!(rows::count(&app, "status_lists").await, 2);
    for n in [1, 2] {
        assert_eq!(app.get(&format!("/issuers/BKK/status-lists/{n}")).send().await.status, 200);
    }
    app.get("/issuers/BKK/status-lists/3").send().await.problem(404, "not_found");
}
