//! Background chores, in one place: outbox delivery, the exam-deadline
//! sweep, certificate expiry reminders, the idempotency purge, the sweep of
//! expired resumable uploads and the collection of unused media objects,
//! each run under the supervisor that
//! restarts it when it dies. Their heartbeats are kept in
//! `state::heartbeats`; the chores themselves live with their areas
//! (`notifications::worker`, `progress::sweep`,
//! `http::idempotency::purge_expired`, `courses::upload_commands::sweep_expired`).
//!
//! A chore that stops silently is worse than one that crashes loudly: email
//! and exam grading stop while the API still answers. So each chore records
//! the time of its last completed run here; `/metrics` exposes it and
//! `/readyz` answers 503 when a chore this process runs has fallen behind.

use crate::error::panic_message;
use crate::notifications::worker::Worker;
use crate::state::heartbeats::Heartbeats;
pub(crate) use crate::state::heartbeats::{EXAM_SWEEP, IDEMPOTENCY_PURGE, OUTBOX};
use chrono::Duration as ChronoDuration;
use futures_util::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::watch;

impl Worker {
    /// Starts the outbox loop and the housekeeping loop, each under a
    /// supervisor that restarts it if it dies, and tells the heartbeats that
    /// this process runs them (so `/readyz` watches them). The task ends once
    /// `shutdown` turns true and both loops have stopped.
    pub fn start(self, shutdown: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        let jobs = &self.state.metrics.jobs;
        let now = self.state.clock.now();
        jobs.expect(OUTBOX, now);
        jobs.expect(EXAM_SWEEP, now);
        jobs.expect(IDEMPOTENCY_PURGE, now);
        tokio::spawn(async move {
            let outbox = {
                let worker = self.clone();
                let stop = shutdown.clone();
                async move {
                    let w = worker.clone();
                    supervise(OUTBOX, &worker.state.metrics.jobs, stop, move |s| w.clone().run(s)).await
                }
            };
            let chores = {
                let worker = self.clone();
                async move {
                    let w = worker.clone();
                    supervise("housekeeping", &worker.state.metrics.jobs, shutdown, move |s| {
                        w.clone().run_housekeeping(s)
                    })
                    .await
                }
            };
            tokio::join!(outbox, chores);
        })
    }

    /// Small periodic chores that need a running process, every poll interval
    /// until `shutdown`: grading expired exam attempts, and about hourly
    /// forgetting idempotent answers older than a day and removing expired
    /// resumable uploads with their chunks. Kept apart from the
    /// outbox loop so that a slow SMTP server does not delay grading, nor a
    /// failing sweep hold up email.
    pub async fn run_housekeeping(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            self.housekeeping().await;
            tokio::select! {
                _ = tokio::time::sleep(self.state.config.worker_poll) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
    }

    /// One run of the housekeeping chores (the loop runs it every poll
    /// interval; tests run it once after moving the clock).
    pub async fn housekeeping(&self) {
        let jobs = &self.state.metrics.jobs;
        // Attempts left open past their deadline are graded as they stood.
        match crate::progress::sweep(&self.state).await {
            Ok(_) => jobs.beat(EXAM_SWEEP, self.state.clock.now()),
            Err(err) => tracing::warn!(error = %err, "could not grade expired attempts"),
        }
        // Certificates about to expire: reminders 60 and 14 days before.
        if let Err(err) = crate::certificates::reminders::send_due(&self.state).await {
            tracing::warn!(error = %err, "could not queue certificate expiry reminders");
        }
        // Stored media whose rows were removed by a node that stopped before
        // removing the bytes (see `media::gc`).
        if let Err(err) = crate::media::gc::collect_marked(&self.state.db, &self.state.media.store).await {
            tracing::warn!(error = %err, "could not collect unused media objects");
        }
        let now = self.state.clock.now();
        let due = jobs
            .last_run(IDEMPOTENCY_PURGE)
            .is_none_or(|last| now - last >= ChronoDuration::hours(1));
        if due {
            match crate::http::idempotency::purge_expired(&self.state).await {
                Ok(_) => jobs.beat(IDEMPOTENCY_PURGE, now),
                Err(err) => tracing::warn!(error = %err, "could not purge old idempotency keys"),
            }
            // Resumable uploads left unfinished: their sessions and chunks.
            match crate::courses::upload_commands::sweep_expired(&self.state).await {
                Ok(0) => {}
                Ok(swept) => tracing::info!(swept, "removed expired resumable uploads"),
                Err(err) => tracing::warn!(error = %err, "could not sweep expired uploads"),
            }
        }
    }
}

/// Runs the chore `make()` builds until `shutdown` turns true; if it dies
/// (panics) it is logged, counted and started again after a pause that
/// doubles from one second to a minute, so a chore that crashes at once does
/// not spin.
pub(crate) async fn supervise<F, Fut>(name: &'static str, heartbeats: &Heartbeats, shutdown: watch::Receiver<bool>, mut make: F)
where
    F: FnMut(watch::Receiver<bool>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut pause = Duration::from_secs(1);
    loop {
        let task = tokio::spawn(AssertUnwindSafe(make(shutdown.clone())).catch_unwind());
        let outcome = task.await;
        if *shutdown.borrow() {
            return;
        }
        let reason = match outcome {
            Ok(Ok(())) => "returned before shutdown".to_string(),
            Ok(Err(panic)) => panic_message(panic.as_ref()),
            Err(join) => join.to_string(),
        };
        heartbeats.restarts.fetch_add(1, Ordering::Relaxed);
        tracing::error!(job = name, %reason, restart_in_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX), "background chore died; restarting it");
        let mut shutdown = shutdown.clone();
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return;
        }
        pause = (pause * 2).min(Duration::from_secs(60));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    /// On tokio's paused clock: the pauses between restarts (1 s, then 2 s)
    /// pass as virtual time, so the test does not depend on how busy the
    /// machine is.
    #[tokio::test(start_paused = true)]
    async fn a_chore_that_panics_is_started_again() {
        let heartbeats = Arc::new(Heartbeats::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let (stop, stopped) = watch::channel(false);
        let supervisor = {
            let heartbeats = heartbeats.clone();
            let runs = runs.clone();
            tokio::spawn(async move {
                supervise("test", &heartbeats, stopped, move |mut shutdown| {
                    let run = runs.fetch_add(1, Ordering::SeqCst);
                    async move {
                        if run < 2 {
                            panic!("poison row {run}");
                        }
                        let _ = shutdown.changed().await;
                    }
                })
                .await
            })
        };
        // Restarted after 1 s, then after 2 s.
        tokio::time::sleep(Duration::from_millis(3500)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3, "two crashes, then a run that lasts");
        assert_eq!(heartbeats.restarts.load(Ordering::Relaxed), 2);
        stop.send(true).unwrap();
        supervisor.await.unwrap();
    }
}
