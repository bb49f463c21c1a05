//! Activity times from the exam's hot paths, written in batches.
//!
//! Why: on an exam day thousands of trainees press "start" in the same
//! minute and then save answers every few seconds. Writing the enrolment's
//! `last_activity_at` with its own UPDATE (and commit) on each of those
//! requests was a quarter of the database's work at the synchronized start.
//! The time only has to tell an administrator who is stuck, so these paths
//! note it in memory (`state::activity`), and a write a second later stores
//! all pending times in one transaction, each row only when the stored time
//! is older (so two nodes writing in any order keep the latest).
//!
//! What it costs: a process killed without a graceful shutdown loses at most
//! the last second of these times (never a lesson, an attempt or an answer:
//! those commit with their requests). Reads that show activity write what is
//! pending first, so one node reads its own writes; another node's show
//! within a second. Lesson completions still write synchronously: they
//! change the lessons count in the same transaction as the completion.

use super::entity::{self as enrolment, Entity as Enrolments};
use crate::state::AppState;
use crate::state::activity::Pending;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

/// How long a noted time waits for others before it is written.
const WRITE_DELAY: std::time::Duration = std::time::Duration::from_secs(1);

/// At most this many rows per UPDATE transaction, so one write never holds
/// a long transaction.
const CHUNK: usize = 500;

/// Answer saves arrive every few seconds during an exam; the activity time
/// is rewritten at most this often by them (an UPDATE that matches no row
/// writes nothing), which is precise enough to tell who is stuck.
pub(crate) const SAVE_RESOLUTION_SECONDS: i64 = 60;

/// An attempt started or resumed on `enrolment_id`.
pub(crate) fn attempt_started(state: &AppState, enrolment_id: Uuid, now: DateTime<Utc>) {
    note(
        state,
        enrolment_id,
        Pending {
            at: now,
            resolution_seconds: 0,
        },
    );
}

/// Answers were saved on `enrolment_id`.
pub(crate) fn answer_saved(state: &AppState, enrolment_id: Uuid, now: DateTime<Utc>) {
    note(
        state,
        enrolment_id,
        Pending {
            at: now,
            resolution_seconds: SAVE_RESOLUTION_SECONDS,
        },
    );
}

fn note(state: &AppState, enrolment_id: Uuid, step: Pending) {
    state.activity.note(enrolment_id, step);
    if state.activity.claim_schedule() {
        let state = state.clone();
        tokio::spawn(async move {
            tokio::time::sleep(WRITE_DELAY).await;
            state.activity.release_schedule();
            if let Err(e) = write_pending(&state).await {
                tracing::warn!(error = %e, "writing enrolment activity times failed; they are kept for the next write");
            }
        });
    }
}

/// Before a read that shows activity: writes what is pending, so this node
/// reads its own writes. A failure only leaves the times pending (the read
/// shows them a moment later), so it is logged, not returned.
pub(crate) async fn settle(state: &AppState) {
    if let Err(e) = write_pending(state).await {
        tracing::warn!(error = %e, "writing enrolment activity times before a read failed");
    }
}

/// Writes every pending time now. On an error the times not written go back
/// (merged with newer ones) for the next write.
pub(crate) async fn write_pending(state: &AppState) -> Result<(), DbErr> {
    let taken = state.activity.take();
    for (i, chunk) in taken.chunks(CHUNK).enumerate() {
        if let Err(e) = write(&state.db, chunk).await {
            state.activity.put_back(&taken[i * CHUNK..]);
            return Err(e);
        }
    }
    Ok(())
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
