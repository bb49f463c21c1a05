//! Outbox throughput: emails per second from the outbox to a real SMTP server
//! (the aiosmtpd sink of the test suite, tests/support/smtp_sink.py).
//!
//!     cargo bench --bench outbox
//!     ZHIJIANG_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench outbox
//!
//! For each database (a temp SQLite file; PostgreSQL in a fresh database that
//! is dropped afterwards) and for one and two concurrent workers: enqueue N
//! emails inside transactions, drain them with `Worker::drain_once` until it
//! returns 0, wait until the sink has written N messages, and check that each
//! email arrived exactly once. Optional settings: ZHIJIANG_BENCH_N (default
//! 2000), ZHIJIANG_BENCH_ROUNDS (default 2: each case is measured twice),
//! ZHIJIANG_BENCH_SINK (test, lean or both, the default): the test suite's
//! sink parses every message and is itself the bottleneck near 130/s on two
//! cores; bench/lean_smtp_sink.py speaks the same SMTP without parsing.

use sea_orm::{ColumnTrait, TransactionTrait};
use sea_orm::{ConnectionTrait, Database, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use zhijiang::config::Config;
use zhijiang::crypto::MasterKey;
use zhijiang::i18n::Locale;
use zhijiang::notifications::entity as outbox;
use zhijiang::notifications::worker::Worker;
use zhijiang::notifications::{Email, enqueue};
use zhijiang::state::AppState;

const TARGET_PER_SECOND: f64 = 200.0;
const PER_TRANSACTION: usize = 50;

struct Sink {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Sink {
    fn start(kind: SinkKind, dir: PathBuf) -> Sink {
        std::fs::create_dir_all(&dir).unwrap();
        let port = free_port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(kind.script());
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let child = Command::new(python)
            .arg(script)
            .args(["--port", &port.to_string(), "--dir"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd is needed: pip install -r tests/requirements.txt");
        let sink = Sink { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "SMTP sink did not start on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        sink
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn count(&self) -> usize {
        std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                    .count()
            })
            .unwrap_or(0)
    }

    fn messages(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&self.dir).unwrap().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push(serde_json::from_str(&text).unwrap());
            }
        }
        out
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|p| p + 3).unwrap_or(0);
    let without_db = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{without_db}/{name}?{q}"),
        None => format!("{without_db}/{name}"),
    }
}

/// Which aiosmtpd server receives the mail.
#[derive(Clone, Copy, PartialEq)]
enum SinkKind {
    /// tests/support/smtp_sink.py: parses each message (CPU-bound near 130/s here).
    Test,
    /// bench/lean_smtp_sink.py: same SMTP, no MIME parsing.
    Lean,
}

