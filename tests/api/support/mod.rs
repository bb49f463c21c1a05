//! The test harness: the real HTTP application in-process over a fresh
//! database per test (a new SQLite file, or a new PostgreSQL database when
//! `ZHIJIANG_TEST_POSTGRES_URL` is set), and a real SMTP server.

pub mod answers;
pub mod catalogue;
pub mod certify;
pub mod exams;
pub mod media;
pub mod orgs;
pub mod queries;
pub mod rows;
pub mod smtp;
pub mod windows;
pub mod world;

use actix_http::Request;
use actix_service::boxed::{RcService, rc_service};
use actix_service::{Service, ServiceExt};
use actix_web::body::{BoxBody, to_bytes};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::HeaderMap;
use actix_web::test::TestRequest;
use actix_web::web::Bytes;
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use tempfile::TempDir;
use zhijiang::config::Config;
use zhijiang::crypto::MasterKey;
use zhijiang::state::AppState;

pub use world::World;

/// Which database this run of the suite uses.
pub fn postgres_url() -> Option<String> {
    std::env::var("ZHIJIANG_TEST_POSTGRES_URL").ok().filter(|v| !v.is_empty())
}

/// A PostgreSQL database made for one test and dropped after it.
struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime; use a thread with its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async {
                if let Ok(db) = Database::connect(&admin_url).await {
                    let _ = db
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .await;
                }
            });
        })
        .join();
    }
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let without_db = match base.rfind('/') {
        Some(i) if i > base.find("://").map(|p| p + 2).unwrap_or(0) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{without_db}/{name}?{q}"),
        None => format!("{without_db}/{name}"),
    }
}

pub struct TestApp {
    pub state: AppState,
    service: RcService<Request, ServiceResponse<BoxBody>, actix_web::Error>,
    /// The client address requests come from (login throttling counts per address).
    pub peer: SocketAddr,
    _dir: TempDir,
    _pg: Option<PgDatabase>,
}

static PEERS: AtomicU32 = AtomicU32::new(1);

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_config(|_| {}).await
    }

    /// A fresh app; `adjust` may change the configuration (SMTP URL, ...).
    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> TestApp {
        if let Ok(filter) = std::env::var("ZHIJIANG_TEST_LOG") {
            let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, pg) = match postgres_url() {
            Some(admin_url) => {
                let name = format!("zj_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("ZHIJIANG_TEST_POSTGRES_URL must reach a PostgreSQL server");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                (with_database(&admin_url, &name), Some(PgDatabase { admin_url, name }))
            }
            None => (format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()), None),
        };
        let mut config = Config::for_database(&url);
        config.master_key = Some(MasterKey::generate().to_base64().into());
        config.data_dir = dir.path().to_path_buf();
        config.mail_dir = dir.path().join("mail-out");
        config.public_url = "http://zhijiang.test".into();
        config.database_max_connections = 8;
        adjust(&mut config);
        let state = zhijiang::build_state(config).await.expect("app state");
        Self::serving(state, dir, pg).await
    }

    async fn serving(state: AppState, dir: TempDir, pg: Option<PgDatabase>) -> TestApp {
        let service = actix_web::test::init_service(zhijiang::app(state.clone())).await;
        let service = rc_service(service.map(|res: ServiceResponse<_>| res.map_into_boxed_body()));
        let n = PEERS.fetch_add(1, Ordering::Relaxed);
        let peer: SocketAddr = format!("10.{}.{}.{}:40000", (n >> 16) & 255, (n >> 8) & 255, n & 255)
            .parse()
            .unwrap();
        TestApp {
            state,
            service,
            peer,
            _dir: dir,
            _pg: pg,
        }
    }

    /// A second node on this app's database (same settings, then `adjust`):
    /// its own pool, caches and invalidation listener, and the same master
    /// key, as nodes of one deployment share it. Requests come from the same
    /// client address, so what one node counts or changes, the other sees.
    pub async fn another_node(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = (*self.state.config).clone();
        adjust(&mut config);
        let state = zhijiang::build_state(config).await.expect("second node state");
        let mut node = Self::serving(state, tempfile::tempdir().expect("temp dir"), None).await;
        node.peer = self.peer;
        node
    }

    pub fn get(&self, path: &str) -> Call<'_> {
        Call::new(self, TestRequest::get(), path)
    }
    pub fn post(&self, path: &str) -> Call<'_> {
        Call::new(self, TestRequest::post(), path)
    }
    pub fn put(&self, path: &str) -> Call<'_> {
        Call::new(self, TestRequest::put(), path)
    }
    /// Moves the service clock a little, so consecutive edits get distinct timestamps.
    pub fn clock_tick(&self) {
        self.state.clock.advance(chrono::Duration::seconds(1));
    }
    pub fn patch(&self, path: &str) -> Call<'_> {
        Call::new(self, TestRequest::patch(), path)
    }
    pub fn delete(&self, path: &str) -> Call<'_> {
        Call::new(self, TestRequest::delete(), path)
    }
    pub fn head(&self, path: &str) -> Call<'_> {
        Call::new(self, TestRequest::default().method(actix_web::http::Method::HEAD), path)
    }

    /// Logs in and returns the access token.
    pub async fn login(&self, branch: &str, email: &str, password: &str) -> String {
        let res = self
            .post("/api/v1/auth/login")
            .json(serde_json::json!({"branch": branch, "email": email, "password": password}))
            .send()
            .await;
        assert_eq!(res.status, 200, "login of {email} at {branch}: {}", res.text());
        res.json()["access_token"].as_str().expect("access_token").to_string()
    }

    /// Logs in; returns (access token, refresh token).
    pub async fn sign_in(&self, branch: &str, email: &str, password: &str) -> (String, String) {
        let res = self
            .post("/api/v1/auth/login")
            .json(serde_json::json!({"branch": branch, "email": email, "password": password}))
            .send()
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        let body = res.json();
        (
            body["access_token"].as_str().unwrap().to_string(),
            body["refresh_token"].as_str().unwrap().to_string(),
        )
    }

    /// The status `GET /api/v1/users/me` answers with `token`.
    pub async fn me_status(&self, token: &str) -> u16 {
        self.get("/api/v1/users/me").token(token).send().await.status
    }
}

