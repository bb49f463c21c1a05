//! Progress through a course, owned in one place: a lesson done or an exam
//! passed re-evaluates the enrolment, and a completed enrolment certifies
//! the trainee, all in the caller's transaction. Enrolments, exams and
//! certificates each do their own part and never call back into each other;
//! this module calls them in order.

pub(crate) mod commands;
pub(crate) mod error;
pub(crate) mod my_course;
pub(crate) mod practical;
pub(crate) mod routes;

pub use error::ProgressError;

use crate::audit::Author;
use crate::certificates::service as certificates;
use crate::command::Command;
use crate::enrolments::entity::{self as enrolment, Entity as Enrolments};
use crate::enrolments::service as enrolments;
use crate::exams::ExamError;
use crate::exams::attempt_entity::{self as attempt, Entity as Attempts};
use crate::exams::attempts::{self, Started};
use crate::exams::bank::Snapshot;
use crate::exams::exam_entity as exam;
use crate::i18n::Locale;
use crate::tenancy::Caller;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::sync::Arc;
use uuid::Uuid;

/// Records a lesson as done (idempotent) and re-evaluates completion.
pub async fn lesson_done(
    db: &impl ConnectionTrait,
    row: &enrolment::Model,
    lesson_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ProgressError> {
    enrolments::record_lesson(db, row, lesson_id, now).await?;
    reevaluate(db, row, now).await?;
    Ok(())
}

/// Marks an active enrolment completed when every lesson is done, the exam
/// (if the course has one) is passed and the practical sign-off (if the
/// course requires one) is recorded as passed, and certifies the trainee.
/// Returns whether it completed now.
pub async fn reevaluate(db: &impl ConnectionTrait, row: &enrolment::Model, now: DateTime<Utc>) -> Result<bool, DbErr> {
    if row.status != enrolment::Status::Active {
        return Ok(false);
    }
    let (done, total) = enrolments::progress_of(db, row).await?;
    if total == 0 || done < total {
        return Ok(false);
    }
    if !crate::exams::requirement_met(db, row.course_id, row.user_id, row.id).await? {
        return Ok(false);
    }
    if !crate::practical::assessments::requirement_met(db, row.course_id, row.user_id).await? {
        return Ok(false);
    }
    let changed = Enrolments::update_many()
        .col_expr(enrolment::Column::Status, Expr::value(enrolment::Status::Completed))
        .col_expr(enrolment::Column::CompletedAt, Expr::value(now))
        .col_expr(enrolment::Column::UpdatedAt, Expr::value(now))
        .filter(enrolment::Column::Id.eq(row.id))
        .filter(enrolment::Column::Status.eq(enrolment::Status::Active))
        .exec(db)
        .await?;
    if changed.rows_affected == 1 {
        // Every lesson done and the exam passed: certified, in this transaction.
        certificates::issue(db, row, now).await?;
        return Ok(true);
    }
    Ok(false)
}

/// Grades and closes an attempt (see `exams::attempts::grade`); a pass may
/// complete the enrolment, and completion certifies, in the same transaction.
pub async fn close_attempt(db: &impl ConnectionTrait, row: attempt::Model, now: DateTime<Utc>) -> Result<attempt::Model, ProgressError> {
    let id = row.id;
    let (fresh, passed_now) = attempts::grade(db, row, now).await?;
    if passed_now {
        exam_passed(db, &fresh, now).await?;
        return Ok(Attempts::find_by_id(id).one(db).await?.ok_or(ExamError::NotFound)?);
    }
    Ok(fresh)
}

/// A passed exam may complete the enrolment, and completion certifies; the
/// attempt then names the trainee's certificate for the course.
async fn exam_passed(db: &impl ConnectionTrait, row: &attempt::Model, now: DateTime<Utc>) -> Result<(), DbErr> {
    let Some(enrolment) = Enrolments::find_by_id(row.enrolment_id).one(db).await? else {
        return Ok(());
    };
    reevaluate(db, &enrolment, now).await?;
    if let Some(certificate) = certificates::for_user_course(db, enrolment.user_id, enrolment.course_id).await? {
        Attempts::update_many()
            .col_expr(attempt::Column::CertificateId, Expr::value(certificate.id))
            .filter(attempt::Column::Id.eq(row.id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Starts (or resumes) the caller's attempt at a published exam, first
/// grading an open attempt left past its deadline. When the latest attempt
/// ran out of time, a new one starts only if `new` asks for it: otherwise
/// the answer is `AttemptExpired` with that attempt's result (the caller
/// commits the grading all the same), so that a client "resuming" after
/// the deadline never burns an attempt by accident. A new attempt records
/// `locale`, the language it is taken in.
pub async fn start_attempt(
    db: &impl ConnectionTrait,
    caller: &Caller,
    exam: &exam::Model,
    now: DateTime<Utc>,
    new: bool,
    locale: Locale,
) -> Result<(Started, Arc<Snapshot>), ProgressError> {
    let mut latest = attempts::latest(db, exam.id, caller.user_id).await?;
    if let Some(row) = latest.take() {
        latest = Some(finalize_if_expired(db, row, now).await?);
    }
    let (started, snapshot) = attempts::start(db, caller, exam, latest.as_ref(), new, locale, now).await?;
    let (Started::New(row) | Started::Existing(row)) = &started;
    crate::enrolments::activity::touch(db, row.enrolment_id, now).await?;
    Ok((started, snapshot))
}

/// Grades the attempt if its deadline has passed (lazy grading on read).
pub async fn finalize_if_expired(
    db: &impl ConnectionTrait,
    row: attempt::Model,
    now: DateTime<Utc>,
) -> Result<attempt::Model, ProgressError> {
    if row.status == attempt::Status::Open && now > row.deadline {
        close_attempt(db, row, now).await
    } else {
        Ok(row)
    }
}

/// Grades every open attempt past its deadline and its own grace period
/// for answers synced late (the periodic sweep). Attempts started before
/// the grace was an exam setting have no stored end: they wait the default.
pub async fn sweep(state: &crate::state::AppState) -> Result<usize, ProgressError> {
    let now = state.clock.now();
    let legacy = chrono::Duration::minutes(i64::from(attempts::DEFAULT_SYNC_GRACE_MINUTES));
    let expired = Attempts::find()
        .filter(attempt::Column::Status.eq(attempt::Status::Open))
        .filter(
            Condition::any().add(attempt::Column::GraceEndsAt.lt(now)).add(
                Condition::all()
                    .add(attempt::Column::GraceEndsAt.is_null())
                    .add(attempt::Column::Deadline.lt(now - legacy)),
            ),
        )
        .order_by_asc(attempt::Column::Deadline)
        .limit(200)
        .all(&state.db)
        .await?;
    let count = expired.len();
    for row in expired {
        // Nobody signed in closes these: the grade's audit entry names the
        // trainee (see `attempts::grade`).
        let cmd = Command::begin_as(state, Author::default()).await?;
        let closed = close_attempt(cmd.txn(), row, now).await?;
        commands::sign_issued(&cmd, closed.user_id).await?;
        cmd.commit().await?;
    }
    Ok(count)
}
