//! Issue 12: password throttling per account and client, shared by every
//! node through the database; client addresses behind trusted proxies;
//! bounded throttle state; safe request ids.

use crate::support::world::PASSWORD;
use crate::support::{Response, TestApp};
use sea_orm::ConnectionTrait;
use serde_json::json;

const HQ_EMAIL: &str = "hq@zhijiang.test";
const WRONG: &str = "wrong-password-1";

async fn with_hq_admin(app: &TestApp) -> String {
    zhijiang::users::service::create_hq_admin(&app.state, HQ_EMAIL, PASSWORD)
        .await
        .expect("hq admin");
    app.login("HQ", HQ_EMAIL, PASSWORD).await
}

async fn login_from(app: &TestApp, peer: &str, password: &str) -> Response {
    app.post("/api/v1/auth/login")
        .peer(peer)
        .json(json!({"branch": "HQ", "email": HQ_EMAIL, "password": password}))
        .send()
        .await
}

async fn login_via_proxy(app: &TestApp, forwarded_for: &str, password: &str) -> Response {
    app.post("/api/v1/auth/login")
        .header("X-Forwarded-For", forwarded_for)
        .json(json!({"branch": "HQ", "email": HQ_EMAIL, "password": password}))
        .send()
        .await
}

fn retry_after(res: &Response) -> u64 {
    res.header("retry-after").expect("Retry-After").parse().expect("seconds")
}

async fn counter_keys(app: &TestApp) -> Vec<String> {
    let rows = app
        .state
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.state.db.get_database_backend(),
            "SELECT counter_key FROM throttle_counters",
        ))
        .await
        .unwrap();
    rows.iter().map(|r| r.try_get::<String>("", "counter_key").unwrap()).collect()
}

#[actix_rt::test]
async fn failures_from_one_client_do_not_lock_the_owner_out() {
    let app = TestApp::new().await;
    with_hq_admin(&app).await;
    let attacker = "198.51.100.66:5000";
    for _ in 0..5 {
        login_from(&app, attacker, WRONG).await.problem(401, "invalid_credentials");
    }
    // The attacker is stopped, even with the right password...
    let res = login_from(&app, attacker, PASSWORD).await;
    res.problem(429, "too_many_requests");
    assert!((14 * 60..=15 * 60).contains(&retry_after(&res)), "{:?}", res.header("retry-after"));
    // ...while the owner, from a client that has not failed, gets in at once.
    assert_eq!(login_from(&app, "203.0.113.5:6000", PASSWORD).await.status, 200);
    // A correct password clears a client's count: four failures, success, five more allowed.
    let typo = "203.0.113.6:6000";
    for _ in 0..4 {
        login_from(&app, typo, WRONG).await.problem(401, "invalid_credentials");
    }
    assert_eq!(login_from(&app, typo, PASSWORD).await.status, 200);
    for _ in 0..5 {
        login_from(&app, typo, WRONG).await.problem(401, "invalid_credentials");
    }
    login_from(&app, typo, PASSWORD).await.problem(429, "too_many_requests");
}

#[actix_rt::test]
async fn a_distributed_guess_is_slowed_progressively_without_locking_the_owner_out() {
    // Two failures per client; the account takes 4 × 2 = 8 from all clients.
    let app = TestApp::with_config(|c| c.login_failures_per_account = 2).await;
    with_hq_admin(&app).await;
    for client in 1..=4 {
        for _ in 0..2 {
            let peer = format!("198.51.100.{client}:5000");
            login_from(&app, &peer, WRONG).await.problem(401, "invalid_credentials");
        }
    }
    // The owner, from a fresh client, waits seconds, not 15 minutes.
    let owner = "203.0.113.5:6000";
    let res = login_from(&app, owner, PASSWORD).await;
    res.problem(429, "too_many_requests");
    assert!(retry_after(&res) <= 2, "{:?}", res.header("retry-after"));
    app.state.clock.advance(chrono::Duration::seconds(3));
    assert_eq!(login_from(&app, owner, PASSWORD).await.status, 200);
    // Each further failure doubles the spacing: 2 s, then 4 s after the next failure.
    app.state.clock.advance(chrono::Duration::seconds(3));
    login_from(&app, "198.51.100.9:5000", WRONG)
        .await
        .problem(401, "invalid_credentials");
    app.state.clock.advance(chrono::Duration::seconds(3));
    let res = login_from(&app, "198.51.100.10:5000", WRONG).await;
    res.problem(429, "too_many_requests");
    assert!((1..=4).contains(&retry_after(&res)), "{:?}", res.header("retry-after"));
    app.state.clock.advance(chrono::Duration::seconds(2));
    login_from(&app, "198.51.100.10:5000", WRONG)
        .await
        .problem(401, "invalid_credentials");
}

