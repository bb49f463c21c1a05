//! Heartbeats of the background chores (see `crate::jobs`): each records the
//! time of its last completed run here; `/metrics` exposes it and `/readyz`
//! answers 503 when a chore this process runs has fallen behind.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// One pass of the outbox worker (claim, deliver, record).
pub(crate) const OUTBOX: &str = "outbox";
/// Grading exam attempts left open past their deadline.
pub(crate) const EXAM_SWEEP: &str = "exam_sweep";
/// Forgetting idempotent answers older than a day (runs about hourly).
pub(crate) const IDEMPOTENCY_PURGE: &str = "idempotency_purge";

#[derive(Clone, Copy)]
struct Beat {
    /// When this process started expecting the chore (its supervisor started).
    expected_since: Option<DateTime<Utc>>,
    last_run: Option<DateTime<Utc>>,
}

/// Last completed run of each chore, in this process.
#[derive(Default)]
pub struct Heartbeats {
    beats: Mutex<BTreeMap<&'static str, Beat>>,
    /// Times a chore task died (panicked) and was restarted.
    pub restarts: AtomicU64,
}

/// A chore that has not completed a run for longer than allowed.
#[derive(Debug, PartialEq, Eq)]
pub struct Stale {
    pub job: &'static str,
    pub seconds: i64,
}

impl Heartbeats {
    /// This process runs `job` from now on: `/readyz` watches it.
    pub fn expect(&self, job: &'static str, now: DateTime<Utc>) {
        let mut beats = self.beats.lock().unwrap_or_else(|p| p.into_inner());
        let beat = beats.entry(job).or_insert(Beat {
            expected_since: None,
            last_run: None,
        });
        beat.expected_since.get_or_insert(now);
    }

    /// `job` completed a run at `now`.
    pub fn beat(&self, job: &'static str, now: DateTime<Utc>) {
        let mut beats = self.beats.lock().unwrap_or_else(|p| p.into_inner());
        beats
            .entry(job)
            .or_insert(Beat {
                expected_since: None,
                last_run: None,
            })
            .last_run = Some(now);
    }

    pub fn last_run(&self, job: &str) -> Option<DateTime<Utc>> {
        self.beats
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(job)
            .and_then(|b| b.last_run)
    }

    /// The first chore this process is expected to run whose last run (or,
    /// before any run, whose start) is older than `bound`. The idempotency
    /// purge runs hourly and is left to its metric.
    pub fn stale(&self, now: DateTime<Utc>, bound: Duration) -> Option<Stale> {
        let bound = chrono::Duration::from_std(bound).unwrap_or(chrono::Duration::MAX);
        let beats = self.beats.lock().unwrap_or_else(|p| p.into_inner());
        beats
            .iter()
            .filter(|(job, _)| **job != IDEMPOTENCY_PURGE)
            .filter_map(|(job, beat)| {
                let since = beat.last_run.or(beat.expected_since)?;
                beat.expected_since?;
                let age = now - since;
                (age > bound).then_some(Stale {
                    job,
                    seconds: age.num_seconds(),
                })
            })
            .next()
    }

    /// Prometheus lines: `zhijiang_job_last_run_seconds{job=...}` (Unix time
    /// of the last completed run, 0 before the first) and the restart count.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP zhijiang_job_last_run_seconds Unix time of the last completed run of a background chore in this process (0: not yet).\n");
        out.push_str("# TYPE zhijiang_job_last_run_seconds gauge\n");
        let beats = self.beats.lock().unwrap_or_else(|p| p.into_inner());
        for (job, beat) in beats.iter() {
            let at = beat.last_run.map(|t| t.timestamp_millis() as f64 / 1000.0).unwrap_or(0.0);
            let _ = writeln!(out, "zhijiang_job_last_run_seconds{{job=\"{job}\"}} {at}");
        }
        out.push_str("# HELP zhijiang_job_restarts_total Background chore tasks that died and were restarted.\n");
        out.push_str("# TYPE zhijiang_job_restarts_total counter\n");
        let _ = writeln!(out, "zhijiang_job_restarts_total {}", self.restarts.load(Ordering::Relaxed));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_expected_chores_go_stale() {
        let h = Heartbeats::default();
        let t0 = Utc::now();
        let bound = Duration::from_secs(60);
        h.beat(OUTBOX, t0);
        assert_eq!(h.stale(t0 + chrono::Duration::hours(1), bound), None, "not run by this process");
        h.expect(OUTBOX, t0);
        h.expect(EXAM_SWEEP, t0);
        h.beat(EXAM_SWEEP, t0 + chrono::Duration::seconds(50));
        assert_eq!(h.stale(t0 + chrono::Duration::seconds(59), bound), None);
        let stale = h.stale(t0 + chrono::Duration::seconds(100), bound).unwrap();
        assert_eq!(stale.job, OUTBOX);
        assert!(h.render().contains("zhijiang_job_last_run_seconds{job=\"outbox\"}"));
    }
}
