//! Activity times from the exam's hot paths, written in batches.
//!
//! Why: on an exam day thousands of trainees press "start" in the same
//! minute and then save answers every few seconds. Writing the enrolment's
//! `last_activity_at` with its own UPDATE (and commit) on each of those
//! requests was a quarter of the database's work at the synchronized start.
//! The time only has to tell an administrator who is stuck, so these paths
//! record it here, in memory, and a flush writes all pending times of the
//! last second in one transaction, each row only when the stored time is
//! older (so two nodes flushing in any order keep the latest).
//!
//! What it costs: a process killed without a graceful shutdown loses at most
//! the last second of these times (never a lesson, an attempt or an answer:
//! those commit with their requests). Reads that show activity flush first,
//! so one node reads its own writes; another node's show within a second.
//! Lesson completions still write synchronously: they change the lessons
//! count in the same transaction as the completion.

use super::entity::{self as enrolment, Entity as Enrolments};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, TransactionTrait};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use uuid::Uuid;

/// How long a recorded time waits for others before the flush writes it.
const FLUSH_DELAY: std::time::Duration = std::time::Duration::from_secs(1);

/// At most this many rows per UPDATE transaction, so one flush never holds
/// a long transaction.
const CHUNK: usize = 500;

/// Answer saves arrive every few seconds during an exam; the activity time
/// is rewritten at most this often by them (an UPDATE that matches no row
/// writes nothing), which is precise enough to tell who is stuck.
pub(crate) const SAVE_RESOLUTION_SECONDS: i64 = 60;

/// A pending time: the latest recorded, and how much older the stored one
/// must be to be rewritten (0 once a start is among the pending steps).
#[derive(Clone, Copy)]
struct Pending {
    at: DateTime<Utc>,
    resolution_seconds: i64,
}

#[derive(Default)]
pub struct ActivityBuffer {
    pending: Mutex<HashMap<Uuid, Pending>>,
    /// A flush is scheduled (at most one at a time per process).
    scheduled: AtomicBool,
}

impl ActivityBuffer {
    /// An attempt started or resumed on `enrolment_id`.
    pub(crate) fn attempt_started(self: &Arc<Self>, db: &DatabaseConnection, enrolment_id: Uuid, now: DateTime<Utc>) {
        self.record(
            db,
            enrolment_id,
            Pending {
                at: now,
                resolution_seconds: 0,
            },
        );
    }

    /// Answers were saved on `enrolment_id`.
    pub(crate) fn answer_saved(self: &Arc<Self>, db: &DatabaseConnection, enrolment_id: Uuid, now: DateTime<Utc>) {
        self.record(
            db,
            enrolment_id,
            Pending {
                at: now,
                resolution_seconds: SAVE_RESOLUTION_SECONDS,
            },
        );
    }

    fn record(self: &Arc<Self>, db: &DatabaseConnection, enrolment_id: Uuid, step: Pending) {
        {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            let entry = pending.entry(enrolment_id).or_insert(step);
            entry.at = entry.at.max(step.at);
            entry.resolution_seconds = entry.resolution_seconds.min(step.resolution_seconds);
        }
        if !self.scheduled.swap(true, Ordering::AcqRel) {
            let buffer = Arc::clone(self);
            let db = db.clone();
            tokio::spawn(async move {
                tokio::time::sleep(FLUSH_DELAY).await;
                buffer.scheduled.store(false, Ordering::Release);
                if let Err(e) = buffer.flush(&db).await {
                    tracing::warn!(error = %e, "writing enrolment activity times failed; they are kept for the next flush");
                }
            });
        }
    }

    /// Before a read that shows activity: writes what is pending, so this
    /// node reads its own writes. A failure only leaves the times pending
    /// (the read shows them a moment later), so it is logged, not returned.
    pub(crate) async fn settle(&self, db: &DatabaseConnection) {
        if let Err(e) = self.flush(db).await {
            tracing::warn!(error = %e, "writing enrolment activity times before a read failed");
        }
    }

    /// Writes every pending time now. On an error the times not written go
    /// back into the buffer (merged with newer ones) for the next flush.
    pub(crate) async fn flush(&self, db: &DatabaseConnection) -> Result<(), DbErr> {
        let taken: Vec<(Uuid, Pending)> = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            if pending.is_empty() {
                return Ok(());
            }
            pending.drain().collect()
        };
        for (i, chunk) in taken.chunks(CHUNK).enumerate() {
            if let Err(e) = write(db, chunk).await {
                let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
                for (id, step) in taken.iter().skip(i * CHUNK) {
                    let entry = pending.entry(*id).or_insert(*step);
                    entry.at = entry.at.max(step.at);
                    entry.resolution_seconds = entry.resolution_seconds.min(step.resolution_seconds);
                }
                return Err(e);
            }
        }
        Ok(())
    }
}

/// One transaction: each enrolment's time, where the stored one is older by
/// more than the step's resolution (or unset).
async fn write(db: &DatabaseConnection, chunk: &[(Uuid, Pending)]) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    for (id, step) in chunk {
        let stale = Condition::any()
            .add(enrolment::Column::LastActivityAt.is_null())
            .add(enrolment::Column::LastActivityAt.lt(step.at - Duration::seconds(step.resolution_seconds)));
        Enrolments::update_many()
            .col_expr(enrolment::Column::LastActivityAt, Expr::value(Some(step.at)))
            .filter(enrolment::Column::Id.eq(*id))
            .filter(stale)
            .exec(&txn)
            .await?;
    }
    txn.commit().await
}