#[actix_rt::test]
async fn a_wrong_current_password_counts_as_a_failed_login() {
    let app = TestApp::new().await;
    let token = with_hq_admin(&app).await;
    let change = |current: &str| {
        app.patch("/api/v1/users/me")
            .token(&token)
            .json(json!({"password": "a-brand-new-password", "current_password": current}))
    };
    for _ in 0..5 {
        let doc = change(WRONG).send().await.problem(422, "validation_failed");
        assert_eq!(doc["errors"][0]["field"], "current_password");
    }
    change(PASSWORD).send().await.problem(429, "too_many_requests");
    // The same lock covers logging in from this client, not from others.
    login_from(&app, &app.peer.to_string(), PASSWORD)
        .await
        .problem(429, "too_many_requests");
    assert_eq!(login_from(&app, "203.0.113.5:6000", PASSWORD).await.status, 200);
}

#[actix_rt::test]
async fn throttle_state_has_a_fixed_size_per_key_and_expires() {
    let app = TestApp::new().await;
    with_hq_admin(&app).await;
    // A body of a megabyte is refused before anything is read or counted.
    let huge = "x".repeat(1 << 20);
    let res = app
        .post("/api/v1/auth/login")
        .json(json!({"branch": "HQ", "email": huge, "password": WRONG}))
        .send()
        .await;
    res.problem(413, "payload_too_large");
    // The biggest body allowed still makes counters of one fixed size.
    for i in 0..5 {
        let email = format!("{i}{}@x.test", "y".repeat(7000));
        let res = app
            .post("/api/v1/auth/login")
            .json(json!({"branch": "HQ", "email": email, "password": WRONG}))
            .send()
            .await;
        assert!(res.status == 401 || res.status == 422, "{}", res.text());
    }
    let keys = counter_keys(&app).await;
    assert!(!keys.is_empty());
    assert!(
        keys.iter().all(|k| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit())),
        "{keys:?}"
    );
    // Once their windows are over, counters are deleted and locks are lifted.
    for _ in 0..5 {
        login_from(&app, "198.51.100.66:5000", WRONG)
            .await
            .problem(401, "invalid_credentials");
    }
    login_from(&app, "198.51.100.66:5000", PASSWORD)
        .await
        .problem(429, "too_many_requests");
    let before = counter_keys(&app).await.len();
    app.state.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(login_from(&app, "198.51.100.66:5000", PASSWORD).await.status, 200);
    let after = counter_keys(&app).await;
    assert!(after.len() < before && after.len() <= 3, "{before} rows before, {after:?} after");
}

#[actix_rt::test]
async fn forwarded_addresses_are_ignored_unless_the_peer_is_a_trusted_proxy() {
    let app = TestApp::new().await;
    with_hq_admin(&app).await;
    // Forging a new address per request does not escape the lock.
    for i in 0..5 {
        login_via_proxy(&app, &format!("198.51.100.{i}"), WRONG)
            .await
            .problem(401, "invalid_credentials");
    }
    login_via_proxy(&app, "198.51.100.99", PASSWORD)
        .await
        .problem(429, "too_many_requests");
}

#[actix_rt::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_throttle() {
    // Test peers are 10.x.x.x: every request arrives through a trusted proxy.
    let app = TestApp::with_config(|c| {
        c.proxies.trusted = zhijiang::http::client_address::Proxies::parse_list("10.0.0.0/8, 192.168.7.7").unwrap();
        c.verify_requests_per_minute = 2;
    })
    .await;
    with_hq_admin(&app).await;
    for _ in 0..5 {
        login_via_proxy(&app, "198.51.100.1", WRONG)
            .await
            .problem(401, "invalid_credentials");
    }
    // The client cannot escape by writing another address on the left.
    login_via_proxy(&app, "198.51.100.2, 198.51.100.1", PASSWORD)
        .await
        .problem(429, "too_many_requests");
    // Another client through the same proxies is not affected; a second
    // trusted hop is skipped.
    let res = login_via_proxy(&app, "198.51.100.2, 192.168.7.7", PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.text());

    // The verify page counts the same derived client.
    let verify = |client: &'static str| {
        app.get("/verify/BKK-0000-0000")
            .header("Accept", "application/json")
            .header("X-Forwarded-For", client)
    };
    for _ in 0..2 {
        assert_eq!(verify("198.51.100.3").send().await.status, 404);
    }
    verify("198.51.100.3").send().await.problem(429, "too_many_requests");
    assert_eq!(verify("198.51.100.4").send().await.status, 404);
}

async fn audited_ips(app: &TestApp, hq_token: &str) -> Vec<String> {
    let log = app
        .get("/api/v1/audit?action=user.password_change")
        .token(hq_token)
        .send()
        .await
        .json();
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["ip"].as_str().unwrap_or("").to_string())
        .collect()
}

