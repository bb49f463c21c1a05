//! The outbox worker: claims due emails with a lease, sends them, records
//! the outcome. Safe to run on every node at once.
//!
//! Claiming is one statement: `UPDATE ... WHERE id IN (SELECT ... FOR UPDATE
//! SKIP LOCKED)` on PostgreSQL (workers never wait for, nor take, each
//! other's rows) and the same conditional update on SQLite, where writes are
//! serialised. A worker that dies leaves its lease to expire; another worker
//! then takes the row. Outcomes are written only while the lease is still
//! held, so a slow worker cannot overwrite a row another worker re-claimed.

use super::entity::{self as outbox, Entity as Outbox};
use super::outbox::{erase_secrets, open_secrets};
use super::templates;
use super::transport::{SendFailure, Transport};
use crate::error::panic_message;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::state::heartbeats::OUTBOX;
use chrono::{DateTime, Duration, Utc};
use futures_util::{FutureExt, StreamExt};
use lettre::Message;
use lettre::message::Mailbox;
use rand::Rng;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::watch;

/// How long a claimed row stays with its worker (longer than an SMTP timeout).
pub const LEASE_SECONDS: i64 = 60;
/// Attempts before a transiently failing email is marked failed.
pub const MAX_ATTEMPTS: i32 = 10;
const BATCH: u64 = 64;
/// Emails sent at once by one worker (and SMTP connections kept open).
pub const PARALLEL_SENDS: usize = 16;

#[derive(Clone)]
pub struct Worker {
    pub(crate) state: AppState,
    transport: Arc<Transport>,
    from: Mailbox,
    pub id: String,
}

/// Delay before attempt `attempts + 1`: 5 s doubling to at most an hour, with
/// ±20 % jitter so that a recovering server is not hit by every retry at once.
pub fn backoff(attempts: i32) -> Duration {
    let base = Ord::min(5i64.saturating_mul(1i64 << attempts.clamp(0, 20)), 3600);
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    // At most an hour in milliseconds times 1.2: far inside i64.
    #[allow(clippy::cast_possible_truncation)]
    let millis = (base as f64 * 1000.0 * jitter).round() as i64;
    Duration::milliseconds(millis)
}

impl Worker {
    pub fn new(state: AppState) -> Result<Worker, String> {
        let transport = Transport::from_config(state.config.smtp_url.as_ref().map(|u| u.expose()), state.config.mail_dir.clone())?;
        let from = state.config.mail_from.parse().map_err(|e| format!("ZHIJIANG_MAIL_FROM: {e}"))?;
        let id = format!("{}-{}", hostname(), uuid::Uuid::new_v4().simple());
        Ok(Worker {
            state,
            transport: Arc::new(transport),
            from,
            id,
        })
    }

