//! Issue 12, several nodes: two nodes on one PostgreSQL database behave as
//! one. What node A ends (a logout, a password change, a revoked key) node B
//! refuses within a second, although B had the token verified and cached;
//! catalogue edits on A show on B as promptly. SQLite serves a single node,
//! so there the same steps are checked on the node that made them.

use crate::support::catalogue::published_course;
use crate::support::world::PASSWORD;
use crate::support::{TestApp, World, postgres_url};
use sea_orm::ConnectionTrait;
use serde_json::json;
use std::time::{Duration, Instant};

const WITHIN: Duration = Duration::from_secs(1);

/// Node B on PostgreSQL; `None` on SQLite (the checks then run on node A).
async fn second_node(app: &TestApp) -> Option<TestApp> {
    match postgres_url() {
        Some(_) => Some(app.another_node(|_| {}).await),
        None => None,
    }
}

/// Polls until `node` refuses `token`; panics after `WITHIN`.
async fn refused_within(node: &TestApp, token: &str, what: &str) -> Duration {
    let started = Instant::now();
    loop {
        if node.me_status(token).await == 401 {
            let took = started.elapsed();
            println!("{what}: refused after {} ms", took.as_millis());
            return took;
        }
        assert!(started.elapsed() < WITHIN, "{what}: still accepted after {WITHIN:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Uses `token` on `node` twice, so its signature, key and user are cached there.
async fn warm(node: &TestApp, token: &str) {
    for _ in 0..2 {
        assert_eq!(node.me_status(token).await, 200);
    }
}

async fn catalogue(node: &TestApp, token: &str) -> crate::support::Response {
    node.get("/api/v1/courses").token(token).send().await
}

#[actix_rt::test]
async fn another_node_refuses_ended_sessions_and_revoked_keys_and_sees_catalogue_edits() {
    let a = TestApp::new().await;
    let second = second_node(&a).await;
    let b = second.as_ref().unwrap_or(&a);
    let world = World::build(&a).await;

    // Catalogue: B caches the trainee's catalogue page, A renames the course.
    let course = published_course(&a, &world.hq.token, "EV-HV-101", 1, &["BKK"]).await;
    let first = catalogue(b, &world.bkk_trainee.token).await;
    assert_eq!(first.status, 200, "{}", first.text());
    assert!(first.text().contains("EV-HV-101"));
    assert_eq!(
        catalogue(b, &world.bkk_trainee.token).await.body,
        first.body,
        "served again from B's cache"
    );
    let res = a
        .patch(&format!("/api/v1/courses/{}", course["id"].as_str().unwrap()))
        .token(&world.hq.token)
        .json(json!({"code": "EV-HV-102"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let started = Instant::now();
    loop {
        let page = catalogue(b, &world.bkk_trainee.token).await.text();
        if page.contains("EV-HV-102") {
            println!("catalogue edit: seen after {} ms", started.elapsed().as_millis());
            break;
        }
        assert!(started.elapsed() < WITHIN, "the catalogue edit is not seen: {page}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Logout on A.
    let (token, refresh) = a.sign_in("BKK", &world.bkk_trainee.email, PASSWORD).await;
    warm(b, &token).await;
    let res = a.post("/api/v1/auth/logout").json(json!({"refresh_token": refresh})).send().await;
    assert_eq!(res.status, 204);
    refused_within(b, &token, "logout").await;

    // Password change on A.
    let admin = world.bkk_admin.token.clone();
    warm(b, &admin).await;
    let res = a
        .patch("/api/v1/users/me")
        .token(&admin)
        .json(json!({"password": "a-new-long-passphrase", "current_password": PASSWORD}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    refused_within(b, &admin, "password change").await;
    let (renewed, _) = b.sign_in("BKK", &world.bkk_admin.email, "a-new-long-passphrase").await;
    assert_eq!(b.me_status(&renewed).await, 200);

    // Key rotation with revoke_old on A. B has HAN's key cached for
    // verifying and for signing.
    let trainee = world.han_trainee.token.clone();
    warm(b, &trainee).await;
    let (signed_on_b, _) = b.sign_in("HAN", &world.han_admin.email, PASSWORD).await;
    warm(b, &signed_on_b).await;
    let res = a
        .post("/api/v1/branches/HAN/keys/rotate")
        .token(&world.hq.token)
        .json(json!({"revoke_old": true}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    refused_within(b, &trainee, "key revocation").await;
    assert_eq!(b.me_status(&signed_on_b).await, 401);
    // B now signs with the new key.
    let (fresh, _) = b.sign_in("HAN", &world.han_trainee.email, PASSWORD).await;
    assert_eq!(b.me_status(&fresh).await, 200);
    assert_eq!(a.me_status(&fresh).await, 200);
}

/// How many connections listen for invalidations on this database.
async fn listeners(node: &TestApp) -> i64 {
    let row = node
        .state
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            node.state.db.get_database_backend(),
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[actix_rt::test]
async fn a_node_that_lost_its_listener_forgets_what_it_may_have_missed() {
    let a = TestApp::new().await;
    let second = second_node(&a).await;
    let b = second.as_ref().unwrap_or(&a);
    let world = World::build(&a).await;
    let token = world.han_trainee.token.clone();
    warm(b, &token).await;

    // A change nobody announces (as if its announcement were lost): B goes
    // on answering from its cache.
    let cutoff = a.state.clock.now() + chrono::Duration::seconds(5);
    let update = sea_orm::sea_query::Query::update()
        .table(sea_orm::sea_query::Alias::new("users"))
        .value(sea_orm::sea_query::Alias::new("tokens_valid_after"), cutoff)
        .and_where(sea_orm::sea_query::ExprTrait::eq(
            sea_orm::sea_query::Expr::col(sea_orm::sea_query::Alias::new("email_normalized")),
            world.han_trainee.email.clone(),
        ))
        .to_owned();
    let sql = a.state.db.get_database_backend().build(&update);
    a.state.db.execute_raw(sql).await.unwrap();
    assert_eq!(b.me_status(&token).await, 200, "cached: the silent change is not seen yet");

    if postgres_url().is_some() {
        // Both nodes' listening connections drop.
        let killed = a
            .state
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                a.state.db.get_database_backend(),
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
            ))
            .await
            .unwrap();
        assert_eq!(killed.len(), 2, "one listener per node");
        refused_within(b, &token, "listener lost").await;
        // Listening again: announcements reach B once more.
        let (other, refresh) = a.sign_in("HAN", &world.han_admin.email, PASSWORD).await;
        let started = Instant::now();
        while listeners(&a).await < 2 {
            assert!(started.elapsed() < Duration::from_secs(5), "the listeners did not come back");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        println!("listeners back after {} ms", started.elapsed().as_millis());
        warm(b, &other).await;
        let res = a.post("/api/v1/auth/logout").json(json!({"refresh_token": refresh})).send().await;
        assert_eq!(res.status, 204);
        refused_within(b, &other, "logout after reconnecting").await;
    } else {
        // SQLite: one node; what the listener does on reconnecting.
        zhijiang::cluster::clear_all(&b.state);
        assert_eq!(b.me_status(&token).await, 401);
    }
}
