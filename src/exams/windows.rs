//! What a trainee may start at an exam right now: the exam window that
//! applies to their enrolment (their cohort's own, else their branch's),
//! their overrides, and their attempts so far, read in ONE query so that
//! the start of an attempt stays cheap when a whole intake presses start.
//!
//! Rules (see the README, "Exam days"):
//! - no window: the exam is open, as before windows existed;
//! - inside `[opens_at, closes_at)` a new attempt starts; outside it 409
//!   (`exam_not_open_yet` / `exam_window_closed`) unless the trainee holds
//!   a one-off unlock, which that start then uses up;
//! - the deadline is the time limit plus the trainee's extra minutes; with a
//!   hard end it is at most `closes_at` plus those extra minutes;
//! - attempts count per enrolment: the trainee's *current* (newest active)
//!   enrolment may use `max_attempts` plus their extra attempts; a re-take
//!   cohort's new enrolment starts afresh. Attempt numbers keep counting
//!   over every enrolment.

use super::ExamError;
use super::attempt_entity as attempt;
use super::bank::Snapshot;
use super::override_entity::{self as grant, Entity as Overrides};
use crate::audit::{AuditEntry, Author, write_entry};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

/// The window that applies to one enrolment.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Applied {
    pub id: Uuid,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub hard_end: bool,
}

impl Applied {
    pub(crate) fn contains(&self, at: DateTime<Utc>) -> bool {
        self.opens_at <= at && at < self.closes_at
    }
}

/// A window refusing a start, with what the problem document shows.
#[derive(Clone, Debug)]
pub struct Refusal {
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub time_zone: Tz,
    pub now: DateTime<Utc>,
}

/// Everything about one trainee, one exam and one enrolment that decides a
/// start (see `allowance_read::allowance`).
#[derive(Clone, Debug)]
pub(crate) struct Allowance {
    pub window: Option<Applied>,
    pub time_zone: Tz,
    pub override_id: Option<Uuid>,
    pub extra_attempts: i32,
    pub extra_minutes: i32,
    pub unlock: bool,
    /// Attempts at the exam over every enrolment (numbers the next one).
    pub attempts_total: i32,
    /// Attempts of this enrolment (they count against the allowance).
    pub attempts_current: i32,
}

/// What a trainee's override grants at one exam.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Granted {
    pub id: Uuid,
    pub extra_attempts: i32,
    pub extra_minutes: i32,
    pub unlock: bool,
}

impl Allowance {
    /// The rules in one place, whoever read the parts (`allowance` for one
    /// start, `allowances` for a page of enrolments): the cohort's own
    /// window wins over the branch-wide one; without an override nothing
    /// is extra.
    pub(crate) fn new(
        cohort_window: Option<Applied>,
        branch_window: Option<Applied>,
        time_zone: Tz,
        granted: Option<Granted>,
        attempts_total: i32,
        attempts_current: i32,
    ) -> Self {
        Allowance {
            window: cohort_window.or(branch_window),
            time_zone,
            override_id: granted.map(|g| g.id),
            extra_attempts: granted.map_or(0, |g| g.extra_attempts),
            extra_minutes: granted.map_or(0, |g| g.extra_minutes),
            unlock: granted.is_some_and(|g| g.unlock),
            attempts_total,
            attempts_current,
        }
    }

    pub(crate) fn attempts_allowed(&self, max_attempts: i32) -> i32 {
        max_attempts.saturating_add(self.extra_attempts)
    }

    /// Attempts the current enrolment may still start (never below 0).
    pub(crate) fn attempts_left(&self, max_attempts: i32) -> i32 {
        Ord::max(self.attempts_allowed(max_attempts).saturating_sub(self.attempts_current), 0)
    }

    /// Whether a new attempt may start at `now` by the window alone.
    pub(crate) fn open_at(&self, now: DateTime<Utc>) -> bool {
        self.window.is_none_or(|w| w.contains(now))
    }

