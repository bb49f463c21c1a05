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
use super::window_time::zone;
use crate::audit::{AuditEntry, Author, write_entry};
use crate::enrolments::entity as enrolment;
use crate::num::to_i32;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::{Asterisk, Condition, Expr, ExprTrait as _, Func, JoinType, Order, Query};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryFilter, QueryResult,
};
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
/// start (see `allowance`).
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

/// Whose allowance to read: a given enrolment's, or the trainee's current
/// enrolment in a course (the newest active one), found by the same query.
#[derive(Clone, Copy)]
enum Anchor<'a> {
    Enrolment(&'a enrolment::Model),
    Current { user_id: Uuid, course_id: Uuid },
}

/// Reads the allowance in one query: anchored on the enrolment's branch
/// row, left-joined to the cohort's window, the branch-wide window and the
/// trainee's override, with the two attempt counts as scalar subqueries.
pub(crate) async fn allowance(db: &impl ConnectionTrait, exam_id: Uuid, enrolment: &enrolment::Model) -> Result<Allowance, DbErr> {
    let row = query_allowance(db, exam_id, Anchor::Enrolment(enrolment), false)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the enrolment's branch".into()))?;
    read_allowance(&row)
}

/// The trainee's current enrolment in the course and its allowance at the
/// exam, in one query (`None`: no active enrolment). A start on an exam day
/// runs this instead of two queries.
pub(crate) async fn current_allowance(
    db: &impl ConnectionTrait,
    exam_id: Uuid,
    user_id: Uuid,
    course_id: Uuid,
) -> Result<Option<(enrolment::Model, Allowance)>, DbErr> {
    let Some(row) = query_allowance(db, exam_id, Anchor::Current { user_id, course_id }, false).await? else {
        return Ok(None);
    };
    let enrolment = enrolment::Model::from_query_result(&row, "e_")?;
    Ok(Some((enrolment, read_allowance(&row)?)))
}

/// What one read tells a start: the trainee's current enrolment, its
/// allowance, and the trainee's latest attempt at the exam (in any
/// enrolment: only the latest can be open).
pub(crate) struct Current {
    pub enrolment: enrolment::Model,
    pub allowance: Allowance,
    pub latest: Option<attempt::Model>,
}

/// `current_allowance` and the latest attempt (`attempts::latest`) in ONE
/// query: on an exam day most presses of "start" need nothing else from
/// the database before the insert. `None`: no active enrolment.
pub(crate) async fn current_with_latest(
    db: &impl ConnectionTrait,
    exam_id: Uuid,
    user_id: Uuid,
    course_id: Uuid,
) -> Result<Option<Current>, DbErr> {
    let Some(row) = query_allowance(db, exam_id, Anchor::Current { user_id, course_id }, true).await? else {
        return Ok(None);
    };
    let latest = match row.try_get::<Option<Uuid>>("", "la_id")? {
        Some(_) => Some(attempt::Model::from_query_result(&row, "la_")?),
        None => None,
    };
    Ok(Some(Current {
        enrolment: enrolment::Model::from_query_result(&row, "e_")?,
        allowance: read_allowance(&row)?,
        latest,
    }))
}

