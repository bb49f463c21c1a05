//! Synchronized start: every trainee presses "start" once, at a moment drawn
//! uniformly within the window; requests go out when their moment comes
//! whatever the server is doing (open loop), through at most `--pool`
//! connections. A request's latency runs from the moment it was due to the
//! last byte of the answer, so time spent waiting for a free connection
//! counts, as it would for the trainee.
//!
//! loadgen --base URL --exam ID --tokens FILE [--n N] [--window S]
//!         [--pool P] [--lang L] [--seed X] [--json-out FILE]
//!
//! LOADGEN_ENCODING sets `Accept-Encoding` (default gzip, as phones send).
//!
//! FILE is the token cache bench/storm.py writes (`{"email": "token"}`); the
//! first N emails in sorted order take part.

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

struct Args {
    base: String,
    exam: String,
    tokens: String,
    n: usize,
    window: f64,
    pool: usize,
    lang: String,
    seed: u64,
    json_out: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        base: String::new(),
        exam: String::new(),
        tokens: String::new(),
        n: 10_000,
        window: 10.0,
        pool: 256,
        lang: "en".into(),
        seed: 7,
        json_out: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--base" => a.base = value,
            "--exam" => a.exam = value,
            "--tokens" => a.tokens = value,
            "--n" => a.n = value.parse().expect("--n"),
            "--window" => a.window = value.parse().expect("--window"),
            "--pool" => a.pool = value.parse().expect("--pool"),
            "--lang" => a.lang = value,
            "--seed" => a.seed = value.parse().expect("--seed"),
            "--json-out" => a.json_out = Some(value),
            _ => panic!("unknown flag {flag}"),
        }
    }
    assert!(
        !a.base.is_empty() && !a.exam.is_empty() && !a.tokens.is_empty(),
        "--base, --exam and --tokens are required"
    );
    a
}

/// Outcome of one start: latency in seconds and the status (0: no answer).
struct Outcome {
    due: Instant,
    done: Instant,
    status: u16,
}

/// CPU seconds this process used so far (utime + stime from /proc).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields after the command name start at "state" (field 3): utime is
    // field 14, stime 15, so indices 11 and 12 here. Clock ticks: 100/s.
    (ticks(11) + ticks(12)) / 100.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let a = args();
    let tokens: BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(&a.tokens).expect("token file")).expect("token JSON");
    let tokens: Vec<String> = tokens.into_values().take(a.n).collect();
    assert!(tokens.len() == a.n, "only {} tokens for --n {}", tokens.len(), a.n);
    let url: hyper::Uri = format!("{}/api/v1/exams/{}/attempts?lang={}", a.base, a.exam, a.lang)
        .parse()
        .expect("URL");

    // TCP_NODELAY as a phone's HTTP stack sets it: without it the request's
    // segments meet the server's delayed ACK and every start waits ~40 ms.
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(a.pool)
        .pool_idle_timeout(Duration::from_secs(3))
        .build(connector);
    let pool = Arc::new(Semaphore::new(a.pool));
    let mut rng = rand::rngs::StdRng::seed_from_u64(a.seed);
    let cpu0 = cpu_seconds();
    let origin = Instant::now() + Duration::from_millis(500);
    let mut tasks = Vec::with_capacity(a.n);
    for token in tokens {
        let due = origin + Duration::from_secs_f64(rng.gen_range(0.0..a.window));
        let (client, pool, url) = (client.clone(), pool.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(due.into()).await;
            let _slot = pool.acquire().await.expect("semaphore");
            let req = Request::post(url)
                .header("authorization", format!("Bearer {token}"))
                .header("accept-encoding", std::env::var("LOADGEN_ENCODING").unwrap_or_else(|_| "gzip".into()))
                .header("content-length", "0")
                .body(Empty::<Bytes>::new())
                .expect("request");
            let status = match client.request(req).await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    match resp.into_body().collect().await {
                        Ok(_) => status,
                        Err(_) => 0,
                    }
                }
                Err(_) => 0,
            };
            Outcome {
                due,
                done: Instant::now(),
                status,
            }
        }));
    }
    let mut outcomes = Vec::with_capacity(tasks.len());
    for t in tasks {
        outcomes.push(t.await.expect("task"));
    }
    let cpu = cpu_seconds() - cpu0;

    let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
    let mut lat: Vec<f64> = Vec::with_capacity(outcomes.len());
    for o in &outcomes {
        *by_status.entry(o.status).or_default() += 1;
        lat.push(o.done.duration_since(o.due).as_secs_f64());
    }
    lat.sort_by(f64::total_cmp);
    let ok = outcomes.iter().filter(|o| (200..300).contains(&o.status)).count();
    let first = outcomes.iter().map(|o| o.due).min().expect("some");
    let last = outcomes.iter().map(|o| o.done).max().expect("some");
    let span = last.duration_since(first).as_secs_f64();
    let ms = |s: f64| (s * 10_000.0).round() / 10.0;
    let summary = serde_json::json!({
        "n": a.n,
        "window_s": a.window,
        "pool": a.pool,
        "ok": ok,
        "errors": a.n - ok,
        "by_status": by_status.iter().map(|(k, v)| (k.to_string(), *v)).collect::<BTreeMap<_, _>>(),
        "p50_ms": ms(percentile(&lat, 50.0)),
        "p90_ms": ms(percentile(&lat, 90.0)),
        "p99_ms": ms(percentile(&lat, 99.0)),
        "max_ms": ms(lat.last().copied().unwrap_or(f64::NAN)),
        "span_s": (span * 100.0).round() / 100.0,
        "starts_per_s": (ok as f64 / span * 10.0).round() / 10.0,
        "client_cpu_s": (cpu * 100.0).round() / 100.0,
    });
    println!(
        "start: {} requests, {} errors {:?}, p50 {} ms, p90 {} ms, p99 {} ms, max {} ms; {} starts/s over {} s; client CPU {} s",
        a.n,
        a.n - ok,
        by_status,
        summary["p50_ms"],
        summary["p90_ms"],
        summary["p99_ms"],
        summary["max_ms"],
        summary["starts_per_s"],
        summary["span_s"],
        summary["client_cpu_s"]
    );
    if let Some(path) = a.json_out {
        std::fs::write(path, serde_json::to_string_pretty(&summary).expect("JSON")).expect("write JSON");
    }
}