impl SinkKind {
    fn script(self) -> &'static str {
        match self {
            SinkKind::Test => "tests/support/smtp_sink.py",
            SinkKind::Lean => "bench/lean_smtp_sink.py",
        }
    }
    fn name(self) -> &'static str {
        match self {
            SinkKind::Test => "test sink",
            SinkKind::Lean => "lean sink",
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// A fresh database for one case; dropped (PostgreSQL) or deleted with the
/// temp dir (SQLite) afterwards.
struct Db {
    url: String,
    pg_admin: Option<(String, String)>,
}

async fn fresh_db(backend: Backend, dir: &Path) -> Db {
    match backend {
        Backend::Sqlite => Db {
            url: format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()),
            pg_admin: None,
        },
        Backend::Postgres => {
            let admin_url = std::env::var("ZHIJIANG_BENCH_POSTGRES_URL").unwrap();
            let name = format!("zj_bench_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(&admin_url)
                .await
                .expect("ZHIJIANG_BENCH_POSTGRES_URL must reach PostgreSQL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create bench database");
            admin.close().await.ok();
            Db {
                url: with_database(&admin_url, &name),
                pg_admin: Some((admin_url, name)),
            }
        }
    }
}

async fn drop_db(db: Db) {
    if let Some((admin_url, name)) = db.pg_admin {
        match Database::connect(&admin_url).await {
            Ok(admin) => {
                if let Err(e) = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await
                {
                    eprintln!("warning: could not drop database {name}: {e}");
                }
                admin.close().await.ok();
            }
            Err(e) => eprintln!("warning: could not drop database {name}: {e}"),
        }
    }
}

struct Outcome {
    enqueue_per_s: f64,
    drain_s: f64,
    delivered_s: f64,
    per_s: f64,
    delivered: usize,
    unique: usize,
    sent_rows: u64,
    other_rows: u64,
}

async fn run_case(kind: SinkKind, backend: Backend, workers: usize, n: usize) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let sink = Sink::start(kind, dir.path().join("sink"));
    let db = fresh_db(backend, dir.path()).await;

    let mut config = Config::for_database(&db.url);
    config.smtp_url = Some(sink.url().into());
    config.master_key = Some(MasterKey::generate().to_base64().into());
    config.data_dir = dir.path().to_path_buf();
    config.mail_dir = dir.path().join("mail-out");
    let state: AppState = zhijiang::build_state(config).await.expect("app state");

    // Enqueue N emails, PER_TRANSACTION per transaction.
    let locales = [Locale::En, Locale::ZhCn, Locale::Th, Locale::Vi];
    let started = Instant::now();
    let mut i = 0;
    while i < n {
        let txn = state.db.begin().await.unwrap();
        for _ in 0..PER_TRANSACTION.min(n - i) {
            let mut args = Map::new();
            args.insert("name".into(), Value::String(format!("Trainee {i}")));
            let email = Email {
                branch_id: None,
                recipient: format!("trainee{i}@bench.zhijiang.test"),
                recipient_name: Some(format!("Trainee {i}")),
                locale: locales[i % locales.len()],
                template: "test",
                args,
                dedup_key: None,
            };
            enqueue(&txn, email, state.clock.now()).await.unwrap();
            i += 1;
        }
        txn.commit().await.unwrap();
    }
    let enqueue_per_s = n as f64 / started.elapsed().as_secs_f64();

    // Drain with `workers` concurrent workers, each until drain_once gives 0.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let worker = Worker::new(state.clone()).expect("worker");
        tasks.push(tokio::spawn(async move {
            let mut handled = 0usize;
            loop {
                match worker.drain_once().await {
                    Ok(0) => break,
                    Ok(k) => handled += k,
                    Err(e) => {
                        eprintln!("warning: drain_once failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            }
            handled
        }));
    }
    let mut claimed = 0;
    for t in tasks {
        claimed += t.await.unwrap();
    }
    let drain_s = started.elapsed().as_secs_f64();
    let deadline = Instant::now() + Duration::from_secs(60);
    while sink.count() < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let delivered_s = started.elapsed().as_secs_f64();
    // Anything more arriving would be a duplicate: give it a moment.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let messages = sink.messages();
    let mut recipients = HashSet::new();
    let mut ids = HashSet::new();
    for m in &messages {
        if let Some(r) = m["rcpt_tos"].as_array() {
            for r in r {
                recipients.insert(r.as_str().unwrap_or("").to_string());
            }
        }
        ids.insert(m["message_id"].as_str().unwrap_or("").to_string());
    }
    let unique = recipients.len().min(ids.len());
    if claimed != n {
        eprintln!("note: workers claimed {claimed} rows for {n} emails");
    }
    let sent_rows = outbox::Entity::find()
        .filter(outbox::Column::Status.eq(outbox::Status::Sent))
        .count(&state.db)
        .await
        .unwrap();
    let other_rows = outbox::Entity::find()
        .filter(outbox::Column::Status.ne(outbox::Status::Sent))
        .count(&state.db)
        .await
        .unwrap();
    state.db.clone().close().await.ok();
    drop(sink);
    drop_db(db).await;
    Outcome {
        enqueue_per_s,
        drain_s,
        delivered_s,
        per_s: n as f64 / delivered_s,
        delivered: messages.len(),
        unique,
        sent_rows,
        other_rows,
    }
}

fn main() {
    // `cargo bench` passes `--bench`. `cargo test --all-targets` (scripts/test,
    // CI) builds and runs this binary without it: there it only checks that
    // it builds, and does not spend a minute sending mail.
    if !std::env::args().any(|a| a == "--bench") {
        println!("outbox benchmark: built; run it with `cargo bench --bench outbox`");
        return;
    }
    // An optional argument selects the database: `sqlite` or `postgres`.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--")).unwrap_or_default();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(std::env::var("ZHIJIANG_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .try_init();
    let n: usize = std::env::var("ZHIJIANG_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let rounds: usize = std::env::var("ZHIJIANG_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    // ZHIJIANG_BENCH_SINK=test|lean|both (default both).
    let sinks = match std::env::var("ZHIJIANG_BENCH_SINK").as_deref() {
        Ok("test") => vec![SinkKind::Test],
        Ok("lean") => vec![SinkKind::Lean],
        _ => vec![SinkKind::Test, SinkKind::Lean],
    };
    let mut backends = vec![Backend::Sqlite];
    if std::env::var("ZHIJIANG_BENCH_POSTGRES_URL").is_ok_and(|v| !v.is_empty()) {
        backends.push(Backend::Postgres);
    } else {
        println!("(PostgreSQL skipped: set ZHIJIANG_BENCH_POSTGRES_URL to include it)");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "outbox benchmark: N = {n} emails per case, {rounds} rounds, {} cores, load average at start: {}",
        std::thread::available_parallelism().map(|p| p.get()).unwrap_or(0),
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );
    println!(
        "{:<10} {:<11} {:>7} {:>5} {:>12} {:>9} {:>11} {:>10} {:>10} {:>7}",
        "sink", "database", "workers", "round", "enqueue/s", "drain s", "delivered s", "emails/s", "delivered", "check"
    );
    let mut failures = 0;
    for kind in sinks {
        for &backend in &backends {
            if !filter.is_empty() && !backend.name().to_lowercase().contains(&filter.to_lowercase()) {
                continue;
            }
            for workers in [1, 2] {
                for round in 1..=rounds {
                    let o = runtime.block_on(run_case(kind, backend, workers, n));
                    let exact = o.delivered == n && o.unique == n && o.sent_rows == n as u64 && o.other_rows == 0;
                    let check = if !exact {
                        failures += 1;
                        "WRONG"
                    } else if o.per_s < TARGET_PER_SECOND {
                        "slow"
                    } else {
                        "ok"
                    };
                    println!(
                        "{:<10} {:<11} {:>7} {:>5} {:>12.0} {:>9.2} {:>11.2} {:>10.0} {:>10} {:>7}",
                        kind.name(),
                        backend.name(),
                        workers,
                        round,
                        o.enqueue_per_s,
                        o.drain_s,
                        o.delivered_s,
                        o.per_s,
                        format!("{}/{}", o.delivered, n),
                        check
                    );
                    if !exact {
                        println!(
                            "    delivered {} messages ({} distinct), outbox rows sent {} / other {}",
                            o.delivered, o.unique, o.sent_rows, o.other_rows
                        );
                    }
                }
            }
        }
    }
    println!(
        "emails/s = N / time from the first claim until the sink held N messages; target {TARGET_PER_SECOND:.0}/s; check: ok = exactly once and at target"
    );
    if failures > 0 {
        eprintln!("{failures} case(s) did not deliver exactly once");
        std::process::exit(1);
    }
}