/// With `with_latest`, the trainee's latest attempt at the exam comes too,
/// its columns prefixed `la_` (left-joined on the id of the attempt with the
/// highest number: a scalar subquery both databases plan as one index probe).
async fn query_allowance(
    db: &impl ConnectionTrait,
    exam_id: Uuid,
    anchor: Anchor<'_>,
    with_latest: bool,
) -> Result<Option<QueryResult>, DbErr> {
    // What the joins and counts refer to: values of a known enrolment, or
    // columns of the enrolment row the query finds.
    let (user, cohort, branch, this): (Expr, Expr, Expr, Expr) = match anchor {
        Anchor::Enrolment(e) => (
            Expr::val(e.user_id),
            Expr::val(e.cohort_id),
            Expr::val(e.branch_id),
            Expr::val(e.id),
        ),
        Anchor::Current { user_id, .. } => (
            Expr::val(user_id),
            Expr::col(("e", "cohort_id")),
            Expr::col(("e", "branch_id")),
            Expr::col(("e", "id")),
        ),
    };
    let count = |current: bool| {
        let mut q = Query::select();
        q.expr(Func::count(Expr::col(Asterisk)))
            .from("attempts")
            .and_where(Expr::col(("attempts", "exam_id")).eq(exam_id))
            .and_where(Expr::col(("attempts", "user_id")).eq(user.clone()));
        if current {
            q.and_where(Expr::col(("attempts", "enrolment_id")).eq(this.clone()));
        }
        Expr::SubQuery(None, Box::new(q.into()))
    };
    let mut q = Query::select();
    q.expr_as(count(false), "attempts_total")
        .expr_as(count(true), "attempts_current")
        .column(("b", "time_zone"));
    for w in ["cw", "bw"] {
        for c in ["id", "opens_at", "closes_at", "hard_end"] {
            q.expr_as(Expr::col((w, c)), format!("{w}_{c}"));
        }
    }
    for c in ["id", "extra_attempts", "extra_minutes", "unlock_window"] {
        q.expr_as(Expr::col(("o", c)), format!("o_{c}"));
    }
    match anchor {
        Anchor::Enrolment(e) => {
            q.from_as("branches", "b").and_where(Expr::col(("b", "id")).eq(e.branch_id));
        }
        Anchor::Current { user_id, course_id } => {
            for c in enrolment::Column::iter() {
                let name = c.as_str();
                q.expr_as(Expr::col(("e", name)), format!("e_{name}"));
            }
            q.from_as("enrolments", "e")
                .join_as(
                    JoinType::InnerJoin,
                    "branches",
                    "b",
                    Expr::col(("b", "id")).equals(("e", "branch_id")),
                )
                .and_where(Expr::col(("e", "user_id")).eq(user_id))
                .and_where(Expr::col(("e", "course_id")).eq(course_id))
                .and_where(Expr::col(("e", "status")).eq(enrolment::Status::Active.to_value()))
                // The newest active enrolment is the current one (a re-take cohort's).
                .order_by(("e", "enrolled_at"), Order::Desc)
                .limit(1);
        }
    }
    q.join_as(
        JoinType::LeftJoin,
        "exam_windows",
        "cw",
        Condition::all()
            .add(Expr::col(("cw", "exam_id")).eq(exam_id))
            .add(Expr::col(("cw", "cohort_id")).eq(cohort)),
    )
    .join_as(
        JoinType::LeftJoin,
        "exam_windows",
        "bw",
        Condition::all()
            .add(Expr::col(("bw", "exam_id")).eq(exam_id))
            .add(Expr::col(("bw", "branch_id")).eq(branch))
            .add(Expr::col(("bw", "cohort_id")).is_null()),
    )
    .join_as(
        JoinType::LeftJoin,
        "exam_overrides",
        "o",
        Condition::all()
            .add(Expr::col(("o", "exam_id")).eq(exam_id))
            .add(Expr::col(("o", "user_id")).eq(user.clone())),
    );
    if with_latest {
        let mut newest = Query::select();
        newest
            .column(("a", "id"))
            .from_as("attempts", "a")
            .and_where(Expr::col(("a", "exam_id")).eq(exam_id))
            .and_where(Expr::col(("a", "user_id")).eq(user))
            .order_by(("a", "attempt_number"), Order::Desc)
            .limit(1);
        for c in attempt::Column::iter() {
            let name = c.as_str();
            q.expr_as(Expr::col(("la", name)), format!("la_{name}"));
        }
        q.join_as(
            JoinType::LeftJoin,
            "attempts",
            "la",
            Expr::col(("la", "id")).eq(Expr::SubQuery(None, Box::new(newest.into()))),
        );
    }
    db.query_one(&q).await
}

fn read_allowance(row: &QueryResult) -> Result<Allowance, DbErr> {
    let window = |w: &str| -> Result<Option<Applied>, DbErr> {
        let Some(id) = row.try_get::<Option<Uuid>>("", &format!("{w}_id"))? else {
            return Ok(None);
        };
        Ok(Some(Applied {
            id,
            opens_at: row.try_get("", &format!("{w}_opens_at"))?,
            closes_at: row.try_get("", &format!("{w}_closes_at"))?,
            hard_end: row.try_get("", &format!("{w}_hard_end"))?,
        }))
    };
    let granted = match row.try_get::<Option<Uuid>>("", "o_id")? {
        Some(id) => Some(Granted {
            id,
            extra_attempts: row.try_get("", "o_extra_attempts")?,
            extra_minutes: row.try_get("", "o_extra_minutes")?,
            unlock: row.try_get("", "o_unlock_window")?,
        }),
        None => None,
    };
    Ok(Allowance::new(
        window("cw")?,
        window("bw")?,
        zone(&row.try_get::<String>("", "time_zone")?),
        granted,
        to_i32(row.try_get::<i64>("", "attempts_total")?),
        to_i32(row.try_get::<i64>("", "attempts_current")?),
    ))
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
/// the enrolment by `current_allowance`): attempts left for the current
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