/// Serves `app`'s state on a real loopback port as well (for a browser):
/// the same application, over HTTP. Stop it with the returned handle.
pub fn serve(app: &TestApp, listener: std::net::TcpListener) -> actix_web::dev::ServerHandle {
    let state = app.state.clone();
    let server = actix_web::HttpServer::new(move || zhijiang::app(state.clone()))
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("serve on the listener")
        .run();
    let handle = server.handle();
    actix_rt::spawn(server);
    handle
}

pub struct Call<'a> {
    app: &'a TestApp,
    request: TestRequest,
}

impl<'a> Call<'a> {
    fn new(app: &'a TestApp, request: TestRequest, path: &str) -> Self {
        Call {
            app,
            request: request.uri(path).peer_addr(app.peer),
        }
    }
    /// Sends this request from another client address.
    pub fn peer(mut self, peer: &str) -> Self {
        let address: SocketAddr = peer.parse().expect("a socket address like 10.0.0.1:40000");
        self.request = self.request.peer_addr(address);
        self
    }
    pub fn token(mut self, token: &str) -> Self {
        self.request = self.request.insert_header(("Authorization", format!("Bearer {token}")));
        self
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.request = self.request.insert_header((name.to_string(), value.to_string()));
        self
    }
    /// A header with arbitrary bytes (anything HTTP lets through: no CR, LF or NUL).
    pub fn raw_header(mut self, name: &str, value: &[u8]) -> Self {
        let name = actix_web::http::header::HeaderName::from_bytes(name.as_bytes()).expect("a header name");
        let value = actix_web::http::header::HeaderValue::from_bytes(value).expect("bytes HTTP allows in a header");
        self.request = self.request.insert_header((name, value));
        self
    }
    pub fn json(mut self, body: Value) -> Self {
        self.request = self
            .request
            .insert_header(("Content-Type", "application/json"))
            .set_payload(body.to_string());
        self
    }
    /// A raw body with an explicit content type.
    pub fn body(mut self, content_type: &str, body: impl Into<Bytes>) -> Self {
        self.request = self
            .request
            .insert_header(("Content-Type", content_type.to_string()))
            .set_payload(body.into());
        self
    }
    pub async fn send(self) -> Response {
        let response = self.app.service.call(self.request.to_request()).await;
        let response = match response {
            Ok(r) => r,
            Err(err) => ServiceResponse::new(actix_web::test::TestRequest::default().to_http_request(), err.error_response()),
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = to_bytes(response.into_body()).await.unwrap_or_default();
        Response { status, headers, body }
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }
    /// Asserts a problem document with this status and code, and returns it.
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "expected {status} {code}, got: {}", self.text());
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json"),
            "{}",
            self.text()
        );
        let doc = self.json();
        assert_eq!(doc["code"], code, "{doc}");
        assert_eq!(doc["status"], status);
        assert!(doc["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(doc["detail"].as_str().is_some_and(|t| !t.is_empty()));
        doc
    }
}
