//! Prometheus metrics, kept by hand: a request counter and latency histogram
//! per route pattern and status, plus counters other areas register. A small
//! dependency-free exporter is enough for this scale and builds in no time.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Default)]
struct RouteStats {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Counters of the outbox, bumped by the worker and by enqueueing.
#[derive(Default)]
pub struct OutboxCounters {
    pub queued: AtomicU64,
    pub sent: AtomicU64,
    pub failed: AtomicU64,
    pub retried: AtomicU64,
}

#[derive(Default)]
pub struct Metrics {
    http: Mutex<BTreeMap<(String, String, u16), RouteStats>>,
    pub outbox: OutboxCounters,
    pub logins_throttled: AtomicU64,
    /// Last runs of the background chores, and their restarts.
    pub jobs: super::heartbeats::Heartbeats,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut map = self.http.lock().unwrap_or_else(|p| p.into_inner());
        let stats = map.entry((method.to_string(), route.to_string(), status)).or_default();
        stats.count += 1;
        stats.sum += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                stats.buckets[i] += 1;
            }
        }
    }

    /// The Prometheus text exposition of everything kept here; `gauges` are
    /// extra `(name, help, value)` lines measured at scrape time.
    pub fn render(&self, gauges: &[(&str, &str, f64)]) -> String {
        let mut out = String::new();
        out.push_str("# HELP zhijiang_http_requests_total HTTP requests answered, by route pattern and status.\n");
        out.push_str("# TYPE zhijiang_http_requests_total counter\n");
        let map = self.http.lock().unwrap_or_else(|p| p.into_inner());
        for ((method, route, status), stats) in map.iter() {
            let _ = writeln!(
                out,
                "zhijiang_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {}",
                escape(route),
                stats.count
            );
        }
        out.push_str("# HELP zhijiang_http_request_duration_seconds Time to answer, by route pattern and status.\n");
        out.push_str("# TYPE zhijiang_http_request_duration_seconds histogram\n");
        for ((method, route, status), stats) in map.iter() {
            let labels = format!("method=\"{method}\",route=\"{}\",status=\"{status}\"", escape(route));
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "zhijiang_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    stats.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "zhijiang_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                stats.count
            );
            let _ = writeln!(out, "zhijiang_http_request_duration_seconds_sum{{{labels}}} {}", stats.sum);
            let _ = writeln!(out, "zhijiang_http_request_duration_seconds_count{{{labels}}} {}", stats.count);
        }
        drop(map);
        let counters = [
            ("zhijiang_outbox_queued_total", "Emails put in the outbox.", &self.outbox.queued),
            (
                "zhijiang_outbox_sent_total",
                "Emails delivered to the mail server.",
                &self.outbox.sent,
            ),
            (
                "zhijiang_outbox_failed_total",
                "Emails given up on after permanent failure or too many tries.",
                &self.outbox.failed,
            ),
            (
                "zhijiang_outbox_retries_total",
                "Delivery attempts that will be retried.",
                &self.outbox.retried,
            ),
            (
                "zhijiang_logins_throttled_total",
                "Login attempts refused by throttling.",
                &self.logins_throttled,
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        for (name, help, value) in gauges {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
        }
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"")
}