    /// Drains due emails until `shutdown` turns true. Each completed pass is a
    /// heartbeat of the `outbox` job.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(worker = %self.id, "outbox worker started");
        loop {
            let sent = match self.drain_once().await {
                Ok(n) => {
                    self.state.metrics.jobs.beat(OUTBOX, self.state.clock.now());
                    n
                }
                Err(err) => {
                    tracing::warn!(error = %err, "outbox worker could not reach the database");
                    0
                }
            };
            if *shutdown.borrow() {
                break;
            }
            if sent as u64 >= BATCH {
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep(self.state.config.worker_poll) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
        tracing::info!(worker = %self.id, "outbox worker stopped");
    }

    /// Claims up to one batch and delivers it. Returns how many rows were handled.
    pub async fn drain_once(&self) -> Result<usize, DbErr> {
        let rows = self.claim(BATCH).await?;
        let count = rows.len();
        futures_util::stream::iter(rows)
            .for_each_concurrent(PARALLEL_SENDS, |row| async move {
                let outcome = self.deliver(&row).await;
                if let Err(err) = self.record(&row, outcome).await {
                    tracing::warn!(id = %row.id, error = %err, "could not record a delivery outcome; the lease will expire and the row be retried");
                }
            })
            .await;
        Ok(count)
    }

    /// Takes due rows for this worker.
    pub async fn claim(&self, limit: u64) -> Result<Vec<outbox::Model>, DbErr> {
        let now = self.state.clock.now();
        let lease_until = now + Duration::seconds(LEASE_SECONDS);
        let due = Query::select()
            .column(outbox::Column::Id)
            .from(Outbox)
            .and_where(outbox::Column::Status.eq(outbox::Status::Pending))
            .and_where(outbox::Column::NextAttemptAt.lte(now))
            .and_where(outbox::Column::LeaseUntil.is_null().or(outbox::Column::LeaseUntil.lt(now)))
            .order_by(outbox::Column::NextAttemptAt, sea_orm::Order::Asc)
            .limit(limit)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .to_owned();
        Outbox::update_many()
            .col_expr(outbox::Column::LeaseOwner, Expr::value(self.id.clone()))
            .col_expr(outbox::Column::LeaseUntil, Expr::value(lease_until))
            .col_expr(outbox::Column::UpdatedAt, Expr::value(now))
            .filter(outbox::Column::Id.in_subquery(due))
            .exec_with_returning(&self.state.db)
            .await
    }

    /// Builds and sends one row. Nothing a row contains can take the loop
    /// down: bad content is a permanent failure with its reason, and a panic
    /// while building or sending (a library bug meeting odd data) is caught
    /// and recorded the same way.
    async fn deliver(&self, row: &outbox::Model) -> Result<(), SendFailure> {
        let permanent = |reason: String| SendFailure { permanent: true, reason };
        let message = match std::panic::catch_unwind(AssertUnwindSafe(|| self.prepare(row))) {
            Ok(built) => built.map_err(permanent)?,
            Err(panic) => {
                return Err(permanent(format!("could not build the message: {}", panic_message(panic.as_ref()))));
            }
        };
        match AssertUnwindSafe(self.transport.send(row.id, message)).catch_unwind().await {
            Ok(sent) => sent,
            Err(panic) => Err(permanent(format!(
                "the mail transport failed unexpectedly: {}",
                panic_message(panic.as_ref())
            ))),
        }
    }

    /// The MIME message of a row, or why there cannot be one.
    fn prepare(&self, row: &outbox::Model) -> Result<Message, String> {
        if !templates::exists(&row.template) {
            return Err(format!("unknown template {:?}", row.template));
        }
        let mut args: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&row.args).map_err(|e| format!("arguments are not a JSON object: {e}"))?;
        open_secrets(self.state.keys.master(), &row.recipient, &mut args)?;
        args.entry("public_url")
            .or_insert_with(|| serde_json::Value::String(self.state.config.public_url.clone()));
        let locale = Locale::from_canonical(&row.locale).unwrap_or(Locale::En);
        let rendered = templates::render(&row.template, locale, &args);
        templates::build_message(row.id, &self.from, &row.recipient, row.recipient_name.as_deref(), &rendered)
    }

    async fn record(&self, row: &outbox::Model, outcome: Result<(), SendFailure>) -> Result<(), DbErr> {
        let now: DateTime<Utc> = self.state.clock.now();
        let attempts = row.attempts + 1;
        let metrics = &self.state.metrics.outbox;
        let mut update = Outbox::update_many()
            .col_expr(outbox::Column::Attempts, Expr::value(attempts))
            .col_expr(outbox::Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(outbox::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(outbox::Column::UpdatedAt, Expr::value(now));
        let finished = match outcome {
            Ok(()) => {
                metrics.sent.fetch_add(1, Ordering::Relaxed);
                update = update
                    .col_expr(outbox::Column::Status, Expr::value(outbox::Status::Sent))
                    .col_expr(outbox::Column::SentAt, Expr::value(now))
                    .col_expr(outbox::Column::LastError, Expr::value(Option::<String>::None));
                true
            }
            Err(failure) => {
                let give_up = failure.permanent || attempts >= MAX_ATTEMPTS;
                tracing::warn!(id = %row.id, attempts, permanent = failure.permanent, reason = %failure.reason, "email not delivered");
                if give_up {
                    metrics.failed.fetch_add(1, Ordering::Relaxed);
                    update = update.col_expr(outbox::Column::Status, Expr::value(outbox::Status::Failed));
                } else {
                    metrics.retried.fetch_add(1, Ordering::Relaxed);
                    update = update.col_expr(outbox::Column::NextAttemptAt, Expr::value(now + backoff(attempts)));
                }
                // NUL cannot be stored in PostgreSQL text.
                let reason: String = failure.reason.chars().filter(|c| *c != '\0').take(2000).collect();
                update = update.col_expr(outbox::Column::LastError, Expr::value(reason));
                give_up
            }
        };
        // A secret (an invitation link) is needed no longer once the email
        // went out or will not be tried again.
        if finished && let Some(args) = erase_secrets(&row.args) {
            update = update.col_expr(outbox::Column::Args, Expr::value(args));
        }
        update
            .filter(outbox::Column::Id.eq(row.id))
            .filter(outbox::Column::LeaseOwner.eq(self.id.clone()))
            .exec(&self.state.db)
            .await
            .map(|_| ())
    }
}

fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "zhijiang".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(0).num_seconds() <= 6);
        assert!(backoff(3).num_seconds() >= 30);
        assert!(backoff(30).num_seconds() <= 4320);
    }
}