#[actix_rt::test]
async fn the_audit_log_records_the_derived_address_never_a_raw_header() {
    let app = TestApp::new().await;
    let hq = with_hq_admin(&app).await;
    let res = app
        .patch("/api/v1/users/me")
        .token(&hq)
        .header("X-Forwarded-For", "6.6.6.6")
        .header("Forwarded", "for=7.7.7.7")
        .header("X-Real-IP", "8.8.8.8")
        .json(json!({"password": "a-brand-new-password", "current_password": PASSWORD}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let hq = app.login("HQ", HQ_EMAIL, "a-brand-new-password").await;
    assert_eq!(audited_ips(&app, &hq).await, vec![app.peer.ip().to_string()]);

    // Behind a trusted proxy, the client it reports is recorded.
    let proxied = app
        .another_node(|c| c.proxies.trusted = zhijiang::http::client_address::Proxies::parse_list("10.0.0.0/8").unwrap())
        .await;
    let res = proxied
        .patch("/api/v1/users/me")
        .token(&hq)
        .header("X-Forwarded-For", "6.6.6.6, 198.51.100.23")
        .json(json!({"password": PASSWORD, "current_password": "a-brand-new-password"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let hq = app.login("HQ", HQ_EMAIL, PASSWORD).await;
    let mut ips = audited_ips(&app, &hq).await;
    ips.sort();
    assert_eq!(ips, vec![app.peer.ip().to_string(), "198.51.100.23".to_string()]);
}

#[actix_rt::test]
async fn client_request_ids_are_kept_only_when_short_and_safe() {
    let app = TestApp::new().await;
    let echoed = |id: String| {
        let app = &app;
        async move {
            app.get("/healthz")
                .header("X-Request-Id", &id)
                .send()
                .await
                .header("x-request-id")
                .unwrap()
        }
    };
    let fine = format!("trace-{}.A_b", "9".repeat(54));
    assert_eq!(fine.len(), 64);
    assert_eq!(echoed(fine.clone()).await, fine);
    for bad in [
        "x".repeat(65),
        "with space".to_string(),
        "quote\"d".to_string(),
        "semi;colon".to_string(),
        "<script>".to_string(),
    ] {
        let got = echoed(bad.clone()).await;
        assert_ne!(got, bad);
        assert!(uuid::Uuid::parse_str(&got).is_ok(), "{got}");
    }
}

#[actix_rt::test]
async fn failures_on_one_node_count_on_another() {
    let a = TestApp::new().await;
    with_hq_admin(&a).await;
    let b = a.another_node(|_| {}).await;
    let client = "198.51.100.66:5000";
    for node in [&a, &b, &a, &b, &a] {
        login_from(node, client, WRONG).await.problem(401, "invalid_credentials");
    }
    login_from(&b, client, PASSWORD).await.problem(429, "too_many_requests");
    login_from(&a, client, PASSWORD).await.problem(429, "too_many_requests");
    assert_eq!(login_from(&b, "203.0.113.5:6000", PASSWORD).await.status, 200);
}

#[actix_rt::test]
async fn the_verify_rate_limit_holds_across_nodes() {
    let a = TestApp::with_config(|c| c.verify_requests_per_minute = 3).await;
    let b = a.another_node(|_| {}).await;
    fn verify(node: &TestApp) -> crate::support::Call<'_> {
        node.get("/verify/BKK-0000-0000")
            .header("Accept", "application/json")
            .peer("198.51.100.7:1")
    }
    for node in [&a, &b, &a] {
        assert_eq!(verify(node).send().await.status, 404);
    }
    verify(&b).send().await.problem(429, "too_many_requests");
    verify(&a).send().await.problem(429, "too_many_requests");
    // Another client is not affected; the window ends after a minute.
    assert_eq!(verify(&b).peer("198.51.100.8:1").send().await.status, 404);
    a.state.clock.advance(chrono::Duration::seconds(61));
    assert_eq!(verify(&a).send().await.status, 404);
}

#[actix_rt::test]
async fn the_client_budget_holds_across_nodes_and_accounts() {
    let a = TestApp::with_config(|c| c.login_attempts_per_minute = 4).await;
    with_hq_admin(&a).await;
    let b = a.another_node(|_| {}).await;
    fn spray(node: &TestApp, i: usize) -> crate::support::Call<'_> {
        node.post("/api/v1/auth/login")
            .peer("198.51.100.50:1")
            .json(json!({"branch": "HQ", "email": format!("nobody{i}@zhijiang.test"), "password": WRONG}))
    }
    for (i, node) in [&a, &b, &a, &b].into_iter().enumerate() {
        spray(node, i).send().await.problem(401, "invalid_credentials");
    }
    spray(&a, 9).send().await.problem(429, "too_many_requests");
    spray(&b, 10).send().await.problem(429, "too_many_requests");
}
