//! Two real `zhijiang serve` processes on one database, talked to over TCP:
//! what one node counts or changes, the other must see (issue 12, "several
//! nodes behave as one"). The in-process two-node tests (`nodes.rs`,
//! `throttling.rs`) cover each cache; this one proves the same through the
//! binary, its configuration and its own listener connection.

use crate::support::world::{PASSWORD, World};
use crate::support::{TestApp, postgres_url, smtp::free_port};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `zhijiang serve` child process, killed when dropped.
struct Node {
    port: u16,
    child: Child,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Node {
    fn start(app: &TestApp, dir: &std::path::Path, name: &str) -> Node {
        let port = free_port();
        let log = std::fs::File::create(dir.join(format!("{name}.log"))).expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_zhijiang"))
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("ZHIJIANG_DATABASE_URL", app.state.config.database_url.expose())
            .env(
                "ZHIJIANG_MASTER_KEY",
                app.state.config.master_key.as_ref().expect("test master key").expose(),
            )
            .env("ZHIJIANG_LISTEN", format!("127.0.0.1:{port}"))
            .env("ZHIJIANG_DATA_DIR", dir)
            .env("ZHIJIANG_RUN_WORKER", "false")
            .env("ZHIJIANG_WORKERS", "1")
            .env("ZHIJIANG_DATABASE_MAX_CONNECTIONS", "4")
            .env("ZHIJIANG_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("start zhijiang serve");
        let node = Node { port, child };
        let deadline = Instant::now() + Duration::from_secs(60);
        while node.call("GET", "/readyz", None, None).0 != 200 {
            assert!(
                Instant::now() < deadline,
                "{name} did not become ready; see {}",
                dir.join(format!("{name}.log")).display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        node
    }

    /// One HTTP/1.1 request (connection closed after it): status and JSON body.
    fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> (u16, Value) {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return (0, Value::Null);
        };
        stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
        let payload = body.map(Value::to_string).unwrap_or_default();
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: application/json\r\n");
        if let Some(token) = token {
            request.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        if body.is_some() {
            request.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", payload.len()));
        }
        request.push_str("\r\n");
        request.push_str(&payload);
        if stream.write_all(request.as_bytes()).is_err() {
            return (0, Value::Null);
        }
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        let text = String::from_utf8_lossy(&raw);
        let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    }

    fn login(&self, branch: &str, email: &str, password: &str) -> (u16, Value) {
        self.call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&json!({"branch": branch, "email": email, "password": password})),
        )
    }
}

#[actix_rt::test]
async fn two_serve_processes_share_throttles_and_sessions() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let a = Node::start(&app, dir.path(), "node-a");
    let b = Node::start(&app, dir.path(), "node-b");
    let email = world.bkk_trainee.email.as_str();

    // Throttles are counted in the database: five wrong passwords on node A
    // lock this client out of the account on node B too, even with the
    // right password.
    for _ in 0..5 {
        assert_eq!(a.login("BKK", email, "wrong-password-123").0, 401);
    }
    let (status, problem) = b.login("BKK", email, PASSWORD);
    assert_eq!(status, 429, "node B must see node A's failures: {problem}");
    assert_eq!(problem["code"], "too_many_requests");

    // Sessions: another account, so the lock above does not interfere.
    let email = world.bkk_admin.email.as_str();
    let (status, pair) = a.login("BKK", email, PASSWORD);
    assert_eq!(status, 200, "{pair}");
    let access = pair["access_token"].as_str().expect("access token").to_string();
    let refresh = pair["refresh_token"].as_str().expect("refresh token").to_string();
    // Node B has verified the token and cached the user's standing.
    assert_eq!(b.call("GET", "/api/v1/users/me", Some(&access), None).0, 200);
    assert_eq!(b.call("GET", "/api/v1/users/me", Some(&access), None).0, 200);

    assert_eq!(
        a.call("POST", "/api/v1/auth/logout", None, Some(&json!({"refresh_token": refresh})))
            .0,
        204
    );
    assert_eq!(
        a.call("GET", "/api/v1/users/me", Some(&access), None).0,
        401,
        "node A ends the token at once"
    );

    if postgres_url().is_some() {
        // PostgreSQL: node B hears of the logout through LISTEN/NOTIFY.
        let started = Instant::now();
        loop {
            let status = b.call("GET", "/api/v1/users/me", Some(&access), None).0;
            if status == 401 {
                break;
            }
            assert_eq!(status, 200);
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "node B still accepts a logged-out token after 1 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    // (SQLite serves one node: a second process on the same file sees the
    // logout only when its short caches expire, which is not promised.)
    // Signing in again works on either node at once.
    assert_eq!(b.login("BKK", email, PASSWORD).0, 200);
}