    fn refusal(&self, now: DateTime<Utc>) -> Option<ExamError> {
        let w = self.window.filter(|w| !w.contains(now))?;
        let refusal = Box::new(Refusal {
            opens_at: w.opens_at,
            closes_at: w.closes_at,
            time_zone: self.time_zone,
            now,
        });
        Some(if now < w.opens_at {
            ExamError::NotOpenYet(refusal)
        } else {
            ExamError::WindowClosed(refusal)
        })
    }
}

/// A start the allowance admits: the new attempt's number and deadline,
/// and the unlock it uses up (if it started outside the window).
#[derive(Debug)]
pub(crate) struct Admitted {
    pub attempt_number: i32,
    pub deadline: DateTime<Utc>,
    unlock_of: Option<Uuid>,
    window_id: Option<Uuid>,
}

/// Decides a new attempt at `now` on the trainee's allowance (read with
/// the enrolment by `allowance_read::current_allowance`): attempts left for the current
/// enrolment, then the window (or a one-off unlock), then the deadline.
/// Errors are the 409s a trainee sees.
pub(crate) fn decide(a: &Allowance, snapshot: &Snapshot, now: DateTime<Utc>) -> Result<Admitted, ExamError> {
    let allowed = a.attempts_allowed(snapshot.max_attempts);
    if a.attempts_current >= allowed {
        return Err(ExamError::AttemptsExhausted { max: allowed });
    }
    let mut unlock_of = None;
    if let Some(refused) = a.refusal(now) {
        if !a.unlock {
            return Err(refused);
        }
        unlock_of = a.override_id;
    }
    let extra = Duration::minutes(i64::from(a.extra_minutes));
    let mut deadline = now + Duration::minutes(i64::from(snapshot.time_limit_minutes)) + extra;
    if unlock_of.is_none()
        && let Some(w) = a.window.filter(|w| w.hard_end)
    {
        deadline = Ord::min(deadline, w.closes_at + extra);
    }
    Ok(Admitted {
        attempt_number: a.attempts_total.saturating_add(1),
        deadline,
        unlock_of,
        window_id: a.window.map(|w| w.id),
    })
}

impl Admitted {
    /// Whether the start uses up a one-off unlock: storing it then writes
    /// the override and an audit entry besides the attempt, in one
    /// transaction.
    pub(crate) fn uses_unlock(&self) -> bool {
        self.unlock_of.is_some()
    }

    /// After the attempt is stored: uses up the unlock it started with (a
    /// conditional update, so two racing starts cannot both use one unlock)
    /// and audits that use for the trainee. Nothing to do otherwise.
    pub(crate) async fn settle(&self, db: &impl ConnectionTrait, attempt: &attempt::Model, now: DateTime<Utc>) -> Result<(), ExamError> {
        let attempt_id = attempt.id;
        let Some(id) = self.unlock_of else {
            return Ok(());
        };
        let used = Overrides::update_many()
            .col_expr(grant::Column::UnlockWindow, Expr::value(false))
            .col_expr(grant::Column::UnlockUsedAt, Expr::value(now))
            .col_expr(grant::Column::UnlockAttemptId, Expr::value(attempt_id))
            .col_expr(grant::Column::UpdatedAt, Expr::value(now))
            .filter(grant::Column::Id.eq(id))
            .filter(grant::Column::UnlockWindow.eq(true))
            .exec(db)
            .await?;
        if used.rows_affected != 1 {
            // Another start used it first: this one is refused (and rolled back).
            return Err(ExamError::AttemptRace);
        }
        let author = Author {
            user_id: Some(attempt.user_id),
            ..Author::default()
        };
        let entry = AuditEntry::new("exam_override.unlock_used", "exam_override", id)
            .branch(attempt.branch_id)
            .details(json!({"attempt_id": attempt_id, "window_id": self.window_id}));
        write_entry(db, &author, entry, now).await?;
        Ok(())
    }
}
